/**
 * Builders for WhatsApp Cloud API webhook bodies shaped as Meta posts them, for unit tests, the
 * e2e suite and benchmarks. Each builder returns one change (`{ field, value }`); `envelope` wraps
 * changes into a body, `combine` merges several `messages` changes into one (Meta batches), and
 * `realisticMix` makes a deterministic stream of bodies. Everything is deterministic: ids derive
 * from the content unless given.
 */
import { createHash } from 'node:crypto';

import { normalizePhone } from '../../lib/phone/normalize';
import { seededRandom } from '../generators/seededRandom';

export const DEFAULT_WABA_ID = '102290129340398';
export const DEFAULT_PHONE_NUMBER_ID = '106540352242922';
export const DEFAULT_DISPLAY_PHONE_NUMBER = '85255550000';
/** 2026-11-21T22:26:40Z. */
export const DEFAULT_TIMESTAMP = 1795300000;
export const DEFAULT_CUSTOMER = '85291234567';

type Json = Record<string, unknown>;

export interface WebhookChange {
	field: string;
	value: Json;
}

export interface WebhookBody {
	object: 'whatsapp_business_account';
	entry: Array<{ id: string; time?: number; changes: WebhookChange[] }>;
}

export interface BusinessOptions {
	phoneNumberId?: string;
	displayPhoneNumber?: string;
}

export interface MessageOptions extends BusinessOptions {
	/** The customer's wa_id (phone digits); `null` leaves it out, as for users with a username. */
	from?: string | null;
	/** The customer's BSUID (`from_user_id`, `contacts[].user_id`). */
	userId?: string;
	name?: string;
	username?: string;
	id?: string;
	timestamp?: number | string;
	/** The message this one replies to (`context.id`). */
	replyTo?: string;
	forwarded?: boolean;
	referral?: Json;
	/** Leave out `contacts[]` (Meta does for system messages). */
	noContacts?: boolean;
}

export interface ErrorOptions {
	code: number;
	title?: string;
	message?: string;
	details?: string;
}

/** A deterministic wamid in Meta's shape (base64 of an id record that names the customer). */
export function wamid(seed: string, waId = DEFAULT_CUSTOMER): string {
	const hex = createHash('sha1').update(seed).digest('hex').slice(0, 20).toUpperCase();
	const record = Buffer.concat([
		Buffer.from([0x18, waId.length]),
		Buffer.from(waId),
		Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
		Buffer.from(hex),
	]);
	return `wamid.${record.toString('base64')}`;
}

function metadata(opts: BusinessOptions): Json {
	return {
		display_phone_number: opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER,
		phone_number_id: opts.phoneNumberId ?? DEFAULT_PHONE_NUMBER_ID,
	};
}

/** One inbound message of `type` with its part, wrapped in a `messages` change with the sender's contact. */
export function inboundMessage(
	type: string,
	part: unknown,
	opts: MessageOptions = {},
	extra: Json = {},
): WebhookChange {
	const from = opts.from === null ? undefined : (opts.from ?? DEFAULT_CUSTOMER);
	const timestamp = String(opts.timestamp ?? DEFAULT_TIMESTAMP);
	const message: Json = {};
	if (from) message.from = from;
	if (opts.userId) message.from_user_id = opts.userId;
	message.id =
		opts.id ??
		wamid(`in:${from ?? opts.userId}:${timestamp}:${type}:${JSON.stringify(part)}`, from ?? '0');
	message.timestamp = timestamp;
	if (opts.replyTo || opts.forwarded) {
		message.context = opts.replyTo
			? { from: opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER, id: opts.replyTo }
			: {};
		if (opts.forwarded) (message.context as Json).forwarded = true;
	}
	if (opts.referral) message.referral = opts.referral;
	message.type = type;
	if (part !== undefined) message[type] = part;
	Object.assign(message, extra);

	const value: Json = { messaging_product: 'whatsapp', metadata: metadata(opts) };
	if (!opts.noContacts) {
		const profile: Json = { name: opts.name ?? 'Customer' };
		if (opts.username) profile.username = opts.username;
		const contact: Json = { profile };
		if (from) contact.wa_id = from;
		if (opts.userId) contact.user_id = opts.userId;
		value.contacts = [contact];
	}
	value.messages = [message];
	return { field: 'messages', value };
}

export function textMessage(opts: MessageOptions & { text?: string } = {}): WebhookChange {
	return inboundMessage('text', { body: opts.text ?? 'Hello' }, opts);
}

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const MIME_TYPES: Record<MediaType, string> = {
	image: 'image/jpeg',
	video: 'video/mp4',
	audio: 'audio/ogg; codecs=opus',
	document: 'application/pdf',
	sticker: 'image/webp',
};

export function mediaMessage(
	type: MediaType,
	opts: MessageOptions & {
		mediaId?: string;
		mimeType?: string;
		caption?: string;
		filename?: string;
		voice?: boolean;
		animated?: boolean;
	} = {},
): WebhookChange {
	const mediaId =
		opts.mediaId ??
		String(
			1_000_000_000_000_000 +
				Number.parseInt(
					createHash('sha1')
						.update(`${type}:${opts.caption}:${opts.timestamp}`)
						.digest('hex')
						.slice(0, 12),
					16,
				),
		);
	const part: Json = {
		mime_type: opts.mimeType ?? MIME_TYPES[type],
		sha256: createHash('sha256').update(mediaId).digest('base64'),
		id: mediaId,
	};
	if (opts.caption !== undefined && (type === 'image' || type === 'video' || type === 'document'))
		part.caption = opts.caption;
	if (type === 'document') part.filename = opts.filename ?? 'quotation.pdf';
	if (type === 'audio') part.voice = opts.voice ?? true;
	if (type === 'sticker') part.animated = opts.animated ?? false;
	return inboundMessage(type, part, opts);
}

/** A reply to an interactive message: button_reply (default), list_reply, or nfm_reply (a flow). */
export function interactiveReply(
	opts: MessageOptions & {
		kind?: 'button_reply' | 'list_reply' | 'nfm_reply';
		replyId?: string;
		title?: string;
		description?: string;
		response?: Json;
	} = {},
): WebhookChange {
	const kind = opts.kind ?? 'button_reply';
	let reply: Json;
	if (kind === 'nfm_reply')
		reply = {
			response_json: JSON.stringify(opts.response ?? { flow_token: 'token-1' }),
			body: 'Sent',
			name: 'flow',
		};
	else if (kind === 'list_reply')
		reply = {
			id: opts.replyId ?? 'row-1',
			title: opts.title ?? 'Size M',
			description: opts.description ?? 'In stock',
		};
	else reply = { id: opts.replyId ?? 'yes', title: opts.title ?? 'Yes please' };
	return inboundMessage('interactive', { type: kind, [kind]: reply }, opts);
}

/** A tap on a template's quick-reply button (`type: "button"`). */
export function templateButtonReply(
	opts: MessageOptions & { text?: string; payload?: string } = {},
): WebhookChange {
	return inboundMessage(
		'button',
		{ payload: opts.payload ?? 'STOP', text: opts.text ?? 'Stop promotions' },
		opts,
		{
			context: {
				from: opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER,
				id: opts.replyTo ?? wamid('template-out'),
			},
		},
	);
}

/** A reaction to one of your messages; no emoji means the customer removed it. */
export function reaction(
	opts: MessageOptions & { messageId?: string; emoji?: string | null } = {},
): WebhookChange {
	const part: Json = { message_id: opts.messageId ?? wamid('out:reacted') };
	if (opts.emoji !== null) part.emoji = opts.emoji ?? '👍';
	return inboundMessage('reaction', part, opts);
}

export function location(
	opts: MessageOptions & {
		latitude?: number;
		longitude?: number;
		placeName?: string;
		address?: string;
	} = {},
): WebhookChange {
	const part: Json = { latitude: opts.latitude ?? 22.2988, longitude: opts.longitude ?? 114.1722 };
	if (opts.placeName) part.name = opts.placeName;
	if (opts.address) part.address = opts.address;
	return inboundMessage('location', part, opts);
}

export interface SharedContactOptions {
	name: string;
	phones?: Array<string | { phone?: string; waId?: string; type?: string }>;
	emails?: string[];
	company?: string;
}

/** Contact cards the customer shared (`type: "contacts"`, the cards under `contacts`). */
export function contactsMessage(
	opts: MessageOptions & { contacts?: SharedContactOptions[] } = {},
): WebhookChange {
	const cards = (
		opts.contacts ?? [
			{
				name: 'Amy Wong',
				phones: [{ phone: '+852 6123 4567', waId: '85261234567', type: 'CELL' }],
			},
		]
	).map((card) => {
		const [first, ...rest] = card.name.split(' ');
		const shaped: Json = {
			name: {
				formatted_name: card.name,
				first_name: first,
				...(rest.length ? { last_name: rest.join(' ') } : {}),
			},
			phones: (card.phones ?? []).map((phone) =>
				typeof phone === 'string'
					? { phone, type: 'CELL' }
					: { phone: phone.phone, wa_id: phone.waId, type: phone.type ?? 'CELL' },
			),
		};
		if (card.emails) shaped.emails = card.emails.map((email) => ({ email, type: 'WORK' }));
		if (card.company) shaped.org = { company: card.company };
		return shaped;
	});
	// Meta puts the cards on the message itself, not under a part named after the type.
	return inboundMessage('contacts', undefined, opts, { contacts: cards });
}

export function orderMessage(
	opts: MessageOptions & {
		catalogId?: string;
		text?: string;
		items?: Array<{ sku: string; quantity: number; price: number; currency?: string }>;
	} = {},
): WebhookChange {
	const part: Json = {
		catalog_id: opts.catalogId ?? '1234567890',
		product_items: (opts.items ?? [{ sku: 'SKU-1', quantity: 2, price: 99.5 }]).map((item) => ({
			product_retailer_id: item.sku,
			quantity: item.quantity,
			item_price: item.price,
			currency: item.currency ?? 'HKD',
		})),
	};
	if (opts.text) part.text = opts.text;
	return inboundMessage('order', part, opts);
}

/** The customer changed phone number: Meta's system message names the new wa_id (and BSUID). */
export function systemNumberChange(
	opts: MessageOptions & { newWaId?: string; newUserId?: string } = {},
): WebhookChange {
	const from = opts.from ?? DEFAULT_CUSTOMER;
	const newWaId = opts.newWaId ?? '85298765432';
	const part: Json = {
		body: `User ${opts.name ?? 'Customer'} changed from ${from} to ${newWaId}`,
		wa_id: newWaId,
		type: 'user_changed_number',
	};
	if (opts.newUserId) part.user_id = opts.newUserId;
	return inboundMessage('system', part, { ...opts, noContacts: true });
}

/**
 * A customer's business-scoped user id changed (`system` type `user_changed_user_id`): the message
 * comes from the old id and names the new one; no phone number, no contacts[]. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/system/
 */
export function systemUserIdChange(
	opts: MessageOptions & { newUserId?: string; newParentUserId?: string } = {},
): WebhookChange {
	const userId = opts.userId ?? 'HK.1502576394655843';
	const newUserId = opts.newUserId ?? 'HK.2603687405766954';
	const part: Json = {
		body: `User ${opts.name ?? 'Customer'} changed from ${userId} to ${newUserId}`,
		user_id: newUserId,
		type: 'user_changed_user_id',
	};
	if (opts.newParentUserId) part.parent_user_id = opts.newParentUserId;
	return inboundMessage('system', part, {
		...opts,
		from: opts.from === undefined ? null : opts.from,
		userId,
		noContacts: true,
	});
}

/**
 * A customer stopped or resumed marketing messages inside WhatsApp (the `user_preferences` field).
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 */
export function userPreferences(
	opts: BusinessOptions & {
		value?: 'stop' | 'resume' | string;
		from?: string | null;
		userId?: string;
		name?: string;
		timestamp?: number | string;
		category?: string;
	} = {},
): WebhookChange {
	const from = opts.from === null ? undefined : (opts.from ?? DEFAULT_CUSTOMER);
	const value = opts.value ?? 'stop';
	const preference: Json = {};
	if (from) preference.wa_id = from;
	if (opts.userId) preference.user_id = opts.userId;
	preference.detail =
		value === 'stop'
			? 'User requested to stop marketing messages'
			: value === 'resume'
				? 'User requested to resume marketing messages'
				: 'User changed marketing preferences';
	preference.category = opts.category ?? 'marketing_messages';
	preference.value = value;
	preference.timestamp = String(opts.timestamp ?? DEFAULT_TIMESTAMP);
	const contact: Json = { profile: { name: opts.name ?? 'Customer' } };
	if (from) contact.wa_id = from;
	if (opts.userId) contact.user_id = opts.userId;
	return {
		field: 'user_preferences',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			contacts: [contact],
			user_preferences: [preference],
		},
	};
}

/** A customer's edit of an earlier message (Coexistence numbers). */
export function editMessage(
	opts: MessageOptions & { originalMessageId?: string; text?: string } = {},
): WebhookChange {
	return inboundMessage(
		'edit',
		{
			original_message_id: opts.originalMessageId ?? wamid('in:original'),
			message: { type: 'text', text: { body: opts.text ?? 'Edited text' } },
		},
		opts,
	);
}

/** A customer deleted an earlier message (Coexistence numbers). */
export function revokeMessage(
	opts: MessageOptions & { originalMessageId?: string } = {},
): WebhookChange {
	return inboundMessage(
		'revoke',
		{ original_message_id: opts.originalMessageId ?? wamid('in:original') },
		opts,
	);
}

/** A message type the Cloud API does not pass on (polls, events, …), with Meta's 131051 error. */
export function unsupportedMessage(
	opts: MessageOptions & { unsupportedType?: string } = {},
): WebhookChange {
	return inboundMessage('unsupported', { type: opts.unsupportedType ?? 'poll_creation' }, opts, {
		errors: [
			errorObject({
				code: 131051,
				title: 'Message type unknown',
				details: 'Message type is currently not supported.',
			}),
		],
	});
}

/** A customer with a username: a BSUID and no phone number anywhere in the payload. */
export function bsuidOnlyMessage(opts: MessageOptions & { text?: string } = {}): WebhookChange {
	return textMessage({
		userId: 'HK.1502576394655843',
		username: 'tai_man',
		name: 'Tai Man',
		...opts,
		from: null,
	});
}

const ERROR_TITLES: Record<number, string> = {
	131000: 'Something went wrong',
	131026: 'Message undeliverable',
	131047: 'Re-engagement message',
	131049: 'Healthy ecosystem engagement',
	131051: 'Message type unknown',
	130429: 'Rate limit hit',
	132001: 'Template does not exist',
};

function errorObject(error: ErrorOptions): Json {
	const title = error.title ?? ERROR_TITLES[error.code] ?? `Error ${error.code}`;
	return {
		code: error.code,
		title,
		message: error.message ?? title,
		error_data: { details: error.details ?? `${title} (simulated).` },
		href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
	};
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed' | 'played' | 'deleted';

export interface StatusOptions extends BusinessOptions {
	/** wamid of the message you sent. */
	id?: string;
	/** recipient_id (wa_id); `null` leaves it out, as when you sent to a BSUID. */
	recipient?: string | null;
	recipientUserId?: string;
	timestamp?: number | string;
	category?: 'marketing' | 'utility' | 'authentication' | 'service';
	conversationId?: string;
	bizOpaqueCallbackData?: string;
	/** Errors of a `failed` status; a 131026 by default. */
	errors?: ErrorOptions[];
	/** Add the recipient's `contacts[]` entry (Meta does for sent/delivered/read since the BSUID rollout). */
	withContact?: { name?: string; username?: string };
	/** Only id, status, timestamp and recipient: no `conversation` or `pricing` (a test's small status). */
	bare?: boolean;
}

export function statusUpdate(status: StatusName, opts: StatusOptions = {}): WebhookChange {
	const recipient = opts.recipient === null ? undefined : (opts.recipient ?? DEFAULT_CUSTOMER);
	const timestamp = Number(opts.timestamp ?? DEFAULT_TIMESTAMP);
	const entry: Json = {
		id: opts.id ?? wamid(`out:${recipient ?? opts.recipientUserId}:${status}`, recipient ?? '0'),
		status,
		timestamp: String(timestamp),
	};
	if (recipient) entry.recipient_id = recipient;
	if (opts.recipientUserId) entry.recipient_user_id = opts.recipientUserId;
	if (opts.bizOpaqueCallbackData) entry.biz_opaque_callback_data = opts.bizOpaqueCallbackData;
	if (status === 'failed' && !opts.bare) {
		entry.errors = (opts.errors ?? [{ code: 131026 }]).map(errorObject);
	} else if (!opts.bare) {
		const category = opts.category ?? 'marketing';
		entry.conversation = {
			id:
				opts.conversationId ??
				createHash('sha1').update(`conv:${recipient}:${category}`).digest('hex').slice(0, 32),
			...(status === 'sent' ? { expiration_timestamp: String(timestamp + 86_400) } : {}),
			origin: { type: category },
		};
		entry.pricing = {
			billable: category !== 'service',
			pricing_model: 'PMP',
			category,
			type: category === 'service' ? 'free_customer_service' : 'regular',
		};
	}
	const value: Json = { messaging_product: 'whatsapp', metadata: metadata(opts) };
	if (opts.withContact && status !== 'failed') {
		const profile: Json = { name: opts.withContact.name ?? 'Customer' };
		if (opts.withContact.username) profile.username = opts.withContact.username;
		value.contacts = [
			{
				profile,
				...(recipient ? { wa_id: recipient } : {}),
				...(opts.recipientUserId ? { user_id: opts.recipientUserId } : {}),
			},
		];
	}
	value.statuses = [entry];
	return { field: 'messages', value };
}

/** Errors Meta reports for the number or account, not for a message (`value.errors`). */
export function webhookErrors(
	errors: ErrorOptions[] = [{ code: 131000 }],
	opts: BusinessOptions = {},
): WebhookChange {
	return {
		field: 'messages',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			errors: errors.map(errorObject),
		},
	};
}

/** Another field than `messages`: a template approved, rejected, paused, … */
export function templateStatusUpdate(
	opts: {
		event?: 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'PENDING_DELETION';
		templateId?: number;
		templateName?: string;
		language?: string;
		reason?: string;
	} = {},
): WebhookChange {
	return {
		field: 'message_template_status_update',
		value: {
			event: opts.event ?? 'APPROVED',
			message_template_id: opts.templateId ?? 1_234_567_890_123_456,
			message_template_name: opts.templateName ?? 'spring_sale',
			message_template_language: opts.language ?? 'zh_HK',
			reason: opts.reason ?? 'NONE',
		},
	};
}

/** Several `messages` changes for the same number as one change, the way Meta batches them. */
export function combine(...changes: WebhookChange[]): WebhookChange {
	return combineChanges(changes, false);
}

/**
 * `combine`, but `contacts`, `messages` and `statuses` are always there, empty when no change has
 * any: a body whose exact bytes a test builds on (the trigger e2e suite's deliveries).
 */
export function combineWithEmptyLists(...changes: WebhookChange[]): WebhookChange {
	return combineChanges(changes, true);
}

function combineChanges(changes: WebhookChange[], emptyLists: boolean): WebhookChange {
	const [first] = changes;
	if (!first) throw new Error('combine needs at least one change');
	const value: Json = { messaging_product: 'whatsapp', metadata: first.value.metadata };
	const contacts: Json[] = [];
	const seen = new Set<string>();
	for (const key of ['contacts', 'messages', 'statuses', 'errors'] as const) {
		const merged: unknown[] = [];
		for (const change of changes) {
			const items = change.value[key];
			if (!Array.isArray(items)) continue;
			for (const item of items) {
				if (key === 'contacts') {
					const id = String((item as Json).wa_id ?? (item as Json).user_id);
					if (seen.has(id)) continue;
					seen.add(id);
					contacts.push(item as Json);
				} else merged.push(item);
			}
		}
		const keep = emptyLists && key !== 'errors';
		if (key !== 'contacts' && (merged.length > 0 || keep)) value[key] = merged;
	}
	if (contacts.length > 0 || emptyLists) value.contacts = contacts;
	// Keep Meta's key order: metadata, contacts, then the lists.
	const ordered: Json = { messaging_product: value.messaging_product, metadata: value.metadata };
	for (const key of ['contacts', 'messages', 'statuses', 'errors'])
		if (value[key]) ordered[key] = value[key];
	return { field: 'messages', value: ordered };
}

/** Changes in one entry of a body, for the default WABA. */
export function envelope(...changes: WebhookChange[]): WebhookBody {
	return envelopeFor(DEFAULT_WABA_ID, ...changes);
}

export function envelopeFor(wabaId: string, ...changes: WebhookChange[]): WebhookBody {
	return { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes }] };
}

/** The entries of several bodies in one body (Meta may batch several WABAs or entries). */
export function mergeBodies(...bodies: WebhookBody[]): WebhookBody {
	return { object: 'whatsapp_business_account', entry: bodies.flatMap((body) => body.entry) };
}

// ---- a realistic stream ---------------------------------------------------------------------

/** Country code and the leading digits of real mobile ranges, with national number length. */
const MOBILE_PLANS: Array<{ code: string; region: string; prefixes: string[]; length: number }> = [
	{ code: '852', region: 'HK', prefixes: ['5', '6', '9'], length: 8 },
	{ code: '886', region: 'TW', prefixes: ['9'], length: 9 },
	{ code: '86', region: 'CN', prefixes: ['13', '15', '18'], length: 11 },
	{ code: '66', region: 'TH', prefixes: ['8', '9', '6'], length: 9 },
	{ code: '7', region: 'RU', prefixes: ['91', '92', '98'], length: 10 },
];
const NAMES = [
	'陳大文',
	'Chan Tai Man',
	'林美玲',
	'Lin Mei',
	'王小明',
	'สมชาย',
	'Nok',
	'Иван',
	'Мария',
	'Ka Yan 🌸',
];
const TEXTS = [
	'有冇discount?',
	'幾錢呀',
	'請問幾時到貨？',
	'我想退货',
	'How much is this?',
	'where is my parcel 😡',
	'ราคาเท่าไหร่คะ',
	'ส่งของวันไหนครับ',
	'Сколько стоит доставка?',
	'Спасибо!',
	'👍',
	'ok',
];
const STATUS_WEIGHTS: Array<[StatusName, number]> = [
	['sent', 10],
	['delivered', 14],
	['read', 12],
	['failed', 2],
];

interface Customer {
	waId?: string;
	userId: string;
	name: string;
	username?: string;
}

function customerPool(size: number, next: () => number): Customer[] {
	const pool: Customer[] = [];
	while (pool.length < size) {
		const plan = MOBILE_PLANS[Math.floor(next() * MOBILE_PLANS.length)];
		const prefix = plan.prefixes[Math.floor(next() * plan.prefixes.length)];
		let national = prefix;
		while (national.length < plan.length) national += String(Math.floor(next() * 10));
		const waId = `${plan.code}${national}`;
		// Only numbers full metadata accepts: the mix is about parsing speed, not about refusals.
		if (!normalizePhone(`+${waId}`).ok) continue;
		const userId = `${plan.region}.${1_500_000_000_000_000 + pool.length * 7919}`;
		const name = NAMES[Math.floor(next() * NAMES.length)];
		// About 3 % have a username and withhold their phone number.
		pool.push(
			next() < 0.03 ? { userId, name, username: `user${pool.length}` } : { waId, userId, name },
		);
	}
	return pool;
}

/**
 * `count` deterministic bodies for benchmarks: mostly single text messages and delivery statuses,
 * some media, replies and reactions, occasional batches of several messages or statuses, a few
 * username (BSUID-only) customers and the odd template status update (no events).
 */
export function realisticMix(
	count: number,
	seed = 42,
	customers = Math.min(5_000, Math.max(1, count)),
): WebhookBody[] {
	const next = seededRandom(seed);
	const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
	const pool = customerPool(customers, next);
	const statusTotal = STATUS_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
	const pickStatus = (): StatusName => {
		let roll = next() * statusTotal;
		for (const [status, weight] of STATUS_WEIGHTS) if ((roll -= weight) < 0) return status;
		return 'read';
	};
	const bodies: WebhookBody[] = [];
	for (let i = 0; i < count; i++) {
		const customer = pick(pool);
		const timestamp = DEFAULT_TIMESTAMP + i;
		const sender: MessageOptions = {
			from: customer.waId ?? null,
			userId: customer.userId,
			name: customer.name,
			username: customer.username,
			timestamp,
			id: wamid(`in:${seed}:${i}`, customer.waId ?? '0'),
		};
		const outbound = wamid(`out:${seed}:${i}`, customer.waId ?? '0');
		const statusOf = (status: StatusName, k = 0): WebhookChange =>
			statusUpdate(status, {
				id: k === 0 ? outbound : wamid(`out:${seed}:${i}:${k}`),
				recipient: customer.waId ?? null,
				recipientUserId: customer.waId ? undefined : customer.userId,
				timestamp,
				category: next() < 0.7 ? 'marketing' : 'utility',
				errors: status === 'failed' ? [{ code: pick([131026, 131049, 131047]) }] : undefined,
			});
		const roll = next();
		let change: WebhookChange;
		if (roll < 0.44) {
			change = textMessage({
				...sender,
				text: pick(TEXTS),
				replyTo: next() < 0.2 ? outbound : undefined,
			});
		} else if (roll < 0.5) {
			const media = pick<MediaType>(['image', 'image', 'audio', 'document', 'video', 'sticker']);
			change = mediaMessage(media, {
				...sender,
				caption: media === 'image' && next() < 0.5 ? pick(TEXTS) : undefined,
				mediaId: String(1_000_000_000_000_000 + i),
			});
		} else if (roll < 0.54) {
			const kind = Math.floor(next() * 4);
			change =
				kind === 0
					? interactiveReply({ ...sender, replyTo: outbound })
					: kind === 1
						? templateButtonReply({ ...sender, replyTo: outbound })
						: kind === 2
							? reaction({ ...sender, messageId: outbound })
							: location(sender);
		} else if (roll < 0.58) {
			const size = 2 + Math.floor(next() * 3);
			change = combine(
				...Array.from({ length: size }, (_, k) =>
					textMessage({
						...sender,
						id: wamid(`in:${seed}:${i}:${k}`, customer.waId ?? '0'),
						text: pick(TEXTS),
					}),
				),
			);
		} else if (roll < 0.96) {
			change = statusOf(pickStatus());
		} else if (roll < 0.99) {
			change = combine(
				statusOf('delivered'),
				statusOf('read', 1),
				...(next() < 0.5 ? [statusOf('sent', 2)] : []),
			);
		} else {
			change = templateStatusUpdate({ templateId: 1_000_000 + i });
		}
		bodies.push(envelope(change));
	}
	return bodies;
}

// ---- coexistence, calls, template lifecycle -------------------------------------------------

/**
 * A message the business typed in the WhatsApp Business app (coexistence), as Meta echoes it.
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
 */
export function messageEcho(
	opts: BusinessOptions & {
		/** The customer written to (Meta's `to`); digits or +digits. */
		to?: string;
		text?: string;
		id?: string;
		timestamp?: number | string;
	} = {},
): WebhookChange {
	const to = opts.to ?? DEFAULT_CUSTOMER;
	const text = opts.text ?? '收到，我哋今日會寄出。';
	const timestamp = opts.timestamp ?? DEFAULT_TIMESTAMP;
	return {
		field: 'smb_message_echoes',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			message_echoes: [
				{
					from: opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER,
					to,
					id: opts.id ?? wamid(`echo:${to}:${String(timestamp)}:${text}`, to.replace(/^\+/, '')),
					timestamp: String(timestamp),
					type: 'text',
					text: { body: text },
				},
			],
		},
	};
}

/**
 * One chunk of a coexistence number's shared chat history: one thread with the customer's and the
 * business's past messages. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history
 */
export function historyChunk(
	opts: BusinessOptions & {
		customer?: string;
		messages?: Array<{ fromBusiness?: boolean; text: string; timestamp?: number; status?: string }>;
		phase?: number;
		chunkOrder?: number;
		progress?: number;
	} = {},
): WebhookChange {
	const customer = opts.customer ?? DEFAULT_CUSTOMER;
	const business = opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER;
	const messages = (
		opts.messages ?? [
			{ text: '請問幾時到貨？', timestamp: DEFAULT_TIMESTAMP - 86_400 * 3 },
			{
				fromBusiness: true,
				text: '聽日會到。',
				timestamp: DEFAULT_TIMESTAMP - 86_400 * 3 + 60,
				status: 'READ',
			},
		]
	).map((message, index) => {
		const timestamp = message.timestamp ?? DEFAULT_TIMESTAMP - 86_400 + index;
		const item: Json = {
			from: message.fromBusiness ? business : customer,
			id: wamid(`history:${customer}:${index}:${message.text}`, customer),
			timestamp: String(timestamp),
			type: 'text',
			text: { body: message.text },
		};
		if (message.fromBusiness) item.to = customer;
		item.history_context = {
			status: message.status ?? (message.fromBusiness ? 'DELIVERED' : 'READ'),
		};
		return item;
	});
	return {
		field: 'history',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			history: [
				{
					metadata: {
						phase: opts.phase ?? 0,
						chunk_order: opts.chunkOrder ?? 1,
						progress: opts.progress ?? 100,
					},
					threads: [{ id: customer, messages }],
				},
			],
		},
	};
}

/** The business declined to share its chat history (error 2593109). Source: as historyChunk. */
export function historyDeclined(opts: BusinessOptions = {}): WebhookChange {
	return {
		field: 'history',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			history: [
				{
					errors: [
						{
							code: 2593109,
							title: 'History sync is turned off by the business from the WhatsApp Business App',
							message: 'History sync is turned off by the business from the WhatsApp Business App',
							error_data: { details: 'History sync is turned off by the business' },
						},
					],
				},
			],
		},
	};
}

/**
 * A WhatsApp Business app contact added, edited or removed. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
 */
export function appContactSync(
	opts: BusinessOptions & {
		phone?: string;
		fullName?: string;
		firstName?: string;
		action?: 'add' | 'remove' | string;
		timestamp?: number | string;
	} = {},
): WebhookChange {
	const contact: Json = {
		full_name: opts.fullName ?? '陳大文',
		first_name: opts.firstName ?? '大文',
		phone_number: opts.phone ?? DEFAULT_CUSTOMER,
	};
	return {
		field: 'smb_app_state_sync',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			state_sync: [
				{
					type: 'contact',
					contact,
					action: opts.action ?? 'add',
					metadata: { timestamp: String(opts.timestamp ?? DEFAULT_TIMESTAMP) },
				},
			],
		},
	};
}

interface CallOptions extends BusinessOptions {
	customer?: string;
	name?: string;
	id?: string;
	timestamp?: number;
	/** Business-initiated (outbound) instead of the customer calling. */
	businessInitiated?: boolean;
}

function callChange(opts: CallOptions, call: Json): WebhookChange {
	const customer = opts.customer ?? DEFAULT_CUSTOMER;
	return {
		field: 'calls',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			contacts: [{ profile: { name: opts.name ?? 'Customer' }, wa_id: customer }],
			calls: [call],
		},
	};
}

function callParties(opts: CallOptions): Json {
	const customer = opts.customer ?? DEFAULT_CUSTOMER;
	const business = opts.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER;
	return opts.businessInitiated
		? { from: business, to: customer }
		: { from: customer, to: business };
}

function callId(opts: CallOptions): string {
	const customer = opts.customer ?? DEFAULT_CUSTOMER;
	return (
		opts.id ??
		`wacid.${Buffer.from(`${customer}:${String(opts.timestamp ?? DEFAULT_TIMESTAMP)}`).toString('base64')}`
	);
}

/**
 * A call connects (the customer calls, or answers the business's call), with its SDP. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-connect-webhook
 */
export function callConnect(opts: CallOptions = {}): WebhookChange {
	return callChange(opts, {
		id: callId(opts),
		...callParties(opts),
		event: 'connect',
		timestamp: String(opts.timestamp ?? DEFAULT_TIMESTAMP),
		direction: opts.businessInitiated ? 'BUSINESS_INITIATED' : 'USER_INITIATED',
		session: { sdp_type: opts.businessInitiated ? 'answer' : 'offer', sdp: 'v=0\r\n' },
	});
}

/**
 * A call ends: COMPLETED with its times and duration, or FAILED (never answered: a missed call when
 * the customer called). Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-terminate-webhook
 */
export function callTerminate(
	opts: CallOptions & { status?: 'COMPLETED' | 'FAILED'; durationSeconds?: number } = {},
): WebhookChange {
	const timestamp = opts.timestamp ?? DEFAULT_TIMESTAMP;
	const status = opts.status ?? (opts.durationSeconds ? 'COMPLETED' : 'FAILED');
	const call: Json = {
		id: callId(opts),
		...callParties(opts),
		event: 'terminate',
		timestamp: String(timestamp + (opts.durationSeconds ?? 30)),
		direction: opts.businessInitiated ? 'BUSINESS_INITIATED' : 'USER_INITIATED',
		status,
	};
	if (status === 'COMPLETED') {
		const duration = opts.durationSeconds ?? 60;
		call.start_time = String(timestamp);
		call.end_time = String(timestamp + duration);
		call.duration = duration;
	}
	return callChange(opts, call);
}

/**
 * A business-initiated call rings, is accepted or rejected. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-status-webhook
 */
export function callStatus(
	status: 'RINGING' | 'ACCEPTED' | 'REJECTED',
	opts: CallOptions = {},
): WebhookChange {
	return {
		field: 'calls',
		value: {
			messaging_product: 'whatsapp',
			metadata: metadata(opts),
			statuses: [
				{
					id: callId(opts),
					timestamp: String(opts.timestamp ?? DEFAULT_TIMESTAMP),
					type: 'call',
					status,
					recipient_id: opts.customer ?? DEFAULT_CUSTOMER,
				},
			],
		},
	};
}

/**
 * The customer answers a call permission request (a `messages` change). Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
 */
export function callPermissionReply(
	opts: MessageOptions & { response?: 'accept' | 'reject'; permanent?: boolean } = {},
): WebhookChange {
	const timestamp = Number(opts.timestamp ?? DEFAULT_TIMESTAMP);
	const reply: Json = {
		response: opts.response ?? 'accept',
		is_permanent: opts.permanent ?? false,
		response_source: 'user_action',
	};
	if (!opts.permanent && (opts.response ?? 'accept') === 'accept')
		reply.expiration_timestamp = timestamp + 7 * 86_400;
	return inboundMessage(
		'interactive',
		{ type: 'call_permission_reply', call_permission_reply: reply },
		opts,
	);
}

/**
 * A template's quality rating changed. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_quality_update
 */
export function templateQualityUpdate(
	opts: {
		previous?: string;
		quality?: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
		templateId?: number;
		templateName?: string;
		language?: string;
	} = {},
): WebhookChange {
	return {
		field: 'message_template_quality_update',
		value: {
			previous_quality_score: opts.previous ?? 'GREEN',
			new_quality_score: opts.quality ?? 'YELLOW',
			message_template_id: opts.templateId ?? 1_234_567_890_123_456,
			message_template_name: opts.templateName ?? 'spring_sale',
			message_template_language: opts.language ?? 'zh_HK',
		},
	};
}

/**
 * Meta re-categorised a template (e.g. utility to marketing). Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/template_category_update
 */
export function templateCategoryUpdate(
	opts: {
		previous?: string;
		category?: string;
		templateId?: number;
		templateName?: string;
		language?: string;
	} = {},
): WebhookChange {
	return {
		field: 'template_category_update',
		value: {
			message_template_id: opts.templateId ?? 1_234_567_890_123_456,
			message_template_name: opts.templateName ?? 'order_update',
			message_template_language: opts.language ?? 'zh_HK',
			previous_category: opts.previous ?? 'UTILITY',
			new_category: opts.category ?? 'MARKETING',
		},
	};
}

/** A body whose entry carries `time` (template webhooks are dated by the entry). */
export function envelopeAt(time: number, ...changes: WebhookChange[]): WebhookBody {
	return { object: 'whatsapp_business_account', entry: [{ id: DEFAULT_WABA_ID, time, changes }] };
}
