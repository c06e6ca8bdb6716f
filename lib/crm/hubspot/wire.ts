/**
 * HubSpot's wire format: the paths, sizes and limits HubSpot documents, the records it answers
 * with, and the mapping between them and the CrmAdapter's contacts. Every other HubSpot file
 * speaks to HubSpot through these.
 */
import { toContact, toMillis } from '../contact';
import type { CanonicalField, CrmContact } from '../types';
import type { HubSpotErrorBody } from './errors';

export type HubSpotTier = 'free' | 'starter' | 'professional' | 'enterprise';

/** Requests per rolling 10 s per app and account, by subscription. */
export const HUBSPOT_TEN_SECONDLY: Record<HubSpotTier, number> = {
	free: 100,
	starter: 100,
	professional: 190,
	enterprise: 190,
};
export const HUBSPOT_BATCH_SIZE = 100;
export const HUBSPOT_DEFAULT_PHONE_FIELDS = ['phone', 'mobilephone'];
/**
 * Where the package keeps what it maintains. The `whatsapp_*` properties are custom: create them
 * in HubSpot (whatsapp_e164 with unique values), or point these names elsewhere via `fieldNames`.
 * A portal without some of them keeps working without them (see checkFields).
 */
export const HUBSPOT_DEFAULT_FIELD_NAMES: Partial<Record<CanonicalField, string>> = {
	firstName: 'firstname',
	lastName: 'lastname',
	email: 'email',
	phone: 'phone',
	mobilePhone: 'mobilephone',
	lifecycle: 'lifecyclestage',
	whatsappE164: 'whatsapp_e164',
	whatsappUserId: 'whatsapp_user_id',
	tags: 'whatsapp_tags',
	lastInteractionAt: 'whatsapp_last_interaction',
	interactionCount: 'whatsapp_interaction_count',
	marketingConsent: 'whatsapp_marketing_consent',
};

export const PROPERTIES = '/crm/v3/properties/contacts';
export const CONTACTS = '/crm/v3/objects/contacts';
export const COMMUNICATIONS = '/crm/v3/objects/communications';
export const NOTES = '/crm/v3/objects/notes';
export const FILES = '/files/v3/files';
export const ASSOCIATIONS_PAGE = 500;
/** HUBSPOT_DEFINED association types: communication → contact 81, note → contact 202. */
export const COMMUNICATION_TO_CONTACT = 81;
export const NOTE_TO_CONTACT = 202;
/**
 * Assumption: HubSpot's API reference sends file size limits to its Knowledge Base ("supported
 * file types and sizes"), which this was not checked against; 300 MB is what the package relies on.
 */
export const HUBSPOT_ATTACHMENT_MAX_BYTES = 300 * 1024 * 1024;
export const HUBSPOT_DEFAULT_ATTACHMENT_FOLDER = '/WhatsApp SCRM';

export interface HubSpotObject {
	id: string;
	properties?: Record<string, string | null>;
	createdAt?: string;
	updatedAt?: string;
	new?: boolean;
	objectWriteTraceId?: string;
}

export interface BatchAnswer extends HubSpotErrorBody {
	results?: HubSpotObject[];
	errors?: Array<HubSpotErrorBody & { context?: Record<string, unknown> }>;
}

/**
 * Values as HubSpot's spec types them, strings (SimplePublicObjectInput.properties,
 * HubSpot/HubSpot-public-api-spec-collection): numbers and booleans as their text, lists as
 * `a;b`, dates in ISO 8601; null clears.
 */
export function hsProperties(properties: Record<string, unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(properties)) {
		if (value === undefined) continue;
		if (value === null) out[name] = '';
		else if (Array.isArray(value)) out[name] = value.map(String).join(';');
		else if (value instanceof Date) out[name] = value.toISOString();
		else if (typeof value === 'object') out[name] = JSON.stringify(value);
		else out[name] = String(value);
	}
	return out;
}

/** A key as HubSpot compares it: emails without case. */
export function keyValue(property: string, value: string): string {
	return property === 'email' ? value.trim().toLowerCase() : value;
}

export function hubspotContact(record: HubSpotObject, phoneFields: string[]): CrmContact {
	return toContact(
		record.id,
		{ ...(record.properties ?? {}) },
		modifiedAtOf(record) ?? 0,
		phoneFields,
	);
}

export function modifiedAtOf(record: HubSpotObject): number | undefined {
	return toMillis(record.properties?.lastmodifieddate) ?? toMillis(record.updatedAt);
}

/** HTML's special characters escaped, for the bodies of communications and notes. */
export function escapeHtml(text: string): string {
	return text.replace(
		/[&<>"]/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
	);
}
