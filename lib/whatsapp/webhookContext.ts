/**
 * Who and where a change is for: the business phone number (`metadata`), the customers of
 * `value.contacts[]`, and the stand-in id of an item Meta sent without one.
 */
import { createHash } from 'node:crypto';

import { createPhoneNormalizer } from '../phone/normalize';
import type { WhatsAppCustomer } from './webhookEvents';
import { hashJson, isObject, metaId, str } from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';

/** The change an item came in: its field, Meta account, business number and contacts, and when it arrived. */
export interface Context {
	field: string;
	wabaId: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	contacts?: ContactIndex;
	receivedAt: Receipt;
}

/** Customers write again and again: each wa_id is validated once (bounded cache). */
export const waIdToE164 = createPhoneNormalizer();

interface ContactRecord {
	waId?: string;
	userId?: string;
	parentUserId?: string;
	name?: string;
	username?: string;
}

/** `value.contacts[]` by wa_id and by user_id; usually one entry, so a small Map. */
type ContactIndex = Map<string, ContactRecord>;

export function indexContacts(contacts: unknown): ContactIndex | undefined {
	if (!Array.isArray(contacts) || contacts.length === 0) return undefined;
	const index: ContactIndex = new Map();
	for (const contact of contacts) {
		if (!isObject(contact)) continue;
		const profile = isObject(contact.profile) ? contact.profile : undefined;
		const record: ContactRecord = {
			waId: str(contact.wa_id),
			userId: str(contact.user_id),
			parentUserId: str(contact.parent_user_id),
			name: profile ? str(profile.name) : undefined,
			username: profile ? str(profile.username) : undefined,
		};
		if (record.waId) index.set(record.waId, record);
		if (record.userId) index.set(record.userId, record);
	}
	return index;
}

/**
 * The customer from the message or status, completed from the matching `contacts[]` entry: a
 * message may carry only the BSUID while its contact entry also has the phone, or the reverse.
 */
export function customerOf(
	waIdGiven: string | undefined,
	userIdGiven: string | undefined,
	parentUserIdGiven: string | undefined,
	contacts: ContactIndex | undefined,
): WhatsAppCustomer {
	const contact =
		contacts &&
		((waIdGiven && contacts.get(waIdGiven)) ||
			(userIdGiven && contacts.get(userIdGiven)) ||
			undefined);
	const waId = waIdGiven || contact?.waId;
	const userId = userIdGiven || contact?.userId;
	const parentUserId = parentUserIdGiven || contact?.parentUserId;
	const customer: WhatsAppCustomer = {};
	if (waId) {
		customer.waId = waId;
		const phone = waIdToE164(`+${waId}`);
		if (phone.ok) customer.e164 = phone.e164;
	}
	if (userId) customer.userId = userId;
	if (parentUserId) customer.parentUserId = parentUserId;
	if (contact?.name) customer.name = contact.name;
	if (contact?.username) customer.username = contact.username;
	return customer;
}

export function countryOf(e164: string): string | undefined {
	const phone = waIdToE164(e164);
	return phone.ok ? phone.country : undefined;
}

/** The digits of a phone Meta wrote with or without a leading `+` (`to` of an echo). */
export function phoneDigits(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const digits = value.startsWith('+') ? value.slice(1) : value;
	return /^[0-9]{1,20}$/.test(digits) ? digits : undefined;
}

/** The business number and contacts a change is for; none when it names no number (no events, never a failed delivery). */
export function changeContext(
	field: string,
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
): Context | undefined {
	const metadata = isObject(value.metadata) ? value.metadata : undefined;
	const phoneNumberId = metadata
		? metaId(metadata.phone_number_id, `${field} value.metadata.phone_number_id`)
		: undefined;
	if (!phoneNumberId) return undefined;
	return {
		field,
		wabaId,
		phoneNumberId,
		displayPhoneNumber: metadata ? str(metadata.display_phone_number) : undefined,
		contacts: indexContacts(value.contacts),
		receivedAt,
	};
}

/**
 * Meta always sends a wamid; should one be missing or empty, a stand-in from the whole content
 * keeps a redelivery detectable while two different events never share it (two messages with
 * `id: ""` used to merge into one).
 */
export function contentId(sender: string | undefined, item: Json, context: Context): string {
	const hash = createHash('sha256');
	hash.update(`${context.wabaId}\u0000${context.phoneNumberId}\u0000`);
	hashJson(hash, item);
	const who = sender !== undefined && sender.length <= 64 && sender !== '' ? sender : 'unknown';
	return `nowamid:${who}:${hash.digest('hex').slice(0, 32)}`;
}
