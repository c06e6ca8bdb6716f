/**
 * The features of the learned sentiment model, shared by its training script and by the tagger:
 * hashed character n-grams, so one small table covers Chinese and Thai (no spaces: 1- to 3-grams of
 * each run of characters), Russian morphology and English typos (the 3- and 4-grams of each word,
 * with its edges), plus whole words, word pairs ("not good", "не понравилось"), "!" and "?".
 * Text is read folded (case, width, traditional → simplified, ё → е) with letters repeated more
 * than twice collapsed ("soooo", "ดีมากกกก"), one pass, no strings built.
 */
import { CHAR_CLASS, CharClass, FOLD } from './normalize';

/** log2 of the hashed table's size. */
export const FEATURE_BITS = 18;
export const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x811c9dc5;
const SEED_GRAM = 0x3b9aca07;
const SEED_SYMBOL = 0x6c078965;

/**
 * The features of the last `extractFeatures` call: table slot and the span of the message each
 * came from. Reused between calls (tagging is synchronous), grown as needed.
 */
export const features = {
	count: 0,
	slots: new Int32Array(256),
	starts: new Int32Array(256),
	ends: new Int32Array(256),
	/** The sum of the weights given to `extractFeatures` over the features (0 without weights). */
	sum: 0,
};

/** Features kept per sign by `strongest`. */
export const STRONGEST = 6;

/** A few features of one sign: |weight| (strongest first, ties in order of appearance) and span. */
export interface Strongest {
	count: number;
	weight: Int32Array;
	start: Int32Array;
	end: Int32Array;
}

function strongestList(): Strongest {
	return {
		count: 0,
		weight: new Int32Array(STRONGEST),
		start: new Int32Array(STRONGEST),
		end: new Int32Array(STRONGEST),
	};
}

/**
 * With a table: the STRONGEST features of each sign that span letters, kept while extracting, so
 * a long message needs no array of all its features to show its evidence.
 */
export const strongest = { positive: strongestList(), negative: strongestList() };

function keep(list: Strongest, v: number, start: number, end: number): void {
	const { weight } = list;
	if (list.count === STRONGEST && v <= weight[STRONGEST - 1]) return;
	let at = list.count === STRONGEST ? STRONGEST - 1 : list.count++;
	while (at > 0 && weight[at - 1] < v) {
		weight[at] = weight[at - 1];
		list.start[at] = list.start[at - 1];
		list.end[at] = list.end[at - 1];
		at--;
	}
	weight[at] = v;
	list.start[at] = start;
	list.end[at] = end;
}

// The same arrays as `features`, in module variables: `visit` runs for every n-gram.
let slots = features.slots;
let starts = features.starts;
let ends = features.ends;
let visited = 0;
let weights: Int8Array | undefined;
let sum = 0;

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
	const b = new Int32Array(a.length * 2);
	b.set(a);
	return b;
}

function visit(slot: number, start: number, end: number): void {
	visited++;
	if (weights !== undefined) {
		// Scoring: the sum and the strongest few, no arrays.
		const v = weights[slot];
		sum += v;
		if (v > 0 && end !== start) keep(strongest.positive, v, start, end);
		else if (v < 0 && end !== start) keep(strongest.negative, -v, start, end);
		return;
	}
	const k = visited - 1;
	if (k === slots.length) {
		features.slots = slots = grow(slots);
		features.starts = starts = grow(starts);
		features.ends = ends = grow(ends);
	}
	slots[k] = slot;
	starts[k] = start;
	ends[k] = end;
}

function mix(hash: number, code: number): number {
	return Math.imul(hash ^ code, FNV_PRIME) >>> 0;
}

function slotOf(hash: number): number {
	// A final avalanche, so nearby hashes spread over the table.
	let h = hash;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	return (h >>> 0) & FEATURE_MASK;
}

/** Sentence punctuation: word pairs do not cross it. */
function isBreak(code: number): boolean {
	return (
		code === 0x2e || // .
		code === 0x2c || // ,
		code === 0x21 || // !
		code === 0x3f || // ?
		code === 0x3b || // ;
		code === 0x3a || // :
		code === 0x0a ||
		code === 0x3002 || // 。
		code === 0xff0c || // ，
		code === 0x3001 // 、
	);
}

// The state of the extraction under way, at module level so no closure is built per message.
/** The last four folded letters of the current word or run, and where each began. */
const ring = new Int32Array(4);
const at = new Int32Array(4);
let count = 0;
let runClass: number = CharClass.Other;
let wordHash = SEED_WORD;
let wordStart = 0;
let previousWord = 0;
let previousWordStart = -1;

/** Adds a letter (or an edge mark) to the run: its 1- to 3-grams (Han, Thai) or 3- and 4-grams (words). */
function gram(code: number, start: number, end: number): void {
	ring[count & 3] = code;
	at[count & 3] = start;
	count++;
	const spaced = runClass === CharClass.Latin || runClass === CharClass.Cyrillic;
	const low = spaced ? 3 : 1;
	const high = spaced ? 4 : 3;
	for (let size = low; size <= high && size <= count; size++) {
		let h = mix(SEED_GRAM, size + runClass * 8);
		for (let k = count - size; k < count; k++) h = mix(h, ring[k & 3]);
		visit(slotOf(h), at[(count - size) & 3], end);
	}
}

/** Ends a Latin or Cyrillic word: its last n-grams with its right edge, the word, the pair with the word before. */
function endWord(end: number): void {
	if (runClass !== CharClass.Latin && runClass !== CharClass.Cyrillic) return;
	gram(0x24, end, end);
	visit(slotOf(wordHash), wordStart, end);
	if (previousWordStart >= 0)
		visit(slotOf(mix(mix(previousWord, 0x20), wordHash)), previousWordStart, end);
	previousWord = wordHash;
	previousWordStart = wordStart;
}

/**
 * Extracts the features of `text` and returns their number. Linear in its length; the same text
 * always gives the same features, in the same order. Without `table` they are listed in
 * `features` (for training); with it, `features.sum` is the sum of its weights over them (the
 * model's logit before scaling) and `strongest` holds the strongest of each sign.
 */
export function extractFeatures(text: string, table?: Int8Array): number {
	visited = 0;
	weights = table;
	sum = 0;
	strongest.positive.count = 0;
	strongest.negative.count = 0;
	const n = text.length;
	count = 0;
	runClass = CharClass.Other;
	wordHash = SEED_WORD;
	wordStart = 0;
	previousWord = 0;
	previousWordStart = -1;
	let last = -1;
	let repeats = 0;

	for (let i = 0; i < n; i++) {
		const raw = text.charCodeAt(i);
		const code = FOLD[raw];
		let cls: number = CHAR_CLASS[code];
		if (cls === CharClass.ThaiMark) cls = CharClass.Thai;
		if (
			cls === CharClass.Latin ||
			cls === CharClass.Cyrillic ||
			cls === CharClass.Han ||
			cls === CharClass.Thai
		) {
			if (code === last) {
				if (++repeats >= 2) continue;
			} else repeats = 0;
			last = code;
			if (cls !== runClass) {
				endWord(i);
				runClass = cls;
				count = 0;
				wordHash = SEED_WORD;
				wordStart = i;
				if (cls === CharClass.Latin || cls === CharClass.Cyrillic) gram(0x5e, i, i);
				else previousWordStart = -1;
			}
			wordHash = mix(wordHash, code);
			gram(code, i, i + 1);
			continue;
		}
		last = -1;
		repeats = 0;
		if (code === 0x27 && runClass === CharClass.Latin) continue; // don't, isn't: one word
		endWord(i);
		runClass = CharClass.Other;
		count = 0;
		if (isBreak(code)) previousWordStart = -1;
		// "!" and "?" carry tone; emoji are the rules' (sentiment.ts), which read them in context.
		if (raw === 0x21 || raw === 0x3f) visit(slotOf(mix(SEED_SYMBOL, raw)), i, i + 1);
	}
	endWord(n);
	features.count = table ? 0 : visited;
	features.sum = sum;
	weights = undefined;
	return visited;
}
