/**
 * Contact dedup: pair precision / recall / F1 on FEBRL 1–3 (without soc_sec_id) and on generated
 * WhatsApp contacts; time and peak memory at 10 k, 100 k and 1 M contacts, each size in its own
 * process so peak RSS is per size; and the speed-up over an all-pairs baseline (every pair compared
 * on normalised phone + Levenshtein name, as a naive tool would) measured in the same run; and a
 * nightly run after 1 % changed, against the dedup index (`node .build/bench/dedup.js --incremental
 * 100000` runs that row alone).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

import { dedupeContacts, levenshteinRatio } from '../lib/dedup';
import type { Contact, DedupOptions, DedupResult } from '../lib/dedup';
import { dedupeIncremental } from '../lib/dedup/incremental';
import { dedupeContacts as baselineDedupe } from './baseline/dedup';
import { createPhoneNormalizer } from '../lib/phone';
import {
	FAKE1000_FIELDS,
	FEBRL_FIELDS,
	generateContacts,
	HISTORICAL_FIELDS,
	loadFake1000,
	loadFebrl,
	loadFebrl4,
	loadHistorical,
	pairMetrics,
	PRODUCT_MAP,
} from '../devkit/generators/contactGenerator';
import type { FebrlSet } from '../devkit/generators/contactGenerator';

export const GENERATED_OPTIONS: DedupOptions = { defaultCountry: 'HK', productMap: PRODUCT_MAP };

type Shape = 'varied' | 'zipf';
type EngineName = 'ours' | 'before';

interface ScaleResult {
	shape: Shape;
	engine: EngineName;
	contacts: number;
	/** Distinct names, and the share of contacts the 300 most common cover. */
	names: number;
	top300Share: number;
	generateSeconds: number;
	dedupSeconds: number;
	peakRssMb: number;
	candidatePairs: number;
	clusters: number;
	review: number;
	precision: number;
	recall: number;
	f1: number;
}

/** Runs in the child: generate, dedup, report one JSON line. */
function scaleChild(size: number, shape: Shape, engine: EngineName): void {
	let started = process.hrtime.bigint();
	const { contacts, truth } = generateContacts(size, { seed: 7, zipf: shape === 'zipf' });
	const generateSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const counts = new Map<string, number>();
	for (const c of contacts) if (c.name) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
	const top = [...counts.values()].sort((a, b) => b - a).slice(0, 300);
	started = process.hrtime.bigint();
	const run = engine === 'ours' ? dedupeContacts : baselineDedupe;
	const result = run(contacts, GENERATED_OPTIONS);
	const dedupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (process.env.SCRM_BENCH_DEDUP_PHASES) console.error(JSON.stringify(result.stats.phases));
	const m = pairMetrics(result.clusters, truth);
	const out: ScaleResult = {
		shape,
		engine,
		contacts: size,
		names: counts.size,
		top300Share: top.reduce((a, b) => a + b, 0) / contacts.length,
		generateSeconds,
		dedupSeconds,
		peakRssMb: process.resourceUsage().maxRSS / 1024,
		candidatePairs: result.stats.candidatePairs,
		clusters: result.clusters.length,
		review: result.review.length,
		precision: m.precision,
		recall: m.recall,
		f1: m.f1,
	};
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runScale(size: number, shape: Shape, engine: EngineName): ScaleResult {
	const output = execFileSync(
		process.execPath,
		['--max-old-space-size=12288', __filename, '--child', String(size), shape, engine],
		{
			encoding: 'utf8',
			maxBuffer: 1 << 20,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	return JSON.parse(output.trim().split('\n').pop()!) as ScaleResult;
}

/** What a naive tool does: every pair, phones normalised, names by Levenshtein ≥ 0.8, union-find. */
function allPairsBaseline(contacts: Contact[]): { seconds: number; clusters: string[][] } {
	const started = process.hrtime.bigint();
	const normalize = createPhoneNormalizer({ defaultCountry: 'HK' });
	const n = contacts.length;
	const phones = contacts.map((c) => {
		const list = [...(c.phones ?? []), ...(c.phone ? [c.phone] : [])];
		return list.map((raw) => {
			const r = normalize(raw);
			return r.ok ? r.e164 : raw;
		});
	});
	const names = contacts.map((c) =>
		typeof c.name === 'string' ? c.name.toLowerCase().trim() : '',
	);
	const parent = Array.from({ length: n }, (_, i) => i);
	const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
	for (let i = 0; i < n; i++) {
		for (let j = i + 1; j < n; j++) {
			const samePhone = phones[i].some((p) => phones[j].includes(p));
			const similarName =
				names[i] !== '' && names[j] !== '' && levenshteinRatio(names[i], names[j]) >= 0.8;
			if (samePhone && similarName) parent[find(i)] = find(j);
		}
	}
	const groups = new Map<number, string[]>();
	for (let i = 0; i < n; i++) {
		const root = find(i);
		const group = groups.get(root) ?? [];
		group.push(contacts[i].id);
		groups.set(root, group);
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return { seconds, clusters: [...groups.values()].filter((g) => g.length > 1) };
}

export interface IncrementalRow {
	contacts: number;
	changed: number;
	fullSeconds: number;
	incrementalSeconds: number;
	/** Writing and reading the index as the node does (JSON). */
	indexSeconds: number;
	indexMb: number;
	sameDecisions: boolean;
	newGroups: number;
}

/** A nightly run after 1 % of the list changed, against the index the night before wrote. */
export function incrementalRow(size: number): IncrementalRow {
	const { contacts } = generateContacts(size, { seed: 7, zipf: true });
	let started = process.hrtime.bigint();
	const first = dedupeIncremental(contacts, undefined, GENERATED_OPTIONS);
	const fullSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	started = process.hrtime.bigint();
	const text = JSON.stringify(first.index);
	const index: unknown = JSON.parse(text);
	const indexSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const next = contacts.map((c, i) =>
		i % 100 === 3 ? { ...c, name: `${String(c.name ?? '')} x` } : c,
	);
	started = process.hrtime.bigint();
	const run = dedupeIncremental(next, index, GENERATED_OPTIONS);
	const incrementalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const full = dedupeContacts(next, { ...GENERATED_OPTIONS, parameters: first.index.parameters });
	return {
		contacts: size,
		changed: run.changed.length,
		fullSeconds,
		incrementalSeconds,
		indexSeconds,
		indexMb: text.length / 1e6,
		sameDecisions:
			JSON.stringify(full.clusters) === JSON.stringify(run.result.clusters) &&
			JSON.stringify(full.review) === JSON.stringify(run.result.review),
		newGroups: run.newGroup.filter(Boolean).length,
	};
}

function incrementalLine(r: IncrementalRow): string {
	return `  ${r.contacts.toLocaleString('en').padStart(9)} contacts, ${r.changed.toLocaleString('en')} changed: first run ${r.fullSeconds.toFixed(1)} s, next run ${r.incrementalSeconds.toFixed(1)} s (+ ${r.indexSeconds.toFixed(1)} s index JSON, ${r.indexMb.toFixed(0)} MB), ${r.newGroups.toLocaleString('en')} groups new, same decisions as a full run with the same model: ${r.sameDecisions ? 'yes' : 'NO'}`;
}

export interface QualityRow {
	set: string;
	contacts: number;
	precision: number;
	recall: number;
	f1: number;
	/** Review pairs as a share of the contacts. */
	reviewShare: number;
	/** Review pairs scored at or above the merge threshold (each must carry a conflict). */
	sureInReview: number;
	millis: number;
}

type Engine = (contacts: Contact[], opts: DedupOptions) => Pick<DedupResult, 'clusters' | 'review'>;

/** Merged-output quality: only the groups count, never the review list. */
export function quality(
	set: string,
	data: FebrlSet,
	opts: DedupOptions,
	engine: Engine = dedupeContacts,
): QualityRow {
	const started = process.hrtime.bigint();
	const result = engine(data.contacts, opts);
	const millis = Number(process.hrtime.bigint() - started) / 1e6;
	const m = pairMetrics(result.clusters, data.truth);
	const threshold = opts.threshold ?? 0.9;
	return {
		set,
		contacts: data.contacts.length,
		precision: m.precision,
		recall: m.recall,
		f1: m.f1,
		reviewShare: result.review.length / data.contacts.length,
		sureInReview: result.review.filter((pair) => pair.score >= threshold).length,
		millis,
	};
}

/** The labelled sets: [name, data, options, tuned on (dev) or measuring only (holdout)]. */
export function labelledSets(): Array<[string, () => FebrlSet, DedupOptions, 'dev' | 'holdout']> {
	const febrl: DedupOptions = { fields: [...FEBRL_FIELDS] };
	return [
		['febrl1', () => loadFebrl('febrl1'), febrl, 'dev'],
		['febrl2', () => loadFebrl('febrl2'), febrl, 'dev'],
		['febrl3', () => loadFebrl('febrl3'), febrl, 'dev'],
		['febrl4 (4a+4b)', loadFebrl4, febrl, 'holdout'],
		['splink fake_1000', loadFake1000, { fields: [...FAKE1000_FIELDS] }, 'dev'],
		[
			'historical 50k, dev half',
			() => loadHistorical('dev'),
			{ fields: [...HISTORICAL_FIELDS] },
			'dev',
		],
		[
			'historical 50k, holdout half',
			() => loadHistorical('holdout'),
			{ fields: [...HISTORICAL_FIELDS] },
			'holdout',
		],
	];
}

function qualityLine(label: string, r: QualityRow): string {
	return `  ${label.padEnd(9)} P ${pct(r.precision)}  R ${pct(r.recall)}  F1 ${pct(r.f1)}   review ${pct(r.reviewShare)} of contacts (${r.sureInReview} at ≥ threshold)   ${r.millis.toFixed(0)} ms`;
}

function pct(x: number): string {
	return `${(x * 100).toFixed(2)}%`;
}

export async function runDedupBench(
	sizes = [10_000, 100_000, 1_000_000],
): Promise<Record<string, unknown>> {
	const results: Record<string, unknown> = {};
	console.log(
		'contact dedup: merged output only (pairs inside the groups; review rows count as not merged), beside the engine before issue 20',
	);
	for (const [name, load, opts, use] of labelledSets()) {
		const data = load();
		const ours = quality(name, data, opts);
		const before = quality(name, data, opts, baselineDedupe);
		console.log(`${name} (${data.contacts.length.toLocaleString('en')} records, ${use})`);
		console.log(qualityLine('ours', ours));
		console.log(qualityLine('before', before));
		results[name] = { ours, before, use };
	}

	const { contacts, truth } = generateContacts(10_000, { seed: 7 });
	let started = process.hrtime.bigint();
	const ours = dedupeContacts(contacts, GENERATED_OPTIONS);
	const oursSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const m = pairMetrics(ours.clusters, truth);
	console.log(
		`  generated 10,000 (HK/TW/CN/TH/RU)   P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}   review ${ours.review.length}`,
	);
	results.generated10k = { precision: m.precision, recall: m.recall, f1: m.f1 };

	started = process.hrtime.bigint();
	const baseline = allPairsBaseline(contacts);
	const baselineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const bm = pairMetrics(baseline.clusters, truth);
	console.log(
		`\nall-pairs baseline at 10,000 (normalised phone + Levenshtein name, ${((10_000 * 9_999) / 2).toLocaleString('en')} pairs)`,
	);
	console.log(`  baseline  ${baselineSeconds.toFixed(2).padStart(7)} s   F1 ${pct(bm.f1)}`);
	console.log(
		`  ours      ${oursSeconds.toFixed(2).padStart(7)} s   F1 ${pct(m.f1)}   (${ours.stats.candidatePairs.toLocaleString('en')} candidate pairs)`,
	);
	console.log(`  speed-up  ${(baselineSeconds / oursSeconds).toFixed(1)}×`);
	results.baseline10k = {
		baselineSeconds,
		oursSeconds,
		speedUp: baselineSeconds / oursSeconds,
		baselineF1: bm.f1,
	};

	console.log(
		'\nscale: each size and engine in its own process, so peak RSS is its own (time excludes generation)',
	);
	console.log(
		`  machine load before: ${os
			.loadavg()
			.map((x) => x.toFixed(2))
			.join(' ')} (1/5/15 min, ${os.cpus().length} cores)`,
	);
	const scale: ScaleResult[] = [];
	// The engine before issue 20 runs only up to BEFORE_MAX: beyond it, it needs more memory than the machine has.
	const beforeMax = Number(process.env.SCRM_BENCH_DEDUP_BEFORE_MAX ?? 200_000);
	for (const shape of ['zipf', 'varied'] as const) {
		console.log(
			shape === 'zipf'
				? '  common names (Zipf: a few hundred spellings cover most people, shared family numbers)'
				: '  varied names (the generator as before)',
		);
		for (const size of sizes) {
			for (const engine of ['ours', 'before'] as const) {
				if (engine === 'before' && size > beforeMax) continue;
				const r = runScale(size, shape, engine);
				scale.push(r);
				console.log(
					`  ${size.toLocaleString('en').padStart(9)} ${engine.padEnd(6)}  dedup ${r.dedupSeconds.toFixed(1).padStart(6)} s   peak RSS ${r.peakRssMb.toFixed(0).padStart(5)} MB   ${r.candidatePairs.toLocaleString('en')} candidate pairs   P ${pct(r.precision)} R ${pct(r.recall)} F1 ${pct(r.f1)}   review ${r.review.toLocaleString('en')}   (${r.names.toLocaleString('en')} names, top 300 cover ${pct(r.top300Share)})`,
				);
			}
		}
	}
	console.log(
		`  machine load after: ${os
			.loadavg()
			.map((x) => x.toFixed(2))
			.join(' ')}`,
	);
	results.scale = scale;

	const incrementalSize = Number(process.env.SCRM_BENCH_DEDUP_INCREMENTAL ?? 100_000);
	console.log(
		'\nincremental: 1 % of a common-name list changed, the next run against the dedup index (SCRM_BENCH_DEDUP_INCREMENTAL sets the size)',
	);
	const inc = incrementalRow(incrementalSize);
	console.log(incrementalLine(inc));
	results.incremental = inc;
	return results;
}

if (require.main === module) {
	const child = process.argv.indexOf('--child');
	const incremental = process.argv.indexOf('--incremental');
	if (incremental >= 0)
		console.log(incrementalLine(incrementalRow(Number(process.argv[incremental + 1] ?? 100_000))));
	else if (child >= 0)
		scaleChild(
			Number(process.argv[child + 1]),
			process.argv[child + 2] as Shape,
			process.argv[child + 3] as EngineName,
		);
	else {
		const sizes = process.argv
			.slice(2)
			.map(Number)
			.filter((x) => x > 0);
		runDedupBench(sizes.length > 0 ? sizes : undefined).catch((error: unknown) => {
			console.error(error);
			process.exit(1);
		});
	}
}
