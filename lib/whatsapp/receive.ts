import { timingSafeEqual } from 'node:crypto';

import { verifySignature } from './signature';
import { parseWebhook, WebhookPayloadError } from './webhook';
import type { WhatsAppEvent } from './webhook';

/** What to answer Meta's GET handshake (`hub.mode`, `hub.verify_token`, `hub.challenge`). */
export function answerVerification(
	query: Record<string, unknown>,
	verifyToken: string,
): { status: 200; challenge: string } | { status: 403; reason: string } {
	const mode = query['hub.mode'];
	const token = query['hub.verify_token'];
	const challenge = query['hub.challenge'];
	if (mode !== 'subscribe') return { status: 403, reason: 'hub.mode is not "subscribe"' };
	if (typeof token !== 'string' || !verifyToken || !sameSecret(token, verifyToken)) {
		return { status: 403, reason: 'hub.verify_token does not match the credential' };
	}
	if (typeof challenge !== 'string' || challenge === '')
		return { status: 403, reason: 'hub.challenge is missing' };
	return { status: 200, challenge };
}

export type DeliveryOutcome =
	| { status: 200; events: WhatsAppEvent[]; ignored?: string }
	| { status: 400 | 401; reason: string };

/**
 * Reads one POSTed webhook delivery: signature over the raw bytes first, then JSON, then Meta's payload.
 * A 401 or 400 outcome must start no workflow; an ignored delivery is still answered 200 so Meta
 * stops retrying it.
 */
export function receiveDelivery(
	rawBody: Buffer | string | undefined,
	signatureHeader: string | undefined,
	appSecret: string,
): DeliveryOutcome {
	if (rawBody === undefined || rawBody.length === 0)
		return { status: 400, reason: 'empty request body' };
	if (!signatureHeader) return { status: 401, reason: 'missing X-Hub-Signature-256 header' };
	if (!verifySignature(rawBody, signatureHeader, appSecret)) {
		return {
			status: 401,
			reason: 'X-Hub-Signature-256 does not match the body signed with the app secret',
		};
	}
	let body: unknown;
	try {
		body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
	} catch {
		return { status: 400, reason: 'request body is not valid JSON' };
	}
	// Read as untrusted JSON: `object` may itself be an object whose toString is not callable.
	const object =
		typeof body === 'object' && body !== null && !Array.isArray(body)
			? (body as { object?: unknown }).object
			: undefined;
	if (object !== 'whatsapp_business_account') {
		return {
			status: 200,
			events: [],
			ignored: `object ${objectName(object)} is not whatsapp_business_account`,
		};
	}
	try {
		return { status: 200, events: parseWebhook(body) };
	} catch (error) {
		if (error instanceof WebhookPayloadError) return { status: 400, reason: error.message };
		throw error;
	}
}

export interface EventFilter {
	kinds?: string[];
	phoneNumberIds?: string[];
	messageTypes?: string[];
	statuses?: string[];
}

/** Keeps the events a trigger listens for; an empty or missing list lets everything through. */
export function filterEvents(events: WhatsAppEvent[], filter: EventFilter): WhatsAppEvent[] {
	const allows = (list: string[] | undefined, value: string | undefined) =>
		!list || list.length === 0 || (value !== undefined && list.includes(value));
	return events.filter((event) => {
		if (!allows(filter.kinds, event.kind)) return false;
		// Templates belong to the account, not to one number: a number filter lets them through.
		if (event.kind !== 'template' && !allows(filter.phoneNumberIds, event.phoneNumberId))
			return false;
		if (event.kind === 'message' && !allows(filter.messageTypes, event.type)) return false;
		if (event.kind === 'status' && !allows(filter.statuses, event.status)) return false;
		return true;
	});
}

/** The `object` field for a reason, without converting a non-string (nor echoing a long one). */
function objectName(value: unknown): string {
	if (typeof value === 'string')
		return value.length > 60 ? `"${value.slice(0, 60)}…"` : JSON.stringify(value);
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
