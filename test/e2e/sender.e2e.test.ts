/**
 * The WhatsApp Sender in a real n8n: the broadcast example workflow sends a template to a customer
 * list through the quota guard, against the Graph API simulator enforcing Meta's limits; media
 * goes from an item's binary data through Meta's upload; the editor's template list loads.
 */
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import Redis from 'ioredis';

import { SIM, SIM_MEDIA_BYTES, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import { makeCertificate } from '../../bench/support/tls';
import {
	activeWorkflow,
	broadcastCampaign,
	credentialNamed,
	executionOf,
	nodeOfType,
	ownerSession,
	simulatedWhatsApp,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

let n8n: N8nApi;
let graph: GraphApiSimulator;
let workflow: { id: string; versionId: string };
let campaignUrl: string;

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	const credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp sender e2e');
	// The example's own path; the Sender sends from the simulator's number, without quiet hours.
	({ workflow, url: campaignUrl } = await broadcastCampaign(n8n, credential, 'scrm-campaign'));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

function runCampaign(
	contacts: object[],
	target = { workflow: () => workflow, url: () => campaignUrl },
) {
	return n8n.runContactList(target.workflow().id, target.url(), contacts);
}

describe('broadcast campaign', () => {
	it('sends to valid customers and fails a bad number with a reason, each item on one output', async () => {
		const sentBefore = graph.state.sent.length;
		const result = await runCampaign([
			{ phone: '9123 4567', name: 'Mei', discount: '8' },
			{ phone: '12345', name: 'Typo', discount: '8' },
			{ phone: '+886 912 345 678', name: 'Lin', discount: '7' },
		]);
		expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'sent',
				to: '+85291234567',
				messageId: expect.stringMatching(/^wamid\./),
				attempts: 1,
			}),
			expect.objectContaining({ outcome: 'sent', to: '+886912345678' }),
		]);
		expect(result.failed.map((item) => item.json)).toEqual([
			expect.objectContaining({
				name: 'Typo',
				whatsapp: expect.objectContaining({
					outcome: 'failed',
					reason: expect.stringMatching(/Recipient "12345"/),
				}),
			}),
		]);
		expect(result.deferred).toEqual([]);
		const delivered = graph.state.sent.slice(sentBefore);
		expect(delivered).toHaveLength(2);
		expect(delivered[0]).toMatchObject({
			body: expect.objectContaining({ biz_opaque_callback_data: 'spring-campaign' }),
		});
	});

	it('defers the same marketing to the same customers the same day, saying until when', async () => {
		const sentBefore = graph.state.sent.length;
		const result = await runCampaign([
			{ phone: '9123 4567', name: 'Mei', discount: '8' },
			{ phone: '+886 912 345 678', name: 'Lin', discount: '7' },
		]);
		expect(result.sent).toEqual([]);
		expect(result.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'deferred',
				reason: expect.any(String),
				retryAt: expect.any(String),
			}),
			expect.objectContaining({ outcome: 'deferred' }),
		]);
		expect(graph.state.sent.length).toBe(sentBefore);
	});

	it("reports Meta's error with its meaning when a send fails", async () => {
		graph.state.failNext(1, { code: 131026 }, { endpoint: 'POST /{phone_number_id}/messages' });
		const result = await runCampaign([
			{ phone: '+66 81 234 5678', name: 'Somchai', discount: '9' },
		]);
		expect(result.failed.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'failed',
				code: 131026,
				retryable: false,
				title: expect.stringMatching(/undeliverable/i),
			}),
		]);
	});
});

/** The broadcast workflow turned into a free-form reply on its own webhook path. */
async function importReplyWorkflow(
	pathName: string,
	webhookId: string,
	options: Record<string, unknown> = {},
	ledger: {
		store: string;
		credential?: { id: string; name: string };
		guard?: Record<string, unknown>;
	} = { store: 'memory' },
	credentialName = 'WhatsApp sender e2e',
) {
	const credential = await credentialNamed(n8n, credentialName);
	const { workflow: imported, url } = await broadcastCampaign(
		n8n,
		credential,
		pathName,
		{},
		{
			webhookId,
			configure: (sender) => {
				sender.parameters = {
					operation: 'sendText',
					phoneNumberId: SIM.phoneNumberId,
					to: '={{ $json.customer?.e164 ?? $json.phone }}',
					text: 'Thanks, we are on it',
					options,
					ledgerStore: ledger.store,
					quotaGuard: { quietHoursStart: '', ...(ledger.guard ?? {}) },
				};
				if (ledger.credential)
					sender.credentials = { ...sender.credentials, scrmRedis: ledger.credential };
			},
		},
	);
	return { workflow: () => imported, url: () => url };
}

describe('free-form replies', () => {
	it("answers a customer who just wrote (learnt from the trigger's item) and defers one who did not", async () => {
		const replies = await importReplyWorkflow(
			'scrm-replies',
			'0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5',
		);
		// Meta's side knows the customer wrote too (the trigger's message came from there).
		graph.state.recordInbound(SIM.phoneNumberId, '85261234567', Date.now());
		const result = await runCampaign(
			[
				{
					kind: 'message',
					id: 'wamid.in-1',
					timestamp: new Date().toISOString(),
					customer: { e164: '+85261234567' },
					type: 'text',
					text: 'hi',
				},
				{ phone: '+85261234568' },
			],
			replies,
		);
		expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: '+85261234567' }),
		]);
		expect(result.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'deferred',
				rule: 'window',
				retryAt: null,
				to: '+85261234568',
			}),
		]);
		await n8n.deactivate(replies.workflow());
	});

	it('sends the fallback template to a customer outside the window', async () => {
		const replies = await importReplyWorkflow(
			'scrm-fallback',
			'1c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d6',
			{
				fallbackTemplate: 'order_update::zh_HK',
				fallbackValues: '陳小姐, A-1001',
			},
		);
		const result = await runCampaign([{ phone: '+85261234569' }], replies);
		expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'sent',
				to: '+85261234569',
				fallbackTemplate: 'order_update::zh_HK',
			}),
		]);
		expect(graph.state.sent[graph.state.sent.length - 1]).toMatchObject({
			type: 'template',
			template: { name: 'order_update', language: 'zh_HK' },
		});
		await n8n.deactivate(replies.workflow());
	});
});

describe('Redis quota ledger (queue mode)', () => {
	let redis: RedisServer;
	beforeAll(async () => {
		redis = await startRedisServer();
	});
	afterAll(async () => {
		await redis?.stop();
	});

	it('tests the Redis credential and keeps the pair-rate rule across executions through Redis', async () => {
		const data = {
			host: '127.0.0.1',
			port: redis.port,
			user: '',
			password: '',
			database: 0,
			ssl: false,
		};
		const credential = await n8n.createCredential('scrmRedis', 'Redis e2e', data);
		const test = (body: object) =>
			n8n.raw('POST', '/rest/credentials/test', {
				credentials: { id: credential.id, name: credential.name, type: 'scrmRedis', data: body },
			});
		expect((await test(data)).body.data).toMatchObject({ status: 'OK' });
		expect((await test({ ...data, port: 1 })).body.data).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/Could not reach Redis/),
		});
		const replies = await importReplyWorkflow(
			'scrm-redis',
			'2c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d7',
			{},
			{
				store: 'redis',
				credential,
				// Longer than the Sender waits for a free slot (5 s), so the second send is deferred, not delayed.
				guard: { pairRateSeconds: 60 },
			},
		);
		const customer = '+85261234570';
		const inbound = {
			kind: 'message',
			id: 'wamid.in-redis',
			timestamp: new Date().toISOString(),
			customer: { e164: customer },
			type: 'text',
			text: 'hi',
		};
		graph.state.recordInbound(SIM.phoneNumberId, customer.slice(1), Date.now());
		const first = await runCampaign([inbound], replies);
		expect(first.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: customer }),
		]);
		// A second execution right after: the ledger in Redis knows the first send.
		const second = await runCampaign([inbound], replies);
		expect(second.sent).toEqual([]);
		expect(second.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'deferred', rule: 'pairRate' }),
		]);
		const client = new Redis(redis.url);
		try {
			expect((await client.keys('scrm:quota:*')).length).toBeGreaterThan(0);
		} finally {
			client.disconnect();
		}
		await n8n.deactivate(replies.workflow());
	});
});

describe('media from a binary property', () => {
	it("uploads the item's file to WhatsApp first, then sends it by the media id Meta gave", async () => {
		const credential = await credentialNamed(n8n, 'WhatsApp sender e2e');
		// A shop posts a product photo to send to a customer who just asked for one.
		const { workflow: photos, stop } = await activeWorkflow(
			n8n,
			'whatsapp-broadcast-campaign.json',
			{ whatsAppScrmApi: { id: credential.id, name: credential.name } },
			(json) => {
				const hook = nodeOfType(json, 'n8n-nodes-base.webhook');
				hook.parameters.path = 'scrm-photo';
				hook.webhookId = '3e264cef-5f54-4cfe-bbfd-e76842305e2f';
				json.nodes = json.nodes.filter(
					(node: { type: string }) => node.type !== 'n8n-nodes-base.splitOut',
				);
				json.connections = {
					[hook.name]: { main: [[{ node: 'WhatsApp Sender', type: 'main', index: 0 }]] },
					'WhatsApp Sender': json.connections['WhatsApp Sender'],
				};
				const sender = nodeOfType(json, 'whatsAppSender');
				sender.parameters = {
					operation: 'sendMedia',
					phoneNumberId: SIM.phoneNumberId,
					to: '={{ $json.query.phone }}',
					mediaType: 'image',
					mediaSource: 'binary',
					binaryProperty: 'data',
					caption: '={{ $json.query.caption }}',
					options: { defaultCountry: 'HK' },
					ledgerStore: 'memory',
					// The shop's item is not the customer's message, so the guard cannot see the open window.
					quotaGuard: { quietHoursStart: '', windowHours: 0 },
				};
			},
		);
		try {
			const customer = '+85261234571';
			// The customer wrote a minute ago: Meta's service window is open.
			graph.state.recordInbound(SIM.phoneNumberId, customer.slice(1), Date.now() - 60_000);
			// Bytes that are not valid UTF-8, so a transport that decodes the file as text would corrupt it.
			const photo = Buffer.concat([SIM_MEDIA_BYTES, Buffer.from([0xff, 0xfe, 0x00, 0x80])]);
			const mediaBefore = new Set(graph.state.media.keys());
			const sentBefore = graph.state.sent.length;
			const newest = await executionOf(n8n, photos.id, async () => {
				const query = new URLSearchParams({
					phone: '6123 4571',
					caption: 'The grey rattan chair 🪑',
				});
				const response = await fetch(`${readHostState().url}/webhook/scrm-photo?${query}`, {
					method: 'POST',
					headers: {
						'content-type': 'image/png',
						'content-disposition': 'attachment; filename="rattan-chair.png"',
					},
					body: photo,
				});
				expect(response.status).toBe(200);
			});
			const [sent, deferred, failed] = await n8n.nodeOutput(newest.id, 'WhatsApp Sender');
			expect(deferred ?? []).toEqual([]);
			expect(failed ?? []).toEqual([]);
			expect(sent.map((item) => item.json.whatsapp)).toEqual([
				expect.objectContaining({ outcome: 'sent', to: customer }),
			]);

			const uploaded = [...graph.state.media.values()].filter(
				(media) => !mediaBefore.has(media.id),
			);
			expect(uploaded).toHaveLength(1);
			expect(uploaded[0]).toMatchObject({
				mimeType: 'image/png',
				phoneNumberId: SIM.phoneNumberId,
			});
			expect(Buffer.compare(uploaded[0].data, photo)).toBe(0);
			const messages = graph.state.sent.slice(sentBefore);
			expect(messages).toHaveLength(1);
			expect(messages[0]).toMatchObject({ type: 'image', waId: customer.slice(1) });
			expect((messages[0].body as any).image).toEqual({
				id: uploaded[0].id,
				caption: 'The grey rattan chair 🪑',
			});
		} finally {
			await stop();
		}
	});
});

describe('template list in the editor', () => {
	it("lists the WABA's approved templates through n8n's dynamic-parameters API, as the editor's dropdown asks", async () => {
		const credential = await credentialNamed(n8n, 'WhatsApp sender e2e');
		const options = await n8n.call<Array<{ name: string; value: string }>>(
			'POST',
			'/rest/dynamic-node-parameters/options',
			{
				nodeTypeAndVersion: { name: 'n8n-nodes-whatsapp-scrm.whatsAppSender', version: 1 },
				path: 'parameters.template',
				methodName: 'getTemplates',
				currentNodeParameters: {
					resource: 'message',
					operation: 'sendTemplate',
					phoneNumberId: SIM.phoneNumberId,
					template: '',
				},
				credentials: { whatsAppScrmApi: { id: credential.id, name: credential.name } },
			},
		);
		const templates = graph.state.wabas.get(SIM.wabaId)!.templates;
		const approved = templates
			.filter((template) => template.status === 'APPROVED')
			.map((template) => `${template.name}::${template.language}`);
		expect(options.map((option) => option.value).sort()).toEqual(approved.sort());
		// Pending and paused templates cannot be sent, so the dropdown does not offer them.
		expect(templates.some((template) => template.status !== 'APPROVED')).toBe(true);
		expect(options).toEqual(
			expect.arrayContaining([
				{ name: 'order_update (zh_HK, utility)', value: 'order_update::zh_HK' },
			]),
		);
		expect(graph.state.requests['GET /{waba_id}/message_templates']).toBeGreaterThan(0);
	});

	it("shows Meta's meaning when the token is refused, without the token", async () => {
		const revokedToken = 'EAArevokedTOKEN1111111111111111111111';
		const revoked = await simulatedWhatsApp(n8n, graph, 'WhatsApp revoked token e2e', revokedToken);
		const response = await n8n.raw('POST', '/rest/dynamic-node-parameters/options', {
			nodeTypeAndVersion: { name: 'n8n-nodes-whatsapp-scrm.whatsAppSender', version: 1 },
			path: 'parameters.template',
			methodName: 'getTemplates',
			currentNodeParameters: {
				resource: 'message',
				operation: 'sendTemplate',
				phoneNumberId: SIM.phoneNumberId,
				template: '',
			},
			credentials: { whatsAppScrmApi: { id: revoked.id, name: revoked.name } },
		});
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(JSON.stringify(response.body)).toMatch(/Access token expired or invalid/);
		expect(JSON.stringify(response.body)).not.toContain(revokedToken);
	});
});

describe('a Graph API that cannot be reached (issue 15.4)', () => {
	// n8n wraps the connection error in a NodeApiError without its cause: the code sits in
	// httpCode. Read from the wrong place, these ended as "may have been sent" and were not retried.
	let tls: https.Server;
	let closedPort: number;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-tls-'));
	beforeAll(async () => {
		const probe = net.createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		closedPort = (probe.address() as net.AddressInfo).port;
		await new Promise((resolve) => probe.close(resolve));
		const certificate = makeCertificate(dir, 'localhost');
		tls = https.createServer(
			{ key: fs.readFileSync(certificate.keyFile), cert: fs.readFileSync(certificate.certFile) },
			(_, response) => response.end('{}'),
		);
		await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
	});
	afterAll(async () => {
		await new Promise((resolve) => tls?.close(resolve));
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it.each<[string, () => string, RegExp]>([
		['a refused connection', () => `http://127.0.0.1:${closedPort}`, /ECONNREFUSED/],
		['an unknown host', () => 'http://scrm-unreachable.invalid', /ENOTFOUND|EAI_AGAIN/],
		[
			'a certificate the host does not trust',
			() => `https://localhost:${(tls.address() as net.AddressInfo).port}`,
			/SELF_SIGNED|UNABLE_TO_VERIFY/,
		],
	])('reports %s as not sent and retries it, never as maybe sent', async (name, baseUrl, code) => {
		const credentialName = `WhatsApp unreachable ${name}`;
		await simulatedWhatsApp(n8n, { url: baseUrl() }, credentialName);
		const replies = await importReplyWorkflow(
			`scrm-unreachable-${name.replace(/\W+/g, '-')}`,
			`7d1e2f30-4a5b-4c6d-8e7f-${String(closedPort).padStart(12, '0')}`.slice(0, 36),
			{ retries: 1 },
			{ store: 'memory' },
			credentialName,
		);
		const customer = '+85261234571';
		const result = await runCampaign(
			[
				{
					kind: 'message',
					id: `wamid.in-unreachable-${name}`,
					timestamp: new Date().toISOString(),
					customer: { e164: customer },
					type: 'text',
					text: 'hi',
				},
			],
			replies,
		);
		expect(result.sent).toEqual([]);
		expect(result.failed).toHaveLength(1);
		const whatsapp = result.failed[0].json.whatsapp as Record<string, unknown>;
		expect(whatsapp).toMatchObject({ outcome: 'failed', retryable: true, attempts: 2 });
		expect(whatsapp.reason).toMatch(code);
		expect(whatsapp).not.toHaveProperty('unknownOutcome');
		await n8n.deactivate(replies.workflow());
	});
});
