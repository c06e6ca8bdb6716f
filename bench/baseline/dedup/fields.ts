/**
 * One column per field rule: every contact's value read and normalised once into arrays indexed by
 * contact, then compared pairwise without allocating. Each comparison yields a Fellegi-Sunter level
 * (missing, agreement levels, disagreement) and its weight in bits, log2(m / u):
 * - m (how often true duplicates reach the level) are priors per method, below;
 * - u (how often different people reach it) come from the data: for exact agreement from the
 *   frequency of the shared value (term-frequency adjustment: a phone held by four contacts is
 *   weaker evidence than one held by two), for the other levels from a sample of random pairs.
 */
import {
	getCountryCallingCode,
	isSupportedCountry,
	parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

import { createPhoneNormalizer } from '../../../lib/phone';
import type { PhoneResult } from '../../../lib/phone';
import {
	datesClose,
	foldText,
	isCjk,
	normalizeEmail,
	normalizeExact,
	parseDate,
	productKey,
	romanizations,
	sortedWords,
	toMillis,
} from './normalize';
import { dice, jaroWinkler, levenshteinRatio } from './similarity';
import type { Contact, FieldRule, MatchMethod } from './types';

export const MISSING = 0;
const DAY = 86_400_000;

/** Everything a column needs to read contacts. */
export interface ReadContext {
	defaultCountry?: string;
	countryField: string;
	productMap: Map<string, string>;
	purchaseWindowDays: number;
	gmailNormalize: boolean;
}

export abstract class FieldColumn {
	/** Level names, index = level; 0 is always "missing" (weight 0). */
	abstract readonly levels: readonly string[];
	/** m per level (priors). */
	abstract readonly m: readonly number[];
	/** Bits per level, set by `estimate`. */
	weights: Float64Array;
	/** Level and similarity of the last `compare`. */
	level = 0;
	similarity = 0;
	/** Full-agreement weight before a user's override, for scaling. */
	baseAgreeBits = 0;

	constructor(readonly rule: FieldRule) {
		this.weights = new Float64Array(0);
	}

	/** Bits for the pair; sets `level` and `similarity`. */
	abstract compare(i: number, j: number): number;
	/** Interned exact values per contact, for blocking; undefined when the field has none. */
	abstract blockValues(i: number): number | readonly number[] | undefined;
	/** u for exact agreement on average (Σ p_v²), and the term-frequency weights. */
	protected abstract prepareExact(effectiveN: number): number;
	abstract present(i: number): boolean;

	/** The field's raw values on a contact, for reasons and merge logs. */
	raw(contact: Contact): unknown {
		return contact[this.rule.field];
	}

	/**
	 * Weights from m priors and u measured on `sample` random pairs. `uPrior` per level keeps tiny
	 * inputs from producing wild estimates (1,000 pseudo-pairs).
	 */
	estimate(effectiveN: number, samplePairs: Int32Array): void {
		const levelCount = this.levels.length;
		const uExact = this.prepareExact(effectiveN);
		const counts = new Float64Array(levelCount);
		let compared = 0;
		for (let k = 0; k < samplePairs.length; k += 2) {
			this.compare(samplePairs[k], samplePairs[k + 1]);
			if (this.level !== MISSING) {
				counts[this.level]++;
				compared++;
			}
		}
		const prior = this.uPriors(uExact);
		const u = new Float64Array(levelCount);
		const pseudo = 1000;
		for (let level = 1; level < levelCount; level++)
			u[level] = (counts[level] + pseudo * prior[level]) / (compared + pseudo);
		// Exact agreement is measured exactly by value frequency; the rest share what remains.
		u[1] = uExact;
		let rest = 0;
		for (let level = 2; level < levelCount - 1; level++) {
			// Approximate agreement is at least as common among strangers as exact agreement.
			u[level] = Math.max(u[level], uExact);
			rest += u[level];
		}
		u[levelCount - 1] = Math.max(1e-6, 1 - uExact - rest);
		const weights = new Float64Array(levelCount);
		for (let level = 1; level < levelCount; level++)
			weights[level] = this.m[level] > 0 ? Math.log2(this.m[level] / u[level]) : 0;
		this.weights = weights;
		this.u = u;
		this.baseAgreeBits = Math.log2(this.m[1] / uExact);
		const override = this.rule.weight;
		if (override !== undefined && override > 0 && this.baseAgreeBits > 0)
			this.scale(override / this.baseAgreeBits);
	}

	u = new Float64Array(0);

	/** Default u per level before data (index 0 unused). */
	protected uPriors(uExact: number): number[] {
		const priors = [0];
		for (let level = 1; level < this.levels.length - 1; level++) priors.push(uExact);
		priors.push(1);
		return priors;
	}

	protected scale(factor: number): void {
		for (let level = 0; level < this.weights.length; level++) this.weights[level] *= factor;
	}
}

/** u of a value held by `count` contacts: the chance a different person holds it too. */
function tfBits(m: number, count: number, effectiveN: number): number {
	return Math.log2((m * effectiveN) / Math.max(count - 1, 1));
}

/** Interns strings to dense ids. */
class Interner {
	readonly ids = new Map<string, number>();
	counts: Int32Array = new Int32Array(1024);
	size = 0;
	intern(key: string): number {
		let id = this.ids.get(key);
		if (id === undefined) {
			id = this.size++;
			this.ids.set(key, id);
			if (id >= this.counts.length) {
				const grown = new Int32Array(this.counts.length * 2);
				grown.set(this.counts);
				this.counts = grown;
			}
		}
		return id;
	}
}

/**
 * Term-frequency bits of each interned value and u for exact agreement (Σ p_v²), counting only
 * `share` of a value's other holders as strangers (see SetColumn).
 */
function exactAgreement(
	interner: Interner,
	mExact: number,
	effectiveN: number,
	share = 1,
): { tf: Float32Array<ArrayBuffer>; uExact: number } {
	const tf = new Float32Array(interner.size);
	let sumSquares = 0;
	for (let id = 0; id < interner.size; id++) {
		const c = interner.counts[id];
		tf[id] = tfBits(mExact, c, effectiveN / share);
		sumSquares += c * Math.max(c - 1, 0);
	}
	return {
		tf,
		uExact: clampU((share * sumSquares) / (effectiveN * effectiveN), effectiveN / share),
	};
}

/**
 * Set-valued fields (phones, emails, ids, postcodes): agreement when any value is shared.
 * Values per contact are stored CSR-style: `start[i]..start[i+1]` in `values`.
 */
export class SetColumn extends FieldColumn {
	readonly levels = ['missing', 'agree', 'disagree'] as const;
	readonly m: number[];
	readonly start: Int32Array;
	values: Int32Array;
	readonly interner = new Interner();
	tf = new Float32Array(0);
	private read: (contact: Contact) => string[];

	constructor(rule: FieldRule, contacts: Contact[], context: ReadContext) {
		super(rule);
		this.m = PRIORS[rule.method] ?? PRIORS.exact;
		this.read = readerFor(rule, context);
		const n = contacts.length;
		this.start = new Int32Array(n + 1);
		this.values = new Int32Array(Math.max(16, n));
		let used = 0;
		for (let i = 0; i < n; i++) {
			this.start[i] = used;
			const keys = this.read(contacts[i]);
			for (let k = 0; k < keys.length; k++) {
				const id = this.interner.intern(keys[k]);
				// The same value twice on one contact counts once.
				let seen = false;
				for (let p = this.start[i]; p < used; p++) if (this.values[p] === id) seen = true;
				if (seen) continue;
				if (used >= this.values.length) {
					const grown = new Int32Array(this.values.length * 2);
					grown.set(this.values);
					this.values = grown;
				}
				this.values[used++] = id;
				this.interner.counts[id]++;
			}
		}
		this.start[n] = used;
		// Only ids and counts are needed from here on; the strings (a million phones) can go.
		this.interner.ids.clear();
		this.read = () => [];
	}

	present(i: number): boolean {
		return this.start[i + 1] > this.start[i];
	}

	blockValues(i: number): readonly number[] | number | undefined {
		const from = this.start[i];
		const to = this.start[i + 1];
		if (to === from) return undefined;
		if (to === from + 1) return this.values[from];
		return Array.from(this.values.subarray(from, to));
	}

	/** Contacts per value, for block sizes. */
	count(id: number): number {
		return this.interner.counts[id];
	}

	/**
	 * Identifiers (phones, emails, and exact fields where most values are held by one contact, such
	 * as BSUIDs or customer numbers) are rarely shared by different people: of the other holders of a
	 * value, most are the same person again. Counting every other holder as a stranger would make a
	 * shared number alone a coin toss; counting one in four (`STRANGER_SHARE`) suits WhatsApp data,
	 * where shared numbers are families, and still makes a number held by four weaker than by two.
	 */
	protected prepareExact(effectiveN: number): number {
		const method = this.rule.method;
		const total = this.start[this.start.length - 1];
		const identifier =
			method === 'phone' || method === 'email' || (total > 0 && this.interner.size / total >= 0.7);
		const { tf, uExact } = exactAgreement(
			this.interner,
			this.m[1],
			effectiveN,
			identifier ? STRANGER_SHARE : 1,
		);
		this.tf = tf;
		return uExact;
	}

	compare(i: number, j: number): number {
		const ai = this.start[i];
		const ae = this.start[i + 1];
		const bi = this.start[j];
		const be = this.start[j + 1];
		if (ai === ae || bi === be) {
			this.level = MISSING;
			this.similarity = 0;
			return 0;
		}
		// The rarest shared value is the evidence.
		let best = Number.NEGATIVE_INFINITY;
		for (let p = ai; p < ae; p++) {
			const v = this.values[p];
			for (let q = bi; q < be; q++) {
				if (this.values[q] === v && this.tf[v] > best) best = this.tf[v];
			}
		}
		if (best !== Number.NEGATIVE_INFINITY) {
			this.level = 1;
			this.similarity = 1;
			return best * this.tfScale;
		}
		this.level = 2;
		this.similarity = 0;
		return this.weights[2];
	}

	private tfScale = 1;

	protected scale(factor: number): void {
		super.scale(factor);
		this.tfScale = factor;
	}

	raw(contact: Contact): unknown {
		const field = this.rule.field;
		if (this.rule.method === 'phone' && (field === 'phones' || field === 'phone'))
			return collect(contact.phones, contact.phone);
		if (this.rule.method === 'email' && (field === 'emails' || field === 'email'))
			return collect(contact.emails, contact.email);
		return contact[field];
	}
}

/** Text compared by similarity: names, addresses, suburbs. */
export class TextColumn extends FieldColumn {
	readonly levels = ['missing', 'exact', 'close', 'similar', 'different'] as const;
	readonly m: number[];
	/** Folded text and its words sorted; `sorted` is also the exact-agreement key. */
	readonly folded: string[];
	readonly sorted: string[];
	readonly id: Int32Array;
	/** 0 Latin and others, 1 Han, 2 Thai, 3 Cyrillic, 4 Hangul/Kana: names in two scripts are not compared. */
	readonly script: Uint8Array;
	/** Latin spellings (as written and words sorted, alternating) of Han and Cyrillic values. */
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
			const value = textOf(contacts[i][rule.field]);
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
			if (script === 1 || script === 3) {
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
			return this.tf[a] * this.tfScale;
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

/** Dates of birth and the like: the same day, or one typo apart. */
export class DateColumn extends FieldColumn {
	readonly levels = ['missing', 'exact', 'close', 'different'] as const;
	readonly m = PRIORS.date;
	readonly ymd: Int32Array;
	readonly id: Int32Array;
	readonly interner = new Interner();
	tf = new Float32Array(0);
	private tfScale = 1;

	constructor(rule: FieldRule, contacts: Contact[]) {
		super(rule);
		const n = contacts.length;
		this.ymd = new Int32Array(n);
		this.id = new Int32Array(n).fill(-1);
		for (let i = 0; i < n; i++) {
			const value = parseDate(contacts[i][rule.field]);
			if (value === 0) continue;
			this.ymd[i] = value;
			const id = this.interner.intern(String(value));
			this.id[i] = id;
			this.interner.counts[id]++;
		}
	}

	present(i: number): boolean {
		return this.id[i] >= 0;
	}

	blockValues(i: number): number | undefined {
		return this.id[i] >= 0 ? this.id[i] : undefined;
	}

	count(id: number): number {
		return this.interner.counts[id];
	}

	protected prepareExact(effectiveN: number): number {
		const { tf, uExact } = exactAgreement(this.interner, this.m[1], effectiveN);
		this.tf = tf;
		return uExact;
	}

	protected uPriors(uExact: number): number[] {
		return [0, uExact, Math.max(uExact * 20, 1e-3), 1];
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
		if (a === b) {
			this.level = 1;
			this.similarity = 1;
			return this.tf[a] * this.tfScale;
		}
		if (datesClose(this.ymd[i], this.ymd[j])) {
			this.level = 2;
			this.similarity = 0.5;
		} else {
			this.level = 3;
			this.similarity = 0;
		}
		return this.weights[this.level];
	}
}

/**
 * The same product bought within the window. Different purchases say nothing against a match
 * (people buy different things), so there is no disagreement weight.
 */
export class PurchaseColumn extends FieldColumn {
	readonly levels = ['missing', 'agree', 'none'] as const;
	readonly m = PRIORS.purchases;
	readonly start: Int32Array;
	sku: Int32Array;
	day: Float64Array;
	readonly interner = new Interner();
	private readonly window: number;

	constructor(rule: FieldRule, contacts: Contact[], context: ReadContext) {
		super(rule);
		this.window = context.purchaseWindowDays;
		const n = contacts.length;
		this.start = new Int32Array(n + 1);
		this.sku = new Int32Array(Math.max(16, n));
		this.day = new Float64Array(Math.max(16, n));
		let used = 0;
		// Shops write a product a handful of ways: each spelling is standardised once.
		const codes = new Map<string, string>();
		for (let i = 0; i < n; i++) {
			this.start[i] = used;
			const list = contacts[i][rule.field];
			if (!Array.isArray(list)) continue;
			for (const purchase of list) {
				if (!purchase || typeof purchase !== 'object') continue;
				const sku = (purchase as { sku?: unknown }).sku;
				let code = typeof sku === 'string' ? codes.get(sku) : undefined;
				if (code === undefined) {
					const key = productKey(sku);
					code = context.productMap.get(key) ?? key;
					if (typeof sku === 'string') codes.set(sku, code);
				}
				if (code === '') continue;
				const at = toMillis((purchase as { at?: unknown }).at);
				if (used >= this.sku.length) {
					const sku = new Int32Array(this.sku.length * 2);
					sku.set(this.sku);
					this.sku = sku;
					const day = new Float64Array(this.day.length * 2);
					day.set(this.day);
					this.day = day;
				}
				this.sku[used] = this.interner.intern(code);
				// Unknown dates still compare as the same product, with no window.
				this.day[used] = Number.isFinite(at) ? at / DAY : Number.NaN;
				used++;
			}
		}
		this.start[n] = used;
	}

	present(i: number): boolean {
		return this.start[i + 1] > this.start[i];
	}

	blockValues(): undefined {
		return undefined;
	}

	protected prepareExact(effectiveN: number): number {
		// Agreement here is never "exact value" evidence; u comes from the sample only.
		return 1 / effectiveN;
	}

	protected uPriors(): number[] {
		return [0, 0.01, 1];
	}

	estimate(effectiveN: number, samplePairs: Int32Array): void {
		super.estimate(effectiveN, samplePairs);
		// estimate() pins u[1] to the exact-value u; here agreement is measured by the sample.
		let agree = 0;
		let compared = 0;
		for (let k = 0; k < samplePairs.length; k += 2) {
			this.compare(samplePairs[k], samplePairs[k + 1]);
			if (this.level !== MISSING) compared++;
			if (this.level === 1) agree++;
		}
		const u = (agree + 1000 * 0.01) / (compared + 1000);
		this.weights[1] = Math.log2(this.m[1] / u);
		this.weights[2] = 0;
		this.baseAgreeBits = this.weights[1];
		const override = this.rule.weight;
		if (override !== undefined && override > 0) this.weights[1] = override;
	}

	compare(i: number, j: number): number {
		const ai = this.start[i];
		const ae = this.start[i + 1];
		const bi = this.start[j];
		const be = this.start[j + 1];
		if (ai === ae || bi === be) {
			this.level = MISSING;
			this.similarity = 0;
			return 0;
		}
		for (let p = ai; p < ae; p++) {
			for (let q = bi; q < be; q++) {
				if (this.sku[p] !== this.sku[q]) continue;
				const gap = Math.abs(this.day[p] - this.day[q]);
				if (gap <= this.window || Number.isNaN(gap)) {
					this.level = 1;
					this.similarity = 1;
					return this.weights[1];
				}
			}
		}
		this.level = 2;
		this.similarity = 0;
		return 0;
	}
}

/**
 * m per level: how often a true duplicate pair reaches it. WhatsApp contacts change numbers and
 * keep several emails, so phone and email disagreement is mild evidence against; a BSUID is per
 * business and stable, so `exact` disagreement counts more.
 */
const PRIORS: Record<string, number[]> = {
	phone: [0, 0.9, 0.1],
	email: [0, 0.8, 0.2],
	exact: [0, 0.9, 0.1],
	date: [0, 0.85, 0.1, 0.05],
	text: [0, 0.75, 0.12, 0.06, 0.07],
	purchases: [0, 0.3, 0.7],
};

const STRANGER_SHARE = 0.25;

function clampU(u: number, effectiveN: number): number {
	return Math.min(0.5, Math.max(u, 1 / effectiveN));
}

const SEPARATED_DIGITS = /^[+\d\s().\-/]+$/;
const NON_DIGITS = /\D/g;

/**
 * A phone's identity: its E.164 form. Numbers typed with "+" already carry their country code, so
 * their digits are the key without a parse (a million-contact run cannot afford libphonenumber's
 * ~10 µs per number for forms that need no interpretation). Other forms go through the phone
 * normaliser with the contact's own country field, else the default country; each distinct string
 * is parsed once per run. A national number libphonenumber rejects (an unassigned range) still gets
 * "+<country code><digits without trunk prefix>", so it meets the same number typed with "+".
 */
export function phoneKeyer(context: ReadContext): (raw: unknown, contact: Contact) => string {
	const normalizers = new Map<string, (raw: string) => PhoneResult>();
	const cache = new Map<string, string>();
	const normalizerFor = (country: string) => {
		let normalize = normalizers.get(country);
		if (!normalize) {
			// Our own cache remembers every distinct string; this one stays small.
			normalize = createPhoneNormalizer({ defaultCountry: country || undefined, cacheSize: 256 });
			normalizers.set(country, normalize);
		}
		return normalize;
	};
	return (raw, contact) => {
		const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
		if (text === '') return '';
		let cleaned = text;
		if (SEPARATED_DIGITS.test(text)) {
			const digits = text.replace(NON_DIGITS, '');
			if (text.trimStart().startsWith('+')) {
				if (digits.length >= 8 && digits.length <= 15 && digits.charCodeAt(0) !== 48)
					return `+${digits}`;
				cleaned = `+${digits}`;
			} else cleaned = digits;
		}
		const hint = contact[context.countryField];
		let country =
			typeof hint === 'string' && hint.length === 2
				? hint.toUpperCase()
				: (context.defaultCountry ?? '');
		if (country && !isSupportedCountry(country)) country = context.defaultCountry ?? '';
		const cacheKey = `${country}|${cleaned}`;
		let key = cache.get(cacheKey);
		if (key === undefined) {
			key = cleaned === text || cleaned.startsWith('+') ? undefined : quickKey(cleaned, country);
			if (key === undefined) {
				const result = normalizerFor(country)(cleaned);
				key = result.ok ? result.e164 : fallbackKey(cleaned, country);
			}
			cache.set(cacheKey, key);
		}
		return key;
	};
}

/**
 * Plain digits: libphonenumber's parse and range check (isValid), without the normaliser's type
 * lookup, which costs twice as much and is not needed for identity. Digits that begin with the
 * country's own calling code and are too long for a national number are read as international
 * first ("852 9123 4567" in Hong Kong). Undefined hands the string to the full normaliser.
 */
function quickKey(digits: string, country: string): string | undefined {
	if (!country || digits.length < 6 || digits.length > 17) return undefined;
	const code = getCountryCallingCode(country as CountryCode);
	const internationalFirst =
		digits.startsWith(code) && digits.length - code.length >= 8 && !digits.startsWith('0');
	for (const international of internationalFirst ? [true, false] : [false, true]) {
		const parsed = international
			? parsePhoneNumberFromString(`+${digits}`)
			: parsePhoneNumberFromString(digits, country as CountryCode);
		if (parsed && parsed.isValid()) return parsed.number;
	}
	return fallbackKey(digits, country);
}

/** Trunk prefixes: "8" before Russian, Kazakh and Belarusian numbers, "0" nearly everywhere else. */
const TRUNK_EIGHT = new Set(['RU', 'KZ', 'BY']);

function fallbackKey(cleaned: string, country: string): string {
	let digits = cleaned.replace(NON_DIGITS, '');
	if (digits.length < 7) return '';
	if (cleaned.startsWith('+')) return `+${digits}`;
	if (country && isSupportedCountry(country)) {
		if (TRUNK_EIGHT.has(country) && digits.length === 11 && digits.startsWith('8'))
			digits = digits.slice(1);
		else if (digits.startsWith('0') && !digits.startsWith('00')) digits = digits.slice(1);
		else {
			const code = getCountryCallingCode(country as CountryCode);
			if (digits.startsWith(code) && digits.length > 9) return `+${digits}`;
		}
		return `+${getCountryCallingCode(country as CountryCode)}${digits}`;
	}
	return `?${digits.slice(-8)}`;
}

/** Reads a rule's values off a contact as normalised keys. */
function readerFor(rule: FieldRule, context: ReadContext): (contact: Contact) => string[] {
	const field = rule.field;
	const method: MatchMethod = rule.method;
	if (method === 'phone') {
		const keyOf = phoneKeyer(context);
		const both = field === 'phones' || field === 'phone';
		return (contact) => {
			const raws = both ? collect(contact.phones, contact.phone) : collect(contact[field]);
			const keys: string[] = [];
			for (const raw of raws) {
				const key = keyOf(raw, contact);
				if (key !== '') keys.push(key);
			}
			return keys;
		};
	}
	if (method === 'email') {
		const both = field === 'emails' || field === 'email';
		return (contact) => {
			const raws = both ? collect(contact.emails, contact.email) : collect(contact[field]);
			const keys: string[] = [];
			for (const raw of raws) {
				const key = normalizeEmail(raw, context.gmailNormalize);
				if (key !== '') keys.push(key);
			}
			return keys;
		};
	}
	return (contact) => {
		const raws = collect(contact[field]);
		const keys: string[] = [];
		for (const raw of raws) {
			const key = normalizeExact(raw);
			if (key !== '') keys.push(key);
		}
		return keys;
	};
}

/** Scalars and lists as one flat list, empties dropped. */
function collect(...values: unknown[]): unknown[] {
	const out: unknown[] = [];
	for (const value of values) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			for (const item of value)
				if (item !== undefined && item !== null && item !== '') out.push(item);
		} else out.push(value);
	}
	return out;
}

/** An array of `n` copies built by push, so V8 keeps it in fast elements. */
export function filled<T>(n: number, value: T): T[] {
	const out: T[] = [];
	for (let i = 0; i < n; i++) out.push(value);
	return out;
}

function textOf(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value))
		return value.filter((v) => typeof v === 'string' || typeof v === 'number').join(' ');
	return '';
}

function scriptOf(folded: string): number {
	if (isCjk(folded)) return 1;
	const c = folded.charCodeAt(0);
	if (c >= 0x0e00 && c <= 0x0e7f) return 2;
	if (c >= 0x0400 && c <= 0x04ff) return 3;
	if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af)) return 4;
	return 0;
}

export function createColumn(
	rule: FieldRule,
	contacts: Contact[],
	context: ReadContext,
): FieldColumn {
	switch (rule.method) {
		case 'phone':
		case 'email':
		case 'exact':
			return new SetColumn(rule, contacts, context);
		case 'date':
			return new DateColumn(rule, contacts);
		case 'purchases':
			return new PurchaseColumn(rule, contacts, context);
		case 'levenshtein':
		case 'jaroWinkler':
		case 'dice':
			return new TextColumn(rule, contacts);
		default:
			throw new Error(`unknown match method "${String(rule.method)}" for field "${rule.field}"`);
	}
}
