/**
 * Fuzz: mutated real-shape webhook bodies (devkit/payloads/whatsappPayloads) through parseWebhook
 * and the trigger's receive path (signature, JSON, parse, filter, delivery keys, duplicate store).
 * Every input must end in a defined outcome: events that keep the parser's promises, a
 * WebhookPayloadError, or an answer of 200/400/401 — never another exception. Untimed: the
 * worst times per input size are printed by bench/hostile.ts.
 */
import { deliveryKey, MemoryDeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import { filterEvents, receiveDelivery } from '../../lib/whatsapp/receive';
import { signBody } from '../../lib/whatsapp/signature';
import { EVENT_KINDS, parseWebhook, WebhookPayloadError } from '../../lib/whatsapp/webhook';
import type { WhatsAppEvent } from '../../lib/whatsapp/webhook';
import {
	hostileValues,
	mutate,
	mutateBytes,
	seededRandom,
} from '../../devkit/generators/hostileInputs';
import {
	bsuidOnlyMessage,
	combine,
	contactsMessage,
	editMessage,
	envelope,
	interactiveReply,
	location,
	mediaMessage,
	orderMessage,
	reaction,
	realisticMix,
	revokeMessage,
	statusUpdate,
	systemNumberChange,
	templateButtonReply,
	templateStatusUpdate,
	textMessage,
	unsupportedMessage,
	webhookErrors,
} from '../../devkit/payloads/whatsappPayloads';

const SECRET = 'fuzz-app-secret';
const MUTATED_BODIES = Number(process.env.SCRM_FUZZ_BODIES ?? 3000);

/** One body of every shape the builders know, plus a stretch of the realistic mix. */
function seeds(): unknown[] {
	const all = combine(
		textMessage(),
		mediaMessage('image'),
		mediaMessage('document'),
		interactiveReply({ kind: 'nfm_reply', response: { a: [1, { b: 'c' }] } }),
		interactiveReply({ kind: 'list_reply' }),
		templateButtonReply(),
		reaction(),
		reaction({ emoji: null }),
		location(),
		contactsMessage(),
		orderMessage(),
		systemNumberChange(),
		editMessage(),
		revokeMessage(),
		unsupportedMessage(),
		bsuidOnlyMessage(),
		statusUpdate('sent', { withContact: {} }),
		statusUpdate('failed'),
		webhookErrors(),
	);
	return [envelope(all, templateStatusUpdate()), ...realisticMix(40, 7)];
}

const KINDS = new Set<string>(EVENT_KINDS);

/** What every parsed event promises, whatever the body held. */
function expectSoundEvent(event: WhatsAppEvent): void {
	expect(KINDS.has(event.kind)).toBe(true);
	if (event.kind !== ('change' as string)) {
		expect(typeof event.id).toBe('string');
		expect(event.id.trim()).not.toBe('');
		expect(event.id.length).toBeLessThanOrEqual(400);
		expect(typeof event.phoneNumberId).toBe('string');
		expect(typeof event.customer).toBe('object');
	}
	expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	expect(Number.isFinite(Date.parse(event.timestamp))).toBe(true);
	if (event.kind === 'message' && event.customer.e164 !== undefined)
		expect(event.customer.e164).toMatch(/^\+[1-9]\d{6,14}$/);
}

/** parseWebhook's defined outcomes: events, or a WebhookPayloadError. */
function parseOutcome(body: unknown): WhatsAppEvent[] | WebhookPayloadError {
	try {
		return parseWebhook(body);
	} catch (error) {
		if (error instanceof WebhookPayloadError) return error;
		throw error;
	}
}

describe('fuzz: parseWebhook on mutated real-shape bodies', () => {
	it(`ends each of ${MUTATED_BODIES} mutated bodies in events or a WebhookPayloadError`, () => {
		const random = seededRandom(15);
		const bases = seeds();
		let events = 0;
		let refused = 0;
		for (let i = 0; i < MUTATED_BODIES; i++) {
			const body = mutate(bases[i % bases.length], random, 1 + Math.floor(random() * 4));
			const outcome = parseOutcome(body);
			if (outcome instanceof WebhookPayloadError) {
				refused++;
				expect(outcome.message).toMatch(/^Not a WhatsApp Cloud API webhook payload: /);
				continue;
			}
			for (const event of outcome) expectSoundEvent(event);
			events += outcome.length;
			// n8n stores items as JSON: the events must serialise.
			expect(() => JSON.stringify(outcome)).not.toThrow();
		}
		// The mutations must have exercised both outcomes.
		expect(events).toBeGreaterThan(MUTATED_BODIES / 10);
		expect(refused).toBeGreaterThan(0);
	});

	it('ends every hostile value in every place of a body in a defined outcome', () => {
		const base = envelope(textMessage(), statusUpdate('read'));
		// Paths into a body that these very assignments may reshape: typed loosely on purpose.
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		type Loose = any;
		const places: Array<(body: Loose, value: unknown) => void> = [
			(b, v) => (b.object = v),
			(b, v) => (b.entry = v),
			(b, v) => (b.entry[0] = v),
			(b, v) => (b.entry[0].id = v),
			(b, v) => (b.entry[0].changes = v),
			(b, v) => (b.entry[0].changes[0].field = v),
			(b, v) => (b.entry[0].changes[0].value = v),
			(b, v) => (b.entry[0].changes[0].value.metadata = v),
			(b, v) => (b.entry[0].changes[0].value.metadata.phone_number_id = v),
			(b, v) => (b.entry[0].changes[0].value.contacts = v),
			(b, v) => (b.entry[0].changes[0].value.messages = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].id = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].from = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].timestamp = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].type = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].text = v),
			(b, v) => (b.entry[0].changes[0].value.messages[0].context = v),
			(b, v) =>
				(b.entry[1] = {
					id: '1',
					changes: [
						{
							field: 'messages',
							value: {
								metadata: { phone_number_id: 'p' },
								statuses: [{ id: v, status: v, timestamp: v, errors: [{ code: v, message: v }] }],
							},
						},
					],
				}),
		];
		for (const value of hostileValues())
			for (const place of places) {
				const body = structuredClone(base) as Loose;
				place(body, value);
				const outcome = parseOutcome(body);
				if (!(outcome instanceof WebhookPayloadError))
					for (const event of outcome) expectSoundEvent(event);
			}
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe("fuzz: the trigger's receive path on signed, mutated deliveries", () => {
	it('answers every mutated delivery 200, 400 or 401 and keys each event for the duplicate store', async () => {
		const random = seededRandom(16);
		const bases = seeds();
		const store = new MemoryDeliveryDedupStore(10_000);
		const statuses = new Map<number, number>();
		for (let i = 0; i < Math.ceil(MUTATED_BODIES / 3); i++) {
			const mutated = mutate(bases[i % bases.length], random, 1 + Math.floor(random() * 3));
			let raw: Buffer = Buffer.from(JSON.stringify(mutated) ?? 'null');
			if (random() < 0.3) raw = mutateBytes(raw, random);
			// Mostly correctly signed (the attacker has the secret or replays), sometimes not.
			const signature = random() < 0.9 ? signBody(raw, SECRET) : `sha256=${'0'.repeat(64)}`;
			const outcome = receiveDelivery(raw, signature, SECRET);
			statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
			expect([200, 400, 401]).toContain(outcome.status);
			if (outcome.status !== 200) {
				expect(typeof outcome.reason).toBe('string');
				expect(outcome.reason).not.toContain(SECRET);
				continue;
			}
			const events = filterEvents(outcome.events, { kinds: ['message', 'status', 'error'] });
			const keys = events.map((event) => `${event.phoneNumberId}:${deliveryKey(event)}`);
			const claims = await store.claim(keys, 60_000);
			expect(claims).toHaveLength(keys.length);
			for (const claim of claims) expect(['claimed', 'handled']).toContain(claim);
		}
		expect(statuses.get(200)).toBeGreaterThan(0);
		expect(statuses.get(400)).toBeGreaterThan(0);
	});

	it('answers 200 with no events, never 500, to a signed body whose object is not Meta’s', () => {
		for (const value of hostileValues()) {
			const raw = JSON.stringify({ object: value, entry: [] }) ?? '{}';
			const outcome = receiveDelivery(raw, signBody(raw, SECRET), SECRET);
			expect(outcome).toMatchObject({ status: 200, events: [] });
		}
	});
});
