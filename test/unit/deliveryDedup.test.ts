import { deliveryKey, MemoryDeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';

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
