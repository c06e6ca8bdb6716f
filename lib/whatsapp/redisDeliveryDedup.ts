/**
 * Duplicate-delivery claims in Redis, for n8n's queue mode: the main process receives webhooks, but
 * several mains (or a restart) must still agree on what was already emitted. Each claim is one
 * `SET key 1 NX PX window`: atomic, expiring by itself, so Redis never grows without bound.
 */
import Redis from 'ioredis';

import type { DeliveryDedupStore } from './deliveryDedup';

export interface RedisDeliveryDedupOptions {
	/** Namespaces the keys, e.g. per Meta app (WABA) and workflow; default `scrm:dedup:`. */
	keyPrefix?: string;
}

export class RedisDeliveryDedupStore implements DeliveryDedupStore {
	private readonly redis: Redis;
	private readonly prefix: string;

	constructor(url: string, options: RedisDeliveryDedupOptions = {}) {
		this.prefix = options.keyPrefix ?? 'scrm:dedup:';
		this.redis = new Redis(url, {
			connectTimeout: 2000,
			// Meta waits for our answer: fail fast and let it redeliver rather than hang the webhook.
			maxRetriesPerRequest: 1,
			commandTimeout: 2000,
			enableOfflineQueue: true,
			retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
			// Closing a connection that already dropped otherwise waits 2 s before letting go.
			disconnectTimeout: 200,
		});
		// Errors surface on the commands that fail; without a listener ioredis would log each reconnect.
		this.redis.on('error', () => undefined);
	}

	async claim(keys: string[], windowMs: number): Promise<boolean[]> {
		if (keys.length === 0) return [];
		const pipeline = this.redis.pipeline();
		for (const key of keys) pipeline.set(this.prefix + key, '1', 'PX', Math.max(1, Math.round(windowMs)), 'NX');
		const results = (await pipeline.exec()) ?? [];
		return keys.map((key, index) => {
			const [error, reply] = results[index] ?? [new Error('no reply')];
			if (error) throw new Error(`Redis could not record delivery ${key}: ${error.message}`);
			return reply === 'OK';
		});
	}

	async close(): Promise<void> {
		this.redis.disconnect();
	}
}
