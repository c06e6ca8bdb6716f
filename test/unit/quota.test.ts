import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createQuotaGuard } from '../../lib/quota';
import type { QuotaGuardOptions, QuotaRequest } from '../../lib/quota';

const PN = '106540352242922';
const HK = '+85291234567';
const TW = '+886912345678';
// 2026-11-23 03:00 UTC = 11:00 in Hong Kong and Taipei: outside quiet hours.
const T0 = Date.UTC(2026, 10, 23, 3, 0, 0);
const H = 3_600_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-quota-'));
let files = 0;
const stores: Array<[string, () => QuotaGuardOptions['store']]> = [
	['memory', () => ({ type: 'memory' })],
	['file', () => ({ type: 'file', path: path.join(dir, `ledger-${++files}.json`) })],
];

const marketing = (to: string, now: number, extra: Partial<QuotaRequest> = {}): QuotaRequest => ({
	phoneNumberId: PN,
	to,
	category: 'marketing',
	template: 'spring_sale',
	now,
	...extra,
});

describe.each(stores)('quota guard on the %s store', (_, store) => {
	const guard = (rules: QuotaGuardOptions['rules'] = {}) => createQuotaGuard({ store: store(), rules: { quietHours: false, ...rules } });

	it('allows free-form text only inside the customer-service window', async () => {
		const g = guard();
		const text = { phoneNumberId: PN, to: HK, category: 'service' as const, freeForm: true, now: T0 };
		expect(await g.reserve(text)).toMatchObject({ allowed: false, rule: 'window', retryAt: null, reason: expect.stringMatching(/only a template/) });
		await g.recordInbound(PN, HK, T0 - 23 * H);
		expect(await g.reserve(text)).toMatchObject({ allowed: true });
		expect(await g.reserve({ ...text, to: TW })).toMatchObject({ allowed: false, rule: 'window' });
	});

	it('counts unique customers reached outside a window toward the messaging limit', async () => {
		const g = guard({ messagingLimit: 2 });
		expect(await g.reserve(marketing(HK, T0))).toMatchObject({ allowed: true });
		expect(await g.reserve(marketing(TW, T0 + 1))).toMatchObject({ allowed: true });
		const third = await g.reserve(marketing('+66812345678', T0 + 2));
		expect(third).toMatchObject({ allowed: false, rule: 'messagingLimit', retryAt: T0 + 24 * H });
		// A customer who wrote in the last 24 h is in a window: messaging them does not count.
		await g.recordInbound(PN, '+79123456789', T0);
		expect(await g.reserve(marketing('+79123456789', T0 + 3, { category: 'utility' }))).toMatchObject({ allowed: true });
		expect(await g.usage(PN, T0 + 4)).toEqual({ uniqueCustomers24h: 2, messagingLimit: 2, headroomReached: true });
	});

	it('caps marketing per customer and the same template per month', async () => {
		const g = guard();
		expect(await g.reserve(marketing(HK, T0))).toMatchObject({ allowed: true });
		expect(await g.reserve(marketing(HK, T0 + 60_000))).toMatchObject({ allowed: false, rule: 'frequency', retryAt: T0 + 24 * H });
		// Five utility sends of one template in 30 days, spread out; the sixth waits for the first to age out.
		const u = createQuotaGuard({ store: store(), rules: { quietHours: false } });
		for (let day = 0; day < 5; day++) {
			const sent = await u.reserve(marketing(TW, T0 + day * 24 * H, { category: 'utility', template: 'order_update' }));
			expect(sent).toMatchObject({ allowed: true });
			if (sent.allowed) await u.commit(sent.reservationId, { messageId: `wamid.${day}` });
		}
		expect(await u.reserve(marketing(TW, T0 + 5 * 24 * H, { category: 'utility', template: 'order_update' }))).toMatchObject({
			allowed: false,
			rule: 'frequency',
			retryAt: T0 + 30 * 24 * H,
		});
	});

	it('keeps the same service event 6 h apart and messages to one customer 6 s apart', async () => {
		const g = guard();
		await g.recordInbound(PN, HK, T0);
		const event = { phoneNumberId: PN, to: HK, category: 'utility' as const, event: 'order-42:shipped', now: T0 };
		expect(await g.reserve(event)).toMatchObject({ allowed: true });
		expect(await g.reserve({ ...event, now: T0 + 2000, event: 'order-43:shipped' })).toMatchObject({ allowed: false, rule: 'pairRate', retryAt: T0 + 6000 });
		expect(await g.reserve({ ...event, now: T0 + 7000 })).toMatchObject({ allowed: false, rule: 'frequency', retryAt: T0 + 6 * H });
		expect(await g.reserve({ ...event, now: T0 + 7000, event: 'order-43:shipped' })).toMatchObject({ allowed: true });
	});

	it('paces the throughput of a number, shared between callers', async () => {
		const g = guard({ throughputPerSecond: 3, messagingLimit: 0 });
		const results = await Promise.all(['+85291234561', '+85291234562', '+85291234563', '+85291234564'].map((to) => g.reserve(marketing(to, T0))));
		const spacing = 1000 / (3 * 0.96);
		const allowed = results.filter((r): r is Extract<typeof r, { allowed: true }> => r.allowed);
		// Evenly spaced slots, a little under the limit so network jitter cannot exceed it.
		expect(allowed.map((r) => r.sendAt - T0)).toEqual([0, spacing, 2 * spacing].map((ms) => expect.closeTo(ms, 2)));
		const refused = results.find((r) => !r.allowed);
		expect(refused).toMatchObject({ rule: 'throughput' });
		expect((refused as { retryAt: number }).retryAt - T0).toBeCloseTo(3 * spacing - 1000, 2);
	});

	it('never sends marketing to opted-out customers and pauses after an agent replied', async () => {
		const g = guard();
		await g.recordOptOut(PN, HK, T0);
		expect(await g.reserve(marketing(HK, T0))).toMatchObject({ allowed: false, rule: 'optOut', retryAt: null });
		await g.recordInbound(PN, TW, T0);
		await g.recordAgentReply(PN, TW, T0);
		expect(await g.reserve({ phoneNumberId: PN, to: TW, category: 'service', freeForm: true, now: T0 + H })).toMatchObject({
			allowed: false,
			rule: 'humanTakeover',
			retryAt: T0 + 12 * H,
		});
	});

	it("defers marketing in the customer's quiet hours until they end", async () => {
		const g = createQuotaGuard({ store: store() });
		// 14:30 UTC is 22:30 in Hong Kong: quiet until 09:00 there, 01:00 UTC the next day.
		const late = Date.UTC(2026, 10, 23, 14, 30);
		expect(await g.reserve(marketing(HK, late))).toMatchObject({ allowed: false, rule: 'quietHours', retryAt: Date.UTC(2026, 10, 24, 1, 0) });
		// The same moment is 17:30 in Moscow: fine there.
		expect(await g.reserve(marketing('+79123456789', late))).toMatchObject({ allowed: true });
	});

	it('frees what a released or expired reservation held', async () => {
		const g = createQuotaGuard({ store: store(), rules: { messagingLimit: 1, quietHours: false }, reservationTtlMs: 1000 });
		const first = await g.reserve(marketing(HK, T0));
		expect(first.allowed).toBe(true);
		expect(await g.reserve(marketing(TW, T0))).toMatchObject({ allowed: false, rule: 'messagingLimit' });
		if (first.allowed) await g.release(first.reservationId);
		const second = await g.reserve(marketing(TW, T0 + 1));
		expect(second.allowed).toBe(true);
		// Never committed: after its time-to-live the quota comes back.
		expect(await g.reserve(marketing(HK, T0 + 2000))).toMatchObject({ allowed: true });
	});

	it('keeps a committed send', async () => {
		const g = createQuotaGuard({ store: store(), rules: { messagingLimit: 1, quietHours: false }, reservationTtlMs: 1000 });
		const first = await g.reserve(marketing(HK, T0));
		if (first.allowed) await g.commit(first.reservationId, { messageId: 'wamid.1' });
		expect(await g.reserve(marketing(TW, T0 + 5000))).toMatchObject({ allowed: false, rule: 'messagingLimit' });
	});

	it('never exceeds a limit under concurrent reservations', async () => {
		const g = guard({ messagingLimit: 50, throughputPerSecond: 0 });
		const results = await Promise.all(
			Array.from({ length: 200 }, (_, i) => g.reserve(marketing(`+8529${String(1000000 + i).slice(1)}0`, T0))),
		);
		expect(results.filter((r) => r.allowed)).toHaveLength(50);
	});
});

describe('store choice', () => {
	it('refuses a store it does not have instead of falling back to another', () => {
		expect(() => createQuotaGuard({ store: { type: 'redis', url: 'redis://127.0.0.1:6379' } as never })).toThrow(/not available/);
		expect(() => createQuotaGuard({ store: { type: 'file' } as never })).toThrow(/needs a path/);
	});
});

describe('file store', () => {
	it('remembers across a restart', async () => {
		const file = path.join(dir, 'restart.json');
		const before = createQuotaGuard({ store: { type: 'file', path: file }, rules: { quietHours: false } });
		const sent = await before.reserve(marketing(HK, T0));
		if (sent.allowed) await before.commit(sent.reservationId, { messageId: 'wamid.r' });
		await before.close();
		const after = createQuotaGuard({ store: { type: 'file', path: file }, rules: { quietHours: false } });
		expect(await after.reserve(marketing(HK, T0 + H))).toMatchObject({ allowed: false, rule: 'frequency' });
	});

	it('fails closed when the ledger cannot be written', async () => {
		const blocker = path.join(dir, 'not-a-folder');
		fs.writeFileSync(blocker, 'x');
		const g = createQuotaGuard({ store: { type: 'file', path: path.join(blocker, 'ledger.json') } });
		expect(await g.reserve(marketing(HK, T0))).toMatchObject({ allowed: false, rule: 'store', reason: expect.stringMatching(/nothing sent/), retryAt: T0 + 60_000 });
	});
});
