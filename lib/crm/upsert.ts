/**
 * Create-or-update of WhatsApp customers in any CRM, the same way for every adapter:
 *
 * 1. Identify: each input needs a WhatsApp user id, a phone (normalised to E.164 here) or an email.
 * 2. Match in the configured order (BSUID, phone, email). Two CRM contacts for one key is a
 *    question for a person (Review), never a random pick.
 * 3. Group inputs that are the same customer within one run, so two messages from a new customer
 *    create one contact, not two.
 * 4. Per field, the newer value wins (millisecond timestamps: the input's `updatedAt` against the
 *    CRM's field or record modification time). Values equal after normalisation are not rewritten,
 *    so running the same input twice changes nothing.
 * 5. Write in the adapter's batches; every input gets exactly one outcome.
 */
import { createPhoneNormalizer } from '../phone';
import type { ContactWrite, CrmAdapter, CrmContact, CrmErrorInfo, MatchField } from './types';
import { CrmApiError } from './types';
import type { MarketingConsent } from './consent';
import { toMillis } from './contact';
import { CRM_ERROR } from './errors';

export interface ContactInput {
	/** The caller's reference (item index), echoed in the outcome. */
	ref: number;
	/** Any format; normalised to E.164. */
	phone?: string;
	email?: string;
	/** WhatsApp's business-scoped user id (BSUID). */
	userId?: string;
	/** When the input's data was last true, epoch ms; absent means now (WhatsApp data is fresh). */
	updatedAt?: number;
	/** The customer's latest message time (ms): moves the CRM's last interaction forward, never back. */
	interactionAt?: number;
	/** The WhatsApp profile name: fills empty name fields, never overwrites a name the CRM holds. */
	name?: string;
	/** Tags to add; the CRM's existing tags are kept. */
	tags?: string[];
	/** Meta-side marketing consent (marketingConsentOf): written to the consent field as given. */
	marketingConsent?: MarketingConsent;
	/** Further fields by the CRM's field name (from the node's field mapping). */
	properties?: Record<string, unknown>;
}

export interface UpsertOptions {
	/** Default: BSUID, then phone, then email. */
	matchOrder?: MatchField[];
	/** For phone numbers written without a country code, in the input and in the CRM. */
	defaultCountry?: string;
	/** Written on created contacts only. Default 'WhatsApp'; '' writes none. */
	leadSource?: string;
	/**
	 * A CRM field with unique values holding the E.164 number (HubSpot `whatsapp_e164` with
	 * hasUniqueValue, a Salesforce external id): new contacts are then created through the CRM's own
	 * upsert on it, which cannot race a concurrent execution into a duplicate. Default: adapter's
	 * `fieldNames.whatsappE164` when `useUniqueKey` is set.
	 */
	uniqueKeyField?: string;
	useUniqueKey?: boolean;
	/** Default true; false reports customers not in the CRM as failed (tagging existing contacts only). */
	createMissing?: boolean;
	/** Override the adapter's default field names. */
	fieldNames?: Partial<CrmAdapter['fieldNames']>;
	now?: number;
}

export interface KeptField {
	field: string;
	crmValue: unknown;
	inputValue: unknown;
	crmModifiedAt: number;
	inputUpdatedAt: number;
}

export type UpsertOutcome =
	| {
			ref: number;
			outcome: 'upserted';
			id: string;
			action: 'created' | 'updated' | 'unchanged';
			matchedBy?: MatchField;
			e164?: string;
			changed: string[];
	  }
	| {
			ref: number;
			outcome: 'review';
			reason: 'ambiguous' | 'conflict';
			message: string;
			matchedBy?: MatchField;
			e164?: string;
			/** The contact written (conflict) or the candidates (ambiguous). */
			id?: string;
			candidates?: Array<{ id: string; properties: Record<string, unknown> }>;
			changed?: string[];
			keptFromCrm?: KeptField[];
	  }
	| { ref: number; outcome: 'failed'; error: CrmErrorInfo; e164?: string };

interface Prepared {
	input: ContactInput;
	e164?: string;
	email?: string;
	userId?: string;
	updatedAt: number;
}

const DEFAULT_ORDER: MatchField[] = ['whatsappUserId', 'phone', 'email'];

export async function upsertContacts(
	adapter: CrmAdapter,
	inputs: ContactInput[],
	opts: UpsertOptions = {},
): Promise<UpsertOutcome[]> {
	const now = opts.now ?? Date.now();
	// Default custom fields the CRM lacks are left out, so that writes never name a missing field.
	let usable = adapter.fieldNames;
	try {
		if (adapter.checkFields) usable = (await adapter.checkFields()).fieldNames;
	} catch (error) {
		return inputs.map((input) => failure({ input, updatedAt: now }, error));
	}
	const names = { ...usable, ...(opts.fieldNames ?? {}) };
	const normalize = createPhoneNormalizer({ defaultCountry: opts.defaultCountry });
	const outcomes = new Map<number, UpsertOutcome>();

	// 1. Identify.
	const prepared: Prepared[] = [];
	for (const input of inputs) {
		const fail = (code: string, message: string) =>
			outcomes.set(input.ref, {
				ref: input.ref,
				outcome: 'failed',
				error: { code, message, retryable: false },
			});
		let e164: string | undefined;
		if (input.phone !== undefined && input.phone !== null && String(input.phone).trim() !== '') {
			const phone = normalize(String(input.phone));
			if (!phone.ok) {
				fail(
					'INVALID_PHONE',
					`Phone "${String(input.phone)}" is not a valid number: ${phone.reason}${opts.defaultCountry ? '' : ' (set Default Country for numbers without a country code)'}`,
				);
				continue;
			}
			e164 = phone.e164;
		}
		const email =
			typeof input.email === 'string' && input.email.trim()
				? input.email.trim().toLowerCase()
				: undefined;
		if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
			fail('INVALID_EMAIL', `Email "${input.email}" is not an address`);
			continue;
		}
		const userId =
			typeof input.userId === 'string' && input.userId.trim() ? input.userId.trim() : undefined;
		if (!e164 && !email && !userId) {
			fail(
				'NO_IDENTITY',
				'The contact has no phone, email or WhatsApp user ID: map at least one so it can be matched',
			);
			continue;
		}
		prepared.push({ input, e164, email, userId, updatedAt: input.updatedAt ?? now });
	}

	// 2. Match, key by key, only the inputs still unmatched.
	const order = opts.matchOrder ?? DEFAULT_ORDER;
	const match = new Map<number, { contact: CrmContact; by: MatchField }>();
	const settled = (p: Prepared) => match.has(p.input.ref) || outcomes.has(p.input.ref);
	for (const by of order) {
		const keyOf = (p: Prepared) => (by === 'phone' ? p.e164 : by === 'email' ? p.email : p.userId);
		const pending = prepared.filter((p) => !settled(p) && keyOf(p) !== undefined);
		if (pending.length === 0) continue;
		if (by === 'whatsappUserId' && !names.whatsappUserId) continue;
		const keys = [...new Set(pending.map((p) => keyOf(p)!))];
		let found: Map<string, CrmContact[]>;
		try {
			found =
				by === 'phone'
					? await adapter.findByPhone(keys, { defaultCountry: opts.defaultCountry })
					: by === 'email'
						? await adapter.findByEmail(keys)
						: await adapter.findByField(names.whatsappUserId!, keys);
		} catch (error) {
			for (const p of pending) outcomes.set(p.input.ref, failure(p, error));
			continue;
		}
		for (const p of pending) {
			const contacts = found.get(keyOf(p)!) ?? [];
			if (contacts.length === 1) match.set(p.input.ref, { contact: contacts[0], by });
			else if (contacts.length > 1) {
				outcomes.set(p.input.ref, {
					ref: p.input.ref,
					outcome: 'review',
					reason: 'ambiguous',
					matchedBy: by,
					e164: p.e164,
					message: `${contacts.length} CRM contacts match this ${describeKey(by)} (${contacts.map((c) => c.id).join(', ')}): merge them or pick one, then run again`,
					candidates: contacts.map((c) => ({ id: c.id, properties: c.properties })),
				});
			}
		}
	}

	// 3 and 4. Plan writes; inputs for the same customer share one write.
	const writes: ContactWrite[] = [];
	const refsOfWrite: number[][] = [];
	const plans = new Map<
		number,
		{ changed: string[]; kept: KeptField[]; by?: MatchField; e164?: string; existing?: string }
	>();
	const writeOfIdentity = new Map<string, number>();
	const ordered = prepared
		.filter((p) => !outcomes.has(p.input.ref))
		.sort((a, b) => a.updatedAt - b.updatedAt || a.input.ref - b.input.ref);
	for (const p of ordered) {
		const matched = match.get(p.input.ref);
		const identity = matched
			? `id:${matched.contact.id}`
			: (p.userId && `u:${p.userId}`) || (p.e164 && `p:${p.e164}`) || `e:${p.email}`;
		const existingWrite = writeOfIdentity.get(identity);
		if (existingWrite !== undefined) {
			// A later input for the same customer builds on what the earlier one will write (tags
			// add up, a second new message counts twice); its newer values join the same write.
			const pending = writes[existingWrite].properties;
			const base: CrmContact = matched?.contact ?? {
				id: '',
				properties: {},
				modifiedAt: 0,
				phones: [],
			};
			const virtual: CrmContact = { ...base, properties: { ...base.properties, ...pending } };
			const desired = desiredProperties(p, names, virtual, normalize);
			Object.assign(pending, diff(desired, virtual, p.updatedAt, normalize, names).changes);
			refsOfWrite[existingWrite].push(p.input.ref);
			plans.set(p.input.ref, {
				changed: Object.keys(writes[existingWrite].properties),
				kept: [],
				by: matched?.by,
				e164: p.e164,
				existing: matched?.contact.id,
			});
			continue;
		}
		const desired = desiredProperties(p, names, matched?.contact, normalize);
		if (matched) {
			const { changes, kept } = diff(desired, matched.contact, p.updatedAt, normalize, names);
			plans.set(p.input.ref, {
				changed: Object.keys(changes),
				kept,
				by: matched.by,
				e164: p.e164,
				existing: matched.contact.id,
			});
			if (Object.keys(changes).length === 0) continue;
			writeOfIdentity.set(identity, writes.length);
			writes.push({ ref: p.input.ref, id: matched.contact.id, properties: changes });
		} else if (opts.createMissing === false) {
			outcomes.set(p.input.ref, {
				ref: p.input.ref,
				outcome: 'failed',
				e164: p.e164,
				error: {
					code: 'NOT_FOUND',
					message: `No CRM contact has this ${[p.userId && 'WhatsApp user ID', p.e164 && 'phone', p.email && 'email'].filter(Boolean).join(' or ')}`,
					retryable: false,
				},
			});
			continue;
		} else {
			if (opts.leadSource !== '' && names.leadSource)
				desired[names.leadSource] = opts.leadSource ?? 'WhatsApp';
			// Salesforce and Zoho refuse a contact without a last name; a customer who gave no name is
			// known by their number until someone names them.
			if (names.lastName && isBlank(desired[names.lastName]))
				desired[names.lastName] = p.e164 ?? p.email ?? p.userId;
			const keyField = opts.useUniqueKey ? (opts.uniqueKeyField ?? names.whatsappE164) : undefined;
			plans.set(p.input.ref, { changed: Object.keys(desired), kept: [], e164: p.e164 });
			writeOfIdentity.set(identity, writes.length);
			writes.push({
				ref: p.input.ref,
				properties: desired,
				...(keyField && p.e164 ? { key: { field: keyField, value: p.e164 } } : {}),
			});
		}
		refsOfWrite.push([p.input.ref]);
	}

	// 5. Write.
	let results: Awaited<ReturnType<CrmAdapter['upsertMany']>> = [];
	try {
		results = writes.length > 0 ? await adapter.upsertMany(writes) : [];
	} catch (error) {
		for (const refs of refsOfWrite)
			for (const ref of refs)
				outcomes.set(
					ref,
					failure(
						prepared.find((p) => p.input.ref === ref)!,
						error,
					),
				);
	}
	results.forEach((result, index) => {
		for (const ref of refsOfWrite[index]) {
			const plan = plans.get(ref)!;
			if (!result.ok)
				outcomes.set(ref, { ref, outcome: 'failed', error: result.error, e164: plan.e164 });
			else
				outcomes.set(ref, conclude(ref, plan, result.id, result.created ? 'created' : 'updated'));
		}
	});
	for (const p of prepared) {
		if (outcomes.has(p.input.ref)) continue;
		const plan = plans.get(p.input.ref)!;
		outcomes.set(p.input.ref, conclude(p.input.ref, plan, plan.existing!, 'unchanged'));
	}
	return inputs.map((input) => outcomes.get(input.ref)!);
}

function conclude(
	ref: number,
	plan: { changed: string[]; kept: KeptField[]; by?: MatchField; e164?: string },
	id: string,
	action: 'created' | 'updated' | 'unchanged',
): UpsertOutcome {
	if (plan.kept.length > 0) {
		return {
			ref,
			outcome: 'review',
			reason: 'conflict',
			id,
			matchedBy: plan.by,
			e164: plan.e164,
			changed: plan.changed,
			keptFromCrm: plan.kept,
			message: `The CRM holds newer values for ${plan.kept.map((k) => k.field).join(', ')}; they were kept. Review the difference.`,
		};
	}
	return {
		ref,
		outcome: 'upserted',
		id,
		action,
		matchedBy: plan.by,
		e164: plan.e164,
		changed: action === 'unchanged' ? [] : plan.changed,
	};
}

/** What the CRM should hold for this input, by CRM field name. */
function desiredProperties(
	p: Prepared,
	names: CrmAdapter['fieldNames'],
	contact: CrmContact | undefined,
	normalize: ReturnType<typeof createPhoneNormalizer>,
): Record<string, unknown> {
	const out: Record<string, unknown> = { ...(p.input.properties ?? {}) };
	if (p.e164) {
		if (names.whatsappE164) out[names.whatsappE164] = p.e164;
		// A number the CRM already holds in any field, in any format, is not written again.
		const held = contact?.phones.some(
			(phone) =>
				normalize(phone.value).ok && (normalize(phone.value) as { e164: string }).e164 === p.e164,
		);
		const phoneField = names.mobilePhone ?? names.phone;
		if (!held && phoneField && out[phoneField] === undefined) out[phoneField] = p.e164;
	}
	if (p.userId && names.whatsappUserId) out[names.whatsappUserId] = p.userId;
	if (p.input.name?.trim()) {
		const { first, last } = splitName(p.input.name.trim());
		// A number standing in for a name (see the create path) is no name either.
		const placeholder = (value: unknown) =>
			isBlank(value) || value === p.e164 || value === p.email || value === p.userId;
		const blank = (field?: string) =>
			field !== undefined && out[field] === undefined && placeholder(contact?.properties[field]);
		if (blank(names.firstName) && first) out[names.firstName!] = first;
		if (blank(names.lastName) && last) out[names.lastName!] = last;
	}
	if (p.email && names.email && out[names.email] === undefined) out[names.email] = p.email;
	if (
		p.input.marketingConsent &&
		names.marketingConsent &&
		out[names.marketingConsent] === undefined
	)
		out[names.marketingConsent] = p.input.marketingConsent;
	if (p.input.tags?.length && names.tags) {
		const existing = splitTags(contact?.properties[names.tags]);
		const union = [...new Set([...existing, ...p.input.tags.map((t) => t.trim()).filter(Boolean)])];
		if (union.length !== existing.length) out[names.tags] = union.join(';');
	}
	if (p.input.interactionAt !== undefined && names.lastInteractionAt) {
		const previous = toMillis(contact?.properties[names.lastInteractionAt]);
		// Only a newer interaction counts, which also makes a re-run count nothing. Whole seconds:
		// WhatsApp's timestamps have no more, and Zoho's DateTime fields keep no milliseconds.
		if (
			previous === undefined ||
			Math.floor(p.input.interactionAt / 1000) > Math.floor(previous / 1000)
		) {
			out[names.lastInteractionAt] = new Date(p.input.interactionAt).toISOString();
			if (names.interactionCount)
				out[names.interactionCount] =
					(Number(contact?.properties[names.interactionCount]) || 0) + 1;
		}
	}
	return out;
}

/** The fields to write, and the ones kept because the CRM's value is newer. */
function diff(
	desired: Record<string, unknown>,
	contact: CrmContact | undefined,
	inputUpdatedAt: number,
	normalize: ReturnType<typeof createPhoneNormalizer>,
	names: CrmAdapter['fieldNames'],
): { changes: Record<string, unknown>; kept: KeptField[] } {
	if (!contact) return { changes: { ...desired }, kept: [] };
	const changes: Record<string, unknown> = {};
	const kept: KeptField[] = [];
	const phoneFields = new Set(contact.phones.map((p) => p.field));
	// Fields the package maintains itself only ever move forward; the conflict policy is for the user's data.
	const maintained = new Set(
		[
			names.lastInteractionAt,
			names.interactionCount,
			names.tags,
			names.whatsappE164,
			names.whatsappUserId,
		].filter(Boolean),
	);
	for (const [field, value] of Object.entries(desired)) {
		const current = contact.properties[field];
		if (same(current, value, phoneFields.has(field) ? normalize : undefined)) continue;
		const crmModifiedAt = contact.fieldModifiedAt?.[field] ?? contact.modifiedAt;
		const empty = isBlank(current);
		if (!empty && !maintained.has(field) && crmModifiedAt > inputUpdatedAt) {
			kept.push({ field, crmValue: current, inputValue: value, crmModifiedAt, inputUpdatedAt });
			continue;
		}
		changes[field] = value;
	}
	return { changes, kept };
}

function same(
	a: unknown,
	b: unknown,
	normalize?: ReturnType<typeof createPhoneNormalizer>,
): boolean {
	if (a === b) return true;
	if (a === undefined || a === null || a === '') return b === undefined || b === null || b === '';
	if (normalize) {
		const x = normalize(String(a));
		const y = normalize(String(b));
		if (x.ok && y.ok) return x.e164 === y.e164;
	}
	const ta = toMillis(a);
	const tb = toMillis(b);
	if (
		ta !== undefined &&
		tb !== undefined &&
		typeof a === 'string' &&
		typeof b === 'string' &&
		/\d{4}-\d\d-\d\d/.test(a)
	)
		return ta === tb;
	return String(a).trim() === String(b).trim();
}

/**
 * A profile name into first and last name for CRMs that require a last name (Salesforce, Zoho).
 * Names in CJK or Thai script, and single words, go whole into the last name: splitting "陳大文"
 * or "สมชาย" by spaces would be wrong, and the last name is the field CRMs insist on.
 */
function splitName(name: string): { first?: string; last: string } {
	const words = name.split(/\s+/);
	if (words.length === 1 || /[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]/.test(name))
		return { last: name };
	return { first: words.slice(0, -1).join(' '), last: words[words.length - 1] };
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

function splitTags(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String);
	if (typeof value !== 'string' || value.trim() === '') return [];
	return value
		.split(/[;,]/)
		.map((t) => t.trim())
		.filter(Boolean);
}

function describeKey(by: MatchField): string {
	return by === 'whatsappUserId' ? 'WhatsApp user ID' : by;
}

function failure(p: Prepared, error: unknown): UpsertOutcome {
	const info: CrmErrorInfo =
		error instanceof CrmApiError
			? error.info
			: { code: CRM_ERROR.requestFailed, message: (error as Error).message, retryable: true };
	return { ref: p.input.ref, outcome: 'failed', error: info, e164: p.e164 };
}
