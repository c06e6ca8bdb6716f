import { foldText, isCjk, romanizations, sortedWords } from './normalize';
import { dice, jaroWinkler, levenshteinRatio } from './similarity';
import type { Contact, FieldRule } from './types';
import {
	exactAgreement,
	FieldColumn,
	filled,
	Interner,
	MISSING,
	own,
	PRIORS,
	textOf,
} from './fields';

/** Text compared by similarity: names, addresses, suburbs. */
export class TextColumn extends FieldColumn {
	readonly levels = ['missing', 'exact', 'close', 'similar', 'different'] as const;
	m: readonly number[];
	/** Folded text and its words sorted; `sorted` is also the exact-agreement key. */
	readonly folded: string[];
	readonly sorted: string[];
	readonly id: Int32Array;
	/** 0 Latin and others, 1 Han, 2 Thai, 3 Cyrillic, 4 Hangul/Kana: names in two scripts are not compared. */
	readonly script: Uint8Array;
	/** Latin spellings (as written and words sorted, alternating) of Han, Thai and Cyrillic values. */
	readonly roman: Array<string[] | undefined>;
	readonly interner = new Interner();
	tf = new Float32Array(0);
	private tfScale = 1;
	readonly min: number;
	readonly high: number;
	private readonly sim: (a: string, b: string, min: number) => number;

	constructor(rule: FieldRule, contacts: Contact[]) {
		super(rule);
		this.m = PRIORS.text;
		const method = rule.method;
		this.min =
			rule.minSimilarity ?? (method === 'jaroWinkler' ? 0.88 : method === 'dice' ? 0.7 : 0.8);
		this.high = this.min + (1 - this.min) / 2;
		this.sim =
			method === 'jaroWinkler'
				? (a, b) => jaroWinkler(a, b)
				: method === 'dice'
					? (a, b) => dice(a, b)
					: levenshteinRatio;
		const n = contacts.length;
		// Filled (not `new Array(n)`): V8 keeps large preallocated arrays as slow dictionaries.
		this.folded = filled(n, '');
		this.sorted = filled(n, '');
		this.id = new Int32Array(n);
		this.script = new Uint8Array(n);
		this.roman = filled<string[] | undefined>(n, undefined);
		const cache = new Map<string, number>();
		const foldedById: string[] = [];
		const sortedById: string[] = [];
		const romanByFolded = new Map<string, string[] | undefined>();
		for (let i = 0; i < n; i++) {
			const value = textOf(own(contacts[i], rule.field));
			if (value === '') {
				this.folded[i] = '';
				this.sorted[i] = '';
				this.id[i] = -1;
				continue;
			}
			// Distinct raw strings are folded once.
			let raw = cache.get(value);
			if (raw === undefined) {
				raw = foldedById.length;
				const folded = foldText(value);
				foldedById.push(folded);
				sortedById.push(sortedWords(folded));
				cache.set(value, raw);
			}
			const folded = foldedById[raw];
			if (folded === '') {
				this.folded[i] = '';
				this.sorted[i] = '';
				this.id[i] = -1;
				continue;
			}
			const sorted = sortedById[raw];
			this.folded[i] = folded;
			this.sorted[i] = sorted;
			const id = this.interner.intern(sorted);
			this.id[i] = id;
			this.interner.counts[id]++;
			const script = scriptOf(folded);
			this.script[i] = script;
			if (script === 1 || script === 2 || script === 3) {
				let roman = romanByFolded.get(folded);
				if (!romanByFolded.has(folded)) {
					const spellings = romanizations(folded);
					roman =
						spellings.length === 0
							? undefined
							: spellings.flatMap((spelling) => [spelling, sortedWords(spelling)]);
					romanByFolded.set(folded, roman);
				}
				this.roman[i] = roman;
			}
		}
	}

	present(i: number): boolean {
		return this.id[i] >= 0;
	}

	blockValues(): undefined {
		return undefined;
	}

	protected prepareExact(effectiveN: number): number {
		const { tf, uExact } = exactAgreement(this.interner, this.m[1], effectiveN);
		this.tf = tf;
		return uExact;
	}

	protected uPriors(uExact: number): number[] {
		return [0, uExact, Math.max(uExact, 1e-4), Math.max(uExact, 1e-3), 1];
	}

	protected scale(factor: number): void {
		super.scale(factor);
		this.tfScale = factor;
	}

	compare(i: number, j: number): number {
		const a = this.id[i];
		const b = this.id[j];
		if (a < 0 || b < 0) {
			this.level = MISSING;
			this.similarity = 0;
			return 0;
		}
		if (this.script[i] !== this.script[j]) return this.compareAcrossScripts(i, j);
		if (a === b) {
			this.level = 1;
			this.similarity = 1;
			return (this.tf[a] + this.tfShift) * this.tfScale;
		}
		const similarity = this.similarityOf(i, j);
		this.similarity = similarity;
		this.level = similarity >= this.high ? 2 : similarity >= this.min ? 3 : 4;
		return this.weights[this.level];
	}

	/**
	 * "陳大文" against "Chan Tai Man": through the romanisations. Agreement counts as close or similar,
	 * never exact; a mismatch counts half, since people also go by English names ("Peter Chan").
	 */
	private compareAcrossScripts(i: number, j: number): number {
		this.level = MISSING;
		this.similarity = 0;
		const latin = this.script[i] === 0 ? i : this.script[j] === 0 ? j : -1;
		if (latin < 0) return 0;
		const roman = this.roman[latin === i ? j : i];
		if (!roman) return 0;
		const folded = this.folded[latin];
		const sorted = this.sorted[latin];
		let best = 0;
		for (let k = 0; k < roman.length; k += 2) {
			const written = this.sim(roman[k], folded, this.min);
			const reordered = this.sim(roman[k + 1], sorted, this.min);
			if (written > best) best = written;
			if (reordered > best) best = reordered;
		}
		this.similarity = best;
		if (best < this.min) {
			// Lossy spellings and English names make a mismatch weaker evidence than within one script.
			this.level = 4;
			return this.weights[4] / 2;
		}
		this.level = best >= this.high ? 2 : 3;
		return this.weights[this.level];
	}

	/** Similarity of this column's value on `i` to `other`'s on `j` (a first name against a surname). */
	crossSimilarity(other: TextColumn, i: number, j: number): number {
		if (this.id[i] < 0 || other.id[j] < 0 || this.script[i] !== other.script[j]) return 0;
		return this.sim(this.sorted[i], other.sorted[j], this.min);
	}

	/** The better of the text as written and with its words sorted ("Chan Tai Man" = "Tai Man Chan"). */
	similarityOf(i: number, j: number): number {
		const sortedA = this.sorted[i];
		const sortedB = this.sorted[j];
		let best = this.sim(sortedA, sortedB, this.min);
		const foldedA = this.folded[i];
		const foldedB = this.folded[j];
		if (best < 1 && (foldedA !== sortedA || foldedB !== sortedB)) {
			const written = this.sim(foldedA, foldedB, this.min);
			if (written > best) best = written;
		}
		return best;
	}
}

function scriptOf(folded: string): number {
	if (isCjk(folded)) return 1;
	const c = folded.charCodeAt(0);
	if (c >= 0x0e00 && c <= 0x0e7f) return 2;
	if (c >= 0x0400 && c <= 0x04ff) return 3;
	if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af)) return 4;
	return 0;
}
