/**
 * A loopback simulator of the WhatsApp Cloud API's Graph endpoints, following Meta's documented
 * contract closely enough that clients, nodes and benchmarks can be tested without Meta:
 * bearer auth, sends with validation, templates, rate limits, the customer-service window,
 * webhook subscriptions and overrides (with Meta's verification handshake), media, paging,
 * scripted faults, and signed webhook deliveries towards a receiver.
 *
 * Plain node:http/node:https and node:crypto; no framework. Where Meta's behaviour is not
 * documented, the choice made here is marked "Assumption".
 */
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------------

export interface SimTemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
	format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
	text?: string;
	buttons?: Array<{
		type: 'URL' | 'QUICK_REPLY' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | 'CATALOG' | 'FLOW';
		text: string;
		url?: string;
		phone_number?: string;
		/** OTP buttons of authentication templates. */
		otp_type?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
		flow_id?: string;
	}>;
	example?: Record<string, unknown>;
}

export interface SimTemplate {
	id: string;
	name: string;
	language: string;
	status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
	category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
	parameter_format: 'POSITIONAL' | 'NAMED';
	components: SimTemplateComponent[];
}

export interface SimPhoneNumber {
	id: string;
	display_phone_number: string;
	verified_name: string;
	quality_rating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
	code_verification_status: string;
	platform_type: string;
	throughput: { level: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE' };
	/**
	 * The business portfolio's messaging limit, served on each of its numbers; `messaging_limit_tier`
	 * is deprecated and not served
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
	 * New portfolios start at 250.
	 */
	whatsapp_business_manager_messaging_limit: SimMessagingLimit;
}

/** Meta's messaging limits: 250, 2,000, 10,000, 100,000 and unlimited. */
export type SimMessagingLimit =
	'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export interface SimWaba {
	id: string;
	name: string;
	currency: string;
	timezone_id: string;
	message_template_namespace: string;
	phoneNumbers: SimPhoneNumber[];
	templates: SimTemplate[];
}

/** A phone number as tests write it: only `id` is needed; camelCase or Meta's snake_case fields. */
export type SimPhoneNumberSeed = Partial<SimPhoneNumber> & {
	id: string;
	displayPhoneNumber?: string;
	verifiedName?: string;
	qualityRating?: SimPhoneNumber['quality_rating'];
	throughputLevel?: SimPhoneNumber['throughput']['level'];
};

export type SimTemplateSeed = Partial<SimTemplate> &
	Pick<SimTemplate, 'name' | 'language' | 'components'>;

/** A WABA as tests write it: only `id` is needed. */
export interface SimWabaSeed {
	id: string;
	name?: string;
	currency?: string;
	timezone_id?: string;
	message_template_namespace?: string;
	phoneNumbers?: SimPhoneNumberSeed[];
	templates?: SimTemplateSeed[];
}

export interface SimMedia {
	id: string;
	data: Buffer;
	mimeType: string;
	sha256: string;
	phoneNumberId?: string;
}

/** Ids and secrets of the default seed, for tests. */
export const SIM = {
	token: 'EAAsimulatorTOKEN0000000000000000000000',
	appSecret: 'sim-app-secret-0123456789abcdef',
	verifyToken: 'sim-verify-token',
	app: {
		id: '1234567890123456',
		name: 'SCRM Simulator App',
		link: 'https://www.facebook.com/games/?app_id=1234567890123456',
	},
	wabaId: '100000000000001',
	otherWabaId: '100000000000002',
	phoneNumberId: '110000000000001',
	secondPhoneNumberId: '110000000000002',
	otherWabaPhoneNumberId: '110000000000009',
	displayPhoneNumber: '+852 9123 4567',
	mediaId: '130000000000001',
} as const;

/** A small PNG-like file with bytes that are not valid UTF-8, so a text-decoding transport shows. */
export const SIM_MEDIA_BYTES = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from(Array.from({ length: 248 }, (_, i) => (i * 37 + 11) % 256)),
]);

export function defaultWabas(): SimWaba[] {
	return [
		{
			id: SIM.wabaId,
			name: 'Acme Trading HK',
			currency: 'HKD',
			timezone_id: '77',
			message_template_namespace: 'sim_namespace_0001',
			phoneNumbers: [
				phone(SIM.phoneNumberId, SIM.displayPhoneNumber, 'Acme Trading', 'GREEN', 'STANDARD'),
				phone(SIM.secondPhoneNumberId, '+852 5123 4567', 'Acme Support', 'YELLOW', 'STANDARD'),
			],
			templates: defaultTemplates(),
		},
		{
			id: SIM.otherWabaId,
			name: 'Other Business',
			currency: 'USD',
			timezone_id: '1',
			message_template_namespace: 'sim_namespace_0002',
			phoneNumbers: [
				phone(SIM.otherWabaPhoneNumberId, '+1 555-010-0999', 'Other Business', 'GREEN', 'HIGH'),
			],
			templates: [],
		},
	];
}

function phone(
	id: string,
	display: string,
	name: string,
	quality: SimPhoneNumber['quality_rating'],
	level: 'STANDARD' | 'HIGH',
): SimPhoneNumber {
	return {
		id,
		display_phone_number: display,
		verified_name: name,
		quality_rating: quality,
		code_verification_status: 'VERIFIED',
		platform_type: 'CLOUD_API',
		throughput: { level },
		whatsapp_business_manager_messaging_limit: 'TIER_250',
	};
}

/** Positional and named parameters, text and image headers, URL and quick-reply buttons, and non-approved states. */
export function defaultTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000001',
			name: 'hello_world',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{
					type: 'BODY',
					text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification.',
				},
				{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
			],
		},
		{
			id: '140000000000002',
			name: 'order_update',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'HEADER',
					format: 'TEXT',
					text: 'Order {{1}}',
					example: { header_text: ['A-1001'] },
				},
				{
					type: 'BODY',
					text: 'Hi {{1}}, your order {{2}} has shipped and arrives on {{3}}.',
					example: { body_text: [['Mei', 'A-1001', '3 May']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' },
						{ type: 'QUICK_REPLY', text: 'Talk to us' },
					],
				},
			],
		},
		{
			id: '140000000000003',
			name: 'order_update',
			language: 'zh_HK',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: '{{1}} 你好，你的訂單 {{2}} 已寄出。',
					example: { body_text: [['陳小姐', 'A-1001']] },
				},
			],
		},
		{
			id: '140000000000004',
			name: 'welcome_named',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'BODY',
					text: 'Hello {{customer_name}}, welcome to {{shop_name}}!',
					example: {
						body_text_named_params: [
							{ param_name: 'customer_name', example: 'Mei' },
							{ param_name: 'shop_name', example: 'Acme' },
						],
					},
				},
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
		{
			id: '140000000000005',
			name: 'spring_sale',
			language: 'zh_HK',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
				{ type: 'BODY', text: '春季優惠：全單 {{1}} 折！', example: { body_text: [['8']] } },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: '了解更多' }] },
			],
		},
		{
			id: '140000000000006',
			name: 'pending_offer',
			language: 'en_US',
			status: 'PENDING',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'A new offer for {{1}}' }],
		},
		{
			id: '140000000000007',
			name: 'paused_offer',
			language: 'en_US',
			status: 'PAUSED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Paused offer for {{1}}' }],
		},
	];
}

/**
 * An authentication template with a copy-code button (Meta's shape: body `{{1}}` is the code, one
 * OTP button whose code goes in a `url` button parameter). Source:
 * https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates
 * Not in the default seed: add it with `state.addTemplate(SIM.wabaId, template)`.
 */
export function authenticationTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000020',
			name: 'login_code',
			language: 'en_US',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'BODY', text: '{{1}} is your verification code.' },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
			],
		},
	];
}

/**
 * Marketing templates of the offer and win-back example workflows. Not in the default seed (whose
 * counts other tests rely on): add them with `state.addTemplate(SIM.wabaId, template)`.
 */
export function campaignTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000008',
			name: 'discount_offer',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: 'Hi {{1}}, thanks for your questions! Here is {{2}} off your order: use code {{3}} at checkout within 7 days.',
					example: { body_text: [['Mei', '10%', 'WA10']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
		{
			id: '140000000000009',
			name: 'win_back',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: 'We miss you, {{1}}! It has been a while, so here is {{2}} off your next order with code {{3}}.',
					example: { body_text: [['Mei', '15%', 'BACK15']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
	];
}

// ---------------------------------------------------------------------------------------------
// Options and state
// ---------------------------------------------------------------------------------------------

export interface SimulatorLimits {
	/** Messages per second per business number, sliding 1 s window, inbound included (Meta: 80 default); 0 disables. */
	throughputPerSecond: number;
	/** Spacing of messages from one business number to one customer (Meta: about 6 s); 0 disables. */
	pairIntervalMs: number;
	/** Messages to one customer that may go back to back before the spacing applies. */
	pairBurst: number;
	/** Customer-service window for free-form messages (Meta: 24 h); 0 disables. */
	serviceWindowMs: number;
}

export const DEFAULT_LIMITS: SimulatorLimits = {
	throughputPerSecond: 80,
	pairIntervalMs: 6_000,
	pairBurst: 1,
	serviceWindowMs: 24 * 60 * 60 * 1000,
};

export interface SimulatorOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** Serve HTTPS with this key and certificate (for clients with a hard-coded https host). */
	tls?: { key: string | Buffer; cert: string | Buffer };
	/** Bearer tokens accepted (default: SIM.token). */
	accessTokens?: string[];
	/** Tokens answered with Meta's "session has expired" (190, subcode 463). */
	expiredTokens?: string[];
	appSecret?: string;
	app?: { id: string; name: string; link: string };
	/** The Meta app's own callback URL (reported as webhook_configuration.application). */
	appCallbackUrl?: string;
	/** Default: two WABAs with numbers, templates and one media file (see SIM). */
	wabas?: SimWabaSeed[];
	/** `false` turns every limit off; otherwise overrides the defaults. */
	limits?: Partial<SimulatorLimits> | false;
	/** Delay before every answer, for benchmarks. */
	latencyMs?: number;
	/** Clock for windows and expiries (default Date.now). */
	now?: () => number;
	/** Lifetime of media download URLs (Meta: 5 minutes). */
	mediaUrlTtlMs?: number;
	/** Call override callbacks with Meta's GET handshake before accepting them (default true). */
	verifyCallbacks?: boolean;
	/** Meta wants an app subscribed to the WABA before it accepts an override (default true). */
	overrideRequiresSubscription?: boolean;
	/** Default page size of list edges (Meta: 25). */
	defaultPageSize?: number;
	/** Put `access_token` into paging.next URLs, as Graph does (default true). */
	tokenInPagingUrls?: boolean;
	/** Base of links the simulator hands out (paging, media); default: the request's own host. */
	publicUrl?: string;
}

export interface SentMessage {
	id: string;
	phoneNumberId: string;
	/** `to` as sent, or the business-scoped user id when the send named only `recipient`. */
	to: string;
	/** The phone's digits; the business-scoped user id for a send to `recipient` only. */
	waId: string;
	/** Set when the message went to a business-scoped user id (`recipient`, no `to`). */
	recipient?: string;
	type: string;
	template?: { name: string; language: string };
	body: Record<string, unknown>;
	/** When the simulator accepted the request (ms since epoch, simulator clock). */
	receivedAt: number;
}

export interface ScriptedError {
	code: number;
	httpStatus?: number;
	message?: string;
	details?: string;
	type?: string;
	subcode?: number;
	/** Graph's `is_transient` flag (https://developers.facebook.com/docs/graph-api/guides/error-handling/). */
	isTransient?: boolean;
}

/** Which requests a scripted fault applies to: a substring of the endpoint key, e.g. `messages`. */
export interface FaultScope {
	endpoint?: string;
}

type Fault =
	| { kind: 'fail'; remaining: number; scope?: string; error: ScriptedError }
	| { kind: 'drop'; remaining: number; scope?: string; afterProcessing: boolean }
	| { kind: 'stall'; remaining: number; scope?: string; ms?: number };

export interface RequestLogEntry {
	method: string;
	path: string;
	/** The query string as received (e.g. to check that no client put a token there). */
	query: string;
	endpoint: string;
	at: number;
	outcome: number | 'dropped' | 'stalled';
}

export class GraphApiSimulatorState {
	readonly limits: SimulatorLimits;
	latencyMs: number;
	appCallbackUrl?: string;
	readonly app: { id: string; name: string; link: string };
	readonly accessTokens: Set<string>;
	readonly expiredTokens: Set<string>;
	readonly appSecret: string;

	readonly wabas = new Map<string, SimWaba>();
	readonly phoneNumbers = new Map<string, { phone: SimPhoneNumber; wabaId: string }>();
	readonly media = new Map<string, SimMedia>();

	/** Every accepted send, in order. */
	readonly sent: SentMessage[] = [];
	/** Read receipts (and typing indicators) accepted. */
	readonly reads: Array<{ phoneNumberId: string; messageId: string; typing: boolean; at: number }> =
		[];
	/** Error answers by Graph error code. */
	readonly rejected: Record<number, number> = {};
	readonly rejections: Array<{ code: number; httpStatus: number; endpoint: string; at: number }> =
		[];
	/** Requests by endpoint key, e.g. `POST /{phone_number_id}/messages`. */
	readonly requests: Record<string, number> = {};
	readonly log: RequestLogEntry[] = [];
	/** WABA id → this app's subscription (and WABA-level override). */
	readonly subscriptions = new Map<
		string,
		{ appId: string; overrideCallbackUrl?: string; verifyToken?: string; at: number }
	>();
	/** Phone number id → its override callback. */
	readonly phoneCallbacks = new Map<
		string,
		{ callbackUrl: string; verifyToken: string; at: number }
	>();
	/** Every verification handshake the simulator made. */
	readonly verifications: Array<{ url: string; ok: boolean; status?: number; error?: string }> = [];
	/** Every webhook delivery the simulator posted. */
	readonly webhooks: Array<{ url: string; status: number; at: number }> = [];

	private readonly inbound = new Map<string, number>();
	/** Phone digits → business-scoped user id, learnt from deliveries that carried both. */
	readonly userIds = new Map<string, string>();
	private readonly traffic = new Map<string, number[]>();
	private readonly pairBuckets = new Map<string, { tokens: number; at: number }>();
	private faults: Fault[] = [];
	private readonly clock: () => number;

	constructor(options: SimulatorOptions) {
		this.clock = options.now ?? Date.now;
		this.limits =
			options.limits === false
				? { throughputPerSecond: 0, pairIntervalMs: 0, pairBurst: 1, serviceWindowMs: 0 }
				: { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
		this.latencyMs = options.latencyMs ?? 0;
		this.appCallbackUrl = options.appCallbackUrl;
		this.app = options.app ?? { ...SIM.app };
		this.accessTokens = new Set(options.accessTokens ?? [SIM.token]);
		this.expiredTokens = new Set(options.expiredTokens ?? []);
		this.appSecret = options.appSecret ?? SIM.appSecret;
		for (const waba of options.wabas ?? defaultWabas()) this.addWaba(waba);
		if (!options.wabas)
			this.addMedia({
				id: SIM.mediaId,
				data: SIM_MEDIA_BYTES,
				mimeType: 'image/png',
				phoneNumberId: SIM.phoneNumberId,
			});
	}

	now(): number {
		return this.clock();
	}

	addWaba(seed: SimWabaSeed): SimWaba {
		const waba: SimWaba = {
			id: seed.id,
			name: seed.name ?? `WABA ${seed.id}`,
			currency: seed.currency ?? 'USD',
			timezone_id: seed.timezone_id ?? '1',
			message_template_namespace: seed.message_template_namespace ?? `sim_namespace_${seed.id}`,
			phoneNumbers: [],
			templates: [],
		};
		this.wabas.set(waba.id, waba);
		for (const phoneSeed of seed.phoneNumbers ?? []) this.addPhoneNumber(waba.id, phoneSeed);
		for (const template of seed.templates ?? []) this.addTemplate(waba.id, template);
		return waba;
	}

	/** The portfolio's messaging limit; new numbers get it at once, as Meta does since October 2025. */
	messagingLimit: SimMessagingLimit = 'TIER_250';

	/** Meta raised or lowered the portfolio's limit: every number of the simulated portfolio reports it. */
	setMessagingLimit(limit: SimMessagingLimit): void {
		this.messagingLimit = limit;
		for (const { phone } of this.phoneNumbers.values())
			phone.whatsapp_business_manager_messaging_limit = limit;
	}

	addPhoneNumber(wabaId: string, seed: SimPhoneNumberSeed): SimPhoneNumber {
		const waba = this.wabas.get(wabaId);
		if (!waba) throw new Error(`unknown WABA ${wabaId}`);
		const display =
			seed.display_phone_number ?? seed.displayPhoneNumber ?? `+1 555-000-${seed.id.slice(-4)}`;
		const phoneNumber: SimPhoneNumber = {
			id: seed.id,
			display_phone_number: display,
			verified_name: seed.verified_name ?? seed.verifiedName ?? waba.name,
			quality_rating: seed.quality_rating ?? seed.qualityRating ?? 'GREEN',
			code_verification_status: seed.code_verification_status ?? 'VERIFIED',
			platform_type: seed.platform_type ?? 'CLOUD_API',
			throughput: seed.throughput ?? { level: seed.throughputLevel ?? 'STANDARD' },
			whatsapp_business_manager_messaging_limit:
				seed.whatsapp_business_manager_messaging_limit ?? this.messagingLimit,
		};
		waba.phoneNumbers.push(phoneNumber);
		this.phoneNumbers.set(phoneNumber.id, { phone: phoneNumber, wabaId });
		return phoneNumber;
	}

	addTemplate(wabaId: string, template: SimTemplateSeed): SimTemplate {
		const waba = this.wabas.get(wabaId);
		if (!waba) throw new Error(`unknown WABA ${wabaId}`);
		const full: SimTemplate = {
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			...template,
			id: template.id ?? `1400${String(randomInt(1e9, 1e10))}`,
		};
		waba.templates.push(full);
		return full;
	}

	/** This app's subscription to a WABA, as a list like GET subscribed_apps (empty when unsubscribed). */
	subscribedApps(wabaId: string): Array<{ appId: string; overrideCallbackUrl?: string }> {
		const subscription = this.subscriptions.get(wabaId);
		return subscription
			? [{ appId: subscription.appId, overrideCallbackUrl: subscription.overrideCallbackUrl }]
			: [];
	}

	/** A phone number's override callback, if one is set. */
	phoneNumberCallback(
		phoneNumberId: string,
	): { overrideCallbackUrl: string; verifyToken: string } | undefined {
		const callback = this.phoneCallbacks.get(phoneNumberId);
		return callback
			? { overrideCallbackUrl: callback.callbackUrl, verifyToken: callback.verifyToken }
			: undefined;
	}

	addMedia(input: { id?: string; data: Buffer; mimeType: string; phoneNumberId?: string }): string {
		const id = input.id ?? `1300${String(randomInt(1e9, 1e10))}`;
		const sha256 = createHash('sha256').update(input.data).digest('hex');
		this.media.set(id, {
			id,
			data: input.data,
			mimeType: input.mimeType,
			sha256,
			phoneNumberId: input.phoneNumberId,
		});
		return id;
	}

	/** A customer message reached this business number: opens the service window and counts as traffic. */
	recordInbound(phoneNumberId: string, waId: string, at: number = this.now()): void {
		const key = pairKey(phoneNumberId, waId);
		this.inbound.set(key, Math.max(this.inbound.get(key) ?? 0, at));
		this.countTraffic(phoneNumberId, at);
	}

	/** By the customer's phone (any format) or business-scoped user id. */
	lastInbound(phoneNumberId: string, waId: string): number | undefined {
		return this.inbound.get(pairKey(phoneNumberId, customerKey(waId)));
	}

	/** The next `n` matching requests are answered with this Graph error instead of being processed. */
	failNext(n: number, error: ScriptedError, scope: FaultScope = {}): void {
		this.faults.push({ kind: 'fail', remaining: n, scope: scope.endpoint, error });
	}

	/**
	 * The next `n` matching requests are read and then the socket is closed without an answer.
	 * With `afterProcessing`, the request takes effect first (a send is recorded): the outcome the
	 * client sees is unknown although the message went out.
	 */
	dropNext(n: number, options: FaultScope & { afterProcessing?: boolean } = {}): void {
		this.faults.push({
			kind: 'drop',
			remaining: n,
			scope: options.endpoint,
			afterProcessing: options.afterProcessing ?? false,
		});
	}

	/** The next `n` matching requests get no answer (until `ms`, then the socket closes; default: never). */
	stallNext(n: number, options: FaultScope & { ms?: number } = {}): void {
		this.faults.push({ kind: 'stall', remaining: n, scope: options.endpoint, ms: options.ms });
	}

	clearFaults(): void {
		this.faults = [];
	}

	/** Forgets traffic, windows, counters and faults; keeps seeds, subscriptions and overrides. */
	resetCounters(): void {
		this.sent.length = 0;
		this.reads.length = 0;
		this.rejections.length = 0;
		this.log.length = 0;
		this.verifications.length = 0;
		this.webhooks.length = 0;
		for (const key of Object.keys(this.rejected)) delete this.rejected[Number(key)];
		for (const key of Object.keys(this.requests)) delete this.requests[key];
		this.inbound.clear();
		this.traffic.clear();
		this.pairBuckets.clear();
		this.faults = [];
	}

	/** A plain summary (for the admin endpoint and logs). */
	snapshot(): Record<string, unknown> {
		return {
			sent: this.sent.length,
			reads: this.reads.length,
			rejected: { ...this.rejected },
			requests: { ...this.requests },
			subscriptions: Object.fromEntries(this.subscriptions),
			phoneCallbacks: Object.fromEntries(
				[...this.phoneCallbacks].map(([id, cb]) => [
					id,
					{ callbackUrl: cb.callbackUrl, at: cb.at },
				]),
			),
			verifications: this.verifications.length,
			webhooks: this.webhooks.length,
			limits: { ...this.limits },
			latencyMs: this.latencyMs,
		};
	}

	// -- used by the server --

	takeFault(endpoint: string): Fault | undefined {
		const index = this.faults.findIndex((fault) => !fault.scope || endpoint.includes(fault.scope));
		if (index === -1) return undefined;
		const fault = this.faults[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}

	/** Messages (in and out) of a number in the last second. */
	trafficInLastSecond(phoneNumberId: string, now: number): number {
		const events = this.traffic.get(phoneNumberId);
		if (!events) return 0;
		while (events.length && events[0] <= now - 1000) events.shift();
		return events.filter((at) => at <= now).length;
	}

	countTraffic(phoneNumberId: string, at: number): void {
		const events = this.traffic.get(phoneNumberId) ?? [];
		// Kept sorted so pruning from the front stays correct with back-dated inbound messages.
		let i = events.length;
		while (i > 0 && events[i - 1] > at) i--;
		events.splice(i, 0, at);
		this.traffic.set(phoneNumberId, events);
	}

	/** Token bucket per business number and customer: `pairBurst` tokens, one back every `pairIntervalMs`. */
	takePairToken(phoneNumberId: string, waId: string, now: number): boolean {
		const { pairIntervalMs, pairBurst } = this.limits;
		if (pairIntervalMs <= 0) return true;
		const key = pairKey(phoneNumberId, waId);
		const capacity = Math.max(1, pairBurst);
		const bucket = this.pairBuckets.get(key) ?? { tokens: capacity, at: now };
		const tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) / pairIntervalMs);
		if (tokens < 1) {
			this.pairBuckets.set(key, { tokens, at: now });
			return false;
		}
		this.pairBuckets.set(key, { tokens: tokens - 1, at: now });
		return true;
	}

	reject(code: number, httpStatus: number, endpoint: string): void {
		this.rejected[code] = (this.rejected[code] ?? 0) + 1;
		this.rejections.push({ code, httpStatus, endpoint, at: this.now() });
	}
}

// ---------------------------------------------------------------------------------------------
// Errors in Meta's shape
// ---------------------------------------------------------------------------------------------

interface GraphErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		error_data?: { messaging_product: 'whatsapp'; details: string };
		is_transient?: boolean;
		fbtrace_id: string;
	};
}

class SimFailure {
	constructor(
		readonly httpStatus: number,
		readonly body: GraphErrorBody,
		readonly headers: Record<string, string> = {},
	) {}
}

function fbtrace(): string {
	return randomBytes(9).toString('base64').replace(/[+/=]/g, 'A');
}

/**
 * HTTP statuses follow the "HTTP Status Code" column of Meta's Cloud API error-code table:
 * 400 for most errors, 401 for 0/190, 403 for 10 and 200-299, 404 for 132001, 500 for 3/131000,
 * 503 for 2/131016/133004. Throttling: 130429, 131048, 131056 and 80007 come with 400; Meta's
 * table (as mirrored by third parties) gives 429 for code 4, while some integrators report 400.
 */
export function httpStatusFor(code: number): number {
	if (code === 0 || code === 190) return 401;
	if (code === 10 || (code >= 200 && code <= 299)) return 403;
	if (code === 4) return 429;
	if (code === 132001) return 404;
	if (code === 3 || code === 131000) return 500;
	if (code === 2 || code === 131016 || code === 133004) return 503;
	return 400;
}

/** Meta's titles, which it prefixes to `message` as `(#code) Title`. */
const TITLES: Record<number, string> = {
	1: 'An unknown error occurred',
	2: 'Service temporarily unavailable',
	4: 'Application request limit reached',
	100: 'Invalid parameter',
	80007: 'Rate limit issues',
	130429: 'Rate limit hit',
	131000: 'Something went wrong',
	131008: 'Required parameter is missing',
	131009: 'Parameter value is not valid',
	131016: 'Service unavailable',
	131026: 'Message Undeliverable',
	131047: 'Re-engagement message',
	131048: 'Spam rate limit hit',
	131051: 'Unsupported message type',
	131056: '(Business Account, Consumer Account) pair rate limit hit',
	131062: 'Business-scoped user ID not supported for this message',
	132000: 'Number of parameters does not match the expected number of params',
	132001: 'Template name does not exist in the translation',
	132005: 'Translated text too long',
	132012: 'Parameter format does not match format in the created template',
	132015: 'Template is Paused',
	132016: 'Template is Disabled',
	133004: 'Server temporarily unavailable',
	2200: 'Callback verification failed',
};

const DETAILS: Record<number, string> = {
	130429: 'Cloud API message throughput has been reached.',
	131047:
		'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
	131056:
		'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
};

function whatsappError(
	code: number,
	details?: string,
	message?: string,
	httpStatus = httpStatusFor(code),
): SimFailure {
	return new SimFailure(httpStatus, {
		error: {
			message: message ?? `(#${code}) ${TITLES[code] ?? 'Error'}`,
			type: 'OAuthException',
			code,
			// error_subcode is absent: Meta no longer sends it for WhatsApp errors since v16.0.
			error_data: {
				messaging_product: 'whatsapp',
				details: details ?? DETAILS[code] ?? TITLES[code] ?? 'Error',
			},
			fbtrace_id: fbtrace(),
		},
	});
}

function invalidParameter(message: string, details?: string): SimFailure {
	return whatsappError(100, details ?? message, `(#100) ${message}`);
}

function unknownObject(method: string, id: string): SimFailure {
	return new SimFailure(400, {
		error: {
			message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
			type: 'GraphMethodException',
			code: 100,
			error_subcode: 33,
			fbtrace_id: fbtrace(),
		},
	});
}

function authFailure(message: string, subcode?: number): SimFailure {
	const body: GraphErrorBody = {
		error: { message, type: 'OAuthException', code: 190, fbtrace_id: fbtrace() },
	};
	if (subcode !== undefined) body.error.error_subcode = subcode;
	return new SimFailure(401, body, {
		'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"`,
	});
}

function scripted(error: ScriptedError): SimFailure {
	const failure = whatsappError(
		error.code,
		error.details,
		error.message,
		error.httpStatus ?? httpStatusFor(error.code),
	);
	if (error.type) failure.body.error.type = error.type;
	if (error.subcode !== undefined) failure.body.error.error_subcode = error.subcode;
	if (error.isTransient !== undefined) failure.body.error.is_transient = error.isTransient;
	return failure;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

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

export interface GraphApiSimulator {
	/** e.g. `http://127.0.0.1:41234` */
	url: string;
	port: number;
	state: GraphApiSimulatorState;
	stop(): Promise<void>;
	/** POSTs a webhook delivery signed like Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
	postWebhook(
		url: string,
		body: object | string,
		options?: WebhookPostOptions,
	): Promise<WebhookPostResult>;
	/** Delivers to where Meta would: the number's override, else its WABA's override, else the app callback URL. */
	deliver(
		phoneNumberId: string,
		body: object | string,
		options?: WebhookPostOptions,
	): Promise<WebhookPostResult>;
	/** Meta's GET handshake; true when the challenge came back with 200. */
	verifyCallback(url: string, verifyToken: string): Promise<boolean>;
}

interface Route {
	endpoint: string;
	handle: (ctx: RequestContext) => Promise<Answer> | Answer;
	/** The media download host needs the token but is not a versioned Graph path. */
	auth: boolean;
}

interface RequestContext {
	method: string;
	url: URL;
	body: unknown;
	rawBody: Buffer;
	contentType: string;
	token?: string;
	base: string;
}

type Answer =
	{ status: number; json: unknown } | { status: number; raw: Buffer; contentType: string };

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const SEND_TYPES = new Set([
	'text',
	'template',
	'image',
	'audio',
	'video',
	'document',
	'sticker',
	'location',
	'contacts',
	'interactive',
	'reaction',
]);
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

export async function startGraphApiSimulator(
	options: SimulatorOptions = {},
): Promise<GraphApiSimulator> {
	const state = new GraphApiSimulatorState(options);
	const mediaUrlTtlMs = options.mediaUrlTtlMs ?? 5 * 60 * 1000;
	const verifyCallbacks = options.verifyCallbacks ?? true;
	const overrideRequiresSubscription = options.overrideRequiresSubscription ?? true;
	const defaultPageSize = options.defaultPageSize ?? 25;
	const tokenInPagingUrls = options.tokenInPagingUrls ?? true;
	const mediaSecret = randomBytes(16);
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();

	const later = (ms: number, fn: () => void) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	};

	// -- handlers --

	const phoneOr = (id: string, method: string) => {
		const entry = state.phoneNumbers.get(id);
		if (!entry) throw unknownObject(method, id);
		return entry;
	};
	const wabaOr = (id: string, method: string) => {
		const waba = state.wabas.get(id);
		if (!waba) throw unknownObject(method, id);
		return waba;
	};

	const verify = async (
		callbackUrl: string,
		verifyToken: string,
	): Promise<SimFailure | undefined> => {
		if (!verifyCallbacks) return undefined;
		const outcome = await handshake(callbackUrl, verifyToken);
		state.verifications.push({
			url: callbackUrl,
			ok: outcome.ok,
			status: outcome.status,
			error: outcome.error,
		});
		if (outcome.ok) return undefined;
		const reason = outcome.error
			? `Couldn't connect to server (${outcome.error})`
			: outcome.status === 200
				? 'The challenge was not echoed back'
				: `HTTP Status Code = ${outcome.status}`;
		// Assumption: Graph reports a failed handshake as code 2200 with HTTP 400, as it does for app
		// subscriptions ("(#2200) callback verification failed"); Meta's WhatsApp pages do not show it.
		return new SimFailure(400, {
			error: {
				message: `(#2200) Callback verification failed with the following errors: ${reason}`,
				type: 'OAuthException',
				code: 2200,
				fbtrace_id: fbtrace(),
			},
		});
	};

	const checkOverride = (
		callbackUrl: unknown,
		verifyToken: unknown,
	): { url: string; token: string } => {
		if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl)) {
			throw invalidParameter('Param override_callback_uri must be a valid URL');
		}
		if (callbackUrl.length > 200)
			throw invalidParameter('Param override_callback_uri must be at most 200 characters long');
		if (typeof verifyToken !== 'string' || verifyToken === '')
			throw invalidParameter('The parameter verify_token is required.');
		return { url: callbackUrl, token: verifyToken };
	};

	const sendMessage = (ctx: RequestContext, phoneNumberId: string): Answer => {
		phoneOr(phoneNumberId, 'POST');
		const body = ctx.body;
		if (!isObject(body)) throw invalidParameter('The parameter messaging_product is required.');
		if (body.messaging_product !== 'whatsapp') {
			throw invalidParameter(
				body.messaging_product === undefined
					? 'The parameter messaging_product is required.'
					: "Param messaging_product must be 'whatsapp'",
			);
		}
		const now = state.now();
		if (body.status === 'read') {
			if (typeof body.message_id !== 'string' || !body.message_id)
				throw invalidParameter('The parameter message_id is required.');
			state.reads.push({
				phoneNumberId,
				messageId: body.message_id,
				typing: isObject(body.typing_indicator),
				at: now,
			});
			return { status: 200, json: { success: true } };
		}
		// A customer is named by phone in `to`, or by business-scoped user id in `recipient` (since
		// May 2026); when both are given `to` wins. Source:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
		// (and https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid:
		// "Both provided: msisdn takes precedence").
		const to = typeof body.to === 'string' && body.to.trim() !== '' ? body.to : undefined;
		const recipient =
			to === undefined && typeof body.recipient === 'string' && body.recipient.trim() !== ''
				? body.recipient
				: undefined;
		if (to === undefined && recipient === undefined)
			throw invalidParameter('The parameter to is required.');
		// Assumption: a malformed id is refused like a malformed number (131009). The form is two
		// letters, a dot, up to 128 letters and digits; parent ids CC.ENT.… (360dialog's BSUID page:
		// https://docs.360dialog.com/docs/resources/phone-numbers/usernames-and-bsuid).
		if (recipient !== undefined && !isUserId(recipient))
			throw whatsappError(
				131009,
				`Parameter recipient (${recipient.slice(0, 140)}) is not a valid business-scoped user ID`,
			);
		const type = body.type === undefined ? 'text' : body.type;
		if (typeof type !== 'string' || !SEND_TYPES.has(type)) {
			throw invalidParameter(
				`Param type must be one of {${[...SEND_TYPES].map((t) => t.toUpperCase()).join(', ')}}`,
			);
		}
		if (
			body.recipient_type !== undefined &&
			body.recipient_type !== 'individual' &&
			body.recipient_type !== 'group'
		) {
			throw invalidParameter('Param recipient_type must be one of {INDIVIDUAL, GROUP}');
		}
		if (
			typeof body.biz_opaque_callback_data === 'string' &&
			body.biz_opaque_callback_data.length > 512
		) {
			throw invalidParameter('Param biz_opaque_callback_data must be at most 512 characters long');
		}
		const waId = to !== undefined ? digits(to) : recipient!;
		if (to !== undefined && body.recipient_type !== 'group' && !/^\d{6,15}$/.test(waId)) {
			throw whatsappError(131009, `Parameter to (${to}) is not a valid phone number`);
		}
		const part: unknown = body[type];
		// `contacts` is an array of contact objects, each with name.formatted_name. Source:
		// https://developers.facebook.com/docs/whatsapp/cloud-api/messages/contacts-messages
		if (type === 'contacts') checkContacts(part);
		else if (!isObject(part)) throw invalidParameter(`The parameter ${type} is required.`);
		const content = (isObject(part) ? part : {}) as Record<string, unknown>;
		if (type === 'text') {
			if (typeof content.body !== 'string' || content.body === '')
				throw invalidParameter("The parameter text['body'] is required.");
			if ([...content.body].length > 4096)
				throw invalidParameter("Param text['body'] must be at most 4096 characters long.");
		}
		if (
			MEDIA_TYPES.has(type) &&
			typeof content.id !== 'string' &&
			typeof content.link !== 'string'
		) {
			throw whatsappError(131008, `${type}: one of id or link is required`);
		}
		let template: SimTemplate | undefined;
		if (type === 'template')
			template = checkTemplate(
				state.phoneNumbers.get(phoneNumberId)!.wabaId,
				content,
				recipient !== undefined,
			);

		// Assumption (order of checks is not documented): deterministic validation first, then the
		// service window, then throughput and pair rate, so refused requests consume no rate budget.
		const { serviceWindowMs, throughputPerSecond } = state.limits;
		if (type !== 'template' && serviceWindowMs > 0) {
			const last = state.lastInbound(phoneNumberId, waId);
			if (last === undefined || now - last > serviceWindowMs) throw whatsappError(131047);
		}
		if (
			throughputPerSecond > 0 &&
			state.trafficInLastSecond(phoneNumberId, now) >= throughputPerSecond
		) {
			throw whatsappError(130429);
		}
		if (!state.takePairToken(phoneNumberId, waId, now)) throw whatsappError(131056);

		state.countTraffic(phoneNumberId, now);
		const id = `wamid.${Buffer.from(`HBgL${waId}${randomBytes(12).toString('hex')}`).toString('base64')}`;
		state.sent.push({
			id,
			phoneNumberId,
			to: to ?? recipient!,
			waId,
			...(recipient !== undefined ? { recipient } : {}),
			type,
			template: template ? { name: template.name, language: template.language } : undefined,
			body,
			receivedAt: now,
		});
		const message: Record<string, string> = { id };
		// Meta reports a pacing status for template sends.
		if (template) message.message_status = 'accepted';
		return {
			status: 200,
			json: {
				messaging_product: 'whatsapp',
				// A send to a business-scoped user id is answered with the id in contacts[].user_id.
				contacts: [
					recipient !== undefined
						? { input: recipient, user_id: recipient }
						: {
								input: to,
								wa_id: waId,
								...(state.userIds.has(waId) ? { user_id: state.userIds.get(waId) } : {}),
							},
				],
				messages: [message],
			},
		};
	};

	const checkTemplate = (
		wabaId: string,
		content: Record<string, unknown>,
		toUserId = false,
	): SimTemplate => {
		const name = content.name;
		const language = isObject(content.language) ? content.language.code : undefined;
		if (typeof name !== 'string' || !name)
			throw invalidParameter("The parameter template['name'] is required.");
		if (typeof language !== 'string' || !language)
			throw invalidParameter("The parameter template['language']['code'] is required.");
		const template = state.wabas
			.get(wabaId)!
			.templates.find((t) => t.name === name && t.language === language);
		if (!template || template.status === 'PENDING' || template.status === 'REJECTED') {
			throw whatsappError(132001, `template name (${name}) does not exist in ${language}`);
		}
		if (template.status === 'PAUSED')
			throw whatsappError(132015, `Template ${name} is paused due to low quality`);
		if (template.status === 'DISABLED')
			throw whatsappError(132016, `Template ${name} is disabled due to low quality`);
		// Authentication templates with one-tap, zero-tap or copy-code buttons need the user's phone
		// number: sent to a business-scoped user id they are refused with 131062. Sources:
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/,
		// https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid
		// Assumption: checked before the parameters (Meta does not document the order).
		if (toUserId && template.category === 'AUTHENTICATION' && needsPhoneNumber(template))
			throw whatsappError(
				131062,
				`Template ${name} has a one-tap, zero-tap or copy-code button and cannot be sent to a business-scoped user ID`,
			);
		const given = Array.isArray(content.components) ? content.components.filter(isObject) : [];
		const expectations = templateExpectations(template);
		for (const component of given) {
			const key = componentKey(component);
			if (optionalButton(template, component)) continue;
			if (!expectations.some((e) => e.key === key)) {
				const count = Array.isArray(component.parameters) ? component.parameters.length : 0;
				throw whatsappError(
					132000,
					`${key}: number of localizable_params (${count}) does not match the expected number of params (0)`,
				);
			}
		}
		const values: string[] = [];
		for (const expected of expectations) {
			const component = given.find((c) => componentKey(c) === expected.key);
			const parameters = Array.isArray(component?.parameters)
				? component.parameters.filter(isObject)
				: [];
			if (parameters.length !== expected.names.length) {
				throw whatsappError(
					132000,
					`${expected.key}: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected.names.length})`,
				);
			}
			for (const parameter of parameters) {
				if (expected.media && parameter.type !== expected.media) {
					throw whatsappError(
						132012,
						`${expected.key}: Format mismatch, expected ${expected.media.toUpperCase()}, received ${String(parameter.type).toUpperCase()}`,
					);
				}
				if (
					!expected.media &&
					(parameter.type === 'image' ||
						parameter.type === 'video' ||
						parameter.type === 'document')
				) {
					throw whatsappError(
						132012,
						`${expected.key}: Format mismatch, expected TEXT, received ${String(parameter.type).toUpperCase()}`,
					);
				}
				if (template.parameter_format === 'NAMED' && !expected.media) {
					const parameterName = parameter.parameter_name;
					if (typeof parameterName !== 'string' || !expected.names.includes(parameterName)) {
						throw whatsappError(
							132000,
							`${expected.key}: parameter name (${String(parameterName)}) is not one of the template's parameters (${expected.names.join(', ')})`,
						);
					}
				}
				if (expected.key === 'body' && typeof parameter.text === 'string')
					values.push(parameter.text);
			}
		}
		const bodyText = template.components.find((c) => c.type === 'BODY')?.text ?? '';
		const filled = bodyText.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, () => values.shift() ?? '');
		if ([...filled].length > 1024)
			throw whatsappError(
				132005,
				'Body text is longer than 1024 characters after the parameters were filled in',
			);
		return template;
	};

	const listPage = (
		ctx: RequestContext,
		rows: Record<string, unknown>[],
		prefix: string,
	): Answer => {
		const qs = ctx.url.searchParams;
		const limit = clampInt(qs.get('limit'), defaultPageSize, 1, 1000);
		let start = 0;
		const after = qs.get('after');
		const before = qs.get('before');
		if (after) start = decodeCursor(after, prefix) + 1;
		else if (before) start = Math.max(0, decodeCursor(before, prefix) - limit);
		const page = rows.slice(start, start + limit);
		const fields = qs.get('fields');
		const data = fields ? page.map((row) => project(row, fields)) : page;
		const paging: Record<string, unknown> = {};
		if (page.length) {
			paging.cursors = {
				before: encodeCursor(prefix, start),
				after: encodeCursor(prefix, start + page.length - 1),
			};
			const link = (cursor: Record<string, string>) => {
				const params = new URLSearchParams(ctx.url.searchParams);
				params.delete('after');
				params.delete('before');
				params.set('limit', String(limit));
				for (const [key, value] of Object.entries(cursor)) params.set(key, value);
				if (tokenInPagingUrls && ctx.token) params.set('access_token', ctx.token);
				return `${ctx.base}${ctx.url.pathname}?${params.toString()}`;
			};
			if (start + page.length < rows.length)
				paging.next = link({ after: encodeCursor(prefix, start + page.length - 1) });
			if (start > 0) paging.previous = link({ before: encodeCursor(prefix, start) });
		}
		return { status: 200, json: { data, paging } };
	};

	const templatesEdge = (ctx: RequestContext, wabaId: string): Answer => {
		const waba = wabaOr(wabaId, 'GET');
		const qs = ctx.url.searchParams;
		const filters: Array<[string, string | null]> = [
			['status', qs.get('status')],
			['name', qs.get('name')],
			['language', qs.get('language')],
			['category', qs.get('category')],
		];
		const rows = waba.templates
			.filter((t) =>
				filters.every(
					([field, value]) =>
						!value ||
						value.split(',').includes(String((t as unknown as Record<string, unknown>)[field])),
				),
			)
			.map((t) => ({ ...t }) as unknown as Record<string, unknown>);
		return listPage(ctx, rows, 'tpl');
	};

	const phoneNumbersEdge = (ctx: RequestContext, wabaId: string): Answer => {
		const waba = wabaOr(wabaId, 'GET');
		return listPage(
			ctx,
			waba.phoneNumbers.map((p) => ({ ...p }) as unknown as Record<string, unknown>),
			'pn',
		);
	};

	const webhookConfiguration = (phoneNumberId: string): Record<string, string> => {
		const config: Record<string, string> = {};
		const phoneOverride = state.phoneCallbacks.get(phoneNumberId);
		if (phoneOverride) config.phone_number = phoneOverride.callbackUrl;
		const wabaId = state.phoneNumbers.get(phoneNumberId)?.wabaId;
		const wabaOverride = wabaId ? state.subscriptions.get(wabaId)?.overrideCallbackUrl : undefined;
		if (wabaOverride) config.whatsapp_business_account = wabaOverride;
		if (state.appCallbackUrl) config.application = state.appCallbackUrl;
		return config;
	};

	const nodeGet = (ctx: RequestContext, id: string): Answer => {
		const fields = ctx.url.searchParams.get('fields');
		const waba = state.wabas.get(id);
		if (waba) {
			const { phoneNumbers: _p, templates: _t, ...node } = waba;
			return { status: 200, json: project(node, fields ?? 'id,name') };
		}
		const phone = state.phoneNumbers.get(id);
		if (phone) {
			const node = { ...phone.phone, webhook_configuration: webhookConfiguration(id) };
			return {
				status: 200,
				json: project(
					node,
					fields ??
						'id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type,throughput',
				),
			};
		}
		const media = state.media.get(id);
		if (media) {
			const ext = Math.floor((state.now() + mediaUrlTtlMs) / 1000);
			const hash = mediaHash(mediaSecret, media.id, ext);
			return {
				status: 200,
				json: {
					url: `${ctx.base}/whatsapp_business/attachments/?mid=${media.id}&ext=${ext}&hash=${hash}`,
					mime_type: media.mimeType,
					sha256: media.sha256,
					file_size: media.data.length,
					id: media.id,
					messaging_product: 'whatsapp',
				},
			};
		}
		throw unknownObject('GET', id);
	};

	const phoneNodePost = async (ctx: RequestContext, id: string): Promise<Answer> => {
		phoneOr(id, 'POST');
		const body = isObject(ctx.body) ? ctx.body : {};
		const config = body.webhook_configuration;
		if (!isObject(config))
			throw invalidParameter('The parameter webhook_configuration is required.');
		if (config.override_callback_uri === '') {
			state.phoneCallbacks.delete(id);
			return { status: 200, json: { success: true } };
		}
		const override = checkOverride(config.override_callback_uri, config.verify_token);
		const wabaId = state.phoneNumbers.get(id)!.wabaId;
		// Assumption: Meta lists "app subscribed to the WABA" as a requirement for both override levels.
		if (overrideRequiresSubscription && !state.subscriptions.has(wabaId)) {
			throw invalidParameter(
				'Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account.',
			);
		}
		const failure = await verify(override.url, override.token);
		if (failure) throw failure;
		state.phoneCallbacks.set(id, {
			callbackUrl: override.url,
			verifyToken: override.token,
			at: state.now(),
		});
		return { status: 200, json: { success: true } };
	};

	const subscribedApps = async (ctx: RequestContext, wabaId: string): Promise<Answer> => {
		wabaOr(wabaId, ctx.method);
		if (ctx.method === 'GET') {
			const subscription = state.subscriptions.get(wabaId);
			const data = subscription
				? [
						{
							whatsapp_business_api_data: { ...state.app },
							...(subscription.overrideCallbackUrl
								? { override_callback_uri: subscription.overrideCallbackUrl }
								: {}),
						},
					]
				: [];
			return { status: 200, json: { data } };
		}
		if (ctx.method === 'DELETE') {
			state.subscriptions.delete(wabaId);
			return { status: 200, json: { success: true } };
		}
		const body = isObject(ctx.body) ? ctx.body : {};
		if (body.override_callback_uri === undefined && body.verify_token === undefined) {
			// A subscribe without body also removes a WABA-level override.
			state.subscriptions.set(wabaId, { appId: state.app.id, at: state.now() });
			return { status: 200, json: { success: true } };
		}
		const override = checkOverride(body.override_callback_uri, body.verify_token);
		if (overrideRequiresSubscription && !state.subscriptions.has(wabaId)) {
			throw invalidParameter(
				'Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account.',
			);
		}
		const failure = await verify(override.url, override.token);
		if (failure) throw failure;
		state.subscriptions.set(wabaId, {
			appId: state.app.id,
			overrideCallbackUrl: override.url,
			verifyToken: override.token,
			at: state.now(),
		});
		return { status: 200, json: { success: true } };
	};

	const uploadMedia = (ctx: RequestContext, phoneNumberId: string): Answer => {
		phoneOr(phoneNumberId, 'POST');
		const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctx.contentType);
		if (!ctx.contentType.startsWith('multipart/form-data') || !boundary) {
			throw invalidParameter('Media upload needs a multipart/form-data body');
		}
		const parts = parseMultipart(ctx.rawBody, boundary[1] ?? boundary[2]);
		const field = (name: string) => parts.find((p) => p.name === name);
		if (field('messaging_product')?.data.toString('utf8') !== 'whatsapp')
			throw invalidParameter('The parameter messaging_product is required.');
		const file = field('file');
		if (!file || !file.filename) throw invalidParameter('The parameter file is required.');
		const mimeType =
			field('type')?.data.toString('utf8') || file.contentType || 'application/octet-stream';
		const id = state.addMedia({ data: Buffer.from(file.data), mimeType, phoneNumberId });
		return { status: 200, json: { id } };
	};

	const mediaDownload = (ctx: RequestContext): Answer => {
		const qs = ctx.url.searchParams;
		const id = qs.get('mid') ?? '';
		const ext = Number(qs.get('ext'));
		const media = state.media.get(id);
		const valid =
			media && Number.isFinite(ext) && qs.get('hash') === mediaHash(mediaSecret, id, ext);
		if (!media || !valid || state.now() / 1000 > ext) {
			// The download host answers an expired or unknown link with 404, not a Graph error.
			return { status: 404, raw: Buffer.from('Not Found'), contentType: 'text/plain' };
		}
		return { status: 200, raw: media.data, contentType: media.mimeType };
	};

	const mediaDelete = (id: string): Answer => {
		if (!state.media.delete(id)) throw unknownObject('DELETE', id);
		return { status: 200, json: { success: true } };
	};

	// -- routing --

	const route = (method: string, path: string): Route => {
		if (path === '/whatsapp_business/attachments/' || path === '/whatsapp_business/attachments') {
			return {
				endpoint: `${method} /media-download`,
				auth: true,
				handle: (ctx) => (method === 'GET' ? mediaDownload(ctx) : unsupported(method, path)),
			};
		}
		const match = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
		if (!match) {
			return {
				endpoint: `${method} unknown`,
				auth: true,
				handle: () => {
					throw invalidParameter(`Unknown path components: ${path}`);
				},
			};
		}
		const id = decodeURIComponent(match[2]);
		const edge = match[3];
		if (!edge) {
			const kind = state.wabas.has(id)
				? '{waba_id}'
				: state.phoneNumbers.has(id)
					? '{phone_number_id}'
					: state.media.has(id)
						? '{media_id}'
						: '{id}';
			const endpoint = `${method} /${kind}`;
			if (method === 'GET') return { endpoint, auth: true, handle: (ctx) => nodeGet(ctx, id) };
			if (method === 'POST' && kind === '{phone_number_id}')
				return { endpoint, auth: true, handle: (ctx) => phoneNodePost(ctx, id) };
			if (method === 'DELETE' && kind === '{media_id}')
				return { endpoint, auth: true, handle: () => mediaDelete(id) };
			return { endpoint, auth: true, handle: () => unsupported(method, id) };
		}
		const edges: Record<
			string,
			{
				owner: string;
				methods: string[];
				handle: (ctx: RequestContext) => Promise<Answer> | Answer;
			}
		> = {
			messages: {
				owner: '{phone_number_id}',
				methods: ['POST'],
				handle: (ctx) => sendMessage(ctx, id),
			},
			media: {
				owner: '{phone_number_id}',
				methods: ['POST'],
				handle: (ctx) => uploadMedia(ctx, id),
			},
			message_templates: {
				owner: '{waba_id}',
				methods: ['GET'],
				handle: (ctx) => templatesEdge(ctx, id),
			},
			phone_numbers: {
				owner: '{waba_id}',
				methods: ['GET'],
				handle: (ctx) => phoneNumbersEdge(ctx, id),
			},
			subscribed_apps: {
				owner: '{waba_id}',
				methods: ['GET', 'POST', 'DELETE'],
				handle: (ctx) => subscribedApps(ctx, id),
			},
		};
		const known = edges[edge];
		if (!known) {
			return {
				endpoint: `${method} /{id}/${edge}`,
				auth: true,
				handle: () => {
					throw invalidParameter(`Unknown path components: /${edge}`);
				},
			};
		}
		const endpoint = `${method} /${known.owner}/${edge}`;
		if (!known.methods.includes(method))
			return { endpoint, auth: true, handle: () => unsupported(method, id) };
		return { endpoint, auth: true, handle: known.handle };
	};

	const authenticate = (
		req: http.IncomingMessage,
		url: URL,
		mediaHost = false,
	): string | SimFailure => {
		const header = req.headers.authorization;
		const bearer =
			typeof header === 'string' && /^Bearer\s+/i.test(header)
				? header.replace(/^Bearer\s+/i, '').trim()
				: undefined;
		const token = bearer ?? url.searchParams.get('access_token') ?? undefined;
		// Meta answers a request without a token with code 104, HTTP 400, no subcode, e.g.
		// https://github.com/spring-guides/gs-consuming-rest/issues/10 and
		// https://github.com/node-facebook/facebook-node-sdk/issues/105
		// The media download host is not the Graph API: it keeps answering 401.
		if (!token && mediaHost)
			return authFailure('An access token is required to request this resource.');
		if (!token)
			return new SimFailure(400, {
				error: {
					message: 'An access token is required to request this resource.',
					type: 'OAuthException',
					code: 104,
					fbtrace_id: fbtrace(),
				},
			});
		if (state.expiredTokens.has(token))
			return authFailure('Error validating access token: Session has expired.', 463);
		if (!state.accessTokens.has(token))
			return authFailure('Invalid OAuth access token - Cannot parse access token');
		return token;
	};

	// -- admin surface for the standalone simulator (benchmarks, sandbox): not part of Meta's API --

	const admin = (method: string, path: string, body: unknown): Answer | undefined => {
		if (!path.startsWith('/__sim/')) return undefined;
		const input = isObject(body) ? body : {};
		if (method === 'GET' && path === '/__sim/state') return { status: 200, json: state.snapshot() };
		if (method === 'GET' && path === '/__sim/sent') return { status: 200, json: state.sent };
		if (method === 'POST' && path === '/__sim/reset') {
			state.resetCounters();
			return { status: 200, json: { ok: true } };
		}
		if (method === 'POST' && path === '/__sim/inbound') {
			state.recordInbound(
				String(input.phoneNumberId),
				digits(String(input.waId)),
				typeof input.at === 'number' ? input.at : undefined,
			);
			return { status: 200, json: { ok: true } };
		}
		if (method === 'POST' && path === '/__sim/limits') {
			for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof SimulatorLimits>) {
				if (typeof input[key] === 'number') state.limits[key] = input[key] as number;
			}
			if (typeof input.latencyMs === 'number') state.latencyMs = input.latencyMs;
			return { status: 200, json: { limits: state.limits, latencyMs: state.latencyMs } };
		}
		if (method === 'POST' && path === '/__sim/faults') {
			const n = typeof input.n === 'number' ? input.n : 1;
			const scope = typeof input.endpoint === 'string' ? input.endpoint : undefined;
			if (input.kind === 'drop')
				state.dropNext(n, { endpoint: scope, afterProcessing: input.afterProcessing === true });
			else if (input.kind === 'stall')
				state.stallNext(n, {
					endpoint: scope,
					ms: typeof input.ms === 'number' ? input.ms : undefined,
				});
			else
				state.failNext(
					n,
					{
						code: Number(input.code ?? 131000),
						httpStatus: typeof input.httpStatus === 'number' ? input.httpStatus : undefined,
					},
					{ endpoint: scope },
				);
			return { status: 200, json: { ok: true } };
		}
		return { status: 404, json: { error: 'unknown simulator admin path' } };
	};

	// -- the HTTP loop --

	const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		for await (const chunk of req) {
			size += (chunk as Buffer).length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk as Buffer);
		}
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://simulator.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		const contentType = String(req.headers['content-type'] ?? '');
		const base =
			options.publicUrl?.replace(/\/+$/, '') ??
			`${options.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
		const started = state.now();

		const send = (answer: Answer, extraHeaders: Record<string, string> = {}) => {
			const write = () => {
				if (res.writableEnded || res.destroyed) return;
				const headers: Record<string, string> = { 'x-fb-trace-id': fbtrace(), ...extraHeaders };
				if ('raw' in answer) {
					res.writeHead(answer.status, {
						...headers,
						'content-type': answer.contentType,
						'content-length': String(answer.raw.length),
					});
					res.end(answer.raw);
				} else {
					const text = JSON.stringify(answer.json);
					res.writeHead(answer.status, {
						...headers,
						'content-type': 'application/json; charset=UTF-8',
						'content-length': String(Buffer.byteLength(text)),
					});
					res.end(text);
				}
			};
			if (state.latencyMs > 0) later(state.latencyMs, write);
			else write();
		};

		const adminAnswer = admin(method, url.pathname, safeJson(rawBody, contentType));
		if (adminAnswer) return send(adminAnswer);

		const target = route(method, url.pathname);
		state.requests[target.endpoint] = (state.requests[target.endpoint] ?? 0) + 1;
		const logEntry: RequestLogEntry = {
			method,
			path: url.pathname,
			query: url.search,
			endpoint: target.endpoint,
			at: started,
			outcome: 0,
		};
		state.log.push(logEntry);
		const fail = (failure: SimFailure) => {
			state.reject(failure.body.error.code, failure.httpStatus, target.endpoint);
			logEntry.outcome = failure.httpStatus;
			send({ status: failure.httpStatus, json: failure.body }, failure.headers);
		};

		const fault = state.takeFault(target.endpoint);
		if (fault?.kind === 'fail') return fail(scripted(fault.error));
		if (fault?.kind === 'drop' && !fault.afterProcessing) {
			logEntry.outcome = 'dropped';
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'stall') {
			logEntry.outcome = 'stalled';
			if (fault.ms !== undefined) later(fault.ms, () => req.socket.destroy());
			return;
		}

		if (tooLarge) return fail(invalidParameter('Request body is too large'));
		let token: string | undefined;
		if (target.auth) {
			const auth = authenticate(req, url, target.endpoint.endsWith(' /media-download'));
			if (auth instanceof SimFailure) return fail(auth);
			token = auth;
		}
		let body: unknown;
		try {
			body = parseBody(rawBody, contentType);
		} catch {
			return fail(invalidParameter('The request body could not be parsed as JSON'));
		}
		try {
			const answer = await target.handle({ method, url, body, rawBody, contentType, token, base });
			if (fault?.kind === 'drop') {
				logEntry.outcome = 'dropped';
				req.socket.destroy();
				return;
			}
			logEntry.outcome = answer.status;
			send(answer);
		} catch (error) {
			if (error instanceof SimFailure) {
				if (fault?.kind === 'drop') {
					logEntry.outcome = 'dropped';
					req.socket.destroy();
					return;
				}
				return fail(error);
			}
			// A bug in the simulator must not look like Meta's answer: say so in the message.
			return fail(
				whatsappError(
					1,
					`simulator error: ${error instanceof Error ? error.message : String(error)}`,
					'(#1) An unknown error occurred',
					500,
				),
			);
		}
	};

	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		onRequest(req, res).catch((error) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`simulator failure: ${error instanceof Error ? error.message : String(error)}`);
			}
		});
	};
	const server = options.tls
		? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
		: http.createServer(handler);
	server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
	const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

	const postWebhook = async (
		target: string,
		body: object | string,
		post: WebhookPostOptions = {},
	): Promise<WebhookPostResult> => {
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
	};

	return {
		url,
		port: address.port,
		state,
		postWebhook,
		async deliver(phoneNumberId, body, post) {
			const wabaId = state.phoneNumbers.get(phoneNumberId)?.wabaId;
			const target =
				state.phoneCallbacks.get(phoneNumberId)?.callbackUrl ??
				(wabaId ? state.subscriptions.get(wabaId)?.overrideCallbackUrl : undefined) ??
				state.appCallbackUrl;
			if (!target)
				throw new Error(
					`no callback URL for phone number ${phoneNumberId}: set an override or appCallbackUrl`,
				);
			return postWebhook(target, body, post);
		},
		async verifyCallback(target, verifyToken) {
			const outcome = await handshake(target, verifyToken);
			state.verifications.push({
				url: target,
				ok: outcome.ok,
				status: outcome.status,
				error: outcome.error,
			});
			return outcome.ok;
		},
		async stop() {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Webhook payload builders (Meta's shape), for tests that drive a receiver
// ---------------------------------------------------------------------------------------------

export interface InboundTextInput {
	from: string;
	text: string;
	name?: string;
	id?: string;
	/** Unix seconds; default now. */
	timestamp?: number;
	wabaId?: string;
	phoneNumberId?: string;
	displayPhoneNumber?: string;
	userId?: string;
}

export function inboundTextWebhook(input: InboundTextInput): Record<string, unknown> {
	const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
	const contact: Record<string, unknown> = {
		profile: { name: input.name ?? 'Customer' },
		wa_id: digits(input.from),
	};
	if (input.userId) contact.user_id = input.userId;
	return envelope(input.wabaId, input.phoneNumberId, input.displayPhoneNumber, {
		contacts: [contact],
		messages: [
			{
				from: digits(input.from),
				// Meta names the sender's business-scoped user id in the message too (since April 2026).
				...(input.userId ? { from_user_id: input.userId } : {}),
				id: input.id ?? `wamid.${randomBytes(16).toString('hex')}`,
				timestamp,
				type: 'text',
				text: { body: input.text },
			},
		],
	});
}

export interface StatusInput {
	messageId: string;
	recipientId: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	timestamp?: number;
	errors?: Array<{
		code: number;
		title: string;
		message?: string;
		error_data?: { details: string };
	}>;
	bizOpaqueCallbackData?: string;
	wabaId?: string;
	phoneNumberId?: string;
	displayPhoneNumber?: string;
}

export function statusWebhook(input: StatusInput): Record<string, unknown> {
	const status: Record<string, unknown> = {
		id: input.messageId,
		status: input.status,
		timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
		recipient_id: digits(input.recipientId),
	};
	if (input.status !== 'failed' && input.status !== 'read') {
		status.pricing = { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' };
	}
	if (input.errors) status.errors = input.errors;
	if (input.bizOpaqueCallbackData) status.biz_opaque_callback_data = input.bizOpaqueCallbackData;
	return envelope(input.wabaId, input.phoneNumberId, input.displayPhoneNumber, {
		statuses: [status],
	});
}

function envelope(
	wabaId: string | undefined,
	phoneNumberId: string | undefined,
	display: string | undefined,
	value: Record<string, unknown>,
) {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId ?? SIM.wabaId,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: digits(display ?? SIM.displayPhoneNumber),
								phone_number_id: phoneNumberId ?? SIM.phoneNumberId,
							},
							...value,
						},
					},
				],
			},
		],
	};
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

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Expectation {
	key: string;
	names: string[];
	media?: string;
}

function placeholders(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

/** What a send must supply for each component of a template. */
export function templateExpectations(template: SimTemplate): Expectation[] {
	const expectations: Expectation[] = [];
	for (const component of template.components) {
		if (component.type === 'HEADER') {
			if (component.format && component.format !== 'TEXT') {
				expectations.push({
					key: 'header',
					names: ['media'],
					media: component.format.toLowerCase(),
				});
			} else if (placeholders(component.text).length) {
				expectations.push({ key: 'header', names: placeholders(component.text) });
			}
		} else if (component.type === 'BODY' && placeholders(component.text).length) {
			expectations.push({ key: 'body', names: placeholders(component.text) });
		} else if (component.type === 'BUTTONS') {
			(component.buttons ?? []).forEach((button, index) => {
				if (button.type === 'URL' && placeholders(button.url).length) {
					expectations.push({ key: `button[${index}]`, names: placeholders(button.url) });
				}
				// An OTP button takes the code as its one (url) parameter.
				if (button.type === 'OTP') expectations.push({ key: `button[${index}]`, names: ['code'] });
			});
		}
	}
	return expectations;
}

/** A business-scoped user id (`HK.1502576394655843`) or parent id (`US.ENT.…`). */
function isUserId(value: string): boolean {
	return /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(value);
}

/** The key the simulator keeps a customer under: a user id as it is, a phone by its digits. */
function customerKey(value: string): string {
	return isUserId(value) ? value : digits(value);
}

/** Authentication templates whose OTP button is one-tap, zero-tap or copy-code. */
function needsPhoneNumber(template: SimTemplate): boolean {
	return template.components.some((component) =>
		(component.buttons ?? []).some(
			(button) =>
				button.type === 'COPY_CODE' ||
				(button.type === 'OTP' &&
					['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(String(button.otp_type ?? 'COPY_CODE'))),
		),
	);
}

/**
 * Button parameters a template takes but does not require: a quick-reply button's `payload`
 * (returned in the customer's reply), a catalog button's `action` (the thumbnail product) and a
 * flow button's `action` (flow_token, flow_action_data). Sources:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates (quick_reply
 * `{ type: "payload", payload }`),
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/catalog-template-messages
 * (`sub_type: "CATALOG"`, `{ type: "action", action: { thumbnail_product_retailer_id } }`),
 * https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow (`sub_type: "flow"`,
 * `{ type: "action", action: { flow_token, flow_action_data } }`).
 * Throws 132012 when the parameter has the wrong type for its button; false when the component is
 * not such a button (the usual checks then apply).
 */
function optionalButton(template: SimTemplate, component: Record<string, unknown>): boolean {
	if (String(component.type ?? '').toLowerCase() !== 'button') return false;
	const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
	const index = Number(component.index ?? 0);
	const button = Number.isInteger(index) ? buttons[index] : undefined;
	const subType = String(component.sub_type ?? '').toLowerCase();
	const wanted =
		button?.type === 'QUICK_REPLY'
			? { subType: 'quick_reply', parameter: 'payload' }
			: button?.type === 'CATALOG'
				? { subType: 'catalog', parameter: 'action' }
				: button?.type === 'FLOW'
					? { subType: 'flow', parameter: 'action' }
					: undefined;
	if (!wanted || subType !== wanted.subType) return false;
	const parameters = Array.isArray(component.parameters) ? component.parameters : [];
	const key = componentKey(component);
	if (parameters.length !== 1)
		throw whatsappError(
			132000,
			`${key}: number of localizable_params (${parameters.length}) does not match the expected number of params (1)`,
		);
	const parameter = parameters[0];
	const value = isObject(parameter) ? parameter[wanted.parameter] : undefined;
	const ok =
		isObject(parameter) &&
		parameter.type === wanted.parameter &&
		(wanted.parameter === 'payload'
			? typeof value === 'string' && value !== '' && value.length <= 1000
			: isObject(value));
	if (!ok)
		throw whatsappError(
			132012,
			`${key}: Format mismatch, expected ${wanted.parameter.toUpperCase()}, received ${String(isObject(parameter) ? parameter.type : typeof parameter).toUpperCase()}`,
		);
	return true;
}

/** A contacts message: a non-empty array of contacts, each with `name.formatted_name`. */
function checkContacts(content: unknown): void {
	if (!Array.isArray(content) || content.length === 0)
		throw invalidParameter('The parameter contacts is required.');
	content.forEach((contact, index) => {
		const name = isObject(contact) ? contact.name : undefined;
		if (!isObject(name) || typeof name.formatted_name !== 'string' || name.formatted_name === '')
			throw invalidParameter(
				`The parameter contacts[${index}]['name']['formatted_name'] is required.`,
			);
	});
}

function componentKey(component: Record<string, unknown>): string {
	const type = String(component.type ?? '').toLowerCase();
	return type === 'button' ? `button[${String(component.index ?? '0')}]` : type;
}

function unsupported(method: string, id: string): never {
	throw unknownObject(method, id);
}

function pairKey(phoneNumberId: string, waId: string): string {
	return `${phoneNumberId}|${waId}`;
}

function digits(value: string): string {
	return value.replace(/\D/g, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
	const n = raw === null ? NaN : Number.parseInt(raw, 10);
	return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function encodeCursor(prefix: string, index: number): string {
	return Buffer.from(`${prefix}:${index}`).toString('base64url');
}

function decodeCursor(cursor: string, prefix: string): number {
	const [kind, index] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
	const n = Number(index);
	if (kind !== prefix || !Number.isInteger(n) || n < 0) throw invalidParameter('Invalid cursor');
	return n;
}

/** Graph's `fields=` selection: `id` always, nested `throughput{level}` read as `throughput`. */
function project(node: Record<string, unknown>, fields: string): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const raw of fields.split(',')) {
		const field = raw.replace(/\{.*$/, '').trim();
		if (field && node[field] !== undefined) out[field] = node[field];
	}
	if (node.id !== undefined) out.id = node.id;
	return out;
}

function mediaHash(secret: Buffer, id: string, ext: number): string {
	return createHmac('sha256', secret).update(`${id}:${ext}`).digest('base64url').slice(0, 22);
}

function parseBody(raw: Buffer, contentType: string): unknown {
	if (raw.length === 0 || contentType.startsWith('multipart/')) return undefined;
	if (contentType.includes('application/x-www-form-urlencoded')) {
		// Graph also takes form parameters; JSON-looking values are objects there too.
		const out: Record<string, unknown> = {};
		for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
			out[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
		}
		return out;
	}
	return JSON.parse(raw.toString('utf8'));
}

function safeJson(raw: Buffer, contentType: string): unknown {
	try {
		return parseBody(raw, contentType);
	} catch {
		return undefined;
	}
}

function parseMultipart(
	body: Buffer,
	boundary: string,
): Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> {
	const parts: Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let position = body.indexOf(delimiter);
	while (position !== -1) {
		const start = position + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const next = body.indexOf(delimiter, start);
		if (next === -1) break;
		const part = body.subarray(start + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			parts.push({
				name: /name="([^"]*)"/i.exec(headers)?.[1],
				filename: /filename="([^"]*)"/i.exec(headers)?.[1],
				contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(),
				data: part.subarray(headerEnd + 4),
			});
		}
		position = next;
	}
	return parts;
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
