/**
 * A coexistence number (the WhatsApp Business app and the Cloud API on one number): echoes of
 * what the business typed in the app, the shared chat history, and the app's contacts.
 */
import { changeContext, customerOf, phoneDigits } from './webhookContext';
import type { Context } from './webhookContext';
import { readErrors } from './webhookErrors';
import type {
	WhatsAppContactEvent,
	WhatsAppEchoEvent,
	WhatsAppEvent,
	WhatsAppHistoryEvent,
} from './webhookEvents';
import { readMessage } from './webhookMessages';
import {
	boundedKey,
	defined,
	isObject,
	numberOrNumericText,
	readTime,
	str,
} from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';

export const COEXISTENCE_FIELDS = new Set(['smb_message_echoes', 'history', 'smb_app_state_sync']);

/**
 * A coexistence number's change. Each needs the business phone number (`metadata.phone_number_id`);
 * without it, or without its list, the change gives no events and never fails the delivery.
 * - `smb_message_echoes`: `value.message_echoes[] { from: business, to: customer, id, timestamp,
 *   type, <type>: {…} }`; the customer may come as `to_user_id` too. Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
 * - `history`: `value.history[] { metadata: { phase, chunk_order, progress }, threads[] { id:
 *   customer, messages[] { from, id, timestamp, type, <type>, history_context: { status } } } }`, or
 *   `history[].errors[]` when the business declined to share (code 2593109). Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history
 * - `smb_app_state_sync`: `value.state_sync[] { type: contact, contact: { full_name, first_name,
 *   phone_number }, action: add | remove, metadata: { timestamp } }`. Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
 */
export function readCoexistenceChange(
	field: string,
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const context = changeContext(field, value, wabaId, receivedAt);
	if (!context) return;
	if (field === 'smb_message_echoes') {
		if (!Array.isArray(value.message_echoes)) return;
		for (const echo of value.message_echoes as unknown[])
			if (isObject(echo)) events.push(readEcho(echo, context));
	} else if (field === 'history') {
		if (!Array.isArray(value.history)) return;
		for (const chunk of value.history as unknown[])
			if (isObject(chunk)) readHistoryChunk(chunk, context, events);
	} else if (Array.isArray(value.state_sync)) {
		for (const sync of value.state_sync as unknown[])
			if (isObject(sync) && str(sync.type) === 'contact') {
				const event = readAppContact(sync, context);
				if (event) events.push(event);
			}
	}
}

function readEcho(echo: Json, context: Context): WhatsAppEchoEvent {
	// The message readers, then the customer is the person written to, not the business (`from`).
	const event = readMessage(echo, context) as unknown as WhatsAppEchoEvent;
	event.kind = 'echo';
	event.customer = customerOf(
		phoneDigits(str(echo.to)),
		str(echo.to_user_id) ?? str(echo.recipient_user_id),
		str(echo.to_parent_user_id) ?? str(echo.recipient_parent_user_id),
		context.contacts,
	);
	event.direction = 'outbound';
	const from = str(echo.from);
	if (from !== undefined) event.from = from;
	// `raw` last, as for messages.
	const raw = event.raw;
	delete (event as Partial<WhatsAppEchoEvent>).raw;
	event.raw = raw;
	return event;
}

function readHistoryChunk(chunk: Json, context: Context, events: WhatsAppEvent[]): void {
	if (Array.isArray(chunk.errors) && chunk.errors.length > 0)
		events.push(readErrors(chunk.errors as unknown[], context));
	if (!Array.isArray(chunk.threads)) return;
	const meta = isObject(chunk.metadata) ? chunk.metadata : undefined;
	const phase = meta ? numberOrNumericText(meta.phase) : undefined;
	const chunkOrder = meta ? numberOrNumericText(meta.chunk_order) : undefined;
	const progress = meta ? numberOrNumericText(meta.progress) : undefined;
	for (const thread of chunk.threads as unknown[]) {
		if (!isObject(thread) || !Array.isArray(thread.messages)) continue;
		const threadId = str(thread.id);
		const customerWaId = phoneDigits(threadId);
		const customerUserId = threadId !== undefined && !customerWaId ? threadId : undefined;
		for (const message of thread.messages as unknown[]) {
			if (!isObject(message)) continue;
			const event = readMessage(message, context) as unknown as WhatsAppHistoryEvent;
			const from = str(message.from);
			const inbound =
				from !== undefined &&
				(from === threadId || (customerWaId !== undefined && phoneDigits(from) === customerWaId));
			event.kind = 'history';
			event.history = true;
			event.direction = inbound ? 'inbound' : 'outbound';
			if (!inbound)
				event.customer = customerOf(customerWaId, customerUserId, undefined, context.contacts);
			const historyContext = isObject(message.history_context) ? message.history_context : {};
			const status = str(historyContext.status);
			if (status !== undefined) event.historyStatus = status;
			if (phase !== undefined) event.phase = phase;
			if (chunkOrder !== undefined) event.chunkOrder = chunkOrder;
			if (progress !== undefined) event.progress = progress;
			const raw = event.raw;
			delete (event as Partial<WhatsAppHistoryEvent>).raw;
			event.raw = raw;
			events.push(event);
		}
	}
}

function readAppContact(sync: Json, context: Context): WhatsAppContactEvent | undefined {
	const contact = isObject(sync.contact) ? sync.contact : undefined;
	if (!contact) return undefined;
	const phone = str(contact.phone_number);
	const digits = phoneDigits(phone);
	const meta = isObject(sync.metadata) ? sync.metadata : undefined;
	const time = readTime(meta?.timestamp, context.receivedAt);
	const action = str(sync.action) ?? 'unknown';
	const customer = customerOf(digits, undefined, undefined, undefined);
	const name = str(contact.full_name);
	const firstName = str(contact.first_name);
	if (name) customer.name = name;
	const event: WhatsAppContactEvent = {
		kind: 'contact',
		id: boundedKey(
			'contact',
			`contact:${context.phoneNumberId}:${phone ?? 'unknown'}:${action}:${time.estimated ? '' : time.iso}`,
		),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		timestamp: time.iso,
		customer,
		action,
		contact: defined({ name, firstName, phone, e164: customer.e164 }),
		raw: sync,
	};
	if (context.displayPhoneNumber !== undefined)
		event.displayPhoneNumber = context.displayPhoneNumber;
	if (time.estimated) event.timestampEstimated = true;
	// `raw` last.
	const raw = event.raw;
	delete (event as Partial<WhatsAppContactEvent>).raw;
	event.raw = raw;
	return event;
}
