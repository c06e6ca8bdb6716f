/**
 * Contact dedup: pair precision / recall / F1 on FEBRL 1–3 (without soc_sec_id) and on generated
 * WhatsApp contacts; time and peak memory at 10 k, 100 k and 1 M contacts, each size in its own
 * process so peak RSS is per size; and the speed-up over an all-pairs baseline (every pair compared
 * on normalised phone + Levenshtein name, as a naive tool would) measured in the same run.
 */
import { execFileSync } from 'node:child_process';

import { dedupeContacts, levenshteinRatio } from '../lib/dedup';
import type { Contact, DedupOptions } from '../lib/dedup';
import { createPhoneNormalizer } from '../lib/phone';
import {
	FEBRL_FIELDS,
	generateContacts,
	loadFebrl,
	pairMetrics,
	PRODUCT_MAP,
} from '../devkit/generators/contactGenerator';

export const GENERATED_OPTIONS: DedupOptions = { defaultCountry: 'HK', productMap: PRODUCT_MAP };

interface ScaleResult {
	contacts: number;
	generateSeconds: number;
	dedupSeconds: number;
	peakRssMb: number;
	candidatePairs: number;
	clusters: number;
	review: number;
	f1: number;
}

/** Runs in the child: generate, dedup, report one JSON line. */
function scaleChild(size: number): void {
	let started = process.hrtime.bigint();
	const { contacts, truth } = generateContacts(size, { seed: 7 });
	const generateSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	started = process.hrtime.bigint();
	const result = dedupeContacts(contacts, GENERATED_OPTIONS);
	const dedupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	const out: ScaleResult = {
		contacts: size,
		generateSeconds,
		dedupSeconds,
		peakRssMb: process.resourceUsage().maxRSS / 1024,
		candidatePairs: result.stats.candidatePairs,
		clusters: result.clusters.length,
		review: result.review.length,
		f1: pairMetrics(result.clusters, truth).f1,
	};
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runScale(size: number): ScaleResult {
	const output = execFileSync(
		process.execPath,
		['--max-old-space-size=4096', __filename, '--child', String(size)],
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

function pct(x: number): string {
	return `${(x * 100).toFixed(2)}%`;
}

export async function runDedupBench(
	sizes = [10_000, 100_000, 1_000_000],
): Promise<Record<string, unknown>> {
	const results: Record<string, unknown> = {};
	console.log('contact dedup: pair precision / recall / F1 (clusters → all pairs inside them)');
	for (const name of ['febrl1', 'febrl2', 'febrl3'] as const) {
		const { contacts, truth } = loadFebrl(name);
		const started = process.hrtime.bigint();
		const result = dedupeContacts(contacts, { fields: [...FEBRL_FIELDS] });
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		const m = pairMetrics(result.clusters, truth);
		console.log(
			`  ${name} (${contacts.length.toLocaleString('en')}, no soc_sec_id)   P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}   ${ms.toFixed(0)} ms, ${result.stats.candidatePairs.toLocaleString('en')} candidate pairs`,
		);
		results[name] = { precision: m.precision, recall: m.recall, f1: m.f1, millis: ms };
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
		'\nscale, generated contacts, each size in its own process (time excludes generation)',
	);
	const scale: ScaleResult[] = [];
	for (const size of sizes) {
		const r = runScale(size);
		scale.push(r);
		console.log(
			`  ${size.toLocaleString('en').padStart(9)}   dedup ${r.dedupSeconds.toFixed(1).padStart(6)} s   peak RSS ${r.peakRssMb.toFixed(0).padStart(5)} MB   generate ${r.generateSeconds.toFixed(1)} s   ${r.candidatePairs.toLocaleString('en')} candidate pairs   F1 ${pct(r.f1)}`,
		);
	}
	results.scale = scale;
	return results;
}

if (require.main === module) {
	const child = process.argv.indexOf('--child');
	if (child >= 0) scaleChild(Number(process.argv[child + 1]));
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
