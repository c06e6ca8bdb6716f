/**
 * Meta's WhatsApp Cloud API webhook payload, read into flat events: one per customer message, per
 * delivery status and per account-level error list.
 *
 * What fails and what does not: Meta retries a delivery that is not answered 200, so one odd part
 * must never block the rest. Only a body without Meta's envelope (not an object, `entry` or
 * `changes` not lists, a `messages` change without its value, metadata or lists) throws
 * WebhookPayloadError. Inside a good envelope, a message or status with an unreadable timestamp
 * keeps its place with the time of receipt (`timestampEstimated: true`), items that are not
 * objects are skipped, unknown message types keep their raw part, `user_preferences` changes give
 * `preference` events (a customer stopped or resumed marketing), and other change fields (template
 * status, account updates, calls, echoes, …) give no events unless asked for with
 * `{ includeOtherFields: true }`.
 *
 * This file walks the envelope and hands each change to the reader of its field: webhookMessages
 * (messages, with webhookStatuses, webhookErrors and webhookMessageParts), webhookPreferences,
 * webhookCoexistence, webhookCalls and webhookTemplates. The events are declared in webhookEvents;
 * webhookContext and webhookReaders hold what they share (customers, ids, bounds, typed readers).
 */
import { readCallsChange } from './webhookCalls';
import { COEXISTENCE_FIELDS, readCoexistenceChange } from './webhookCoexistence';
import { WebhookPayloadError } from './webhookEvents';
import type { ParseWebhookOptions, WhatsAppChangeEvent, WhatsAppEvent } from './webhookEvents';
import { readMessagesChange } from './webhookMessages';
import { readPreferencesChange } from './webhookPreferences';
import { describe, isObject, metaId, readTime, Receipt, str } from './webhookReaders';
import type { Json } from './webhookReaders';
import { readTemplateChange, TEMPLATE_FIELDS } from './webhookTemplates';

export { EVENT_KINDS, WebhookPayloadError } from './webhookEvents';
export type {
	ParseWebhookOptions,
	WhatsAppCallEvent,
	WhatsAppChangeEvent,
	WhatsAppContactEvent,
	WhatsAppCustomer,
	WhatsAppEchoEvent,
	WhatsAppErrorEvent,
	WhatsAppEvent,
	WhatsAppEventError,
	WhatsAppHistoryEvent,
	WhatsAppMediaPart,
	WhatsAppMessageEvent,
	WhatsAppPreferenceEvent,
	WhatsAppReferral,
	WhatsAppReply,
	WhatsAppSharedContact,
	WhatsAppStatusEvent,
	WhatsAppTemplateEvent,
} from './webhookEvents';

/**
 * Reads a webhook body (already JSON-parsed) into events, in the order Meta sent them. Another
 * `object` than `whatsapp_business_account` gives none. Throws WebhookPayloadError when the body
 * does not have Meta's envelope.
 */
export function parseWebhook(
	body: unknown,
	options?: ParseWebhookOptions & { includeOtherFields?: false },
): WhatsAppEvent[];
export function parseWebhook(
	body: unknown,
	options: ParseWebhookOptions,
): Array<WhatsAppEvent | WhatsAppChangeEvent>;
export function parseWebhook(
	body: unknown,
	options: ParseWebhookOptions = {},
): Array<WhatsAppEvent | WhatsAppChangeEvent> {
	if (!isObject(body))
		throw new WebhookPayloadError(`the body is ${describe(body)}, not a JSON object`);
	if (body.object !== 'whatsapp_business_account') return [];
	const entries = body.entry;
	if (!Array.isArray(entries))
		throw new WebhookPayloadError(
			`is ${describe(entries)}, expected an array of entries`,
			'"entry"',
		);
	const events: Array<WhatsAppEvent | WhatsAppChangeEvent> = [];
	const receivedAt = new Receipt();
	for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
		const entry: unknown = entries[entryIndex];
		const entryPath = `entry[${entryIndex}]`;
		if (!isObject(entry))
			throw new WebhookPayloadError(`is ${describe(entry)}, expected an object`, entryPath);
		const changes = entry.changes;
		if (!Array.isArray(changes))
			throw new WebhookPayloadError(
				`is ${describe(changes)}, expected an array`,
				`${entryPath}.changes`,
			);
		const wabaId = metaId(entry.id, `${entryPath}.id`) ?? '';
		for (let changeIndex = 0; changeIndex < changes.length; changeIndex++) {
			const change: unknown = changes[changeIndex];
			const changePath = `${entryPath}.changes[${changeIndex}]`;
			if (!isObject(change))
				throw new WebhookPayloadError(`is ${describe(change)}, expected an object`, changePath);
			const field = str(change.field) ?? '';
			if (field === 'messages') {
				readMessagesChange(change.value, wabaId, changePath, receivedAt, events as WhatsAppEvent[]);
			} else if (field === 'user_preferences' && isObject(change.value)) {
				readPreferencesChange(
					change.value,
					wabaId,
					changePath,
					receivedAt,
					events as WhatsAppEvent[],
				);
			} else if (COEXISTENCE_FIELDS.has(field) && isObject(change.value)) {
				readCoexistenceChange(field, change.value, wabaId, receivedAt, events as WhatsAppEvent[]);
			} else if (field === 'calls' && isObject(change.value)) {
				readCallsChange(change.value, wabaId, receivedAt, events as WhatsAppEvent[]);
			} else if (TEMPLATE_FIELDS.has(field) && isObject(change.value)) {
				const template = readTemplateChange(field, change.value, wabaId, entry, receivedAt);
				if (template) events.push(template);
			} else if (options.includeOtherFields) {
				events.push(otherChange(field, wabaId, entry, change.value, changePath, receivedAt));
			}
		}
	}
	return events;
}

function otherChange(
	field: string,
	wabaId: string,
	entry: Json,
	value: unknown,
	where: string,
	receivedAt: Receipt,
): WhatsAppChangeEvent {
	const valueObject = isObject(value) ? value : undefined;
	const metadata = valueObject?.metadata;
	const rawTime = entry.time ?? valueObject?.timestamp;
	const time = readTime(rawTime, receivedAt);
	const event: WhatsAppChangeEvent = { kind: 'change', field, wabaId, timestamp: time.iso, value };
	const phoneNumberId = isObject(metadata)
		? metaId(metadata.phone_number_id, `${where}.value.metadata.phone_number_id`)
		: undefined;
	if (phoneNumberId) event.phoneNumberId = phoneNumberId;
	if (time.estimated) event.timestampEstimated = true;
	return event;
}
