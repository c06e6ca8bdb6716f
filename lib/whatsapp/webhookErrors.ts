/**
 * Errors Meta reports: an account-level error list as its own event, and the `errors[]` of a
 * message, status or call, each completed from the Graph error catalogue.
 */
import { createHash } from 'node:crypto';

import { graphError } from './errors';
import type { Context } from './webhookContext';
import type { WhatsAppErrorEvent, WhatsAppEventError } from './webhookEvents';
import { defined, isObject, MAX_ID_CHARS, numberOrNumericText, str } from './webhookReaders';
import type { Json } from './webhookReaders';

export function readErrors(errors: unknown[], context: Context): WhatsAppErrorEvent {
	const read = errorsOf(errors);
	const event: WhatsAppErrorEvent = {
		kind: 'error',
		// Meta re-delivers the same errors: an id from their content lets the trigger drop repeats.
		id: errorsId(context, read),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: context.receivedAt.get(),
		timestampEstimated: true,
		customer: {},
		errors: read,
		raw: { errors },
	};
	return event;
}

/** The codes and details stand in for an id; hashed when long, so a key stays a key. */
function errorsId(context: Context, errors: WhatsAppEventError[]): string {
	const material = errors
		.map((error) => `${error.code}:${error.details ?? error.message ?? ''}`)
		.join('|');
	const id = `error:${context.wabaId}:${context.phoneNumberId}:${material}`;
	if (id.length <= MAX_ID_CHARS) return id;
	const hash = createHash('sha256').update(id).digest('hex').slice(0, 32);
	return `error:${hash}`;
}

export function errorsOf(errors: unknown[]): WhatsAppEventError[] {
	const read: WhatsAppEventError[] = [];
	for (const error of errors) if (isObject(error)) read.push(errorOf(error));
	return read;
}

function errorOf(error: Json): WhatsAppEventError {
	const code = numberOrNumericText(error.code);
	const info = graphError(code !== undefined && Number.isInteger(code) ? code : 0);
	const errorData = error.error_data;
	return defined({
		code: info.code,
		title: info.title,
		retryable: info.retryable,
		message: str(error.message) ?? str(error.title),
		details: isObject(errorData) ? str(errorData.details) : undefined,
		href: str(error.href),
	});
}
