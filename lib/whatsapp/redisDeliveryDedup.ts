/**
 * Duplicate-delivery claims in Redis, for n8n's queue mode: the main process receives webhooks, but
 * several mains (or a restart) must still agree on what was already emitted. Each claim is one key
 * set only if absent and expiring by itself, so Redis never grows without bound; claiming and
 * settling are Lua scripts, so reading a claim and changing it cannot interleave with another process.
 */
import type Redis from 'ioredis';

import { connectRedis, steadyReconnect } from '../redis';

import { claimResultOf, HANDLED, IN_PROGRESS, inProgressBy } from './deliveryDedup';
import type { ClaimOptions, ClaimResult, DeliveryDedupStore } from './deliveryDedup';

export interface RedisDeliveryDedupOptions {
	/** Namespaces the keys, e.g. per Meta app (WABA) and workflow; default `scrm:dedup:`. */
	keyPrefix?: string;
}

/**
 * Per key: claim it (1), or return what holds it. All or nothing: when another owner has any key in
 * progress, nothing is claimed and the free keys read as in progress too. ARGV: value, milliseconds.
 */
const CLAIM = `
local current, blocked = {}, false
for i, key in ipairs(KEYS) do
	current[i] = redis.call('GET', key)
	if current[i] and string.sub(current[i], 1, ${IN_PROGRESS.length}) == '${IN_PROGRESS}' and current[i] ~= ARGV[1] then blocked = true end
end
local results = {}
for i, key in ipairs(KEYS) do
	if current[i] then results[i] = current[i]
	elseif blocked then results[i] = '${IN_PROGRESS}'
	elseif redis.call('SET', key, ARGV[1], 'PX', ARGV[2], 'NX') then results[i] = 1
	else results[i] = redis.call('GET', key) or '${HANDLED}' end
end
return results`;

/** Per key still held by ARGV[1]: keep it as handled for ARGV[3] ms (ARGV[2] = 1) or forget it. */
const SETTLE = `
for _, key in ipairs(KEYS) do
	if redis.call('GET', key) == ARGV[1] then
		if ARGV[2] == '1' then redis.call('SET', key, '${HANDLED}', 'PX', ARGV[3]) else redis.call('DEL', key) end
	end
end
return 0`;

interface DedupCommands {
	scrmClaim(count: number, ...keysThenArgs: string[]): Promise<Array<1 | string>>;
	scrmSettle(count: number, ...keysThenArgs: string[]): Promise<number>;
}
type ScriptRedis = Redis & DedupCommands;

export class RedisDeliveryDedupStore implements DeliveryDedupStore {
	private readonly redis: ScriptRedis;
	private readonly prefix: string;

	constructor(url: string, options: RedisDeliveryDedupOptions = {}) {
		this.prefix = options.keyPrefix ?? 'scrm:dedup:';
		// Meta waits for our answer: fail fast and let it redeliver rather than hang the webhook.
		// Errors surface on the commands that fail.
		this.redis = connectRedis<DedupCommands>(url, {
			commandTimeoutMs: 2000,
			retryStrategy: steadyReconnect,
			scripts: { scrmClaim: { lua: CLAIM }, scrmSettle: { lua: SETTLE } },
		});
	}

	async claim(
		keys: string[],
		windowMs: number,
		options: ClaimOptions = {},
	): Promise<ClaimResult[]> {
		if (keys.length === 0) return [];
		const value = options.inProgress ? inProgressBy(options.inProgress.owner) : HANDLED;
		const forMs = milliseconds(options.inProgress?.forMs ?? windowMs);
		let replies: Array<1 | string>;
		try {
			replies = await this.redis.scrmClaim(
				keys.length,
				...keys.map((key) => this.prefix + key),
				value,
				forMs,
			);
		} catch (error) {
			throw new Error(
				`Redis could not record deliveries ${keys.join(', ')}: ${(error as Error).message}`,
			);
		}
		return replies.map((reply) => (reply === 1 ? 'claimed' : claimResultOf(reply, value)));
	}

	async settle(keys: string[], owner: string, handled: boolean, windowMs: number): Promise<void> {
		if (keys.length === 0) return;
		const prefixed = keys.map((key) => this.prefix + key);
		await this.redis.scrmSettle(
			keys.length,
			...prefixed,
			inProgressBy(owner),
			handled ? '1' : '0',
			milliseconds(windowMs),
		);
	}

	async close(): Promise<void> {
		this.redis.disconnect();
	}
}

const milliseconds = (ms: number) => String(Math.max(1, Math.round(ms)));
