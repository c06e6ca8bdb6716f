/**
 * The `messages` field: customer messages, delivery statuses and error lists of one change. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
import { isCallPermissionReply, readCallPermission } from './webhookCalls';
import { contentId, customerOf, indexContacts } from './webhookContext';
import type { Context } from './webhookContext';
import { errorsOf, readErrors } from './webhookErrors';
import { WebhookPayloadError } from './webhookEvents';
import type { WhatsAppEvent, WhatsAppMessageEvent } from './webhookEvents';
import {
	locationOf,
	mediaOf,
	readEdit,
	readInteractive,
	readOrder,
	readSystem,
	referralOf,
	setText,
	sharedContactsOf,
} from './webhookMessageParts';
import {
	boolean,
	defined,
	describe,
	isObject,
	list,
	metaId,
	readTime,
	str,
	usableId,
} from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';
import { readStatus } from './webhookStatuses';

export function readMessagesChange(
	value: unknown,
	wabaId: string,
	where: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	if (!isObject(value))
		throw new WebhookPayloadError(`is ${describe(value)}, expected an object`, `${where}.value`);
	const metadata = value.metadata;
	const phoneNumberId = isObject(metadata)
		? metaId(metadata.phone_number_id, `${where}.value.metadata.phone_number_id`)
		: undefined;
	if (!phoneNumberId) {
		throw new WebhookPayloadError(
			'is missing: every messages change names the business phone number it is for',
			`${where}.value.metadata.phone_number_id`,
		);
	}
	const context: Context = {
		field: 'messages',
		wabaId,
		phoneNumberId,
		displayPhoneNumber: str((metadata as Json).display_phone_number),
		contacts: indexContacts(value.contacts),
		receivedAt,
	};

	const messages = list(value.messages, `${where}.value.messages`);
	for (let i = 0; i < messages.length; i++) {
		const message: unknown = messages[i];
		if (!isObject(message)) continue;
		events.push(
			isCallPermissionReply(message)
				? readCallPermission(message, context)
				: readMessage(message, context),
		);
	}
	const statuses = list(value.statuses, `${where}.value.statuses`);
	for (let i = 0; i < statuses.length; i++) {
		const status: unknown = statuses[i];
		if (isObject(status)) events.push(readStatus(status, context));
	}
	const errors = list(value.errors, `${where}.value.errors`);
	if (errors.length > 0) events.push(readErrors(errors, context));
}

export function readMessage(message: Json, context: Context): WhatsAppMessageEvent {
	const type = str(message.type) ?? 'unknown';
	const waId = str(message.from);
	const userId = str(message.from_user_id) ?? str(message.user_id);
	const time = readTime(message.timestamp, context.receivedAt);
	const givenId = usableId(message.id);
	const event: WhatsAppMessageEvent = {
		kind: 'message',
		id: givenId ?? contentId(waId ?? userId, message, context),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: time.iso,
		customer: customerOf(waId, userId, str(message.from_parent_user_id), context.contacts),
		type,
	} as WhatsAppMessageEvent;
	if (time.estimated) event.timestampEstimated = true;
	if (givenId === undefined) event.idDerived = true;

	const part = isObject(message[type]) ? (message[type] as Json) : undefined;
	switch (type) {
		case 'text':
			if (part) setText(event, str(part.body));
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker':
			if (part) {
				event.media = mediaOf(part);
				setText(event, event.media.caption);
			}
			break;
		case 'location':
			if (part) event.location = locationOf(part);
			break;
		case 'contacts':
			if (Array.isArray(message.contacts))
				event.contacts = sharedContactsOf(message.contacts, event.customer);
			break;
		case 'interactive':
			if (part) readInteractive(event, part);
			break;
		case 'button':
			if (part) {
				event.reply = defined({
					kind: 'template_button',
					title: str(part.text),
					payload: str(part.payload),
				});
				setText(event, event.reply.title);
			}
			break;
		case 'reaction':
			if (part) {
				const emoji = str(part.emoji);
				event.reaction = defined({ messageId: str(part.message_id), emoji: emoji || undefined });
				if (!emoji) event.reaction.removed = true;
			}
			break;
		case 'order':
			if (part) readOrder(event, part);
			break;
		case 'system':
			if (part) readSystem(event, part, waId, userId);
			break;
		case 'edit':
			if (part) readEdit(event, part);
			break;
		case 'revoke':
			if (part) event.revoke = defined({ originalMessageId: str(part.original_message_id) });
			break;
		case 'unsupported':
			if (part) event.unsupportedType = str(part.type);
			break;
		default:
			// Future types keep their raw part on `raw` for the workflow.
			break;
	}

	const replyContext = message.context;
	if (isObject(replyContext)) {
		const referred = replyContext.referred_product;
		event.context = defined({
			messageId: str(replyContext.id),
			from: str(replyContext.from),
			forwarded: boolean(replyContext.forwarded),
			frequentlyForwarded: boolean(replyContext.frequently_forwarded),
			referredProduct: isObject(referred)
				? defined({
						catalogId: str(referred.catalog_id),
						productRetailerId: str(referred.product_retailer_id),
					})
				: undefined,
		});
	}
	if (isObject(message.referral)) event.referral = referralOf(message.referral);
	const groupId = str(message.group_id);
	if (groupId) event.groupId = groupId;
	if (Array.isArray(message.errors)) event.errors = errorsOf(message.errors);
	// Last, so n8n shows the readable fields first.
	event.raw = message;
	return event;
}
