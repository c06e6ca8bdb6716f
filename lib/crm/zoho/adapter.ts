/**
 * Zoho CRM (REST API v8) behind the CrmAdapter interface.
 *
 * What Zoho documents and this adapter relies on:
 * - Auth is `Authorization: Zoho-oauthtoken …` (or `Bearer …`, as n8n's OAuth2 credentials send it),
 *   added by the transport; the adapter never sees it.
 * - Writes take at most 100 records a call: insert `POST /Contacts`, update `PUT /Contacts`, and
 *   upsert `POST /Contacts/upsert` with `duplicate_check_fields`. Answers are per record, with
 *   HTTP 200/201 when all succeed, 207 when some fail and 400 when all fail.
 * - Search `GET /Contacts/search` takes at most 10 criteria, pages 200 records up to 2,000, answers
 *   204 when nothing matches, and in v8 `equals` behaves like "contains".
 * - Limits: API credits in a rolling 24 h (by edition and licences) and a concurrency limit per
 *   org and app (Free 5, Standard 10, Professional 15, Enterprise 20, Ultimate 25; 10 for search
 *   and bulk writes whatever the edition). Both answer 429 TOO_MANY_REQUESTS.
 * - Merge `POST /Contacts/{master}/actions/merge` takes up to two child records and may answer
 *   SCHEDULED with a job id to poll.
 * - Attachments: `POST /Contacts/{id}/Attachments` takes one multipart `file` (20 MB at most, as
 *   the brief and Zoho's attachment pages state; v2's page says 100 MB, so 20 MB is the safe
 *   reading) and needs the scope ZohoCRM.modules.attachments.ALL; `GET` lists them (`fields`
 *   required, 200 a page, 204 when none).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import type { HttpResponse, HttpTransport } from '../../http/transport';
import { TransportError } from '../../http/transport';
import { normalizePhone } from '../../phone';
import { createFieldChecker, CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { both, chunks, CrmHttp, processWideLimiters, realClock } from '../http';
import { loggedPerContact, logOncePerMessage } from '../messageLog';
import type { Clock, CrmRequest, RateLimiter } from '../http';
import { multipartBody } from '../../http/multipart';
import { attachOneAtATime, mediaTag, taggedFileName } from '../media';
import { CrmApiError } from '../types';
import { storedNumberMatcher } from '../phoneMatch';
import { zohoScopesFor } from './scopes';
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

export type ZohoEdition = 'free' | 'standard' | 'professional' | 'enterprise' | 'ultimate';

/** Concurrent calls per org and app, by edition (Zoho's API limits page). */
export const ZOHO_CONCURRENCY: Record<ZohoEdition, number> = {
	free: 5,
	standard: 10,
	professional: 15,
	enterprise: 20,
	ultimate: 25,
};
/** Search and writes of more than 10 records share a sub-concurrency of 10 in every edition. */
export const ZOHO_SUB_CONCURRENCY = 10;
export const ZOHO_BATCH_SIZE = 100;
export const ZOHO_DEFAULT_PHONE_FIELDS = ['Phone', 'Mobile', 'Home_Phone', 'Other_Phone'];
/**
 * Custom fields on Contacts that hold what the package maintains. Tags are a `;`-separated
 * Multi-Line (Small) field rather than Zoho's record tags: those take a second call per batch
 * (actions/add_tags) and a tags scope, while a field travels in the same upsert. An org without
 * some of these fields keeps working without them (see checkFields).
 */
export const ZOHO_WHATSAPP_FIELD_NAMES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'WhatsApp_E164',
	whatsappUserId: 'WhatsApp_User_ID',
	lastInteractionAt: 'WhatsApp_Last_Interaction',
	interactionCount: 'WhatsApp_Interactions',
	marketingConsent: 'WhatsApp_Marketing_Consent',
	tags: 'WhatsApp_Tags',
};
const ZOHO_FIELD_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'Single Line field with "Do not allow duplicate values" ticked',
	whatsappUserId: 'Single Line field',
	lastInteractionAt: 'Date/Time field',
	interactionCount: 'Number field',
	marketingConsent: 'Single Line field',
	tags: 'Multi-Line (Small) field',
};
/** An ISO-8601 instant as JavaScript writes it; Zoho's DateTime fields take seconds and an offset only. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CRITERIA = 10;
const PAGE_SIZE = 200;
/** Search stops serving pages past 2,000 records. */
const SEARCH_MAX_PAGES = 10;
const NOTE_TITLE_MAX = 120;
const NOTE_CONTENT_MAX = 30_000;
const WAMID_MARKER = /\[wamid:([^\]\s]+)\]/g;
export const ZOHO_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
/** The message tag `taggedFileName` puts in an attachment's file name. */
const MEDIA_TAG = /\((wa-[0-9a-f]{16})\)/;

export interface ZohoAdapterOptions extends CrmAdapterOptions {
	/** Sets the concurrency limit kept proactively. Default 'standard'. */
	edition?: ZohoEdition;
	apiVersion?: 'v8';
	module?: 'Contacts';
	/** The phone-type fields searched and compared. Default Phone, Mobile, Home_Phone, Other_Phone. */
	phoneFields?: string[];
	/** Overrides of the default field mapping (e.g. `whatsappE164: 'WhatsApp_E164'`, a unique custom field). */
	fieldNames?: Partial<Record<CanonicalField, string>>;
	/** Further fields read with every contact. */
	fields?: string[];
	/**
	 * API credits this process may spend in any rolling 24 h. Credits are shared by every
	 * integration of the org, so Zoho's own total is not known here; when set, a call that would
	 * pass it fails at once with CREDITS_EXHAUSTED instead of meeting Zoho's 429.
	 */
	dailyCredits?: number;
	/** A limiter shared with other adapters of the same org; default one per base URL in this process. */
	limiter?: RateLimiter;
	/** Polling of a scheduled merge job. Default every 2 s, 15 times. */
	mergePollMs?: number;
	mergePolls?: number;
}

interface ZohoItem {
	code?: string;
	status?: string;
	message?: string;
	action?: 'insert' | 'update';
	duplicate_field?: string | null;
	details?: Record<string, unknown>;
}

interface ZohoPage {
	data?: Array<Record<string, unknown>>;
	info?: { more_records?: boolean };
}

// Credits belong to the org, not to one execution: adapters for the same Zoho account in this
// process share them.
const sharedLedgers = new Map<string, Array<{ at: number; cost: number }>>();

export function createZohoAdapter(opts: ZohoAdapterOptions): CrmAdapter {
	const clock: Clock = opts.clock ?? realClock;
	const version = opts.apiVersion ?? 'v8';
	const moduleName = opts.module ?? 'Contacts';
	const root = `/crm/${version}`;
	const edition = opts.edition ?? 'standard';
	const retries = opts.retries ?? 5;
	const phoneFields = opts.phoneFields ?? ZOHO_DEFAULT_PHONE_FIELDS;
	const fieldNames: Partial<Record<CanonicalField, string>> = {
		firstName: 'First_Name',
		lastName: 'Last_Name',
		email: 'Email',
		phone: 'Phone',
		mobilePhone: 'Mobile',
		leadSource: 'Lead_Source',
		...ZOHO_WHATSAPP_FIELD_NAMES,
		...(opts.fieldNames ?? {}),
	};
	// Default custom fields are read only once describe has shown they exist.
	const unverified = new Set<string>(
		CUSTOM_CANONICAL_FIELDS.filter((c) => !(c in (opts.fieldNames ?? {}))),
	);
	const readFields = [
		...new Set([
			'Modified_Time',
			...phoneFields,
			...Object.entries(fieldNames).flatMap(([c, name]) => (unverified.has(c) ? [] : [name])),
			...(opts.fields ?? []),
		]),
	].filter(Boolean) as string[];

	const account = `${opts.baseUrl.replace(/\/+$/, '')}|${opts.accountKey ?? ''}`;
	const limiters = opts.limiters ?? processWideLimiters(opts.clock);
	// Only the concurrency matters here; credits are counted separately.
	const concurrency = (name: string, concurrent: number) =>
		limiters(`zoho|${account}|${name}`, {
			max: Number.MAX_SAFE_INTEGER,
			windowMs: 1,
			concurrency: concurrent,
		});
	const mainLimiter = opts.limiter ?? concurrency(edition, ZOHO_CONCURRENCY[edition]);
	const heavyLimiter = both(mainLimiter, concurrency('sub', ZOHO_SUB_CONCURRENCY));
	const ledger = opts.dailyCredits === undefined ? undefined : sharedLedger(account);

	const transport: HttpTransport = async (request) => {
		if (ledger) spendCredit(ledger, opts.dailyCredits!, clock.now());
		return opts.transport(request);
	};
	const http = new CrmHttp({
		crm: 'zoho',
		transport,
		baseUrl: opts.baseUrl,
		timeoutMs: opts.timeoutMs,
		retries,
		clock,
		describeError: describeZohoError,
	});

	async function call<T>(req: CrmRequest & { heavy?: boolean }): Promise<HttpResponse<T>> {
		const { heavy, ...rest } = req;
		for (let attempt = 0; ; attempt++) {
			try {
				return await http.request<T>({ ...rest, limiter: heavy ? heavyLimiter : mainLimiter });
			} catch (error) {
				// A read that timed out is safe to repeat; a write is not (CrmHttp already refuses).
				if (
					rest.method === 'GET' &&
					error instanceof TransportError &&
					error.sent &&
					attempt < retries
				) {
					await clock.sleep(500 * 2 ** attempt);
					continue;
				}
				throw error;
			}
		}
	}

	/** Every page of a search (at most 2,000 records, Zoho's ceiling). */
	async function search(qs: Record<string, string>, fields = readFields): Promise<CrmContact[]> {
		const contacts: CrmContact[] = [];
		for (let page = 1; page <= SEARCH_MAX_PAGES; page++) {
			const response = await call<ZohoPage>({
				method: 'GET',
				path: `${root}/${moduleName}/search`,
				qs: { ...qs, fields: fields.join(','), per_page: PAGE_SIZE, page },
				heavy: true,
			});
			// 204 No Content: nothing matched (axios hands over an empty string).
			const body = response.status === 204 ? undefined : response.body;
			for (const record of body?.data ?? []) contacts.push(toContact(record, phoneFields));
			if (!body?.info?.more_records) break;
		}
		return contacts;
	}

	/** OR-ed criteria in calls of at most 10 conditions. */
	async function searchAny(conditions: string[], fields = readFields): Promise<CrmContact[]> {
		const found = new Map<string, CrmContact>();
		for (const group of chunks(conditions, MAX_CRITERIA)) {
			const criteria = group.length === 1 ? group[0] : `(${group.join('or')})`;
			for (const contact of await search({ criteria }, fields)) found.set(contact.id, contact);
		}
		return [...found.values()];
	}

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		const out = new Map<string, CrmContact[]>();
		await Promise.all(
			[...new Set(e164s)].map(async (asked) => {
				const target = normalizePhone(asked);
				if (!target.ok) {
					out.set(asked, []);
					return;
				}
				const conditions = phoneVariants(target.e164).flatMap((variant) =>
					phoneFields.map((field) => `(${field}:equals:${escapeCriteria(variant)})`),
				);
				const candidates = await searchAny(conditions);
				// "equals" is "contains" in v8 and numbers are stored as typed: only a normalised match
				// counts, a national number read as HubSpot's adapter reads it.
				out.set(
					asked,
					candidates.filter((contact) =>
						contact.phones.some((phone) => holdsNumber(target, phone.value)),
					),
				);
			}),
		);
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const field = fieldNames.email ?? 'Email';
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		const out = new Map<string, CrmContact[]>(wanted.map((e) => [e, []]));
		const candidates = await searchAny(
			wanted.map((email) => `(${field}:equals:${escapeCriteria(email)})`),
		);
		for (const contact of candidates) {
			const value = String(contact.properties[field] ?? '')
				.trim()
				.toLowerCase();
			out.get(value)?.push(contact);
		}
		return out;
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const out = new Map<string, CrmContact[]>(wanted.map((v) => [v, []]));
		const fields = readFields.includes(field) ? readFields : [...readFields, field];
		const candidates = await searchAny(
			wanted.map((value) => `(${field}:equals:${escapeCriteria(value)})`),
			fields,
		);
		// "equals" is "contains" in v8: keep exact matches only.
		for (const contact of candidates)
			out.get(String(contact.properties[field] ?? ''))?.push(contact);
		return out;
	}

	/** One write call; per-record results in the order sent, or one error for all of them. */
	async function writeBatch(
		method: 'POST' | 'PUT',
		path: string,
		records: Array<Record<string, unknown>>,
		extra: Record<string, unknown>,
		createdOf: (item: ZohoItem) => boolean,
	): Promise<
		Array<
			| { ok: true; id: string; created: boolean; modifiedAt?: number }
			| { ok: false; error: CrmErrorInfo }
		>
	> {
		const response = await call<{ data?: ZohoItem[] }>({
			method,
			path,
			body: { data: records, ...extra },
			// All records failing is a 400 that still carries one answer per record.
			accept: [400],
			heavy: records.length > 10,
		});
		const items = response.body?.data;
		if (!Array.isArray(items) || items.length !== records.length) {
			throw new CrmApiError('zoho', describeZohoError(response as HttpResponse));
		}
		return items.map((item) =>
			item.code === 'SUCCESS'
				? {
						ok: true as const,
						id: String(item.details?.id),
						created: createdOf(item),
						modifiedAt: toMillis(item.details?.Modified_Time),
					}
				: { ok: false as const, error: itemError(item) },
		);
	}

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		await fieldCheck.check();
		const results: WriteResult[] = new Array(writes.length);
		const groups = new Map<string, number[]>();
		writes.forEach((write, index) => {
			const group = write.id ? 'update' : write.key ? `upsert:${write.key.field}` : 'insert';
			groups.set(group, [...(groups.get(group) ?? []), index]);
		});
		const jobs: Array<Promise<void>> = [];
		for (const [group, indexes] of groups) {
			for (const batch of chunks(indexes, ZOHO_BATCH_SIZE)) {
				const records = batch.map((i) => {
					const write = writes[i];
					const properties = zohoValues(write.properties);
					if (write.id) return { ...properties, id: write.id };
					if (write.key) return { ...properties, [write.key.field]: write.key.value };
					return properties;
				});
				const path = `${root}/${moduleName}${group.startsWith('upsert') ? '/upsert' : ''}`;
				const job =
					group === 'update'
						? writeBatch('PUT', path, records, {}, () => false)
						: group === 'insert'
							? writeBatch('POST', path, records, {}, () => true)
							: writeBatch(
									'POST',
									path,
									records,
									{ duplicate_check_fields: [group.slice('upsert:'.length)] },
									(item) => item.action === 'insert',
								);
				jobs.push(
					job.then(
						(items) =>
							items.forEach(
								(item, k) =>
									(results[batch[k]] = { ref: writes[batch[k]].ref, ...item } as WriteResult),
							),
						(error) => {
							if (isFatal(error)) throw error;
							const info = batchError(error, true);
							for (const i of batch) results[i] = { ref: writes[i].ref, ok: false, error: info };
						},
					),
				);
			}
		}
		await Promise.all(jobs);
		return results;
	}

	/** The wamids already noted on a contact, read from its Notes related list (not the search index, which lags). */
	async function notedMessages(contactId: string): Promise<Map<string, string>> {
		const noted = new Map<string, string>();
		for (let page = 1; ; page++) {
			const response = await call<ZohoPage>({
				method: 'GET',
				path: `${root}/${moduleName}/${encodeURIComponent(contactId)}/Notes`,
				qs: { fields: 'Note_Title,Note_Content', per_page: PAGE_SIZE, page },
			});
			const body = response.status === 204 ? undefined : response.body;
			for (const note of body?.data ?? []) {
				for (const match of String(note.Note_Content ?? '').matchAll(WAMID_MARKER))
					noted.set(match[1], String(note.id));
			}
			if (!body?.info?.more_records) return noted;
		}
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const steps = { isFatal, errorOf: batchError };
		return logOncePerMessage(logs, {
			...steps,
			existing: await loggedPerContact(logs, notedMessages, steps),
			batchSize: ZOHO_BATCH_SIZE,
			write: (batch) =>
				writeBatch(
					'POST',
					`${root}/Notes`,
					batch.map((log) => noteRecord(log, moduleName)),
					{},
					() => true,
				),
		});
	}

	/**
	 * The media already attached to a contact, by the message tag in their file names (the
	 * Attachments related list, consistent at once). Zoho refuses the list for a record that does
	 * not exist, so an unknown contact fails here, before any upload.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, string>> {
		const attached = new Map<string, string>();
		for (let page = 1; ; page++) {
			let response: HttpResponse<ZohoPage>;
			try {
				response = await call<ZohoPage>({
					method: 'GET',
					path: `${root}/${moduleName}/${encodeURIComponent(contactId)}/Attachments`,
					qs: { fields: 'id,File_Name,Size', per_page: PAGE_SIZE, page },
				});
			} catch (error) {
				if (
					error instanceof CrmApiError &&
					(error.info.code === 'INVALID_DATA' || error.info.status === 404)
				) {
					throw new CrmApiError('zoho', {
						code: 'CONTACT_NOT_FOUND',
						status: error.info.status,
						retryable: false,
						message: `Zoho CRM has no contact ${contactId} (wrong ID, or deleted): nothing was attached`,
					});
				}
				throw error;
			}
			const body = response.status === 204 ? undefined : response.body;
			for (const attachment of body?.data ?? []) {
				const tag = MEDIA_TAG.exec(String(attachment.File_Name ?? ''))?.[1];
				if (tag) attached.set(tag, String(attachment.id));
			}
			if (!body?.info?.more_records) return attached;
		}
	}

	async function upload(file: FileAttachment): Promise<string> {
		const form = multipartBody([
			{
				name: 'file',
				data: file.data,
				fileName: taggedFileName(file.fileName, file.messageId),
				contentType: file.mimeType,
			},
		]);
		const response = await call<{ data?: ZohoItem[] }>({
			method: 'POST',
			path: `${root}/${moduleName}/${encodeURIComponent(file.contactId)}/Attachments`,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		const item = response.body?.data?.[0];
		if (item?.code !== 'SUCCESS')
			throw new CrmApiError(
				'zoho',
				item
					? itemError(item)
					: {
							code: 'UNEXPECTED_RESPONSE',
							retryable: false,
							message: 'Zoho CRM answered the upload without a result',
						},
			);
		return String(item.details?.id);
	}

	/** One file at a time (see attachOneAtATime): they share the org's concurrency with everything else. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: async (contactId) =>
				new Map([...(await attachedMedia(contactId))].map(([tag, id]) => [tag, { id }])),
			upload: async (file) => ({ id: await upload(file) }),
			keyOf: (file) => mediaTag(file.messageId),
			isFatal,
			errorOf: batchError,
		});
	}

	/** One page of every contact, oldest first; Zoho pages by `page_token` past the first 2,000 records. */
	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		await fieldCheck.check();
		const fields = [...new Set([...readFields, ...(listOpts.properties ?? [])])];
		const qs: Record<string, string | number> = {
			fields: fields.join(','),
			per_page: Math.min(PAGE_SIZE, Math.max(1, listOpts.limit ?? PAGE_SIZE)),
			sort_by: 'Created_Time',
			sort_order: 'asc',
		};
		if (listOpts.after) qs.page_token = listOpts.after;
		const response = await call<ZohoPage & { info?: { next_page_token?: string | null } }>({
			method: 'GET',
			path: `${root}/${moduleName}`,
			qs,
		});
		const body = response.status === 204 ? undefined : response.body;
		const contacts = (body?.data ?? []).map((record) => toContact(record, phoneFields));
		const next = body?.info?.more_records ? (body.info.next_page_token ?? undefined) : undefined;
		return next ? { contacts, after: next } : { contacts };
	}

	async function describeFields(): Promise<CrmField[]> {
		const response = await call<{ fields?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: `${root}/settings/fields`,
			qs: { module: moduleName },
		});
		return (response.body?.fields ?? []).map(toCrmField);
	}

	const fieldCheck = createFieldChecker({
		crm: 'zoho',
		fieldNames,
		explicit: Object.keys(opts.fieldNames ?? {}),
		describe: describeFields,
		howToCreate: (canonical, field) =>
			`an admin can add it in Setup › Modules and Fields › Contacts as a ${ZOHO_FIELD_TYPES[canonical]} whose API name is ${field}, or map another field`,
		// Tags are written as `;`-joined text: a multi-select picklist would refuse it.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string'],
			marketingConsent: ['string'],
		},
		isFatal,
		onFound: (found) => readFields.push(...found.filter((name) => !readFields.includes(name))),
	});

	/** Values as Zoho's field types take them: DateTime without milliseconds, with an offset. */
	function zohoValues(properties: Record<string, unknown>): Record<string, unknown> {
		const described = fieldCheck.described();
		const out: Record<string, unknown> = { ...properties };
		for (const [name, value] of Object.entries(out)) {
			if (
				typeof value === 'string' &&
				ISO_INSTANT.test(value) &&
				described?.get(name)?.type === 'dateTime'
			)
				out[name] = `${value.slice(0, 19)}+00:00`;
		}
		return out;
	}

	async function mergeGroup(survivorId: string, ids: string[]): Promise<MergeResult['merged']> {
		const path = `${root}/${moduleName}/${encodeURIComponent(survivorId)}/actions/merge`;
		const fail = (error: CrmErrorInfo) => ids.map((id) => ({ id, ok: false as const, error }));
		let response: HttpResponse<{ merge?: ZohoItem[] } & ZohoItem>;
		try {
			response = await call({
				method: 'POST',
				path,
				body: { merge: [{ data: ids.map((id) => ({ id })) }] },
				accept: [400],
			});
		} catch (error) {
			if (isFatal(error)) throw error;
			return fail(batchError(error, true));
		}
		const item: ZohoItem = response.body?.merge?.[0] ?? response.body ?? {};
		if (item.code === 'SUCCESS') return ids.map((id) => ({ id, ok: true as const }));
		if (item.code !== 'SCHEDULED') return fail(itemError(item));
		const jobId = String(item.details?.job_id ?? '');
		const polls = opts.mergePolls ?? 15;
		for (let poll = 0; poll < polls; poll++) {
			await clock.sleep(opts.mergePollMs ?? 2000);
			const status = await call<{ merge?: Array<{ job_id?: string; status?: string }> }>({
				method: 'GET',
				path,
				qs: { job_id: jobId },
			});
			const state =
				status.body?.merge?.find((m) => String(m.job_id) === jobId)?.status ??
				status.body?.merge?.[0]?.status;
			if (state === 'COMPLETED') return ids.map((id) => ({ id, ok: true as const }));
			if (state === 'FAILURE')
				return fail({
					code: 'MERGE_FAILED',
					message: `Zoho CRM's merge job ${jobId} failed; merge these contacts in Zoho CRM to see why`,
					retryable: false,
				});
		}
		return fail({
			code: 'MERGE_PENDING',
			message: `Zoho CRM scheduled the merge as job ${jobId} and it had not finished after ${polls} checks; look again later before merging these contacts again`,
			retryable: true,
		});
	}

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		const others = [...new Set(absorbedIds)].filter((id) => {
			if (id !== survivorId) return true;
			merged.push({
				id,
				ok: false,
				error: {
					code: 'INVALID_DATA',
					message: 'A contact cannot be merged into itself',
					retryable: false,
				},
			});
			return false;
		});
		// Zoho merges a master with at most two children per call; groups run one after another on the same master.
		for (const group of chunks(others, 2)) merged.push(...(await mergeGroup(survivorId, group)));
		return { survivorId, merged };
	}

	return {
		crm: 'zoho',
		batchSize: ZOHO_BATCH_SIZE,
		fieldNames,
		phoneFields,
		findByPhone,
		findByEmail,
		findByField,
		listContacts,
		upsertMany,
		logMessages,
		maxAttachmentBytes: ZOHO_ATTACHMENT_MAX_BYTES,
		attachFiles,
		describeFields,
		checkFields: () => fieldCheck.check(),
		merge,
	};
}

/**
 * The forms a number is likely stored in, for a search that matches text: E.164, the
 * international format, the national significant number and the national format, with spaces
 * or hyphens. ("+852 9123 4567", "91234567", "9123-4567" inside "(852) 9123-4567".)
 */
export function phoneVariants(e164: string): string[] {
	const parsed = parsePhoneNumberFromString(e164);
	if (!parsed) return [e164];
	const national = parsed.formatNational();
	const groups = parsed
		.formatInternational()
		.replace(/^\+\d+\s*/, '')
		.split(/\D+/)
		.filter(Boolean);
	return [
		...new Set([
			parsed.number,
			parsed.formatInternational(),
			String(parsed.nationalNumber),
			national,
			groups.join('-'),
			groups.join(' '),
		]),
	];
}

/** Zoho wants parentheses, commas and backslashes in a criteria value escaped with a backslash. */
export function escapeCriteria(value: string): string {
	return value.replace(/[\\(),]/g, (c) => `\\${c}`);
}

/** Zoho's error body (`{code, details, message, status}`, or `{data: [that]}`) as something a user can act on. */
export function describeZohoError(
	response: HttpResponse,
	request?: { method: string; path: string },
): CrmErrorInfo {
	const body = (
		response.body && typeof response.body === 'object' ? response.body : {}
	) as ZohoItem & { data?: ZohoItem[]; merge?: ZohoItem[] };
	const item: ZohoItem = body.code ? body : (body.data?.[0] ?? body.merge?.[0] ?? {});
	const code = item.code ?? `HTTP_${response.status}`;
	if (code === 'OAUTH_SCOPE_MISMATCH') {
		// Zoho names no scope; the endpoint says which it needs.
		const needed = zohoScopesFor(request?.path ?? '');
		const [missing, ...with_] = needed.scopes;
		return {
			code: 'MISSING_SCOPES',
			status: response.status,
			retryable: false,
			message: `Zoho CRM refused ${needed.call} (OAUTH_SCOPE_MISMATCH): the credential's token was granted without the scope ${missing}${with_.length ? `, which this call needs besides ${with_.join(' and ')}` : ''}. The credential asks for it now: reconnect the Zoho CRM credential (open it and sign in to Zoho again) and Zoho grants it; a token granted before keeps its old scopes.`,
		};
	}
	if (response.status === 401) {
		return {
			code,
			status: 401,
			retryable: false,
			message: `Zoho CRM rejected the access token (${code}): it was revoked, belongs to another data centre, or expired and could not be refreshed. Reconnect the credential.`,
		};
	}
	if (response.status === 429 || code === 'TOO_MANY_REQUESTS') {
		return {
			code: 'TOO_MANY_REQUESTS',
			status: response.status,
			retryable: true,
			message: `Zoho CRM's API limit was reached: too many concurrent calls for the edition, or the org's API credits for the rolling 24 hours are used up${item.message ? ` (${item.message})` : ''}`,
		};
	}
	const info = itemError(item);
	return {
		...info,
		code,
		status: response.status,
		retryable: response.status >= 500 || info.retryable,
	};
}

/** One record's error, e.g. `{code: 'DUPLICATE_DATA', details: {api_name: 'Email', duplicate_record: {id}}}`. */
function itemError(item: ZohoItem): CrmErrorInfo {
	const code = item.code ?? 'UNKNOWN';
	const details = item.details ?? {};
	const field = typeof details.api_name === 'string' ? details.api_name : undefined;
	const fields = field ? [field] : undefined;
	switch (code) {
		case 'DUPLICATE_DATA': {
			const other = (details.duplicate_record as { id?: string } | undefined)?.id ?? details.id;
			const more = details.more_records ? ' (and more)' : '';
			return {
				code,
				fields,
				retryable: false,
				message: `Another contact${other ? ` (${String(other)})` : ''}${more} already has this ${field ?? 'value'}, which must be unique: match on it or merge the contacts`,
			};
		}
		case 'MANDATORY_NOT_FOUND':
			return {
				code,
				fields,
				retryable: false,
				message: `Zoho CRM requires ${field ?? 'a field'} that was not given${field === 'Last_Name' ? ' (map a name, or a default last name)' : ''}`,
			};
		case 'INVALID_DATA': {
			const why = details.expected_data_type
				? `expected ${String(details.expected_data_type)}`
				: details.maximum_length
					? `longer than ${String(details.maximum_length)} characters`
					: (item.message ?? 'invalid data');
			return {
				code,
				fields,
				retryable: false,
				message: `Zoho CRM refused ${field ? `field ${field}` : 'the record'}: ${why}${item.message && !why.includes(item.message) ? ` (${item.message})` : ''}`,
			};
		}
		case 'MULTIPLE_OR_MULTI_ERRORS': {
			const errors = ((details.errors as ZohoItem[] | undefined) ?? []).map(itemError);
			return {
				code,
				retryable: false,
				fields: errors.flatMap((e) => e.fields ?? []),
				message: errors.map((e) => e.message).join('; ') || (item.message ?? 'several errors'),
			};
		}
		default:
			return {
				code,
				fields,
				retryable: code === 'INTERNAL_ERROR',
				message: `Zoho CRM: ${item.message ?? code}${field ? ` (${field})` : ''}`,
			};
	}
}

function toContact(record: Record<string, unknown>, phoneFields: string[]): CrmContact {
	const phones: CrmContact['phones'] = [];
	for (const field of phoneFields) {
		const value = record[field];
		if (typeof value === 'string' && value.trim() !== '') phones.push({ field, value });
	}
	return {
		id: String(record.id),
		properties: record,
		modifiedAt: toMillis(record.Modified_Time) ?? 0,
		phones,
	};
}

function toCrmField(field: Record<string, unknown>): CrmField {
	const dataType = String(field.data_type ?? '');
	const picklist = Array.isArray(field.pick_list_values)
		? (field.pick_list_values as Array<{ display_value?: string; actual_value?: string }>)
		: [];
	const type: CrmField['type'] = [
		'integer',
		'double',
		'currency',
		'bigint',
		'decimal',
		'percent',
	].includes(dataType)
		? 'number'
		: dataType === 'boolean'
			? 'boolean'
			: dataType === 'date' || dataType === 'datetime'
				? 'dateTime'
				: dataType === 'picklist'
					? 'options'
					: dataType === 'multiselectpicklist'
						? 'array'
						: 'string';
	const out: CrmField = {
		name: String(field.api_name),
		label: String(field.field_label ?? field.display_label ?? field.api_name),
		type,
		required: field.system_mandatory === true,
		readOnly: field.read_only === true || field.field_read_only === true,
		// `unique` is an object ({casesensitive}) when the field refuses duplicates, absent or null otherwise.
		unique: field.unique !== undefined && field.unique !== null && field.unique !== false,
		custom: field.custom_field === true,
	};
	if (picklist.length > 0)
		out.options = picklist.map((p) => ({
			name: String(p.display_value ?? p.actual_value),
			value: String(p.actual_value ?? p.display_value),
		}));
	return out;
}

function noteRecord(log: MessageLog, moduleName: string): Record<string, unknown> {
	const when = new Date(log.at).toISOString();
	const who = log.customer?.name || log.customer?.e164 || 'customer';
	const title = `WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${who} · ${when.slice(0, 16).replace('T', ' ')} UTC`;
	// The marker is what makes logging idempotent: notedMessages() finds it before anything is created.
	const marker = `\n\n— WhatsApp ${log.direction} message, ${when} [wamid:${log.messageId}]`;
	return {
		Note_Title: title.length > NOTE_TITLE_MAX ? `${title.slice(0, NOTE_TITLE_MAX - 1)}…` : title,
		Note_Content: `${log.body.slice(0, NOTE_CONTENT_MAX - marker.length)}${marker}`,
		Parent_Id: { module: { api_name: moduleName }, id: log.contactId },
	};
}

/** Errors that stop a whole run: retrying other batches cannot help. */
function isFatal(error: unknown): boolean {
	return (
		error instanceof CrmApiError &&
		(error.info.status === 401 || error.info.code === 'CREDITS_EXHAUSTED')
	);
}

function batchError(error: unknown, write: boolean): CrmErrorInfo {
	if (error instanceof CrmApiError) return error.info;
	if (error instanceof TransportError) {
		return {
			code: error.code ?? 'NETWORK_ERROR',
			retryable: true,
			message: `No answer from Zoho CRM (${error.code ?? 'network error'})${write && error.sent ? '; the call may have been applied, so look before writing again' : ''}`,
		};
	}
	return { code: 'REQUEST_FAILED', message: (error as Error).message, retryable: true };
}

function spendCredit(
	ledger: Array<{ at: number; cost: number }>,
	limit: number,
	now: number,
): void {
	while (ledger.length > 0 && ledger[0].at <= now - DAY_MS) ledger.shift();
	const spent = ledger.reduce((sum, entry) => sum + entry.cost, 0);
	if (spent + 1 > limit) {
		const freeAt = new Date(ledger[0].at + DAY_MS).toISOString();
		throw new CrmApiError('zoho', {
			code: 'CREDITS_EXHAUSTED',
			retryable: false,
			message: `The ${limit} Zoho CRM API credits allowed per rolling 24 hours (dailyCredits) are spent; the next frees up at ${freeAt}`,
		});
	}
	ledger.push({ at: now, cost: 1 });
}

function sharedLedger(key: string): Array<{ at: number; cost: number }> {
	let ledger = sharedLedgers.get(key);
	if (!ledger) sharedLedgers.set(key, (ledger = []));
	return ledger;
}

function toMillis(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}
