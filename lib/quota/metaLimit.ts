/**
 * The messaging limit as Meta reports it, for the guard to decide on.
 *
 * Meta sets the limit per business portfolio, shared by its numbers, and reports it on each phone
 * number as `whatsapp_business_manager_messaging_limit`; `messaging_limit_tier` is deprecated
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
 * Limits are 250, 2,000, 10,000, 100,000 or unlimited; the field's values are the tiers `TIER_250`,
 * `TIER_2K`, `TIER_10K`, `TIER_100K`, `TIER_UNLIMITED`. The `business_capability_update` webhook
 * carries the new limit as `max_daily_conversations_per_business`, an integer with -1 for unlimited
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update/).
 */

/** Tier names Meta uses for messaging limits, older per-number ones included; 0 = unlimited. */
const TIERS: ReadonlyMap<string, number> = new Map([
	['TIER_50', 50],
	['TIER_250', 250],
	['TIER_1K', 1000],
	['TIER_2K', 2000],
	['TIER_10K', 10000],
	['TIER_100K', 100000],
	['TIER_UNLIMITED', 0],
	['UNLIMITED', 0],
]);

/**
 * A messaging limit from what Meta sent (a tier name, or a count with -1 for unlimited): the number
 * of customers, 0 for unlimited, undefined when it is not one Meta documents.
 */
export function messagingLimitOf(value: unknown): number | undefined {
	if (typeof value === 'string') {
		const tier = TIERS.get(value.trim().toUpperCase());
		if (tier !== undefined) return tier;
		if (!/^-?\d{1,9}$/.test(value.trim())) return undefined;
		return messagingLimitOf(Number(value));
	}
	if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
	if (value === -1) return 0;
	return value > 0 ? value : undefined;
}

/** The limit from a `business_capability_update` change's `value`, if it carries one. */
export function messagingLimitFromCapabilityUpdate(value: unknown): number | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const fields = value as Record<string, unknown>;
	return (
		messagingLimitOf(fields.max_daily_conversations_per_business) ??
		// Removed by Meta in February 2026; still read from older senders.
		messagingLimitOf(fields.max_daily_conversation_per_phone)
	);
}

/**
 * The `business_capability_update` changes of a webhook body (any shape: it is the sender's JSON):
 * the WABA each names and the limit it carries, when it carries one.
 */
export function capabilityUpdates(body: unknown): Array<{ wabaId: string; limit?: number }> {
	const out: Array<{ wabaId: string; limit?: number }> = [];
	const entries = (body as { entry?: unknown } | null)?.entry;
	if (!Array.isArray(entries)) return out;
	for (const entry of entries.slice(0, 1000)) {
		if (typeof entry !== 'object' || entry === null) continue;
		const { id, changes } = entry as { id?: unknown; changes?: unknown };
		if (!Array.isArray(changes)) continue;
		for (const change of changes.slice(0, 1000)) {
			if (typeof change !== 'object' || change === null) continue;
			const { field, value } = change as { field?: unknown; value?: unknown };
			if (field !== 'business_capability_update') continue;
			const limit = messagingLimitFromCapabilityUpdate(value);
			out.push({
				wabaId: typeof id === 'string' ? id : '',
				...(limit !== undefined ? { limit } : {}),
			});
		}
	}
	return out;
}

export interface MessagingLimitCacheOptions {
	/** How long a limit read from Meta is used before it is read again (default 1 h). */
	ttlMs?: number;
	/** After a failed read, how long before trying again (default 1 min). */
	retryMs?: number;
	clock?: () => number;
}

/**
 * Meta's limit per phone number, read once per `ttlMs` and shared by every caller: one Graph call
 * per number and hour, never one per message. Concurrent callers wait for the same read.
 */
export class MessagingLimitCache {
	private readonly entries = new Map<
		string,
		{ until: number; limit: Promise<number | undefined> }
	>();
	private readonly ttlMs: number;
	private readonly retryMs: number;
	private readonly clock: () => number;

	constructor(options: MessagingLimitCacheOptions = {}) {
		this.ttlMs = options.ttlMs ?? 3_600_000;
		this.retryMs = options.retryMs ?? 60_000;
		this.clock = options.clock ?? Date.now;
	}

	/** The number's limit (0 = unlimited), or undefined when Meta could not say. */
	get(phoneNumberId: string, read: () => Promise<unknown>): Promise<number | undefined> {
		const now = this.clock();
		const cached = this.entries.get(phoneNumberId);
		if (cached && cached.until > now) return cached.limit;
		const entry = {
			until: now + this.ttlMs,
			limit: Promise.resolve<number | undefined>(undefined),
		};
		entry.limit = read().then(
			(value) => {
				const limit = messagingLimitOf(value);
				if (limit === undefined) entry.until = this.clock() + this.retryMs;
				return limit;
			},
			() => {
				entry.until = this.clock() + this.retryMs;
				return undefined;
			},
		);
		this.entries.set(phoneNumberId, entry);
		return entry.limit;
	}

	/** Meta announced a new limit (business_capability_update): use it until the next read. */
	set(phoneNumberIds: string[] | 'all', limit: number): void {
		const ids = phoneNumberIds === 'all' ? [...this.entries.keys()] : phoneNumberIds;
		for (const id of ids)
			this.entries.set(id, { until: this.clock() + this.ttlMs, limit: Promise.resolve(limit) });
	}

	/** Forget what was read: the next send reads Meta again. */
	invalidate(phoneNumberId?: string): void {
		if (phoneNumberId === undefined) this.entries.clear();
		else this.entries.delete(phoneNumberId);
	}
}
