/**
 * Contact dedup: blocking → Fellegi-Sunter scoring → clustering without chaining → merging.
 *
 * A pair's evidence is the sum of its fields' weights in bits (log2 likelihood ratios) plus a prior
 * for two random contacts being one person; its score is the match probability 1 / (1 + 2^−bits).
 * Pairs at or above `threshold` merge, those at or above `reviewThreshold` are listed for review.
 */
import { candidatePairs, MAX_CONTACTS, pairOf } from './blocking';
import { clusterEdges } from './cluster';
import { learnM } from './em';
import { createColumn, namePair, swapBits } from './columns';
import { MISSING } from './fields';
import type { FieldColumn, ReadContext } from './fields';
import { chooseSurvivor, mergeGroup } from './merge';
import { samplePairs } from './samplePairs';
import { SetColumn } from './setColumn';
import { normalizeEmail, productKey } from './normalize';
import { setOwn } from '../userKeys';
import type {
	Contact,
	DedupOptions,
	DedupResult,
	FieldRule,
	LearnedParameters,
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
	LearnedParameters,
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
/**
 * A pair inside a would-be group scoring below this is two clearly different people: a mother and
 * son on one number, each named; a shared email between strangers.
 */
const VETO_BITS = -20;
/** Group numbers and contact indices stay below this, so two of them make one exact key. */
const SIDES = 2 ** 27;
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
	// Before learning: about one duplicate per contact among `population` others.
	let prior = -Math.log2(population);

	const names = namePair(columns);
	const evidence = (i: number, j: number): number => {
		let bits = prior;
		for (let c = 0; c < columns.length; c++) bits += columns[c].compare(i, j);
		if (names) bits += swapBits(columns, names, i, j);
		return bits;
	};
	const mergeBits = logit2(threshold);
	const reviewBits = Math.max(logit2(Math.max(reviewThreshold, 1e-9)), -1e9);

	const keys = candidatePairs(columns, n, {
		maxBlockSize: opts.maxBlockSize ?? DEFAULT_OPTIONS.maxBlockSize,
		window: Math.max(2, opts.window ?? DEFAULT_OPTIONS.window),
	});
	phase('block');
	const given = usableParameters(opts.parameters, columns);
	const learned = given
		? { prior: given.prior, rounds: 0, matchShare: 0 }
		: learnM(columns, keys, pairOf, n, population, prior, names);
	if (given) {
		columns.forEach((column, c) => {
			if (!column.learnable) return;
			column.u = Float64Array.from(given.fields[c].u);
			column.applyM(given.fields[c].m);
		});
	}
	prior = learned.prior;
	phase('learn');
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
	const identities = columns.filter(
		(c): c is SetColumn =>
			c instanceof SetColumn &&
			(c.rule.conflict ?? (c.rule.method === 'exact' && c.rule.field === 'userId')),
	);
	const vetoBits = VETO_BITS;
	const { clusters, refused, conflict } = clusterEdges(n, mergeEdges, mergeWeights, {
		mergeBits,
		vetoBits,
		identities: identities.map((c) => ({ field: c.rule.field, start: c.start, values: c.values })),
		score: evidence,
	});

	phase('cluster');
	const clusterOf = new Int32Array(n).fill(-1);
	clusters.forEach((members, c) => {
		for (const i of members) clusterOf[i] = c;
	});
	const explain = (i: number, j: number, bits: number, reason?: string): PairExplanation => {
		const reasons: MatchReason[] = [];
		const weights = columns.map((column) => column.compare(i, j));
		if (names) {
			if (swapBits(columns, names, i, j) !== 0) {
				// Crossed-over names: each field's bits at the level it now stands at.
				for (const c of names) weights[c] = columns[c].weights[columns[c].level];
			}
		}
		columns.forEach((column, c) => {
			if (column.level === MISSING) return;
			reasons.push({
				field: column.rule.field,
				method: column.rule.method,
				score: round(column.similarity, 4),
				weight: round(weights[c], 2),
				values: [column.raw(contacts[i]), column.raw(contacts[j])],
			});
		});
		const out: PairExplanation = {
			a: contacts[i].id,
			b: contacts[j].id,
			score: round(probability(bits), 4),
			reasons,
		};
		if (reason) out.reason = reason;
		return out;
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
	// One question per two groups (or a group and a single contact): its most likely pair. A
	// reviewer who says "same person" merges the groups; asking once per member pair would repeat it.
	const asked = new Set<number>();
	const sideOf = (i: number) => (clusterOf[i] >= 0 ? clusterOf[i] : clusters.length + i);
	const questions = reviewIndex.filter((e) => {
		const x = sideOf(pairA[e]);
		const y = sideOf(pairB[e]);
		const key = x < y ? x * SIDES + y : y * SIDES + x;
		if (asked.has(key)) return false;
		asked.add(key);
		return true;
	});
	// A sure pair outside one group was refused a join: it carries the conflict that refused it.
	const review = questions.map((e) =>
		explain(
			pairA[e],
			pairB[e],
			pairW[e],
			pairW[e] >= mergeBits
				? conflict(pairA[e], pairB[e]) || 'conflict: its groups were refused a join'
				: undefined,
		),
	);

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
	// A plain object (node outputs meet code that calls hasOwnProperty on it); setOwn keeps a
	// contact with id "__proto__" an ordinary key.
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
		for (const contact of ordered.slice(1)) setOwn(mergeMap, contact.id, ordered[0].id);
		merged.push(mergeGroup(ordered, matchedBy[c], helpers));
	}

	phase('merge');
	return {
		clusters: idClusters,
		merged,
		mergeMap,
		review,
		parameters: {
			prior,
			fields: columns.map((column) => ({
				field: column.rule.field,
				method: column.rule.method,
				m: column.m.slice(),
				u: Array.from(column.u),
			})),
		},
		stats: {
			contacts: n,
			candidatePairs: keys.length,
			mergePairs: mergeEdges.length,
			reviewPairs: review.length,
			refusedJoins: refused,
			model: {
				prior: round(prior, 2),
				emRounds: learned.rounds,
				fields: columns.map((column) => ({
					field: column.rule.field,
					method: column.rule.method,
					learned: column.learnable,
					levels: column.levels.slice(1).map((level, k) => ({
						level,
						m: round(column.m[k + 1], 4),
						u: round(column.u[k + 1], 6),
						bits: round(
							k === 0 && column.tfShift !== 0
								? Math.log2(column.m[1] / column.u[1])
								: column.weights[k + 1],
							2,
						),
					})),
				})),
			},
			millis: Date.now() - started,
			phases,
		},
	};
}

/** Given parameters when they describe these columns (same fields, methods and levels). */
function usableParameters(
	given: LearnedParameters | undefined,
	columns: FieldColumn[],
): LearnedParameters | undefined {
	if (!given || !Number.isFinite(given.prior) || !Array.isArray(given.fields)) return undefined;
	if (given.fields.length !== columns.length) return undefined;
	const fits = columns.every((column, c) => {
		const f = given.fields[c];
		const count = column.levels.length;
		const probabilities = (xs: unknown) =>
			Array.isArray(xs) &&
			xs.length === count &&
			xs.every((x, level) => typeof x === 'number' && (level === 0 || (x > 0 && x <= 1)));
		return (
			f?.field === column.rule.field &&
			f.method === column.rule.method &&
			probabilities(f.m) &&
			probabilities(f.u)
		);
	});
	return fits ? given : undefined;
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
