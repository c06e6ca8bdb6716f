/**
 * The Graph API's shapes as the client reads and writes them: messages, templates, phone numbers,
 * webhook subscriptions and media. The client itself is in graphClient.ts.
 */
import type { HttpTransport } from '../http/transport';

export interface GraphClientOptions {
	transport: HttpTransport;
	/** Default `https://graph.facebook.com`; a simulator or proxy otherwise. */
	baseUrl?: string;
	/** Graph API version, e.g. `v23.0`. */
	version: string;
	/** Per-request timeout handed to the transport. */
	timeoutMs?: number;
	/** Upper bound on pages followed by list methods (guards against a cursor that never ends). */
	maxPages?: number;
}

/** A message body as Meta documents it, without `messaging_product` (the client adds it). */
export interface OutboundMessage {
	/** A phone number; when both are given Meta sends to `to`. */
	to?: string;
	/** A business-scoped user id or parent id (`HK.1502576394655843`), for customers without a number. */
	recipient?: string;
	type: string;
	recipient_type?: 'individual' | 'group';
	biz_opaque_callback_data?: string;
	context?: { message_id: string };
	[field: string]: unknown;
}

export interface SendResult {
	/** The wamid Meta assigned; statuses for this message carry it. */
	messageId: string;
	waId?: string;
	/** The customer's business-scoped user id, when Meta answers with one (`contacts[].user_id`). */
	userId?: string;
	input?: string;
	/** e.g. `accepted` or `held_for_quality_assessment` when Meta reports it. */
	messageStatus?: string;
}

export interface TemplateComponent {
	type: string;
	format?: string;
	text?: string;
	buttons?: Array<Record<string, unknown>>;
	example?: Record<string, unknown>;
	[field: string]: unknown;
}

export interface MessageTemplate {
	id: string;
	name: string;
	language: string;
	status: string;
	category: string;
	components: TemplateComponent[];
	/** `POSITIONAL` ({{1}}) or `NAMED` ({{customer_name}}) when Meta reports it. */
	parameterFormat?: string;
}

export interface ListTemplatesOptions {
	/** e.g. `APPROVED`. */
	status?: string;
	/** Page size asked of Meta; every page is still followed. */
	limit?: number;
	name?: string;
	language?: string;
}

export interface PhoneNumber {
	id: string;
	displayPhoneNumber?: string;
	verifiedName?: string;
	qualityRating?: string;
	/** e.g. `STANDARD` (80 messages/s) or `HIGH` (up to 1,000/s). */
	throughputLevel?: string;
	codeVerificationStatus?: string;
	platformType?: string;
}

export interface Waba {
	id: string;
	name?: string;
}

export interface SubscribedApp {
	id: string;
	name?: string;
	link?: string;
	/** The WABA-level override callback, when this app set one. */
	overrideCallbackUrl?: string;
}

export interface CallbackOverride {
	callbackUrl: string;
	verifyToken: string;
}

export interface PhoneNumberCallback {
	/** The phone-number-level override (`webhook_configuration.phone_number`). */
	overrideCallbackUrl?: string;
	/** The WABA-level override that applies when the number has none. */
	wabaCallbackUrl?: string;
	/** The app's own callback URL, used when neither override is set. */
	appCallbackUrl?: string;
}

export interface MediaInfo {
	id: string;
	/** Short-lived (Meta: about 5 minutes) and needs the bearer token to download. */
	url: string;
	mimeType?: string;
	sha256?: string;
	fileSize?: number;
}

export interface DownloadedMedia {
	data: Buffer;
	mimeType?: string;
}

export interface UploadMediaInput {
	data: Buffer;
	mimeType: string;
	filename?: string;
}

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface MediaRef {
	/** A public HTTPS URL, or an uploaded media id. */
	link?: string;
	id?: string;
	caption?: string;
	filename?: string;
}
