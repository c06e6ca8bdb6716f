/**
 * Who a message goes to and what travels with it (a quoted message, correlation data): the fields
 * every message body of the send endpoint shares.
 */
import type { OutboundMessage } from './graphTypes';
import { MessageInputError, optionalTextOf } from './messageValues';
import { recipientFields } from './recipient';

export interface Envelope {
	/**
	 * The customer: a phone number (sent as `to`) or a business-scoped user id / parent id such as
	 * `HK.1502576394655843` (sent as `recipient`, for customers with a username and no number).
	 */
	to: string;
	/** Quote this message: the reply shows it above (`context.message_id`). */
	replyTo?: string;
	/** Echoed in this message's status webhooks: a correlation id (≤ 512 bytes). */
	bizOpaqueCallbackData?: string;
}

/** A message body with the envelope's fields: recipient, quoted message, correlation data. */
export function wrap(envelope: Envelope, message: Record<string, unknown>): OutboundMessage {
	const to = optionalTextOf('The recipient (to)', envelope.to);
	if (!to) throw new MessageInputError('The recipient (to) is empty');
	const replyTo = optionalTextOf('The message to reply to', envelope.replyTo);
	const correlation = optionalTextOf(
		'The correlation data (biz_opaque_callback_data)',
		envelope.bizOpaqueCallbackData,
	);
	if (correlation && Buffer.byteLength(correlation) > 512) {
		throw new MessageInputError(
			'The correlation data (biz_opaque_callback_data) is longer than 512 bytes',
		);
	}
	return {
		recipient_type: 'individual',
		...recipientFields(to),
		...(replyTo ? { context: { message_id: replyTo } } : {}),
		...(correlation ? { biz_opaque_callback_data: correlation } : {}),
		...message,
	} as OutboundMessage;
}
