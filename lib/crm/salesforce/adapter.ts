/**
 * Salesforce (REST API) behind the CrmAdapter interface, composed of one file per concept:
 * - context.ts: options, field names, and the one way to call Salesforce (shared CrmHttp behind the
 *   org's concurrency limiter and its 24-hour allocation);
 * - wire.ts: sizes, answers, SOQL literals, the mapping; errors.ts: Salesforce's error bodies;
 * - search.ts: lookups by phone (SOSL and the external id), email or field, and the full list;
 * - writes.ts: sObject Collections writes, single upserts, merges through Apex;
 * - timeline.ts: messages as Tasks; files.ts: media as ContentVersions;
 * - fields.ts: describeFields and checkFields.
 * The transport adds `Authorization: Bearer …` (OAuth2; the base URL is the token's instance_url).
 * 401 INVALID_SESSION_ID means the token expired: n8n refreshes OAuth2 on 401.
 */
import type { CrmAdapter } from '../types';
import { createSalesforceContext } from './context';
import type { SalesforceAdapterOptions } from './context';
import { salesforceFields } from './fields';
import { salesforceFiles } from './files';
import { salesforceSearch } from './search';
import { salesforceTimeline } from './timeline';
import { SALESFORCE_ATTACHMENT_MAX_BYTES, SALESFORCE_BATCH_SIZE } from './wire';
import { salesforceWrites } from './writes';

export type { SalesforceAdapterOptions } from './context';
export { SALESFORCE_CONCURRENCY } from './context';
export { describeSalesforceError } from './errors';
export { searchTerms } from './search';
export {
	SALESFORCE_ATTACHMENT_MAX_BYTES,
	SALESFORCE_BATCH_SIZE,
	SALESFORCE_DEFAULT_PHONE_FIELDS,
	SALESFORCE_WHATSAPP_FIELD_NAMES,
	soqlString,
} from './wire';

export function createSalesforceAdapter(opts: SalesforceAdapterOptions): CrmAdapter {
	const ctx = createSalesforceContext(opts);
	const fields = salesforceFields(ctx);
	const search = salesforceSearch(ctx, fields.fieldCheck);
	const writes = salesforceWrites(ctx);
	return {
		crm: 'salesforce',
		batchSize: SALESFORCE_BATCH_SIZE,
		fieldNames: ctx.fieldNames,
		phoneFields: ctx.phoneFields,
		findByPhone: search.findByPhone,
		findByEmail: search.findByEmail,
		findByField: search.findByField,
		listContacts: search.listContacts,
		upsertMany: writes.upsertMany,
		logMessages: salesforceTimeline(ctx, writes).logMessages,
		maxAttachmentBytes: SALESFORCE_ATTACHMENT_MAX_BYTES,
		attachFiles: salesforceFiles(ctx).attachFiles,
		describeFields: fields.describeFields,
		checkFields: () => fields.fieldCheck.check(),
		merge: writes.merge,
	};
}
