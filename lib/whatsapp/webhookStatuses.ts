/**
 * Delivery statuses of messages the business sent (`value.statuses[]` of a `messages` change).
 */
import { contentId, customerOf } from './webhookContext';
import type { Context } from './webhookContext';
import { errorsOf } from './webhookErrors';
import type { WhatsAppStatusEvent } from './webhookEvents';
import { boolean, defined, isObject, isoSeconds, readTime, str, usableId } from './webhookReaders';
import type { Json } from './webhookReaders';

export function readStatus(status: Json, context: Context): WhatsAppStatusEvent {
	const time = readTime(status.timestamp, context.receivedAt);
	const groupId = str(status.recipient_type) === 'group' ? str(status.recipient_id) : undefined;
	const givenId = usableId(status.id);
	const event: WhatsAppStatusEvent = {
		kind: 'status',
		id:
			givenId ??
			contentId(str(status.recipient_id) ?? str(status.recipient_user_id), status, context),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: time.iso,
		customer: groupId
			? {}
			: customerOf(
					str(status.recipient_id),
					str(status.recipient_user_id),
					str(status.parent_recipient_user_id) ?? str(status.recipient_parent_user_id),
					context.contacts,
				),
		status: str(status.status) ?? 'unknown',
	} as WhatsAppStatusEvent;
	if (time.estimated) event.timestampEstimated = true;
	if (givenId === undefined) event.idDerived = true;
	if (groupId) event.groupId = groupId;

	const conversation = status.conversation;
	if (isObject(conversation)) {
		const origin = conversation.origin;
		const expiration = conversation.expiration_timestamp;
		event.conversation = defined({
			id: str(conversation.id),
			originType: isObject(origin) ? str(origin.type) : undefined,
			expiresAt:
				expiration !== undefined && expiration !== null ? isoSeconds(expiration) : undefined,
		});
	}
	const pricing = status.pricing;
	if (isObject(pricing)) {
		event.pricing = defined({
			billable: boolean(pricing.billable),
			category: str(pricing.category),
			pricingModel: str(pricing.pricing_model),
			type: str(pricing.type),
		});
	}
	const callbackData = str(status.biz_opaque_callback_data);
	if (callbackData !== undefined) event.bizOpaqueCallbackData = callbackData;
	if (Array.isArray(status.errors)) event.errors = errorsOf(status.errors);
	event.raw = status;
	return event;
}
