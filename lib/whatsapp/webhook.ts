/**
 * Meta's WhatsApp Cloud API webhook payload, read into flat events: one per customer message, per
 * delivery status and per account-level error list.
 *
 * What fails and what does not: Meta retries a delivery that is not answered 200, so one odd part
 * must never block the rest. Only a body without Meta's envelope (not an object, `entry` or
 * `changes` not lists, a `messages` change without its value, metadata or lists) throws
 * WebhookPayloadError. Inside a good envelope, a message or status with an unreadable timestamp
 * keeps its place with the time of receipt (`timestampEstimated: true`), items that are not
 * objects are skipped, unknown message types keep their raw part, `user_preferences` changes give
 * `preference` events (a customer stopped or resumed marketing), and other change fields (template
 * status, account updates, calls, echoes, …) give no events unless asked for with
 * `{ includeOtherFields: true }`.
 */
import { createHash } from 'node:crypto';

import type { Json } from '../json';
import { boolean, isObject, numberOrNumericText, textOrNumber as str } from '../json';
import { createPhoneNormalizer, normalizePhone } from '../phone/normalize';
import { graphError } from './errors';

export class WebhookPayloadError extends Error {
	/** Where in the body the problem is, e.g. `entry[0].changes[1].value.messages`. */
	readonly path?: string;

	constructor(message: string, path?: string) {
		super(`Not a WhatsApp Cloud API webhook payload: ${path ? `${path} ${message}` : message}`);
		this.name = 'WebhookPayloadError';
		this.path = path;
	}
}

export interface WhatsAppCustomer {
	/** WhatsApp id (the phone number's digits); absent for users with a username who withhold it. */
	waId?: string;
	/** Business-scoped user id (BSUID, e.g. `HK.1502576394655843`), sent since April 2026. */
	userId?: string;
	/** Parent BSUID shared across linked business portfolios, when enabled. */
	parentUserId?: string;
	/** The phone number in E.164, when Meta sent one that is valid. */
	e164?: string;
	/** WhatsApp profile name. */
	name?: string;
	/** WhatsApp username, when the user has one (changes: not a key). */
	username?: string;
}

export interface WhatsAppEventError {
	code: number;
	/** The catalogue's reading of the code (lib/whatsapp/errors.ts). */
	title: string;
	retryable: boolean;
	/** Meta's own message and details, when present. */
	message?: string;
	details?: string;
	href?: string;
}
/** @deprecated Use WhatsAppEventError. */
export type EventError = WhatsAppEventError;

interface WhatsAppEventBase {
	/** The change field the event came from (`messages` for messages, statuses and errors). */
	field: string;
	/** The WhatsApp Business Account (`entry[].id`). */
	wabaId: string;
	phoneNumberId: string;
	/** The business number as Meta displays it (always sent; the key stays if Meta ever leaves it out). */
	displayPhoneNumber?: string;
	/** ISO-8601 UTC. */
	timestamp: string;
	/**
	 * Set when Meta's timestamp was missing or unreadable and `timestamp` is the time of receipt, or
	 * when it was written in milliseconds (13 digits) and was read as such.
	 */
	timestampEstimated?: true;
	/**
	 * Set when the event came without a usable id (missing, empty, blank or over 256 characters):
	 * `id` is then `nowamid:<sender>:<hash of the event's content>`, the same for a redelivery of the
	 * same content and different for any other content, so two such events never merge.
	 */
	idDerived?: true;
	customer: WhatsAppCustomer;
}

export interface WhatsAppMediaPart {
	id?: string;
	mimeType?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	/** Audio recorded as a voice note. */
	voice?: boolean;
	/** Sticker is animated. */
	animated?: boolean;
	url?: string;
}

export interface WhatsAppReply {
	/** button_reply, list_reply, nfm_reply (flows, address) or template_button (a template's quick reply). */
	kind: string;
	id?: string;
	title?: string;
	description?: string;
	/** A template quick reply's payload, or a flow's `response_json` as sent. */
	payload?: string;
	/** A flow's `response_json`, parsed (absent when it is not JSON). */
	response?: unknown;
}

export interface WhatsAppSharedContact {
	name?: string;
	phones: Array<{ phone?: string; waId?: string; e164?: string; type?: string }>;
	emails: string[];
	organization?: string;
}

export interface WhatsAppReferral {
	sourceType?: string;
	sourceId?: string;
	sourceUrl?: string;
	headline?: string;
	body?: string;
	mediaType?: string;
	imageUrl?: string;
	videoUrl?: string;
	thumbnailUrl?: string;
	/** Click-to-WhatsApp click id, for conversion reporting. */
	ctwaClid?: string;
	welcomeMessage?: string;
}

export interface WhatsAppMessageEvent extends WhatsAppEventBase {
	kind: 'message';
	/** The message's wamid. */
	id: string;
	/** Meta's type: text, image, audio, video, document, sticker, location, contacts, interactive, button, reaction, order, system, edit, revoke, request_welcome, unsupported, … */
	type: string;
	/** The text a person would read: the body, a caption, a button or list reply title, an edit's new text. */
	text?: string;
	media?: WhatsAppMediaPart;
	location?: {
		latitude?: number;
		longitude?: number;
		name?: string;
		address?: string;
		url?: string;
	};
	/** Interactive button/list/flow replies and template quick-reply buttons. */
	reply?: WhatsAppReply;
	/** A reaction to one of your messages; `removed` when the customer took it back (no emoji). */
	reaction?: { messageId?: string; emoji?: string; removed?: true };
	contacts?: WhatsAppSharedContact[];
	order?: {
		catalogId?: string;
		text?: string;
		items: Array<{
			productRetailerId?: string;
			quantity?: number;
			price?: number;
			currency?: string;
		}>;
	};
	/**
	 * Meta's `system` messages. `user_changed_number`: re-key the CRM contact from `previousWaId` to
	 * `newWaId`; `user_changed_user_id`: from `previousUserId` to `newUserId`.
	 */
	system?: {
		type?: string;
		body?: string;
		previousWaId?: string;
		newWaId?: string;
		newE164?: string;
		previousUserId?: string;
		newUserId?: string;
		newParentUserId?: string;
	};
	/** A customer's edit of an earlier message (Coexistence numbers): the new content. */
	edit?: { originalMessageId?: string; type?: string; text?: string };
	/** A customer deleted an earlier message (Coexistence numbers). */
	revoke?: { originalMessageId?: string };
	/** For `unsupported` messages, the kind Meta could not pass on (poll, edit, …). */
	unsupportedType?: string;
	/** The message this one replies to or forwards. */
	context?: {
		messageId?: string;
		from?: string;
		forwarded?: boolean;
		frequentlyForwarded?: boolean;
		referredProduct?: { catalogId?: string; productRetailerId?: string };
	};
	/** Click-to-WhatsApp ad or post that started the conversation. */
	referral?: WhatsAppReferral;
	/** Set for messages in a group (Groups API). */
	groupId?: string;
	errors?: WhatsAppEventError[];
	/** The message object as Meta sent it (not a copy). */
	raw: Record<string, unknown>;
}

export interface WhatsAppStatusEvent extends WhatsAppEventBase {
	kind: 'status';
	/** The wamid of the message you sent. */
	id: string;
	/** sent, delivered, read, played, failed, deleted, … A status can skip steps (straight to read). */
	status: string;
	/** Set when the message went to a group: then `customer` is empty. */
	groupId?: string;
	conversation?: { id?: string; originType?: string; expiresAt?: string };
	pricing?: { billable?: boolean; category?: string; pricingModel?: string; type?: string };
	/** Your correlation data, echoed from the send (`biz_opaque_callback_data`). */
	bizOpaqueCallbackData?: string;
	errors?: WhatsAppEventError[];
	raw: Record<string, unknown>;
}

export interface WhatsAppErrorEvent extends WhatsAppEventBase {
	kind: 'error';
	/** No id comes with an account-level error: the codes and details stand in, stable across re-deliveries. */
	id: string;
	errors: WhatsAppEventError[];
	raw: Record<string, unknown>;
}

/**
 * A customer stopped or resumed marketing messages inside WhatsApp (the `user_preferences` field).
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 */
export interface WhatsAppPreferenceEvent extends WhatsAppEventBase {
	kind: 'preference';
	/** No id comes with a preference change: customer, category, value and time stand in. */
	id: string;
	/** Meta's category, `marketing_messages` today. */
	category: string;
	/** Meta's value: `stop` or `resume`. */
	value: string;
	/** true for stop, false for resume; absent for a value Meta has not documented. */
	optedOut?: boolean;
	/** Meta's description of the change. */
	detail?: string;
	raw: Record<string, unknown>;
}

/**
 * A message the business typed in the WhatsApp Business app on a coexistence number
 * (`smb_message_echoes`): the same readable fields as a message, `customer` is the person the
 * business wrote to. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
 */
export interface WhatsAppEchoEvent extends Omit<WhatsAppMessageEvent, 'kind'> {
	kind: 'echo';
	/** Always `outbound`: the business wrote it. */
	direction: 'outbound';
	/** The business number that sent it (`from`, as Meta displays it). */
	from?: string;
}

/**
 * A past message of a coexistence number's chat history (`history`), shared once when the business
 * agrees: never a new conversation, so it opens no window and starts no pause. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history
 */
export interface WhatsAppHistoryEvent extends Omit<WhatsAppMessageEvent, 'kind'> {
	kind: 'history';
	history: true;
	/** `inbound` when the customer wrote it, `outbound` when the business did. */
	direction: 'inbound' | 'outbound';
	/** Meta's `history_context.status` for a business message (`DELIVERED`, `READ`, …). */
	historyStatus?: string;
	/** Meta's chunk metadata: `phase` (0–2: day 0–1, 1–90, 90–180), `chunkOrder`, `progress` (0–100). */
	phase?: number;
	chunkOrder?: number;
	progress?: number;
}

/**
 * A contact of the WhatsApp Business app added, edited or removed (`smb_app_state_sync`), shaped
 * like a customer so CRM Upsert and Contact Dedup take it as it is. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
 */
export interface WhatsAppContactEvent extends WhatsAppEventBase {
	kind: 'contact';
	/** Phone, action and time stand in for an id. */
	id: string;
	/** Meta's `action`: `add` (also an edit) or `remove`. */
	action: string;
	/** The contact as the business saved it: `name` (full name), `firstName`, `phone`, `e164`. */
	contact: { name?: string; firstName?: string; phone?: string; e164?: string };
	raw: Record<string, unknown>;
}

/**
 * A WhatsApp call (the `calls` field): `connect`, `terminate` (with status and duration), a
 * business-initiated call's `status` (RINGING, ACCEPTED, REJECTED), or a customer's answer to a call
 * permission request. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-webhooks
 */
export interface WhatsAppCallEvent extends WhatsAppEventBase {
	kind: 'call';
	/** The call id (`wacid.…`); for a permission answer, the message's wamid. */
	id: string;
	/** connect, terminate, status, permission. */
	event: string;
	/** `inbound` when the customer called (USER_INITIATED), `outbound` when the business did. */
	direction?: 'inbound' | 'outbound';
	/** Who called: the customer's E.164 (or wa_id / user id) inbound, the business number outbound. */
	caller?: string;
	/** terminate: COMPLETED or FAILED; status: RINGING, ACCEPTED, REJECTED; permission: accept / reject. */
	status?: string;
	/** A customer call that ended without being answered (terminate, inbound, no duration). */
	missed?: boolean;
	/** Seconds the call lasted (terminate). */
	durationSeconds?: number;
	startedAt?: string;
	endedAt?: string;
	/** The customer's call permission: `accept` / `reject`, and until when when temporary. */
	permission?: { response?: string; expiresAt?: string; isPermanent?: boolean };
	bizOpaqueCallbackData?: string;
	errors?: WhatsAppEventError[];
	raw: Record<string, unknown>;
}

/**
 * A template's status, quality or category changed (`message_template_status_update`,
 * `message_template_quality_update`, `template_category_update`). Sources:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_status_update
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/message_template_quality_update
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/template_category_update
 */
export interface WhatsAppTemplateEvent extends WhatsAppEventBase {
	kind: 'template';
	/** Template, change and time stand in for an id. */
	id: string;
	/** Templates belong to the WhatsApp Business Account: `phoneNumberId` is '' and `customer` {}. */
	/** status, quality or category. */
	change: 'status' | 'quality' | 'category';
	templateId?: string;
	name?: string;
	language?: string;
	/** status: Meta's event (APPROVED, REJECTED, PAUSED, DISABLED, …). */
	status?: string;
	/** true when Meta paused or disabled the template: sends would fail with 132015/132016. */
	blocked?: boolean;
	reason?: string;
	/** quality: GREEN, YELLOW, RED, UNKNOWN. */
	previousQuality?: string;
	quality?: string;
	/** category: the new category (lower case in `category`, Meta's upper case in raw). */
	previousCategory?: string;
	category?: string;
	raw: Record<string, unknown>;
}

export type WhatsAppEvent =
	| WhatsAppMessageEvent
	| WhatsAppStatusEvent
	| WhatsAppErrorEvent
	| WhatsAppPreferenceEvent
	| WhatsAppEchoEvent
	| WhatsAppHistoryEvent
	| WhatsAppContactEvent
	| WhatsAppCallEvent
	| WhatsAppTemplateEvent;

/** Every kind of event `parseWebhook` emits; a Record, so a kind added to the union must be added here. */
const EVENT_KIND_SET: Record<WhatsAppEvent['kind'] | WhatsAppChangeEvent['kind'], true> = {
	message: true,
	status: true,
	error: true,
	preference: true,
	echo: true,
	history: true,
	contact: true,
	call: true,
	template: true,
	change: true,
};
export const EVENT_KINDS = Object.freeze(Object.keys(EVENT_KIND_SET)) as readonly (
	WhatsAppEvent['kind'] | WhatsAppChangeEvent['kind']
)[];

/** A change of another field than `messages`, passed on as Meta sent it (only with `includeOtherFields`). */
export interface WhatsAppChangeEvent {
	kind: 'change';
	field: string;
	wabaId: string;
	phoneNumberId?: string;
	/** `entry[].time` or `value.timestamp` when present, else the time of receipt. */
	timestamp: string;
	timestampEstimated?: true;
	/** The change's value (not a copy); `undefined` when Meta sent none. */
	value: unknown;
}

export interface ParseWebhookOptions {
	/** Also emit a `change` event for each change of another field than `messages`. */
	includeOtherFields?: boolean;
}

interface Context {
	field: string;
	wabaId: string;
	phoneNumberId: string;
	displayPhoneNumber?: string;
	contacts?: ContactIndex;
	receivedAt: Receipt;
}

/** The time of receipt, read at most once per body. */
class Receipt {
	private iso?: string;
	get(): string {
		return (this.iso ??= new Date().toISOString());
	}
}

/** Customers write again and again: each wa_id is validated once (bounded cache). */
const waIdToE164 = createPhoneNormalizer();

/**
 * Reads a webhook body (already JSON-parsed) into events, in the order Meta sent them. Another
 * `object` than `whatsapp_business_account` gives none. Throws WebhookPayloadError when the body
 * does not have Meta's envelope.
 */
export function parseWebhook(
	body: unknown,
	options?: ParseWebhookOptions & { includeOtherFields?: false },
): WhatsAppEvent[];
export function parseWebhook(
	body: unknown,
	options: ParseWebhookOptions,
): Array<WhatsAppEvent | WhatsAppChangeEvent>;
export function parseWebhook(
	body: unknown,
	options: ParseWebhookOptions = {},
): Array<WhatsAppEvent | WhatsAppChangeEvent> {
	if (!isObject(body))
		throw new WebhookPayloadError(`the body is ${describe(body)}, not a JSON object`);
	if (body.object !== 'whatsapp_business_account') return [];
	const entries = body.entry;
	if (!Array.isArray(entries))
		throw new WebhookPayloadError(
			`is ${describe(entries)}, expected an array of entries`,
			'"entry"',
		);
	const events: Array<WhatsAppEvent | WhatsAppChangeEvent> = [];
	const receivedAt = new Receipt();
	for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
		const entry: unknown = entries[entryIndex];
		const entryPath = `entry[${entryIndex}]`;
		if (!isObject(entry))
			throw new WebhookPayloadError(`is ${describe(entry)}, expected an object`, entryPath);
		const changes = entry.changes;
		if (!Array.isArray(changes))
			throw new WebhookPayloadError(
				`is ${describe(changes)}, expected an array`,
				`${entryPath}.changes`,
			);
		const wabaId = metaId(entry.id, `${entryPath}.id`) ?? '';
		for (let changeIndex = 0; changeIndex < changes.length; changeIndex++) {
			const change: unknown = changes[changeIndex];
			const changePath = `${entryPath}.changes[${changeIndex}]`;
			if (!isObject(change))
				throw new WebhookPayloadError(`is ${describe(change)}, expected an object`, changePath);
			const field = str(change.field) ?? '';
			if (field === 'messages') {
				readMessagesChange(change.value, wabaId, changePath, receivedAt, events as WhatsAppEvent[]);
			} else if (field === 'user_preferences' && isObject(change.value)) {
				readPreferencesChange(
					change.value,
					wabaId,
					changePath,
					receivedAt,
					events as WhatsAppEvent[],
				);
			} else if (COEXISTENCE_FIELDS.has(field) && isObject(change.value)) {
				readCoexistenceChange(field, change.value, wabaId, receivedAt, events as WhatsAppEvent[]);
			} else if (field === 'calls' && isObject(change.value)) {
				readCallsChange(change.value, wabaId, receivedAt, events as WhatsAppEvent[]);
			} else if (TEMPLATE_FIELDS.has(field) && isObject(change.value)) {
				const template = readTemplateChange(field, change.value, wabaId, entry, receivedAt);
				if (template) events.push(template);
			} else if (options.includeOtherFields) {
				events.push(otherChange(field, wabaId, entry, change.value, changePath, receivedAt));
			}
		}
	}
	return events;
}

function readMessagesChange(
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

/**
 * `user_preferences`: `value.user_preferences[] { wa_id, user_id?, parent_user_id?, detail, category,
 * value: stop | resume, timestamp }` beside `contacts[]` and `metadata`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * A change without a business phone number or without a list gives no events (never fails the delivery).
 */
function readPreferencesChange(
	value: Json,
	wabaId: string,
	where: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const metadata = isObject(value.metadata) ? value.metadata : undefined;
	const phoneNumberId = metadata
		? metaId(metadata.phone_number_id, `${where}.value.metadata.phone_number_id`)
		: undefined;
	if (!phoneNumberId || !Array.isArray(value.user_preferences)) return;
	const contacts = indexContacts(value.contacts);
	for (const preference of value.user_preferences as unknown[]) {
		if (!isObject(preference)) continue;
		const time = readTime(preference.timestamp, receivedAt);
		const customer = customerOf(
			str(preference.wa_id),
			str(preference.user_id),
			str(preference.parent_user_id),
			contacts,
		);
		const category = str(preference.category) ?? 'unknown';
		const choice = str(preference.value) ?? 'unknown';
		const event: WhatsAppPreferenceEvent = {
			kind: 'preference',
			id: boundedKey(
				'preference',
				`preference:${customer.userId ?? customer.waId ?? 'unknown'}:${category}:${choice}:${time.estimated ? '' : time.iso}`,
			),
			field: 'user_preferences',
			wabaId,
			phoneNumberId,
			displayPhoneNumber: metadata ? str(metadata.display_phone_number) : undefined,
			timestamp: time.iso,
			customer,
			category,
			value: choice,
		} as WhatsAppPreferenceEvent;
		if (event.displayPhoneNumber === undefined) delete event.displayPhoneNumber;
		if (time.estimated) event.timestampEstimated = true;
		if (choice === 'stop') event.optedOut = true;
		else if (choice === 'resume') event.optedOut = false;
		const detail = str(preference.detail);
		if (detail !== undefined) event.detail = detail;
		event.raw = preference;
		events.push(event);
	}
}

// ---- coexistence: echoes, history, app contacts ---------------------------------------------

const COEXISTENCE_FIELDS = new Set(['smb_message_echoes', 'history', 'smb_app_state_sync']);

/**
 * A coexistence number's change. Each needs the business phone number (`metadata.phone_number_id`);
 * without it, or without its list, the change gives no events and never fails the delivery.
 * - `smb_message_echoes`: `value.message_echoes[] { from: business, to: customer, id, timestamp,
 *   type, <type>: {…} }`; the customer may come as `to_user_id` too. Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_message_echoes
 * - `history`: `value.history[] { metadata: { phase, chunk_order, progress }, threads[] { id:
 *   customer, messages[] { from, id, timestamp, type, <type>, history_context: { status } } } }`, or
 *   `history[].errors[]` when the business declined to share (code 2593109). Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/history
 * - `smb_app_state_sync`: `value.state_sync[] { type: contact, contact: { full_name, first_name,
 *   phone_number }, action: add | remove, metadata: { timestamp } }`. Source:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
 */
function readCoexistenceChange(
	field: string,
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const context = changeContext(field, value, wabaId, receivedAt);
	if (!context) return;
	if (field === 'smb_message_echoes') {
		if (!Array.isArray(value.message_echoes)) return;
		for (const echo of value.message_echoes as unknown[])
			if (isObject(echo)) events.push(readEcho(echo, context));
	} else if (field === 'history') {
		if (!Array.isArray(value.history)) return;
		for (const chunk of value.history as unknown[])
			if (isObject(chunk)) readHistoryChunk(chunk, context, events);
	} else if (Array.isArray(value.state_sync)) {
		for (const sync of value.state_sync as unknown[])
			if (isObject(sync) && str(sync.type) === 'contact') {
				const event = readAppContact(sync, context);
				if (event) events.push(event);
			}
	}
}

/** The digits of a phone Meta wrote with or without a leading `+` (`to` of an echo). */
function phoneDigits(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const digits = value.startsWith('+') ? value.slice(1) : value;
	return /^[0-9]{1,20}$/.test(digits) ? digits : undefined;
}

function readEcho(echo: Json, context: Context): WhatsAppEchoEvent {
	// The message readers, then the customer is the person written to, not the business (`from`).
	const event = readMessage(echo, context) as unknown as WhatsAppEchoEvent;
	event.kind = 'echo';
	event.customer = customerOf(
		phoneDigits(str(echo.to)),
		str(echo.to_user_id) ?? str(echo.recipient_user_id),
		str(echo.to_parent_user_id) ?? str(echo.recipient_parent_user_id),
		context.contacts,
	);
	event.direction = 'outbound';
	const from = str(echo.from);
	if (from !== undefined) event.from = from;
	// `raw` last, as for messages.
	const raw = event.raw;
	delete (event as Partial<WhatsAppEchoEvent>).raw;
	event.raw = raw;
	return event;
}

function readHistoryChunk(chunk: Json, context: Context, events: WhatsAppEvent[]): void {
	if (Array.isArray(chunk.errors) && chunk.errors.length > 0)
		events.push(readErrors(chunk.errors as unknown[], context));
	if (!Array.isArray(chunk.threads)) return;
	const meta = isObject(chunk.metadata) ? chunk.metadata : undefined;
	const phase = meta ? numberOrNumericText(meta.phase) : undefined;
	const chunkOrder = meta ? numberOrNumericText(meta.chunk_order) : undefined;
	const progress = meta ? numberOrNumericText(meta.progress) : undefined;
	for (const thread of chunk.threads as unknown[]) {
		if (!isObject(thread) || !Array.isArray(thread.messages)) continue;
		const threadId = str(thread.id);
		const customerWaId = phoneDigits(threadId);
		const customerUserId = threadId !== undefined && !customerWaId ? threadId : undefined;
		for (const message of thread.messages as unknown[]) {
			if (!isObject(message)) continue;
			const event = readMessage(message, context) as unknown as WhatsAppHistoryEvent;
			const from = str(message.from);
			const inbound =
				from !== undefined &&
				(from === threadId || (customerWaId !== undefined && phoneDigits(from) === customerWaId));
			event.kind = 'history';
			event.history = true;
			event.direction = inbound ? 'inbound' : 'outbound';
			if (!inbound)
				event.customer = customerOf(customerWaId, customerUserId, undefined, context.contacts);
			const historyContext = isObject(message.history_context) ? message.history_context : {};
			const status = str(historyContext.status);
			if (status !== undefined) event.historyStatus = status;
			if (phase !== undefined) event.phase = phase;
			if (chunkOrder !== undefined) event.chunkOrder = chunkOrder;
			if (progress !== undefined) event.progress = progress;
			const raw = event.raw;
			delete (event as Partial<WhatsAppHistoryEvent>).raw;
			event.raw = raw;
			events.push(event);
		}
	}
}

function readAppContact(sync: Json, context: Context): WhatsAppContactEvent | undefined {
	const contact = isObject(sync.contact) ? sync.contact : undefined;
	if (!contact) return undefined;
	const phone = str(contact.phone_number);
	const digits = phoneDigits(phone);
	const meta = isObject(sync.metadata) ? sync.metadata : undefined;
	const time = readTime(meta?.timestamp, context.receivedAt);
	const action = str(sync.action) ?? 'unknown';
	const customer = customerOf(digits, undefined, undefined, undefined);
	const name = str(contact.full_name);
	const firstName = str(contact.first_name);
	if (name) customer.name = name;
	const event: WhatsAppContactEvent = {
		kind: 'contact',
		id: boundedKey(
			'contact',
			`contact:${context.phoneNumberId}:${phone ?? 'unknown'}:${action}:${time.estimated ? '' : time.iso}`,
		),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		timestamp: time.iso,
		customer,
		action,
		contact: defined({ name, firstName, phone, e164: customer.e164 }),
		raw: sync,
	};
	if (context.displayPhoneNumber !== undefined)
		event.displayPhoneNumber = context.displayPhoneNumber;
	if (time.estimated) event.timestampEstimated = true;
	// `raw` last.
	const raw = event.raw;
	delete (event as Partial<WhatsAppContactEvent>).raw;
	event.raw = raw;
	return event;
}

// ---- calls -------------------------------------------------------------------------------

/** The business number and contacts a change is for; none when it names no number (no events, never a failed delivery). */
function changeContext(
	field: string,
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
): Context | undefined {
	const metadata = isObject(value.metadata) ? value.metadata : undefined;
	const phoneNumberId = metadata
		? metaId(metadata.phone_number_id, `${field} value.metadata.phone_number_id`)
		: undefined;
	if (!phoneNumberId) return undefined;
	return {
		field,
		wabaId,
		phoneNumberId,
		displayPhoneNumber: metadata ? str(metadata.display_phone_number) : undefined,
		contacts: indexContacts(value.contacts),
		receivedAt,
	};
}

/**
 * `calls`: `value.calls[] { id: wacid, from, to, event: connect | terminate, timestamp, direction:
 * USER_INITIATED | BUSINESS_INITIATED, status (terminate: COMPLETED | FAILED), start_time, end_time,
 * duration, biz_opaque_callback_data, errors }` and, for business-initiated calls, `value.statuses[]
 * { id, type: call, status: RINGING | ACCEPTED | REJECTED, timestamp, recipient_id }`, beside
 * `contacts[]` and `metadata`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/reference#call-webhooks
 */
function readCallsChange(
	value: Json,
	wabaId: string,
	receivedAt: Receipt,
	events: WhatsAppEvent[],
): void {
	const context = changeContext('calls', value, wabaId, receivedAt);
	if (!context) return;
	if (Array.isArray(value.calls))
		for (const call of value.calls as unknown[])
			if (isObject(call)) events.push(readCall(call, context));
	if (Array.isArray(value.statuses))
		for (const status of value.statuses as unknown[])
			if (isObject(status)) events.push(readCallStatus(status, context));
}

function callBase(context: Context, id: string, time: { iso: string; estimated: boolean }) {
	const event = {
		kind: 'call',
		id: boundedKey('call', id),
		field: context.field,
		wabaId: context.wabaId,
		phoneNumberId: context.phoneNumberId,
		displayPhoneNumber: context.displayPhoneNumber,
		timestamp: time.iso,
	} as WhatsAppCallEvent;
	if (event.displayPhoneNumber === undefined) delete event.displayPhoneNumber;
	if (time.estimated) event.timestampEstimated = true;
	return event;
}

function readCall(call: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(call.timestamp, context.receivedAt);
	const kind = str(call.event) ?? 'unknown';
	const from = str(call.from);
	const to = str(call.to);
	const declared = str(call.direction);
	const direction: 'inbound' | 'outbound' =
		declared === 'BUSINESS_INITIATED' ||
		(declared !== 'USER_INITIATED' &&
			from !== undefined &&
			context.displayPhoneNumber !== undefined &&
			phoneDigits(from) === phoneDigits(context.displayPhoneNumber))
			? 'outbound'
			: 'inbound';
	const inbound = direction === 'inbound';
	const customer = customerOf(
		phoneDigits(inbound ? from : to),
		inbound ? str(call.from_user_id) : (str(call.to_user_id) ?? str(call.recipient_user_id)),
		inbound ? str(call.from_parent_user_id) : str(call.to_parent_user_id),
		context.contacts,
	);
	const id = usableId(call.id) ?? contentId(customer.waId ?? customer.userId, call, context);
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = kind;
	event.direction = direction;
	const caller = inbound ? (customer.e164 ?? customer.waId ?? customer.userId) : from;
	if (caller !== undefined) event.caller = caller;
	const status = str(call.status);
	if (status !== undefined) event.status = status;
	const duration = numberOrNumericText(call.duration);
	if (duration !== undefined && duration >= 0) event.durationSeconds = duration;
	const started = call.start_time !== undefined ? isoSeconds(call.start_time) : undefined;
	const ended = call.end_time !== undefined ? isoSeconds(call.end_time) : undefined;
	if (started !== undefined) event.startedAt = started;
	if (ended !== undefined) event.endedAt = ended;
	// A customer's call that ended and never talked: the business missed it.
	if (kind === 'terminate' && inbound) event.missed = !(duration !== undefined && duration > 0);
	const callback = str(call.biz_opaque_callback_data);
	if (callback !== undefined) event.bizOpaqueCallbackData = callback;
	if (Array.isArray(call.errors)) event.errors = errorsOf(call.errors);
	event.raw = call;
	return event;
}

function readCallStatus(status: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(status.timestamp, context.receivedAt);
	const customer = customerOf(
		phoneDigits(str(status.recipient_id)),
		str(status.recipient_user_id),
		str(status.parent_recipient_user_id),
		context.contacts,
	);
	const state = str(status.status) ?? 'unknown';
	const id = usableId(status.id) ?? contentId(customer.waId ?? customer.userId, status, context);
	// One call goes RINGING, ACCEPTED, …: the trigger's duplicate key adds the status to the id.
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = 'status';
	event.direction = 'outbound';
	if (context.displayPhoneNumber !== undefined) event.caller = context.displayPhoneNumber;
	event.status = state;
	const callback = str(status.biz_opaque_callback_data);
	if (callback !== undefined) event.bizOpaqueCallbackData = callback;
	if (Array.isArray(status.errors)) event.errors = errorsOf(status.errors);
	event.raw = status;
	return event;
}

/**
 * A customer's answer to a call permission request arrives as a `messages` message of type
 * `interactive` / `call_permission_reply { response: accept | reject, expiration_timestamp,
 * is_permanent, response_source }`. Source:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/user-call-permissions
 */
function isCallPermissionReply(message: Json): boolean {
	const part = message.interactive;
	return (
		str(message.type) === 'interactive' &&
		isObject(part) &&
		str(part.type) === 'call_permission_reply'
	);
}

function readCallPermission(message: Json, context: Context): WhatsAppCallEvent {
	const time = readTime(message.timestamp, context.receivedAt);
	const waId = str(message.from);
	const customer = customerOf(
		waId,
		str(message.from_user_id),
		str(message.from_parent_user_id),
		context.contacts,
	);
	const part = message.interactive as Json;
	const reply = isObject(part.call_permission_reply) ? part.call_permission_reply : {};
	const response = str(reply.response);
	const id = usableId(message.id) ?? contentId(customer.waId ?? customer.userId, message, context);
	const event = callBase(context, id, time);
	event.customer = customer;
	event.event = 'permission';
	event.direction = 'inbound';
	const caller = customer.e164 ?? customer.waId ?? customer.userId;
	if (caller !== undefined) event.caller = caller;
	if (response !== undefined) event.status = response;
	event.permission = defined({
		response,
		expiresAt:
			reply.expiration_timestamp !== undefined ? isoSeconds(reply.expiration_timestamp) : undefined,
		isPermanent: boolean(reply.is_permanent),
	});
	event.raw = message;
	return event;
}

// ---- template lifecycle ------------------------------------------------------------------

const TEMPLATE_FIELDS = new Set([
	'message_template_status_update',
	'message_template_quality_update',
	'template_category_update',
]);

/** Meta pauses a template whose quality dropped and disables one paused too often (132015 / 132016). */
const BLOCKED_TEMPLATE_STATUSES = new Set(['PAUSED', 'DISABLED']);

/**
 * `message_template_status_update`: `{ event, message_template_id, message_template_name,
 * message_template_language, reason, message_template_category? }`;
 * `message_template_quality_update`: `{ previous_quality_score, new_quality_score,
 * message_template_id, message_template_name, message_template_language }`;
 * `template_category_update`: `{ message_template_id, message_template_name,
 * message_template_language, previous_category, new_category }`; the time is `entry[].time`.
 * Sources: the three reference pages on WhatsAppTemplateEvent.
 */
function readTemplateChange(
	field: string,
	value: Json,
	wabaId: string,
	entry: Json,
	receivedAt: Receipt,
): WhatsAppTemplateEvent | undefined {
	const time = readTime(entry.time, receivedAt);
	const change: WhatsAppTemplateEvent['change'] =
		field === 'message_template_status_update'
			? 'status'
			: field === 'message_template_quality_update'
				? 'quality'
				: 'category';
	const templateId = str(value.message_template_id);
	const name = str(value.message_template_name);
	const language = str(value.message_template_language);
	if (templateId === undefined && name === undefined) return undefined;
	const event: WhatsAppTemplateEvent = {
		kind: 'template',
		id: '',
		field,
		wabaId,
		phoneNumberId: '',
		timestamp: time.iso,
		customer: {},
		change,
	} as WhatsAppTemplateEvent;
	if (time.estimated) event.timestampEstimated = true;
	if (templateId !== undefined) event.templateId = templateId;
	if (name !== undefined) event.name = name;
	if (language !== undefined) event.language = language;
	let state = '';
	if (change === 'status') {
		const status = str(value.event);
		if (status !== undefined) {
			event.status = status;
			event.blocked = BLOCKED_TEMPLATE_STATUSES.has(status);
			state = status;
		}
		const reason = str(value.reason);
		if (reason !== undefined) event.reason = reason;
		const category = str(value.message_template_category);
		if (category !== undefined) event.category = category.toLowerCase();
	} else if (change === 'quality') {
		const previous = str(value.previous_quality_score);
		const quality = str(value.new_quality_score);
		if (previous !== undefined) event.previousQuality = previous;
		if (quality !== undefined) event.quality = quality;
		state = quality ?? '';
	} else {
		const previous = str(value.previous_category);
		const category = str(value.new_category);
		if (previous !== undefined) event.previousCategory = previous.toLowerCase();
		if (category !== undefined) event.category = category.toLowerCase();
		state = category ?? '';
	}
	event.id = boundedKey(
		'template',
		`template:${wabaId}:${templateId ?? `${name ?? ''}:${language ?? ''}`}:${change}:${state}:${time.estimated ? '' : time.iso}`,
	);
	event.raw = value;
	return event;
}

function readMessage(message: Json, context: Context): WhatsAppMessageEvent {
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

function readStatus(status: Json, context: Context): WhatsAppStatusEvent {
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

function readErrors(errors: unknown[], context: Context): WhatsAppErrorEvent {
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

function otherChange(
	field: string,
	wabaId: string,
	entry: Json,
	value: unknown,
	where: string,
	receivedAt: Receipt,
): WhatsAppChangeEvent {
	const valueObject = isObject(value) ? value : undefined;
	const metadata = valueObject?.metadata;
	const rawTime = entry.time ?? valueObject?.timestamp;
	const time = readTime(rawTime, receivedAt);
	const event: WhatsAppChangeEvent = { kind: 'change', field, wabaId, timestamp: time.iso, value };
	const phoneNumberId = isObject(metadata)
		? metaId(metadata.phone_number_id, `${where}.value.metadata.phone_number_id`)
		: undefined;
	if (phoneNumberId) event.phoneNumberId = phoneNumberId;
	if (time.estimated) event.timestampEstimated = true;
	return event;
}

// ---- message parts ------------------------------------------------------------------------

function mediaOf(part: Json): WhatsAppMediaPart {
	return defined({
		id: str(part.id),
		mimeType: str(part.mime_type),
		sha256: str(part.sha256),
		caption: str(part.caption),
		filename: str(part.filename),
		voice: boolean(part.voice),
		animated: boolean(part.animated),
		url: str(part.url),
	});
}

function locationOf(part: Json): NonNullable<WhatsAppMessageEvent['location']> {
	return defined({
		latitude: numberOrNumericText(part.latitude),
		longitude: numberOrNumericText(part.longitude),
		name: str(part.name),
		address: str(part.address),
		url: str(part.url),
	});
}

function readInteractive(event: WhatsAppMessageEvent, part: Json): void {
	const kind = str(part.type) ?? 'unknown';
	const reply = isObject(part[kind]) ? (part[kind] as Json) : {};
	if (kind === 'nfm_reply') {
		// A flow or address form: the answer is the JSON, not words a person typed.
		const payload = str(reply.response_json);
		event.reply = defined({
			kind,
			title: str(reply.name),
			payload,
			response: payload !== undefined ? parseJson(payload) : undefined,
		});
		return;
	}
	event.reply = defined({
		kind,
		id: str(reply.id),
		title: str(reply.title),
		description: str(reply.description),
	});
	setText(event, event.reply.title);
}

function readOrder(event: WhatsAppMessageEvent, part: Json): void {
	const items: NonNullable<WhatsAppMessageEvent['order']>['items'] = [];
	if (Array.isArray(part.product_items)) {
		for (const item of part.product_items) {
			if (!isObject(item)) continue;
			items.push(
				defined({
					productRetailerId: str(item.product_retailer_id),
					quantity: numberOrNumericText(item.quantity),
					price: numberOrNumericText(item.item_price),
					currency: str(item.currency),
				}),
			);
		}
	}
	event.order = defined({ catalogId: str(part.catalog_id), text: str(part.text), items });
	setText(event, event.order.text);
}

function readSystem(
	event: WhatsAppMessageEvent,
	part: Json,
	waId: string | undefined,
	userId: string | undefined,
): void {
	const type = str(part.type);
	const newWaId = str(part.wa_id) ?? str(part.new_wa_id);
	const newUserId = str(part.user_id);
	const changedNumber = type === 'user_changed_number' || type === 'customer_changed_number';
	const newPhone = newWaId ? waIdToE164(`+${newWaId}`) : undefined;
	event.system = defined({
		type,
		body: str(part.body),
		previousWaId: changedNumber ? waId : undefined,
		newWaId,
		newE164: newPhone?.ok ? newPhone.e164 : undefined,
		// A new phone number also brings a new BSUID, so both changes name the old one.
		previousUserId: newUserId && newUserId !== userId ? userId : undefined,
		newUserId,
		newParentUserId: str(part.parent_user_id),
	});
	setText(event, event.system.body);
}

function readEdit(event: WhatsAppMessageEvent, part: Json): void {
	const edited = isObject(part.message) ? part.message : undefined;
	const editedType = edited ? str(edited.type) : undefined;
	const content =
		edited && editedType && isObject(edited[editedType]) ? (edited[editedType] as Json) : undefined;
	event.edit = defined({
		originalMessageId: str(part.original_message_id),
		type: editedType,
		text: content ? (str(content.body) ?? str(content.caption)) : undefined,
	});
	setText(event, event.edit.text);
}

function sharedContactsOf(contacts: unknown[], sender: WhatsAppCustomer): WhatsAppSharedContact[] {
	// Numbers written without a country code are most likely from the sender's own country.
	const defaultCountry = sender.e164 ? countryOf(sender.e164) : undefined;
	const shared: WhatsAppSharedContact[] = [];
	for (const contact of contacts) {
		if (!isObject(contact)) continue;
		const phones: WhatsAppSharedContact['phones'] = [];
		if (Array.isArray(contact.phones)) {
			for (const phone of contact.phones) {
				if (!isObject(phone)) continue;
				const waId = str(phone.wa_id);
				const written = str(phone.phone);
				const normalised = waId
					? waIdToE164(`+${waId}`)
					: written
						? normalizePhone(written, { defaultCountry })
						: undefined;
				phones.push(
					defined({
						phone: written,
						waId,
						e164: normalised?.ok ? normalised.e164 : undefined,
						type: str(phone.type),
					}),
				);
			}
		}
		const emails: string[] = [];
		if (Array.isArray(contact.emails)) {
			for (const email of contact.emails) {
				const address = isObject(email) ? str(email.email) : undefined;
				if (address) emails.push(address);
			}
		}
		const name = isObject(contact.name)
			? (str(contact.name.formatted_name) ?? str(contact.name.first_name))
			: undefined;
		const organization = isObject(contact.org) ? str(contact.org.company) : undefined;
		shared.push(defined({ name, phones, emails, organization }));
	}
	return shared;
}

function referralOf(referral: Json): WhatsAppReferral {
	const welcome = referral.welcome_message;
	return defined({
		sourceType: str(referral.source_type),
		sourceId: str(referral.source_id),
		sourceUrl: str(referral.source_url),
		headline: str(referral.headline),
		body: str(referral.body),
		mediaType: str(referral.media_type),
		imageUrl: str(referral.image_url),
		videoUrl: str(referral.video_url),
		thumbnailUrl: str(referral.thumbnail_url),
		ctwaClid: str(referral.ctwa_clid),
		welcomeMessage: isObject(welcome) ? str(welcome.text) : undefined,
	});
}

function errorsOf(errors: unknown[]): WhatsAppEventError[] {
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

// ---- customers ----------------------------------------------------------------------------

interface ContactRecord {
	waId?: string;
	userId?: string;
	parentUserId?: string;
	name?: string;
	username?: string;
}

/** `value.contacts[]` by wa_id and by user_id; usually one entry, so a small Map. */
type ContactIndex = Map<string, ContactRecord>;

function indexContacts(contacts: unknown): ContactIndex | undefined {
	if (!Array.isArray(contacts) || contacts.length === 0) return undefined;
	const index: ContactIndex = new Map();
	for (const contact of contacts) {
		if (!isObject(contact)) continue;
		const profile = isObject(contact.profile) ? contact.profile : undefined;
		const record: ContactRecord = {
			waId: str(contact.wa_id),
			userId: str(contact.user_id),
			parentUserId: str(contact.parent_user_id),
			name: profile ? str(profile.name) : undefined,
			username: profile ? str(profile.username) : undefined,
		};
		if (record.waId) index.set(record.waId, record);
		if (record.userId) index.set(record.userId, record);
	}
	return index;
}

/**
 * The customer from the message or status, completed from the matching `contacts[]` entry: a
 * message may carry only the BSUID while its contact entry also has the phone, or the reverse.
 */
function customerOf(
	waIdGiven: string | undefined,
	userIdGiven: string | undefined,
	parentUserIdGiven: string | undefined,
	contacts: ContactIndex | undefined,
): WhatsAppCustomer {
	const contact =
		contacts &&
		((waIdGiven && contacts.get(waIdGiven)) ||
			(userIdGiven && contacts.get(userIdGiven)) ||
			undefined);
	const waId = waIdGiven || contact?.waId;
	const userId = userIdGiven || contact?.userId;
	const parentUserId = parentUserIdGiven || contact?.parentUserId;
	const customer: WhatsAppCustomer = {};
	if (waId) {
		customer.waId = waId;
		const phone = waIdToE164(`+${waId}`);
		if (phone.ok) customer.e164 = phone.e164;
	}
	if (userId) customer.userId = userId;
	if (parentUserId) customer.parentUserId = parentUserId;
	if (contact?.name) customer.name = contact.name;
	if (contact?.username) customer.username = contact.username;
	return customer;
}

function countryOf(e164: string): string | undefined {
	const phone = waIdToE164(e164);
	return phone.ok ? phone.country : undefined;
}

// ---- small readers ------------------------------------------------------------------------

/**
 * Meta's unix seconds (a string, sometimes a number); unreadable ones fall back to the time of
 * receipt. Milliseconds are read as milliseconds and flagged estimated, because Meta never sends them.
 */
function readTime(value: unknown, receivedAt: Receipt): { iso: string; estimated: boolean } {
	const seconds = secondsOf(value);
	const iso = isoSeconds(value);
	if (iso === undefined) return { iso: receivedAt.get(), estimated: true };
	return { iso, estimated: seconds >= MILLISECONDS_FROM };
}

/**
 * 1e11 seconds is the year 5138, 1e11 milliseconds March 1973: a time from here up to 1e14 is
 * milliseconds (a 2026 time in milliseconds, 1.8e12, would otherwise read as the year 58903).
 */
const MILLISECONDS_FROM = 1e11;
const MILLISECONDS_UNTIL = 1e14;

function secondsOf(value: unknown): number {
	if (typeof value === 'number') return value;
	return typeof value === 'string' && value !== '' ? Number(value) : NaN;
}

/**
 * Seconds (or milliseconds, see MILLISECONDS_FROM) to ISO-8601, or undefined when not a time
 * `Date` can hold (toISOString would throw).
 */
function isoSeconds(value: unknown): string | undefined {
	let seconds = secondsOf(value);
	if (seconds >= MILLISECONDS_FROM) {
		if (!(seconds < MILLISECONDS_UNTIL)) return undefined;
		seconds /= 1000;
	}
	if (Number.isInteger(seconds) && seconds >= 0 && seconds < YEAR_10000)
		return isoWholeSeconds(seconds);
	const ms = seconds * 1000;
	if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return undefined;
	return new Date(ms).toISOString();
}

/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit year. */
const YEAR_10000 = 253_402_300_800;
const SECONDS_PER_DAY = 86_400;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
let cachedDay = -1;
let cachedDayPrefix = '';

/**
 * `new Date(…).toISOString()` was a third of the parser's time; deliveries arrive in time order,
 * so the date part is formatted once per UTC day and the time of day by arithmetic (UTC has no
 * leap seconds in JavaScript).
 */
function isoWholeSeconds(seconds: number): string {
	const day = Math.floor(seconds / SECONDS_PER_DAY);
	if (day !== cachedDay) {
		cachedDayPrefix = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 11);
		cachedDay = day;
	}
	const ofDay = seconds - day * SECONDS_PER_DAY;
	const hours = Math.floor(ofDay / 3600);
	const minutes = Math.floor((ofDay % 3600) / 60);
	return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[ofDay % 60]}.000Z`;
}

/** Longer than any wamid Meta sends (about 60 characters): past it an id is not used as a key. */
const MAX_ID_CHARS = 256;

/**
 * Meta's object ids (a WABA's `entry[].id`, `metadata.phone_number_id`) are strings of digits,
 * 15 to 17 of them in Meta's examples (shape:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/);
 * 64 leaves room for growth. They are part of the trigger's duplicate-delivery keys and of the
 * content-derived ids, so a longer one is not Meta's and refuses the delivery (a 400) instead of
 * making keys of any length.
 */
const MAX_META_ID_CHARS = 64;

/** A WABA or phone number id, text or a finite number; WebhookPayloadError when it is over-long. */
function metaId(value: unknown, where: string): string | undefined {
	const id = str(value);
	if (id !== undefined && id.length > MAX_META_ID_CHARS)
		throw new WebhookPayloadError(
			`is ${id.length} characters long; Meta's ids have at most ${MAX_META_ID_CHARS}`,
			where,
		);
	return id;
}

/** An id that can key an event: a non-blank string (or a finite number) of at most MAX_ID_CHARS. */
function usableId(value: unknown): string | undefined {
	const id = str(value);
	return id !== undefined && id.length <= MAX_ID_CHARS && id.trim() !== '' ? id : undefined;
}

/**
 * An id composed from a delivery's values (kind, customer, time, …), or past MAX_ID_CHARS a hash of
 * it: outsiders choose those values, and the id is part of the trigger's duplicate keys.
 */
function boundedKey(kind: string, composed: string): string {
	if (composed.length <= MAX_ID_CHARS && composed.trim() !== '') return composed;
	return `${kind}:${createHash('sha256').update(composed).digest('hex').slice(0, 32)}`;
}

/**
 * Meta always sends a wamid; should one be missing or empty, a stand-in from the whole content
 * keeps a redelivery detectable while two different events never share it (two messages with
 * `id: ""` used to merge into one).
 */
function contentId(sender: string | undefined, item: Json, context: Context): string {
	const hash = createHash('sha256');
	hash.update(`${context.wabaId}\u0000${context.phoneNumberId}\u0000`);
	hashJson(hash, item);
	const who = sender !== undefined && sender.length <= 64 && sender !== '' ? sender : 'unknown';
	return `nowamid:${who}:${hash.digest('hex').slice(0, 32)}`;
}

/**
 * Feeds a JSON value to the hash in one canonical spelling (each value tagged by its type, strings
 * length-prefixed, so no two values spell alike). Iterative, so a deeply nested body cannot
 * overflow the stack; reads only own enumerable keys and calls nothing on the values.
 */
function hashJson(hash: ReturnType<typeof createHash>, root: unknown): void {
	const stack: unknown[] = [root];
	const open = new Set<object>();
	while (stack.length > 0) {
		const value = stack.pop();
		if (value === CLOSE) {
			hash.update(')');
			continue;
		}
		if (typeof value === 'string') hash.update(`s${value.length}:${value}`);
		else if (typeof value === 'number') hash.update(`n${Number.isFinite(value) ? value : 0};`);
		else if (typeof value === 'boolean') hash.update(value ? 't' : 'f');
		else if (value === null || typeof value !== 'object') hash.update('z');
		else if (open.has(value)) hash.update('c');
		else {
			// A value reached twice (shared, or a cycle) is hashed the first time only.
			open.add(value);
			stack.push(CLOSE);
			if (Array.isArray(value)) {
				hash.update(`a${value.length}(`);
				for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
			} else {
				const keys = Object.keys(value);
				hash.update(`o${keys.length}(`);
				for (let i = keys.length - 1; i >= 0; i--) {
					stack.push((value as Json)[keys[i]]);
					stack.push(keys[i]);
				}
			}
		}
	}
}
const CLOSE = Symbol('close');

function setText(event: WhatsAppMessageEvent, text: string | undefined): void {
	if (text !== undefined) event.text = text;
}

/** Lists Meta may leave out; anything else than an array breaks the envelope. */
function list(value: unknown, where: string): unknown[] {
	if (value === undefined || value === null) return EMPTY;
	if (!Array.isArray(value))
		throw new WebhookPayloadError(`is ${describe(value)}, expected an array`, where);
	return value;
}
const EMPTY: unknown[] = [];

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * A copy without undefined fields, so items stay clean in n8n's table view. Copying (rather than
 * deleting) keeps the objects in V8's fast mode.
 */
function defined<T extends object>(value: T): T {
	const result = {} as T;
	for (const key in value) if (value[key] !== undefined) result[key] = value[key];
	return result;
}

function describe(value: unknown): string {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
	return `a ${typeof value}`;
}
