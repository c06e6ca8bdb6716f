import { deliveryKey, MemoryDeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import type { DeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import { RedisDeliveryDedupStore } from '../../lib/whatsapp/redisDeliveryDedup';
import { startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';

/** What both stores promise about claims held until the run that emitted them settles. */
function inProgressClaims(open: () => DeliveryDedupStore, wait: (ms: number) => Promise<void>) {
	const held = (owner: string, forMs = 60_000) => ({ inProgress: { owner, forMs } });

	it('answers a repeat "in progress" while the run holds the claim, "handled" once it succeeded', async () => {
		const store = open();
		expect(await store.claim(['m1', 'm2'], 60_000, held('run-1'))).toEqual(['claimed', 'claimed']);
		expect(await store.claim(['m1'], 60_000, held('run-2'))).toEqual(['in-progress']);
		// A key repeated inside the owner's own delivery is a duplicate, not someone else's run.
		expect(await store.claim(['m3', 'm3'], 60_000, held('run-3'))).toEqual(['claimed', 'handled']);
		await store.settle(['m1', 'm2'], 'run-1', true, 60_000);
		expect(await store.claim(['m1', 'm2'], 60_000, held('run-2'))).toEqual(['handled', 'handled']);
	});

	it('claims nothing of a delivery when another run holds any of its events', async () => {
		const store = open();
		await store.claim(['b1'], 60_000, held('run-1'));
		await store.claim(['b0'], 60_000);
		expect(await store.claim(['b0', 'b1', 'b2'], 60_000, held('run-2'))).toEqual([
			'handled',
			'in-progress',
			'in-progress',
		]);
		// b2 was left free: once run 1 is done, the redelivery claims it.
		await store.settle(['b1'], 'run-1', true, 60_000);
		expect(await store.claim(['b0', 'b1', 'b2'], 60_000)).toEqual([
			'handled',
			'handled',
			'claimed',
		]);
	});

	it('forgets the claims of a failed run, so the redelivery runs again', async () => {
		const store = open();
		await store.claim(['f1'], 60_000, held('run-1'));
		await store.settle(['f1'], 'run-1', false, 60_000);
		expect(await store.claim(['f1'], 60_000, held('run-2'))).toEqual(['claimed']);
	});

	it('lets a claim whose run never settled (a killed worker) be claimed again after its processing window', async () => {
		const store = open();
		await store.claim(['lost'], 60_000, held('run-1', 150));
		expect(await store.claim(['lost'], 60_000, held('run-2', 150))).toEqual(['in-progress']);
		await wait(300);
		expect(await store.claim(['lost'], 60_000, held('run-2'))).toEqual(['claimed']);
		// The first run settling late changes nothing: the claim is no longer its own.
		await store.settle(['lost'], 'run-1', false, 60_000);
		expect(await store.claim(['lost'], 60_000, held('run-3'))).toEqual(['in-progress']);
	});
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('MemoryDeliveryDedupStore', () => {
	inProgressClaims(() => new MemoryDeliveryDedupStore(), sleep);

	it('claims a key once within the window and again after it', async () => {
		const store = new MemoryDeliveryDedupStore();
		expect(await store.claim(['a', 'b'], 1000, { now: 0 })).toEqual(['claimed', 'claimed']);
		expect(await store.claim(['a', 'c'], 1000, { now: 500 })).toEqual(['handled', 'claimed']);
		expect(await store.claim(['a'], 1000, { now: 1000 })).toEqual(['claimed']);
	});

	it('treats a key repeated inside one call as a duplicate', async () => {
		const store = new MemoryDeliveryDedupStore();
		expect(await store.claim(['x', 'x'], 1000, { now: 0 })).toEqual(['claimed', 'handled']);
	});

	it('forgets the oldest claims first when bounded', async () => {
		const store = new MemoryDeliveryDedupStore(2);
		await store.claim(['1', '2', '3'], 60_000, { now: 0 });
		expect(store.size).toBeLessThanOrEqual(3);
		await store.claim(['4'], 60_000, { now: 1 });
		expect(store.size).toBeLessThanOrEqual(2);
		expect(await store.claim(['4'], 60_000, { now: 2 })).toEqual(['handled']);
		expect(await store.claim(['1'], 60_000, { now: 3 })).toEqual(['claimed']);
	});

	it('keys statuses by message and status, so sent → delivered → read all pass', () => {
		expect(deliveryKey({ kind: 'message', id: 'wamid.1' })).toBe('message:wamid.1');
		expect(deliveryKey({ kind: 'status', id: 'wamid.1', status: 'sent' })).not.toBe(
			deliveryKey({ kind: 'status', id: 'wamid.1', status: 'read' }),
		);
	});
});

describe('RedisDeliveryDedupStore (queue mode)', () => {
	let redis: RedisServer;
	const stores: RedisDeliveryDedupStore[] = [];
	const open = (prefix = 'scrm:dedup:{waba}:wf:node:') => {
		const store = new RedisDeliveryDedupStore(redis.url, { keyPrefix: prefix });
		stores.push(store);
		return store;
	};

	beforeAll(async () => {
		redis = await startRedisServer();
	});
	afterAll(async () => {
		await Promise.all(stores.map((store) => store.close()));
		await redis?.stop();
	});

	it('claims each delivery once, across stores as separate processes would hold them', async () => {
		const a = open();
		const b = open();
		const keys = Array.from({ length: 200 }, (_, i) => `106540352242922:message:wamid.redis-${i}`);
		const [fromA, fromB] = await Promise.all([a.claim(keys, 60_000), b.claim(keys, 60_000)]);
		const winners = keys.map(
			(_, i) => Number(fromA[i] === 'claimed') + Number(fromB[i] === 'claimed'),
		);
		expect(winners.every((count) => count === 1)).toBe(true);
		expect(await a.claim([keys[0], 'new-key'], 60_000)).toEqual(['handled', 'claimed']);
	});

	it('forgets a claim when its window ends, so Redis does not grow without bound', async () => {
		const store = open('scrm:dedup:{waba}:ttl:');
		expect(await store.claim(['short'], 150)).toEqual(['claimed']);
		expect(await store.claim(['short'], 150)).toEqual(['handled']);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(await store.claim(['short'], 150)).toEqual(['claimed']);
	});

	it('keeps namespaces apart', async () => {
		expect(await open('scrm:dedup:{waba-1}:x:').claim(['same'], 60_000)).toEqual(['claimed']);
		expect(await open('scrm:dedup:{waba-2}:x:').claim(['same'], 60_000)).toEqual(['claimed']);
	});

	inProgressClaims(() => open(`scrm:dedup:{waba}:held-${stores.length}:`), sleep);

	it('rejects, rather than guessing, when Redis is gone', async () => {
		const gone = await startRedisServer();
		const store = new RedisDeliveryDedupStore(gone.url);
		stores.push(store);
		expect(await store.claim(['k'], 60_000)).toEqual(['claimed']);
		await gone.stop();
		await expect(store.claim(['k2'], 60_000)).rejects.toThrow();
	});
});
