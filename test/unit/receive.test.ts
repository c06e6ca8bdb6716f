import { createHmac } from 'node:crypto';

import { answerVerification, filterEvents, receiveDelivery } from '../../lib/whatsapp/receive';
import type { WhatsAppEvent } from '../../lib/whatsapp/webhook';

const SECRET = 'app-secret';
const sign = (raw: string, secret = SECRET) =>
	`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

const delivery = JSON.stringify({
	object: 'whatsapp_business_account',
	entry: [
		{
			id: '102290129340398',
			changes: [
				{
					field: 'messages',
					value: {
						messaging_product: 'whatsapp',
						metadata: { display_phone_number: '85255550000', phone_number_id: '106540352242922' },
						contacts: [{ profile: { name: 'Chan Tai Man' }, wa_id: '85291234567' }],
						messages: [
							{
								from: '85291234567',
								id: 'wamid.A',
								timestamp: '1795300000',
								type: 'text',
								text: { body: 'hi' },
							},
						],
						statuses: [
							{
								id: 'wamid.B',
								status: 'read',
								timestamp: '1795300001',
								recipient_id: '85291234567',
							},
						],
					},
				},
			],
		},
	],
});

describe('answerVerification', () => {
	it('returns the challenge only for mode subscribe and the right token', () => {
		expect(
			answerVerification(
				{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '42' },
				'tok',
			),
		).toEqual({
			status: 200,
			challenge: '42',
		});
		expect(
			answerVerification(
				{ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok2', 'hub.challenge': '42' },
				'tok',
			).status,
		).toBe(403);
		expect(
			answerVerification(
				{ 'hub.mode': 'other', 'hub.verify_token': 'tok', 'hub.challenge': '42' },
				'tok',
			).status,
		).toBe(403);
		expect(
			answerVerification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok' }, 'tok').status,
		).toBe(403);
		// An unset verify token in the credential must never match an empty query value.
		expect(
			answerVerification(
				{ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' },
				'',
			).status,
		).toBe(403);
	});
});

describe('receiveDelivery', () => {
	it('accepts a correctly signed delivery and parses its events', () => {
		const outcome = receiveDelivery(Buffer.from(delivery), sign(delivery), SECRET);
		expect(outcome.status).toBe(200);
		if (outcome.status !== 200) return;
		expect(outcome.events.map((event) => [event.kind, event.id])).toEqual([
			['message', 'wamid.A'],
			['status', 'wamid.B'],
		]);
	});

	it('refuses a missing or wrong signature with 401', () => {
		expect(receiveDelivery(delivery, undefined, SECRET)).toMatchObject({
			status: 401,
			reason: expect.stringMatching(/missing/),
		});
		expect(receiveDelivery(delivery, sign(delivery, 'other'), SECRET)).toMatchObject({
			status: 401,
		});
		expect(receiveDelivery(delivery.replace('hi', 'ho'), sign(delivery), SECRET)).toMatchObject({
			status: 401,
		});
	});

	it('answers 400 to an empty, non-JSON or malformed body even when signed', () => {
		expect(receiveDelivery('', sign(''), SECRET).status).toBe(400);
		const notJson = '{"object":';
		expect(receiveDelivery(notJson, sign(notJson), SECRET)).toMatchObject({
			status: 400,
			reason: expect.stringMatching(/JSON/),
		});
		const badShape = '{"object":"whatsapp_business_account","entry":{"id":"1"}}';
		expect(receiveDelivery(badShape, sign(badShape), SECRET).status).toBe(400);
	});

	it('answers 400 to a signed delivery whose phone number id is too long to be Meta\u2019s', () => {
		const long = delivery.replace('106540352242922', '1'.repeat(10_000));
		expect(receiveDelivery(long, sign(long), SECRET)).toMatchObject({
			status: 400,
			reason: expect.stringMatching(/phone_number_id is 10000 characters long/),
		});
	});

	it('ignores other objects with 200 and no events', () => {
		const page = '{"object":"page","entry":[]}';
		expect(receiveDelivery(page, sign(page), SECRET)).toMatchObject({
			status: 200,
			events: [],
			ignored: expect.any(String),
		});
	});

	it('never echoes the app secret', () => {
		const outcome = receiveDelivery(delivery, 'sha256=00', SECRET);
		expect(JSON.stringify(outcome)).not.toContain(SECRET);
	});
});

describe('filterEvents', () => {
	const events = [
		{ kind: 'message', id: '1', phoneNumberId: 'p1', type: 'text' },
		{ kind: 'message', id: '2', phoneNumberId: 'p2', type: 'image' },
		{ kind: 'status', id: '3', phoneNumberId: 'p1', status: 'read' },
		{ kind: 'status', id: '4', phoneNumberId: 'p1', status: 'failed' },
	] as unknown as WhatsAppEvent[];
	const ids = (list: WhatsAppEvent[]) => list.map((event) => event.id);

	it('lets everything through with an empty filter', () => {
		expect(ids(filterEvents(events, {}))).toEqual(['1', '2', '3', '4']);
	});

	it('filters by kind, phone number, message type and status', () => {
		expect(ids(filterEvents(events, { kinds: ['message'] }))).toEqual(['1', '2']);
		expect(ids(filterEvents(events, { phoneNumberIds: ['p1'] }))).toEqual(['1', '3', '4']);
		expect(ids(filterEvents(events, { messageTypes: ['image'] }))).toEqual(['2', '3', '4']);
		expect(ids(filterEvents(events, { statuses: ['failed'] }))).toEqual(['1', '2', '4']);
	});
});

describe('receiveDelivery: a signed body that is not Meta’s (issue 15.5)', () => {
	it.each([
		['an object with a non-callable toString', '{"object":{"toString":1,"valueOf":1},"entry":[]}'],
		['a list', '{"object":[1,2],"entry":[]}'],
		['null', '{"object":null}'],
		['missing', '{"entry":[]}'],
		['a number', '{"object":7}'],
		['a JSON list body', '[{"object":"whatsapp_business_account"}]'],
		['a JSON string body', '"whatsapp_business_account"'],
	])('answers 200 and no events when object is %s', (_, raw) => {
		const outcome = receiveDelivery(raw, sign(raw), SECRET);
		expect(outcome).toMatchObject({ status: 200, events: [] });
		if (outcome.status === 200)
			expect(outcome.ignored).toMatch(/^object .* is not whatsapp_business_account$/);
	});

	it('names a string object in the reason, cut short when long', () => {
		const page = '{"object":"page","entry":[]}';
		expect(receiveDelivery(page, sign(page), SECRET)).toMatchObject({
			ignored: 'object "page" is not whatsapp_business_account',
		});
		const long = JSON.stringify({ object: 'x'.repeat(10_000) });
		const outcome = receiveDelivery(long, sign(long), SECRET);
		expect(outcome.status === 200 && outcome.ignored!.length).toBeLessThan(120);
	});
});
