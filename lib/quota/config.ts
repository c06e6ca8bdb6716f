/**
 * What the guard is asked and configured with: message categories, a request, the rules' settings
 * and Meta's defaults. Kept apart from the decision (rules.ts) and the bookkeeping (ledger.ts), which
 * both read it, so that neither imports the other's types back.
 */

export const HOUR = 3_600_000;
/** Meta's messaging limit counts customers over a moving 24 h. */
export const LIMIT_WINDOW_MS = 24 * HOUR;

export type Category = 'marketing' | 'utility' | 'authentication' | 'service';

export const CATEGORIES: readonly Category[] = [
	'marketing',
	'utility',
	'authentication',
	'service',
];

export interface QuotaRequest {
	phoneNumberId: string;
	/**
	 * The business portfolio (business id) the number belongs to. Since 7 October 2025 Meta counts
	 * the messaging limit once per portfolio, shared by all its numbers
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits):
	 * requests with the same portfolioId share one reached-customers count, whichever number sends.
	 * Absent: the number is its own portfolio. Pair rate, throughput and the service window stay per number.
	 */
	portfolioId?: string;
	/** The portfolio's current messaging limit (0 = unlimited), e.g. as Meta reports it; default: the rules'. */
	messagingLimit?: number;
	/** E.164 phone number, WhatsApp id (digits) or business-scoped user id (`HK.1502576394655843`). */
	to: string;
	category: Category;
	template?: string;
	/** Free-form (not a template): allowed only inside the customer-service window. */
	freeForm?: boolean;
	/** A key for the event a message is about, for "the same service event at most once per 6 h". */
	event?: string;
	/** The decision's time (ms epoch); defaults to the guard's clock. */
	now?: number;
	/**
	 * Names this message, e.g. `reply:<inbound wamid>`: a second request with the same key to the
	 * same customer is not sent again while the ledger remembers the first (see ReserveResult).
	 * A re-run execution (retried, or re-run after its worker died) then reports the first send.
	 */
	idempotencyKey?: string;
}

/**
 * A cap on messages to one customer: at most `max` matching sends per `perHours`.
 * A send matches when it has `category` (any category when absent), the same template as the request
 * (`sameTemplate`), the same event (`sameEvent`); `onlyIfNoReply` counts only sends made since the
 * customer last wrote, so a reply lifts the cap. A rule that needs a template or event the request
 * does not have does not apply. `max` or `perHours` 0 switches the rule off.
 */
export interface FrequencyRule {
	/** Shown in the reason; generated from the rule when absent. */
	name?: string;
	category?: Category;
	sameTemplate?: boolean;
	sameEvent?: boolean;
	onlyIfNoReply?: boolean;
	max: number;
	perHours: number;
}

export interface QuotaRules {
	/** Customer-service window after the customer's last message; free-form only inside it. */
	windowHours: number;
	/** Unique customers reached by business-initiated messages per rolling 24 h; 0 = unlimited. */
	messagingLimit: number;
	/** Share of the messaging limit past which `usage()` reports `headroomReached`. */
	headroom: number;
	frequency: FrequencyRule[];
	/** At least this long between messages to one customer. */
	pairRateSeconds: number;
	/** Per business phone number, shared by every caller of the store. */
	throughputPerSecond: number;
	/** Opted-out customers never receive marketing. */
	optOut: boolean;
	/**
	 * Marketing to +1 numbers (and `US.` business-scoped user ids) is refused before any request:
	 * Meta has not delivered marketing templates to US numbers since 1 April 2025 (error 131049).
	 * false switches it off (should Meta lift the block).
	 */
	usMarketing?: boolean;
	/** Automation to a customer pauses this long after an agent replied. */
	humanTakeoverHours: number;
	/** Marketing waits outside these hours in the customer's local time; false switches it off. */
	quietHours: { start: string; end: string } | false;
}

export const DEFAULT_FREQUENCY: FrequencyRule[] = [
	{
		name: 'marketing to a customer who has not replied',
		category: 'marketing',
		onlyIfNoReply: true,
		max: 1,
		perHours: 24,
	},
	{ name: 'same template', sameTemplate: true, max: 5, perHours: 30 * 24 },
	{ name: 'promotions', category: 'marketing', max: 1, perHours: 7 * 24 },
	{ name: 'same service event', sameEvent: true, max: 1, perHours: 6 },
];

export const DEFAULT_RULES: QuotaRules = {
	windowHours: 24,
	messagingLimit: 250,
	headroom: 0.8,
	frequency: DEFAULT_FREQUENCY,
	pairRateSeconds: 6,
	throughputPerSecond: 80,
	optOut: true,
	usMarketing: true,
	humanTakeoverHours: 12,
	quietHours: { start: '21:00', end: '09:00' },
};

/**
 * A number shared with the WhatsApp Business app (coexistence) sends at most 20 messages per second.
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/onboarding-business-app-users
 * (limitations: throughput fixed at 20 mps).
 */
export const COEXISTENCE_THROUGHPUT_PER_SECOND = 20;

/** The throughput the user set; else 20/s for a coexistence number; else the rules' default (undefined). */
export function throughputFor(settings: {
	throughputPerSecond?: number;
	coexistence?: boolean;
}): number | undefined {
	return (
		settings.throughputPerSecond ??
		(settings.coexistence ? COEXISTENCE_THROUGHPUT_PER_SECOND : undefined)
	);
}
