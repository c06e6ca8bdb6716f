/**
 * The WhatsApp SCRM Trigger inside a real n8n, fed by the Graph API simulator: the example workflow
 * is imported and activated, then signed, forged, malformed and duplicate deliveries are posted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import Redis from 'ioredis';

import { startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';
import { sleep } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	nodeOfType,
	ownerSession,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';
import { mutate, seededRandom } from '../../devkit/generators/hostileInputs';
import {
	combine,
	combineWithEmptyLists,
	envelope as envelopeOf,
	envelopeFor,
	mergeBodies,
	realisticMix,
	statusUpdate as statusChange,
	textMessage as textChange,
} from '../../devkit/payloads/whatsappPayloads';

/** A real-shape delivery to mutate: two customer messages and a status. */
function realisticBody() {
	return envelopeOf(
		combine(
			textChange({ id: 'wamid.fuzz-1', text: 'price?' }),
			textChange({ id: 'wamid.fuzz-2', from: '85291234568', text: 'hello' }),
			statusChange('read'),
		),
	);
}

const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const ACCESS_TOKEN = 'e2e-access-token';
const WABA_ID = '102290129340398';
const PHONE_NUMBER_ID = '106540352242922';
const WEBHOOK_ID = '5f0e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f50';

jest.setTimeout(120_000);

let n8n: N8nApi;
let graph: GraphApiSimulator;
let credential: { id: string; name: string };
let webhookUrl: string;
let workflow: { id: string; versionId: string };

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({
		accessTokens: [ACCESS_TOKEN],
		wabas: [
			{
				id: WABA_ID,
				name: 'SCRM Test WABA',
				phoneNumbers: [{ id: PHONE_NUMBER_ID, displayPhoneNumber: '+852 5555 0000' }],
			},
		],
	});
	credential = await n8n.createCredential('whatsAppScrmApi', 'WhatsApp e2e', credentialData());
	({ workflow } = await activeWorkflow(n8n, 'whatsapp-inbound-log.json', {
		whatsAppScrmApi: credential,
	}));
	webhookUrl = triggerWebhookUrl(WEBHOOK_ID);
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

function credentialData() {
	return {
		accessToken: ACCESS_TOKEN,
		appSecret: APP_SECRET,
		verifyToken: VERIFY_TOKEN,
		wabaId: WABA_ID,
		graphApiVersion: 'v26.0',
		useCustomBaseUrl: true,
		baseUrl: graph.url,
	};
}

async function executionCount(): Promise<number> {
	return (await n8n.executions(workflow.id)).length;
}

describe('the credential test', () => {
	const testCredential = async (id: string, data: Record<string, unknown>) =>
		n8n.call('POST', '/rest/credentials/test', {
			credentials: { id, name: 'test', type: 'whatsAppScrmApi', data },
		});

	it('passes with a working token and reads the WABA through the Graph API', async () => {
		const before = graph.state.log.length;
		const result = await testCredential(credential.id, {
			...credentialData(),
			accessToken: ACCESS_TOKEN,
		});
		expect(result).toMatchObject({ status: 'OK' });
		expect(graph.state.log.slice(before).map((entry) => entry.path)).toContain(`/v26.0/${WABA_ID}`);
	});

	it('fails with a revoked token, without echoing it', async () => {
		const revoked = await n8n.createCredential('whatsAppScrmApi', 'WhatsApp revoked', {
			...credentialData(),
			accessToken: 'revoked-token',
		});
		const result = await testCredential(revoked.id, {
			...credentialData(),
			accessToken: 'revoked-token',
		});
		expect(result.status).toBe('Error');
		expect(JSON.stringify(result)).not.toContain('revoked-token');
	});
});

describe('Meta verification handshake', () => {
	it('echoes the challenge as text for the right verify token', async () => {
		const response = await fetch(
			`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
		);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/text\/plain/);
		expect(await response.text()).toBe('1158201444');
	});

	it.each([
		['a wrong verify token', `hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`],
		['a wrong mode', `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`],
		['no parameters', ''],
	])('answers 403 to %s', async (_, query) => {
		const response = await fetch(`${webhookUrl}?${query}`);
		expect(response.status).toBe(403);
		expect(await response.text()).not.toContain(VERIFY_TOKEN);
	});
});

describe('deliveries', () => {
	it('emits one clean item per customer message, with the phone in E.164', async () => {
		const before = await executionCount();
		const body = envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({
					from: '85291234567',
					name: '陳大文',
					text: '有冇discount?',
					id: 'wamid.e2e-1',
					timestamp: 1795300000,
				}),
				textChange({
					from: '886912345678',
					name: 'Lin',
					text: 'How much?',
					id: 'wamid.e2e-2',
					timestamp: 1795300001,
				}),
				statusChange('delivered', {
					bare: true,
					recipient: '85291234567',
					id: 'wamid.out-1',
					timestamp: 1795300002,
				}),
			),
		);
		const response = await graph.postWebhook(webhookUrl, body, { appSecret: APP_SECRET });
		expect(response.status).toBe(200);

		const [execution] = await n8n.waitForExecutions(workflow.id, before + 1);
		expect(execution.status).toBe('success');
		const [items] = await n8n.nodeOutput(execution.id, 'Customer Log');
		// The example workflow listens to messages only: the status is filtered out.
		expect(items.map((item) => item.json)).toEqual([
			expect.objectContaining({
				messageId: 'wamid.e2e-1',
				customerPhone: '+85291234567',
				customerWaId: '85291234567',
				customerName: '陳大文',
				phoneNumberId: PHONE_NUMBER_ID,
				type: 'text',
				text: '有冇discount?',
				receivedAt: new Date(1795300000 * 1000).toISOString(),
			}),
			expect.objectContaining({
				messageId: 'wamid.e2e-2',
				customerPhone: '+886912345678',
				text: 'How much?',
			}),
		]);
	});

	it("starts no execution for Meta's re-delivery of the same messages", async () => {
		const body = envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({
					from: '85291234567',
					text: 'again?',
					id: 'wamid.e2e-dup',
					timestamp: 1795300100,
				}),
			),
		);
		const before = await executionCount();
		expect((await graph.postWebhook(webhookUrl, body, { appSecret: APP_SECRET })).status).toBe(200);
		await n8n.waitForExecutions(workflow.id, before + 1);
		for (let i = 0; i < 3; i++) {
			expect((await graph.postWebhook(webhookUrl, body, { appSecret: APP_SECRET })).status).toBe(
				200,
			);
		}
		await settleThenExpectCount(before + 1);
	});

	const validBody = () =>
		envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({
					from: '85291234567',
					text: 'forged',
					id: `wamid.e2e-bad-${Math.random()}`,
					timestamp: 1795300200,
				}),
			),
		);
	it.each([
		['a forged signature', 401, validBody, { forgeSignature: true }],
		['no signature', 401, validBody, { omitSignature: true }],
		[
			'a body altered after signing',
			401,
			validBody,
			{ rawOverride: JSON.stringify(validBody()).replace('forged', 'altered') },
		],
		// n8n itself answers 422 to a JSON content type it cannot parse, before any node runs.
		[
			'a signed body that is not JSON',
			422,
			() => '{"object": "whatsapp_business_account", "entry": [',
			{},
		],
		[
			'a signed payload of the wrong shape',
			400,
			() => '{"object":"whatsapp_business_account","entry":{"id":"1"}}',
			{},
		],
	])('answers %s with %d and starts no execution', async (_, status, body, options) => {
		const before = await executionCount();
		const response = await graph.postWebhook(webhookUrl, body(), {
			appSecret: APP_SECRET,
			...options,
		});
		expect(response.status).toBe(status);
		expect(JSON.stringify(response.body)).not.toContain(APP_SECRET);
		await settleThenExpectCount(before);
	});

	it('answers 200 to another object type and starts no execution', async () => {
		const before = await executionCount();
		const response = await graph.postWebhook(
			webhookUrl,
			{ object: 'page', entry: [] },
			{ appSecret: APP_SECRET },
		);
		expect(response.status).toBe(200);
		await settleThenExpectCount(before);
	});

	// Issue 15.8: two different messages with id "" were one item (the second a "duplicate").
	it('emits two items for two different messages that both have an empty id, and drops their redelivery', async () => {
		const before = await executionCount();
		const body = mergeBodies(
			envelopeOf(
				combine(
					textChange({ id: '', text: 'first, no id' }),
					textChange({ id: '', text: 'second, no id' }),
				),
			),
		);
		expect((await graph.postWebhook(webhookUrl, body, { appSecret: APP_SECRET })).status).toBe(200);
		const executions = await n8n.waitForExecutions(workflow.id, before + 1);
		const newest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
		const [items] = await n8n.nodeOutput(newest.id, 'Customer Log');
		expect(items.map((item) => item.json.text)).toEqual(['first, no id', 'second, no id']);
		const ids = items.map((item) => item.json.messageId as string);
		expect(ids[0]).not.toBe(ids[1]);
		for (const id of ids) expect(id).toMatch(/^nowamid:/);
		expect((await graph.postWebhook(webhookUrl, body, { appSecret: APP_SECRET })).status).toBe(200);
		await settleThenExpectCount(before + 1);
	});

	// The fuzz suite (test/fuzz) runs thousands in-process; these few go through n8n's own HTTP stack.
	it('answers mutated signed deliveries 200 or 400 (n8n: 422 for broken JSON) and starts no failing execution', async () => {
		const random = seededRandom(21);
		const base = mergeBodies(realisticBody(), ...realisticMix(3, 5));
		const before = await n8n.executions(workflow.id);
		const known = new Set(before.map((execution) => execution.id));
		for (let i = 0; i < 40; i++) {
			const mutated = mutate(base, random, 1 + Math.floor(random() * 3));
			const response = await graph.postWebhook(webhookUrl, JSON.stringify(mutated) ?? 'null', {
				appSecret: APP_SECRET,
				recordInbound: false,
			});
			expect([200, 400, 422]).toContain(response.status);
			expect(JSON.stringify(response.body)).not.toContain(APP_SECRET);
		}
		await sleep(3000);
		const started = (await n8n.executions(workflow.id)).filter(
			(execution) => !known.has(execution.id),
		);
		expect(started.filter((execution) => execution.status !== 'success')).toEqual([]);
	});

	// Issue 15.5: String() of this object throws, which answered 500 and started an error execution.
	it('answers 200 to a signed body whose object has a non-callable toString, and starts no execution', async () => {
		const before = await executionCount();
		const response = await graph.postWebhook(
			webhookUrl,
			{ object: { toString: 1, valueOf: 1 }, entry: [] },
			{ appSecret: APP_SECRET },
		);
		expect(response.status).toBe(200);
		await settleThenExpectCount(before);
	});
});

describe('activation on the Meta side', () => {
	it('subscribes the app and overrides the phone number callback, and removes both on deactivation', async () => {
		const managedUrl = triggerWebhookUrl('b8f1c2d3-0000-4000-8000-00000000e2e2');
		const managed = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = 'b8f1c2d3-0000-4000-8000-00000000e2e2';
				trigger.parameters.phoneNumberIds = [PHONE_NUMBER_ID];
				trigger.parameters.options = { subscribeApp: true, overrideCallback: true };
			},
		);
		try {
			expect(graph.state.subscribedApps(WABA_ID)).toHaveLength(1);
			expect(graph.state.phoneNumberCallback(PHONE_NUMBER_ID)).toEqual(
				expect.objectContaining({ overrideCallbackUrl: managedUrl }),
			);
		} finally {
			await managed.stop();
		}
		expect(graph.state.subscribedApps(WABA_ID)).toHaveLength(0);
		expect(graph.state.phoneNumberCallback(PHONE_NUMBER_ID)?.overrideCallbackUrl).toBeFalsy();
	});
});

/** Gives a wrongly started execution time to show up, then checks none did. */
async function settleThenExpectCount(expected: number): Promise<void> {
	await sleep(1500);
	expect(await executionCount()).toBe(expected);
}

describe('duplicate deliveries remembered in Redis (queue mode)', () => {
	let redis: RedisServer;
	let shared: { id: string; versionId: string };
	const sharedWebhookId = '6a0e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f51';

	beforeAll(async () => {
		redis = await startRedisServer();
		const redisCredential = await n8n.createCredential('scrmRedis', 'Redis trigger e2e', {
			host: '127.0.0.1',
			port: redis.port,
			database: 0,
		});
		({ workflow: shared } = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = sharedWebhookId;
				trigger.parameters.dedupStore = 'redis';
				trigger.credentials = { scrmRedis: redisCredential };
			},
		));
	});
	afterAll(async () => {
		if (shared) await n8n.deactivate(shared).catch(() => undefined);
		await redis?.stop();
	});

	it('starts one execution for a delivery Meta repeats, with the claim kept in Redis under a TTL', async () => {
		const url = webhookUrl.replace(WEBHOOK_ID, sharedWebhookId);
		const body = envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({
					from: '85291234567',
					text: 'once',
					id: 'wamid.e2e-redis-dup',
					timestamp: 1795300300,
				}),
			),
		);
		const before = (await n8n.executions(shared.id)).length;
		const answers = await Promise.all(
			[0, 1, 2].map(() => graph.postWebhook(url, body, { appSecret: APP_SECRET })),
		);
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
		await n8n.waitForExecutions(shared.id, before + 1);
		await sleep(1500);
		expect((await n8n.executions(shared.id)).length).toBe(before + 1);
		const client = new Redis(redis.url);
		try {
			const keys = await client.keys(`scrm:dedup:{${WABA_ID}}:*`);
			expect(
				keys.some((key) => key.endsWith(`${PHONE_NUMBER_ID}:message:wamid.e2e-redis-dup`)),
			).toBe(true);
			expect(await client.pttl(keys[0])).toBeGreaterThan(0);
		} finally {
			client.disconnect();
		}
	});

	it('answers 503 while Redis is down, so Meta delivers again, and starts nothing', async () => {
		await redis.stop();
		const url = webhookUrl.replace(WEBHOOK_ID, sharedWebhookId);
		const body = envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({
					from: '85291234567',
					text: 'later',
					id: 'wamid.e2e-redis-down',
					timestamp: 1795300400,
				}),
			),
		);
		const before = (await n8n.executions(shared.id)).length;
		const answer = await graph.postWebhook(url, body, { appSecret: APP_SECRET });
		expect(answer.status).toBe(503);
		expect(JSON.stringify(answer.body)).toMatch(/duplicate store unavailable/);
		await sleep(1000);
		expect((await n8n.executions(shared.id)).length).toBe(before);
	});
});

describe('answering Meta when the workflow finishes', () => {
	/** A downstream step the workflow calls per message: it can fail a message's first call, or be slow. */
	const step = {
		calls: new Map<string, number>(),
		failFirst: new Set<string>(),
		delayMs: new Map<string, number>(),
	};
	let server: http.Server;
	let afterRun: { id: string; versionId: string };
	const afterRunWebhookId = '7b0e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f52';
	const url = () => webhookUrl.replace(WEBHOOK_ID, afterRunWebhookId);
	const delivery = (id: string) =>
		envelopeFor(
			WABA_ID,
			combineWithEmptyLists(
				textChange({ from: '85291234567', text: 'after the run', id, timestamp: 1795300500 }),
			),
		);
	const executionsOf = async () => n8n.executions(afterRun.id);

	beforeAll(async () => {
		server = http.createServer((request, response) => {
			const wamid = new URL(request.url ?? '/', 'http://step').searchParams.get('wamid') ?? '';
			const calls = (step.calls.get(wamid) ?? 0) + 1;
			step.calls.set(wamid, calls);
			setTimeout(
				() => {
					const fail = calls === 1 && step.failFirst.has(wamid);
					response
						.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' })
						.end(JSON.stringify({ ok: !fail }));
				},
				step.delayMs.get(wamid) ?? 0,
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const stepUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/step`;
		({ workflow: afterRun } = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = afterRunWebhookId;
				trigger.parameters.acknowledge = 'afterRun';
				trigger.parameters.options = { processingWindowSeconds: 4 };
				json.nodes.push({
					id: 'after-run-step',
					name: 'Downstream Step',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					position: [520, 0],
					parameters: { url: `=${stepUrl}?wamid={{ $json.messageId }}`, options: {} },
				});
				json.connections['Customer Log'] = {
					main: [[{ node: 'Downstream Step', type: 'main', index: 0 }]],
				};
			},
		));
	});
	afterAll(async () => {
		if (afterRun) await n8n.deactivate(afterRun).catch(() => undefined);
		server?.close();
	});

	it('answers 200 only when the run succeeded, and a repeat after that starts nothing', async () => {
		const before = (await executionsOf()).length;
		const answer = await graph.postWebhook(url(), delivery('wamid.e2e-after-ok'), {
			appSecret: APP_SECRET,
		});
		expect(answer.status).toBe(200);
		// The answer came after the run: the downstream step was already called.
		expect(step.calls.get('wamid.e2e-after-ok')).toBe(1);
		expect(
			(await graph.postWebhook(url(), delivery('wamid.e2e-after-ok'), { appSecret: APP_SECRET }))
				.status,
		).toBe(200);
		await sleep(1500);
		expect((await executionsOf()).length).toBe(before + 1);
	});

	it('answers a failed run with an error, so Meta delivers it again and the repeat runs again', async () => {
		step.failFirst.add('wamid.e2e-after-fail');
		const before = (await executionsOf()).length;
		const first = await graph.postWebhook(url(), delivery('wamid.e2e-after-fail'), {
			appSecret: APP_SECRET,
		});
		expect(first.status).toBeGreaterThanOrEqual(500);
		const again = await graph.postWebhook(url(), delivery('wamid.e2e-after-fail'), {
			appSecret: APP_SECRET,
		});
		expect(again.status).toBe(200);
		expect(step.calls.get('wamid.e2e-after-fail')).toBe(2);
		const runs = await n8n.waitForExecutions(afterRun.id, before + 2);
		expect(
			runs
				.slice(0, 2)
				.map((run) => run.status)
				.sort(),
		).toEqual(['error', 'success']);
	});

	it('asks a repeat arriving during the run to come again, and settles the run even when Meta hung up', async () => {
		step.delayMs.set('wamid.e2e-after-slow', 3000);
		const before = (await executionsOf()).length;
		// Meta gives up on the first attempt before the slow run ends…
		const first = graph
			.postWebhook(url(), delivery('wamid.e2e-after-slow'), {
				appSecret: APP_SECRET,
				timeoutMs: 1000,
			})
			.catch((error: Error) => error);
		await sleep(500);
		// …and its repeat meanwhile is told the delivery is still being processed.
		const during = await graph.postWebhook(url(), delivery('wamid.e2e-after-slow'), {
			appSecret: APP_SECRET,
		});
		expect(during.status).toBe(503);
		expect(JSON.stringify(during.body)).toMatch(/still being processed/);
		expect(await first).toBeInstanceOf(Error);
		await n8n.waitForExecutions(afterRun.id, before + 1);
		await sleep(1000);
		// The run succeeded although nobody heard its answer: the next repeat is a duplicate.
		expect(
			(await graph.postWebhook(url(), delivery('wamid.e2e-after-slow'), { appSecret: APP_SECRET }))
				.status,
		).toBe(200);
		await sleep(1500);
		expect((await executionsOf()).length).toBe(before + 1);
		expect(step.calls.get('wamid.e2e-after-slow')).toBe(1);
	});
});
