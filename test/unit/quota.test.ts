/**
 * The quota guard's behaviour, written once and run against every store (memory, file, Redis):
 * each rule allows and denies with its reason and retryAt, reservations are released, committed
 * and expire, and concurrent reservations never exceed a limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Redis from 'ioredis';
import { DateTime } from 'luxon';

import { createQuotaGuard } from '../../lib/quota';
import type {
	QuotaGuard,
	QuotaGuardOptions,
	QuotaRequest,
	ReserveResult,
	StoreOptions,
} from '../../lib/quota';
import { kthSmallest } from '../../lib/quota/stores/document';
import { FileQuotaStore } from '../../lib/quota/stores/file';
import { knownTimeZoneCountries, timeZoneOf } from '../../lib/quota/timeZones';
import { freePort, startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';

const PN = '106540352242922';
const HK = '+85291234567';
const TW = '+886912345678';
const TH = '+66812345678';
const RU = '+79123456789';
// 2026-11-23 03:00 UTC = 11:00 in Hong Kong and Taipei: outside quiet hours.
const T0 = Date.UTC(2026, 10, 23, 3, 0, 0);
const H = 3_600_000;
const DAY = 24 * H;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-quota-'));
let redisServer: RedisServer | undefined;
let ledgers = 0;

interface StoreCase {
	name: string;
	durable: boolean;
	setup?: () => Promise<void>;
	teardown?: () => Promise<void>;
	/** A new, empty ledger each call. */
	fresh: () => StoreOptions;
}

const STORES: StoreCase[] = [
	{ name: 'memory', durable: false, fresh: () => ({ type: 'memory' }) },
	{
		name: 'file',
		durable: true,
		fresh: () => ({ type: 'file', path: path.join(dir, `ledger-${++ledgers}.json`) }),
	},
	{
		name: 'sqlite',
		durable: true,
		fresh: () => ({ type: 'sqlite', path: path.join(dir, `ledger-${++ledgers}.sqlite`) }),
	},
	{
		name: 'redis',
		durable: true,
		setup: async () => void (redisServer = await startRedisServer()),
		teardown: async () => redisServer?.stop(),
		fresh: () => {
			if (!redisServer) throw new Error('redis-server did not start (see the first failure)');
			return { type: 'redis', url: redisServer.url, keyPrefix: `test${++ledgers}:scrm:quota:` };
		},
	},
];

const marketing = (to: string, now: number, extra: Partial<QuotaRequest> = {}): QuotaRequest => ({
	phoneNumberId: PN,
	to,
	category: 'marketing',
	template: 'spring_sale',
	now,
	...extra,
});

const allowed = (result: ReserveResult) => {
	if (!result.allowed) throw new Error(`expected allowed, got ${result.rule}: ${result.reason}`);
	return result;
};

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The file store's current ledger: its highest generation (`<path>.gen-<n>`). */
function currentGeneration(file: string): string {
	const prefix = `${path.basename(file)}.gen-`;
	const generations = fs
		.readdirSync(path.dirname(file))
		.filter((name) => name.startsWith(prefix))
		.map((name) => Number(name.slice(prefix.length)))
		.sort((a, b) => b - a);
	if (generations.length === 0) throw new Error(`no generation of ${file}`);
	return `${file}.gen-${generations[0]}`;
}

describe.each(STORES)('quota guard on the $name store', (store) => {
	const open: QuotaGuard[] = [];
	let clock = T0;

	/** Quiet hours off unless a test is about them; the guard's clock is the test's. */
	const guard = (
		rules: QuotaGuardOptions['rules'] = {},
		options: Partial<QuotaGuardOptions> = {},
	) => {
		const g = createQuotaGuard({
			store: store.fresh(),
			rules: { quietHours: false, ...rules },
			clock: () => clock,
			...options,
		});
		open.push(g);
		return g;
	};

	beforeAll(async () => store.setup?.());
	afterAll(async () => store.teardown?.());
	beforeEach(() => (clock = T0));
	afterEach(async () => {
		await Promise.all(open.splice(0).map((g) => g.close()));
	});

	describe('window', () => {
		it('allows free-form messages only within the service window; templates go any time', async () => {
			const g = guard();
			const text = {
				phoneNumberId: PN,
				to: HK,
				category: 'service' as const,
				freeForm: true,
				now: T0,
			};
			expect(await g.reserve(text)).toEqual({
				allowed: false,
				rule: 'window',
				reason:
					'No message from the customer in the last 24 h (the customer-service window): only a template can be sent',
				retryAt: null,
			});
			await g.recordInbound(PN, HK, T0 - 23 * H);
			allowed(await g.reserve(text));
			expect(await g.reserve({ ...text, to: TW })).toMatchObject({
				allowed: false,
				rule: 'window',
				retryAt: null,
			});
			allowed(await g.reserve(marketing(TW, T0, { category: 'utility' })));
		});

		it('says never when another rule would hold a free-form message until its window has closed', async () => {
			const g = guard();
			await g.recordInbound(PN, HK, T0 - DAY + 3000);
			const text = { phoneNumberId: PN, to: HK, category: 'service' as const, freeForm: true };
			allowed(await g.reserve({ ...text, now: T0 }));
			// The pair rate holds it until T0 + 6 s, but the window closes at T0 + 3 s.
			expect(await g.reserve({ ...text, now: T0 + 1000 })).toEqual({
				allowed: false,
				rule: 'window',
				reason:
					'The customer-service window closes before the other rules let this message go: only a template can be sent then',
				retryAt: null,
			});
		});

		it('can be switched off', async () => {
			const g = guard({ windowHours: 0 });
			allowed(
				await g.reserve({
					phoneNumberId: PN,
					to: HK,
					category: 'service',
					freeForm: true,
					now: T0,
				}),
			);
		});
	});

	describe('messagingLimit', () => {
		it('counts unique customers reached outside a window over a rolling 24 h', async () => {
			const g = guard({ messagingLimit: 2 });
			for (const [to, now] of [
				[HK, T0],
				[TW, T0 + 1],
			] as const) {
				await g.commit(allowed(await g.reserve(marketing(to, now))).reservationId, {
					messageId: `wamid.${to}`,
				});
			}
			expect(await g.reserve(marketing(TH, T0 + 2))).toEqual({
				allowed: false,
				rule: 'messagingLimit',
				reason: expect.stringMatching(/Messaging limit reached: 2 customers in a rolling 24 h/),
				retryAt: T0 + DAY,
			});
			// In an open window the customer is answered, not reached: no count.
			await g.recordInbound(PN, RU, T0);
			allowed(
				await g.reserve(marketing(RU, T0 + 3, { category: 'utility', template: 'order_update' })),
			);
			// A customer already counted adds nobody.
			allowed(
				await g.reserve(
					marketing(HK, T0 + 10_000, { category: 'utility', template: 'order_update' }),
				),
			);
			expect(await g.usage(PN, T0 + 10_001)).toEqual({
				uniqueCustomers24h: 2,
				messagingLimit: 2,
				remaining: 0,
				headroom: 0.8,
				headroomReached: true,
			});
			allowed(await g.reserve(marketing(TH, T0 + DAY)));
		});

		it('is unlimited at 0 and reports usage below the headroom', async () => {
			const g = guard({ messagingLimit: 0, throughputPerSecond: 0 });
			for (const to of [HK, TW, TH]) allowed(await g.reserve(marketing(to, T0)));
			expect(await g.usage(PN, T0)).toEqual({
				uniqueCustomers24h: 3,
				messagingLimit: 0,
				remaining: null,
				headroom: 0.8,
				headroomReached: false,
			});
			const limited = guard({ messagingLimit: 10 });
			allowed(await limited.reserve(marketing(HK, T0)));
			expect(await limited.usage(PN, T0)).toMatchObject({
				uniqueCustomers24h: 1,
				remaining: 9,
				headroomReached: false,
			});
		});
	});

	describe('business portfolio (issue 14.2)', () => {
		const PN2 = '106540352242923';
		const BIZ = '524126980791429';
		const inPortfolio = (to: string, now: number, number = PN, extra: Partial<QuotaRequest> = {}) =>
			marketing(to, now, { phoneNumberId: number, portfolioId: BIZ, ...extra });

		it("shares one reached-customers count among the portfolio's numbers", async () => {
			const g = guard({ messagingLimit: 2 });
			allowed(await g.reserve(inPortfolio(HK, T0, PN)));
			allowed(await g.reserve(inPortfolio(TW, T0, PN2)));
			expect(await g.reserve(inPortfolio(TH, T0 + 1, PN2))).toMatchObject({
				allowed: false,
				rule: 'messagingLimit',
				reason: expect.stringMatching(
					/2 customers in a rolling 24 h for this business portfolio \(all its numbers\)/,
				),
				retryAt: T0 + DAY,
			});
			// A customer one number reached is counted for the other too: reaching them adds nobody.
			allowed(await g.reserve(inPortfolio(HK, T0 + 1, PN2, { template: 'other' })));
			for (const number of [PN, PN2])
				expect(await g.usage(number, T0 + 2, { portfolioId: BIZ })).toMatchObject({
					uniqueCustomers24h: 2,
					remaining: 0,
				});
		});

		it('keeps a number without a portfolio on its own count, as before', async () => {
			const g = guard({ messagingLimit: 1 });
			allowed(await g.reserve(marketing(HK, T0)));
			allowed(await g.reserve(marketing(TW, T0, { phoneNumberId: PN2 })));
			// Another portfolio's count is another count.
			allowed(await g.reserve(inPortfolio(TH, T0, PN, { portfolioId: 'other' })));
			expect(await g.reserve(marketing(RU, T0 + 1))).toMatchObject({ rule: 'messagingLimit' });
			expect(await g.usage(PN, T0 + 1)).toMatchObject({ uniqueCustomers24h: 1 });
		});

		it('keeps pair rate, throughput and the service window per number', async () => {
			const g = guard({ messagingLimit: 10, throughputPerSecond: 1 });
			const first = allowed(await g.reserve(inPortfolio(HK, T0, PN, { category: 'utility' })));
			// Another number of the portfolio: its own pair rate and its own throughput slot.
			const second = allowed(
				await g.reserve(inPortfolio(HK, T0, PN2, { category: 'utility', template: 'b' })),
			);
			expect([first.sendAt, second.sendAt]).toEqual([T0, T0]);
			expect(
				await g.reserve(inPortfolio(HK, T0 + 1, PN, { category: 'utility', template: 'c' })),
			).toMatchObject({ rule: 'pairRate' });
			// The customer wrote to PN2 only: free text from PN is still outside its window.
			await g.recordInbound(PN2, TW, T0);
			const text = { category: 'service' as const, freeForm: true, template: undefined };
			allowed(await g.reserve(inPortfolio(TW, T0 + 10_000, PN2, text)));
			expect(await g.reserve(inPortfolio(TW, T0 + 10_000, PN, text))).toMatchObject({
				rule: 'window',
			});
		});

		it("releasing one number's send keeps a customer another number reached counted", async () => {
			const g = guard({ messagingLimit: 5 });
			const a = allowed(await g.reserve(inPortfolio(HK, T0, PN)));
			await g.commit(a.reservationId, { messageId: 'wamid.a' });
			const b = allowed(await g.reserve(inPortfolio(HK, T0 + 10, PN2, { template: 'b' })));
			await g.release(b.reservationId);
			expect(await g.usage(PN2, T0 + 20, { portfolioId: BIZ })).toMatchObject({
				uniqueCustomers24h: 1,
			});
			// And its expiry is given back on the portfolio's count, not on a number's own.
			allowed(await g.reserve(inPortfolio(TW, T0 + 30, PN2, { template: 'c' })));
			clock = T0 + 10 * 60_000;
			expect(await g.usage(PN2, clock, { portfolioId: BIZ })).toMatchObject({
				uniqueCustomers24h: 1,
			});
		});

		it("decides on the request's own limit (Meta's current one) over the rules'", async () => {
			const g = guard({ messagingLimit: 250 });
			allowed(await g.reserve(inPortfolio(HK, T0, PN, { messagingLimit: 1 })));
			expect(await g.reserve(inPortfolio(TW, T0, PN2, { messagingLimit: 1 }))).toMatchObject({
				rule: 'messagingLimit',
				reason: expect.stringMatching(/^Messaging limit reached: 1 customers/),
			});
			allowed(await g.reserve(inPortfolio(TW, T0, PN2, { messagingLimit: 0 })));
			expect(await g.usage(PN, T0, { portfolioId: BIZ, messagingLimit: 2000 })).toMatchObject({
				uniqueCustomers24h: 2,
				messagingLimit: 2000,
				remaining: 1998,
			});
		});

		it('refuses a portfolio id that is not an id, and a limit that is not a number', async () => {
			const g = guard();
			for (const portfolioId of ['', 'a:b', '{x}', 'x'.repeat(65), 7 as never])
				expect(await g.reserve(inPortfolio(HK, T0, PN, { portfolioId }))).toMatchObject({
					allowed: false,
					rule: 'request',
					retryAt: null,
				});
			expect(await g.reserve(inPortfolio(HK, T0, PN, { messagingLimit: -1 }))).toMatchObject({
				rule: 'request',
			});
		});
	});

	describe('frequency', () => {
		it('holds a second promotion for a week by default (the rule that frees last decides retryAt)', async () => {
			const g = guard();
			allowed(await g.reserve(marketing(HK, T0)));
			expect(await g.reserve(marketing(HK, T0 + 60_000, { template: 'winter_sale' }))).toEqual({
				allowed: false,
				rule: 'frequency',
				reason: 'At most 1 per 7 days to this customer (promotions)',
				retryAt: T0 + 7 * DAY,
			});
		});

		it('caps marketing to customers who have not replied; a reply lifts it', async () => {
			const g = guard({
				frequency: [{ category: 'marketing', onlyIfNoReply: true, max: 1, perHours: 24 }],
			});
			await g.commit(allowed(await g.reserve(marketing(HK, T0))).reservationId, {
				messageId: 'wamid.1',
			});
			expect(await g.reserve(marketing(HK, T0 + 60_000))).toEqual({
				allowed: false,
				rule: 'frequency',
				reason: 'At most 1 per 24 h to this customer (marketing without a reply)',
				retryAt: T0 + DAY,
			});
			await g.recordInbound(PN, HK, T0 + 120_000);
			allowed(await g.reserve(marketing(HK, T0 + 180_000)));
		});

		it('sends the same template to a customer at most 5 times in 30 days', async () => {
			const g = guard();
			const update = (now: number) =>
				marketing(TW, now, { category: 'utility', template: 'order_update' });
			for (let day = 0; day < 5; day++) {
				const sent = allowed(await g.reserve(update(T0 + day * DAY)));
				await g.commit(sent.reservationId, { messageId: `wamid.${day}` });
			}
			expect(await g.reserve(update(T0 + 5 * DAY))).toMatchObject({
				allowed: false,
				rule: 'frequency',
				retryAt: T0 + 30 * DAY,
			});
			allowed(
				await g.reserve(
					marketing(TW, T0 + 5 * DAY, { category: 'utility', template: 'payment_due' }),
				),
			);
		});

		it('keeps the same service event 6 h apart', async () => {
			const g = guard();
			await g.recordInbound(PN, HK, T0);
			const event = {
				phoneNumberId: PN,
				to: HK,
				category: 'utility' as const,
				event: 'order-42:shipped',
				now: T0,
			};
			allowed(await g.reserve(event));
			expect(await g.reserve({ ...event, now: T0 + 7000 })).toMatchObject({
				allowed: false,
				rule: 'frequency',
				retryAt: T0 + 6 * H,
			});
			allowed(await g.reserve({ ...event, now: T0 + 7000, event: 'order-43:shipped' }));
		});

		it('is switched off by an empty list', async () => {
			const g = guard({ frequency: [] });
			allowed(await g.reserve(marketing(HK, T0)));
			allowed(await g.reserve(marketing(HK, T0 + 60_000)));
		});
	});

	describe('pairRate', () => {
		it('keeps messages to one customer 6 s apart', async () => {
			const g = guard({ frequency: [] });
			allowed(await g.reserve(marketing(HK, T0)));
			expect(await g.reserve(marketing(HK, T0 + 2000))).toEqual({
				allowed: false,
				rule: 'pairRate',
				reason: "Less than 6 s since the last message to this customer (Meta's pair rate)",
				retryAt: T0 + 6000,
			});
			allowed(await g.reserve(marketing(TW, T0 + 2000)));
			allowed(await g.reserve(marketing(HK, T0 + 6000)));
		});

		it('counts the gap from when Meta confirmed a send that left late, as on a busy worker', async () => {
			const g = guard({ frequency: [] });
			const first = allowed(await g.reserve(marketing(HK, T0)));
			// Its request reached Meta only 4 s after the reservation; the answer came back then.
			clock = T0 + 4000;
			await g.commit(first.reservationId, { messageId: 'wamid.late' });
			expect(await g.reserve(marketing(HK, T0 + 6000))).toMatchObject({
				allowed: false,
				rule: 'pairRate',
				retryAt: T0 + 10_000,
			});
			allowed(await g.reserve(marketing(HK, T0 + 10_000)));
		});

		it('can be switched off', async () => {
			const g = guard({ frequency: [], pairRateSeconds: 0, throughputPerSecond: 0 });
			allowed(await g.reserve(marketing(HK, T0)));
			allowed(await g.reserve(marketing(HK, T0)));
		});
	});

	describe('throughput', () => {
		it('paces a number evenly, a little under the limit, and says when a slot frees', async () => {
			const g = guard({ throughputPerSecond: 3, messagingLimit: 0 });
			const results = await Promise.all(
				['+85291234561', '+85291234562', '+85291234563', '+85291234564'].map((to) =>
					g.reserve(marketing(to, T0)),
				),
			);
			const spacing = 1000 / (3 * 0.96);
			const sent = results.filter((r): r is Extract<ReserveResult, { allowed: true }> => r.allowed);
			expect(sent.map((r) => r.sendAt - T0).sort((a, b) => a - b)).toEqual(
				[0, spacing, 2 * spacing].map((ms) => expect.closeTo(ms, 3)),
			);
			const refused = results.find((r) => !r.allowed) as Extract<ReserveResult, { allowed: false }>;
			expect(refused).toMatchObject({
				rule: 'throughput',
				reason: expect.stringMatching(/3 messages per second/),
			});
			expect(refused.retryAt! - T0).toBeCloseTo(3 * spacing - 1000, 3);
			// At retryAt the fourth message gets the next slot, a second ahead at most.
			const later = allowed(await g.reserve(marketing('+85291234564', refused.retryAt!)));
			expect(later.sendAt - T0).toBeCloseTo(3 * spacing, 3);
		});

		it('shares the slots among concurrent callers: 100 at once at 20/s book 20 slots a second', async () => {
			const g = guard({ throughputPerSecond: 20, messagingLimit: 0 });
			const results = await Promise.all(
				Array.from({ length: 100 }, (_, i) =>
					g.reserve(marketing(`+8529${String(2000000 + i)}`, T0)),
				),
			);
			const slots = results
				.filter((r) => r.allowed)
				.map((r) => (r as { sendAt: number }).sendAt - T0)
				.sort((a, b) => a - b);
			const spacing = 1000 / (20 * 0.96);
			expect(slots).toHaveLength(20);
			slots.forEach((slot, i) => expect(slot).toBeCloseTo(i * spacing, 2));
			expect(results.filter((r) => !r.allowed && r.rule === 'throughput')).toHaveLength(80);
		});
	});

	describe('optOut and humanTakeover', () => {
		it('never sends marketing to an opted-out customer; other categories still go', async () => {
			const g = guard();
			await g.recordOptOut(PN, HK, T0);
			expect(await g.reserve(marketing(HK, T0))).toEqual({
				allowed: false,
				rule: 'optOut',
				reason: 'The customer opted out of marketing messages: send them none',
				retryAt: null,
			});
			allowed(
				await g.reserve(marketing(HK, T0, { category: 'utility', template: 'order_update' })),
			);
			// An older opt-in arriving late does not undo the opt-out; a newer one does.
			await g.recordOptOut(PN, HK, T0 - H, false);
			expect(await g.reserve(marketing(HK, T0 + 10_000))).toMatchObject({ rule: 'optOut' });
			await g.recordOptOut(PN, HK, T0 + H, false);
			allowed(await g.reserve(marketing(HK, T0 + H + 1)));
			const off = guard({ optOut: false });
			await off.recordOptOut(PN, TW, T0);
			allowed(await off.reserve(marketing(TW, T0)));
		});

		it('pauses automation to a customer for 12 h after an agent replied', async () => {
			const g = guard();
			await g.recordInbound(PN, TW, T0);
			await g.recordAgentReply(PN, TW, T0);
			expect(
				await g.reserve({
					phoneNumberId: PN,
					to: TW,
					category: 'service',
					freeForm: true,
					now: T0 + H,
				}),
			).toEqual({
				allowed: false,
				rule: 'humanTakeover',
				reason:
					'An agent is talking to this customer: automation pauses 12 h after their last reply',
				retryAt: T0 + 12 * H,
			});
			allowed(
				await g.reserve({
					phoneNumberId: PN,
					to: TW,
					category: 'utility',
					template: 'order_update',
					now: T0 + 12 * H,
				}),
			);
		});
	});

	describe('quietHours', () => {
		// 14:30 UTC is 22:30 in Hong Kong (quiet until 09:00 there = 01:00 UTC) and 17:30 in Moscow.
		const late = Date.UTC(2026, 10, 23, 14, 30);

		it("defers marketing in the customer's local quiet hours until they end", async () => {
			const g = guard({ quietHours: { start: '21:00', end: '09:00' } });
			expect(await g.reserve(marketing(HK, late))).toEqual({
				allowed: false,
				rule: 'quietHours',
				reason:
					"Quiet hours (21:00–09:00) in the customer's local time (Asia/Hong_Kong): marketing waits until they end",
				retryAt: Date.UTC(2026, 10, 24, 1, 0),
			});
			allowed(await g.reserve(marketing(RU, late)));
			// A business-scoped user id carries the country too.
			expect(await g.reserve(marketing('HK.1502576394655843', late))).toMatchObject({
				rule: 'quietHours',
			});
			allowed(
				await g.reserve(marketing(HK, late, { category: 'utility', template: 'order_update' })),
			);
		});

		it('reports the moment every rule lets the message go, not the first that blocks', async () => {
			const g = guard({
				quietHours: { start: '21:00', end: '09:00' },
				frequency: [{ category: 'marketing', max: 1, perHours: 24 }],
			});
			// Sent at 10:00 in Hong Kong; at 22:30 quiet hours hold it until 09:00, the cap until 10:00.
			const morning = Date.UTC(2026, 10, 23, 2, 0);
			const sent = allowed(await g.reserve(marketing(HK, morning)));
			await g.commit(sent.reservationId, { messageId: 'wamid.1' });
			expect(await g.reserve(marketing(HK, late))).toMatchObject({
				rule: 'frequency',
				retryAt: morning + DAY,
			});
		});
	});

	describe('reservations', () => {
		it('release gives back the count, the pair-rate gap and the throughput slot', async () => {
			const g = guard({ messagingLimit: 1, frequency: [] });
			const first = allowed(await g.reserve(marketing(HK, T0)));
			expect(first.sendAt).toBe(T0);
			expect(await g.reserve(marketing(TW, T0))).toMatchObject({
				allowed: false,
				rule: 'messagingLimit',
			});
			await g.release(first.reservationId);
			expect(await g.usage(PN, T0)).toMatchObject({ uniqueCustomers24h: 0 });
			// The same slot, the same customer straight away: nothing of the first is left.
			expect(allowed(await g.reserve(marketing(HK, T0))).sendAt).toBe(T0);
		});

		it('release of a customer counted before keeps them counted from then', async () => {
			const g = guard({ messagingLimit: 1, frequency: [] });
			const first = allowed(await g.reserve(marketing(HK, T0)));
			await g.commit(first.reservationId, { messageId: 'wamid.1' });
			const again = allowed(await g.reserve(marketing(HK, T0 + 10 * H)));
			await g.release(again.reservationId);
			// Counted from T0 again, so another customer fits at T0 + 24 h, not T0 + 34 h.
			expect(await g.reserve(marketing(TW, T0 + 11 * H))).toMatchObject({
				rule: 'messagingLimit',
				retryAt: T0 + DAY,
			});
		});

		it('commit keeps what a reservation holds', async () => {
			const g = guard({ messagingLimit: 1 }, { reservationTtlMs: 1000 });
			const first = allowed(await g.reserve(marketing(HK, T0)));
			await g.commit(first.reservationId, { messageId: 'wamid.1' });
			clock = T0 + 5000;
			expect(await g.reserve(marketing(TW, T0 + 5000))).toMatchObject({
				allowed: false,
				rule: 'messagingLimit',
			});
			expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 1 });
		});

		it('gives back reservations nobody committed or released within their time to live', async () => {
			const g = guard({ messagingLimit: 1 }, { reservationTtlMs: 1000 });
			allowed(await g.reserve(marketing(HK, T0)));
			expect(await g.reserve(marketing(TW, T0 + 999))).toMatchObject({ rule: 'messagingLimit' });
			clock = T0 + 1000;
			expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 0 });
			allowed(await g.reserve(marketing(TW, T0 + 1000)));
		});

		it('never exceeds a limit under 200 concurrent reservations', async () => {
			const g = guard({ messagingLimit: 50, throughputPerSecond: 0 });
			const results = await Promise.all(
				Array.from({ length: 200 }, (_, i) =>
					g.reserve(marketing(`+8529${String(3000000 + i)}`, T0)),
				),
			);
			expect(results.filter((r) => r.allowed)).toHaveLength(50);
			expect(results.filter((r) => !r.allowed && r.rule === 'messagingLimit')).toHaveLength(150);
			expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 50 });
		});

		it('ignores commit and release of reservations it does not know', async () => {
			const g = guard();
			await g.commit('not-a-reservation', { messageId: 'wamid.x' });
			await g.release(`${PN}:00000000-0000-0000-0000-000000000000`);
			expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 0 });
		});
	});

	describe('requests', () => {
		it('refuses a request it cannot read, without throwing', async () => {
			const g = guard();
			expect(await g.reserve({ ...marketing(HK, T0), category: 'promo' as never })).toMatchObject({
				allowed: false,
				rule: 'request',
				retryAt: null,
			});
			expect(await g.reserve({ ...marketing('', T0) })).toMatchObject({
				allowed: false,
				rule: 'request',
			});
		});
	});

	if (store.durable) {
		it('remembers across a restart (a new guard on the same store)', async () => {
			const options = store.fresh();
			const before = createQuotaGuard({
				store: options,
				rules: { quietHours: false },
				clock: () => clock,
			});
			const sent = allowed(await before.reserve(marketing(HK, T0)));
			await before.commit(sent.reservationId, { messageId: 'wamid.r' });
			await before.recordOptOut(PN, TW, T0);
			await before.close();
			const after = createQuotaGuard({
				store: options,
				rules: { quietHours: false },
				clock: () => clock,
			});
			open.push(after);
			expect(await after.reserve(marketing(HK, T0 + H))).toMatchObject({
				allowed: false,
				rule: 'frequency',
			});
			expect(await after.reserve(marketing(TW, T0 + H))).toMatchObject({
				allowed: false,
				rule: 'optOut',
			});
			expect(await after.usage(PN)).toMatchObject({ uniqueCustomers24h: 1 });
		});
	}
});

describe('store choice', () => {
	it('refuses a store it cannot open instead of falling back to another', () => {
		expect(() => createQuotaGuard({ store: { type: 'file' } as never })).toThrow(/needs a path/);
		expect(() => createQuotaGuard({ store: { type: 'redis' } as never })).toThrow(/needs a url/);
		expect(() => createQuotaGuard({ store: { type: 'postgres' } as never })).toThrow(
			/Unknown quota store "postgres"/,
		);
	});

	it('refuses rules it cannot apply', () => {
		expect(() => createQuotaGuard({ rules: { messagingLimit: -1 } })).toThrow(
			/messagingLimit must be a number ≥ 0/,
		);
		expect(() =>
			createQuotaGuard({ rules: { quietHours: { start: '9pm', end: '09:00' } } }),
		).toThrow(/quietHours.start must be HH:MM/);
		expect(() => createQuotaGuard({ rules: { frequency: [{ max: 1 } as never] } })).toThrow(
			/frequency\[0\].perHours/,
		);
	});
});

describe('file store', () => {
	const marketingNow = marketing(HK, T0);

	it('fails closed when the ledger cannot be written', async () => {
		const blocker = path.join(dir, 'not-a-folder');
		fs.writeFileSync(blocker, 'x');
		const g = createQuotaGuard({
			store: { type: 'file', path: path.join(blocker, 'ledger.json') },
		});
		expect(await g.reserve(marketingNow)).toEqual({
			allowed: false,
			rule: 'store',
			reason: expect.stringMatching(/^quota store unavailable: .*not-a-folder.*Nothing was sent/),
			retryAt: T0 + 60_000,
		});
	});

	it('fails closed on a damaged ledger and leaves it for a person to look at', async () => {
		const file = path.join(dir, 'damaged.json');
		fs.writeFileSync(file, '{"numbers": {');
		const g = createQuotaGuard({ store: { type: 'file', path: file } });
		expect(await g.reserve(marketingNow)).toMatchObject({
			rule: 'store',
			reason: expect.stringMatching(/unreadable.*move it aside/),
		});
		expect(fs.readFileSync(file, 'utf8')).toBe('{"numbers": {');
	});

	it('takes over a lock left by a process that died', async () => {
		const file = path.join(dir, 'stale-lock.json');
		// Take a pid that is certainly gone: a child that has exited.
		const { spawnSync } = await import('node:child_process');
		const dead = spawnSync(process.execPath, ['-e', '0']).pid;
		fs.writeFileSync(
			`${file}.lock`,
			JSON.stringify({ host: os.hostname(), pid: dead, token: 'gone' }),
		);
		const g = createQuotaGuard({
			store: { type: 'file', path: file },
			rules: { quietHours: false },
		});
		allowed(await g.reserve(marketingNow));
		expect(fs.existsSync(`${file}.lock`)).toBe(false);
	});

	it('takes over an empty leftover lock file at once instead of waiting for it to age', async () => {
		const file = path.join(dir, 'empty-lock.json');
		fs.writeFileSync(`${file}.lock`, '');
		// The lock is fresh and would be stale only after a minute; waiting for it fails after 2 s.
		const store = new FileQuotaStore(file, {
			lookbackMs: DAY,
			staleLockMs: 60_000,
			lockWaitMs: 2_000,
		});
		await expect(
			store.transact(
				{
					phoneNumberId: PN,
					now: T0,
					customers: [HK],
					reservations: [],
					messagingLimit: 0,
					slotsFrom: T0,
				},
				(slice) => void (slice.customers[HK] = { sends: [], lastInbound: T0 }),
			),
		).resolves.toBeUndefined();
		await store.close();
		expect(fs.existsSync(`${file}.lock`)).toBe(false);
	});

	it('removes temporary files left by processes that died or that nobody linked in time', async () => {
		const file = path.join(dir, 'leftovers.json');
		const { spawnSync } = await import('node:child_process');
		const dead = spawnSync(process.execPath, ['-e', '0']).pid;
		const uuid = () => '0b6f2a4e-9d2c-4f7e-8a1b-3c5d7e9f1a2b';
		const ofDead = `${file}.${dead}.${uuid()}.tmp`;
		const old = `${file}.${uuid()}.tmp`;
		const live = `${file}.${process.pid}.${uuid()}.tmp`;
		const unrelated = path.join(dir, 'other.json.tmp');
		for (const leftover of [ofDead, old, live, unrelated]) fs.writeFileSync(leftover, '{}');
		const hourAgo = new Date(Date.now() - H);
		fs.utimesSync(old, hourAgo, hourAgo);
		const g = createQuotaGuard({
			store: { type: 'file', path: file },
			rules: { quietHours: false },
		});
		allowed(await g.reserve(marketingNow));
		await g.close();
		expect(fs.existsSync(ofDead)).toBe(false);
		expect(fs.existsSync(old)).toBe(false);
		// A fresh one of a live process is being written, and another ledger's is not ours.
		expect(fs.existsSync(live)).toBe(true);
		expect(fs.existsSync(unrelated)).toBe(true);
	});

	it('never reads, changes or removes a file that is not a ledger', async () => {
		const file = path.join(dir, 'config');
		const config = JSON.stringify({ encryptionKey: 'n8n-key-that-decrypts-credentials' });
		fs.writeFileSync(file, config);
		const g = createQuotaGuard({ store: { type: 'file', path: file } });
		expect(await g.reserve(marketingNow)).toMatchObject({
			allowed: false,
			rule: 'store',
			reason: expect.stringMatching(/config is not a quota ledger: it is left as it is/),
			retryAt: T0 + 60_000,
		});
		expect(fs.readFileSync(file, 'utf8')).toBe(config);
		expect(fs.readdirSync(dir).filter((name) => name.startsWith('config'))).toEqual(['config']);
	});

	it("writes generations, never over a file: the earlier version's file becomes generation 1", async () => {
		const file = path.join(dir, 'generations.json');
		fs.writeFileSync(file, JSON.stringify({ version: 2, numbers: {} }));
		const g = createQuotaGuard({
			store: { type: 'file', path: file },
			rules: { quietHours: false },
		});
		for (const to of [HK, TW, TH]) allowed(await g.reserve(marketing(to, T0)));
		await g.close();
		// The current generation and the one before it are kept, for a reader that listed it a moment ago.
		expect(
			fs
				.readdirSync(dir)
				.filter((name) => name.startsWith('generations'))
				.sort(),
		).toEqual(['generations.json.gen-2', 'generations.json.gen-3']);
	});

	it('reads a ledger written by the previous version, taking its outstanding sends as sent', async () => {
		const file = path.join(dir, 'version-1.json');
		const send = { at: T0, category: 'marketing', template: 'spring_sale', reservationId: 'old' };
		const v1 = {
			numbers: {
				[PN]: {
					customers: { [HK]: { sends: [send] } },
					reached: { [HK]: T0 },
					reachedCount: 1,
					nextSlotAt: 0,
				},
			},
			reservations: { old: { expiresAt: T0 } },
		};
		fs.writeFileSync(file, JSON.stringify(v1));
		const g = createQuotaGuard({
			store: { type: 'file', path: file },
			rules: { quietHours: false },
			clock: () => T0 + H,
		});
		expect(await g.reserve(marketing(HK, T0 + H))).toMatchObject({
			rule: 'frequency',
			retryAt: T0 + 7 * DAY,
		});
		expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 1 });
	});

	it('forgets what no rule looks at any more, so the file does not grow without bound', async () => {
		const file = path.join(dir, 'pruned.json');
		let clock = T0;
		const g = createQuotaGuard({
			store: { type: 'file', path: file },
			rules: { quietHours: false, throughputPerSecond: 0, messagingLimit: 0 },
			clock: () => clock,
		});
		for (let i = 0; i < 50; i++) {
			const sent = allowed(await g.reserve(marketing(`+8529${String(4000000 + i)}`, T0)));
			await g.commit(sent.reservationId, { messageId: `wamid.${i}` });
		}
		await g.recordOptOut(PN, HK, T0);
		const full = fs.statSync(currentGeneration(file)).size;
		clock = T0 + 31 * DAY;
		expect(await g.usage(PN)).toMatchObject({ uniqueCustomers24h: 0 });
		const ledger = JSON.parse(fs.readFileSync(currentGeneration(file), 'utf8')) as {
			numbers: Record<string, { customers: Record<string, unknown>; reached: object }>;
		};
		// Only the opt-out is kept: it lasts until the customer opts back in.
		expect(Object.keys(ledger.numbers[PN].customers)).toEqual([HK]);
		expect(ledger.numbers[PN].reached).toEqual({});
		expect(fs.statSync(currentGeneration(file)).size).toBeLessThan(full / 10);
		// 100 durable JSON writes one after another: seconds on a busy machine, not jest's default 5.
	}, 30_000);
});

describe('redis store', () => {
	let server: RedisServer;
	beforeAll(async () => void (server = await startRedisServer()));
	afterAll(async () => server?.stop());

	it('fails closed when Redis cannot be reached', async () => {
		const port = await freePort();
		const g = createQuotaGuard({ store: { type: 'redis', url: `redis://127.0.0.1:${port}` } });
		try {
			expect(await g.reserve(marketing(HK, T0))).toEqual({
				allowed: false,
				rule: 'store',
				reason: expect.stringMatching(
					new RegExp(
						`^quota store unavailable: Redis at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*Nothing was sent`,
					),
				),
				retryAt: T0 + 60_000,
			});
		} finally {
			await g.close();
		}
	});

	it('keeps each number under scrm:quota:{phoneNumberId}: with a time to live on every key but opt-outs', async () => {
		const clock = Date.now();
		const g = createQuotaGuard({
			store: { type: 'redis', url: server.url },
			rules: { quietHours: false },
			clock: () => clock,
		});
		const client = new Redis(server.url);
		try {
			const sent = allowed(await g.reserve(marketing(HK, clock)));
			await g.commit(sent.reservationId, { messageId: 'wamid.1' });
			allowed(await g.reserve(marketing(TW, clock)));
			await g.recordOptOut(PN, TH, clock);
			const keys = (await client.keys('*')).sort();
			expect(keys).toEqual(
				[`c:${HK}`, `c:${TH}`, `c:${TW}`, 'expiries', 'reached', 'reservations', 'slots', 'v']
					.map((key) => `scrm:quota:{${PN}}:${key}`)
					.sort(),
			);
			for (const key of keys) {
				const ttl = await client.pttl(key);
				if (key.endsWith(`c:${TH}`)) expect(ttl).toBe(-1);
				else expect(ttl).toBeGreaterThan(0);
			}
		} finally {
			await g.close();
			client.disconnect();
		}
	});

	it("keeps a portfolio's reached customers under scrm:quota:{portfolio:<id>}:, with a time to live", async () => {
		const clock = Date.now();
		const g = createQuotaGuard({
			store: { type: 'redis', url: server.url, keyPrefix: 'layout2:' },
			rules: { quietHours: false },
			clock: () => clock,
		});
		const client = new Redis(server.url);
		try {
			allowed(await g.reserve(marketing(HK, clock, { portfolioId: '524126980791429' })));
			const keys = (await client.keys('layout2:*')).sort();
			expect(keys).toEqual(
				[
					`layout2:{${PN}}:c:${HK}`,
					`layout2:{${PN}}:expiries`,
					`layout2:{${PN}}:reservations`,
					`layout2:{${PN}}:slots`,
					`layout2:{${PN}}:v`,
					'layout2:{portfolio:524126980791429}:reached',
					'layout2:{portfolio:524126980791429}:v',
				].sort(),
			);
			for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
		} finally {
			await g.close();
			client.disconnect();
		}
	});
});

describe('counting toward the limit in a document', () => {
	it('finds the k-th earliest reach time without sorting everything', () => {
		const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
		const sorted = [...values].sort((a, b) => a - b);
		for (const k of [0, 1, 5, 64, 65, 499]) expect(kthSmallest(values, k)).toBe(sorted[k]);
	});
});

describe('time zones for quiet hours', () => {
	it('maps every country it knows to a zone luxon knows, and multi-zone countries to their main one', () => {
		for (const country of knownTimeZoneCountries())
			expect([country, DateTime.now().setZone(timeZoneOf(country)).isValid]).toEqual([
				country,
				true,
			]);
		expect([timeZoneOf('CN'), timeZoneOf('RU'), timeZoneOf('US'), timeZoneOf('br')]).toEqual([
			'Asia/Shanghai',
			'Europe/Moscow',
			'America/New_York',
			'America/Sao_Paulo',
		]);
		expect(timeZoneOf('XX')).toBeUndefined();
	});
});
