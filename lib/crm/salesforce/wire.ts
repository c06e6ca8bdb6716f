/**
 * Salesforce's wire format: the sizes it documents, its answers (save results, query pages), SOQL
 * literals, and a record as a CrmContact.
 */
import type { HttpResponse } from '../../http/transport';
import { toContact } from '../contact';
import type { CanonicalField, CrmContact } from '../types';

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
/** Numbers per SOSL search: each adds up to three terms to the FIND clause. */
export const NUMBERS_PER_SEARCH = 20;
export const VALUES_PER_QUERY = 100;
/** Task lookups put one LIKE per message in the query, which travels in the URL (about 16 KB at most). */
export const LOGS_PER_QUERY = 40;
export const SUBJECT_MAX = 255;
export const DESCRIPTION_MAX = 32_000;
export const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** ContentVersion through sObject Basic Information as multipart (Salesforce's REST guide, "Insert or Update Blob Data"). */
export const SALESFORCE_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
export const CONTENT_DESCRIPTION_MAX = 1000;
export const CONTENT_TITLE_MAX = 255;

/** Throws for a name that is no field API name: names travel inside SOQL. */
export function assertFieldName(name: string): void {
	if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a Salesforce field API name`);
}

export interface SfError {
	statusCode?: string;
	errorCode?: string;
	message?: string;
	fields?: string[];
}

export interface SfSaveResult {
	id?: string | null;
	success?: boolean;
	created?: boolean;
	errors?: SfError[];
}

export interface SfQueryPage {
	records?: Array<Record<string, unknown>>;
	done?: boolean;
	nextRecordsUrl?: string;
}

export function salesforceContact(
	record: Record<string, unknown>,
	phoneFields: string[],
): CrmContact {
	const { attributes: _attributes, ...properties } = record;
	return toContact(properties.Id, properties, properties.LastModifiedDate, phoneFields);
}

/** A SOQL string literal: backslash, quotes and control characters escaped. */
export function soqlString(value: string): string {
	return quote(value.replace(/\\/g, '\\\\'));
}

/** A LIKE pattern matching `value` anywhere: its `%`, `_` and backslashes taken literally. */
export function soqlContains(value: string): string {
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

export function header(response: HttpResponse, name: string): string | undefined {
	return Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}
