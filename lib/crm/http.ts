/**
 * The one retry loop of the CRM wing: every adapter request goes through CrmHttp, which waits for
 * the endpoint's limiter (limits.ts) before sending, retries 429 and 5xx answers after
 * `Retry-After` or an exponential backoff, retries requests that never reached the CRM, and
 * repeats a request that timed out after reaching it only when it is safe to (GET, or marked
 * `repeatable`: searches, updates, keyed upserts; never a create). Vendor-specific parts (which
 * limiter, how an error body reads) stay in each adapter.
 */
import type { HttpRequest, HttpResponse, HttpTransport } from '../http/transport';
import { TransportError } from '../http/transport';
import { realClock } from './limits';
import type { Clock, RateLimiter } from './limits';
import { CrmApiError } from './types';
import type { CrmErrorInfo, CrmName } from './types';

// The limiters were born here; their importers keep working.
export {
	both,
	concurrencyLimit,
	processWideLimiters,
	realClock,
	rollingWindowLimiter,
} from './limits';
export type { Clock, LimiterFactory, RateLimit, RateLimiter } from './limits';

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
	/**
	 * Safe to send again after a timeout that may have reached the CRM (searches, reads by POST,
	 * updates, keyed upserts). GET always is; a create never is.
	 */
	repeatable?: boolean;
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
		const { path, limiter, cost, accept, repeatable, ...rest } = req;
		const safeToRepeat = rest.method === 'GET' || repeatable === true;
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
				if (
					error instanceof TransportError &&
					(!error.sent || safeToRepeat) &&
					attempt < this.retries
				) {
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
