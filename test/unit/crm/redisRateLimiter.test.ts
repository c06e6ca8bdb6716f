/**
 * The CRM rate limits kept in Redis (queue mode): limiters made in different places for the same
 * account wait on one window, as n8n workers in separate processes do (the window lives in Redis,
 * so how many connections reach it does not change what it admits).
 */
import { closeRedisLimiters, redisLimiters } from '../../../lib/crm/redisRateLimiter';
import type { RateLimiter } from '../../../lib/crm/http';
import { startRedisServer } from '../../../devkit/servers/redisServer';
import type { RedisServer } from '../../../devkit/servers/redisServer';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
beforeAll(async () => {
	redis = await startRedisServer();
});
afterAll(async () => {
	closeRedisLimiters();
	await redis?.stop();
});

/** Sends `count` requests through the limiter, each taking `holdMs`; returns when each was admitted and answered. */
async function requests(
	limiter: RateLimiter,
	count: number,
	holdMs: number,
): Promise<Array<{ admitted: number; answered: number }>> {
	return Promise.all(
		Array.from({ length: count }, async () => {
			const release = await limiter.acquire();
			const admitted = Date.now();
			await sleep(holdMs);
			release();
			return { admitted, answered: Date.now() };
		}),
	);
}

it('keeps three workers together within one rolling window', async () => {
	const limit = { max: 10, windowMs: 400 };
	// Three "workers", each with its own limiter for the same account and limit.
	const workers = [0, 1, 2].map(() =>
		redisLimiters(redis.url)('hubspot|https://api.example|acct|app', limit),
	);
	const runs = (await Promise.all(workers.map((limiter) => requests(limiter, 12, 5)))).flat();
	expect(runs).toHaveLength(36);
	const admitted = runs.map((run) => run.admitted).sort((a, b) => a - b);
	// The CRM counts arrivals: no window (less a margin for the two clocks' readings) saw more than max.
	const busiest = Math.max(
		...admitted.map(
			(start) => admitted.filter((at) => at >= start && at < start + limit.windowMs - 25).length,
		),
	);
	expect(busiest).toBeLessThanOrEqual(limit.max);
	// 36 requests at 10 per window: at least three windows passed, so the limit did hold them back.
	expect(admitted[admitted.length - 1] - admitted[0]).toBeGreaterThanOrEqual(
		3 * limit.windowMs - 50,
	);
});

it('keeps the concurrency across workers (Zoho counts requests in flight)', async () => {
	const limit = { max: Number.MAX_SAFE_INTEGER, windowMs: 1, concurrency: 3 };
	const workers = [0, 1].map(() =>
		redisLimiters(redis.url)('zoho|https://zoho.example|enterprise', limit),
	);
	const runs = (await Promise.all(workers.map((limiter) => requests(limiter, 10, 40)))).flat();
	const mostInFlight = Math.max(
		...runs.map(
			(run) =>
				runs.filter((other) => other.admitted <= run.admitted && other.answered > run.admitted)
					.length,
		),
	);
	expect(mostInFlight).toBeLessThanOrEqual(3);
});

it("keeps the slot of a request that outlasts its lease, and frees a dead worker's after the lease", async () => {
	const limit = { max: 1, windowMs: 100 };
	// A slow request (an upload) renews its lease: nobody else gets in before it answers.
	const slow = await redisLimiters(redis.url, { leaseMs: 300 })('hubspot|renewal|app', limit);
	const holding = await slow.acquire();
	const other = redisLimiters(redis.url, { leaseMs: 300 })('hubspot|renewal|app', limit).acquire();
	const outcome = await Promise.race([
		other.then(() => 'admitted'),
		sleep(900).then(() => 'waiting'),
	]);
	expect(outcome).toBe('waiting');
	holding();
	(await other)();

	// A worker that dies mid-request stops renewing: its slot lapses after the lease.
	await redisLimiters(redis.url, { leaseMs: 300 })('hubspot|lease|app', limit).acquire();
	closeRedisLimiters(); // the "worker" and its connection are gone
	const asked = Date.now();
	const release = await redisLimiters(redis.url, { leaseMs: 300 })(
		'hubspot|lease|app',
		limit,
	).acquire();
	release();
	expect(Date.now() - asked).toBeGreaterThanOrEqual(250);
});

it('keeps accounts and limits apart', async () => {
	const limiters = redisLimiters(redis.url);
	await limiters('hubspot|account-a|app', { max: 1, windowMs: 60_000 }).acquire();
	// Another account, or the same account's other limit, is not held up by it.
	await expect(
		Promise.race([
			limiters('hubspot|account-b|app', { max: 1, windowMs: 60_000 })
				.acquire()
				.then(() => 'admitted'),
			sleep(1000).then(() => 'waiting'),
		]),
	).resolves.toBe('admitted');
	await expect(
		Promise.race([
			limiters('hubspot|account-a|search', { max: 1, windowMs: 60_000 })
				.acquire()
				.then(() => 'admitted'),
			sleep(1000).then(() => 'waiting'),
		]),
	).resolves.toBe('admitted');
});

it('falls back to pacing in this process when Redis cannot be reached, instead of failing the request', async () => {
	const gone = await startRedisServer();
	const limiters = redisLimiters(gone.url);
	await gone.stop();
	const limit = { max: 1, windowMs: 300 };
	const first = await limiters('hubspot|unreachable|app', limit).acquire();
	first();
	const released = Date.now();
	// Still paced, by this process's own limiter: the second request waits out the window.
	(await limiters('hubspot|unreachable|app', limit).acquire())();
	expect(Date.now() - released).toBeGreaterThanOrEqual(250);
});
