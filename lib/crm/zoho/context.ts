/**
 * What every Zoho file of the adapter shares: its options, field names and the fields read, and its
 * one way to call Zoho CRM: the shared CrmHttp behind the org's concurrency limiters (by edition,
 * and the sub-concurrency of 10 that search and writes of more than 10 records share) and the
 * API credits this process may spend (dailyCredits).
 */
import type { HttpResponse, HttpTransport } from '../../http/transport';
import { CrmHttp } from '../http';
import type { CrmRequest } from '../http';
import { both, concurrencyLimit, processWideLimiters, realClock, rollingBudget } from '../limits';
import type { Clock, RateLimiter } from '../limits';
import { CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { CrmApiError } from '../types';
import type { CanonicalField, CrmAdapterOptions } from '../types';
import { describeZohoError } from './errors';
import {
	ZOHO_CONCURRENCY,
	ZOHO_DEFAULT_PHONE_FIELDS,
	ZOHO_SUB_CONCURRENCY,
	ZOHO_WHATSAPP_FIELD_NAMES,
} from './wire';
import type { ZohoEdition } from './wire';

const DAY_MS = 24 * 60 * 60 * 1000;

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

export interface ZohoRequest extends CrmRequest {
	/** Search, or a write of more than 10 records: also counts against the sub-concurrency. */
	heavy?: boolean;
}

export interface ZohoContext {
	opts: ZohoAdapterOptions;
	clock: Clock;
	/** `/crm/v8`. */
	root: string;
	moduleName: string;
	call<T>(req: ZohoRequest): Promise<HttpResponse<T>>;
	fieldNames: Partial<Record<CanonicalField, string>>;
	phoneFields: string[];
	/** The fields read; grows once describe shows the default custom fields exist. */
	readFields: string[];
}

export function createZohoContext(opts: ZohoAdapterOptions): ZohoContext {
	const clock: Clock = opts.clock ?? realClock;
	const moduleName = opts.module ?? 'Contacts';
	const root = `/crm/${opts.apiVersion ?? 'v8'}`;
	const edition = opts.edition ?? 'standard';
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
		limiters(`zoho|${account}|${name}`, concurrencyLimit(concurrent));
	const mainLimiter = opts.limiter ?? concurrency(edition, ZOHO_CONCURRENCY[edition]);
	const heavyLimiter = both(mainLimiter, concurrency('sub', ZOHO_SUB_CONCURRENCY));
	// Credits belong to the org, not to one execution: adapters for the same account share them.
	const credits =
		opts.dailyCredits === undefined
			? undefined
			: rollingBudget(`zoho|${account}|credits`, opts.dailyCredits, DAY_MS);

	const transport: HttpTransport = async (request) => {
		const spent = credits?.spend(clock.now());
		if (spent && !spent.ok)
			throw new CrmApiError('zoho', {
				code: 'CREDITS_EXHAUSTED',
				retryable: false,
				message: `The ${opts.dailyCredits} Zoho CRM API credits allowed per rolling 24 hours (dailyCredits) are spent; the next frees up at ${new Date(spent.freeAt).toISOString()}`,
			});
		return opts.transport(request);
	};
	const http = new CrmHttp({
		crm: 'zoho',
		transport,
		baseUrl: opts.baseUrl,
		timeoutMs: opts.timeoutMs,
		retries: opts.retries,
		clock,
		describeError: describeZohoError,
	});

	return {
		opts,
		clock,
		root,
		moduleName,
		call: ({ heavy, ...req }) =>
			http.request({ ...req, limiter: heavy ? heavyLimiter : mainLimiter }),
		fieldNames,
		phoneFields,
		readFields,
	};
}
