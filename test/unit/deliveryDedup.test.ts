import { deliveryKey, MemoryDeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import { RedisDeliveryDedupStore } from '../../lib/whatsapp/redisDeliveryDedup';
import { startRedisServer } from '../support/redisServer';
import type { RedisServer } from '../support/redisServer';

describe('MemoryDeliveryDedupStore', () => {
	it('claims a key once within the window and again after it', async () => {
		const store = new MemoryDeliveryDedupStore();
		expect(await store.claim(['a', 'b'], 1000, 0)).toEqual([true, true]);
		expect(await store.claim(['a', 'c'], 1000, 500)).toEqual([false, true]);
		expect(await store.claim(['a'], 1000, 1000)).toEqual([true]);
	});

	it('treats a key repeated inside one call as a duplicate', async () => {
		const store = new MemoryDeliveryDedupStore();
		expect(await store.claim(['x', 'x'], 1000, 0)).toEqual([true, false]);
	});

	it('forgets the oldest claims first when bounded', async () => {
		const store = new MemoryDeliveryDedupStore(2);
		await store.claim(['1', '2', '3'], 60_000, 0);
		expect(store.size).toBeLessThanOrEqual(3);
		await store.claim(['4'], 60_000, 1);
		expect(store.size).toBeLessThanOrEqual(2);
		expect(await store.claim(['4'], 60_000, 2)).toEqual([false]);
		expect(await store.claim(['1'], 60_000, 3)).toEqual([true]);
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
		const winners = keys.map((_, i) => Number(fromA[i]) + Number(fromB[i]));
		expect(winners.every((count) => count === 1)).toBe(true);
		expect(await a.claim([keys[0], 'new-key'], 60_000)).toEqual([false, true]);
	});

	it('forgets a claim when its window ends, so Redis does not grow without bound', async () => {
		const store = open('scrm:dedup:{waba}:ttl:');
		expect(await store.claim(['short'], 150)).toEqual([true]);
		expect(await store.claim(['short'], 150)).toEqual([false]);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(await store.claim(['short'], 150)).toEqual([true]);
	});

	it('keeps namespaces apart', async () => {
		expect(await open('scrm:dedup:{waba-1}:x:').claim(['same'], 60_000)).toEqual([true]);
		expect(await open('scrm:dedup:{waba-2}:x:').claim(['same'], 60_000)).toEqual([true]);
	});

	it('rejects, rather than guessing, when Redis is gone', async () => {
		const gone = await startRedisServer();
		const store = new RedisDeliveryDedupStore(gone.url);
		stores.push(store);
		expect(await store.claim(['k'], 60_000)).toEqual([true]);
		await gone.stop();
		await expect(store.claim(['k2'], 60_000)).rejects.toThrow();
	});
});
