/**
 * The ledger in Redis, shared by every process (n8n's queue mode: a main process and workers).
 *
 * Atomicity is optimistic, like WATCH/MULTI/EXEC but with scripts on one shared connection:
 * 1. a Lua script reads the slice and the phone number's version in one atomic step;
 * 2. the rules decide in JavaScript (the same code as for the other stores);
 * 3. a second Lua script writes only if the version is unchanged, and bumps it.
 * Redis runs a script without interleaving anything else, so the check and the writes are one step;
 * if another process wrote in between, the step is read and decided again. Steps for one number
 * queue inside a process, so only processes compete. A step that changes nothing writes nothing.
 *
 * Keys: `scrm:quota:{<phoneNumberId>}:…`; the braces are a Redis Cluster hash tag, so one number's
 * keys live together. A number in a business portfolio counts reached customers in the portfolio's
 * `scrm:quota:{portfolio:<id>}:reached` (and its version `…:v`), shared by the portfolio's numbers:
 * those steps touch two hash slots, which one Redis server (not Cluster) runs as one script. Every key carries a TTL: customers for the rules' lookback after their last
 * event (opt-outs excepted: they are kept until withdrawn), the reached set 25 h, slots 1 h.
 */
import type Redis from 'ioredis';

import { sleep } from '../../clock';
import { connectRedis, describeRedisUrl, steadyReconnect } from '../../redis';

import type { CustomerRecord, Reservation, Slice, SliceQuery, Writes } from '../ledger';
import {
	cloneSlice,
	customerKeepUntil,
	diffSlice,
	hasWrites,
	MAX_EXPIRED_PER_STEP,
	reachWindowStart,
} from '../ledger';
import { HOUR, LIMIT_WINDOW_MS } from '../config';
import type { QuotaStore } from './store';
import { Queue, QuotaStoreError, storeError } from './store';

export interface RedisStoreOptions {
	lookbackMs: number;
	/** Default `scrm:quota:`. */
	keyPrefix?: string;
	/** How long one step may keep losing races or waiting for Redis before it fails closed (default 10 s). */
	stepTimeoutMs?: number;
}

/** Reads: version, reached count, when the limit frees, slots, reservations (asked + expired) and their customers. */
const LOAD = `
local nc = tonumber(ARGV[7])
local version = redis.call('GET', KEYS[1]) or '0'
local pversion = redis.call('GET', KEYS[6]) or '0'
local limit = tonumber(ARGV[4])
local count = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf')
local frees = false
if limit > 0 and count >= limit then
	frees = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[3], '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)[2]
end
local slots = redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[5], '+inf', 'WITHSCORES')
local expired = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[6]))
local ids, asked = {}, {}
for _, id in ipairs(expired) do ids[#ids + 1] = id end
for i = 9 + nc, #ARGV do ids[#ids + 1] = ARGV[i]; asked[ARGV[i]] = true end
local seen, names, reservations = {}, {}, {}
for i = 9, 8 + nc do
	if not seen[ARGV[i]] then seen[ARGV[i]] = true; names[#names + 1] = ARGV[i] end
end
local seenIds = {}
for _, id in ipairs(ids) do
	local json = (not seenIds[id]) and redis.call('HGET', KEYS[4], id)
	seenIds[id] = true
	-- An expired reservation is given back only by a step on its own portfolio's count.
	if json and not asked[id] and (cjson.decode(json).portfolioId or '') ~= ARGV[8] then json = false end
	if json then
		reservations[#reservations + 1] = id
		reservations[#reservations + 1] = json
		local to = cjson.decode(json).to
		if not seen[to] then seen[to] = true; names[#names + 1] = to end
	end
end
local customers = {}
for _, name in ipairs(names) do
	customers[#customers + 1] = name
	customers[#customers + 1] = redis.call('GET', ARGV[1] .. name)
	customers[#customers + 1] = redis.call('ZSCORE', KEYS[2], name)
end
return { version, count, frees, slots, reservations, customers, pversion }
`;

/**
 * Writes if the number's version is still the one read and, when the step changes who was reached,
 * the reached count's version too (a portfolio's count is shared by its numbers); '' deletes.
 * Returns 1 when written, 0 on a conflict.
 */
const SAVE = `
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[2] then return 0 end
local touchesReach = ARGV[8] ~= '-'
if touchesReach and (redis.call('GET', KEYS[6]) or '0') ~= ARGV[8] then return 0 end
local i = 9
local n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
	local key, json, ttl = ARGV[1] .. ARGV[i], ARGV[i + 1], ARGV[i + 2]
	if json == '' then redis.call('DEL', key)
	elseif ttl == '0' then redis.call('SET', key, json)
	else redis.call('SET', key, json, 'PX', ttl) end
	i = i + 3
end
for k = 2, 3 do
	n = tonumber(ARGV[i]); i = i + 1
	for _ = 1, n do
		if ARGV[i + 1] == '' then redis.call('ZREM', KEYS[k], ARGV[i]) else redis.call('ZADD', KEYS[k], ARGV[i + 1], ARGV[i]) end
		i = i + 2
	end
end
n = tonumber(ARGV[i]); i = i + 1
for _ = 1, n do
	if ARGV[i + 1] == '' then
		redis.call('HDEL', KEYS[4], ARGV[i])
		redis.call('ZREM', KEYS[5], ARGV[i])
	else
		redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
		redis.call('ZADD', KEYS[5], ARGV[i + 2], ARGV[i])
	end
	i = i + 3
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
if touchesReach and KEYS[6] ~= KEYS[1] then
	redis.call('INCR', KEYS[6])
	redis.call('PEXPIRE', KEYS[6], ARGV[5])
end
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
redis.call('PEXPIRE', KEYS[5], ARGV[7])
return 1
`;

type LoadReply = [string, number, string | null, string[], string[], Array<string | null>, string];

interface QuotaCommands {
	scrmQuotaLoad(...args: Array<string | number>): Promise<LoadReply>;
	scrmQuotaSave(...args: Array<string | number>): Promise<number>;
}

const KEYS = ['v', 'reached', 'slots', 'reservations', 'expiries'];

/**
 * The keys of one step: the number's, but the reached set and its version are the portfolio's when
 * the step has one (`{portfolio:<id>}:reached`, `{portfolio:<id>}:v`), else the number's own.
 */
function stepKeys(keyPrefix: string, query: SliceQuery): { prefix: string; keys: string[] } {
	const prefix = `${keyPrefix}{${query.phoneNumberId}}:`;
	const keys = KEYS.map((key) => prefix + key);
	if (query.portfolioId) {
		const portfolio = `${keyPrefix}{portfolio:${query.portfolioId}}:`;
		keys[1] = `${portfolio}reached`;
		keys.push(`${portfolio}v`);
	} else keys.push(keys[0]);
	return { prefix, keys };
}
/** Reach times kept past 24 h and slots kept past the last that matters, for clocks a little apart. */
const PRUNE_MARGIN_MS = HOUR;
const SLOT_MARGIN_MS = 10_000;

export class RedisQuotaStore implements QuotaStore {
	private readonly redis: Redis & QuotaCommands;
	private readonly queues = new Map<string, Queue>();
	private readonly keyPrefix: string;
	private readonly stepTimeoutMs: number;
	private readonly where: string;
	private lastError: Error | undefined;

	constructor(
		url: string,
		private readonly options: RedisStoreOptions,
	) {
		this.keyPrefix = options.keyPrefix ?? 'scrm:quota:';
		this.stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
		this.where = describeRedisUrl(url);
		// A command that cannot reach Redis fails after one reconnection attempt: the guard defers
		// (fails closed) instead of holding the caller; reconnection goes on in the background. The
		// guard reports connection errors (lastError) instead of ioredis printing them.
		this.redis = connectRedis<QuotaCommands>(url, {
			lazyConnect: true,
			commandTimeoutMs: 5000,
			retryStrategy: steadyReconnect,
			scripts: {
				scrmQuotaLoad: { numberOfKeys: KEYS.length + 1, lua: LOAD },
				scrmQuotaSave: { numberOfKeys: KEYS.length + 1, lua: SAVE },
			},
			onError: (error) => (this.lastError = error),
		});
	}

	transact<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T> {
		let queue = this.queues.get(query.phoneNumberId);
		if (!queue) this.queues.set(query.phoneNumberId, (queue = new Queue()));
		return queue.run(() => this.optimistic(query, step));
	}

	async close(): Promise<void> {
		await Promise.all([...this.queues.values()].map((queue) => queue.run(async () => undefined)));
		// QUIT would wait in the offline queue of a connection that is not up.
		if (this.redis.status !== 'ready') return this.redis.disconnect();
		await this.redis.quit().catch(() => this.redis.disconnect());
	}

	private async optimistic<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T> {
		const deadline = Date.now() + this.stepTimeoutMs;
		const { prefix, keys } = stepKeys(this.keyPrefix, query);
		for (let attempt = 1; ; attempt++) {
			const { slice, version, reachVersion } = await this.call(() =>
				this.load(prefix, keys, query),
			);
			const loaded = cloneSlice(slice);
			const result = step(slice);
			const writes = diffSlice(loaded, slice);
			if (!hasWrites(writes)) return result;
			const touchesReach = Object.keys(writes.reached).length > 0;
			if (
				await this.call(() =>
					this.save(prefix, keys, query, version, touchesReach ? reachVersion : '-', writes),
				)
			)
				return result;
			if (Date.now() > deadline) {
				throw new QuotaStoreError(
					`${this.where}: gave up after ${attempt} attempts, other processes kept changing the ledger of ${query.phoneNumberId}`,
				);
			}
			// Lost a race: a short random pause keeps competing processes from colliding again in step.
			if (attempt > 2) await sleep(Math.random() * Math.min(attempt, 20));
		}
	}

	private async call<T>(operation: () => Promise<T>): Promise<T> {
		try {
			return await operation();
		} catch (error) {
			// "max retries reached" says less than the connection error behind it.
			const disconnected = this.redis.status !== 'ready' && this.lastError;
			throw storeError(this.where, disconnected || error);
		}
	}

	private async load(
		prefix: string,
		keys: string[],
		query: SliceQuery,
	): Promise<{ slice: Slice; version: string; reachVersion: string }> {
		const since = reachWindowStart(query.now);
		const [version, count, frees, slots, reservations, customers, reachVersion] =
			await this.redis.scrmQuotaLoad(
				...keys,
				`${prefix}c:`,
				String(query.now),
				String(since),
				String(query.messagingLimit),
				String(query.slotsFrom),
				String(MAX_EXPIRED_PER_STEP),
				String(query.customers.length),
				query.portfolioId ?? '',
				...query.customers,
				...query.reservations,
			);
		const slice: Slice = {
			customers: {},
			reached: {},
			reachedCount: Number(count),
			slots: {},
			reservations: {},
		};
		if (frees !== null) slice.limitFreesAt = Number(frees) + LIMIT_WINDOW_MS;
		for (let i = 0; i < slots.length; i += 2) slice.slots[slots[i]] = Number(slots[i + 1]);
		for (let i = 0; i < reservations.length; i += 2)
			slice.reservations[reservations[i]] = JSON.parse(reservations[i + 1]) as Reservation;
		for (let i = 0; i < customers.length; i += 3) {
			const [name, record, reachedAt] = [
				customers[i] as string,
				customers[i + 1],
				customers[i + 2],
			];
			if (record !== null) slice.customers[name] = JSON.parse(record) as CustomerRecord;
			if (reachedAt !== null && Number(reachedAt) > since) slice.reached[name] = Number(reachedAt);
		}
		return { slice, version, reachVersion };
	}

	private async save(
		prefix: string,
		keys: string[],
		query: SliceQuery,
		version: string,
		reachVersion: string,
		writes: Writes,
	): Promise<boolean> {
		const lookback = this.options.lookbackMs;
		const args: string[] = [
			`${prefix}c:`,
			version,
			String(reachWindowStart(query.now) - PRUNE_MARGIN_MS),
			String(query.slotsFrom - SLOT_MARGIN_MS),
			String(LIMIT_WINDOW_MS + PRUNE_MARGIN_MS),
			String(HOUR),
			String(Math.ceil(lookback + PRUNE_MARGIN_MS)),
			reachVersion,
		];
		const customers = Object.entries(writes.customers);
		args.push(String(customers.length));
		for (const [name, record] of customers) {
			if (!record) {
				args.push(name, '', '0');
				continue;
			}
			const keepUntil = customerKeepUntil(record, lookback);
			// Times are the ledger's own (callers may pass `now`): TTLs are relative to it.
			args.push(
				name,
				JSON.stringify(record),
				keepUntil === undefined ? '0' : String(Math.max(1000, Math.ceil(keepUntil - query.now))),
			);
		}
		for (const part of [writes.reached, writes.slots]) {
			const entries = Object.entries(part);
			args.push(String(entries.length));
			for (const [member, at] of entries) args.push(member, at === null ? '' : String(at));
		}
		const reservations = Object.entries(writes.reservations);
		args.push(String(reservations.length));
		for (const [id, reservation] of reservations) {
			args.push(
				id,
				reservation ? JSON.stringify(reservation) : '',
				reservation ? String(reservation.expiresAt) : '0',
			);
		}
		return (await this.redis.scrmQuotaSave(...keys, ...args)) === 1;
	}
}
