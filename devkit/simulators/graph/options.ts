/** What a simulator is started with: its limits, auth, seeds and behaviour switches. */
import type { SimWabaSeed } from './types';

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
