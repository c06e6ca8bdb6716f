import { productKey, toMillis } from './normalize';
import type { Contact, FieldRule } from './types';
import { DAY, FieldColumn, Interner, MISSING, own, PRIORS } from './fields';
import type { ReadContext } from './fields';

/**
 * The same product bought within the window. Different purchases say nothing against a match
 * (people buy different things), so there is no disagreement weight.
 */
export class PurchaseColumn extends FieldColumn {
	readonly levels = ['missing', 'agree', 'none'] as const;
	m: readonly number[] = PRIORS.purchases;
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
			const list = own(contacts[i], rule.field);
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
		this.u[1] = u;
		this.weights[1] = Math.log2(this.m[1] / u);
		this.weights[2] = 0;
		this.baseAgreeBits = this.weights[1];
		const override = this.rule.weight;
		if (override !== undefined && override > 0) this.weights[1] = override;
	}

	applyM(m: readonly number[]): void {
		super.applyM(m);
		// Different purchases say nothing against a match.
		this.weights[2] = 0;
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
