import { axiosTransport } from '../../lib/http/transport';
import { sendThroughGuard } from '../../lib/sender/send';
import type { SendGuard } from '../../lib/sender/send';
import type { QuotaRequest, ReserveResult } from '../../lib/quota';

/** A scripted answer: an allowed one may leave out when to send (now). */
type Reservation =
	| Omit<Extract<ReserveResult, { allowed: true }>, 'sendAt'>
	| Extract<ReserveResult, { allowed: false }>;
import { GraphClient } from '../../lib/whatsapp/graphClient';
import { textMessage } from '../../lib/whatsapp/messages';
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';

/** A guard that answers from a script and records what the send did with its reservations. */
class ScriptedGuard implements SendGuard {
	readonly committed: string[] = [];
	readonly released: string[] = [];
	readonly requests: QuotaRequest[] = [];
	constructor(private readonly answers: Reservation[]) {}
	async reserve(request: QuotaRequest): Promise<ReserveResult> {
		this.requests.push(request);
		const answer = this.answers.shift() ?? {
			allowed: true,
			reservationId: `r${this.requests.length}`,
		};
		return answer.allowed ? { sendAt: 0, ...answer } : answer;
	}
	async commit(id: string): Promise<void> {
		this.committed.push(id);
	}
	async release(id: string): Promise<void> {
		this.released.push(id);
	}
	readonly optOuts: Array<[string, string, boolean | undefined]> = [];
	async recordInbound(): Promise<void> {}
	async recordOptOut(
		phoneNumberId: string,
		customer: string,
		_at: number,
		optedOut?: boolean,
	): Promise<void> {
		this.optOuts.push([phoneNumberId, customer, optedOut]);
	}
}

const to = '85291234567';
let sim: GraphApiSimulator;
let client: GraphClient;
const noWait = async () => undefined;

beforeAll(async () => {
	sim = await startGraphApiSimulator({ limits: false });
	client = new GraphClient({
		transport: axiosTransport({ bearerToken: SIM.token, timeoutMs: 2000 }),
		baseUrl: sim.url,
		version: 'v26.0',
	});
});
afterAll(() => sim.stop());
beforeEach(() => {
	sim.state.clearFaults();
	sim.state.recordInbound(SIM.phoneNumberId, to, Date.now());
});

const send = (
	guard: SendGuard | undefined,
	extra: Partial<Parameters<typeof sendThroughGuard>[0]> = {},
) =>
	sendThroughGuard({
		client,
		guard,
		phoneNumberId: SIM.phoneNumberId,
		message: textMessage({ to }, 'Your parcel is on its way'),
		request: { category: 'service', freeForm: true },
		sleep: noWait,
		...extra,
	});

describe('sendThroughGuard', () => {
	it('sends and commits the reservation with the message id', async () => {
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-1' }]);
		const outcome = await send(guard);
		expect(outcome).toMatchObject({
			outcome: 'sent',
			messageId: expect.stringMatching(/^wamid\./),
			attempts: 1,
		});
		expect(guard.committed).toEqual(['r-1']);
		expect(guard.requests[0]).toMatchObject({
			phoneNumberId: SIM.phoneNumberId,
			to,
			category: 'service',
			freeForm: true,
		});
	});

	it('retries a transient error on the same reservation', async () => {
		sim.state.failNext(1, { code: 131000, httpStatus: 500 });
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-2' }]);
		expect(await send(guard)).toMatchObject({ outcome: 'sent', attempts: 2 });
		expect(guard.requests).toHaveLength(1);
		expect(guard.committed).toEqual(['r-2']);
	});

	it('gives up after the retries, releases, and says what Meta meant', async () => {
		sim.state.failNext(3, { code: 130429 });
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-3' }]);
		const waits: number[] = [];
		const outcome = await send(guard, { sleep: async (ms) => void waits.push(ms) });
		expect(outcome).toMatchObject({
			outcome: 'failed',
			code: 130429,
			retryable: true,
			attempts: 3,
			title: expect.stringMatching(/Throughput/),
		});
		expect(guard.released).toEqual(['r-3']);
		// Rate limits back off longer, and longer each time.
		expect(waits).toEqual([4000, 8000]);
	});

	it('does not retry what cannot succeed', async () => {
		sim.state.failNext(1, { code: 131026 });
		const outcome = await send(new ScriptedGuard([]));
		expect(outcome).toMatchObject({
			outcome: 'failed',
			code: 131026,
			retryable: false,
			attempts: 1,
		});
	});

	it('reports an unknown outcome, without re-sending, when the answer is lost after the request went out', async () => {
		sim.state.dropNext(1, { afterProcessing: true });
		const before = sim.state.sent.length;
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-4' }]);
		const outcome = await send(guard);
		expect(outcome).toMatchObject({ outcome: 'failed', unknownOutcome: true, attempts: 1 });
		expect(sim.state.sent.length).toBe(before + 1);
		expect(guard.committed).toEqual(['r-4']);
	});

	it('reports a sent message as sent even when the ledger cannot record it, so no one sends it again', async () => {
		const before = sim.state.sent.length;
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-6' }]);
		guard.commit = async () => {
			throw new Error('Redis is unavailable');
		};
		const outcome = await send(guard);
		expect(outcome).toMatchObject({
			outcome: 'sent',
			attempts: 1,
			ledgerWarning: expect.stringContaining('Redis is unavailable'),
		});
		expect(sim.state.sent.length).toBe(before + 1);
		expect(guard.released).toEqual([]);
	});

	it('defers with the reason and the earliest time when the guard says no', async () => {
		// Hours ahead of whenever the test runs: a retry time in the past would be waited for, not deferred.
		const retryAt = Math.ceil(Date.now() / 3_600_000 + 10) * 3_600_000;
		const outcome = await send(
			new ScriptedGuard([
				{
					allowed: false,
					rule: 'quietHours',
					reason: "21:00–09:00 in the customer's time",
					retryAt,
				},
			]),
		);
		expect(outcome).toEqual({
			outcome: 'deferred',
			rule: 'quietHours',
			reason: "21:00–09:00 in the customer's time",
			retryAt: new Date(retryAt).toISOString(),
		});
		expect(
			await send(
				new ScriptedGuard([
					{ allowed: false, rule: 'window', reason: 'outside the window', retryAt: null },
				]),
			),
		).toMatchObject({
			outcome: 'deferred',
			retryAt: null,
		});
	});

	it('waits for a throughput slot that frees soon instead of deferring', async () => {
		let clock = 1_000_000;
		const guard = new ScriptedGuard([
			{ allowed: false, rule: 'throughput', reason: 'full', retryAt: clock + 12 },
		]);
		const outcome = await send(guard, {
			now: () => clock,
			sleep: async (ms) => void (clock += ms),
		});
		expect(outcome).toMatchObject({ outcome: 'sent' });
		expect(guard.requests).toHaveLength(2);
	});

	it('in a dry run evaluates the guard, sends nothing and keeps no reservation', async () => {
		const before = sim.state.sent.length;
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-5' }]);
		expect(await send(guard, { dryRun: true })).toEqual({ outcome: 'wouldSend', attempts: 0 });
		expect(guard.released).toEqual(['r-5']);
		expect(sim.state.sent.length).toBe(before);
	});

	it('sends to a business-scoped user id in recipient and reserves under that id', async () => {
		const userId = 'HK.1502576394655843';
		sim.state.recordInbound(SIM.phoneNumberId, userId, Date.now());
		const guard = new ScriptedGuard([]);
		const outcome = await send(guard, { message: textMessage({ to: userId }, 'hi') });
		expect(outcome).toMatchObject({ outcome: 'sent', userId });
		expect(guard.requests[0].to).toBe(userId);
		expect(sim.state.sent.at(-1)).toMatchObject({ recipient: userId });
	});

	it('defers a message Meta refuses for a user id (131062) with the way to get a phone number', async () => {
		sim.state.failNext(1, { code: 131062 });
		const guard = new ScriptedGuard([{ allowed: true, reservationId: 'r-62' }]);
		const outcome = await send(guard);
		expect(outcome).toMatchObject({
			outcome: 'deferred',
			rule: 'phoneNeeded',
			code: 131062,
			retryAt: null,
			reason: expect.stringContaining('REQUEST_CONTACT_INFO'),
		});
		expect(guard.released).toEqual(['r-62']);
	});

	it('records a 131050 answer as a marketing opt-out and defers the item', async () => {
		sim.state.failNext(1, { code: 131050 });
		const guard = new ScriptedGuard([]);
		const outcome = await send(guard, { request: { category: 'marketing', template: 'x' } });
		expect(outcome).toMatchObject({
			outcome: 'deferred',
			rule: 'optOut',
			code: 131050,
			retryAt: null,
		});
		expect(guard.optOuts).toEqual([[SIM.phoneNumberId, to, true]]);
	});

	it('retries an error Meta marks is_transient even when the catalogue does not know it, and not one marked false', async () => {
		sim.state.failNext(1, { code: 999001, isTransient: true });
		expect(await send(new ScriptedGuard([]))).toMatchObject({ outcome: 'sent', attempts: 2 });
		sim.state.failNext(1, { code: 999002, httpStatus: 500, isTransient: false });
		expect(await send(new ScriptedGuard([]))).toMatchObject({
			outcome: 'failed',
			code: 999002,
			retryable: false,
			attempts: 1,
		});
	});
});
