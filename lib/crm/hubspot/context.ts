/**
 * What every HubSpot file of the adapter shares: its options, the field names and properties it
 * reads, and its one way to call HubSpot (the shared CrmHttp with HubSpot's limiters: the rolling
 * 10-second window for everything but search, and search's own per-second limit).
 */
import type { HttpResponse } from '../../http/transport';
import { CrmHttp } from '../http';
import type { CrmRequest } from '../http';
import { processWideLimiters, realClock } from '../limits';
import type { Clock, RateLimiter } from '../limits';
import type { CanonicalField, CrmAdapterOptions } from '../types';
import { describeHubSpotError } from './errors';
import {
	HUBSPOT_DEFAULT_FIELD_NAMES,
	HUBSPOT_DEFAULT_PHONE_FIELDS,
	HUBSPOT_TEN_SECONDLY,
} from './wire';
import type { HubSpotTier } from './wire';

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

export interface HubSpotRequest extends CrmRequest {
	/** Counts against the search endpoints' own limit, not the 10-second window. */
	search?: boolean;
}

export interface HubSpotContext {
	opts: HubSpotAdapterOptions;
	clock: Clock;
	call<T>(req: HubSpotRequest): Promise<HttpResponse<T>>;
	fieldNames: Partial<Record<CanonicalField, string>>;
	phoneFields: string[];
	/** The properties read with every contact. */
	readProperties: string[];
	uniqueProperty?: string;
}

export function createHubSpotContext(opts: HubSpotAdapterOptions): HubSpotContext {
	const clock: Clock = opts.clock ?? realClock;
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
		retries: opts.retries,
		clock,
		describeError: describeHubSpotError,
	});

	return {
		opts,
		clock,
		call: ({ search, ...req }) =>
			http.request({ ...req, limiter: search ? searchLimiter : mainLimiter }),
		fieldNames,
		phoneFields,
		readProperties,
		uniqueProperty,
	};
}
