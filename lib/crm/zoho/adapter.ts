/**
 * Zoho CRM (REST API v8) behind the CrmAdapter interface, composed of one file per concept:
 * - context.ts: options, field names, and the one way to call Zoho (shared CrmHttp behind the
 *   org's concurrency limits by edition, 5–25, and 10 for search and bulk writes; API credits);
 * - wire.ts: sizes, answers, criteria escaping, the mapping; errors.ts: Zoho's error bodies;
 *   scopes.ts: the OAuth scope each endpoint needs;
 * - search.ts: lookups by phone, email or field, and the full list;
 * - writes.ts: inserts, updates, upserts and merges; timeline.ts: messages as Notes;
 * - files.ts: media as attachments; fields.ts: describeFields and checkFields.
 * Auth is `Authorization: Zoho-oauthtoken …` (or `Bearer …`, as n8n's OAuth2 credentials send it),
 * added by the transport; the adapter never sees it.
 */
import type { CrmAdapter } from '../types';
import { createZohoContext } from './context';
import type { ZohoAdapterOptions } from './context';
import { zohoFields } from './fields';
import { zohoFiles } from './files';
import { zohoSearch } from './search';
import { zohoTimeline } from './timeline';
import { ZOHO_ATTACHMENT_MAX_BYTES, ZOHO_BATCH_SIZE } from './wire';
import { zohoWrites } from './writes';

export type { ZohoAdapterOptions } from './context';
export { describeZohoError } from './errors';
export { phoneVariants } from './search';
export {
	escapeCriteria,
	ZOHO_ATTACHMENT_MAX_BYTES,
	ZOHO_BATCH_SIZE,
	ZOHO_CONCURRENCY,
	ZOHO_DEFAULT_PHONE_FIELDS,
	ZOHO_SUB_CONCURRENCY,
	ZOHO_WHATSAPP_FIELD_NAMES,
} from './wire';
export type { ZohoEdition } from './wire';

export function createZohoAdapter(opts: ZohoAdapterOptions): CrmAdapter {
	const ctx = createZohoContext(opts);
	const fields = zohoFields(ctx);
	const search = zohoSearch(ctx, fields.fieldCheck);
	const writes = zohoWrites(ctx, fields.fieldCheck);
	return {
		crm: 'zoho',
		batchSize: ZOHO_BATCH_SIZE,
		fieldNames: ctx.fieldNames,
		phoneFields: ctx.phoneFields,
		findByPhone: search.findByPhone,
		findByEmail: search.findByEmail,
		findByField: search.findByField,
		listContacts: search.listContacts,
		upsertMany: writes.upsertMany,
		logMessages: zohoTimeline(ctx, writes).logMessages,
		maxAttachmentBytes: ZOHO_ATTACHMENT_MAX_BYTES,
		attachFiles: zohoFiles(ctx).attachFiles,
		describeFields: fields.describeFields,
		checkFields: () => fields.fieldCheck.check(),
		merge: writes.merge,
	};
}
