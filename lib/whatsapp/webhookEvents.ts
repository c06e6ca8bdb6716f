/**
 * The events `parseWebhook` emits, as n8n items carry them, and the error a body without Meta's envelope throws.
 */
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
