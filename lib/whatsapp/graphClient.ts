/**
 * A typed client for the parts of Meta's Graph API that WhatsApp Cloud API users need: sending,
 * templates, phone numbers, webhook subscriptions and overrides, media.
 *
 * Authentication is the transport's job (inside n8n the credential adds the bearer token), so the
 * client never sees the token and cannot leak it into an error. Every answer outside 2xx becomes a
 * GraphApiError; a transport failure (no answer) surfaces as the transport's TransportError, whose
 * `sent` flag tells a sender whether the message may have gone out.
 */
import { createHash } from 'node:crypto';

import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from '../http/transport';
import { multipartBody } from '../http/multipart';
import { numberOrNumericText } from '../json';
import { GraphApiError } from './errors';
import type { Json } from './graphAnswers';
import {
	cursorFrom,
	firstOf,
	GraphResponseError,
	isObject,
	MediaIntegrityError,
	parseJson,
	required,
	str,
	success,
	toBuffer,
} from './graphAnswers';
import type {
	CallbackOverride,
	DownloadedMedia,
	GraphClientOptions,
	ListTemplatesOptions,
	MediaInfo,
	MessageTemplate,
	OutboundMessage,
	PhoneNumber,
	PhoneNumberCallback,
	SendResult,
	SubscribedApp,
	TemplateComponent,
	UploadMediaInput,
	Waba,
} from './graphTypes';

export { GraphResponseError, MediaIntegrityError } from './graphAnswers';
export type {
	CallbackOverride,
	DownloadedMedia,
	GraphClientOptions,
	ListTemplatesOptions,
	MediaInfo,
	MessageTemplate,
	OutboundMessage,
	PhoneNumber,
	PhoneNumberCallback,
	SendResult,
	SubscribedApp,
	TemplateComponent,
	UploadMediaInput,
	Waba,
} from './graphTypes';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export class GraphClient {
	private readonly transport: HttpTransport;
	private readonly root: string;
	private readonly timeoutMs?: number;
	private readonly maxPages: number;

	constructor(options: GraphClientOptions) {
		if (!/^v\d+\.\d+$/.test(options.version)) {
			throw new Error(`Graph API version must look like v23.0, got "${options.version}"`);
		}
		this.transport = options.transport;
		this.root = `${(options.baseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '')}/${options.version}`;
		this.timeoutMs = options.timeoutMs;
		this.maxPages = options.maxPages ?? 1000;
	}

	// ---- messages ----

	async sendMessage(phoneNumberId: string, message: OutboundMessage): Promise<SendResult> {
		const { status, body } = await this.call('POST', [phoneNumberId, 'messages'], {
			body: { ...message, messaging_product: 'whatsapp' },
		});
		const contact = firstOf(body.contacts);
		const sent = firstOf(body.messages);
		const messageId = str(sent?.id);
		if (!messageId)
			throw new GraphResponseError(
				'Graph API accepted the message but returned no message id',
				status,
			);
		return {
			messageId,
			waId: str(contact?.wa_id),
			userId: str(contact?.user_id),
			input: str(contact?.input),
			messageStatus: str(sent?.message_status),
		};
	}

	/** Marks an inbound message (and the ones before it) as read; optionally shows a typing indicator. */
	async markRead(
		phoneNumberId: string,
		messageId: string,
		options: { typingIndicator?: boolean } = {},
	): Promise<boolean> {
		const body: Json = { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
		if (options.typingIndicator) body.typing_indicator = { type: 'text' };
		return success(await this.call('POST', [phoneNumberId, 'messages'], { body }));
	}

	// ---- account ----

	async listTemplates(
		wabaId: string,
		options: ListTemplatesOptions = {},
	): Promise<MessageTemplate[]> {
		const qs: Record<string, string | number> = {
			fields: 'id,name,language,status,category,components,parameter_format',
		};
		if (options.status) qs.status = options.status;
		if (options.name) qs.name = options.name;
		if (options.language) qs.language = options.language;
		if (options.limit) qs.limit = options.limit;
		const rows = await this.collect([wabaId, 'message_templates'], qs);
		return rows.map((row, index) => ({
			id: required(row, 'id', 'template', index),
			name: required(row, 'name', 'template', index),
			language: required(row, 'language', 'template', index),
			status: str(row.status) ?? '',
			category: str(row.category) ?? '',
			// A component the message builders can read: an object with a text `type`.
			components: Array.isArray(row.components)
				? (row.components.filter(
						(component) => isObject(component) && typeof component.type === 'string',
					) as TemplateComponent[])
				: [],
			parameterFormat: str(row.parameter_format),
		}));
	}

	async listPhoneNumbers(wabaId: string): Promise<PhoneNumber[]> {
		const rows = await this.collect([wabaId, 'phone_numbers'], {
			fields:
				'id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type,throughput',
		});
		return rows.map((row, index) => ({
			id: required(row, 'id', 'phone number', index),
			displayPhoneNumber: str(row.display_phone_number),
			verifiedName: str(row.verified_name),
			qualityRating: str(row.quality_rating),
			throughputLevel: isObject(row.throughput) ? str(row.throughput.level) : undefined,
			codeVerificationStatus: str(row.code_verification_status),
			platformType: str(row.platform_type),
		}));
	}

	/**
	 * The messaging limit of the number's business portfolio, as Meta reports it on the number
	 * (`whatsapp_business_manager_messaging_limit`, e.g. `TIER_2K`; `messaging_limit_tier` is deprecated:
	 * https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
	 */
	async getMessagingLimitTier(phoneNumberId: string): Promise<string | undefined> {
		const { body } = await this.call('GET', [phoneNumberId], {
			qs: { fields: 'whatsapp_business_manager_messaging_limit' },
		});
		return str(body.whatsapp_business_manager_messaging_limit);
	}

	async getWaba(wabaId: string): Promise<Waba> {
		const { body } = await this.call('GET', [wabaId], { qs: { fields: 'id,name' } });
		return { id: str(body.id) ?? wabaId, name: str(body.name) };
	}

	// ---- webhook subscriptions and overrides ----

	/**
	 * Subscribes the token's app to the WABA's webhooks. With `override`, also points the WABA's
	 * `messages` deliveries at another callback (Meta first calls it with the verify token).
	 * Meta accepts an override only from an app that is already subscribed, so the plain
	 * subscription is made first; re-subscribing is harmless.
	 */
	async subscribeApp(wabaId: string, override?: CallbackOverride): Promise<boolean> {
		const subscribed = success(await this.call('POST', [wabaId, 'subscribed_apps']));
		if (!override) return subscribed;
		return success(
			await this.call('POST', [wabaId, 'subscribed_apps'], {
				body: { override_callback_uri: override.callbackUrl, verify_token: override.verifyToken },
			}),
		);
	}

	/** Removes the WABA-level override while keeping the subscription (a subscribe without body). */
	async clearWabaCallback(wabaId: string): Promise<boolean> {
		return success(await this.call('POST', [wabaId, 'subscribed_apps']));
	}

	async unsubscribeApp(wabaId: string): Promise<boolean> {
		return success(await this.call('DELETE', [wabaId, 'subscribed_apps']));
	}

	async listSubscribedApps(wabaId: string): Promise<SubscribedApp[]> {
		const rows = await this.collect([wabaId, 'subscribed_apps'], {});
		return rows.map((row) => {
			const app = isObject(row.whatsapp_business_api_data) ? row.whatsapp_business_api_data : {};
			return {
				id: str(app.id) ?? '',
				name: str(app.name),
				link: str(app.link),
				overrideCallbackUrl: str(row.override_callback_uri) || undefined,
			};
		});
	}

	async setPhoneNumberCallback(
		phoneNumberId: string,
		override: CallbackOverride,
	): Promise<boolean> {
		return success(
			await this.call('POST', [phoneNumberId], {
				body: {
					webhook_configuration: {
						override_callback_uri: override.callbackUrl,
						verify_token: override.verifyToken,
					},
				},
			}),
		);
	}

	/** Meta removes a number's override when it is set to the empty string. */
	async clearPhoneNumberCallback(phoneNumberId: string): Promise<boolean> {
		return success(
			await this.call('POST', [phoneNumberId], {
				body: { webhook_configuration: { override_callback_uri: '' } },
			}),
		);
	}

	async getPhoneNumberCallback(phoneNumberId: string): Promise<PhoneNumberCallback> {
		const { body } = await this.call('GET', [phoneNumberId], {
			qs: { fields: 'webhook_configuration' },
		});
		const config = (body.webhook_configuration as Json | undefined) ?? {};
		return {
			overrideCallbackUrl: str(config.phone_number) || undefined,
			wabaCallbackUrl: str(config.whatsapp_business_account) || undefined,
			appCallbackUrl: str(config.application) || undefined,
		};
	}

	// ---- media ----

	async getMediaUrl(mediaId: string): Promise<MediaInfo> {
		const { status, body } = await this.call('GET', [mediaId]);
		const url = str(body.url);
		if (!url)
			throw new GraphResponseError('Graph API returned media metadata without a url', status);
		return {
			id: str(body.id) ?? mediaId,
			url,
			mimeType: str(body.mime_type),
			sha256: str(body.sha256),
			fileSize: numberOrNumericText(body.file_size),
		};
	}

	/**
	 * Downloads media bytes from the URL `getMediaUrl` returned (the transport adds the token).
	 * With `sha256`, refuses bytes that do not match: a transport that decodes binary as text
	 * would otherwise hand back silently damaged files.
	 */
	async downloadMedia(url: string, options: { sha256?: string } = {}): Promise<DownloadedMedia> {
		const request: HttpRequest = {
			method: 'GET',
			url,
			timeoutMs: this.timeoutMs,
			responseType: 'arraybuffer',
		};
		const response = await this.transport(request);
		if (response.status < 200 || response.status > 299)
			throw new GraphApiError(response.status, parseJson(response.body));
		const data = toBuffer(response.body);
		if (options.sha256) {
			const actual = createHash('sha256').update(data).digest('hex');
			if (actual !== options.sha256.toLowerCase())
				throw new MediaIntegrityError(options.sha256, actual);
		}
		return { data, mimeType: response.headers['content-type']?.split(';')[0].trim() || undefined };
	}

	/** `getMediaUrl` then `downloadMedia`, checked against Meta's SHA-256. */
	async fetchMedia(mediaId: string): Promise<DownloadedMedia & MediaInfo> {
		const info = await this.getMediaUrl(mediaId);
		const media = await this.downloadMedia(info.url, { sha256: info.sha256 });
		return { ...info, data: media.data, mimeType: info.mimeType ?? media.mimeType };
	}

	/** Uploads a file for later sends; returns the media id (a multipart/form-data body, built as bytes). */
	async uploadMedia(phoneNumberId: string, input: UploadMediaInput): Promise<string> {
		const { body, contentType } = multipartBody([
			{ name: 'messaging_product', value: 'whatsapp' },
			{ name: 'type', value: input.mimeType },
			{
				name: 'file',
				data: input.data,
				fileName: input.filename ?? 'file',
				contentType: input.mimeType,
			},
		]);
		const { status, body: answer } = await this.call('POST', [phoneNumberId, 'media'], {
			body,
			headers: { 'Content-Type': contentType },
		});
		const id = str(answer.id);
		if (!id)
			throw new GraphResponseError(
				'Graph API accepted the upload but returned no media id',
				status,
			);
		return id;
	}

	async deleteMedia(mediaId: string): Promise<boolean> {
		return success(await this.call('DELETE', [mediaId]));
	}

	// ---- plumbing ----

	private url(segments: string[]): string {
		return `${this.root}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
	}

	private async call(
		method: HttpMethod,
		segments: string[],
		options: {
			qs?: Record<string, string | number>;
			body?: unknown;
			headers?: Record<string, string>;
		} = {},
	): Promise<{ status: number; body: Json }> {
		for (const segment of segments) {
			// An empty id would silently address another node (e.g. `/v23.0//messages`).
			if (!segment) throw new Error('Graph API call needs a non-empty id');
		}
		const request: HttpRequest = { method, url: this.url(segments), timeoutMs: this.timeoutMs };
		if (options.qs) request.qs = options.qs;
		if (options.body !== undefined) request.body = options.body;
		if (options.headers) request.headers = options.headers;
		const response: HttpResponse = await this.transport(request);
		const body = parseJson(response.body);
		if (response.status < 200 || response.status > 299)
			throw new GraphApiError(response.status, body);
		return { status: response.status, body: isObject(body) ? body : {} };
	}

	/**
	 * Follows Graph cursor paging. The `after` cursor is resent to our own URL instead of fetching
	 * `paging.next` verbatim: that URL can carry the access token in its query string and may
	 * point at another host; `next` only tells whether another page exists.
	 */
	private async collect(segments: string[], qs: Record<string, string | number>): Promise<Json[]> {
		const rows: Json[] = [];
		const seen = new Set<string>();
		let after: string | undefined;
		for (let page = 0; page < this.maxPages; page++) {
			const { body } = await this.call('GET', segments, { qs: after ? { ...qs, after } : qs });
			if (Array.isArray(body.data)) rows.push(...(body.data.filter(isObject) as Json[]));
			const paging = isObject(body.paging) ? body.paging : {};
			const next = str(paging.next);
			if (!next) return rows;
			after =
				(isObject(paging.cursors) ? str(paging.cursors.after) : undefined) ?? cursorFrom(next);
			if (!after || seen.has(after)) return rows;
			seen.add(after);
		}
		return rows;
	}
}
