/**
 * Webhooks out: signed deliveries towards a receiver (as Meta posts them), delivery to where Meta
 * would send a number's webhooks, and Meta's GET verification handshake.
 */
import { createHmac, randomInt } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import { digits, isUserId } from './ids';
import type { GraphApiSimulatorState } from './state';
import { isObject, safeJson } from './wire';

export interface WebhookPostOptions {
	/** Signing key (default: the simulator's app secret). */
	appSecret?: string;
	/** Send a well-formed but wrong signature. */
	forgeSignature?: boolean;
	/** Send no X-Hub-Signature-256 header. */
	omitSignature?: boolean;
	/** Bytes put on the wire instead of the serialised body, while the signature still covers the body (a tampered delivery). */
	rawOverride?: string;
	headers?: Record<string, string>;
	timeoutMs?: number;
	/** Record inbound customer messages in the body (opens their service window; default true). */
	recordInbound?: boolean;
}

export interface WebhookPostResult {
	status: number;
	body: string;
	headers: Record<string, string>;
}

/** POSTs a webhook delivery signed like Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
export async function postWebhook(
	state: GraphApiSimulatorState,
	target: string,
	body: object | string,
	post: WebhookPostOptions = {},
): Promise<WebhookPostResult> {
	const serialised = typeof body === 'string' ? body : JSON.stringify(body);
	const wire = post.rawOverride ?? serialised;
	const secret = post.appSecret ?? state.appSecret;
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': 'facebookexternalua',
		...(post.headers ?? {}),
	};
	if (!post.omitSignature) {
		const key = post.forgeSignature ? `${secret}-forged` : secret;
		headers['x-hub-signature-256'] =
			`sha256=${createHmac('sha256', key).update(Buffer.from(serialised, 'utf8')).digest('hex')}`;
	}
	if (post.recordInbound ?? true) {
		// The service window opens when Meta delivers the customer's message: "now" on the simulator clock.
		for (const [phoneNumberId, waId, phone] of inboundSenders(
			typeof body === 'string' ? safeJson(Buffer.from(body), 'application/json') : body,
		)) {
			state.recordInbound(phoneNumberId, waId);
			if (typeof phone === 'string') state.userIds.set(digits(phone), waId);
		}
	}
	const answer = await httpCall(
		'POST',
		target,
		headers,
		Buffer.from(wire, 'utf8'),
		post.timeoutMs ?? 10_000,
	);
	state.webhooks.push({ url: target, status: answer.status, at: state.now() });
	return answer;
}

/** Delivers to where Meta would: the number's override, else its WABA's override, else the app callback URL. */
export async function deliver(
	state: GraphApiSimulatorState,
	phoneNumberId: string,
	body: object | string,
	post?: WebhookPostOptions,
): Promise<WebhookPostResult> {
	const wabaId = state.phoneNumbers.get(phoneNumberId)?.wabaId;
	const target =
		state.phoneCallbacks.get(phoneNumberId)?.callbackUrl ??
		(wabaId ? state.subscriptions.get(wabaId)?.overrideCallbackUrl : undefined) ??
		state.appCallbackUrl;
	if (!target)
		throw new Error(
			`no callback URL for phone number ${phoneNumberId}: set an override or appCallbackUrl`,
		);
	return postWebhook(state, target, body, post);
}

/** Meta's GET handshake towards a callback, kept in `state.verifications`. */
export async function checkCallback(
	state: GraphApiSimulatorState,
	target: string,
	verifyToken: string,
): Promise<{ ok: boolean; status?: number; error?: string }> {
	const outcome = await handshake(target, verifyToken);
	state.verifications.push({
		url: target,
		ok: outcome.ok,
		status: outcome.status,
		error: outcome.error,
	});
	return outcome;
}

/** (phone_number_id, wa_id) of every customer message in a delivery. */
function inboundSenders(body: unknown): Array<[string, string, unknown?]> {
	const found: Array<[string, string, unknown?]> = [];
	if (!isObject(body) || !Array.isArray(body.entry)) return found;
	for (const entry of body.entry) {
		if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
		for (const change of entry.changes) {
			const value = isObject(change) && isObject(change.value) ? change.value : undefined;
			const phoneNumberId =
				value && isObject(value.metadata) ? value.metadata.phone_number_id : undefined;
			if (typeof phoneNumberId !== 'string' || !Array.isArray(value?.messages)) continue;
			for (const message of value.messages) {
				if (!isObject(message)) continue;
				// A customer with a username may come with only a business-scoped user id.
				if (typeof message.from === 'string') found.push([phoneNumberId, digits(message.from)]);
				if (typeof message.from_user_id === 'string' && isUserId(message.from_user_id))
					found.push([phoneNumberId, message.from_user_id, message.from]);
			}
		}
	}
	return found;
}

async function handshake(
	target: string,
	verifyToken: string,
): Promise<{ ok: boolean; status?: number; error?: string }> {
	// Meta documents the challenge as an int to echo back.
	const challenge = String(randomInt(100_000_000, 2_000_000_000));
	const url = new URL(target);
	url.searchParams.set('hub.mode', 'subscribe');
	url.searchParams.set('hub.challenge', challenge);
	url.searchParams.set('hub.verify_token', verifyToken);
	try {
		const answer = await httpCall(
			'GET',
			url.toString(),
			{ 'user-agent': 'facebookplatform/1.0' },
			undefined,
			10_000,
		);
		return { ok: answer.status === 200 && answer.body.trim() === challenge, status: answer.status };
	} catch (error) {
		return { ok: false, error: error instanceof Error ? error.message : String(error) };
	}
}

/** A bare HTTP(S) call without keep-alive, so no socket outlives a test. */
function httpCall(
	method: string,
	target: string,
	headers: Record<string, string>,
	body: Buffer | undefined,
	timeoutMs: number,
): Promise<WebhookPostResult> {
	const url = new URL(target);
	const transport = url.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const request = transport.request(
			url,
			{
				method,
				agent: false,
				headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
				timeout: timeoutMs,
				// Local receivers behind self-signed certificates are the common case in tests.
				...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const flat: Record<string, string> = {};
					for (const [name, value] of Object.entries(response.headers))
						if (value !== undefined) flat[name] = String(value);
					resolve({
						status: response.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8'),
						headers: flat,
					});
				});
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs} ms`)));
		request.on('error', reject);
		request.end(body);
	});
}
