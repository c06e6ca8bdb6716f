/**
 * HubSpot (CRM API v3, associations v4) behind the CrmAdapter interface.
 *
 * What HubSpot documents and this adapter relies on:
 * - Auth is a bearer token (private app token, service key or OAuth), added by the transport.
 * - Limits: 100 (Free, Starter) or 190 (Professional, Enterprise) requests per rolling 10 s per
 *   app and account; the search endpoints about 5 per second on their own. Both are kept
 *   proactively (a request stays in our window until `windowMs` after its answer, as HubSpot
 *   counts it on arrival), so concurrent runs in this process share them without 429 storms.
 * - Search (`POST /objects/contacts/search`) is eventually consistent: a contact written seconds
 *   ago may be missing. At most 5 filterGroups (OR) of filters (AND), 200 results a page, 10,000 in
 *   all. EQ and IN compare the stored string, so a phone number is searched in the formats people
 *   type, and candidates are then compared after normalisation.
 * - Batch writes take 100 inputs. `batch/create` reports per input (207) when each input carries an
 *   `objectWriteTraceId`; otherwise one bad input fails the batch. `batch/upsert` keys on `email` or
 *   a property with unique values only (never `phone`) and says per result whether it was `new`.
 *   Results are not promised in input order, so they are matched by trace id, id or key.
 * - A create whose email exists answers 409 CONFLICT "Contact already exists. Existing ID: …".
 * - Communications (`hs_communication_channel_type: WHATS_APP`) are associated to contacts with
 *   HUBSPOT_DEFINED type 81; a contact's associations are read with the v4 associations API.
 * - Merge `POST /objects/contacts/merge` takes one absorbed contact per call.
 * - Files go to the file manager (`POST /files/v3/files`, multipart: `file`, `fileName`,
 *   `folderPath`, `options` with `access` required; scope `files`), and onto a contact as a note
 *   (`POST /crm/v3/objects/notes`, `hs_attachment_ids` separated by `;`, `hs_timestamp` required,
 *   `hs_note_body` up to 65,536 characters) associated with HUBSPOT_DEFINED type 202.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import type { HttpResponse } from '../../http/transport';
import { multipartBody } from '../../http/multipart';
import { TransportError } from '../../http/transport';
import { normalizePhone } from '../../phone';
import { createFieldChecker, CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { chunks, CrmHttp, processWideLimiters, realClock } from '../http';
import { loggedPerContact, logOncePerMessage } from '../messageLog';
import type { Clock, CrmRequest, RateLimiter } from '../http';
import { attachOneAtATime, taggedFileName } from '../media';
import type { AttachedFile } from '../media';
import { CrmApiError } from '../types';
import { storedNumberMatcher } from '../phoneMatch';
import type {
	AttachResult,
	CanonicalField,
	ContactWrite,
	CrmAdapter,
	CrmAdapterOptions,
	CrmContact,
	CrmErrorInfo,
	CrmField,
	FileAttachment,
	LogResult,
	MergeResult,
	MessageLog,
	WriteResult,
} from '../types';
import { contextList, describeHubSpotBody, describeHubSpotError, existingIdOf } from './errors';
import type { HubSpotErrorBody } from './errors';

export type HubSpotTier = 'free' | 'starter' | 'professional' | 'enterprise';

/** Requests per rolling 10 s per app and account, by subscription. */
export const HUBSPOT_TEN_SECONDLY: Record<HubSpotTier, number> = {
	free: 100,
	starter: 100,
	professional: 190,
	enterprise: 190,
};
export const HUBSPOT_BATCH_SIZE = 100;
export const HUBSPOT_DEFAULT_PHONE_FIELDS = ['phone', 'mobilephone'];
/**
 * Where the package keeps what it maintains. The `whatsapp_*` properties are custom: create them
 * in HubSpot (whatsapp_e164 with unique values), or point these names elsewhere via `fieldNames`.
 * A portal without some of them keeps working without them (see checkFields).
 */
export const HUBSPOT_DEFAULT_FIELD_NAMES: Partial<Record<CanonicalField, string>> = {
	firstName: 'firstname',
	lastName: 'lastname',
	email: 'email',
	phone: 'phone',
	mobilePhone: 'mobilephone',
	lifecycle: 'lifecyclestage',
	whatsappE164: 'whatsapp_e164',
	whatsappUserId: 'whatsapp_user_id',
	tags: 'whatsapp_tags',
	lastInteractionAt: 'whatsapp_last_interaction',
	interactionCount: 'whatsapp_interaction_count',
	marketingConsent: 'whatsapp_marketing_consent',
};

/** How each custom property is created in HubSpot (Settings › Properties), for the missing-field message. */
const HUBSPOT_PROPERTY_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'a Single-line text property with "Require unique values for this property" on',
	whatsappUserId: 'a Single-line text property',
	lastInteractionAt: 'a Date and time picker property (not Date picker, which keeps no time)',
	interactionCount: 'a Number property',
	tags: 'a Multi-line text property',
	marketingConsent: 'a Single-line text property',
};

/** The group and definitions `createMissingProperties` creates the whatsapp_* properties with. */
export const HUBSPOT_WHATSAPP_PROPERTY_GROUP = { name: 'whatsapp_scrm', label: 'WhatsApp SCRM' };
const HUBSPOT_PROPERTY_DEFINITIONS: Partial<
	Record<
		CanonicalField,
		{
			label: string;
			type: string;
			fieldType: string;
			description: string;
			hasUniqueValue?: boolean;
		}
	>
> = {
	whatsappE164: {
		label: 'WhatsApp Number (E.164)',
		type: 'string',
		fieldType: 'text',
		hasUniqueValue: true,
		description:
			"The customer's WhatsApp number in E.164 (+85291234567); unique, so it can key upserts",
	},
	whatsappUserId: {
		label: 'WhatsApp User ID',
		type: 'string',
		fieldType: 'text',
		description: "WhatsApp's business-scoped user ID for the customer",
	},
	lastInteractionAt: {
		label: 'Last WhatsApp Interaction',
		type: 'datetime',
		fieldType: 'date',
		description: "When the customer's last WhatsApp message arrived",
	},
	interactionCount: {
		label: 'WhatsApp Interactions',
		type: 'number',
		fieldType: 'number',
		description: 'How many WhatsApp messages the customer has sent',
	},
	tags: {
		label: 'WhatsApp Tags',
		type: 'string',
		fieldType: 'textarea',
		description: 'Tags from WhatsApp conversations, separated by ;',
	},
	marketingConsent: {
		label: 'WhatsApp Marketing Consent',
		type: 'string',
		fieldType: 'text',
		description:
			'opted_out once the customer stopped marketing messages in WhatsApp, opted_in once they resumed',
	},
};
const PROPERTIES = '/crm/v3/properties/contacts';

const CONTACTS = '/crm/v3/objects/contacts';
const COMMUNICATIONS = '/crm/v3/objects/communications';
const SEARCH_PAGE = 200;
const SEARCH_MAX_RESULTS = 10_000;
const LIST_PAGE = 100;
const ASSOCIATIONS_PAGE = 500;
const MAX_FILTER_GROUPS = 5;
/** Values per IN filter; HubSpot names no ceiling, so stay modest (and the request body small). */
const IN_VALUES = 100;
const COMMUNICATION_TO_CONTACT = 81;
const NOTES = '/crm/v3/objects/notes';
const FILES = '/files/v3/files';
const NOTE_TO_CONTACT = 202;
const NOTE_BODY_MAX = 65_536;
/**
 * Assumption: HubSpot's API reference sends file size limits to its Knowledge Base ("supported
 * file types and sizes"), which this was not checked against; 300 MB is what the package relies on.
 */
export const HUBSPOT_ATTACHMENT_MAX_BYTES = 300 * 1024 * 1024;
export const HUBSPOT_DEFAULT_ATTACHMENT_FOLDER = '/WhatsApp SCRM';
const WAMID_MARKER = /\[wamid:([^\]\s<]+)\]/g;
const BODY_MAX = 60_000;

export interface HubSpotAdapterOptions extends CrmAdapterOptions {
	/** Sets the 10-second limit kept: 100 (free, starter) or 190 (professional, enterprise). Default 'free'. */
	tier?: HubSpotTier;
	/**
	 * A contact property with unique values holding the E.164 number (e.g. `whatsapp_e164`): it
	 * becomes `fieldNames.whatsappE164`, is searched exactly by findByPhone, and keyed writes on it
	 * are true batch upserts, which cannot race a concurrent run into a duplicate.
	 */
	uniqueProperty?: string;
	/** Further contact properties read with every contact. */
	properties?: string[];
	/** The phone properties searched and compared. Default phone, mobilephone. */
	phoneFields?: string[];
	/** Overrides of HUBSPOT_DEFAULT_FIELD_NAMES (set one to undefined to leave it unwritten). */
	fieldNames?: Partial<Record<CanonicalField, string | undefined>>;
	/** Overrides the tier's window, e.g. when other integrations take part of it. */
	rateLimit?: { max: number; windowMs: number };
	/** The search endpoints' limit kept. Default 4 per second (HubSpot: about 5). */
	searchRateLimit?: { max: number; windowMs: number };
	limiter?: RateLimiter;
	searchLimiter?: RateLimiter;
	/** A create that meets an existing contact with the same email: update that contact (default) or report the conflict. */
	onDuplicate?: 'update' | 'error';
	/** The file manager folder attached media go to (private files). Default `/WhatsApp SCRM`. */
	attachmentFolder?: string;
	/**
	 * Creates the default whatsapp_* properties the portal lacks, once, in the group `whatsapp_scrm`
	 * (`POST /crm/v3/properties/contacts`; the token needs `crm.schemas.contacts.write`). Properties
	 * that exist with another type or read-only are left as the portal's admin made them.
	 */
	createMissingProperties?: boolean;
}

interface HubSpotObject {
	id: string;
	properties?: Record<string, string | null>;
	createdAt?: string;
	updatedAt?: string;
	new?: boolean;
	objectWriteTraceId?: string;
}

interface BatchAnswer extends HubSpotErrorBody {
	results?: HubSpotObject[];
	errors?: Array<HubSpotErrorBody & { context?: Record<string, unknown> }>;
}

type ItemOutcome =
	{ ok: true; result: HubSpotObject } | { ok: false; error: CrmErrorInfo; existingId?: string };

interface BatchSpec<I> {
	path: string;
	/** Writes that create (no way to repeat them safely after a timeout). */
	creates: boolean;
	/** Adds an objectWriteTraceId per input, for per-input answers. */
	traced: boolean;
	/** How an input and a result are recognised as the same record (ids, keys). */
	keyOf?: (input: I) => string;
	resultKey?: (result: HubSpotObject) => string;
}

interface Filter {
	propertyName: string;
	operator: 'IN';
	values: string[];
}

export function createHubSpotAdapter(opts: HubSpotAdapterOptions): CrmAdapter {
	const clock: Clock = opts.clock ?? realClock;
	const retries = opts.retries ?? 5;
	const tier = opts.tier ?? 'free';
	const phoneFields = opts.phoneFields ?? HUBSPOT_DEFAULT_PHONE_FIELDS;
	const fieldNames = {
		...HUBSPOT_DEFAULT_FIELD_NAMES,
		...(opts.uniqueProperty ? { whatsappE164: opts.uniqueProperty } : {}),
		...(opts.fieldNames ?? {}),
	} as Partial<Record<CanonicalField, string>>;
	const uniqueProperty = opts.uniqueProperty;
	const readProperties = [
		...new Set([
			'lastmodifieddate',
			'createdate',
			...phoneFields,
			...Object.values(fieldNames),
			...(uniqueProperty ? [uniqueProperty] : []),
			...(opts.properties ?? []),
		]),
	].filter(Boolean) as string[];

	const rate = opts.rateLimit ?? { max: HUBSPOT_TEN_SECONDLY[tier], windowMs: 10_000 };
	const searchRate = opts.searchRateLimit ?? { max: 4, windowMs: 1000 };
	const account = `hubspot|${opts.baseUrl.replace(/\/+$/, '')}|${opts.accountKey ?? ''}`;
	const limiters = opts.limiters ?? processWideLimiters(opts.clock);
	const mainLimiter = opts.limiter ?? limiters(`${account}|app`, rate);
	// Searches have their own per-second limit and do not spend the 10-second window's budget
	// (https://developers.hubspot.com/docs/guides/api/crm/search#limitations).
	const searchLimiter = opts.searchLimiter ?? limiters(`${account}|search`, searchRate);

	const http = new CrmHttp({
		crm: 'hubspot',
		transport: opts.transport,
		baseUrl: opts.baseUrl,
		timeoutMs: opts.timeoutMs,
		retries,
		clock,
		describeError: describeHubSpotError,
	});

	async function call<T>(
		req: CrmRequest & { search?: boolean; repeatable?: boolean },
	): Promise<HttpResponse<T>> {
		const { search, repeatable, ...rest } = req;
		for (let attempt = 0; ; attempt++) {
			try {
				return await http.request<T>({ ...rest, limiter: search ? searchLimiter : mainLimiter });
			} catch (error) {
				// Reads, searches, updates and keyed upserts may be repeated after a timeout; creates may not.
				if (
					(rest.method === 'GET' || repeatable) &&
					error instanceof TransportError &&
					error.sent &&
					attempt < retries
				) {
					await clock.sleep(Math.min(30_000, 500 * 2 ** attempt));
					continue;
				}
				throw error;
			}
		}
	}

	/** Every page of one search (HubSpot serves at most 10,000 results). */
	async function searchPages(
		filterGroups: Array<{ filters: Filter[] }>,
		properties: string[],
	): Promise<CrmContact[]> {
		const contacts: CrmContact[] = [];
		let after: string | undefined;
		do {
			const response = await call<{
				results?: HubSpotObject[];
				paging?: { next?: { after?: string } };
			}>({
				method: 'POST',
				path: `${CONTACTS}/search`,
				body: {
					filterGroups,
					properties,
					limit: SEARCH_PAGE,
					sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
					...(after ? { after } : {}),
				},
				search: true,
				repeatable: true,
			});
			for (const record of response.body?.results ?? [])
				contacts.push(toContact(record, phoneFields));
			after = response.body?.paging?.next?.after;
		} while (after && Number(after) < SEARCH_MAX_RESULTS);
		return contacts;
	}

	/** Contacts matching any of the filters (OR), in as few searches as the filterGroup limit allows. */
	async function searchAny(filters: Filter[], properties = readProperties): Promise<CrmContact[]> {
		const found = new Map<string, CrmContact>();
		await Promise.all(
			chunks(filters, MAX_FILTER_GROUPS).map(async (group) => {
				for (const contact of await searchPages(
					group.map((filter) => ({ filters: [filter] })),
					properties,
				))
					found.set(contact.id, contact);
			}),
		);
		return [...found.values()].sort((a, b) => Number(a.id) - Number(b.id));
	}

	const inFilters = (field: string, values: string[]): Filter[] =>
		chunks([...new Set(values)], IN_VALUES).map((group) => ({
			propertyName: field,
			operator: 'IN',
			values: group,
		}));

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		const out = new Map<string, CrmContact[]>();
		const targets = new Map<string, { e164: string; country?: string }>();
		for (const asked of new Set(e164s)) {
			const target = normalizePhone(asked);
			if (target.ok) targets.set(asked, target);
			else out.set(asked, []);
		}
		if (targets.size === 0) return out;
		const variants = [...targets.values()].flatMap((t) => phoneVariants(t.e164));
		const filters = [
			...phoneFields.flatMap((field) => inFilters(field, variants)),
			...(uniqueProperty
				? inFilters(
						uniqueProperty,
						[...targets.values()].map((t) => t.e164),
					)
				: []),
		];
		const candidates = await searchAny(filters);
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		for (const [asked, target] of targets) {
			const holds = (value: string) => holdsNumber(target, value);
			out.set(
				asked,
				candidates.filter(
					(contact) =>
						(uniqueProperty !== undefined && contact.properties[uniqueProperty] === target.e164) ||
						contact.phones.some((phone) => holds(phone.value)),
				),
			);
		}
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		const field = fieldNames.email ?? 'email';
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		const out = new Map<string, CrmContact[]>(wanted.map((e) => [e, []]));
		if (wanted.length === 0) return out;
		for (const contact of await searchAny(inFilters(field, wanted))) {
			out
				.get(
					String(contact.properties[field] ?? '')
						.trim()
						.toLowerCase(),
				)
				?.push(contact);
		}
		return out;
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const out = new Map<string, CrmContact[]>(wanted.map((v) => [v, []]));
		if (wanted.length === 0) return out;
		const properties = readProperties.includes(field) ? readProperties : [...readProperties, field];
		// Search compares strings without case; keep exact matches only.
		for (const contact of await searchAny(inFilters(field, wanted), properties))
			out.get(String(contact.properties[field] ?? ''))?.push(contact);
		return out;
	}

	/**
	 * One batch call, answered per input whatever happened. A batch HubSpot refuses as a whole
	 * (one bad input fails it, and nothing of it is written) is halved until the culprit stands alone,
	 * so the good inputs still go and the bad one gets its own reason.
	 */
	async function runBatch<I extends object>(
		spec: BatchSpec<I>,
		inputs: I[],
	): Promise<ItemOutcome[]> {
		const body = {
			inputs: spec.traced
				? inputs.map((input, pos) => ({ ...input, objectWriteTraceId: String(pos) }))
				: inputs,
		};
		const response = await call<BatchAnswer>({
			method: 'POST',
			path: spec.path,
			body,
			accept: [207, 400, 404, 409],
			repeatable: !spec.creates,
		});
		const out: Array<ItemOutcome | undefined> = new Array(inputs.length);
		const answer = (
			response.body && typeof response.body === 'object' ? response.body : {}
		) as BatchAnswer;

		if (response.status >= 400) {
			const info = describeHubSpotError(response);
			if (inputs.length === 1)
				return [{ ok: false, error: info, existingId: existingIdOf(answer.message) }];
			// Inputs the error names fail; the others are sent again.
			const named = new Set(contextList(answer.context, 'ids'));
			const culprits = spec.keyOf
				? inputs
						.map((input, pos) => (named.has(spec.keyOf!(input)) ? pos : -1))
						.filter((pos) => pos >= 0)
				: [];
			if (culprits.length > 0 && culprits.length < inputs.length) {
				const rest = inputs.filter((_, pos) => !culprits.includes(pos));
				const again = await runBatch(spec, rest);
				let k = 0;
				return inputs.map((_, pos) =>
					culprits.includes(pos) ? { ok: false as const, error: info } : again[k++],
				);
			}
			if (culprits.length === inputs.length || info.code === 'INVALID_UPSERT_KEY')
				return inputs.map(() => ({ ok: false as const, error: info }));
			const mid = Math.ceil(inputs.length / 2);
			const [first, second] = await Promise.all([
				runBatch(spec, inputs.slice(0, mid)),
				runBatch(spec, inputs.slice(mid)),
			]);
			return [...first, ...second];
		}

		const leftovers: HubSpotObject[] = [];
		for (const result of answer.results ?? []) {
			let pos = -1;
			if (spec.traced && result.objectWriteTraceId !== undefined)
				pos = Number(result.objectWriteTraceId);
			else if (spec.keyOf && spec.resultKey) {
				const key = spec.resultKey(result);
				pos = inputs.findIndex((input, p) => !out[p] && spec.keyOf!(input) === key);
			}
			if (Number.isInteger(pos) && pos >= 0 && pos < inputs.length && !out[pos])
				out[pos] = { ok: true, result };
			else leftovers.push(result);
		}
		for (const error of answer.errors ?? []) {
			const info = describeHubSpotBody(response.status, error);
			const traces = contextList(error.context, 'objectWriteTraceId').map(Number);
			const ids = new Set(contextList(error.context, 'ids'));
			const targets =
				traces.length > 0
					? traces
					: ids.size > 0 && spec.keyOf
						? inputs
								.map((input, pos) => (ids.has(spec.keyOf!(input)) ? pos : -1))
								.filter((pos) => pos >= 0)
						: inputs.map((_, pos) => pos);
			for (const pos of targets)
				if (pos >= 0 && pos < inputs.length && !out[pos])
					out[pos] = { ok: false, error: info, existingId: existingIdOf(error.message) };
		}
		// A result under another id (an absorbed contact answers as its survivor) pairs with what is left.
		const open = out.map((o, pos) => (o ? -1 : pos)).filter((pos) => pos >= 0);
		if (open.length > 0 && open.length === leftovers.length)
			open.forEach((pos, k) => (out[pos] = { ok: true, result: leftovers[k] }));
		return out.map(
			(o) =>
				o ?? {
					ok: false as const,
					error: {
						code: 'NO_RESULT',
						retryable: false,
						message:
							'HubSpot accepted the batch but reported nothing for this record: look it up before writing it again',
					},
				},
		);
	}

	/** Runs a batch and turns call failures into per-input errors, unless they stop the whole run. */
	async function settle<I extends object>(spec: BatchSpec<I>, inputs: I[]): Promise<ItemOutcome[]> {
		try {
			return await runBatch(spec, inputs);
		} catch (error) {
			if (isFatal(error)) throw error;
			const info = callError(error, spec.creates);
			return inputs.map(() => ({ ok: false as const, error: info }));
		}
	}

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		const results: WriteResult[] = new Array(writes.length);
		const groups = new Map<string, number[]>();
		writes.forEach((write, index) => {
			const group = write.id ? 'update' : write.key ? `upsert:${write.key.field}` : 'create';
			groups.set(group, [...(groups.get(group) ?? []), index]);
		});
		const conflicts: Array<{ index: number; existingId: string }> = [];

		const record = (
			index: number,
			outcome: ItemOutcome,
			created: (result: HubSpotObject) => boolean,
		) => {
			const ref = writes[index].ref;
			results[index] = outcome.ok
				? {
						ref,
						ok: true,
						id: String(outcome.result.id),
						created: created(outcome.result),
						modifiedAt: modifiedAtOf(outcome.result),
					}
				: { ref, ok: false, error: outcome.error };
		};

		await Promise.all(
			[...groups].map(async ([group, indexes]) => {
				if (group === 'create') {
					const spec: BatchSpec<{ properties: Record<string, unknown> }> = {
						path: `${CONTACTS}/batch/create`,
						creates: true,
						traced: true,
					};
					await Promise.all(
						chunks(indexes, HUBSPOT_BATCH_SIZE).map(async (batch) => {
							const outcomes = await settle(
								spec,
								batch.map((i) => ({ properties: hsProperties(writes[i].properties) })),
							);
							outcomes.forEach((outcome, k) => {
								if (
									!outcome.ok &&
									outcome.existingId &&
									outcome.error.code === 'CONFLICT' &&
									(opts.onDuplicate ?? 'update') === 'update'
								) {
									conflicts.push({ index: batch[k], existingId: outcome.existingId });
								} else record(batch[k], outcome, () => true);
							});
						}),
					);
					return;
				}
				const upsertBy = group.startsWith('upsert:') ? group.slice('upsert:'.length) : undefined;
				const keyOfWrite = (i: number) =>
					upsertBy ? keyValue(upsertBy, writes[i].key!.value) : writes[i].id!;
				// One id or key twice in one batch is refused: repeats wait for the next round.
				for (const round of rounds(indexes, keyOfWrite)) {
					await Promise.all(
						chunks(round, HUBSPOT_BATCH_SIZE).map(async (batch) => {
							if (upsertBy) {
								const spec: BatchSpec<{
									id: string;
									idProperty: string;
									properties: Record<string, unknown>;
								}> = {
									path: `${CONTACTS}/batch/upsert`,
									creates: false,
									traced: false,
									keyOf: (input) => keyValue(upsertBy, input.id),
									resultKey: (result) =>
										keyValue(upsertBy, String(result.properties?.[upsertBy] ?? '')),
								};
								const inputs = batch.map((i) => ({
									id: writes[i].key!.value,
									idProperty: upsertBy,
									properties: hsProperties(writes[i].properties),
								}));
								(await settle(spec, inputs)).forEach((outcome, k) =>
									record(batch[k], outcome, (result) => result.new === true),
								);
							} else {
								const inputs = batch.map((i) => ({
									id: writes[i].id!,
									properties: hsProperties(writes[i].properties),
								}));
								(await settle(updateSpec, inputs)).forEach((outcome, k) =>
									record(batch[k], outcome, () => false),
								);
							}
						}),
					);
				}
			}),
		);

		// Creates that met an existing contact (email) update it instead: the same customer.
		if (conflicts.length > 0) {
			for (const round of rounds(conflicts, (c) => c.existingId)) {
				await Promise.all(
					chunks(round, HUBSPOT_BATCH_SIZE).map(async (batch) => {
						const outcomes = await settle(
							updateSpec,
							batch.map((c) => ({
								id: c.existingId,
								properties: hsProperties(writes[c.index].properties),
							})),
						);
						outcomes.forEach((outcome, k) => record(batch[k].index, outcome, () => false));
					}),
				);
			}
		}
		return results;
	}

	const updateSpec: BatchSpec<{ id: string; properties: Record<string, unknown> }> = {
		path: `${CONTACTS}/batch/update`,
		creates: false,
		traced: false,
		keyOf: (input) => input.id,
		resultKey: (result) => String(result.id),
	};

	/**
	 * The wamids already on a contact's timeline. Idempotency comes from a marker in the body
	 * (`[wamid:…]`), read through the contact's associations and a batch read, both consistent at
	 * once, unlike search (which lags, so a quick re-run would log twice).
	 */
	async function loggedMessages(contactId: string): Promise<Map<string, string>> {
		const ids: string[] = [];
		let after: string | undefined;
		do {
			const response = await call<{
				results?: Array<{ toObjectId?: number | string }>;
				paging?: { next?: { after?: string } };
			}>({
				method: 'GET',
				path: `/crm/v4/objects/contacts/${encodeURIComponent(contactId)}/associations/communications`,
				qs: { limit: ASSOCIATIONS_PAGE, ...(after ? { after } : {}) },
			});
			for (const association of response.body?.results ?? [])
				if (association.toObjectId !== undefined) ids.push(String(association.toObjectId));
			after = response.body?.paging?.next?.after;
		} while (after);
		const logged = new Map<string, string>();
		for (const batch of chunks(ids, HUBSPOT_BATCH_SIZE)) {
			const response = await call<BatchAnswer>({
				method: 'POST',
				path: `${COMMUNICATIONS}/batch/read`,
				body: { inputs: batch.map((id) => ({ id })), properties: ['hs_communication_body'] },
				accept: [207],
				repeatable: true,
			});
			for (const communication of response.body?.results ?? []) {
				for (const match of String(communication.properties?.hs_communication_body ?? '').matchAll(
					WAMID_MARKER,
				))
					logged.set(match[1], String(communication.id));
			}
		}
		return logged;
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const steps = { isFatal, errorOf: callError };
		const spec: BatchSpec<object> = {
			path: `${COMMUNICATIONS}/batch/create`,
			creates: true,
			traced: true,
		};
		return logOncePerMessage(logs, {
			...steps,
			existing: await loggedPerContact(logs, loggedMessages, steps),
			batchSize: HUBSPOT_BATCH_SIZE,
			write: async (batch) =>
				(await settle(spec, batch.map(communication))).map((outcome) =>
					outcome.ok ? { ok: true as const, id: String(outcome.result.id) } : outcome,
				),
		});
	}

	/**
	 * The messages whose media are already on a contact, read from its notes' marker (`[wamid:…]`)
	 * through associations and a batch read, which are consistent at once. The contact is read
	 * first, so that a file is never uploaded for a contact that does not exist.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, AttachedFile>> {
		try {
			await call({
				method: 'GET',
				path: `${CONTACTS}/${encodeURIComponent(contactId)}`,
				qs: { properties: 'hs_object_id' },
			});
		} catch (error) {
			if (error instanceof CrmApiError && error.info.status === 404) {
				throw new CrmApiError('hubspot', {
					code: 'CONTACT_NOT_FOUND',
					status: 404,
					retryable: false,
					message: `HubSpot has no contact ${contactId} (wrong ID, or deleted): nothing was attached`,
				});
			}
			throw error;
		}
		const noteIds: string[] = [];
		let after: string | undefined;
		do {
			const response = await call<{
				results?: Array<{ toObjectId?: number | string }>;
				paging?: { next?: { after?: string } };
			}>({
				method: 'GET',
				path: `/crm/v4/objects/contacts/${encodeURIComponent(contactId)}/associations/notes`,
				qs: { limit: ASSOCIATIONS_PAGE, ...(after ? { after } : {}) },
			});
			for (const association of response.body?.results ?? [])
				if (association.toObjectId !== undefined) noteIds.push(String(association.toObjectId));
			after = response.body?.paging?.next?.after;
		} while (after);
		const attached = new Map<string, AttachedFile>();
		for (const batch of chunks(noteIds, HUBSPOT_BATCH_SIZE)) {
			const response = await call<BatchAnswer>({
				method: 'POST',
				path: `${NOTES}/batch/read`,
				body: {
					inputs: batch.map((id) => ({ id })),
					properties: ['hs_note_body', 'hs_attachment_ids'],
				},
				accept: [207],
				repeatable: true,
			});
			for (const note of response.body?.results ?? []) {
				const fileId = String(note.properties?.hs_attachment_ids ?? '')
					.split(';')
					.find(Boolean);
				for (const match of String(note.properties?.hs_note_body ?? '').matchAll(WAMID_MARKER))
					attached.set(match[1], { id: String(note.id), ...(fileId ? { fileId } : {}) });
			}
		}
		return attached;
	}

	async function uploadFile(file: FileAttachment): Promise<string> {
		const form = multipartBody([
			{
				name: 'file',
				data: file.data,
				fileName: taggedFileName(file.fileName, file.messageId),
				contentType: file.mimeType,
			},
			{ name: 'folderPath', value: opts.attachmentFolder ?? HUBSPOT_DEFAULT_ATTACHMENT_FOLDER },
			// Private: a customer's photo must not be reachable by URL; the note links it for CRM users.
			{
				name: 'options',
				value: JSON.stringify({
					access: 'PRIVATE',
					overwrite: false,
					duplicateValidationStrategy: 'NONE',
					duplicateValidationScope: 'EXACT_FOLDER',
				}),
			},
		]);
		const response = await call<{ id?: string | number }>({
			method: 'POST',
			path: FILES,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		const id = response.body?.id;
		if (id === undefined || id === null || id === '')
			throw new CrmApiError('hubspot', {
				code: 'UNEXPECTED_RESPONSE',
				status: response.status,
				retryable: false,
				message: 'HubSpot accepted the file but returned no file id',
			});
		return String(id);
	}

	/** Deletes an uploaded file; what is left to clean up by hand when that fails, else undefined. */
	async function deleteFile(fileId: string): Promise<string | undefined> {
		try {
			await call({
				method: 'DELETE',
				path: `${FILES}/${encodeURIComponent(fileId)}`,
				repeatable: true,
			});
			return undefined;
		} catch {
			return `file ${fileId} was uploaded but is on no note: delete it in HubSpot's files tool`;
		}
	}

	async function createNote(file: FileAttachment, fileId: string): Promise<string> {
		const when = new Date(file.at ?? clock.now()).toISOString();
		const marker = `<p>WhatsApp media · ${escapeHtml(file.fileName)} · ${when} [wamid:${escapeHtml(file.messageId)}]</p>`;
		const text = file.description
			? `<p>${escapeHtml(file.description)
					.replace(/\r?\n/g, '<br>')
					.slice(0, NOTE_BODY_MAX - marker.length - 7)}</p>`
			: '';
		const response = await call<HubSpotObject>({
			method: 'POST',
			path: NOTES,
			body: {
				properties: {
					hs_timestamp: when,
					hs_note_body: `${text}${marker}`,
					hs_attachment_ids: fileId,
				},
				associations: [
					{
						to: { id: file.contactId },
						types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }],
					},
				],
			},
		});
		return String(response.body?.id);
	}

	/** One file at a time (see attachOneAtATime): the file API counts against the same 10-second window. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: attachedMedia,
			upload: uploadWithNote,
			isFatal,
			errorOf: callError,
		});
	}

	async function uploadWithNote(file: FileAttachment): Promise<AttachedFile> {
		const fileId = await uploadFile(file);
		try {
			return { id: await createNote(file, fileId), fileId };
		} catch (error) {
			// A file no note points to would be found by nothing (attaching again uploads anew): take it back.
			const orphan = await deleteFile(fileId);
			if (!orphan || isFatal(error)) throw error;
			const info = callError(error, true);
			throw new CrmApiError('hubspot', { ...info, message: `${info.message} (${orphan})` });
		}
	}

	/** One page of every contact, in id order (HubSpot's list order, oldest first). */
	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		const properties = [...new Set([...readProperties, ...(listOpts.properties ?? [])])];
		const response = await call<{
			results?: HubSpotObject[];
			paging?: { next?: { after?: string } };
		}>({
			method: 'GET',
			path: CONTACTS,
			qs: {
				limit: Math.min(LIST_PAGE, Math.max(1, listOpts.limit ?? LIST_PAGE)),
				properties: properties.join(','),
				archived: false,
				...(listOpts.after ? { after: listOpts.after } : {}),
			},
		});
		const contacts = (response.body?.results ?? []).map((record) => toContact(record, phoneFields));
		const next = response.body?.paging?.next?.after;
		return next ? { contacts, after: next } : { contacts };
	}

	async function contactProperties(): Promise<Array<Record<string, unknown>>> {
		const response = await call<{ results?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: PROPERTIES,
			qs: { archived: false },
		});
		return response.body?.results ?? [];
	}

	const explicitFields = new Set<string>([
		...Object.keys(opts.fieldNames ?? {}),
		...(opts.uniqueProperty ? ['whatsappE164'] : []),
	]);
	/** Why a property could not be created, by name: completes its missing-field message. */
	const notCreated = new Map<string, string>();

	/** Creates the absent default properties; a refusal (e.g. the scope) is recorded, not thrown, so contacts still go. */
	async function createProperties(canonicals: CanonicalField[]): Promise<void> {
		const attempt = async (names: string[], request: CrmRequest) => {
			try {
				// 409: it exists already (another run was quicker), which is what was wanted.
				await call({ ...request, accept: [409] });
				return true;
			} catch (error) {
				if (
					error instanceof CrmApiError &&
					(error.info.status === 401 || error.info.code === 'RATE_LIMIT_DAILY')
				)
					throw error;
				for (const name of names) notCreated.set(name, callError(error, true).message);
				return false;
			}
		};
		const names = canonicals.map((c) => fieldNames[c]!);
		if (
			!(await attempt(names, {
				method: 'POST',
				path: `${PROPERTIES}/groups`,
				body: { ...HUBSPOT_WHATSAPP_PROPERTY_GROUP, displayOrder: -1 },
			}))
		)
			return;
		for (const canonical of canonicals) {
			const name = fieldNames[canonical]!;
			await attempt([name], {
				method: 'POST',
				path: PROPERTIES,
				body: {
					name,
					groupName: HUBSPOT_WHATSAPP_PROPERTY_GROUP.name,
					...HUBSPOT_PROPERTY_DEFINITIONS[canonical],
				},
			});
		}
	}

	/** The properties as the check sees them, after creating the absent ones when asked to. */
	async function propertiesForCheck(): Promise<CrmField[]> {
		let properties = await contactProperties();
		if (opts.createMissingProperties) {
			const present = new Set(properties.map((p) => String(p.name)));
			const absent = CUSTOM_CANONICAL_FIELDS.filter(
				(c) => !explicitFields.has(c) && fieldNames[c] && !present.has(fieldNames[c]!),
			);
			if (absent.length > 0) {
				await createProperties(absent);
				// Read back what now exists, including properties another run created meanwhile.
				properties = await contactProperties();
			}
		}
		// Hidden properties too: hidden from forms and the field mapping, they still take values.
		return properties.map(toCrmField);
	}

	async function describeFields(): Promise<CrmField[]> {
		return (await contactProperties())
			.filter((p) => p.hidden !== true || phoneFields.includes(String(p.name)))
			.map(toCrmField);
	}

	// Reads need no check: HubSpot ignores properties a read names that the portal lacks. Writes
	// naming one are refused whole (VALIDATION_ERROR, PROPERTY_DOESNT_EXIST), hence the check.
	const fieldCheck = createFieldChecker({
		crm: 'hubspot',
		fieldNames,
		explicit: explicitFields,
		describe: propertiesForCheck,
		howToCreate: (canonical, field) =>
			`${notCreated.has(field) ? `it could not be created (${notCreated.get(field)}); ` : ''}an admin can add it in Settings › Properties › Contact properties as ${HUBSPOT_PROPERTY_TYPES[canonical]} with the internal name ${field}, or map another field`,
		// Tags are written `;`-joined; a multiple checkboxes property would refuse every tag not among its options.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string'],
			marketingConsent: ['string'],
		},
		isFatal,
	});

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		let survivor = survivorId;
		for (const id of [...new Set(absorbedIds)]) {
			if (id === survivor || id === survivorId) {
				merged.push({
					id,
					ok: false,
					error: {
						code: 'VALIDATION_ERROR',
						message: 'A contact cannot be merged into itself',
						retryable: false,
					},
				});
				continue;
			}
			try {
				const response = await call<HubSpotObject>({
					method: 'POST',
					path: `${CONTACTS}/merge`,
					body: { primaryObjectId: survivor, objectIdToMerge: id },
				});
				// HubSpot may give the merged record a new id: later merges go into that one.
				if (response.body?.id) survivor = String(response.body.id);
				merged.push({ id, ok: true });
			} catch (error) {
				if (isFatal(error)) throw error;
				merged.push({ id, ok: false, error: callError(error, true) });
			}
		}
		return { survivorId: survivor, merged };
	}

	return {
		crm: 'hubspot',
		batchSize: HUBSPOT_BATCH_SIZE,
		fieldNames,
		phoneFields,
		findByPhone,
		findByEmail,
		findByField,
		listContacts,
		upsertMany,
		logMessages,
		maxAttachmentBytes: HUBSPOT_ATTACHMENT_MAX_BYTES,
		attachFiles,
		describeFields,
		checkFields: () => fieldCheck.check(),
		merge,
	};
}

/**
 * The forms a number is likely stored in, for a search that compares strings: E.164, the
 * international digits, the national number with and without trunk prefix, grouped with spaces,
 * hyphens or dots, with the country code in front as "+852 ", "852-", "(852) " or "00852".
 * ("+852 9123 4567", "91234567", "(852) 9123-4567", "+1 (415) 555-0132", "0912 345 678".)
 */
export function phoneVariants(e164: string): string[] {
	const parsed = parsePhoneNumberFromString(e164);
	if (!parsed) return [e164];
	const cc = parsed.countryCallingCode;
	const nsn = String(parsed.nationalNumber);
	const national = parsed.formatNational();
	const groups = parsed
		.formatInternational()
		.replace(/^\+\d+\s*/, '')
		.split(/\D+/)
		.filter(Boolean);
	const spaced = groups.join(' ');
	const dashed = groups.join('-');
	return [
		...new Set([
			parsed.number,
			`${cc}${nsn}`,
			nsn,
			national.replace(/\D/g, ''),
			national,
			spaced,
			dashed,
			groups.join('.'),
			parsed.formatInternational(),
			`+${cc} ${dashed}`,
			`+${cc}-${dashed}`,
			`+${cc} ${nsn}`,
			`+${cc} ${national}`,
			`${cc} ${spaced}`,
			`${cc}-${dashed}`,
			`${cc} ${nsn}`,
			`(${cc}) ${dashed}`,
			`(${cc}) ${spaced}`,
			`(+${cc}) ${spaced}`,
			`00${cc}${nsn}`,
		]),
	];
}

/**
 * Values as HubSpot's spec types them, strings (SimplePublicObjectInput.properties,
 * HubSpot/HubSpot-public-api-spec-collection): numbers and booleans as their text, lists as
 * `a;b`, dates in ISO 8601; null clears.
 */
function hsProperties(properties: Record<string, unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(properties)) {
		if (value === undefined) continue;
		if (value === null) out[name] = '';
		else if (Array.isArray(value)) out[name] = value.map(String).join(';');
		else if (value instanceof Date) out[name] = value.toISOString();
		else if (typeof value === 'object') out[name] = JSON.stringify(value);
		else out[name] = String(value);
	}
	return out;
}

/** A key as HubSpot compares it: emails without case. */
function keyValue(property: string, value: string): string {
	return property === 'email' ? value.trim().toLowerCase() : value;
}

function toContact(record: HubSpotObject, phoneFields: string[]): CrmContact {
	const properties: Record<string, unknown> = { ...(record.properties ?? {}) };
	const phones: CrmContact['phones'] = [];
	for (const field of phoneFields) {
		const value = properties[field];
		if (typeof value === 'string' && value.trim() !== '') phones.push({ field, value });
	}
	return { id: String(record.id), properties, modifiedAt: modifiedAtOf(record) ?? 0, phones };
}

function modifiedAtOf(record: HubSpotObject): number | undefined {
	return toMillis(record.properties?.lastmodifieddate) ?? toMillis(record.updatedAt);
}

function toCrmField(property: Record<string, unknown>): CrmField {
	const type = String(property.type ?? '');
	const fieldType = String(property.fieldType ?? '');
	const options = Array.isArray(property.options)
		? (property.options as Array<{ label?: string; value?: string; hidden?: boolean }>)
		: [];
	const mapped: CrmField['type'] =
		type === 'number'
			? 'number'
			: type === 'bool' || fieldType === 'booleancheckbox'
				? 'boolean'
				: type === 'date' || type === 'datetime'
					? 'dateTime'
					: type === 'enumeration'
						? fieldType === 'checkbox'
							? 'array'
							: 'options'
						: 'string';
	const metadata = (property.modificationMetadata ?? {}) as { readOnlyValue?: boolean };
	const field: CrmField = {
		name: String(property.name),
		label: String(property.label ?? property.name),
		type: mapped,
		...(type === 'date' ? { dateOnly: true } : {}),
		// HubSpot requires no contact property through the API.
		required: false,
		readOnly: metadata.readOnlyValue === true || property.calculated === true,
		unique: property.hasUniqueValue === true,
		custom: property.hubspotDefined !== true,
	};
	const visible = options.filter((o) => !o.hidden);
	if ((mapped === 'options' || mapped === 'array') && visible.length > 0)
		field.options = visible.map((o) => ({
			name: String(o.label ?? o.value),
			value: String(o.value ?? o.label),
		}));
	return field;
}

/** A communication on the contact's timeline; the marker makes logging idempotent (see loggedMessages). */
function communication(log: MessageLog): object {
	const when = new Date(log.at).toISOString();
	const who = [log.customer?.name, log.customer?.e164].filter(Boolean).join(' ') || 'customer';
	const marker = `<p>WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${escapeHtml(who)} · ${when} [wamid:${escapeHtml(log.messageId)}]</p>`;
	const text = escapeHtml(log.body).replace(/\r?\n/g, '<br>');
	return {
		properties: {
			hs_communication_channel_type: 'WHATS_APP',
			hs_communication_logged_from: 'CRM',
			hs_communication_body: `<p>${text.slice(0, BODY_MAX - marker.length - 7)}</p>${marker}`,
			hs_timestamp: when,
		},
		associations: [
			{
				to: { id: log.contactId },
				types: [
					{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: COMMUNICATION_TO_CONTACT },
				],
			},
		],
	};
}

function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"]/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
	);
}

/** Errors that stop a whole run: other batches would meet them too. */
function isFatal(error: unknown): boolean {
	return (
		error instanceof CrmApiError &&
		(error.info.status === 401 ||
			error.info.status === 403 ||
			error.info.code === 'RATE_LIMIT_DAILY')
	);
}

function callError(error: unknown, write: boolean): CrmErrorInfo {
	if (error instanceof CrmApiError) return error.info;
	if (error instanceof TransportError) {
		return {
			code: error.code ?? 'NETWORK_ERROR',
			retryable: true,
			message: `No answer from HubSpot (${error.code ?? 'network error'})${write && error.sent ? '; the call may have been applied, so look before writing again' : ''}`,
		};
	}
	return { code: 'REQUEST_FAILED', message: (error as Error).message, retryable: true };
}

/** Splits items so that no key appears twice in one round (HubSpot refuses duplicate ids in a batch). */
function rounds<T>(items: T[], keyOf: (item: T) => string): T[][] {
	const out: Array<{ keys: Set<string>; items: T[] }> = [];
	for (const item of items) {
		const key = keyOf(item);
		let round = out.find((r) => !r.keys.has(key));
		if (!round) out.push((round = { keys: new Set(), items: [] }));
		round.keys.add(key);
		round.items.push(item);
	}
	return out.map((r) => r.items);
}

function toMillis(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return value;
	const text = String(value);
	const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
	return Number.isNaN(ms) ? undefined : ms;
}
