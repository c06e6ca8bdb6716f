/** POST /{phone_number_id}/messages: read receipts, and sends with Meta's validation and limits. */
import { randomBytes } from 'node:crypto';

import { phoneOr } from './lookup';
import { invalidParameter, whatsappError } from './errors';
import { digits, isUserId } from './ids';
import { checkLimits } from './limits';
import { checkTemplate } from './templates';
import type { SimTemplate } from './types';
import { isObject, type Answer, type RequestContext, type Simulation } from './wire';

const SEND_TYPES = new Set([
	'text',
	'template',
	'image',
	'audio',
	'video',
	'document',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'reaction',
]);
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

export function sendMessage(sim: Simulation, ctx: RequestContext, phoneNumberId: string): Answer {
	const { state } = sim;
	phoneOr(state, phoneNumberId, 'POST');
	const body = ctx.body;
	if (!isObject(body)) throw invalidParameter('The parameter messaging_product is required.');
	if (body.messaging_product !== 'whatsapp') {
		throw invalidParameter(
			body.messaging_product === undefined
				? 'The parameter messaging_product is required.'
				: "Param messaging_product must be 'whatsapp'",
		);
	}
	const now = state.now();
	if (body.status === 'read') {
		if (typeof body.message_id !== 'string' || !body.message_id)
			throw invalidParameter('The parameter message_id is required.');
		state.reads.push({
			phoneNumberId,
			messageId: body.message_id,
			typing: isObject(body.typing_indicator),
			at: now,
		});
		return { status: 200, json: { success: true } };
	}
	// A customer is named by phone in `to`, or by business-scoped user id in `recipient` (since
	// May 2026); when both are given `to` wins. Source:
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
	// (and https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid:
	// "Both provided: msisdn takes precedence").
	const to = typeof body.to === 'string' && body.to.trim() !== '' ? body.to : undefined;
	const recipient =
		to === undefined && typeof body.recipient === 'string' && body.recipient.trim() !== ''
			? body.recipient
			: undefined;
	if (to === undefined && recipient === undefined)
		throw invalidParameter('The parameter to is required.');
	// Assumption: a malformed id is refused like a malformed number (131009). The form is two
	// letters, a dot, up to 128 letters and digits; parent ids CC.ENT.… (360dialog's BSUID page:
	// https://docs.360dialog.com/docs/resources/phone-numbers/usernames-and-bsuid).
	if (recipient !== undefined && !isUserId(recipient))
		throw whatsappError(
			131009,
			`Parameter recipient (${recipient.slice(0, 140)}) is not a valid business-scoped user ID`,
		);
	const type = body.type === undefined ? 'text' : body.type;
	if (typeof type !== 'string' || !SEND_TYPES.has(type)) {
		throw invalidParameter(
			`Param type must be one of {${[...SEND_TYPES].map((t) => t.toUpperCase()).join(', ')}}`,
		);
	}
	if (
		body.recipient_type !== undefined &&
		body.recipient_type !== 'individual' &&
		body.recipient_type !== 'group'
	) {
		throw invalidParameter('Param recipient_type must be one of {INDIVIDUAL, GROUP}');
	}
	if (
		typeof body.biz_opaque_callback_data === 'string' &&
		body.biz_opaque_callback_data.length > 512
	) {
		throw invalidParameter('Param biz_opaque_callback_data must be at most 512 characters long');
	}
	const waId = to !== undefined ? digits(to) : recipient!;
	if (to !== undefined && body.recipient_type !== 'group' && !/^\d{6,15}$/.test(waId)) {
		throw whatsappError(131009, `Parameter to (${to}) is not a valid phone number`);
	}
	const part: unknown = body[type];
	// `contacts` is an array of contact objects, each with name.formatted_name. Source:
	// https://developers.facebook.com/docs/whatsapp/cloud-api/messages/contacts-messages
	if (type === 'contacts') checkContacts(part);
	else if (!isObject(part)) throw invalidParameter(`The parameter ${type} is required.`);
	const content = (isObject(part) ? part : {}) as Record<string, unknown>;
	if (type === 'text') {
		if (typeof content.body !== 'string' || content.body === '')
			throw invalidParameter("The parameter text['body'] is required.");
		if ([...content.body].length > 4096)
			throw invalidParameter("Param text['body'] must be at most 4096 characters long.");
	}
	if (MEDIA_TYPES.has(type) && typeof content.id !== 'string' && typeof content.link !== 'string') {
		throw whatsappError(131008, `${type}: one of id or link is required`);
	}
	let template: SimTemplate | undefined;
	if (type === 'template')
		template = checkTemplate(
			state,
			state.phoneNumbers.get(phoneNumberId)!.wabaId,
			content,
			recipient !== undefined,
		);

	checkLimits(state, phoneNumberId, waId, type, now);

	state.countTraffic(phoneNumberId, now);
	const id = `wamid.${Buffer.from(`HBgL${waId}${randomBytes(12).toString('hex')}`).toString('base64')}`;
	state.sent.push({
		id,
		phoneNumberId,
		to: to ?? recipient!,
		waId,
		...(recipient !== undefined ? { recipient } : {}),
		type,
		template: template ? { name: template.name, language: template.language } : undefined,
		body,
		receivedAt: now,
	});
	const message: Record<string, string> = { id };
	// Meta reports a pacing status for template sends.
	if (template) message.message_status = 'accepted';
	return {
		status: 200,
		json: {
			messaging_product: 'whatsapp',
			// A send to a business-scoped user id is answered with the id in contacts[].user_id.
			contacts: [
				recipient !== undefined
					? { input: recipient, user_id: recipient }
					: {
							input: to,
							wa_id: waId,
							...(state.userIds.has(waId) ? { user_id: state.userIds.get(waId) } : {}),
						},
			],
			messages: [message],
		},
	};
}

/** A contacts message: a non-empty array of contacts, each with `name.formatted_name`. */
function checkContacts(content: unknown): void {
	if (!Array.isArray(content) || content.length === 0)
		throw invalidParameter('The parameter contacts is required.');
	content.forEach((contact, index) => {
		const name = isObject(contact) ? contact.name : undefined;
		if (!isObject(name) || typeof name.formatted_name !== 'string' || name.formatted_name === '')
			throw invalidParameter(
				`The parameter contacts[${index}]['name']['formatted_name'] is required.`,
			);
	});
}
