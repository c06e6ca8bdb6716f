/**
 * Contact dedup: blocking → Fellegi-Sunter scoring → clustering without chaining → merging.
 *
 * A pair's evidence is the sum of its fields' weights in bits (log2 likelihood ratios) plus a prior
 * for two random contacts being one person; its score is the match probability 1 / (1 + 2^−bits).
 * Pairs at or above `threshold` merge, those at or above `reviewThreshold` are listed for review.
 */
import { candidatePairs, MAX_CONTACTS, pairOf } from './blocking';
import { clusterEdges } from './cluster';
import { createColumn, MISSING } from './fields';
import type { ReadContext } from './fields';
import { chooseSurvivor, mergeGroup } from './merge';
import { normalizeEmail, productKey } from './normalize';
import type {
	Contact,
	DedupOptions,
	DedupResult,
	FieldRule,
	MatchReason,
	MergedContact,
	PairExplanation,
} from './types';

export type {
	Contact,
	DedupOptions,
	DedupResult,
	DedupStats,
	FieldRule,
	MatchMethod,
	MatchReason,
	MergedContact,
	MergeLogEntry,
	PairExplanation,
	Purchase,
} from './types';
export { dice, jaroWinkler, levenshtein, levenshteinRatio } from './similarity';

/** WhatsApp CRM defaults: any shared number, BSUID, email, the name, products bought close together. */
export const DEFAULT_FIELDS: readonly FieldRule[] = Object.freeze([
	{ field: 'phones', method: 'phone' },
	{ field: 'userId', method: 'exact' },
	{ field: 'email', method: 'email' },
	{ field: 'name', method: 'levenshtein' },
	{ field: 'purchases', method: 'purchases' },
] as FieldRule[]);

export const DEFAULT_OPTIONS = Object.freeze({
	threshold: 0.9,
	reviewThreshold: 0.3,
	countryField: 'country',
	purchaseWindowDays: 90,
	gmailNormalize: true,
	survivor: 'mostComplete' as const,
	maxBlockSize: 50,
	window: 8,
});

/**
 * Inputs smaller than this are treated as samples of a population this large: three contacts
 * sharing a name in a list of ten say little about how rare that name is.
 */
const MIN_POPULATION = 10_000;
/** Random pairs measured for the u of approximate levels. */
const SAMPLE_PAIRS = 100_000;

export function dedupeContacts(contacts: Contact[], opts: DedupOptions = {}): DedupResult {
	const started = Date.now();
	if (!Array.isArray(contacts)) throw new TypeError('dedupeContacts expects an array of contacts');
	const n = contacts.length;
	if (n > MAX_CONTACTS) throw new RangeError(`at most ${MAX_CONTACTS} contacts per run`);
	const seen = new Set<string>();
	for (let i = 0; i < n; i++) {
		const id = contacts[i]?.id;
		if (typeof id !== 'string' || id === '')
			throw new TypeError(`contact ${i} has no id: every contact needs a text id`);
		if (seen.has(id))
			throw new TypeError(`contact ${i} repeats the id "${id}": ids must be unique`);
		seen.add(id);
	}
	seen.clear();

	const threshold = opts.threshold ?? DEFAULT_OPTIONS.threshold;
	const reviewThreshold = Math.min(
		opts.reviewThreshold ?? DEFAULT_OPTIONS.reviewThreshold,
		threshold,
	);
	if (!(threshold > 0 && threshold < 1))
		throw new RangeError('threshold is a probability strictly between 0 and 1');
	const context: ReadContext = {
		defaultCountry: opts.defaultCountry,
		countryField: opts.countryField ?? DEFAULT_OPTIONS.countryField,
		productMap: new Map(
			Object.entries(opts.productMap ?? {}).map(([from, to]) => [
				productKey(from),
				productKey(to) || from,
			]),
		),
		purchaseWindowDays: opts.purchaseWindowDays ?? DEFAULT_OPTIONS.purchaseWindowDays,
		gmailNormalize: opts.gmailNormalize ?? DEFAULT_OPTIONS.gmailNormalize,
	};
	const rules = opts.fields && opts.fields.length > 0 ? opts.fields : DEFAULT_FIELDS;
	const phases: Record<string, number> = {};
	let mark = Date.now();
	const phase = (name: string) => {
		const now = Date.now();
		phases[name] = now - mark;
		mark = now;
	};
	const columns = rules.map((rule) => createColumn(rule, contacts, context));
	phase('read');

	const population = Math.max(n, MIN_POPULATION);
	const sample = samplePairs(n, SAMPLE_PAIRS);
	for (const column of columns) column.estimate(population, sample);
	phase('estimate');
	// About one duplicate per contact among `population` others.
	const prior = -Math.log2(population);

	const evidence = (i: number, j: number): number => {
		let bits = prior;
		for (let c = 0; c < columns.length; c++) bits += columns[c].compare(i, j);
		return bits;
	};
	const mergeBits = logit2(threshold);
	const reviewBits = Math.max(logit2(Math.max(reviewThreshold, 1e-9)), -1e9);

	const keys = candidatePairs(columns, n, {
		maxBlockSize: opts.maxBlockSize ?? DEFAULT_OPTIONS.maxBlockSize,
		window: Math.max(2, opts.window ?? DEFAULT_OPTIONS.window),
	});
	phase('block');
	let kept = 0;
	let pairA = new Int32Array(1024);
	let pairB = new Int32Array(1024);
	let pairW = new Float64Array(1024);
	for (let k = 0; k < keys.length; k++) {
		const [a, b] = pairOf(keys[k]);
		const bits = evidence(a, b);
		if (bits < reviewBits) continue;
		if (kept === pairA.length) {
			pairA = grow(pairA);
			pairB = grow(pairB);
			const w = new Float64Array(pairW.length * 2);
			w.set(pairW);
			pairW = w;
		}
		pairA[kept] = a;
		pairB[kept] = b;
		pairW[kept++] = bits;
	}

	phase('score');
	const mergeEdges = { a: new Int32Array(kept), b: new Int32Array(kept), length: 0 };
	const mergeWeights = new Float64Array(kept);
	for (let e = 0; e < kept; e++) {
		if (pairW[e] < mergeBits) continue;
		mergeEdges.a[mergeEdges.length] = pairA[e];
		mergeEdges.b[mergeEdges.length] = pairB[e];
		mergeWeights[mergeEdges.length++] = pairW[e];
	}
	const { clusters, split } = clusterEdges(n, mergeEdges, mergeWeights, mergeBits, evidence);

	phase('cluster');
	const clusterOf = new Int32Array(n).fill(-1);
	clusters.forEach((members, c) => {
		for (const i of members) clusterOf[i] = c;
	});
	const explain = (i: number, j: number, bits: number): PairExplanation => {
		const reasons: MatchReason[] = [];
		for (const column of columns) {
			const weight = column.compare(i, j);
			if (column.level === MISSING) continue;
			reasons.push({
				field: column.rule.field,
				method: column.rule.method,
				score: round(column.similarity, 4),
				weight: round(weight, 2),
				values: [column.raw(contacts[i]), column.raw(contacts[j])],
			});
		}
		return { a: contacts[i].id, b: contacts[j].id, score: round(probability(bits), 4), reasons };
	};

	// Merge-level edges explain their group; pairs left in different groups go to review.
	const matchedBy: PairExplanation[][] = clusters.map(() => []);
	const reviewIndex: number[] = [];
	for (let e = 0; e < kept; e++) {
		const ca = clusterOf[pairA[e]];
		if (ca >= 0 && ca === clusterOf[pairB[e]]) {
			if (pairW[e] >= mergeBits) matchedBy[ca].push(explain(pairA[e], pairB[e], pairW[e]));
		} else reviewIndex.push(e);
	}
	reviewIndex.sort((x, y) => pairW[y] - pairW[x] || pairA[x] - pairA[y] || pairB[x] - pairB[y]);
	const review = reviewIndex.map((e) => explain(pairA[e], pairB[e], pairW[e]));

	phase('explain');
	const gmail = context.gmailNormalize;
	const helpers = {
		// Within one person's records the last eight digits tell numbers apart without a parse:
		// "+852 9123 4567" and "9123-4567" are one entry.
		phoneKey: (raw: unknown): string => {
			const digits = String(raw).replace(/\D/g, '');
			return digits.length >= 8 ? digits.slice(-8) : String(raw);
		},
		emailKey: (raw: unknown): string => normalizeEmail(raw, gmail) || String(raw),
	};
	const survivorRule = opts.survivor ?? DEFAULT_OPTIONS.survivor;
	const idClusters: string[][] = [];
	const merged: MergedContact[] = [];
	const mergeMap: Record<string, string> = {};
	const groups = clusters.map((members, c) => ({
		members,
		c,
		ids: members.map((i) => contacts[i].id).sort(),
	}));
	groups.sort((x, y) => (x.ids[0] < y.ids[0] ? -1 : x.ids[0] > y.ids[0] ? 1 : 0));
	for (const { members, c, ids } of groups) {
		idClusters.push(ids);
		const ordered = chooseSurvivor(
			members.map((i) => contacts[i]),
			survivorRule,
		);
		for (const contact of ordered.slice(1)) mergeMap[contact.id] = ordered[0].id;
		merged.push(mergeGroup(ordered, matchedBy[c], helpers));
	}

	phase('merge');
	return {
		clusters: idClusters,
		merged,
		mergeMap,
		review,
		stats: {
			contacts: n,
			candidatePairs: keys.length,
			mergePairs: mergeEdges.length,
			reviewPairs: review.length,
			splitComponents: split,
			millis: Date.now() - started,
			phases,
		},
	};
}

/** Deterministic random pairs (mulberry32), each a < b. */
function samplePairs(n: number, max: number): Int32Array {
	if (n < 2) return new Int32Array(0);
	const all = (n * (n - 1)) / 2;
	if (all <= max) {
		const out = new Int32Array(all * 2);
		let k = 0;
		for (let i = 0; i < n; i++) {
			for (let j = i + 1; j < n; j++) {
				out[k++] = i;
				out[k++] = j;
			}
		}
		return out;
	}
	const out = new Int32Array(max * 2);
	let state = 0x9e3779b9;
	const random = () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	for (let k = 0; k < max; k++) {
		const a = Math.floor(random() * n);
		let b = Math.floor(random() * (n - 1));
		if (b >= a) b++;
		out[2 * k] = a;
		out[2 * k + 1] = b;
	}
	return out;
}

function logit2(p: number): number {
	return Math.log2(p / (1 - p));
}

function probability(bits: number): number {
	return 1 / (1 + 2 ** -bits);
}

function round(value: number, digits: number): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
	const grown = new Int32Array(array.length * 2);
	grown.set(array);
	return grown;
}
