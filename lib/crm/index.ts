/**
 * CRM adapters behind one interface (types.ts) and the create-or-update logic every CRM shares
 * (upsert.ts). Pick an adapter by name with `createCrmAdapter`.
 */
import { createHubSpotAdapter } from './hubspot/adapter';
import type { HubSpotAdapterOptions } from './hubspot/adapter';
import { createSalesforceAdapter } from './salesforce/adapter';
import type { SalesforceAdapterOptions } from './salesforce/adapter';
import type { LimiterFactory } from './http';
import type { CrmAdapter, CrmAdapterOptions } from './types';
import { createZohoAdapter } from './zoho/adapter';
import type { ZohoAdapterOptions } from './zoho/adapter';

export * from './types';
export { upsertContacts } from './upsert';
export { CRM_ERROR, MERGE_INTO_ITSELF } from './errors';
export { marketingConsentOf } from './consent';
export type { MarketingConsent } from './consent';
export { attachMedia, fitMedia, DEFAULT_ATTACHMENT_MAX_BYTES } from './media';
export type {
	AttachMediaOptions,
	AttachMediaOutcome,
	FittedMedia,
	MediaToAttach,
	MediaToFit,
} from './media';
export type { ContactInput, UpsertOptions, UpsertOutcome, KeptField } from './upsert';
export { createHubSpotAdapter, createSalesforceAdapter, createZohoAdapter };
export type { LimiterFactory };
export type { HubSpotAdapterOptions, SalesforceAdapterOptions, ZohoAdapterOptions };

export function createCrmAdapter(crm: 'hubspot', opts: HubSpotAdapterOptions): CrmAdapter;
export function createCrmAdapter(crm: 'zoho', opts: ZohoAdapterOptions): CrmAdapter;
export function createCrmAdapter(crm: 'salesforce', opts: SalesforceAdapterOptions): CrmAdapter;
export function createCrmAdapter(crm: string, opts: CrmAdapterOptions): CrmAdapter {
	switch (crm) {
		case 'hubspot':
			return createHubSpotAdapter(opts as HubSpotAdapterOptions);
		case 'zoho':
			return createZohoAdapter(opts as ZohoAdapterOptions);
		case 'salesforce':
			return createSalesforceAdapter(opts as SalesforceAdapterOptions);
		default:
			throw new Error(`Unknown CRM "${crm}": choose hubspot, zoho or salesforce`);
	}
}

/**
 * Rate limits shared through Redis by every worker of a queue-mode deployment. The Redis client is
 * loaded on this call only, so that single-process users never load it.
 */
export function redisLimiters(url: string): LimiterFactory {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const shared = require('./redisRateLimiter') as typeof import('./redisRateLimiter');
	return shared.redisLimiters(url);
}
