/**
 * Create-or-update of WhatsApp customers in any CRM, the same way for every adapter:
 *
 * 1. Identify: each input needs a WhatsApp user id, a phone (normalised to E.164 here, unless the
 *    caller passed it already normalised as `e164`) or an email.
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
import { CRM_ERROR } from './errors';
import { desiredProperties, diff, isBlank } from './fieldChanges';
import type { ContactInput, KeptField, Prepared } from './fieldChanges';

export type { ContactInput, KeptField } from './fieldChanges';

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
		let e164 = typeof input.e164 === 'string' && input.e164 !== '' ? input.e164 : undefined;
		if (
			e164 === undefined &&
			input.phone !== undefined &&
			input.phone !== null &&
			String(input.phone).trim() !== ''
		) {
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
