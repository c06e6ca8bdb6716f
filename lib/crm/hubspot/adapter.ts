/**
 * HubSpot (CRM API v3, associations v4) behind the CrmAdapter interface, composed of one file per
 * concept:
 * - context.ts: options, field names, and the one way to call HubSpot (shared CrmHttp; limits:
 *   100 (Free, Starter) or 190 (Professional, Enterprise) requests per rolling 10 s per app and
 *   account, the search endpoints about 5 per second on their own, kept proactively);
 * - wire.ts: paths, sizes, records and their mapping; errors.ts: HubSpot's error bodies;
 * - search.ts: lookups by phone, email or property, and the full list;
 * - batch.ts and writes.ts: batch calls answered per input, upserts and merges;
 * - timeline.ts: messages as communications; files.ts: media as files with a note;
 * - properties.ts: describeFields, checkFields and the whatsapp_* properties.
 * Auth is a bearer token (private app token, service key or OAuth), added by the transport.
 */
import type { CrmAdapter } from '../types';
import { createHubSpotContext } from './context';
import type { HubSpotAdapterOptions } from './context';
import { hubspotFiles } from './files';
import { hubspotProperties } from './properties';
import { hubspotSearch } from './search';
import { hubspotTimeline } from './timeline';
import { HUBSPOT_ATTACHMENT_MAX_BYTES, HUBSPOT_BATCH_SIZE } from './wire';
import { hubspotWrites } from './writes';

export type { HubSpotAdapterOptions } from './context';
export { phoneVariants } from './search';
export { HUBSPOT_WHATSAPP_PROPERTY_GROUP } from './properties';
export {
	HUBSPOT_ATTACHMENT_MAX_BYTES,
	HUBSPOT_BATCH_SIZE,
	HUBSPOT_DEFAULT_ATTACHMENT_FOLDER,
	HUBSPOT_DEFAULT_FIELD_NAMES,
	HUBSPOT_DEFAULT_PHONE_FIELDS,
	HUBSPOT_TEN_SECONDLY,
} from './wire';
export type { HubSpotTier } from './wire';

export function createHubSpotAdapter(opts: HubSpotAdapterOptions): CrmAdapter {
	const ctx = createHubSpotContext(opts);
	const search = hubspotSearch(ctx);
	const writes = hubspotWrites(ctx);
	const properties = hubspotProperties(ctx);
	return {
		crm: 'hubspot',
		batchSize: HUBSPOT_BATCH_SIZE,
		fieldNames: ctx.fieldNames,
		phoneFields: ctx.phoneFields,
		findByPhone: search.findByPhone,
		findByEmail: search.findByEmail,
		findByField: search.findByField,
		listContacts: search.listContacts,
		upsertMany: writes.upsertMany,
		logMessages: hubspotTimeline(ctx).logMessages,
		maxAttachmentBytes: HUBSPOT_ATTACHMENT_MAX_BYTES,
		attachFiles: hubspotFiles(ctx).attachFiles,
		describeFields: properties.describeFields,
		checkFields: properties.checkFields,
		merge: writes.merge,
	};
}
