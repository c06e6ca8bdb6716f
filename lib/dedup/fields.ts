/**
 * One column per field rule: every contact's value read and normalised once into arrays indexed by
 * contact, then compared pairwise without allocating. Each comparison yields a Fellegi-Sunter level
 * (missing, agreement levels, disagreement) and its weight in bits, log2(m / u):
 * - m (how often true duplicates reach the level) are priors per method, below;
 * - u (how often different people reach it) come from the data: for exact agreement from the
 *   frequency of the shared value (term-frequency adjustment: a phone held by four contacts is
 *   weaker evidence than one held by two), for the other levels from a sample of random pairs.
 */
import type { Contact, FieldRule } from './types';

export const MISSING = 0;
export const DAY = 86_400_000;

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
	/** m per level: the priors below until `applyM` sets those learned by EM. */
	abstract m: readonly number[];
	/** Bits added to every term-frequency agreement weight once m[1] is learned: log2(m1 / prior m1). */
	tfShift = 0;
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
		return own(contact, this.rule.field);
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

	/** A user's weight is kept as given; every other column learns its m. */
	get learnable(): boolean {
		return !(this.rule.weight !== undefined && this.rule.weight > 0);
	}

	/** New m per level (from EM): weights log2(m / u) again, term-frequency agreement shifted alike. */
	applyM(m: readonly number[]): void {
		this.tfShift += Math.log2(m[1] / this.m[1]);
		this.m = m.slice();
		for (let level = 1; level < this.weights.length; level++)
			this.weights[level] = m[level] > 0 ? Math.log2(m[level] / this.u[level]) : 0;
	}
}

/** u of a value held by `count` contacts: the chance a different person holds it too. */
export function tfBits(m: number, count: number, effectiveN: number): number {
	return Math.log2((m * effectiveN) / Math.max(count - 1, 1));
}

/** Interns strings to dense ids. */
export class Interner {
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
export function exactAgreement(
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

/**
 * m per level: how often a true duplicate pair reaches it. WhatsApp contacts change numbers and
 * keep several emails, so phone and email disagreement is mild evidence against; a BSUID is per
 * business and stable, so `exact` disagreement counts more.
 */
export const PRIORS: Record<string, number[]> = {
	phone: [0, 0.9, 0.1],
	email: [0, 0.8, 0.2],
	exact: [0, 0.9, 0.1],
	date: [0, 0.85, 0.1, 0.05],
	text: [0, 0.75, 0.12, 0.06, 0.07],
	purchases: [0, 0.3, 0.7],
};

export const STRANGER_SHARE = 0.25;

export function clampU(u: number, effectiveN: number): number {
	return Math.min(0.5, Math.max(u, 1 / effectiveN));
}

/** Scalars and lists as one flat list, empties dropped. */
export function collect(...values: unknown[]): unknown[] {
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

export function textOf(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value))
		return value.filter((v) => typeof v === 'string' || typeof v === 'number').join(' ');
	return '';
}

/** A contact's own field: a rule on "__proto__" or "constructor" never reads Object.prototype. */
export function own(contact: Contact, field: string): unknown {
	return Object.hasOwn(contact, field) ? contact[field] : undefined;
}
