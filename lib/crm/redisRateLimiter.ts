/**
 * A CRM account's rate limits kept in Redis, for n8n's queue mode: every worker waits on the same
 * window, so W workers together stay within the one allowance the CRM gives the account instead of
 * each pacing to all of it. Same rules as `rollingWindowLimiter` (lib/crm/limits.ts): a request holds
 * a slot from admission until `windowMs` after its answer, and at most `concurrency` are in flight.
 *
 * One sorted set per limit: a member per slot, scored by when its answer came (in flight: a lease
 * end in the future, renewed while the request lasts, so a worker that dies mid-request frees its
 * slots within `leaseMs`). Redis's clock decides, so the workers' clocks need not agree.
 */
import { createHash, randomUUID } from 'node:crypto';

import type Redis from 'ioredis';

import { connectRedis } from '../redis';
import { processWideLimiters, realClock } from './limits';
import type { Clock, LimiterFactory, RateLimiter } from './limits';

/** The set must outlive its newest slot by a window; never shorten it under another request's lease. */
const KEEP = `
local function keep(key, ms)
	if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end`;

/** Admits `cost` slots (0), or says how long to wait (ms), or -1: wait for an answer in flight. */
const ACQUIRE = `${KEEP}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max, window, concurrency, cost, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local inFlight = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
if count + cost <= max and (concurrency == 0 or inFlight < concurrency) then
	for i = 1, cost do redis.call('ZADD', KEYS[1], now + lease, ARGV[6] .. ':' .. i) end
	keep(KEYS[1], window + lease)
	return 0
end
if count + cost > max then
	local leaving = redis.call('ZRANGE', KEYS[1], count + cost - max - 1, count + cost - max - 1, 'WITHSCORES')
	local answeredAt = tonumber(leaving[2])
	if answeredAt <= now then return answeredAt + window - now + 1 end
end
return -1`;

/** Scores the request's slots (ARGV: id, cost, ms from now, window): 0 marks them answered, a lease renews them. */
const MARK = `${KEEP}
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
for i = 1, tonumber(ARGV[2]) do redis.call('ZADD', KEYS[1], 'XX', at, ARGV[1] .. ':' .. i) end
keep(KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]))
return 0`;

interface LimiterCommands {
	scrmLimiterAcquire(key: string, ...args: Array<string | number>): Promise<number>;
	scrmLimiterMark(key: string, ...args: Array<string | number>): Promise<number>;
}
type ScriptRedis = Redis & LimiterCommands;

export interface RedisLimiterOptions {
	/** How long a slot stays taken after its worker stopped renewing it (it died). Default 1 min. */
	leaseMs?: number;
	/** How often a request waiting on answers in flight looks again. Default 50 ms. */
	pollMs?: number;
	clock?: Clock;
}

/**
 * Limiters for every account and limit, kept in the Redis at `url`. While Redis cannot be reached a
 * request falls back to this process's own limiter rather than failing: the CRM's 429s, retried,
 * are the worse-case cost.
 */
export function redisLimiters(url: string, options: RedisLimiterOptions = {}): LimiterFactory {
	const redis = connection(url);
	const fallback = processWideLimiters();
	const clock = options.clock ?? realClock;
	const leaseMs = options.leaseMs ?? 60_000;
	const pollMs = options.pollMs ?? 50;
	return (account, limit) => {
		// Hashed: the account key holds a URL; the braces keep one limit in one cluster slot.
		const key = `scrm:crm-limit:{${createHash('sha256')
			.update(`${account}|${limit.max}/${limit.windowMs}/${limit.concurrency ?? ''}`)
			.digest('hex')
			.slice(0, 24)}}`;
		const args = (cost: number) => [
			limit.max,
			limit.windowMs,
			limit.concurrency ?? 0,
			cost,
			leaseMs,
		];
		return {
			async acquire(requested = 1) {
				const cost = Math.min(requested, limit.max);
				const id = randomUUID();
				for (;;) {
					let wait: number;
					try {
						wait = Number(await redis.scrmLimiterAcquire(key, ...args(cost), id));
					} catch {
						return fallback(account, limit).acquire(cost);
					}
					if (wait === 0) break;
					// Jittered, so workers waiting on the same slot do not all ask at the same instant.
					await clock.sleep((wait > 0 ? wait : pollMs) + Math.random() * pollMs);
				}
				const mark = (fromNow: number) =>
					redis.scrmLimiterMark(key, id, cost, fromNow, limit.windowMs).catch(() => undefined);
				// A long request (an upload) keeps its slots; a dead worker's lapse within a lease.
				const renewal = setInterval(() => void mark(leaseMs), leaseMs / 3);
				renewal.unref();
				let released = false;
				return () => {
					if (released) return;
					released = true;
					clearInterval(renewal);
					// Lost if Redis is away: the slots then leave with their lease.
					void mark(0);
				};
			},
		} satisfies RateLimiter;
	};
}

/** One connection per Redis URL for the life of the process, shared by every limiter on it. */
const connections = new Map<string, ScriptRedis>();

function connection(url: string): ScriptRedis {
	let redis = connections.get(url);
	if (!redis) {
		// A request waits on its limiter: fail fast to the fallback rather than hold it. Failures
		// surface on the commands (and fall back).
		redis = connectRedis<LimiterCommands>(url, {
			commandTimeoutMs: 2000,
			scripts: {
				scrmLimiterAcquire: { numberOfKeys: 1, lua: ACQUIRE },
				scrmLimiterMark: { numberOfKeys: 1, lua: MARK },
			},
		});
		connections.set(url, redis);
	}
	return redis;
}

/** Closes the connections (tests, benchmarks); a later limiter opens a new one. */
export function closeRedisLimiters(): void {
	for (const redis of connections.values()) redis.disconnect();
	connections.clear();
}
