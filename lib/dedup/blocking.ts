/**
 * Candidate pairs without comparing all pairs. Three kinds of keys, each bounded:
 * 1. exact blocks on phones, emails, ids, dates and other exact fields (any shared value);
 * 2. combined blocks: each weak exact value (postcode, date) with the first letter of a text field;
 * 3. sorted neighbourhood over each text field (words sorted, then reversed letters so a typo in the
 *    first letters still lands near), ties broken by the other fields so a crowd of "Chan Tai Man"s
 *    sorts the same person's records together.
 * A block larger than `maxBlockSize` (a shop's switchboard number, a common postcode) is not paired
 * out; its members are sorted by name and compared within the window instead. Work is O(n·window)
 * per key plus the sorts.
 */
import { DateColumn } from './dateColumn';
import { filled } from './fields';
import { SetColumn } from './setColumn';
import { TextColumn } from './textColumn';
import type { FieldColumn } from './fields';
import { reversed } from './normalize';

/** Pair keys a·2^26 + b (a < b) fit exactly in a double for up to 67 million contacts. */
const SHIFT = 67_108_864;
export const MAX_CONTACTS = SHIFT;

export class PairBuffer {
	keys = new Float64Array(1 << 16);
	length = 0;

	add(a: number, b: number): void {
		if (a === b) return;
		if (this.length === this.keys.length) {
			// Repeats are dropped once at the end: one sort of everything beats a sort per growth.
			const grown = new Float64Array(this.keys.length * 2);
			grown.set(this.keys);
			this.keys = grown;
		}
		this.keys[this.length++] = a < b ? a * SHIFT + b : b * SHIFT + a;
	}

	/** Sorted, each pair once. */
	compact(): void {
		const view = this.keys.subarray(0, this.length);
		view.sort();
		let out = 0;
		for (let k = 0; k < view.length; k++)
			if (k === 0 || view[k] !== view[k - 1]) view[out++] = view[k];
		this.length = out;
	}

	finish(): Float64Array {
		this.compact();
		return this.keys.slice(0, this.length);
	}
}

export function pairOf(key: number): [number, number] {
	const a = Math.floor(key / SHIFT);
	return [a, key - a * SHIFT];
}

export interface BlockingOptions {
	maxBlockSize: number;
	window: number;
}

export function candidatePairs(
	columns: FieldColumn[],
	n: number,
	opts: BlockingOptions,
): Float64Array {
	const pairs = new PairBuffer();
	const texts = columns.filter((c): c is TextColumn => c instanceof TextColumn);
	const sets = columns.filter(
		(c): c is SetColumn | DateColumn => c instanceof SetColumn || c instanceof DateColumn,
	);
	// Within an oversized block, records are ordered by their first text field (or by index).
	const orderRank = sortRanks(texts, sets, 0, false, n);

	for (const column of sets) {
		const exactish = column instanceof DateColumn || column.rule.method === 'exact';
		const block = invert(n, (i) => column.blockValues(i));
		// A field where most values are shared by many (a state, a gender) blocks nothing useful alone.
		if (exactish && averagePairsPerRecord(block) > opts.maxBlockSize / 2) continue;
		pairBlocks(block, pairs, opts, orderRank);
	}

	// Weak exact values refined by a name letter: postcode + "w", date of birth + "s".
	for (const column of sets) {
		if (!(column instanceof DateColumn || column.rule.method === 'exact')) continue;
		for (const text of texts.slice(0, 2)) {
			const keys = new Map<string, number>();
			const block = invert(n, (i) => {
				const values = column.blockValues(i);
				if (values === undefined || !text.present(i)) return undefined;
				const letter = text.sorted[i].charAt(0);
				const list = typeof values === 'number' ? [values] : values;
				return list.map((v) => intern(keys, `${v}|${letter}`));
			});
			pairBlocks(block, pairs, opts, orderRank);
		}
	}

	for (let t = 0; t < texts.length; t++) {
		for (const backwards of [false, true]) {
			const rank = sortRanks(texts, sets, t, backwards, n);
			const order = new Int32Array(n);
			for (let i = 0; i < n; i++) order[rank[i]] = i;
			// Records without the field sort first; leave them out of the window.
			let first = 0;
			while (first < n && !texts[t].present(order[first])) first++;
			slide(order.subarray(first), opts.window, pairs);
		}
	}
	return pairs.finish();
}

/**
 * Each record's position in the order of text field `t` (words sorted, or its letters reversed),
 * ties broken by the other text fields and then by a phone or other exact value. Strings are
 * sorted once per distinct value and records compared by integer ranks.
 */
function sortRanks(
	texts: TextColumn[],
	sets: Array<SetColumn | DateColumn>,
	t: number,
	backwards: boolean,
	n: number,
): Int32Array {
	const primary = texts.length > t ? valueRanks(texts[t], backwards) : undefined;
	const text = texts[t];
	let others: Int32Array | undefined;
	if (texts.length > 1) {
		// The other text fields, joined, ranked like the primary.
		const keys = new Map<string, number>();
		const ids = new Int32Array(n);
		for (let i = 0; i < n; i++) {
			let key = '';
			for (let o = 0; o < texts.length; o++) if (o !== t) key += `${texts[o].sorted[i]}\u0001`;
			ids[i] = intern(keys, key);
		}
		const ordered = [...keys.keys()].sort();
		const rankOf = new Int32Array(keys.size);
		ordered.forEach((key, r) => (rankOf[keys.get(key)!] = r));
		others = ids.map((id) => rankOf[id]);
	}
	const tie = sets.find((c) => c.rule.method === 'phone') ?? sets[0];
	const tieValues = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const value = tie?.blockValues(i);
		tieValues[i] = value === undefined ? -1 : typeof value === 'number' ? value : value[0];
	}
	// Counting sort on the primary rank (missing first), then each run of equals by the tie-breakers.
	const buckets = (primary?.length ?? 0) + 1;
	const start = new Int32Array(buckets + 1);
	const bucketOf = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const b = primary && text.id[i] >= 0 ? primary[text.id[i]] + 1 : 0;
		bucketOf[i] = b;
		start[b + 1]++;
	}
	for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
	const fill = start.slice(0, buckets);
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[fill[bucketOf[i]]++] = i;
	const byTies = (a: number, b: number) =>
		(others ? others[a] - others[b] : 0) || tieValues[a] - tieValues[b] || a - b;
	for (let b = 0; b < buckets; b++)
		if (start[b + 1] - start[b] > 1) order.subarray(start[b], start[b + 1]).sort(byTies);
	const rank = new Int32Array(n);
	for (let r = 0; r < n; r++) rank[order[r]] = r;
	return rank;
}

/** Rank of each distinct value of a text column (by interned id), forwards or by reversed letters. */
function valueRanks(text: TextColumn, backwards: boolean): Int32Array {
	const values = filled(text.interner.size, '');
	for (const [value, id] of text.interner.ids) values[id] = backwards ? reversed(value) : value;
	const ids = Array.from(values.keys());
	ids.sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : a - b));
	const rank = new Int32Array(values.length);
	ids.forEach((id, r) => (rank[id] = r));
	return rank;
}

function intern(keys: Map<string, number>, key: string): number {
	let id = keys.get(key);
	if (id === undefined) {
		id = keys.size;
		keys.set(key, id);
	}
	return id;
}

interface Inverted {
	/** Members of value v: members[start[v] .. start[v + 1]). */
	start: Int32Array;
	members: Int32Array;
}

/** Value → contacts, by counting sort (no per-block arrays). */
function invert(
	n: number,
	valuesOf: (i: number) => number | readonly number[] | undefined,
): Inverted {
	let size = 0;
	let total = 0;
	const all = filled<number | readonly number[] | undefined>(n, undefined);
	for (let i = 0; i < n; i++) {
		const values = valuesOf(i);
		all[i] = values;
		if (values === undefined) continue;
		if (typeof values === 'number') {
			if (values >= size) size = values + 1;
			total++;
		} else {
			for (const v of values) if (v >= size) size = v + 1;
			total += values.length;
		}
	}
	const start = new Int32Array(size + 1);
	for (let i = 0; i < n; i++) {
		const values = all[i];
		if (values === undefined) continue;
		if (typeof values === 'number') start[values + 1]++;
		else for (const v of values) start[v + 1]++;
	}
	for (let v = 0; v < size; v++) start[v + 1] += start[v];
	const fill = start.slice(0, size);
	const members = new Int32Array(total);
	for (let i = 0; i < n; i++) {
		const values = all[i];
		if (values === undefined) continue;
		if (typeof values === 'number') members[fill[values]++] = i;
		else for (const v of values) members[fill[v]++] = i;
	}
	return { start, members };
}

function averagePairsPerRecord(block: Inverted): number {
	let pairs = 0;
	for (let v = 0; v + 1 < block.start.length; v++) {
		const size = block.start[v + 1] - block.start[v];
		pairs += (size * (size - 1)) / 2;
	}
	return block.members.length === 0 ? 0 : pairs / block.members.length;
}

function pairBlocks(
	block: Inverted,
	pairs: PairBuffer,
	opts: BlockingOptions,
	orderRank: Int32Array,
): void {
	for (let v = 0; v + 1 < block.start.length; v++) {
		const from = block.start[v];
		const to = block.start[v + 1];
		const size = to - from;
		if (size < 2) continue;
		if (size <= opts.maxBlockSize) {
			for (let p = from; p < to; p++)
				for (let q = p + 1; q < to; q++) pairs.add(block.members[p], block.members[q]);
			continue;
		}
		const order = Array.from(block.members.subarray(from, to));
		order.sort((a, b) => orderRank[a] - orderRank[b]);
		slide(order, opts.window, pairs);
	}
}

/** Each record with the next window − 1 in the order. */
function slide(order: ArrayLike<number>, window: number, pairs: PairBuffer): void {
	for (let p = 0; p < order.length; p++) {
		const end = Math.min(order.length, p + window);
		for (let q = p + 1; q < end; q++) pairs.add(order[p], order[q]);
	}
}
