/**
 * Meta retries a webhook delivery until it is answered 200 quickly, so the same message or status
 * can arrive several times. A delivery store remembers which events were already emitted within a
 * window. The in-memory store serves one n8n process; a Redis store behind the same interface serves
 * queue mode, where the main process and workers share state.
 *
 * A claim is either handled at once (Meta is answered as soon as the events are emitted) or held
 * in progress by one owner until it is settled (Meta is answered after the run): a run that fails,
 * or dies with its worker, then leaves the events to Meta's redelivery instead of losing them.
 */
export type ClaimResult =
	/** This call claimed the key first: emit the event. */
	| 'claimed'
	/**
	 * Another delivery's run holds it (or holds another key of this call) and has not finished:
	 * nothing of this call was claimed; ask Meta to deliver again later.
	 */
	| 'in-progress'
	/** Already emitted and handled within the window (or repeated in this call): a duplicate. */
	| 'handled';

export interface ClaimOptions {
	/**
	 * Hold the claims in progress for this owner, for at most this long, until `settle`; without it
	 * they count as handled for the whole window straight away.
	 */
	inProgress?: { owner: string; forMs: number };
	now?: number;
}

export interface DeliveryDedupStore {
	/**
	 * Claims each key, in order; a handled claim is remembered for `windowMs`. All or nothing: when
	 * any key is in progress under another owner, no key is claimed.
	 */
	claim(keys: string[], windowMs: number, options?: ClaimOptions): Promise<ClaimResult[]>;
	/**
	 * Ends the owner's in-progress claims: handled ones are remembered for `windowMs`, failed ones are
	 * forgotten so the redelivery runs again. Claims the owner no longer holds are left alone.
	 */
	settle(
		keys: string[],
		owner: string,
		handled: boolean,
		windowMs: number,
		now?: number,
	): Promise<void>;
}

/** The identity of a delivered event: a message id, or a message id with the status it reports. */
export function deliveryKey(event: { kind: string; id: string; status?: string }): string {
	return event.status ? `${event.kind}:${event.id}:${event.status}` : `${event.kind}:${event.id}`;
}

/** What a claim holds: `handled`, or the owner whose run has it in progress. */
export const HANDLED = 'handled';
export const IN_PROGRESS = 'in-progress:';
export const inProgressBy = (owner: string): string => `${IN_PROGRESS}${owner}`;

/** The shared reading of a stored claim value, for both stores. */
export function claimResultOf(stored: string, ownValue: string): ClaimResult {
	return stored.startsWith(IN_PROGRESS) && stored !== ownValue ? 'in-progress' : 'handled';
}

export class MemoryDeliveryDedupStore implements DeliveryDedupStore {
	private readonly claims = new Map<string, { value: string; expiresAt: number }>();

	/** @param maxEntries bounds memory: past it the oldest claims are forgotten first. */
	constructor(private readonly maxEntries = 200_000) {}

	async claim(
		keys: string[],
		windowMs: number,
		options: ClaimOptions = {},
	): Promise<ClaimResult[]> {
		const now = options.now ?? Date.now();
		this.evict(now, keys.length);
		const value = options.inProgress ? inProgressBy(options.inProgress.owner) : HANDLED;
		const forMs = options.inProgress?.forMs ?? windowMs;
		const current = keys.map((key) => {
			const existing = this.claims.get(key);
			return existing && existing.expiresAt > now ? existing.value : undefined;
		});
		if (
			current.some(
				(stored) => stored !== undefined && claimResultOf(stored, value) === 'in-progress',
			)
		) {
			return current.map((stored) =>
				stored === undefined ? 'in-progress' : claimResultOf(stored, value),
			);
		}
		const claimedNow = new Set<string>();
		return keys.map((key, index) => {
			const stored = current[index];
			if (stored !== undefined) return claimResultOf(stored, value);
			// A key repeated inside this call is a duplicate of its first occurrence.
			if (claimedNow.has(key)) return 'handled';
			claimedNow.add(key);
			this.remember(key, value, now + forMs);
			return 'claimed';
		});
	}

	async settle(
		keys: string[],
		owner: string,
		handled: boolean,
		windowMs: number,
		now = Date.now(),
	): Promise<void> {
		for (const key of keys) {
			if (this.claims.get(key)?.value !== inProgressBy(owner)) continue;
			if (handled) this.remember(key, HANDLED, now + windowMs);
			else this.claims.delete(key);
		}
	}

	get size(): number {
		return this.claims.size;
	}

	private remember(key: string, value: string, expiresAt: number): void {
		// Re-inserting moves the key to the end, keeping the map in (nearly) expiry order.
		this.claims.delete(key);
		this.claims.set(key, { value, expiresAt });
	}

	private evict(now: number, incoming: number): void {
		for (const [key, claim] of this.claims) {
			if (claim.expiresAt > now && this.claims.size + incoming <= this.maxEntries) break;
			this.claims.delete(key);
		}
	}
}
