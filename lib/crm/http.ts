/**
 * What every CRM adapter needs around a request: wait for the CRM's rate limit before sending
 * (proactively, so concurrent batches do not trigger 429 storms), and retry 429 and 5xx answers
 * after `Retry-After` or an exponential backoff. Vendor-specific parts (which limiter, how an error
 * body reads) stay in each adapter.
 */
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { HttpRequest, HttpResponse, HttpTransport } from '../http/transport';
import { TransportError } from '../http/transport';
import { CrmApiError } from './types';
import type { CrmErrorInfo, CrmName } from './types';

export type { Clock } from '../clock';
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

const processLimiters = new Map<string, RateLimiter>();

/** The default: one limiter per account and limit in this process; an injected clock keeps its own. */
export function processWideLimiters(clock?: Clock): LimiterFactory {
	return (key, limit) => {
		if (clock && clock !== realClock) return rollingWindowLimiter({ ...limit, clock });
		const id = `${key}|${limit.max}/${limit.windowMs}/${limit.concurrency ?? ''}`;
		let limiter = processLimiters.get(id);
		if (!limiter) processLimiters.set(id, (limiter = rollingWindowLimiter(limit)));
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

export interface CrmHttpOptions {
	crm: CrmName;
	transport: HttpTransport;
	baseUrl: string;
	timeoutMs?: number;
	/** Retries of 429, 5xx and requests that never reached the CRM. Default 5. */
	retries?: number;
	clock?: Clock;
	/** Reads the vendor's error body into something a user can act on; `path` is the call's, relative to the base URL. */
	describeError: (
		response: HttpResponse,
		request: { method: string; path: string },
	) => CrmErrorInfo;
}

export interface CrmRequest extends Omit<HttpRequest, 'url'> {
	/** Relative to the adapter's base URL. */
	path: string;
	/** The limiter this endpoint counts against (HubSpot's search has its own). */
	limiter?: RateLimiter;
	cost?: number;
	/** Statuses the caller handles itself (e.g. Salesforce's 300 Multiple Choices, HubSpot's 207). */
	accept?: number[];
}

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export class CrmHttp {
	private readonly clock: Clock;
	private readonly retries: number;

	constructor(private readonly opts: CrmHttpOptions) {
		this.clock = opts.clock ?? realClock;
		this.retries = opts.retries ?? 5;
	}

	/** Sends, retrying what is worth retrying; resolves with a 2xx (or accepted) answer, else throws CrmApiError. */
	async request<T = unknown>(req: CrmRequest): Promise<HttpResponse<T>> {
		const { path, limiter, cost, accept, ...rest } = req;
		const url = `${this.opts.baseUrl.replace(/\/+$/, '')}${path}`;
		for (let attempt = 0; ; attempt++) {
			const release = limiter ? await limiter.acquire(cost) : undefined;
			let response: HttpResponse;
			try {
				response = await this.opts.transport({
					...rest,
					url,
					timeoutMs: rest.timeoutMs ?? this.opts.timeoutMs,
				});
			} catch (error) {
				// A request that may have reached the CRM is not repeated blindly: a create could double.
				if (error instanceof TransportError && !error.sent && attempt < this.retries) {
					await this.clock.sleep(backoff(attempt));
					continue;
				}
				throw error;
			} finally {
				release?.();
			}
			response = withJsonBody(response);
			if ((response.status >= 200 && response.status < 300) || accept?.includes(response.status)) {
				return response as HttpResponse<T>;
			}
			const info = this.opts.describeError(response, { method: rest.method, path });
			// The vendor's reading decides: a 429 for a used-up daily allowance will not pass in seconds.
			if (attempt < this.retries && (response.status >= 500 || info.retryable)) {
				await this.clock.sleep(retryAfterMs(response, this.clock.now()) ?? backoff(attempt));
				continue;
			}
			throw new CrmApiError(this.opts.crm, info);
		}
	}
}

/**
 * A JSON answer left as text is parsed: n8n does not parse the answer to a request it sent as
 * bytes (multipart uploads), and every vendor's error reader expects an object.
 */
function withJsonBody(response: HttpResponse): HttpResponse {
	if (typeof response.body !== 'string' || !/^\s*[[{]/.test(response.body)) return response;
	try {
		return { ...response, body: JSON.parse(response.body) };
	} catch {
		return response;
	}
}

function backoff(attempt: number): number {
	const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
	// Jitter spreads concurrent executions that were throttled together.
	return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** `Retry-After` in seconds or as an HTTP date; absent or unreadable → undefined. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
	const header = Object.entries(response.headers).find(
		([name]) => name.toLowerCase() === 'retry-after',
	)?.[1];
	if (header === undefined) return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Items in the CRM's batch sizes, in order. */
export function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}
