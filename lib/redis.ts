/**
 * The one way this package opens a Redis connection (quota ledger, CRM rate limits, the trigger's
 * delivery claims, the credential test). Every user fails fast rather than hold an n8n execution
 * or Meta's webhook: a short connect timeout, one retry per command, a bounded command time, and
 * a quick let-go on close. Options: https://github.com/redis/ioredis/blob/main/lib/redis/RedisOptions.ts
 */
import Redis from 'ioredis';

export interface RedisConnectionOptions {
	/** Connect at the first command instead of at once. Default false. */
	lazyConnect?: boolean;
	/** How long connecting may take (ms). Default 2 s. */
	connectTimeoutMs?: number;
	/** How long one command may wait for its answer (ms). Default: no limit. */
	commandTimeoutMs?: number;
	/** Reconnection attempts a command waits through before it fails. Default 1. */
	retriesPerRequest?: number;
	/** Milliseconds before reconnection attempt N, or null to stop. Default ioredis's own. */
	retryStrategy?: (attempt: number) => number | null;
	/** Lua scripts defined as commands on the connection, by command name. */
	scripts?: Record<string, { lua: string; numberOfKeys?: number }>;
	/**
	 * Connection errors; they also surface on the commands that fail. Default: ignored, since
	 * without a listener ioredis prints every reconnection attempt.
	 */
	onError?: (error: Error) => void;
}

/** Reconnects in the background, 100 ms more a try, at most every 2 s. */
export const steadyReconnect = (attempt: number): number => Math.min(attempt * 100, 2000);

/** A connection to the Redis at `url`, with the commands named in `scripts`. */
export function connectRedis<Commands extends object = object>(
	url: string,
	options: RedisConnectionOptions = {},
): Redis & Commands {
	const redis = new Redis(url, {
		lazyConnect: options.lazyConnect ?? false,
		connectTimeout: options.connectTimeoutMs ?? 2000,
		maxRetriesPerRequest: options.retriesPerRequest ?? 1,
		...(options.commandTimeoutMs !== undefined && { commandTimeout: options.commandTimeoutMs }),
		...(options.retryStrategy && { retryStrategy: options.retryStrategy }),
		// Closing a connection that already dropped otherwise waits 2 s before letting go.
		disconnectTimeout: 200,
	}) as Redis & Commands;
	for (const [name, script] of Object.entries(options.scripts ?? {}))
		redis.defineCommand(name, script);
	redis.on('error', options.onError ?? (() => undefined));
	return redis;
}

/** "Redis at host:port" for messages; never the password a URL can hold. */
export function describeRedisUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `Redis at ${parsed.hostname}:${parsed.port || '6379'}`;
	} catch {
		return 'Redis';
	}
}
