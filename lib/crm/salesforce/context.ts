/**
 * What every Salesforce file of the adapter shares: its options, field names and the fields read,
 * and its one way to call Salesforce: the shared CrmHttp, behind the org's concurrency limiter
 * (kept per account with `limiters`/`accountKey`, like every adapter's) and the org's 24-hour
 * API allocation, read from `Sforce-Limit-Info: api-usage=N/M` on every answer.
 */
import type { HttpResponse, HttpTransport } from '../../http/transport';
import { CrmHttp } from '../http';
import type { CrmRequest } from '../http';
import { concurrencyLimit, processWideLimiters, realClock } from '../limits';
import type { Clock, RateLimiter } from '../limits';
import { CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { CrmApiError } from '../types';
import type { CanonicalField, CrmAdapterOptions } from '../types';
import { describeSalesforceError } from './errors';
import {
	assertFieldName,
	header,
	SALESFORCE_DEFAULT_PHONE_FIELDS,
	SALESFORCE_WHATSAPP_FIELD_NAMES,
} from './wire';
import type { SfQueryPage } from './wire';

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
	/**
	 * Requests in flight kept per org. Salesforce refuses (REQUEST_LIMIT_EXCEEDED) new requests
	 * while 25 requests of 20 s or longer run in a production org or sandbox, 5 in Developer Edition
	 * and trial orgs; shorter ones are not limited
	 * (https://developer.salesforce.com/docs/platform/salesforce-app-limits-cheatsheet/guide/salesforce-app-limits-platform-api.html,
	 * "Concurrent API Request Limits"). A request's length is not known before it ends, so at most
	 * this many are sent at once. Default 25.
	 */
	concurrency?: number;
	/** Overrides the org's concurrency limiter (see `limiters` and `accountKey`). */
	limiter?: RateLimiter;
}

export const SALESFORCE_CONCURRENCY = 25;

export interface SalesforceContext {
	opts: SalesforceAdapterOptions;
	clock: Clock;
	/** `/services/data/<version>`. */
	data: string;
	call<T>(req: CrmRequest): Promise<HttpResponse<T>>;
	/** Every page of a SOQL query. */
	query(soql: string): Promise<{ records: Array<Record<string, unknown>>; next?: string }>;
	fieldNames: Partial<Record<CanonicalField, string>>;
	/** Canonical fields the caller named: used as given, never checked. */
	named: Set<string>;
	phoneFields: string[];
	extId?: string;
	/** The Contact fields read; grows once describe shows the default custom fields exist. */
	readFields: string[];
}

// The allocation belongs to the org: adapters for the same instance in this process share what they saw.
const usageByInstance = new Map<string, { used: number; max: number }>();

export function createSalesforceContext(opts: SalesforceAdapterOptions): SalesforceContext {
	const clock: Clock = opts.clock ?? realClock;
	const data = `/services/data/${opts.apiVersion ?? 'v62.0'}`;
	const phoneFields = opts.phoneFields ?? SALESFORCE_DEFAULT_PHONE_FIELDS;
	const extId = opts.externalIdField;
	for (const name of [extId, opts.taskExternalIdField, ...phoneFields, ...(opts.fields ?? [])])
		if (name !== undefined) assertFieldName(name);
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
	const limiters = opts.limiters ?? processWideLimiters(opts.clock);
	const limiter =
		opts.limiter ??
		limiters(
			`salesforce|${instance}|${opts.accountKey ?? ''}|concurrent`,
			concurrencyLimit(opts.concurrency ?? SALESFORCE_CONCURRENCY),
		);

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
		retries: opts.retries,
		clock,
		describeError: describeSalesforceError,
	});
	const call = <T>(req: CrmRequest) => http.request<T>({ ...req, limiter });

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

	return { opts, clock, data, call, query, fieldNames, named, phoneFields, extId, readFields };
}
