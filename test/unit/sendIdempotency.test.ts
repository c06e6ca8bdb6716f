/**
 * Idempotency keys: the same message (e.g. the reply to one inbound wamid) is sent at most once
 * while the ledger remembers it, however often the execution that sends it runs: a retried
 * execution, or one Bull hands to another worker after the first died.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { axiosTransport } from '../../lib/http/transport';
import { createQuotaGuard } from '../../lib/quota';
import type { QuotaGuard, StoreOptions } from '../../lib/quota';
import { sendThroughGuard } from '../../lib/sender/send';
import { GraphClient } from '../../lib/whatsapp/graphClient';
import { textMessage } from '../../lib/whatsapp/messages';
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';

const PN = SIM.phoneNumberId;
const HK = '85291234567';
const TW = '886912345678';
const T0 = Date.UTC(2026, 10, 23, 3, 0, 0);
const TTL = 120_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-idempotency-'));
let redis: RedisServer | undefined;
let ledgers = 0;

const STORES: Array<{ name: string; fresh: () => StoreOptions }> = [
	{ name: 'memory', fresh: () => ({ type: 'memory' }) },
	{
		name: 'file',
		fresh: () => ({ type: 'file', path: path.join(dir, `ledger-${++ledgers}.json`) }),
	},
	{
		name: 'redis',
		fresh: () => {
			if (!redis) throw new Error('redis-server did not start');
			return { type: 'redis', url: redis.url, keyPrefix: `idem${++ledgers}:scrm:quota:` };
		},
	},
];

beforeAll(async () => {
	redis = await startRedisServer();
});
afterAll(async () => {
	await redis?.stop();
	fs.rmSync(dir, { recursive: true, force: true });
});

const reply = (to: string, key: string | undefined, now: number) => ({
	phoneNumberId: PN,
	to,
	category: 'service' as const,
	freeForm: true,
	now,
	...(key ? { idempotencyKey: key } : {}),
});

describe.each(STORES)('idempotency keys in the quota guard on the $name store', (store) => {
	let clock = T0;
	const open: QuotaGuard[] = [];
	const guard = (options: StoreOptions) => {
		// Pair rate and quiet hours off: only the key may refuse a repeat.
		const g = createQuotaGuard({
			store: options,
			rules: { quietHours: false, pairRateSeconds: 0 },
			clock: () => clock,
			reservationTtlMs: TTL,
		});
		open.push(g);
		return g;
	};
	beforeEach(() => (clock = T0));
	afterEach(async () => Promise.all(open.splice(0).map((g) => g.close())));

	it('refuses a confirmed key again and names the first send; other keys and other customers go', async () => {
		const g = guard(store.fresh());
		await g.recordInbound(PN, HK, T0 - 1000);
		await g.recordInbound(PN, TW, T0 - 1000);
		const first = await g.reserve(reply(HK, 'reply:wamid.A', T0));
		if (!first.allowed) throw new Error(first.reason);
		await g.commit(first.reservationId, { messageId: 'wamid.sent-A' });

		clock = T0 + 60_000;
		expect(await g.reserve(reply(HK, 'reply:wamid.A', clock))).toMatchObject({
			allowed: false,
			rule: 'duplicate',
			retryAt: null,
			earlier: { at: first.sendAt, messageId: 'wamid.sent-A' },
		});
		expect(await g.reserve(reply(HK, 'reply:wamid.B', clock))).toMatchObject({ allowed: true });
		expect(await g.reserve(reply(TW, 'reply:wamid.A', clock))).toMatchObject({ allowed: true });
		// No key: no idempotency, as before.
		expect(await g.reserve(reply(HK, undefined, clock))).toMatchObject({ allowed: true });
	});

	it('holds a repeat while the first is reserved, and lets it go once that reservation is released or lapses', async () => {
		const g = guard(store.fresh());
		await g.recordInbound(PN, HK, T0 - 1000);
		const first = await g.reserve(reply(HK, 'reply:wamid.C', T0));
		if (!first.allowed) throw new Error(first.reason);
		expect(await g.reserve(reply(HK, 'reply:wamid.C', T0 + 1000))).toMatchObject({
			allowed: false,
			rule: 'duplicate',
			retryAt: first.sendAt + TTL,
			earlier: { at: first.sendAt },
		});
		await g.release(first.reservationId);
		const again = await g.reserve(reply(HK, 'reply:wamid.C', T0 + 2000));
		if (!again.allowed) throw new Error(again.reason);

		// A run that died after reserving: nobody confirms, and after the TTL the message may go.
		clock = T0 + 2000 + TTL + 1;
		expect(await g.reserve(reply(HK, 'reply:wamid.C', clock))).toMatchObject({ allowed: true });
	});

	it('remembers the key across guards on the same ledger (another worker process)', async () => {
		const options = store.fresh();
		if (options.type === 'memory') return; // one process by definition
		const a = guard(options);
		const b = guard(options);
		await a.recordInbound(PN, HK, T0 - 1000);
		const first = await a.reserve(reply(HK, 'reply:wamid.D', T0));
		if (!first.allowed) throw new Error(first.reason);
		await a.commit(first.reservationId, { messageId: 'wamid.sent-D' });
		expect(await b.reserve(reply(HK, 'reply:wamid.D', T0 + 5000))).toMatchObject({
			rule: 'duplicate',
			earlier: { messageId: 'wamid.sent-D' },
		});
	});
});

describe('sendThroughGuard with an idempotency key', () => {
	let sim: GraphApiSimulator;
	let client: GraphClient;

	beforeAll(async () => {
		sim = await startGraphApiSimulator({ limits: { pairIntervalMs: 0 } });
		client = new GraphClient({
			transport: axiosTransport({ bearerToken: SIM.token, timeoutMs: 2000 }),
			baseUrl: sim.url,
			version: 'v26.0',
		});
	});
	afterAll(() => sim.stop());

	const sendReply = (guard: QuotaGuard, key: string) =>
		sendThroughGuard({
			client,
			guard,
			phoneNumberId: PN,
			message: textMessage({ to: HK }, 'Thanks, we got your message'),
			request: { category: 'service', freeForm: true, idempotencyKey: key },
			sleep: async () => undefined,
		});

	it('sends once and reports the first send to a re-run, on a ledger two processes share', async () => {
		sim.state.recordInbound(PN, HK, Date.now());
		const ledger: StoreOptions = {
			type: 'redis',
			url: redis!.url,
			keyPrefix: `idem-send${++ledgers}:scrm:quota:`,
		};
		const workerA = createQuotaGuard({
			store: ledger,
			rules: { quietHours: false, pairRateSeconds: 0 },
		});
		const workerB = createQuotaGuard({
			store: ledger,
			rules: { quietHours: false, pairRateSeconds: 0 },
		});
		try {
			await workerA.recordInbound(PN, HK, Date.now());
			const before = sim.state.sent.length;
			const first = await sendReply(workerA, 'reply:wamid.E');
			const rerun = await sendReply(workerB, 'reply:wamid.E');
			const sent = sim.state.sent.slice(before);
			expect(sent).toHaveLength(1);
			expect(first).toMatchObject({ outcome: 'sent', messageId: sent[0].id, attempts: 1 });
			expect(rerun).toMatchObject({
				outcome: 'sent',
				messageId: sent[0].id,
				attempts: 0,
				alreadySent: true,
			});
		} finally {
			await workerA.close();
			await workerB.close();
		}
	});

	it('lets only one of two concurrent runs of the same message send; the other is deferred, not sent', async () => {
		sim.state.recordInbound(PN, HK, Date.now());
		const ledger: StoreOptions = {
			type: 'redis',
			url: redis!.url,
			keyPrefix: `idem-race${++ledgers}:scrm:quota:`,
		};
		const workerA = createQuotaGuard({
			store: ledger,
			rules: { quietHours: false, pairRateSeconds: 0 },
		});
		const workerB = createQuotaGuard({
			store: ledger,
			rules: { quietHours: false, pairRateSeconds: 0 },
		});
		try {
			await workerA.recordInbound(PN, HK, Date.now());
			const before = sim.state.sent.length;
			const outcomes = await Promise.all([
				sendReply(workerA, 'reply:wamid.F'),
				sendReply(workerB, 'reply:wamid.F'),
			]);
			expect(sim.state.sent.slice(before)).toHaveLength(1);
			const kinds = outcomes
				.map((o) => (o.outcome === 'sent' && o.alreadySent ? 'alreadySent' : o.outcome))
				.sort();
			// The loser either saw the winner's reservation (deferred) or, if it came later, its confirmation.
			expect([
				['deferred', 'sent'],
				['alreadySent', 'sent'],
			]).toContainEqual(kinds);
		} finally {
			await workerA.close();
			await workerB.close();
		}
	});
});
