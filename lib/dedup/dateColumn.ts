import { datesClose, parseDate } from './normalize';
import type { Contact, FieldRule } from './types';
import { exactAgreement, FieldColumn, Interner, MISSING, own, PRIORS } from './fields';

/** Dates of birth and the like: the same day, or one typo apart. */
export class DateColumn extends FieldColumn {
	readonly levels = ['missing', 'exact', 'close', 'different'] as const;
	m: readonly number[] = PRIORS.date;
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
			const value = parseDate(own(contacts[i], rule.field));
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
			return (this.tf[a] + this.tfShift) * this.tfScale;
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
