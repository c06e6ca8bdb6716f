import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	DEFAULT_LIMITS,
	SIM,
	authenticationTemplates,
	SIM_MEDIA_BYTES,
	startGraphApiSimulator,
} from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { envelopeFor, statusUpdate, textMessage } from '../../devkit/payloads/whatsappPayloads';

const V = 'v23.0';
const CUSTOMER = '85261234567';
/** The simulator's business number, on bodies of the one webhook payload builder. */
const SIM_NUMBER = {
	phoneNumberId: SIM.phoneNumberId,
	displayPhoneNumber: SIM.displayPhoneNumber.replace(/\D/g, ''),
};

interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

/** A webhook receiver that records every request; `handshake` decides how it answers Meta's GET. */
async function startReceiver(
	handshake: 'echo' | 'wrong' | 'forbid' = 'echo',
	verifyToken = SIM.verifyToken,
) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				raw: Buffer.concat(chunks),
			});
			const url = new URL(req.url ?? '/', 'http://receiver');
			if (req.method === 'GET') {
				const tokenOk =
					url.searchParams.get('hub.verify_token') === verifyToken &&
					url.searchParams.get('hub.mode') === 'subscribe';
				if (handshake === 'forbid' || !tokenOk) {
					res.writeHead(403).end('forbidden');
				} else {
					res
						.writeHead(200, { 'content-type': 'text/plain' })
						.end(handshake === 'echo' ? url.searchParams.get('hub.challenge') : 'nope');
				}
				return;
			}
			res.writeHead(200).end('EVENT_RECEIVED');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		received,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

async function graph(
	sim: GraphApiSimulator,
	method: string,
	path: string,
	options: { body?: unknown; token?: string | null } = {},
) {
	const token = options.token === undefined ? SIM.token : options.token;
	const headers: Record<string, string> = {};
	if (token) headers.authorization = `Bearer ${token}`;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(`${sim.url}${path}`, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await response.text();
	let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text, headers: response.headers };
}

const textTo = (to: string, body = 'hello') => ({
	messaging_product: 'whatsapp',
	to,
	type: 'text',
	text: { body },
});
const send = (sim: GraphApiSimulator, body: unknown, phoneNumberId: string = SIM.phoneNumberId) =>
	graph(sim, 'POST', `/${V}/${phoneNumberId}/messages`, { body });

function hmacHex(secret: string, raw: Buffer): string {
	return createHmac('sha256', secret).update(raw).digest('hex');
}

describe('Graph API simulator', () => {
	let clock = 1_760_000_000_000;
	let sim: GraphApiSimulator;

	beforeAll(async () => {
		sim = await startGraphApiSimulator({
			now: () => clock,
			appCallbackUrl: 'http://127.0.0.1:9/app-callback',
		});
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		clock += 10 * 24 * 3600 * 1000;
		sim.state.resetCounters();
		Object.assign(sim.state.limits, DEFAULT_LIMITS);
	});

	describe('webhook deliveries', () => {
		let receiver: Awaited<ReturnType<typeof startReceiver>>;
		beforeAll(async () => {
			receiver = await startReceiver();
		});
		afterAll(() => receiver.stop());
		beforeEach(() => {
			receiver.received.length = 0;
		});

		it('signs the raw body bytes with HMAC-SHA256 of the app secret', async () => {
			const body = envelopeFor(
				SIM.wabaId,
				textMessage({
					...SIM_NUMBER,
					from: CUSTOMER,
					text: '你好 😀 "quotes" </tags>',
					name: '陳小姐',
				}),
			);
			const answer = await sim.postWebhook(receiver.url, body);
			expect(answer.status).toBe(200);
			const [request] = receiver.received;
			expect(request.method).toBe('POST');
			expect(request.headers['content-type']).toBe('application/json');
			const header = String(request.headers['x-hub-signature-256']);
			expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
			const expected = Buffer.from(`sha256=${hmacHex(SIM.appSecret, request.raw)}`);
			expect(timingSafeEqual(Buffer.from(header), expected)).toBe(true);
			expect(JSON.parse(request.raw.toString('utf8'))).toEqual(body);
		});

		it('signs a string body exactly as given, without re-serialising it', async () => {
			const raw = '{ "object":"whatsapp_business_account",  "entry": [] , "note":"caf\\u00e9" }';
			await sim.postWebhook(receiver.url, raw, { appSecret: 'other-secret' });
			const [request] = receiver.received;
			expect(request.raw.toString('utf8')).toBe(raw);
			expect(request.headers['x-hub-signature-256']).toBe(
				`sha256=${hmacHex('other-secret', Buffer.from(raw))}`,
			);
		});

		it('forges, omits or detaches the signature on request', async () => {
			const body = envelopeFor(
				SIM.wabaId,
				statusUpdate('delivered', { ...SIM_NUMBER, id: 'wamid.x', recipient: CUSTOMER }),
			);
			await sim.postWebhook(receiver.url, body, { forgeSignature: true });
			await sim.postWebhook(receiver.url, body, { omitSignature: true });
			await sim.postWebhook(receiver.url, body, {
				rawOverride: JSON.stringify({ ...body, tampered: true }),
			});
			const [forged, unsigned, tampered] = receiver.received;
			const forgedHeader = String(forged.headers['x-hub-signature-256']);
			expect(forgedHeader).toMatch(/^sha256=[0-9a-f]{64}$/);
			expect(forgedHeader).not.toBe(`sha256=${hmacHex(SIM.appSecret, forged.raw)}`);
			expect(unsigned.headers['x-hub-signature-256']).toBeUndefined();
			// The tampered delivery carries the signature of the original body, not of the bytes sent.
			expect(tampered.headers['x-hub-signature-256']).not.toBe(
				`sha256=${hmacHex(SIM.appSecret, tampered.raw)}`,
			);
			expect(tampered.headers['x-hub-signature-256']).toBe(
				`sha256=${hmacHex(SIM.appSecret, Buffer.from(JSON.stringify(body)))}`,
			);
			expect(sim.state.webhooks).toHaveLength(3);
		});

		it('opens the customer-service window for customers whose messages it delivered', async () => {
			expect((await send(sim, textTo(CUSTOMER))).json.error.code).toBe(131047);
			await sim.postWebhook(
				receiver.url,
				envelopeFor(SIM.wabaId, textMessage({ ...SIM_NUMBER, from: CUSTOMER, text: 'hi' })),
			);
			expect(sim.state.lastInbound(SIM.phoneNumberId, CUSTOMER)).toBe(clock);
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
		});

		it('answers the verification handshake check both ways', async () => {
			expect(await sim.verifyCallback(receiver.url, SIM.verifyToken)).toBe(true);
			expect(await sim.verifyCallback(receiver.url, 'wrong-token')).toBe(false);
			const handshake = new URL(receiver.received[0].url, 'http://x');
			expect(handshake.searchParams.get('hub.mode')).toBe('subscribe');
			expect(handshake.searchParams.get('hub.challenge')).toMatch(/^\d+$/);
			expect(await sim.verifyCallback('http://127.0.0.1:9/closed', SIM.verifyToken)).toBe(false);
		});

		it('delivers where Meta would: number override, else WABA override, else the app callback', async () => {
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`);
			const wabaHook = `${receiver.url}?level=waba`;
			const phoneHook = `${receiver.url}?level=phone`;
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`, {
				body: { override_callback_uri: wabaHook, verify_token: SIM.verifyToken },
			});
			await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: {
					webhook_configuration: {
						override_callback_uri: phoneHook,
						verify_token: SIM.verifyToken,
					},
				},
			});
			receiver.received.length = 0;
			const body = envelopeFor(
				SIM.wabaId,
				statusUpdate('read', { ...SIM_NUMBER, id: 'wamid.y', recipient: CUSTOMER }),
			);
			await sim.deliver(SIM.phoneNumberId, body);
			await sim.deliver(SIM.secondPhoneNumberId, body);
			expect(
				receiver.received.map((r) => new URL(r.url, 'http://x').searchParams.get('level')),
			).toEqual(['phone', 'waba']);
			await expect(sim.deliver(SIM.otherWabaPhoneNumberId, body)).rejects.toThrow(
				/ECONNREFUSED|connect/,
			);
			await graph(sim, 'DELETE', `/${V}/${SIM.wabaId}/subscribed_apps`);
			await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: { webhook_configuration: { override_callback_uri: '' } },
			});
		});
	});

	describe('auth, routing and error shapes', () => {
		it('answers a wrong or expired token with 401 / 190 and a missing one with 400 / 104, in Meta’s shape', async () => {
			const wrong = await graph(sim, 'GET', `/${V}/${SIM.wabaId}`, { token: 'nope' });
			expect(wrong.status).toBe(401);
			expect(wrong.json).toEqual({
				error: {
					message: expect.stringContaining('Invalid OAuth access token'),
					type: 'OAuthException',
					code: 190,
					fbtrace_id: expect.any(String),
				},
			});
			expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
			const missing = await graph(sim, 'GET', `/${V}/${SIM.wabaId}`, { token: null });
			expect(missing.status).toBe(400);
			expect(missing.json).toEqual({
				error: {
					message: 'An access token is required to request this resource.',
					type: 'OAuthException',
					code: 104,
					fbtrace_id: expect.any(String),
				},
			});
			const expired = await startGraphApiSimulator({ expiredTokens: ['old'] });
			try {
				const answer = await graph(expired, 'GET', `/${V}/${SIM.wabaId}`, { token: 'old' });
				expect(answer.json.error).toMatchObject({ code: 190, error_subcode: 463 });
			} finally {
				await expired.stop();
			}
			expect(sim.state.rejected[190]).toBe(1);
			expect(sim.state.rejected[104]).toBe(1);
		});

		it('also takes the token as an access_token query parameter', async () => {
			const answer = await graph(
				sim,
				'GET',
				`/${V}/${SIM.wabaId}?fields=id,name&access_token=${SIM.token}`,
				{ token: null },
			);
			expect(answer.json).toEqual({ id: SIM.wabaId, name: 'Acme Trading HK' });
		});

		it('answers unknown ids with 400 / 100 / subcode 33 and unknown edges with 100', async () => {
			const unknown = await graph(sim, 'GET', `/${V}/4242`);
			expect(unknown.status).toBe(400);
			expect(unknown.json.error).toMatchObject({
				code: 100,
				error_subcode: 33,
				type: 'GraphMethodException',
			});
			expect(unknown.json.error.message).toContain("Object with ID '4242' does not exist");
			expect((await send(sim, textTo(CUSTOMER), '4242')).json.error).toMatchObject({
				code: 100,
				error_subcode: 33,
			});
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}/nonsense`)).json.error.code).toBe(100);
		});

		it('accepts any vN.N version and refuses paths without one', async () => {
			for (const version of ['v17.0', 'v23.0', 'v99.9']) {
				expect((await graph(sim, 'GET', `/${version}/${SIM.wabaId}`)).status).toBe(200);
			}
			expect((await graph(sim, 'GET', `/${SIM.wabaId}`)).status).toBe(400);
			expect((await graph(sim, 'GET', `/v23/${SIM.wabaId}`)).status).toBe(400);
		});

		it('counts requests by endpoint and rejections by code', async () => {
			await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`);
			await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`);
			await send(sim, textTo(CUSTOMER));
			expect(sim.state.requests).toMatchObject({
				'GET /{waba_id}/phone_numbers': 2,
				'POST /{phone_number_id}/messages': 1,
			});
			expect(sim.state.rejected).toEqual({ 131047: 1 });
			expect(sim.state.rejections[0]).toMatchObject({
				code: 131047,
				httpStatus: 400,
				endpoint: 'POST /{phone_number_id}/messages',
			});
		});

		it('gives WhatsApp errors error_data with messaging_product and details', async () => {
			const answer = await send(sim, textTo(CUSTOMER));
			expect(answer.json.error).toEqual({
				message: '(#131047) Re-engagement message',
				type: 'OAuthException',
				code: 131047,
				error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('24 hours') },
				fbtrace_id: expect.any(String),
			});
		});
	});

	describe('sends', () => {
		it('validates the body: messaging_product, to, type, text length', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER);
			expect(
				(await send(sim, { to: CUSTOMER, type: 'text', text: { body: 'x' } })).json.error.code,
			).toBe(100);
			expect(
				(await send(sim, { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } })).json
					.error.code,
			).toBe(100);
			expect((await send(sim, { ...textTo(CUSTOMER), type: 'fax' })).json.error.code).toBe(100);
			expect(
				(await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: {} }))
					.json.error.code,
			).toBe(131008);
			const tooLong = await send(sim, textTo(CUSTOMER, 'x'.repeat(4097)));
			expect(tooLong.json.error).toMatchObject({ code: 100 });
			expect(tooLong.json.error.message).toContain('4096');
			expect((await send(sim, textTo(CUSTOMER, '字'.repeat(4096)))).status).toBe(200);
			expect(sim.state.sent).toHaveLength(1);
		});

		it('answers an accepted send as Meta does and records it with its receive time', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER);
			const answer = await send(sim, { ...textTo(`+${CUSTOMER}`), recipient_type: 'individual' });
			expect(answer.json).toEqual({
				messaging_product: 'whatsapp',
				contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
				messages: [{ id: expect.stringMatching(/^wamid\./) }],
			});
			expect(sim.state.sent[0]).toMatchObject({
				id: answer.json.messages[0].id,
				waId: CUSTOMER,
				type: 'text',
				receivedAt: clock,
			});
		});

		it('checks templates: existence, approval, language and parameters', async () => {
			const template = (name: string, language: string, components?: unknown[]) => ({
				messaging_product: 'whatsapp',
				to: CUSTOMER,
				type: 'template',
				template: { name, language: { code: language }, ...(components ? { components } : {}) },
			});
			const code = async (body: unknown) => (await send(sim, body)).json.error?.code;
			sim.state.limits.pairIntervalMs = 0;
			expect(
				(await send(sim, template('hello_world', 'en_US'))).json.messages[0].message_status,
			).toBe('accepted');
			expect(await code(template('hello_world', 'zh_HK'))).toBe(132001);
			expect(
				await code(
					template('pending_offer', 'en_US', [
						{ type: 'body', parameters: [{ type: 'text', text: 'a' }] },
					]),
				),
			).toBe(132001);
			expect(
				await code(
					template('paused_offer', 'en_US', [
						{ type: 'body', parameters: [{ type: 'text', text: 'a' }] },
					]),
				),
			).toBe(132015);
			expect(await code(template('order_update', 'zh_HK'))).toBe(132000);
			expect(
				await code(
					template('hello_world', 'en_US', [
						{ type: 'body', parameters: [{ type: 'text', text: 'extra' }] },
					]),
				),
			).toBe(132000);
			const named = (names: string[]) =>
				template('welcome_named', 'en_US', [
					{
						type: 'body',
						parameters: names.map((n) => ({ type: 'text', parameter_name: n, text: 'v' })),
					},
				]);
			expect(await code(named(['customer_name', 'shop_name']))).toBeUndefined();
			expect(await code(named(['customer_name', 'typo']))).toBe(132000);
			const sale = (header: unknown) =>
				template('spring_sale', 'zh_HK', [
					{ type: 'header', parameters: [header] },
					{ type: 'body', parameters: [{ type: 'text', text: '8' }] },
				]);
			expect(await code(sale({ type: 'image', image: { id: SIM.mediaId } }))).toBeUndefined();
			expect(await code(sale({ type: 'text', text: 'no image' }))).toBe(132012);
			const long = template('order_update', 'zh_HK', [
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'x'.repeat(1000) },
						{ type: 'text', text: 'y'.repeat(100) },
					],
				},
			]);
			expect(await code(long)).toBe(132005);
			const missing = await send(
				sim,
				template('order_update', 'zh_HK', [
					{ type: 'body', parameters: [{ type: 'text', text: 'a' }] },
				]),
			);
			expect(missing.status).toBe(400);
			expect(missing.json.error.error_data.details).toBe(
				'body: number of localizable_params (1) does not match the expected number of params (2)',
			);
			expect((await send(sim, template('no_such', 'en_US'))).status).toBe(404);
		});

		it('accepts read receipts without counting them as sends', async () => {
			const answer = await send(sim, {
				messaging_product: 'whatsapp',
				status: 'read',
				message_id: 'wamid.in',
			});
			expect(answer.json).toEqual({ success: true });
			expect(sim.state.reads).toHaveLength(1);
			expect(sim.state.sent).toHaveLength(0);
		});
	});

	describe('customers with a username (business-scoped user ids)', () => {
		const USER_ID = 'HK.1502576394655843';
		// Its own simulator: the templates added here would change the default seed's counts.
		let sim: GraphApiSimulator;
		beforeAll(async () => {
			sim = await startGraphApiSimulator({ now: () => clock });
			for (const template of authenticationTemplates()) sim.state.addTemplate(SIM.wabaId, template);
		});
		afterAll(() => sim.stop());
		beforeEach(() => {
			sim.state.resetCounters();
			sim.state.limits.pairIntervalMs = 0;
		});
		const loginCode = (who: Record<string, string>) => ({
			messaging_product: 'whatsapp',
			...who,
			type: 'template',
			template: {
				name: 'login_code',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: '123456' }] },
					{
						type: 'button',
						sub_type: 'url',
						index: '0',
						parameters: [{ type: 'text', text: '123456' }],
					},
				],
			},
		});

		it('sends to a business-scoped user id in recipient and answers with contacts[].user_id', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, USER_ID);
			const answer = await send(sim, {
				messaging_product: 'whatsapp',
				recipient: USER_ID,
				type: 'text',
				text: { body: 'hi' },
			});
			expect(answer.status).toBe(200);
			expect(answer.json.contacts).toEqual([{ input: USER_ID, user_id: USER_ID }]);
			expect(sim.state.sent[0]).toMatchObject({ to: USER_ID, recipient: USER_ID, waId: USER_ID });
		});

		it('takes a parent id (CC.ENT.…) as recipient', async () => {
			const parent = 'US.ENT.11815799212886844830';
			sim.state.recordInbound(SIM.phoneNumberId, parent);
			const answer = await send(sim, {
				messaging_product: 'whatsapp',
				recipient: parent,
				type: 'text',
				text: { body: 'hi' },
			});
			expect(answer.json.contacts).toEqual([{ input: parent, user_id: parent }]);
		});

		it('sends to `to` when both are given', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER);
			const answer = await send(sim, { ...textTo(CUSTOMER), recipient: USER_ID });
			expect(answer.json.contacts).toEqual([{ input: CUSTOMER, wa_id: CUSTOMER }]);
			expect(sim.state.sent[0].recipient).toBeUndefined();
		});

		it('refuses a malformed id with 131009 and no customer at all with 100', async () => {
			const bad = await send(sim, {
				messaging_product: 'whatsapp',
				recipient: `HK.${'1'.repeat(129)}`,
				type: 'text',
				text: { body: 'hi' },
			});
			expect(bad.json.error.code).toBe(131009);
			const none = await send(sim, {
				messaging_product: 'whatsapp',
				type: 'text',
				text: { body: 'hi' },
			});
			expect(none.json.error.code).toBe(100);
			expect(sim.state.sent).toHaveLength(0);
		});

		it('opens the service window of a username-only customer from their webhook message', async () => {
			const receiver = await startReceiver();
			try {
				const body = {
					object: 'whatsapp_business_account',
					entry: [
						{
							id: SIM.wabaId,
							changes: [
								{
									field: 'messages',
									value: {
										messaging_product: 'whatsapp',
										metadata: { display_phone_number: '852', phone_number_id: SIM.phoneNumberId },
										contacts: [
											{ profile: { name: 'Tai Man', username: 'taiman' }, user_id: 'TW.77' },
										],
										messages: [
											{
												from_user_id: 'TW.77',
												id: 'wamid.u',
												timestamp: '1',
												type: 'text',
												text: { body: 'hi' },
											},
										],
									},
								},
							],
						},
					],
				};
				await sim.postWebhook(receiver.url, body);
			} finally {
				await receiver.stop();
			}
			expect(sim.state.lastInbound(SIM.phoneNumberId, 'TW.77')).toBe(clock);
		});

		it('answers a phone send with the user id it learnt from a delivery that carried both', async () => {
			const receiver = await startReceiver();
			try {
				await sim.postWebhook(
					receiver.url,
					envelopeFor(SIM.wabaId, textMessage({ ...SIM_NUMBER, from: '85260001111', text: 'hi' })),
				);
			} finally {
				await receiver.stop();
			}
			// Without a user id in the delivery the answer has none.
			const before = await send(sim, textTo('85260001111'));
			expect(before.json.contacts).toEqual([{ input: '85260001111', wa_id: '85260001111' }]);
			const receiver2 = await startReceiver();
			try {
				await sim.postWebhook(
					receiver2.url,
					envelopeFor(
						SIM.wabaId,
						textMessage({
							...SIM_NUMBER,
							from: '85260001111',
							userId: 'HK.6000111',
							text: 'again',
						}),
					),
				);
			} finally {
				await receiver2.stop();
			}
			const after = await send(sim, textTo('85260001111'));
			expect(after.json.contacts).toEqual([
				{ input: '85260001111', wa_id: '85260001111', user_id: 'HK.6000111' },
			]);
		});

		it('refuses a copy-code authentication template to a user id with 131062, and sends it to a phone', async () => {
			const refused = await send(sim, loginCode({ recipient: USER_ID }));
			expect(refused.status).toBe(400);
			expect(refused.json.error).toMatchObject({
				code: 131062,
				error_data: { details: expect.stringContaining('business-scoped user ID') },
			});
			expect(sim.state.sent).toHaveLength(0);
			expect((await send(sim, loginCode({ to: CUSTOMER }))).status).toBe(200);
			// Other templates go to a user id.
			expect(
				(
					await send(sim, {
						messaging_product: 'whatsapp',
						recipient: USER_ID,
						type: 'template',
						template: { name: 'hello_world', language: { code: 'en_US' } },
					})
				).status,
			).toBe(200);
		});
	});

	describe('what Meta accepts beyond the required parameters', () => {
		let sim: GraphApiSimulator;
		beforeAll(async () => {
			sim = await startGraphApiSimulator({ now: () => clock });
		});
		afterAll(() => sim.stop());
		beforeEach(() => {
			sim.state.resetCounters();
			sim.state.limits.pairIntervalMs = 0;
		});
		const orderUpdate = (extra: unknown[]) => ({
			messaging_product: 'whatsapp',
			to: CUSTOMER,
			type: 'template',
			template: {
				name: 'order_update',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: 'A-1' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Mei' },
							{ type: 'text', text: 'A-1' },
							{ type: 'text', text: '3 May' },
						],
					},
					{
						type: 'button',
						sub_type: 'url',
						index: '0',
						parameters: [{ type: 'text', text: 'A-1' }],
					},
					...extra,
				],
			},
		});
		const quickReply = (parameter: unknown) => ({
			type: 'button',
			sub_type: 'quick_reply',
			index: '1',
			parameters: [parameter],
		});

		it('takes a payload parameter on a quick-reply button, and refuses another type with 132012', async () => {
			expect((await send(sim, orderUpdate([]))).status).toBe(200);
			expect(
				(await send(sim, orderUpdate([quickReply({ type: 'payload', payload: 'talk' })]))).status,
			).toBe(200);
			expect(
				(await send(sim, orderUpdate([quickReply({ type: 'text', text: 'talk' })]))).json.error
					.code,
			).toBe(132012);
			// A quick-reply parameter on the URL button's index is still refused.
			expect(
				(
					await send(
						sim,
						orderUpdate([
							{
								type: 'button',
								sub_type: 'quick_reply',
								index: '2',
								parameters: [{ type: 'payload', payload: 'x' }],
							},
						]),
					)
				).json.error.code,
			).toBe(132000);
		});

		it('takes action parameters on catalog and flow buttons', async () => {
			sim.state.addTemplate(SIM.wabaId, {
				name: 'shop_catalog',
				language: 'en_US',
				category: 'MARKETING',
				components: [
					{ type: 'BODY', text: 'Our new season is here' },
					{ type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] },
				],
			});
			sim.state.addTemplate(SIM.wabaId, {
				name: 'book_visit',
				language: 'en_US',
				category: 'UTILITY',
				components: [
					{ type: 'BODY', text: 'Book your visit' },
					{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Book', flow_id: '1234' }] },
				],
			});
			const withButton = (name: string, component: unknown) => ({
				messaging_product: 'whatsapp',
				to: CUSTOMER,
				type: 'template',
				template: { name, language: { code: 'en_US' }, components: [component] },
			});
			const catalog = await send(
				sim,
				withButton('shop_catalog', {
					type: 'button',
					sub_type: 'CATALOG',
					index: 0,
					parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: 'SKU-1' } }],
				}),
			);
			expect(catalog.status).toBe(200);
			const flow = await send(
				sim,
				withButton('book_visit', {
					type: 'button',
					sub_type: 'flow',
					index: '0',
					parameters: [
						{ type: 'action', action: { flow_token: 'tok', flow_action_data: { a: 1 } } },
					],
				}),
			);
			expect(flow.status).toBe(200);
			const wrong = await send(
				sim,
				withButton('book_visit', {
					type: 'button',
					sub_type: 'flow',
					index: '0',
					parameters: [{ type: 'action', action: 'not an object' }],
				}),
			);
			expect(wrong.json.error.code).toBe(132012);
		});

		it('takes a contacts message whose contacts is an array, and refuses one without a formatted name', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER);
			const contacts = (list: unknown) => ({
				messaging_product: 'whatsapp',
				to: CUSTOMER,
				type: 'contacts',
				contacts: list,
			});
			const ok = await send(
				sim,
				contacts([
					{
						name: { formatted_name: 'Shop', first_name: 'Shop' },
						phones: [{ phone: '+85221234567', type: 'WORK' }],
					},
				]),
			);
			expect(ok.status).toBe(200);
			expect((await send(sim, contacts([{ phones: [] }]))).json.error.code).toBe(100);
			expect((await send(sim, contacts([]))).json.error.code).toBe(100);
			expect((await send(sim, contacts({ name: { formatted_name: 'x' } }))).json.error.code).toBe(
				100,
			);
		});

		it('sends is_transient when a scripted error says so', async () => {
			sim.state.failNext(1, { code: 131000, isTransient: true });
			const answer = await send(sim, textTo(CUSTOMER));
			expect(answer.json.error).toMatchObject({ code: 131000, is_transient: true });
		});
	});

	describe('limits', () => {
		it('enforces throughput per number over a sliding one-second window, inbound included', async () => {
			Object.assign(sim.state.limits, {
				throughputPerSecond: 3,
				pairIntervalMs: 0,
				serviceWindowMs: 0,
			});
			const start = clock;
			const statuses: number[] = [];
			for (let i = 0; i < 4; i++) {
				clock = start + i * 100;
				statuses.push((await send(sim, textTo(`8526100000${i}`))).status);
			}
			expect(statuses).toEqual([200, 200, 200, 400]);
			expect(sim.state.rejected[130429]).toBe(1);
			// Another number has its own budget.
			expect((await send(sim, textTo('85261000009'), SIM.secondPhoneNumberId)).status).toBe(200);
			// At start + 1000 the first send has left the window, the other two have not.
			clock = start + 1000;
			expect((await send(sim, textTo('85261000005'))).status).toBe(200);
			expect((await send(sim, textTo('85261000006'))).status).toBe(400);
			clock = start + 1250;
			expect((await send(sim, textTo('85261000007'))).status).toBe(200);
			// Inbound messages use the same budget.
			clock = start + 5000;
			for (let i = 0; i < 3; i++) sim.state.recordInbound(SIM.phoneNumberId, `8526200000${i}`);
			expect((await send(sim, textTo('85261000008'))).json.error.code).toBe(130429);
		});

		it('enforces the pair rate with a configurable burst', async () => {
			Object.assign(sim.state.limits, { serviceWindowMs: 0, pairIntervalMs: 6000, pairBurst: 2 });
			const start = clock;
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
			const third = await send(sim, textTo(CUSTOMER));
			expect(third.json.error).toMatchObject({
				code: 131056,
				error_data: { details: expect.stringContaining('same phone number') },
			});
			clock = start + 5999;
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(400);
			clock = start + 6000;
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(400);
			expect(sim.state.rejected[131056]).toBe(3);
		});

		it('allows free-form messages only within 24 h of the customer’s last message; templates always', async () => {
			Object.assign(sim.state.limits, { pairIntervalMs: 0 });
			const start = clock;
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER, start);
			clock = start + 24 * 3600 * 1000;
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
			clock += 1;
			expect((await send(sim, textTo(CUSTOMER))).json.error.code).toBe(131047);
			// The window belongs to the business number the customer wrote to.
			sim.state.recordInbound(SIM.secondPhoneNumberId, CUSTOMER);
			expect((await send(sim, textTo(CUSTOMER))).json.error.code).toBe(131047);
			const hello = {
				messaging_product: 'whatsapp',
				to: CUSTOMER,
				type: 'template',
				template: { name: 'hello_world', language: { code: 'en_US' } },
			};
			expect((await send(sim, hello)).status).toBe(200);
		});

		it('turns every limit off with limits: false', async () => {
			const free = await startGraphApiSimulator({ limits: false });
			try {
				for (let i = 0; i < 5; i++) expect((await send(free, textTo(CUSTOMER))).status).toBe(200);
			} finally {
				await free.stop();
			}
		});

		it('adds the configured latency to every answer', async () => {
			sim.state.latencyMs = 80;
			const started = Date.now();
			await graph(sim, 'GET', `/${V}/${SIM.wabaId}`);
			expect(Date.now() - started).toBeGreaterThanOrEqual(75);
			sim.state.latencyMs = 0;
		});
	});

	describe('scripted faults', () => {
		it('fails the next matching requests with the scripted error, in order', async () => {
			sim.state.failNext(2, { code: 131000, httpStatus: 500 }, { endpoint: 'phone_numbers' });
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}`)).status).toBe(200);
			const first = await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`);
			expect(first.status).toBe(500);
			expect(first.json.error).toMatchObject({
				code: 131000,
				error_data: { messaging_product: 'whatsapp' },
			});
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`)).status).toBe(500);
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`)).status).toBe(200);
			sim.state.failNext(1, { code: 4 });
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}`)).status).toBe(429);
		});

		it('drops the connection before or after processing', async () => {
			Object.assign(sim.state.limits, { serviceWindowMs: 0, pairIntervalMs: 0 });
			sim.state.dropNext(1);
			await expect(send(sim, textTo(CUSTOMER))).rejects.toThrow();
			expect(sim.state.sent).toHaveLength(0);
			sim.state.dropNext(1, { afterProcessing: true });
			await expect(send(sim, textTo(CUSTOMER))).rejects.toThrow();
			expect(sim.state.sent).toHaveLength(1);
			expect(sim.state.log.map((entry) => entry.outcome)).toEqual(['dropped', 'dropped']);
			expect((await send(sim, textTo(CUSTOMER))).status).toBe(200);
		});

		it('stalls a request until its socket is closed', async () => {
			sim.state.stallNext(1, { ms: 100 });
			const started = Date.now();
			await expect(graph(sim, 'GET', `/${V}/${SIM.wabaId}`)).rejects.toThrow();
			expect(Date.now() - started).toBeGreaterThanOrEqual(90);
		});
	});

	describe('templates and phone numbers', () => {
		it('pages templates with limit, after cursors and a next link back to the simulator', async () => {
			const page1 = await graph(
				sim,
				'GET',
				`/${V}/${SIM.wabaId}/message_templates?limit=3&fields=name,language`,
			);
			expect(page1.json.data).toHaveLength(3);
			expect(Object.keys(page1.json.data[0]).sort()).toEqual(['id', 'language', 'name']);
			expect(page1.json.paging.previous).toBeUndefined();
			const next = new URL(page1.json.paging.next);
			expect(next.origin).toBe(sim.url);
			expect(next.searchParams.get('after')).toBe(page1.json.paging.cursors.after);
			expect(next.searchParams.get('limit')).toBe('3');
			expect(next.searchParams.get('fields')).toBe('name,language');
			expect(next.searchParams.get('access_token')).toBe(SIM.token);
			const page2 = await graph(sim, 'GET', `${next.pathname}${next.search}`, { token: null });
			expect(page2.json.paging.previous).toEqual(expect.any(String));
			const page3 = await graph(
				sim,
				'GET',
				`/${V}/${SIM.wabaId}/message_templates?limit=3&after=${page2.json.paging.cursors.after}`,
			);
			expect(page3.json.data).toHaveLength(1);
			expect(page3.json.paging.next).toBeUndefined();
			const names = [...page1.json.data, ...page2.json.data, ...page3.json.data].map(
				(t: { name: string; language: string }) => `${t.name}/${t.language}`,
			);
			expect(new Set(names).size).toBe(7);
			expect(
				(await graph(sim, 'GET', `/${V}/${SIM.wabaId}/message_templates?after=garbage`)).json.error
					.code,
			).toBe(100);
		});

		it('seeds positional and named parameters, text and image headers and buttons', async () => {
			const all = (await graph(sim, 'GET', `/${V}/${SIM.wabaId}/message_templates?status=APPROVED`))
				.json.data;
			const order = all.find(
				(t: { name: string; language: string }) =>
					t.name === 'order_update' && t.language === 'en_US',
			);
			expect(order.components.map((c: { type: string }) => c.type)).toEqual([
				'HEADER',
				'BODY',
				'FOOTER',
				'BUTTONS',
			]);
			expect(order.components[3].buttons[0]).toMatchObject({
				type: 'URL',
				url: expect.stringContaining('{{1}}'),
			});
			expect(all.find((t: { name: string }) => t.name === 'welcome_named').parameter_format).toBe(
				'NAMED',
			);
			expect(
				all.find((t: { name: string }) => t.name === 'spring_sale').components[0],
			).toMatchObject({ type: 'HEADER', format: 'IMAGE' });
		});

		it('lists phone numbers with throughput and reads one with selected fields', async () => {
			const list = await graph(sim, 'GET', `/${V}/${SIM.wabaId}/phone_numbers`);
			expect(list.json.data.map((p: { id: string }) => p.id)).toEqual([
				SIM.phoneNumberId,
				SIM.secondPhoneNumberId,
			]);
			expect(list.json.data[0].throughput).toEqual({ level: 'STANDARD' });
			const one = await graph(
				sim,
				'GET',
				`/${V}/${SIM.phoneNumberId}?fields=display_phone_number,quality_rating`,
			);
			expect(one.json).toEqual({
				id: SIM.phoneNumberId,
				display_phone_number: SIM.displayPhoneNumber,
				quality_rating: 'GREEN',
			});
		});
	});

	describe('subscriptions and overrides', () => {
		let receiver: Awaited<ReturnType<typeof startReceiver>>;
		beforeAll(async () => {
			receiver = await startReceiver();
		});
		afterAll(() => receiver.stop());
		afterEach(async () => {
			await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: { webhook_configuration: { override_callback_uri: '' } },
			});
			await graph(sim, 'DELETE', `/${V}/${SIM.wabaId}/subscribed_apps`);
		});

		it('subscribes, lists and unsubscribes the app', async () => {
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}/subscribed_apps`)).json).toEqual({
				data: [],
			});
			expect((await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`)).json).toEqual({
				success: true,
			});
			expect((await graph(sim, 'GET', `/${V}/${SIM.wabaId}/subscribed_apps`)).json).toEqual({
				data: [
					{
						whatsapp_business_api_data: { id: SIM.app.id, name: SIM.app.name, link: SIM.app.link },
					},
				],
			});
			expect(sim.state.subscriptions.has(SIM.wabaId)).toBe(true);
			expect((await graph(sim, 'DELETE', `/${V}/${SIM.wabaId}/subscribed_apps`)).json).toEqual({
				success: true,
			});
			expect(sim.state.subscriptions.has(SIM.wabaId)).toBe(false);
		});

		it('verifies a WABA override with Meta’s handshake before accepting it, and clears it on a bare subscribe', async () => {
			const override = { override_callback_uri: receiver.url, verify_token: SIM.verifyToken };
			const early = await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`, {
				body: override,
			});
			expect(early.json.error.code).toBe(100);
			expect(early.json.error.message).toContain('must be subscribed');
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`);
			expect(
				(await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`, { body: override })).json,
			).toEqual({ success: true });
			expect(
				(await graph(sim, 'GET', `/${V}/${SIM.wabaId}/subscribed_apps`)).json.data[0]
					.override_callback_uri,
			).toBe(receiver.url);
			expect(sim.state.verifications.at(-1)).toEqual({
				url: receiver.url,
				ok: true,
				status: 200,
				error: undefined,
			});
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`);
			expect(
				(await graph(sim, 'GET', `/${V}/${SIM.wabaId}/subscribed_apps`)).json.data[0]
					.override_callback_uri,
			).toBeUndefined();
		});

		it('refuses an override whose callback does not echo the challenge with 2200', async () => {
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`);
			const wrongToken = await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: {
					webhook_configuration: { override_callback_uri: receiver.url, verify_token: 'not-it' },
				},
			});
			expect(wrongToken.status).toBe(400);
			expect(wrongToken.json.error).toMatchObject({ code: 2200, type: 'OAuthException' });
			const noEcho = await startReceiver('wrong');
			try {
				const answer = await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`, {
					body: { override_callback_uri: noEcho.url, verify_token: SIM.verifyToken },
				});
				expect(answer.json.error.code).toBe(2200);
			} finally {
				await noEcho.stop();
			}
			const unreachable = await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: {
					webhook_configuration: {
						override_callback_uri: 'http://127.0.0.1:9/closed',
						verify_token: SIM.verifyToken,
					},
				},
			});
			expect(unreachable.json.error.code).toBe(2200);
			expect(sim.state.phoneCallbacks.size).toBe(0);
			expect(sim.state.rejected[2200]).toBe(3);
		});

		it('sets, reads and clears a phone number override, reporting all three callback levels', async () => {
			await graph(sim, 'POST', `/${V}/${SIM.wabaId}/subscribed_apps`);
			const set = await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: {
					webhook_configuration: {
						override_callback_uri: receiver.url,
						verify_token: SIM.verifyToken,
					},
				},
			});
			expect(set.json).toEqual({ success: true });
			expect(
				(await graph(sim, 'GET', `/${V}/${SIM.phoneNumberId}?fields=webhook_configuration`)).json,
			).toEqual({
				id: SIM.phoneNumberId,
				webhook_configuration: {
					phone_number: receiver.url,
					application: 'http://127.0.0.1:9/app-callback',
				},
			});
			await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: { webhook_configuration: { override_callback_uri: '' } },
			});
			expect(
				(await graph(sim, 'GET', `/${V}/${SIM.phoneNumberId}?fields=webhook_configuration`)).json
					.webhook_configuration,
			).toEqual({
				application: 'http://127.0.0.1:9/app-callback',
			});
			const tooLong = await graph(sim, 'POST', `/${V}/${SIM.phoneNumberId}`, {
				body: {
					webhook_configuration: {
						override_callback_uri: `https://x.example/${'a'.repeat(200)}`,
						verify_token: 't',
					},
				},
			});
			expect(tooLong.json.error.code).toBe(100);
		});
	});

	describe('media', () => {
		it('describes media and serves its bytes to a bearer until the link expires', async () => {
			const meta = (await graph(sim, 'GET', `/${V}/${SIM.mediaId}`)).json;
			expect(meta).toEqual({
				url: expect.stringContaining(
					`${sim.url}/whatsapp_business/attachments/?mid=${SIM.mediaId}`,
				),
				mime_type: 'image/png',
				sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
				file_size: SIM_MEDIA_BYTES.length,
				id: SIM.mediaId,
				messaging_product: 'whatsapp',
			});
			const download = await fetch(meta.url, { headers: { authorization: `Bearer ${SIM.token}` } });
			expect(download.status).toBe(200);
			expect(download.headers.get('content-type')).toBe('image/png');
			expect(Buffer.from(await download.arrayBuffer()).equals(SIM_MEDIA_BYTES)).toBe(true);
			expect((await fetch(meta.url)).status).toBe(401);
			expect(
				(
					await fetch(meta.url.replace(/hash=[^&]+/, 'hash=forged'), {
						headers: { authorization: `Bearer ${SIM.token}` },
					})
				).status,
			).toBe(404);
			clock += 5 * 60 * 1000 + 1000;
			expect(
				(await fetch(meta.url, { headers: { authorization: `Bearer ${SIM.token}` } })).status,
			).toBe(404);
		});
	});

	it('takes partial seeds with camelCase fields and reports subscriptions through state helpers', async () => {
		const custom = await startGraphApiSimulator({
			accessTokens: ['t'],
			wabas: [
				{
					id: '555',
					name: 'Seeded',
					phoneNumbers: [{ id: '777', displayPhoneNumber: '+852 5555 0000' }],
				},
			],
		});
		try {
			const list = await graph(custom, 'GET', `/${V}/555/phone_numbers`, { token: 't' });
			expect(list.json.data).toEqual([
				expect.objectContaining({
					id: '777',
					display_phone_number: '+852 5555 0000',
					verified_name: 'Seeded',
					throughput: { level: 'STANDARD' },
				}),
			]);
			expect(custom.state.subscribedApps('555')).toEqual([]);
			await graph(custom, 'POST', `/${V}/555/subscribed_apps`, { token: 't' });
			expect(custom.state.subscribedApps('555')).toEqual([
				{ appId: SIM.app.id, overrideCallbackUrl: undefined },
			]);
			expect(custom.state.phoneNumberCallback('777')).toBeUndefined();
			expect(custom.state.media.size).toBe(0);
		} finally {
			await custom.stop();
		}
	});

	it('stops cleanly with requests still stalled', async () => {
		const other = await startGraphApiSimulator();
		other.state.stallNext(1);
		const pending = graph(other, 'GET', `/${V}/${SIM.wabaId}`).catch((error: unknown) => error);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await other.stop();
		// fetch's TypeError comes from another realm under jest, so compare by shape.
		expect(String(await pending)).toMatch(/fetch failed|socket|ECONNRESET/i);
	});
});
