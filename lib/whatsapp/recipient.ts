/**
 * Who a message goes to: a phone number (`to`) or a business-scoped user id (`recipient`).
 *
 * Since May 2026 the Cloud API accepts a customer's business-scoped user id (BSUID) in the send
 * field `recipient`; a phone number stays in `to`, and when both are given `to` wins. Format: the
 * two-letter country of the user's number, a dot, then up to 128 letters and digits
 * (`HK.1502576394655843`); a parent id shared by linked business portfolios puts `ENT.` after the
 * country (`US.ENT.11815799212886844830`).
 * Sources: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
 * (request and response changes), https://docs.360dialog.com/docs/resources/phone-numbers/usernames-and-bsuid
 * (format, parent BSUID), https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid
 * (phone number takes precedence when both are given).
 */
import { normalizePhone } from '../phone';
import { MessageInputError } from './messageValues';

const USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;
const PARENT_USER_ID = /^[A-Z]{2}\.ENT\.[A-Za-z0-9]{1,128}$/;

/** A business-scoped user id (`HK.1502576394655843`), not a parent id. */
export function isBusinessScopedUserId(value: unknown): boolean {
	return typeof value === 'string' && USER_ID.test(value);
}

/** A parent business-scoped user id (`US.ENT.11815799212886844830`). */
export function isParentUserId(value: unknown): boolean {
	return typeof value === 'string' && PARENT_USER_ID.test(value);
}

/** A value Meta takes in `recipient`: a business-scoped user id or a parent id. */
export function isUserIdRecipient(value: unknown): boolean {
	return isBusinessScopedUserId(value) || isParentUserId(value);
}

/** The send field for a customer, by the value's form: `recipient` for user ids, `to` for phones. */
export function recipientFields(customer: string): { to: string } | { recipient: string } {
	return isUserIdRecipient(customer) ? { recipient: customer } : { to: customer };
}

/** The customer a message body names, as Meta reads it: `to` wins over `recipient`. */
export function customerOf(message: { to?: unknown; recipient?: unknown }): string {
	if (typeof message.to === 'string' && message.to !== '') return message.to;
	return typeof message.recipient === 'string' ? message.recipient : '';
}

/**
 * The customer as the user typed it: E.164 for phone numbers in any format people type; a
 * business-scoped user id (`HK.1502576394655843`) or parent id (`US.ENT.…`) passes as it is and
 * goes out in Meta's `recipient` field. Anything else is refused with why (MessageInputError).
 */
export function readRecipient(raw: unknown, defaultCountry?: string): string {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (isUserIdRecipient(value)) return value;
	if (/^[A-Za-z]{2}\./.test(value))
		throw new MessageInputError(
			`Recipient "${value.slice(0, 140)}" is neither a phone number nor a business-scoped user id (two capital letters, a dot, up to 128 letters and digits, e.g. HK.1502576394655843; parent ids US.ENT.…)`,
		);
	const phone = normalizePhone(value, { defaultCountry: defaultCountry || undefined });
	if (!phone.ok) throw new MessageInputError(`Recipient "${value}": ${phone.reason}`);
	return phone.e164;
}
