/**
 * The rate-limit policy every CRM adapter shares: limiters that admit a request only while the
 * account's documented limit has room (proactively, so concurrent batches do not meet 429 storms),
 * kept per account and limit in this process or in Redis (redisRateLimiter.ts) for queue mode.
 * Each adapter only names its limits (HubSpot's window and search rate, Zoho's and Salesforce's
 * concurrency); the retry of what still gets refused is CrmHttp's alone (http.ts).
 */

import { systemClock } from '../clock';
import type { Clock } from '../clock';

export type { Clock };
/** The engine's one clock (lib/clock.ts), under the name the adapters use. */
export const realClock: Clock = systemClock;

/** Admits requests so that a CRM's documented limit is never reached. */
export interface RateLimiter {
	/** Resolves when `cost` units may be spent; call the returned function when the request ended. */
	acquire(cost?: number): Promise<() => void>;
}

/**
 * At most `max` requests in any rolling `windowMs` (HubSpot: 100 or 190 per 10 s; its search
 * endpoint about 5 per second), and at most `concurrency` in flight (Zoho: 5–25 by edition).
 */
export function rollingWindowLimiter(opts: {
	max: number;
	windowMs: number;
	concurrency?: number;
	clock?: Clock;
}): RateLimiter {
	const clock = opts.clock ?? realClock;
	// One slot per request: `end` is when its answer came back (Infinity while in flight). The CRM
	// counts a request when it arrives, which lies between our sending and its answer, so a slot
	// leaves the window only `windowMs` after the answer: late arrivals under load cannot overrun it.
	const slots: Array<{ end: number }> = [];
	let inFlight = 0;
	const waiting: Array<() => void> = [];
	const answered: Array<() => void> = [];
	let chain = Promise.resolve();

	const admit = async (cost: number): Promise<Array<{ end: number }>> => {
		for (;;) {
			const now = clock.now();
			for (let i = slots.length - 1; i >= 0; i--)
				if (slots[i].end <= now - opts.windowMs) slots.splice(i, 1);
			const roomInWindow = slots.length + cost <= opts.max;
			const roomInFlight = opts.concurrency === undefined || inFlight < opts.concurrency;
			if (roomInWindow && roomInFlight) {
				const mine = Array.from({ length: cost }, () => ({ end: Infinity }));
				slots.push(...mine);
				inFlight++;
				return mine;
			}
			if (!roomInFlight) {
				await new Promise<void>((resolve) => waiting.push(resolve));
				continue;
			}
			const ends = slots
				.map((slot) => slot.end)
				.filter((end) => end !== Infinity)
				.sort((a, b) => a - b);
			const leaving = slots.length + cost - opts.max;
			// +1: a slot leaves the window strictly after windowMs. Without enough answered slots, wait for an answer.
			if (ends.length >= leaving) await clock.sleep(ends[leaving - 1] + opts.windowMs - now + 1);
			else await new Promise<void>((resolve) => answered.push(resolve));
		}
	};

	return {
		acquire(cost = 1) {
			// One admission at a time keeps the order fair and the window arithmetic simple.
			const admitted = chain.then(() => admit(Math.min(cost, opts.max)));
			chain = admitted.then(
				() => undefined,
				() => undefined,
			);
			return admitted.then((mine) => {
				let released = false;
				return () => {
					if (released) return;
					released = true;
					const end = clock.now();
					for (const slot of mine) slot.end = end;
					inFlight--;
					waiting.shift()?.();
					for (const wake of answered.splice(0)) wake();
				};
			});
		},
	};
}

/** One of a CRM account's limits: at most `max` requests per rolling `windowMs`, `concurrency` at once. */
export interface RateLimit {
	max: number;
	windowMs: number;
	concurrency?: number;
}

/**
 * Gives the limiter for one limit of one account (`key` names both, e.g. `<base URL>|search`), so
 * everything that calls the same account waits on the same limiter: every execution in this process
 * by default, every queue-mode worker with the Redis limiters (lib/crm/redisRateLimiter.ts).
 */
export type LimiterFactory = (key: string, limit: RateLimit) => RateLimiter;

/** Per clock (real time, or one injected into tests and benchmarks), the limiters by account and limit. */
const processLimiters = new WeakMap<Clock, Map<string, RateLimiter>>();

/**
 * The default: one limiter per account and limit in this process. Adapters given the same injected
 * clock share theirs too (time that passes only when slept must be one time for all of them).
 */
export function processWideLimiters(clock: Clock = realClock): LimiterFactory {
	let limiters = processLimiters.get(clock);
	if (!limiters) processLimiters.set(clock, (limiters = new Map()));
	const byId = limiters;
	return (key, limit) => {
		const id = `${key}|${limit.max}/${limit.windowMs}/${limit.concurrency ?? ''}`;
		let limiter = byId.get(id);
		if (!limiter) byId.set(id, (limiter = rollingWindowLimiter({ ...limit, clock })));
		return limiter;
	};
}

/** Both limiters, always taken in the same order so that two callers cannot deadlock. */
export function both(first: RateLimiter, second: RateLimiter): RateLimiter {
	return {
		async acquire(cost) {
			const releaseFirst = await first.acquire(cost);
			try {
				const releaseSecond = await second.acquire(cost);
				return () => {
					releaseSecond();
					releaseFirst();
				};
			} catch (error) {
				releaseFirst();
				throw error;
			}
		},
	};
}

/** A limit on requests in flight only (Zoho's and Salesforce's concurrency), with no window. */
export function concurrencyLimit(concurrency: number): RateLimit {
	return { max: Number.MAX_SAFE_INTEGER, windowMs: 1, concurrency };
}

/**
 * A budget of `max` units per rolling `windowMs` that refuses rather than waits (Zoho's API credits
 * per 24 h: waiting hours helps no run). Budgets with the same key in this process are one.
 */
export interface RollingBudget {
	/** Spends one unit at `now`, or says when the next one frees up. */
	spend(now: number): { ok: true } | { ok: false; freeAt: number };
}

const processBudgets = new Map<string, Array<{ at: number; cost: number }>>();

export function rollingBudget(key: string, max: number, windowMs: number): RollingBudget {
	let ledger = processBudgets.get(key);
	if (!ledger) processBudgets.set(key, (ledger = []));
	const spent = ledger;
	return {
		spend(now) {
			while (spent.length > 0 && spent[0].at <= now - windowMs) spent.shift();
			const used = spent.reduce((sum, entry) => sum + entry.cost, 0);
			if (used + 1 > max) return { ok: false, freeAt: spent[0].at + windowMs };
			spent.push({ at: now, cost: 1 });
			return { ok: true };
		},
	};
}
