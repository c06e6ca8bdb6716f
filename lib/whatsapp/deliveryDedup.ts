/**
 * Meta retries a webhook delivery until it is answered 200 quickly, so the same message or status
 * can arrive several times. A delivery store remembers which events were already emitted within a
 * window. The in-memory store serves one n8n process; a Redis store behind the same interface serves
 * queue mode, where the main process and workers share state.
 */
export interface DeliveryDedupStore {
	/**
	 * Claims each key for `windowMs`. Resolves, per key and in order, true when this call claimed it
	 * first (emit the event) and false when it was claimed within the window (a duplicate).
	 */
	claim(keys: string[], windowMs: number, now?: number): Promise<boolean[]>;
}

/** The identity of a delivered event: a message id, or a message id with the status it reports. */
export function deliveryKey(event: { kind: string; id: string; status?: string }): string {
	return event.status ? `${event.kind}:${event.id}:${event.status}` : `${event.kind}:${event.id}`;
}

export class MemoryDeliveryDedupStore implements DeliveryDedupStore {
	private readonly expiresAt = new Map<string, number>();

	/** @param maxEntries bounds memory: past it the oldest claims are forgotten first. */
	constructor(private readonly maxEntries = 200_000) {}

	async claim(keys: string[], windowMs: number, now = Date.now()): Promise<boolean[]> {
		this.evict(now, keys.length);
		return keys.map((key) => {
			const expiry = this.expiresAt.get(key);
			if (expiry !== undefined && expiry > now) return false;
			// Re-inserting moves the key to the end, keeping the map in expiry order.
			this.expiresAt.delete(key);
			this.expiresAt.set(key, now + windowMs);
			return true;
		});
	}

	get size(): number {
		return this.expiresAt.size;
	}

	private evict(now: number, incoming: number): void {
		for (const [key, expiry] of this.expiresAt) {
			if (expiry > now && this.expiresAt.size + incoming <= this.maxEntries) break;
			this.expiresAt.delete(key);
		}
	}
}
