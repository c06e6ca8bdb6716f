/**
 * The Trigger's delivery decision (lib/whatsapp/deliveryDecision), without n8n: what Meta is
 * answered and what is emitted for one POSTed delivery. The e2e suite (test/e2e/trigger.e2e)
 * checks the same through a real n8n.
 */
import { envelope, statusUpdate, textMessage } from '../../devkit/payloads/whatsappPayloads';
import { decideDelivery, MemoryDeliveryDedupStore, signBody } from '../../lib/whatsapp';
import type { DeliveryDecision, DeliveryDedupStore, DeliveryRules } from '../../lib/whatsapp';

const SECRET = 'app-secret';
const body = Buffer.from(
	JSON.stringify(
		envelope(textMessage({ id: 'wamid.ONE' }), statusUpdate('read', { id: 'wamid.TWO' })),
	),
);
const rules: DeliveryRules = { filter: {}, dedupWindowMs: 60_000, includeRaw: false };

async function decide(
	store: DeliveryDedupStore,
	overrides: Partial<DeliveryRules> = {},
	raw: Buffer = body,
	signature = signBody(raw, SECRET),
): Promise<DeliveryDecision> {
	return await decideDelivery(
		{ rawBody: raw, signature, appSecret: SECRET },
		{ ...rules, ...overrides },
		{ store: async () => store },
	);
}

test('a signed delivery emits one event per message and status, without raw unless asked', async () => {
	const decision = await decide(new MemoryDeliveryDedupStore());
	expect(decision.emit).toBe(true);
	if (!decision.emit) return;
	expect(decision.events.map((event) => event.kind)).toEqual(['message', 'status']);
	expect(decision.events[0]).not.toHaveProperty('raw');
	expect(decision.settle).toBeUndefined();
	const withRaw = await decide(new MemoryDeliveryDedupStore(), { includeRaw: true });
	expect(withRaw.emit && withRaw.events[0].raw).toBeTruthy();
});

test('a wrong signature is answered 401 and starts nothing', async () => {
	const decision = await decide(new MemoryDeliveryDedupStore(), {}, body, 'sha256=00');
	expect(decision).toEqual({
		emit: false,
		status: 401,
		body: { error: 'X-Hub-Signature-256 does not match the body signed with the app secret' },
	});
});

test("Meta's repeat is answered 200 with nothing emitted", async () => {
	const store = new MemoryDeliveryDedupStore();
	expect((await decide(store)).emit).toBe(true);
	expect(await decide(store)).toEqual({
		emit: false,
		status: 200,
		body: { received: 2, emitted: 0 },
	});
});

test('a filter that keeps nothing asks the store nothing and answers 200', async () => {
	const decision = await decideDelivery(
		{ rawBody: body, signature: signBody(body, SECRET), appSecret: SECRET },
		{ ...rules, filter: { kinds: ['call'] } },
		{
			store: async () => {
				throw new Error('not asked');
			},
		},
	);
	expect(decision).toEqual({ emit: false, status: 200, body: { received: 0, emitted: 0 } });
});

test('a store that fails is answered 503, so Meta delivers again', async () => {
	const decision = await decideDelivery(
		{ rawBody: body, signature: signBody(body, SECRET), appSecret: SECRET },
		rules,
		{
			store: async () => {
				throw new Error('connection refused');
			},
		},
	);
	expect(decision).toEqual({
		emit: false,
		status: 503,
		body: { error: 'duplicate store unavailable, deliver again later: connection refused' },
	});
});

test('answered after the run: a repeat while the run holds the events is answered 503; a failed run lets it run again', async () => {
	const store = new MemoryDeliveryDedupStore();
	const hold = { holdUntilAnswered: { forMs: 60_000 } };
	const first = await decide(store, hold);
	expect(first.emit).toBe(true);
	if (!first.emit || !first.settle) throw new Error('expected a settle for a held claim');
	const meanwhile = await decide(store, hold);
	expect(meanwhile).toMatchObject({ emit: false, status: 503 });
	await first.settle(false);
	expect((await decide(store, hold)).emit).toBe(true);
});

test('onVerified sees the body only once its signature is checked', async () => {
	const seen: string[] = [];
	const onVerified = (raw: Buffer) => seen.push(raw.toString('utf8'));
	const store = new MemoryDeliveryDedupStore();
	await decideDelivery({ rawBody: body, signature: 'sha256=00', appSecret: SECRET }, rules, {
		store: async () => store,
		onVerified,
	});
	expect(seen).toEqual([]);
	await decideDelivery(
		{ rawBody: body, signature: signBody(body, SECRET), appSecret: SECRET },
		rules,
		{ store: async () => store, onVerified },
	);
	expect(seen).toEqual([body.toString('utf8')]);
});
