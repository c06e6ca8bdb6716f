import http from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';

import { axiosTransport, TransportError } from '../../lib/http/transport';
import { GraphApiError } from '../../lib/whatsapp/errors';
import { GraphClient, MediaIntegrityError } from '../../lib/whatsapp/graphClient';
import {
	DEFAULT_LIMITS,
	SIM,
	SIM_MEDIA_BYTES,
	startGraphApiSimulator,
} from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';

const VERSION = 'v23.0';
const CUSTOMER = '+852 6123 4567';
const CUSTOMER_WA_ID = '85261234567';

/** A webhook receiver that answers Meta's handshake for one verify token. */
async function startReceiver(verifyToken: string) {
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://receiver');
		const ok =
			url.searchParams.get('hub.mode') === 'subscribe' &&
			url.searchParams.get('hub.verify_token') === verifyToken;
		res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
		res.end(ok ? url.searchParams.get('hub.challenge') : 'forbidden');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('GraphClient against the Graph API simulator', () => {
	let sim: GraphApiSimulator;
	let client: GraphClient;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	/** Every error any test saw; none may reveal the access token. */
	const seen: unknown[] = [];

	const expectError = async (promise: Promise<unknown>): Promise<GraphApiError> => {
		const error = await promise.then(
			() => undefined,
			(e: unknown) => e,
		);
		seen.push(error);
		expect(error).toBeInstanceOf(GraphApiError);
		return error as GraphApiError;
	};

	const text = (body = 'Hi there', to = CUSTOMER) => ({ to, type: 'text', text: { body } });

	beforeAll(async () => {
		sim = await startGraphApiSimulator();
		client = new GraphClient({
			transport: axiosTransport({ bearerToken: SIM.token }),
			baseUrl: sim.url,
			version: VERSION,
		});
		receiver = await startReceiver(SIM.verifyToken);
	});

	afterAll(async () => {
		await sim.stop();
		await receiver.stop();
	});

	beforeEach(() => {
		sim.state.resetCounters();
		Object.assign(sim.state.limits, DEFAULT_LIMITS);
		sim.state.latencyMs = 0;
	});

	describe('sendMessage', () => {
		it('sends free-form text inside the service window and reads back the wamid', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER_WA_ID);
			const result = await client.sendMessage(SIM.phoneNumberId, text());
			expect(result.messageId).toMatch(/^wamid\./);
			expect(result).toMatchObject({ waId: CUSTOMER_WA_ID, input: CUSTOMER });
			expect(sim.state.sent).toHaveLength(1);
			expect(sim.state.sent[0]).toMatchObject({
				id: result.messageId,
				phoneNumberId: SIM.phoneNumberId,
				type: 'text',
				waId: CUSTOMER_WA_ID,
			});
			expect(sim.state.sent[0].body.messaging_product).toBe('whatsapp');
			expect(sim.state.sent[0].receivedAt).toBeGreaterThan(0);
		});

		it('sends a positional template with header, body and URL-button parameters outside the window', async () => {
			const result = await client.sendMessage(SIM.phoneNumberId, {
				to: CUSTOMER,
				type: 'template',
				template: {
					name: 'order_update',
					language: { code: 'en_US' },
					components: [
						{ type: 'header', parameters: [{ type: 'text', text: 'A-1001' }] },
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'Mei' },
								{ type: 'text', text: 'A-1001' },
								{ type: 'text', text: '3 May' },
							],
						},
						{
							type: 'button',
							sub_type: 'url',
							index: '0',
							parameters: [{ type: 'text', text: 'A-1001' }],
						},
					],
				},
			});
			expect(result.messageStatus).toBe('accepted');
			expect(sim.state.sent[0].template).toEqual({ name: 'order_update', language: 'en_US' });
		});

		it('sends named-parameter and image-header templates', async () => {
			await client.sendMessage(SIM.phoneNumberId, {
				to: CUSTOMER,
				type: 'template',
				template: {
					name: 'welcome_named',
					language: { code: 'en_US' },
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', parameter_name: 'customer_name', text: 'Mei' },
								{ type: 'text', parameter_name: 'shop_name', text: 'Acme' },
							],
						},
					],
				},
			});
			await client.sendMessage(SIM.secondPhoneNumberId, {
				to: CUSTOMER,
				type: 'template',
				template: {
					name: 'spring_sale',
					language: { code: 'zh_HK' },
					components: [
						{
							type: 'header',
							parameters: [{ type: 'image', image: { link: 'https://cdn.example/sale.jpg' } }],
						},
						{ type: 'body', parameters: [{ type: 'text', text: '8' }] },
					],
				},
			});
			expect(sim.state.sent.map((s) => s.template?.name)).toEqual(['welcome_named', 'spring_sale']);
		});

		it('marks a message read, with a typing indicator on request', async () => {
			expect(await client.markRead(SIM.phoneNumberId, 'wamid.inbound1')).toBe(true);
			expect(
				await client.markRead(SIM.phoneNumberId, 'wamid.inbound2', { typingIndicator: true }),
			).toBe(true);
			expect(sim.state.reads.map((r) => [r.messageId, r.typing])).toEqual([
				['wamid.inbound1', false],
				['wamid.inbound2', true],
			]);
			expect(sim.state.sent).toHaveLength(0);
		});
	});

	describe('account and subscriptions', () => {
		it('lists every template across pages, following the after cursor', async () => {
			const all = await client.listTemplates(SIM.wabaId, { limit: 2 });
			expect(all).toHaveLength(7);
			expect(sim.state.requests['GET /{waba_id}/message_templates']).toBe(4);
			const named = all.find((t) => t.name === 'welcome_named');
			expect(named).toMatchObject({
				language: 'en_US',
				status: 'APPROVED',
				category: 'MARKETING',
				parameterFormat: 'NAMED',
			});
			expect(named?.components[0].text).toContain('{{customer_name}}');
			const approved = await client.listTemplates(SIM.wabaId, { status: 'APPROVED' });
			expect(approved.map((t) => t.status)).toEqual(Array(5).fill('APPROVED'));
		});

		it('pages through more templates than one default page holds', async () => {
			const extra = Array.from({ length: 60 }, (_, i) =>
				sim.state.addTemplate(SIM.otherWabaId, {
					name: `bulk_${i}`,
					language: 'en_US',
					components: [{ type: 'BODY', text: 'Hi {{1}}' }],
				}),
			);
			const all = await client.listTemplates(SIM.otherWabaId);
			expect(all.map((t) => t.id)).toEqual(extra.map((t) => t.id));
			expect(sim.state.requests['GET /{waba_id}/message_templates']).toBe(3);
		});

		it('lists phone numbers and reads the WABA', async () => {
			const numbers = await client.listPhoneNumbers(SIM.wabaId);
			expect(numbers).toEqual([
				expect.objectContaining({
					id: SIM.phoneNumberId,
					displayPhoneNumber: SIM.displayPhoneNumber,
					verifiedName: 'Acme Trading',
					qualityRating: 'GREEN',
					throughputLevel: 'STANDARD',
				}),
				expect.objectContaining({ id: SIM.secondPhoneNumberId, qualityRating: 'YELLOW' }),
			]);
			expect(await client.getWaba(SIM.wabaId)).toEqual({ id: SIM.wabaId, name: 'Acme Trading HK' });
		});

		it("reads the portfolio's messaging limit on each number, as Meta serves it (issue 14.2)", async () => {
			expect(await client.getMessagingLimitTier(SIM.phoneNumberId)).toBe('TIER_250');
			sim.state.setMessagingLimit('TIER_2K');
			try {
				// The limit is the portfolio's: every number reports it, and a number added later gets it at once.
				expect(await client.getMessagingLimitTier(SIM.phoneNumberId)).toBe('TIER_2K');
				expect(await client.getMessagingLimitTier(SIM.secondPhoneNumberId)).toBe('TIER_2K');
				sim.state.addPhoneNumber(SIM.wabaId, { id: '110000000000077' });
				expect(await client.getMessagingLimitTier('110000000000077')).toBe('TIER_2K');
			} finally {
				sim.state.setMessagingLimit('TIER_250');
			}
			// The deprecated per-number field is not served.
			const old = await fetch(
				`${sim.url}/${VERSION}/${SIM.phoneNumberId}?fields=messaging_limit_tier`,
				{ headers: { authorization: `Bearer ${SIM.token}` } },
			);
			expect(await old.json()).toEqual({ id: SIM.phoneNumberId });
		});

		it('subscribes the app, sets and clears the WABA override, and unsubscribes', async () => {
			expect(await client.listSubscribedApps(SIM.wabaId)).toEqual([]);
			expect(await client.subscribeApp(SIM.wabaId)).toBe(true);
			expect(await client.listSubscribedApps(SIM.wabaId)).toEqual([
				{ id: SIM.app.id, name: SIM.app.name, link: SIM.app.link, overrideCallbackUrl: undefined },
			]);
			expect(
				await client.subscribeApp(SIM.wabaId, {
					callbackUrl: receiver.url,
					verifyToken: SIM.verifyToken,
				}),
			).toBe(true);
			expect((await client.listSubscribedApps(SIM.wabaId))[0].overrideCallbackUrl).toBe(
				receiver.url,
			);
			expect(sim.state.verifications.at(-1)).toMatchObject({ url: receiver.url, ok: true });
			expect(await client.clearWabaCallback(SIM.wabaId)).toBe(true);
			expect((await client.listSubscribedApps(SIM.wabaId))[0].overrideCallbackUrl).toBeUndefined();
			expect(await client.unsubscribeApp(SIM.wabaId)).toBe(true);
			expect(await client.listSubscribedApps(SIM.wabaId)).toEqual([]);
		});

		it('sets, reads and clears a phone number callback override', async () => {
			await client.subscribeApp(SIM.wabaId);
			expect(await client.getPhoneNumberCallback(SIM.phoneNumberId)).toEqual({});
			await client.setPhoneNumberCallback(SIM.phoneNumberId, {
				callbackUrl: receiver.url,
				verifyToken: SIM.verifyToken,
			});
			expect(await client.getPhoneNumberCallback(SIM.phoneNumberId)).toEqual({
				overrideCallbackUrl: receiver.url,
			});
			expect(await client.getPhoneNumberCallback(SIM.secondPhoneNumberId)).toEqual({});
			expect(await client.clearPhoneNumberCallback(SIM.phoneNumberId)).toBe(true);
			expect(await client.getPhoneNumberCallback(SIM.phoneNumberId)).toEqual({});
			await client.unsubscribeApp(SIM.wabaId);
		});

		it('reports a callback that fails Meta’s verification as error 2200', async () => {
			await client.subscribeApp(SIM.wabaId);
			const error = await expectError(
				client.setPhoneNumberCallback(SIM.phoneNumberId, {
					callbackUrl: receiver.url,
					verifyToken: 'wrong',
				}),
			);
			expect(error).toMatchObject({ code: 2200, httpStatus: 400, retryable: false });
			expect(await client.getPhoneNumberCallback(SIM.phoneNumberId)).toEqual({});
			await client.unsubscribeApp(SIM.wabaId);
		});
	});

	describe('media', () => {
		it('reads media metadata and downloads the exact bytes', async () => {
			const info = await client.getMediaUrl(SIM.mediaId);
			expect(info).toMatchObject({
				id: SIM.mediaId,
				mimeType: 'image/png',
				fileSize: SIM_MEDIA_BYTES.length,
			});
			expect(info.url.startsWith(sim.url)).toBe(true);
			const media = await client.fetchMedia(SIM.mediaId);
			expect(media.data.equals(SIM_MEDIA_BYTES)).toBe(true);
			expect(media.mimeType).toBe('image/png');
		});

		it('refuses binary media that a text-decoding transport damaged, instead of returning it', async () => {
			const base = axiosTransport({ bearerToken: SIM.token });
			// A transport that ignores the arraybuffer hint and decodes the bytes as UTF-8 text.
			const textDecoding = new GraphClient({
				transport: (request) =>
					base(
						request.responseType === 'arraybuffer' ? { ...request, responseType: 'json' } : request,
					),
				baseUrl: sim.url,
				version: VERSION,
			});
			const error = await textDecoding.fetchMedia(SIM.mediaId).catch((e: unknown) => e);
			seen.push(error);
			expect(error).toBeInstanceOf(MediaIntegrityError);
		});

		it('uploads media as multipart and downloads it again', async () => {
			const data = Buffer.from('col1,col2\n1,2\n', 'utf8');
			const id = await client.uploadMedia(SIM.phoneNumberId, {
				data,
				mimeType: 'text/csv',
				filename: 'report.csv',
			});
			const media = await client.fetchMedia(id);
			expect(media.data.equals(data)).toBe(true);
			expect(media.mimeType).toBe('text/csv');
			expect(await client.deleteMedia(id)).toBe(true);
			const gone = await expectError(client.getMediaUrl(id));
			expect(gone).toMatchObject({ code: 100, subcode: 33 });
		});
	});

	describe('errors', () => {
		it('turns a bad token into 190/401 and a missing one into 104, without echoing any token', async () => {
			const wrong = new GraphClient({
				transport: axiosTransport({ bearerToken: 'EAAwrongTOKEN' }),
				baseUrl: sim.url,
				version: VERSION,
			});
			const error = await expectError(wrong.getWaba(SIM.wabaId));
			expect(error).toMatchObject({ code: 190, httpStatus: 401, retryable: false, action: 'stop' });
			expect(error.fbtraceId).toEqual(expect.any(String));
			expect(String(error)).not.toContain('EAAwrongTOKEN');
			const none = new GraphClient({
				transport: axiosTransport(),
				baseUrl: sim.url,
				version: VERSION,
			});
			// Meta's answer to a request without a token is code 104 (HTTP 400).
			expect(await expectError(none.listPhoneNumbers(SIM.wabaId))).toMatchObject({
				code: 104,
				httpStatus: 400,
				retryable: false,
				title: expect.stringMatching(/No access token/),
			});
		});

		it('reports unknown ids as 100 with subcode 33', async () => {
			const error = await expectError(client.sendMessage('999999999999', text()));
			expect(error).toMatchObject({ code: 100, subcode: 33, httpStatus: 400, retryable: false });
			expect(sim.state.sent).toHaveLength(0);
		});

		it('refuses free-form text outside the customer-service window with 131047', async () => {
			const error = await expectError(client.sendMessage(SIM.phoneNumberId, text()));
			expect(error).toMatchObject({
				code: 131047,
				httpStatus: 400,
				retryable: false,
				action: 'template',
			});
			expect(error.title).toMatch(/24 hours/);
			expect(error.details).toMatch(/more than 24 hours/);
			expect(error.fbtraceId).toEqual(expect.any(String));
			expect(sim.state.rejected[131047]).toBe(1);
		});

		it('refuses a template with the wrong parameter count with 132000, and an unknown one with 132001', async () => {
			const mismatch = await expectError(
				client.sendMessage(SIM.phoneNumberId, {
					to: CUSTOMER,
					type: 'template',
					template: {
						name: 'order_update',
						language: { code: 'zh_HK' },
						components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mei' }] }],
					},
				}),
			);
			expect(mismatch).toMatchObject({ code: 132000, httpStatus: 400, retryable: false });
			expect(mismatch.details).toBe(
				'body: number of localizable_params (1) does not match the expected number of params (2)',
			);
			const missing = await expectError(
				client.sendMessage(SIM.phoneNumberId, {
					to: CUSTOMER,
					type: 'template',
					template: { name: 'no_such', language: { code: 'en_US' } },
				}),
			);
			expect(missing).toMatchObject({ code: 132001, httpStatus: 404, retryable: false });
		});

		it('refuses text over 4,096 characters with 100', async () => {
			sim.state.recordInbound(SIM.phoneNumberId, CUSTOMER_WA_ID);
			const error = await expectError(
				client.sendMessage(SIM.phoneNumberId, text('x'.repeat(4097))),
			);
			expect(error).toMatchObject({ code: 100, httpStatus: 400 });
		});

		it('throttles a burst above the number’s throughput with retryable 130429', async () => {
			Object.assign(sim.state.limits, {
				throughputPerSecond: 5,
				pairIntervalMs: 0,
				serviceWindowMs: 0,
			});
			const results = await Promise.allSettled(
				Array.from({ length: 12 }, (_, i) =>
					client.sendMessage(
						SIM.phoneNumberId,
						text(`burst ${i}`, `+8526100${String(i).padStart(4, '0')}`),
					),
				),
			);
			const rejected = results
				.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
				.map((r) => r.reason as GraphApiError);
			seen.push(...rejected);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
			expect(rejected).toHaveLength(7);
			for (const error of rejected)
				expect(error).toMatchObject({
					code: 130429,
					httpStatus: 400,
					retryable: true,
					action: 'backoff',
				});
			expect(sim.state.rejected[130429]).toBe(7);
		});

		it('refuses a second message to the same customer within the pair interval with 131056', async () => {
			Object.assign(sim.state.limits, { serviceWindowMs: 0 });
			await client.sendMessage(SIM.phoneNumberId, text('one'));
			const error = await expectError(client.sendMessage(SIM.phoneNumberId, text('two')));
			expect(error).toMatchObject({
				code: 131056,
				httpStatus: 400,
				retryable: true,
				action: 'backoff',
			});
			// Another customer, or another business number, is not affected.
			await client.sendMessage(SIM.phoneNumberId, text('one', '+85261234568'));
			await client.sendMessage(SIM.secondPhoneNumberId, text('one'));
			expect(sim.state.sent).toHaveLength(3);
		});

		it('surfaces scripted 5xx answers as retryable, then recovers', async () => {
			sim.state.failNext(1, { code: 131000, httpStatus: 500 }, { endpoint: 'message_templates' });
			sim.state.failNext(1, { code: 2, httpStatus: 503 });
			const first = await expectError(client.listTemplates(SIM.wabaId));
			expect(first).toMatchObject({
				code: 131000,
				httpStatus: 500,
				retryable: true,
				action: 'retry',
			});
			const second = await expectError(client.getWaba(SIM.wabaId));
			expect(second).toMatchObject({ code: 2, httpStatus: 503, retryable: true });
			expect((await client.getWaba(SIM.wabaId)).id).toBe(SIM.wabaId);
		});

		it('reports a dropped connection as a TransportError that may have been sent', async () => {
			Object.assign(sim.state.limits, { serviceWindowMs: 0 });
			sim.state.dropNext(1, { endpoint: 'messages', afterProcessing: true });
			const error = await client.sendMessage(SIM.phoneNumberId, text()).catch((e: unknown) => e);
			seen.push(error);
			expect(error).toBeInstanceOf(TransportError);
			expect((error as TransportError).sent).toBe(true);
			// The unknown outcome is real: the simulator did accept the message.
			expect(sim.state.sent).toHaveLength(1);
		});

		it('times out on a stalled answer', async () => {
			const impatient = new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: sim.url,
				version: VERSION,
				timeoutMs: 150,
			});
			sim.state.stallNext(1, { ms: 2000 });
			const error = await impatient.getWaba(SIM.wabaId).catch((e: unknown) => e);
			seen.push(error);
			expect(error).toBeInstanceOf(TransportError);
			expect((error as TransportError).sent).toBe(true);
		});

		it('rejects an empty id and a malformed version before any request', async () => {
			await expect(client.getWaba('')).rejects.toThrow(/non-empty id/);
			expect(() => new GraphClient({ transport: axiosTransport(), version: '23.0' })).toThrow(
				/v23\.0/,
			);
			expect(sim.state.log).toHaveLength(0);
		});
	});

	it('follows paging with its own URL although paging.next carries the token', async () => {
		const raw = await axios.get(`${sim.url}/${VERSION}/${SIM.wabaId}/message_templates`, {
			params: { limit: 2 },
			headers: { Authorization: `Bearer ${SIM.token}` },
		});
		expect(raw.data.paging.next).toContain('access_token=');
		sim.state.resetCounters();
		await client.listTemplates(SIM.wabaId, { limit: 2 });
		expect(sim.state.log).toHaveLength(4);
		for (const entry of sim.state.log) expect(entry.query).not.toContain('access_token');
	});

	// Runs last: it reads what every earlier test saw.
	it('never reveals the access token in any error', () => {
		expect(seen.length).toBeGreaterThan(10);
		for (const error of seen) {
			const e = error as Error;
			for (const rendering of [e.message, String(e), e.stack ?? '', JSON.stringify(e)]) {
				expect(rendering).not.toContain(SIM.token);
			}
		}
	});
});

describe('GraphApiError beside the catalogue', () => {
	it('honours is_transient: retryable when Meta says so, not when Meta says no', () => {
		const error = (body: Record<string, unknown>, status = 400) =>
			new GraphApiError(status, { error: { message: 'x', type: 'OAuthException', ...body } });
		expect(error({ code: 987654, is_transient: true })).toMatchObject({
			retryable: true,
			transient: true,
		});
		expect(error({ code: 987654 })).toMatchObject({ retryable: false });
		expect(error({ code: 987654, is_transient: false }, 500)).toMatchObject({
			retryable: false,
			transient: false,
		});
		expect(error({ code: 987654 }, 500)).toMatchObject({ retryable: true });
		// The catalogue still decides for codes it knows to be transient.
		expect(error({ code: 131000, is_transient: false }, 500)).toMatchObject({ retryable: true });
	});

	it('reads 131062 and 104 from the catalogue with what to do', () => {
		expect(new GraphApiError(400, { error: { code: 131062 } })).toMatchObject({
			action: 'phone',
			retryable: false,
			title: expect.stringMatching(/phone number/),
		});
		expect(new GraphApiError(400, { error: { code: 104 } })).toMatchObject({
			action: 'stop',
			title: expect.stringMatching(/access token/),
		});
	});
});

describe('list answers are read by their fields’ types', () => {
	/** A Graph endpoint on loopback that answers every GET with one fixed JSON page. */
	async function answering(page: unknown) {
		const server = http.createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(page));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return {
			client: new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
				version: VERSION,
			}),
			stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
		};
	}

	it('refuses a template or phone number without a text id, name or language', async () => {
		const graph = await answering({
			data: [
				{ id: '1', name: 'ok', language: 'en_US' },
				{ id: ['2'], name: 'x', language: 'en' },
			],
		});
		try {
			await expect(graph.client.listTemplates(SIM.wabaId)).rejects.toThrow(
				'Graph API listed a template (row 2) without a text id',
			);
			await expect(graph.client.listPhoneNumbers(SIM.wabaId)).rejects.toThrow(
				'Graph API listed a phone number (row 2) without a text id',
			);
		} finally {
			await graph.stop();
		}
	});

	it('never turns a missing field into the text "undefined" or "[object Object]"', async () => {
		const graph = await answering({
			data: [
				{
					id: 17,
					name: 'ok',
					language: 'en_US',
					status: { s: 1 },
					components: [null, { type: 3 }, { type: 'BODY', text: 'Hi' }],
					throughput: 'HIGH',
					whatsapp_business_api_data: 'app',
				},
			],
			paging: 'next',
		});
		try {
			expect(await graph.client.listTemplates(SIM.wabaId)).toEqual([
				{
					id: '17',
					name: 'ok',
					language: 'en_US',
					status: '',
					category: '',
					components: [{ type: 'BODY', text: 'Hi' }],
				},
			]);
			expect((await graph.client.listPhoneNumbers(SIM.wabaId))[0].throughputLevel).toBeUndefined();
			expect((await graph.client.listSubscribedApps(SIM.wabaId))[0].id).toBe('');
		} finally {
			await graph.stop();
		}
	});
});
