/** Set-valued fields (phones, emails, ids): any shared value is agreement. */
import { normalizeEmail, normalizeExact } from './normalize';
import type { Contact, FieldRule, MatchMethod } from './types';
import {
	collect,
	exactAgreement,
	FieldColumn,
	Interner,
	MISSING,
	own,
	PRIORS,
	STRANGER_SHARE,
} from './fields';
import type { ReadContext } from './fields';
import { phoneKeyer } from './phoneKey';

/**
 * Set-valued fields (phones, emails, ids, postcodes): agreement when any value is shared.
 * Values per contact are stored CSR-style: `start[i]..start[i+1]` in `values`.
 */
export class SetColumn extends FieldColumn {
	readonly levels = ['missing', 'agree', 'disagree'] as const;
	m: readonly number[];
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
			return (best + this.tfShift) * this.tfScale;
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
		return own(contact, field);
	}
}

/** Reads a rule's values off a contact as normalised keys. */
function readerFor(rule: FieldRule, context: ReadContext): (contact: Contact) => string[] {
	const field = rule.field;
	const method: MatchMethod = rule.method;
	if (method === 'phone') {
		const keyOf = phoneKeyer(context);
		const both = field === 'phones' || field === 'phone';
		return (contact) => {
			const raws = both ? collect(contact.phones, contact.phone) : collect(own(contact, field));
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
			const raws = both ? collect(contact.emails, contact.email) : collect(own(contact, field));
			const keys: string[] = [];
			for (const raw of raws) {
				const key = normalizeEmail(raw, context.gmailNormalize);
				if (key !== '') keys.push(key);
			}
			return keys;
		};
	}
	return (contact) => {
		const raws = collect(own(contact, field));
		const keys: string[] = [];
		for (const raw of raws) {
			const key = normalizeExact(raw);
			if (key !== '') keys.push(key);
		}
		return keys;
	};
}
