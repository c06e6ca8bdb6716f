/**
 * Meta's WhatsApp Cloud API webhook payload, read into flat events: one per customer message, per
 * delivery status and per account error. Fields Meta adds later, and change fields other than
 * `messages`, are passed over rather than failing the delivery: Meta retries a delivery that is not
 * answered 200, so one unknown part must never block the rest.
 */
import { createPhoneNormalizer } from '../phone/normalize';
import { graphError } from './errors';

export class WebhookPayloadError extends Error {
	constructor(message: string) {
		super(`Not a WhatsApp Cloud API webhook payload: ${message}`);
		this.name = 'WebhookPayloadError';
	}
}

export interface WhatsAppCustomer {
	/** The customer's WhatsApp id (digits of the phone number); absent for username-only users. */
	waId?: string;
	/** Business-scoped user id (BSUID, e.g. `HK.1502576394655843`), sent since April 2026. */
	userId?: string;
	/** The phone number in E.164, when Meta sent one that is valid. */
	e164?: string;
	name?: string;
}

export interface EventError {
	code: number;
	title: string;
	retryable: boolean;
	/** Meta's own message and details, when present. */
	message?: string;
	details?: string;
}

interface EventBase {
	/** The WhatsApp Business Account (`entry[].id`). */
	wabaId: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	/** ISO-8601 UTC. */
	timestamp: string;
	customer: WhatsAppCustomer;
}

export interface WhatsAppMessageEvent extends EventBase {
	kind: 'message';
	/** The message's wamid. */
	id: string;
	/** Meta's type: text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, order, system, unsupported, … */
	type: string;
	/** The text a person would read: the body, a caption, a button or list reply title. */
	text?: string;
	media?: { id?: string; mimeType?: string; sha256?: string; caption?: string; filename?: string; voice?: boolean; url?: string };
	location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
	/** Interactive button/list replies and template quick-reply buttons. */
	reply?: { kind: string; id?: string; title?: string; description?: string; payload?: string };
	reaction?: { messageId?: string; emoji?: string };
	contacts?: unknown[];
	order?: { catalogId?: string; text?: string; items: Array<{ productRetailerId?: string; quantity?: number; price?: number; currency?: string }> };
	/** Meta's `system` messages, e.g. a customer's number change: re-key the CRM contact. */
	system?: { type?: string; body?: string; previousWaId?: string; newWaId?: string; userId?: string };
	/** The message this one replies to or forwards. */
	context?: { messageId?: string; from?: string; forwarded?: boolean; frequentlyForwarded?: boolean; referredProduct?: { catalogId?: string; productRetailerId?: string } };
	/** Click-to-WhatsApp ad that started the conversation. */
	referral?: Record<string, unknown>;
	errors?: EventError[];
	/** The message object as Meta sent it. */
	raw: Record<string, unknown>;
}

export interface WhatsAppStatusEvent extends EventBase {
	kind: 'status';
	/** The wamid of the message you sent. */
	id: string;
	/** sent, delivered, read, failed, deleted, … */
	status: string;
	conversation?: { id?: string; originType?: string; expiresAt?: string };
	pricing?: { billable?: boolean; category?: string; pricingModel?: string; type?: string };
	/** Your correlation data, echoed from the send (`biz_opaque_callback_data`). */
	bizOpaqueCallbackData?: string;
	errors?: EventError[];
	raw: Record<string, unknown>;
}

export interface WhatsAppErrorEvent extends EventBase {
	kind: 'error';
	/** No id comes with an account-level error: a stable hash of its content stands in for it. */
	id: string;
	errors: EventError[];
	raw: Record<string, unknown>;
}

export type WhatsAppEvent = WhatsAppMessageEvent | WhatsAppStatusEvent | WhatsAppErrorEvent;

type Json = Record<string, unknown>;

/** Customers write again and again: each wa_id is validated once (bounded cache). */
const waIdToE164 = createPhoneNormalizer();

/**
 * Reads a webhook body into events. Another `object` than `whatsapp_business_account` gives none.
 * Throws WebhookPayloadError when the body does not have the shape Meta documents.
 */
export function parseWebhook(body: unknown): WhatsAppEvent[] {
	if (!isObject(body)) throw new WebhookPayloadError('the body is not a JSON object');
	if (body.object !== 'whatsapp_business_account') return [];
	if (!Array.isArray(body.entry)) throw new WebhookPayloadError('"entry" is not an array');
	const events: WhatsAppEvent[] = [];
	body.entry.forEach((entry, entryIndex) => {
		if (!isObject(entry)) throw new WebhookPayloadError(`entry[${entryIndex}] is not an object`);
		if (!Array.isArray(entry.changes)) throw new WebhookPayloadError(`entry[${entryIndex}].changes is not an array`);
		const wabaId = str(entry.id) ?? '';
		entry.changes.forEach((change, changeIndex) => {
			const where = `entry[${entryIndex}].changes[${changeIndex}]`;
			if (!isObject(change)) throw new WebhookPayloadError(`${where} is not an object`);
			if (change.field !== 'messages') return;
			if (!isObject(change.value)) throw new WebhookPayloadError(`${where}.value is not an object`);
			readMessagesChange(change.value, wabaId, where, events);
		});
	});
	return events;
}

function readMessagesChange(value: Json, wabaId: string, where: string, events: WhatsAppEvent[]): void {
	const metadata = isObject(value.metadata) ? value.metadata : {};
	const phoneNumberId = str(metadata.phone_number_id);
	if (!phoneNumberId) throw new WebhookPayloadError(`${where}.value.metadata.phone_number_id is missing`);
	const base = { wabaId, phoneNumberId, displayPhoneNumber: str(metadata.display_phone_number) };
	const names = contactNames(value.contacts);

	for (const message of list(value.messages, `${where}.value.messages`)) {
		events.push(readMessage(message, base, names));
	}
	for (const status of list(value.statuses, `${where}.value.statuses`)) {
		events.push(readStatus(status, base));
	}
	const errors = list(value.errors, `${where}.value.errors`);
	if (errors.length > 0) {
		const read = errors.map(readError);
		const timestamp = new Date().toISOString();
		events.push({
			kind: 'error',
			id: `error:${wabaId}:${phoneNumberId}:${read.map((e) => `${e.code}:${e.details ?? e.message ?? ''}`).join('|')}`,
			...base,
			timestamp,
			customer: {},
			errors: read,
			raw: { errors },
		});
	}
}

type Base = Pick<EventBase, 'wabaId' | 'phoneNumberId' | 'displayPhoneNumber'>;

function readMessage(message: Json, base: Base, names: Map<string, string>): WhatsAppMessageEvent {
	const type = str(message.type) ?? 'unknown';
	const waId = str(message.from);
	const userId = str(message.from_user_id) ?? str(message.user_id);
	const event: WhatsAppMessageEvent = {
		kind: 'message',
		id: str(message.id) ?? '',
		...base,
		timestamp: isoTimestamp(message.timestamp),
		customer: customer(waId, userId, names),
		type,
		raw: message,
	};
	const part = isObject(message[type]) ? (message[type] as Json) : undefined;
	switch (type) {
		case 'text':
			event.text = str(part?.body);
			break;
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker':
			event.media = prune({
				id: str(part?.id),
				mimeType: str(part?.mime_type),
				sha256: str(part?.sha256),
				caption: str(part?.caption),
				filename: str(part?.filename),
				voice: typeof part?.voice === 'boolean' ? part.voice : undefined,
				url: str(part?.url),
			});
			event.text = event.media.caption;
			break;
		case 'location':
			event.location = prune({
				latitude: Number(part?.latitude),
				longitude: Number(part?.longitude),
				name: str(part?.name),
				address: str(part?.address),
				url: str(part?.url),
			});
			break;
		case 'contacts':
			event.contacts = Array.isArray(message.contacts) ? message.contacts : [];
			break;
		case 'interactive': {
			const replyKind = str(part?.type) ?? 'unknown';
			const reply = isObject(part?.[replyKind]) ? (part![replyKind] as Json) : {};
			event.reply = prune({
				kind: replyKind,
				id: str(reply.id),
				title: str(reply.title) ?? str(reply.name),
				description: str(reply.description),
				payload: str(reply.response_json),
			});
			event.text = event.reply.title;
			break;
		}
		case 'button':
			event.reply = prune({ kind: 'template_button', title: str(part?.text), payload: str(part?.payload) });
			event.text = event.reply.title;
			break;
		case 'reaction':
			event.reaction = prune({ messageId: str(part?.message_id), emoji: str(part?.emoji) });
			break;
		case 'order':
			event.order = {
				catalogId: str(part?.catalog_id),
				text: str(part?.text),
				items: (Array.isArray(part?.product_items) ? (part!.product_items as Json[]) : []).filter(isObject).map((item) =>
					prune({
						productRetailerId: str(item.product_retailer_id),
						quantity: num(item.quantity),
						price: num(item.item_price),
						currency: str(item.currency),
					}),
				),
			};
			event.text = event.order.text;
			break;
		case 'system':
			event.system = prune({
				type: str(part?.type),
				body: str(part?.body),
				previousWaId: waId,
				newWaId: str(part?.wa_id) ?? str(part?.new_wa_id),
				userId: str(part?.user_id),
			});
			event.text = event.system.body;
			break;
		default:
			// edits, revokes, unsupported and future types keep their raw part for the workflow.
			break;
	}
	if (isObject(message.context)) {
		const context = message.context;
		const referred = isObject(context.referred_product) ? context.referred_product : undefined;
		event.context = prune({
			messageId: str(context.id),
			from: str(context.from),
			forwarded: typeof context.forwarded === 'boolean' ? context.forwarded : undefined,
			frequentlyForwarded: typeof context.frequently_forwarded === 'boolean' ? context.frequently_forwarded : undefined,
			referredProduct: referred
				? prune({ catalogId: str(referred.catalog_id), productRetailerId: str(referred.product_retailer_id) })
				: undefined,
		});
	}
	if (isObject(message.referral)) event.referral = message.referral;
	if (Array.isArray(message.errors)) event.errors = message.errors.filter(isObject).map(readError);
	return event;
}

function readStatus(status: Json, base: Base): WhatsAppStatusEvent {
	const conversation = isObject(status.conversation) ? status.conversation : undefined;
	const origin = isObject(conversation?.origin) ? (conversation!.origin as Json) : undefined;
	const pricing = isObject(status.pricing) ? status.pricing : undefined;
	const event: WhatsAppStatusEvent = {
		kind: 'status',
		id: str(status.id) ?? '',
		...base,
		timestamp: isoTimestamp(status.timestamp),
		customer: customer(str(status.recipient_id), str(status.recipient_user_id), new Map()),
		status: str(status.status) ?? 'unknown',
		raw: status,
	};
	if (conversation) {
		event.conversation = prune({
			id: str(conversation.id),
			originType: str(origin?.type),
			expiresAt: conversation.expiration_timestamp !== undefined ? isoTimestamp(conversation.expiration_timestamp) : undefined,
		});
	}
	if (pricing) {
		event.pricing = prune({
			billable: typeof pricing.billable === 'boolean' ? pricing.billable : undefined,
			category: str(pricing.category),
			pricingModel: str(pricing.pricing_model),
			type: str(pricing.type),
		});
	}
	const callbackData = str(status.biz_opaque_callback_data);
	if (callbackData !== undefined) event.bizOpaqueCallbackData = callbackData;
	if (Array.isArray(status.errors)) event.errors = status.errors.filter(isObject).map(readError);
	return event;
}

function readError(error: Json): EventError {
	const code = typeof error.code === 'number' ? error.code : Number(error.code);
	const info = graphError(Number.isFinite(code) ? code : 0);
	const errorData = isObject(error.error_data) ? error.error_data : undefined;
	return prune({
		code: info.code,
		title: info.title,
		retryable: info.retryable,
		message: str(error.message) ?? str(error.title),
		details: str(errorData?.details),
	});
}

/** Names from `value.contacts[]`, by wa_id and by user_id. */
function contactNames(contacts: unknown): Map<string, string> {
	const names = new Map<string, string>();
	if (!Array.isArray(contacts)) return names;
	for (const contact of contacts) {
		if (!isObject(contact)) continue;
		const name = isObject(contact.profile) ? str(contact.profile.name) : undefined;
		if (!name) continue;
		const waId = str(contact.wa_id);
		const userId = str(contact.user_id);
		if (waId) names.set(waId, name);
		if (userId) names.set(userId, name);
	}
	return names;
}

function customer(waId: string | undefined, userId: string | undefined, names: Map<string, string>): WhatsAppCustomer {
	const result: WhatsAppCustomer = {};
	if (waId) {
		result.waId = waId;
		const phone = waIdToE164(`+${waId}`);
		if (phone.ok) result.e164 = phone.e164;
	}
	if (userId) result.userId = userId;
	const name = (waId && names.get(waId)) || (userId && names.get(userId));
	if (name) result.name = name;
	return result;
}

/** Meta sends unix seconds as a string; a missing or unreadable one becomes the time of receipt. */
function isoTimestamp(value: unknown): string {
	const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
}

function list(value: unknown, where: string): Json[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new WebhookPayloadError(`${where} is not an array`);
	return value.filter(isObject);
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return undefined;
}

function num(value: unknown): number | undefined {
	const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
	return Number.isFinite(n) ? n : undefined;
}

/** Drops undefined fields so items stay clean in n8n's table view. */
function prune<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
	return value;
}
