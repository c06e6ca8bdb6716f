/**
 * The simulator's state: seeds, what was sent and refused, subscriptions and overrides, traffic
 * for the limits, and scripted faults. Tests read and change it directly.
 */
import { createHash, randomInt } from 'node:crypto';

import type { ScriptedError } from './errors';
import { customerKey, pairKey } from './ids';
import { DEFAULT_LIMITS, type SimulatorLimits, type SimulatorOptions } from './options';
import { SIM, SIM_MEDIA_BYTES, defaultWabas } from './seeds';
import type {
	SimMedia,
	SimMessagingLimit,
	SimPhoneNumber,
	SimPhoneNumberSeed,
	SimTemplate,
	SimTemplateSeed,
	SimWaba,
	SimWabaSeed,
} from './types';

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

/** Which requests a scripted fault applies to: a substring of the endpoint key, e.g. `messages`. */
export interface FaultScope {
	endpoint?: string;
}

export type Fault =
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
