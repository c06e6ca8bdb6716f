/**
 * The `user_preferences` field: a customer stopped or resumed marketing messages.
 */
import { customerOf, indexContacts } from './webhookContext';
import type { WhatsAppEvent, WhatsAppPreferenceEvent } from './webhookEvents';
import { boundedKey, isObject, metaId, readTime, str } from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';

/**
 * `user_preferences`: `value.user_preferences[] { wa_id, user_id?, parent_user_id?, detail, category,
 * value: stop | resume, timestamp }` beside `contacts[]` and `metadata`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * A change without a business phone number or without a list gives no events (never fails the delivery).
 */
export function readPreferencesChange(
	value: Json,
	wabaId: string,
	where: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const metadata = isObject(value.metadata) ? value.metadata : undefined;
	const phoneNumberId = metadata
		? metaId(metadata.phone_number_id, `${where}.value.metadata.phone_number_id`)
		: undefined;
	if (!phoneNumberId || !Array.isArray(value.user_preferences)) return;
	const contacts = indexContacts(value.contacts);
	for (const preference of value.user_preferences as unknown[]) {
		if (!isObject(preference)) continue;
		const time = readTime(preference.timestamp, receivedAt);
		const customer = customerOf(
			str(preference.wa_id),
			str(preference.user_id),
			str(preference.parent_user_id),
			contacts,
		);
		const category = str(preference.category) ?? 'unknown';
		const choice = str(preference.value) ?? 'unknown';
		const event: WhatsAppPreferenceEvent = {
			kind: 'preference',
			id: boundedKey(
				'preference',
				`preference:${customer.userId ?? customer.waId ?? 'unknown'}:${category}:${choice}:${time.estimated ? '' : time.iso}`,
			),
			field: 'user_preferences',
			wabaId,
			phoneNumberId,
			displayPhoneNumber: metadata ? str(metadata.display_phone_number) : undefined,
			timestamp: time.iso,
			customer,
			category,
			value: choice,
		} as WhatsAppPreferenceEvent;
		if (event.displayPhoneNumber === undefined) delete event.displayPhoneNumber;
		if (time.estimated) event.timestampEstimated = true;
		if (choice === 'stop') event.optedOut = true;
		else if (choice === 'resume') event.optedOut = false;
		const detail = str(preference.detail);
		if (detail !== undefined) event.detail = detail;
		event.raw = preference;
		events.push(event);
	}
}
