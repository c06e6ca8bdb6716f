/**
 * Salesforce (REST API) behind the CrmAdapter interface.
 *
 * What Salesforce documents and this adapter relies on:
 * - The transport adds `Authorization: Bearer …` (OAuth2; the base URL is the token's
 *   instance_url). 401 INVALID_SESSION_ID means the token expired: n8n refreshes OAuth2 on 401.
 * - Phones: SOSL `FIND {…} IN PHONE FIELDS` searches every phone field whatever its punctuation;
 *   candidates are still compared after normalising. The search index lags behind writes, so
 *   numbers in an external id field (exact and immediately consistent) are also read by SOQL.
 * - sObject Collections: create `POST /composite/sobjects`, update `PATCH /composite/sobjects`,
 *   upsert `PATCH /composite/sobjects/Contact/<ExtId__c>`, at most 200 records, `allOrNone:false`,
 *   one `{id, success, created, errors}` per record. A single upsert by external id answers
 *   300 Multiple Choices with the matching records when the value is not unique.
 * - The org's API allocation is counted over 24 h and reported on every answer in
 *   `Sforce-Limit-Info: api-usage=N/M`; past it every call gets 403 REQUEST_LIMIT_EXCEEDED.
 * - REST has no merge: Contacts merge through SOAP `merge()` or Apex `Database.merge` (up to three
 *   records). See `merge` below.
 * - Files: `POST /sobjects/ContentVersion` as multipart (`entity_content` JSON, then the bytes as
 *   `VersionData`) takes up to 2 GB (JSON with base64 only 37.5 MB); `FirstPublishLocationId` links
 *   the new file to the Contact. Salesforce has no unique key on ContentVersion, so the wamid is a
 *   marker in its Description, read back by SOQL on FirstPublishLocationId before uploading.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import type { HttpResponse, HttpTransport } from '../../http/transport';
import { TransportError } from '../../http/transport';
import { normalizePhone } from '../../phone';
import { storedNumberMatcher } from '../phoneMatch';
import { createFieldChecker, CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { chunks, CrmHttp, realClock } from '../http';
import { logOncePerMessage } from '../messageLog';
import type { Clock, CrmRequest, RateLimiter } from '../http';
import { multipartBody } from '../../http/multipart';
import { attachOneAtATime, taggedFileName } from '../media';
import { CrmApiError } from '../types';
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

export const SALESFORCE_BATCH_SIZE = 200;
export const SALESFORCE_DEFAULT_PHONE_FIELDS = ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'];
/**
 * Custom Contact fields that hold what the package maintains. Tags are a `;`-separated Long Text
 * Area: a multi-select picklist (also `;`-separated) would refuse every tag nobody added to its
 * values first, and the intent tagger's tags are open-ended. An org without some of these fields
 * keeps working without them (see checkFields).
 */
export const SALESFORCE_WHATSAPP_FIELD_NAMES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'WhatsApp_E164__c',
	whatsappUserId: 'WhatsApp_User_ID__c',
	lastInteractionAt: 'WhatsApp_Last_Interaction__c',
	interactionCount: 'WhatsApp_Interactions__c',
	marketingConsent: 'WhatsApp_Marketing_Consent__c',
	tags: 'WhatsApp_Tags__c',
};
const SALESFORCE_FIELD_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'Text(20) marked External ID and Unique',
	whatsappUserId: 'Text(64)',
	lastInteractionAt: 'Date/Time',
	interactionCount: 'Number(18, 0)',
	marketingConsent: 'Text(16)',
	tags: 'Long Text Area(32768)',
};
/** Numbers per SOSL search: each adds up to three terms to the FIND clause. */
const NUMBERS_PER_SEARCH = 20;
const VALUES_PER_QUERY = 100;
/** Task lookups put one LIKE per message in the query, which travels in the URL (about 16 KB at most). */
const LOGS_PER_QUERY = 40;
const SUBJECT_MAX = 255;
const DESCRIPTION_MAX = 32_000;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** ContentVersion through sObject Basic Information as multipart (Salesforce's REST guide, "Insert or Update Blob Data"). */
export const SALESFORCE_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const CONTENT_DESCRIPTION_MAX = 1000;
const CONTENT_TITLE_MAX = 255;

export interface SalesforceAdapterOptions extends CrmAdapterOptions {
	/** Default 'v62.0'. */
	apiVersion?: string;
	/**
	 * A Contact field marked External ID and Unique holding the E.164 number (e.g.
	 * `WhatsApp_E164__c`): keyed writes become true upserts on it and lookups read it exactly.
	 */
	externalIdField?: string;
	/** Default Phone, MobilePhone, HomePhone, OtherPhone. */
	phoneFields?: string[];
	fieldNames?: Partial<Record<CanonicalField, string>>;
	/** Further Contact fields read with every contact. */
	fields?: string[];
	/**
	 * API requests of the daily allocation left for everything else: past `max - apiReserve`
	 * (from `Sforce-Limit-Info`) calls fail at once with API_LIMIT_RESERVE. Default 5% of the allocation.
	 */
	apiReserve?: number;
	/**
	 * A Task field marked External ID and Unique (e.g. `WhatsApp_Message_Id__c`): messages are then
	 * upserted on it, which cannot race. Without it the wamid is a marker in the Subject, looked up
	 * by SOQL before creating.
	 */
	taskExternalIdField?: string;
	/** Task Status of logged messages. Default 'Completed'. */
	taskStatus?: string;
	/**
	 * The path of an Apex REST resource that merges Contacts with `Database.merge` (e.g.
	 * `/services/apexrest/scrm/merge`): POST `{survivorId, absorbedIds}` → `{results: [{id,
	 * success, errors: [{statusCode, message}]}]}`. Without it `merge` reports that REST cannot merge.
	 */
	mergeApexPath?: string;
	limiter?: RateLimiter;
}

interface SfError {
	statusCode?: string;
	errorCode?: string;
	message?: string;
	fields?: string[];
}

interface SfSaveResult {
	id?: string | null;
	success?: boolean;
	created?: boolean;
	errors?: SfError[];
}

interface SfQueryPage {
	records?: Array<Record<string, unknown>>;
	done?: boolean;
	nextRecordsUrl?: string;
}

type ItemOutcome = { ok: true; id: string; created: boolean } | { ok: false; error: CrmErrorInfo };

// The allocation belongs to the org: adapters for the same instance in this process share what they saw.
const usageByInstance = new Map<string, { used: number; max: number }>();

export function createSalesforceAdapter(opts: SalesforceAdapterOptions): CrmAdapter {
	const clock: Clock = opts.clock ?? realClock;
	const version = opts.apiVersion ?? 'v62.0';
	const data = `/services/data/${version}`;
	const retries = opts.retries ?? 5;
	const phoneFields = opts.phoneFields ?? SALESFORCE_DEFAULT_PHONE_FIELDS;
	const extId = opts.externalIdField;
	for (const name of [extId, opts.taskExternalIdField, ...phoneFields, ...(opts.fields ?? [])]) {
		if (name !== undefined && !IDENTIFIER.test(name))
			throw new Error(`"${name}" is not a Salesforce field API name`);
	}
	const fieldNames: Partial<Record<CanonicalField, string>> = {
		firstName: 'FirstName',
		lastName: 'LastName',
		email: 'Email',
		phone: 'Phone',
		mobilePhone: 'MobilePhone',
		leadSource: 'LeadSource',
		...SALESFORCE_WHATSAPP_FIELD_NAMES,
		...(extId ? { whatsappE164: extId } : {}),
		...(opts.fieldNames ?? {}),
	};
	// Default custom fields are read only once describe has shown they exist: SOQL refuses unknown columns.
	const named = new Set([
		...Object.keys(opts.fieldNames ?? {}),
		...(extId ? ['whatsappE164'] : []),
	]);
	const unverified = new Set<string>(CUSTOM_CANONICAL_FIELDS.filter((c) => !named.has(c)));
	const readFields = [
		...new Set([
			'Id',
			'LastModifiedDate',
			...phoneFields,
			...Object.entries(fieldNames).flatMap(([c, name]) => (unverified.has(c) ? [] : [name])),
			...(opts.fields ?? []),
		]),
	].filter(Boolean) as string[];
	const instance = opts.baseUrl.replace(/\/+$/, '');

	const transport: HttpTransport = async (request) => {
		const usage = usageByInstance.get(instance);
		if (usage && usage.max > 0) {
			const reserve = opts.apiReserve ?? Math.ceil(usage.max * 0.05);
			if (usage.used + 1 > usage.max - reserve) {
				throw new CrmApiError('salesforce', {
					code: 'API_LIMIT_RESERVE',
					retryable: false,
					message: `Salesforce API usage is ${usage.used} of the org's ${usage.max} requests per 24 hours; the last ${reserve} are kept for other integrations (apiReserve), so this call was not sent. Try again when usage drops, or raise the allocation.`,
				});
			}
			// Counted before the answer so that concurrent calls see each other.
			usage.used++;
		}
		const response = await opts.transport(request);
		const info = header(response, 'sforce-limit-info');
		const match = info && /api-usage=(\d+)\/(\d+)/.exec(info);
		if (match) usageByInstance.set(instance, { used: Number(match[1]), max: Number(match[2]) });
		return response;
	};
	const http = new CrmHttp({
		crm: 'salesforce',
		transport,
		baseUrl: opts.baseUrl,
		timeoutMs: opts.timeoutMs,
		retries,
		clock,
		describeError: describeSalesforceError,
	});

	async function call<T>(req: CrmRequest): Promise<HttpResponse<T>> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await http.request<T>({ ...req, limiter: opts.limiter });
			} catch (error) {
				// A read that timed out is safe to repeat; a write is not (CrmHttp already refuses).
				if (
					req.method === 'GET' &&
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

	async function query(
		soql: string,
		maxPages = Infinity,
		batchSize?: number,
	): Promise<{ records: Array<Record<string, unknown>>; next?: string }> {
		const headers = batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined;
		let response = await call<SfQueryPage>({
			method: 'GET',
			path: `${data}/query`,
			qs: { q: soql },
			headers,
		});
		const records = [...(response.body?.records ?? [])];
		for (let page = 1; page < maxPages && response.body?.nextRecordsUrl; page++) {
			response = await call<SfQueryPage>({
				method: 'GET',
				path: response.body.nextRecordsUrl,
				headers,
			});
			records.push(...(response.body?.records ?? []));
		}
		return {
			records,
			next: response.body?.done === false ? response.body.nextRecordsUrl : undefined,
		};
	}

	const contactQuery = (where: string, fields = readFields) =>
		`SELECT ${fields.join(', ')} FROM Contact WHERE ${where}`;

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		// The number's own field, where the org has it, is read exactly (SOQL), beside the lagging SOSL index.
		const exactField = extId ?? (await fieldCheck.check()).fieldNames.whatsappE164;
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		const targets = new Map<string, string>();
		const countries = new Map<string, string | undefined>();
		for (const asked of new Set(e164s)) {
			const read = normalizePhone(asked);
			if (read.ok) {
				targets.set(asked, read.e164);
				countries.set(read.e164, read.country);
			}
		}
		const candidates = new Map<string, CrmContact>();
		const numbers = [...new Set(targets.values())];
		const jobs = chunks(numbers, NUMBERS_PER_SEARCH).map(async (group) => {
			const terms = [...new Set(group.flatMap(searchTerms))];
			const sosl = `FIND {${terms.join(' OR ')}} IN PHONE FIELDS RETURNING Contact(${readFields.join(', ')}) LIMIT 2000`;
			const response = await call<{ searchRecords?: Array<Record<string, unknown>> }>({
				method: 'GET',
				path: `${data}/search`,
				qs: { q: sosl },
			});
			for (const record of response.body?.searchRecords ?? [])
				candidates.set(String(record.Id), toContact(record, phoneFields));
		});
		// The external id is exact and not subject to the search index's delay.
		if (exactField) {
			jobs.push(
				...chunks(numbers, VALUES_PER_QUERY).map(async (group) => {
					const { records } = await query(
						contactQuery(`${exactField} IN (${group.map(soqlString).join(', ')})`),
					);
					for (const record of records)
						candidates.set(String(record.Id), toContact(record, phoneFields));
				}),
			);
		}
		await Promise.all(jobs);
		const out = new Map<string, CrmContact[]>();
		for (const asked of new Set(e164s)) {
			const target = targets.get(asked);
			out.set(
				asked,
				target === undefined
					? []
					: [...candidates.values()].filter(
							(contact) =>
								(exactField !== undefined && contact.properties[exactField] === target) ||
								contact.phones.some((phone) =>
									holdsNumber({ e164: target, country: countries.get(target) }, phone.value),
								),
						),
			);
		}
		return out;
	}

	async function findWhereIn(
		field: string,
		values: string[],
		keyOf: (value: unknown) => string,
	): Promise<Map<string, CrmContact[]>> {
		if (!IDENTIFIER.test(field)) throw new Error(`"${field}" is not a Salesforce field API name`);
		await fieldCheck.check();
		const fields = readFields.includes(field) ? readFields : [...readFields, field];
		const out = new Map<string, CrmContact[]>(values.map((v) => [v, []]));
		await Promise.all(
			chunks(values, VALUES_PER_QUERY).map(async (group) => {
				const { records } = await query(
					contactQuery(`${field} IN (${group.map(soqlString).join(', ')})`, fields),
				);
				for (const record of records)
					out.get(keyOf(record[field]))?.push(toContact(record, phoneFields));
			}),
		);
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		// SOQL compares text case-insensitively; results are keyed by the lower-cased address.
		return findWhereIn(fieldNames.email ?? 'Email', wanted, (value) =>
			String(value ?? '')
				.trim()
				.toLowerCase(),
		);
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const found = await findWhereIn(field, wanted, (value) => String(value ?? ''));
		// SOQL's `=` ignores case; an id such as a BSUID must match exactly.
		for (const [value, contacts] of found)
			found.set(
				value,
				contacts.filter((c) => String(c.properties[field]) === value),
			);
		return found;
	}

	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		// Salesforce pages of 200–2,000 records; the cursor is the nextRecordsUrl.
		const batchSize =
			listOpts.limit === undefined ? undefined : Math.min(2000, Math.max(200, listOpts.limit));
		const extra = listOpts.properties ?? [];
		for (const name of extra)
			if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a Salesforce field API name`);
		await fieldCheck.check();
		const fields = [...new Set([...readFields, ...extra])];
		let page: HttpResponse<SfQueryPage>;
		if (listOpts.after) {
			if (!listOpts.after.startsWith('/services/data/'))
				throw new Error('listContacts: `after` must be the cursor a previous page returned');
			page = await call<SfQueryPage>({
				method: 'GET',
				path: listOpts.after,
				headers: batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined,
			});
		} else {
			page = await call<SfQueryPage>({
				method: 'GET',
				path: `${data}/query`,
				qs: { q: `SELECT ${fields.join(', ')} FROM Contact ORDER BY CreatedDate, Id` },
				headers: batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined,
			});
		}
		const contacts = (page.body?.records ?? []).map((r) => toContact(r, phoneFields));
		return page.body?.done === false && page.body.nextRecordsUrl
			? { contacts, after: page.body.nextRecordsUrl }
			: { contacts };
	}

	/** One collection call; per-record outcomes in the order sent. */
	async function collection(
		method: 'POST' | 'PATCH',
		path: string,
		records: Array<Record<string, unknown>>,
		created: (r: SfSaveResult) => boolean,
	): Promise<ItemOutcome[]> {
		const response = await call<SfSaveResult[]>({
			method,
			path,
			body: { allOrNone: false, records },
		});
		const items = response.body;
		if (!Array.isArray(items) || items.length !== records.length)
			throw new CrmApiError('salesforce', describeSalesforceError(response as HttpResponse));
		return items.map((item) =>
			item.success && item.id
				? { ok: true, id: item.id, created: created(item) }
				: { ok: false, error: itemError(item.errors ?? []) },
		);
	}

	/**
	 * A keyed record the collection refused as DUPLICATE_EXTERNAL_ID, sent alone: the single upsert
	 * names the records sharing the value (300), or succeeds when the clash was within the batch.
	 */
	async function upsertOne(
		field: string,
		value: string,
		properties: Record<string, unknown>,
	): Promise<ItemOutcome> {
		const response = await call<SfSaveResult | string[] | null>({
			method: 'PATCH',
			path: `${data}/sobjects/Contact/${field}/${encodeURIComponent(value)}`,
			// The external id travels in the URL; Salesforce refuses it in the body.
			body: Object.fromEntries(Object.entries(properties).filter(([name]) => name !== field)),
			accept: [300],
		});
		if (response.status === 300) {
			const ids = (Array.isArray(response.body) ? response.body : []).map((url) =>
				String(url).split('/').pop(),
			);
			return {
				ok: false,
				error: {
					code: 'AMBIGUOUS_EXTERNAL_ID',
					status: 300,
					retryable: false,
					fields: [field],
					message: `${ids.length || 'Several'} Salesforce contacts share ${field} = ${value}${ids.length ? ` (${ids.join(', ')})` : ''}: merge them or clear the value on all but one, then run again`,
				},
			};
		}
		const body = response.body as SfSaveResult | null;
		if (typeof body?.id === 'string' && body.id) {
			return { ok: true, id: body.id, created: response.status === 201 || body.created === true };
		}
		// Before API version 46.0 an update answers 204 No Content: the record is read back by its key.
		const read = await call<{ Id?: unknown }>({
			method: 'GET',
			path: `${data}/sobjects/Contact/${field}/${encodeURIComponent(value)}`,
			qs: { fields: 'Id' },
		});
		const id = typeof read.body?.Id === 'string' ? read.body.Id : undefined;
		if (!id) {
			return {
				ok: false,
				error: {
					code: 'NO_RECORD_ID',
					status: response.status,
					retryable: false,
					fields: [field],
					message: `Salesforce saved the contact with ${field} = ${value} but named no record id, and reading it back by ${field} found none`,
				},
			};
		}
		return { ok: true, id, created: response.status === 201 };
	}

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		const results: WriteResult[] = new Array(writes.length);
		const groups = new Map<string, number[]>();
		writes.forEach((write, index) => {
			if (write.key && !IDENTIFIER.test(write.key.field)) {
				results[index] = {
					ref: write.ref,
					ok: false,
					error: {
						code: 'INVALID_FIELD',
						message: `"${write.key.field}" is not a Salesforce field API name`,
						retryable: false,
					},
				};
				return;
			}
			const group = write.id ? 'update' : write.key ? `upsert:${write.key.field}` : 'create';
			groups.set(group, [...(groups.get(group) ?? []), index]);
		});
		const jobs: Array<Promise<void>> = [];
		for (const [group, indexes] of groups) {
			const keyField = group.startsWith('upsert:') ? group.slice('upsert:'.length) : undefined;
			for (const batch of chunks(indexes, SALESFORCE_BATCH_SIZE)) {
				const records = batch.map((i) => {
					const write = writes[i];
					const record: Record<string, unknown> = {
						attributes: { type: 'Contact' },
						...write.properties,
					};
					if (write.id) record.Id = write.id;
					if (write.key) record[write.key.field] = write.key.value;
					return record;
				});
				const job = async () => {
					const outcomes =
						group === 'update'
							? await collection('PATCH', `${data}/composite/sobjects`, records, () => false)
							: group === 'create'
								? await collection('POST', `${data}/composite/sobjects`, records, () => true)
								: await collection(
										'PATCH',
										`${data}/composite/sobjects/Contact/${keyField}`,
										records,
										(r) => r.created === true,
									);
					await Promise.all(
						outcomes.map(async (outcome, k) => {
							const write = writes[batch[k]];
							if (!outcome.ok && outcome.error.code === 'DUPLICATE_EXTERNAL_ID' && write.key) {
								outcome = await upsertOne(write.key.field, write.key.value, write.properties).catch(
									(error) => {
										if (isFatal(error)) throw error;
										return { ok: false as const, error: batchError(error, true) };
									},
								);
							}
							results[batch[k]] = { ref: write.ref, ...outcome } as WriteResult;
						}),
					);
				};
				jobs.push(
					job().catch((error) => {
						if (isFatal(error)) throw error;
						const info = batchError(error, true);
						for (const i of batch) results[i] ??= { ref: writes[i].ref, ok: false, error: info };
					}),
				);
			}
		}
		await Promise.all(jobs);
		return results;
	}

	/** Tasks already logged for these messages, by wamid, found by the marker in their Subject. */
	async function loggedTasks(logs: MessageLog[]): Promise<Map<string, string>> {
		const found = new Map<string, string>();
		await Promise.all(
			chunks(logs, LOGS_PER_QUERY).map(async (group) => {
				const who = [...new Set(group.map((l) => l.contactId))].map(soqlString).join(', ');
				const likes = [...new Set(group.map((l) => l.messageId))].map(
					(id) => `Subject LIKE ${soqlContains(marker(id))}`,
				);
				const { records } = await query(
					`SELECT Id, Subject, WhoId FROM Task WHERE WhoId IN (${who}) AND (${likes.join(' OR ')})`,
				);
				for (const record of records) {
					const match = /\[wa:([^\]]+)\]\s*$/.exec(String(record.Subject ?? ''));
					if (match) found.set(`${String(record.WhoId)}|${match[1]}`, String(record.Id));
				}
			}),
		);
		return found;
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const taskExtId = opts.taskExternalIdField;
		let existing = new Map<string, string>();
		if (!taskExtId) {
			try {
				existing = await loggedTasks(logs);
			} catch (error) {
				if (isFatal(error)) throw error;
				const info = batchError(error, false);
				return logs.map((log) => ({ ref: log.ref, ok: false, error: info }));
			}
		}
		return logOncePerMessage(logs, {
			existing: (log) => existing.get(`${log.contactId}|${log.messageId}`),
			batchSize: SALESFORCE_BATCH_SIZE,
			write: async (batch) => {
				const records = batch.map((log) =>
					taskRecord(log, opts.taskStatus ?? 'Completed', taskExtId),
				);
				const outcomes = taskExtId
					? await collection(
							'PATCH',
							`${data}/composite/sobjects/Task/${taskExtId}`,
							records,
							(r) => r.created === true,
						)
					: await collection('POST', `${data}/composite/sobjects`, records, () => true);
				return outcomes.map((outcome) =>
					outcome.ok ? { ok: true as const, id: outcome.id, duplicate: !outcome.created } : outcome,
				);
			},
			isFatal,
			errorOf: batchError,
		});
	}

	/**
	 * The media already on a contact (ContentVersions first published there, by the `[wa:…]`
	 * marker in their Description, read by SOQL, consistent at once). The Contact is read first so
	 * that an unknown one fails with a reason rather than Salesforce's cross-reference error.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, string>> {
		const id = soqlString(contactId);
		let found: Array<Record<string, unknown>>;
		try {
			found = (await query(`SELECT Id FROM Contact WHERE Id = ${id}`)).records;
		} catch (error) {
			// Salesforce refuses a malformed id in a filter instead of matching nothing.
			if (!(error instanceof CrmApiError && error.info.code === 'INVALID_QUERY_FILTER_OPERATOR'))
				throw error;
			found = [];
		}
		if (found.length === 0)
			throw new CrmApiError('salesforce', {
				code: 'CONTACT_NOT_FOUND',
				retryable: false,
				message: `Salesforce has no contact ${contactId} (wrong ID, or deleted): nothing was attached`,
			});
		const attached = new Map<string, string>();
		const { records } = await query(
			`SELECT Id, Description FROM ContentVersion WHERE FirstPublishLocationId = ${id}`,
		);
		for (const record of records) {
			for (const match of String(record.Description ?? '').matchAll(/\[wa:([^\]\s]+)\]/g))
				attached.set(match[1], String(record.Id));
		}
		return attached;
	}

	async function uploadVersion(file: FileAttachment): Promise<string> {
		const pathOnClient = taggedFileName(file.fileName, file.messageId);
		const tag = marker(file.messageId);
		const description = file.description
			? `${file.description.slice(0, CONTENT_DESCRIPTION_MAX - tag.length - 1)}\n${tag}`
			: tag;
		const form = multipartBody([
			{
				name: 'entity_content',
				contentType: 'application/json',
				value: JSON.stringify({
					PathOnClient: pathOnClient,
					Title: file.fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '').slice(0, CONTENT_TITLE_MAX),
					Description: description,
					FirstPublishLocationId: file.contactId,
				}),
			},
			{ name: 'VersionData', data: file.data, fileName: pathOnClient, contentType: file.mimeType },
		]);
		const response = await call<SfSaveResult>({
			method: 'POST',
			path: `${data}/sobjects/ContentVersion`,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		if (!response.body?.id)
			throw new CrmApiError('salesforce', {
				...itemError(response.body?.errors ?? []),
				status: response.status,
			});
		return String(response.body.id);
	}

	/** One file at a time (see attachOneAtATime): every call counts against the daily allocation. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: async (contactId) =>
				new Map(
					[...(await attachedMedia(contactId))].map(([messageId, id]) => [messageId, { id }]),
				),
			upload: async (file) => ({ id: await uploadVersion(file) }),
			isFatal,
			errorOf: batchError,
		});
	}

	async function describeFields(): Promise<CrmField[]> {
		const response = await call<{ fields?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: `${data}/sobjects/Contact/describe`,
		});
		return (response.body?.fields ?? []).map(toCrmField);
	}

	const fieldCheck = createFieldChecker({
		crm: 'salesforce',
		fieldNames,
		explicit: named,
		describe: describeFields,
		howToCreate: (canonical, field) =>
			`an admin can add it in Setup › Object Manager › Contact › Fields & Relationships as ${SALESFORCE_FIELD_TYPES[canonical]} with the API name ${field} (visible to the integration user), or map another field`,
		// A multi-select picklist takes `;`-joined values too, once its values are defined.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string', 'array'],
			marketingConsent: ['string'],
		},
		isFatal,
		onFound: (found) => readFields.push(...found.filter((name) => !readFields.includes(name))),
	});

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		const others = [...new Set(absorbedIds)].filter((id) => {
			if (id !== survivorId) return true;
			merged.push({
				id,
				ok: false,
				error: {
					code: 'INVALID_ID_FIELD',
					message: 'A contact cannot be merged into itself',
					retryable: false,
				},
			});
			return false;
		});
		if (!opts.mergeApexPath) {
			// Reparenting activities and deleting by hand would lose what merge() keeps (history,
			// campaign members, data privacy records), so nothing is done and the reason is given.
			const error: CrmErrorInfo = {
				code: 'MERGE_NOT_SUPPORTED',
				retryable: false,
				message:
					"Salesforce's REST API cannot merge contacts (only SOAP merge() and Apex Database.merge can). Merge them in Salesforce (Contacts › Merge Contacts), or deploy an Apex REST merge resource and set its path (mergeApexPath).",
			};
			return {
				survivorId,
				merged: [...merged, ...others.map((id) => ({ id, ok: false as const, error }))],
			};
		}
		// Database.merge takes the master and at most two others; groups run one after another.
		for (const group of chunks(others, 2)) {
			try {
				const response = await call<{
					results?: Array<{ id?: string; success?: boolean; errors?: SfError[] }>;
				}>({
					method: 'POST',
					path: opts.mergeApexPath,
					body: { survivorId, absorbedIds: group },
				});
				for (const id of group) {
					const result = response.body?.results?.find((r) => r.id === id);
					merged.push(
						result?.success
							? { id, ok: true }
							: {
									id,
									ok: false,
									error: result
										? itemError(result.errors ?? [])
										: {
												code: 'MERGE_FAILED',
												message: 'The merge resource did not report this contact',
												retryable: false,
											},
								},
					);
				}
			} catch (error) {
				if (isFatal(error)) throw error;
				const info = batchError(error, true);
				merged.push(...group.map((id) => ({ id, ok: false as const, error: info })));
			}
		}
		return { survivorId, merged };
	}

	return {
		crm: 'salesforce',
		batchSize: SALESFORCE_BATCH_SIZE,
		fieldNames,
		phoneFields,
		findByPhone,
		findByEmail,
		findByField,
		listContacts,
		upsertMany,
		logMessages,
		maxAttachmentBytes: SALESFORCE_ATTACHMENT_MAX_BYTES,
		attachFiles,
		describeFields,
		checkFields: () => fieldCheck.check(),
		merge,
	};
}

/**
 * Digit strings SOSL is asked for: the number with its country code, the national significant
 * number and the national form with a trunk prefix ("85291234567", "91234567"; "447911123456",
 * "7911123456", "07911123456"), since stored numbers may carry any of them.
 */
export function searchTerms(e164: string): string[] {
	const parsed = parsePhoneNumberFromString(e164);
	if (!parsed) return [e164.replace(/\D/g, '')];
	return [
		...new Set([
			parsed.number.slice(1),
			String(parsed.nationalNumber),
			parsed.formatNational().replace(/\D/g, ''),
		]),
	];
}

/** A SOQL string literal: backslash, quotes and control characters escaped. */
export function soqlString(value: string): string {
	return quote(value.replace(/\\/g, '\\\\'));
}

/** A LIKE pattern matching `value` anywhere: its `%`, `_` and backslashes taken literally. */
function soqlContains(value: string): string {
	return quote(`%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

function quote(value: string): string {
	const escaped = value
		.replace(/'/g, "\\'")
		.replace(/"/g, '\\"')
		.replace(/\n/g, '\\n')
		.replace(/\r/g, '\\r')
		.replace(/\t/g, '\\t');
	return `'${escaped}'`;
}

function marker(messageId: string): string {
	return `[wa:${messageId}]`;
}

/** Salesforce's error body (`[{message, errorCode, fields}]`) as something a user can act on. */
export function describeSalesforceError(response: HttpResponse): CrmErrorInfo {
	const list = Array.isArray(response.body)
		? (response.body as SfError[])
		: response.body && typeof response.body === 'object'
			? [response.body as SfError]
			: [];
	const first = list[0] ?? {};
	const code = first.errorCode ?? first.statusCode ?? `HTTP_${response.status}`;
	const fields = list.flatMap((e) => e.fields ?? []);
	// Salesforce answers a token whose connected app lacks the `api` scope with this 401
	// (https://help.salesforce.com/s/articleView?id=005226515).
	if (
		code === 'INVALID_SESSION_ID' &&
		/not valid for use with the REST API/i.test(first.message ?? '')
	) {
		return {
			code: 'MISSING_SCOPES',
			status: response.status,
			retryable: false,
			message:
				'Salesforce refused the session for the REST API: the connected app was authorized without the scope "api" (Manage user data via APIs). Add it (and "refresh_token", Perform requests at any time) to the connected app\'s Selected OAuth Scopes, then reconnect the Salesforce credential so the new token carries it.',
		};
	}
	if (response.status === 401 || code === 'INVALID_SESSION_ID') {
		return {
			code,
			status: response.status,
			retryable: false,
			message: `Salesforce refused the session (${code}): the access token expired or was revoked, and n8n could not refresh it. Reconnect the credential.`,
		};
	}
	if (code === 'REQUEST_LIMIT_EXCEEDED') {
		return {
			code,
			status: response.status,
			retryable: false,
			message: `Salesforce's API request allocation for the last 24 hours is used up (${first.message ?? code}): every integration of the org is refused until usage drops. Retrying now cannot help.`,
		};
	}
	return {
		code,
		status: response.status,
		retryable:
			response.status >= 500 ||
			response.status === 429 ||
			code === 'SERVER_UNAVAILABLE' ||
			code === 'UNABLE_TO_LOCK_ROW',
		fields: fields.length > 0 ? fields : undefined,
		message: `Salesforce: ${
			list
				.map((e) => e.message)
				.filter(Boolean)
				.join('; ') || code
		}`,
	};
}

function itemError(errors: SfError[]): CrmErrorInfo {
	const first = errors[0] ?? {};
	const code = first.statusCode ?? first.errorCode ?? 'UNKNOWN';
	const fields = [...new Set(errors.flatMap((e) => e.fields ?? []))];
	return {
		code,
		retryable: code === 'UNABLE_TO_LOCK_ROW',
		fields: fields.length > 0 ? fields : undefined,
		message: `Salesforce refused the record: ${errors.map((e) => `${e.message ?? e.statusCode}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`).join('; ') || code}`,
	};
}

function toContact(record: Record<string, unknown>, phoneFields: string[]): CrmContact {
	const { attributes: _attributes, ...properties } = record;
	const phones: CrmContact['phones'] = [];
	for (const field of phoneFields) {
		const value = properties[field];
		if (typeof value === 'string' && value.trim() !== '') phones.push({ field, value });
	}
	return {
		id: String(properties.Id),
		properties,
		modifiedAt: toMillis(properties.LastModifiedDate) ?? 0,
		phones,
	};
}

function toCrmField(field: Record<string, unknown>): CrmField {
	const sfType = String(field.type ?? '');
	const picklist = Array.isArray(field.picklistValues)
		? (field.picklistValues as Array<{ label?: string; value?: string; active?: boolean }>)
		: [];
	const type: CrmField['type'] = ['int', 'double', 'currency', 'percent', 'long'].includes(sfType)
		? 'number'
		: sfType === 'boolean'
			? 'boolean'
			: sfType === 'date' || sfType === 'datetime'
				? 'dateTime'
				: sfType === 'picklist'
					? 'options'
					: sfType === 'multipicklist'
						? 'array'
						: 'string';
	const out: CrmField = {
		name: String(field.name),
		label: String(field.label ?? field.name),
		type,
		// Required on create: not nillable, settable, and no default filled in by Salesforce.
		required:
			field.nillable === false && field.createable === true && field.defaultedOnCreate !== true,
		readOnly: field.createable !== true && field.updateable !== true,
		unique: field.unique === true,
		custom: field.custom === true,
	};
	const active = picklist.filter((p) => p.active !== false);
	if (active.length > 0)
		out.options = active.map((p) => ({ name: String(p.label ?? p.value), value: String(p.value) }));
	return out;
}

function taskRecord(
	log: MessageLog,
	status: string,
	taskExtId: string | undefined,
): Record<string, unknown> {
	const who = log.customer?.name || log.customer?.e164 || 'customer';
	const tail = ` ${marker(log.messageId)}`;
	const head = `WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${who}`.slice(
		0,
		Math.max(0, SUBJECT_MAX - tail.length),
	);
	const when = new Date(log.at).toISOString();
	const footer = `\n\n— WhatsApp ${log.direction} message, ${when}, id ${log.messageId}`;
	const record: Record<string, unknown> = {
		attributes: { type: 'Task' },
		WhoId: log.contactId,
		// The marker at the end of the Subject is what the SOQL lookup finds (long text cannot be filtered).
		Subject: `${head}${tail}`,
		Description: `${log.body.slice(0, DESCRIPTION_MAX - footer.length)}${footer}`,
		ActivityDate: when.slice(0, 10),
		Status: status,
	};
	// A message is neither a call nor an email. TaskSubtype can only be set on create, so an upsert
	// that finds the Task would be refused with it: in that mode Salesforce's default applies.
	if (taskExtId) record[taskExtId] = log.messageId;
	else record.TaskSubtype = 'Task';
	return record;
}

function isFatal(error: unknown): boolean {
	return (
		error instanceof CrmApiError &&
		(error.info.status === 401 ||
			error.info.code === 'REQUEST_LIMIT_EXCEEDED' ||
			error.info.code === 'API_LIMIT_RESERVE' ||
			error.info.code === 'INVALID_SESSION_ID')
	);
}

function batchError(error: unknown, write: boolean): CrmErrorInfo {
	if (error instanceof CrmApiError) return error.info;
	if (error instanceof TransportError) {
		return {
			code: error.code ?? 'NETWORK_ERROR',
			retryable: true,
			message: `No answer from Salesforce (${error.code ?? 'network error'})${write && error.sent ? '; the call may have been applied, so look before writing again' : ''}`,
		};
	}
	return { code: 'REQUEST_FAILED', message: (error as Error).message, retryable: true };
}

function header(response: HttpResponse, name: string): string | undefined {
	return Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Salesforce writes `2024-05-01T10:00:00.000+0000`; the offset gets its colon for Date.parse. */
function toMillis(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
	return Number.isNaN(ms) ? undefined : ms;
}
