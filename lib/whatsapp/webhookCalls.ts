/**
 * The `calls` field, and the call permission answers that arrive as messages.
 */
import { changeContext, contentId, customerOf, phoneDigits } from './webhookContext';
import type { Context } from './webhookContext';
import { errorsOf } from './webhookErrors';
import type { WhatsAppCallEvent, WhatsAppEvent } from './webhookEvents';
import {
	boolean,
	boundedKey,
	defined,
	isObject,
	isoSeconds,
	numberOrNumericText,
	readTime,
	str,
	usableId,
} from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';

/**
 * `calls`: `value.calls[] { id: wacid, from, to, event: connect | terminate, timestamp, direction:
 * USER_INITIATED | BUSINESS_INITIATED, status (terminate: COMPLETED | FAILED), start_time, end_time,
 * duration, biz_opaque_callback_data, errors }` and, for business-initiated calls, `value.statuses[]
 * { id, type: call, status: RINGING | ACCEPTED | REJECTED, timestamp, recipient_id }`, beside
 * `contacts[]` and `metadata`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-webhooks
 */
export function readCallsChange(
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const context = changeContext('calls', value, wabaId, receivedAt);
	if (!context) return;
	if (Array.isArray(value.calls))
		for (const call of value.calls as unknown[])
			if (isObject(call)) events.push(readCall(call, context));
	if (Array.isArray(value.statuses))
		for (const status of value.statuses as unknown[])
			if (isObject(status)) events.push(readCallStatus(status, context));
}

function callBase(context: Context, id: string, time: { iso: string; estimated: boolean }) {
	const event = {
		kind: 'call',
		id: boundedKey('call', id),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: time.iso,
	} as WhatsAppCallEvent;
	if (event.displayPhoneNumber === undefined) delete event.displayPhoneNumber;
	if (time.estimated) event.timestampEstimated = true;
	return event;
}

function readCall(call: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(call.timestamp, context.receivedAt);
	const kind = str(call.event) ?? 'unknown';
	const from = str(call.from);
	const to = str(call.to);
	const declared = str(call.direction);
	const direction: 'inbound' | 'outbound' =
		declared === 'BUSINESS_INITIATED' ||
		(declared !== 'USER_INITIATED' &&
			from !== undefined &&
			context.displayPhoneNumber !== undefined &&
			phoneDigits(from) === phoneDigits(context.displayPhoneNumber))
			? 'outbound'
			: 'inbound';
	const inbound = direction === 'inbound';
	const customer = customerOf(
		phoneDigits(inbound ? from : to),
		inbound ? str(call.from_user_id) : (str(call.to_user_id) ?? str(call.recipient_user_id)),
		inbound ? str(call.from_parent_user_id) : str(call.to_parent_user_id),
		context.contacts,
	);
	const id = usableId(call.id) ?? contentId(customer.waId ?? customer.userId, call, context);
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = kind;
	event.direction = direction;
	const caller = inbound ? (customer.e164 ?? customer.waId ?? customer.userId) : from;
	if (caller !== undefined) event.caller = caller;
	const status = str(call.status);
	if (status !== undefined) event.status = status;
	const duration = numberOrNumericText(call.duration);
	if (duration !== undefined && duration >= 0) event.durationSeconds = duration;
	const started = call.start_time !== undefined ? isoSeconds(call.start_time) : undefined;
	const ended = call.end_time !== undefined ? isoSeconds(call.end_time) : undefined;
	if (started !== undefined) event.startedAt = started;
	if (ended !== undefined) event.endedAt = ended;
	// A customer's call that ended and never talked: the business missed it.
	if (kind === 'terminate' && inbound) event.missed = !(duration !== undefined && duration > 0);
	const callback = str(call.biz_opaque_callback_data);
	if (callback !== undefined) event.bizOpaqueCallbackData = callback;
	if (Array.isArray(call.errors)) event.errors = errorsOf(call.errors);
	event.raw = call;
	return event;
}

function readCallStatus(status: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(status.timestamp, context.receivedAt);
	const customer = customerOf(
		phoneDigits(str(status.recipient_id)),
		str(status.recipient_user_id),
		str(status.parent_recipient_user_id),
		context.contacts,
	);
	const state = str(status.status) ?? 'unknown';
	const id = usableId(status.id) ?? contentId(customer.waId ?? customer.userId, status, context);
	// One call goes RINGING, ACCEPTED, …: the trigger's duplicate key adds the status to the id.
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = 'status';
	event.direction = 'outbound';
	if (context.displayPhoneNumber !== undefined) event.caller = context.displayPhoneNumber;
	event.status = state;
	const callback = str(status.biz_opaque_callback_data);
	if (callback !== undefined) event.bizOpaqueCallbackData = callback;
	if (Array.isArray(status.errors)) event.errors = errorsOf(status.errors);
	event.raw = status;
	return event;
}

/**
 * A customer's answer to a call permission request arrives as a `messages` message of type
 * `interactive` / `call_permission_reply { response: accept | reject, expiration_timestamp,
 * is_permanent, response_source }`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
 */
export function isCallPermissionReply(message: Json): boolean {
	const part = message.interactive;
	return (
		str(message.type) === 'interactive' &&
		isObject(part) &&
		str(part.type) === 'call_permission_reply'
	);
}

export function readCallPermission(message: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(message.timestamp, context.receivedAt);
	const waId = str(message.from);
	const customer = customerOf(
		waId,
		str(message.from_user_id),
		str(message.from_parent_user_id),
		context.contacts,
	);
	const part = message.interactive as Json;
	const reply = isObject(part.call_permission_reply) ? part.call_permission_reply : {};
	const response = str(reply.response);
	const id = usableId(message.id) ?? contentId(customer.waId ?? customer.userId, message, context);
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = 'permission';
	event.direction = 'inbound';
	const caller = customer.e164 ?? customer.waId ?? customer.userId;
	if (caller !== undefined) event.caller = caller;
	if (response !== undefined) event.status = response;
	event.permission = defined({
		response,
		expiresAt:
			reply.expiration_timestamp !== undefined ? isoSeconds(reply.expiration_timestamp) : undefined,
		isPermanent: boolean(reply.is_permanent),
	});
	event.raw = message;
	return event;
}
