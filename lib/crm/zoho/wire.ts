/**
 * Zoho CRM's wire format (REST API v8): the sizes and limits Zoho documents, its answers, search
 * criteria escaping, and a record as a CrmContact.
 */
import { toContact } from '../contact';
import type { CanonicalField, CrmContact } from '../types';

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

export const MAX_CRITERIA = 10;
export const PAGE_SIZE = 200;
/** Search stops serving pages past 2,000 records. */
export const SEARCH_MAX_PAGES = 10;
export const ZOHO_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
/** The message tag `taggedFileName` puts in an attachment's file name. */
export const MEDIA_TAG = /\((wa-[0-9a-f]{16})\)/;

export interface ZohoItem {
	code?: string;
	status?: string;
	message?: string;
	action?: 'insert' | 'update';
	duplicate_field?: string | null;
	details?: Record<string, unknown>;
}

export interface ZohoPage {
	data?: Array<Record<string, unknown>>;
	info?: { more_records?: boolean };
}

export function zohoContact(record: Record<string, unknown>, phoneFields: string[]): CrmContact {
	return toContact(record.id, record, record.Modified_Time, phoneFields);
}

/** Zoho wants parentheses, commas and backslashes in a criteria value escaped with a backslash. */
export function escapeCriteria(value: string): string {
	return value.replace(/[\\(),]/g, (c) => `\\${c}`);
}
