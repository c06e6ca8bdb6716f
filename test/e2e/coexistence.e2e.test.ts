/**
 * Coexistence with the WhatsApp Business app, calls and the template lifecycle in a real n8n
 * against the Graph API simulator: the trigger emits echoes and call events; an echo passed to the
 * Sender starts the human-takeover pause for that customer, exactly as an agent's reply does; a
 * template Meta paused is deferred before any request (no 132015 round trip).
 */

import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	broadcastCampaign,
	nodeOfType,
	ownerSession,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';
import {
	callConnect,
	callTerminate,
	envelopeFor,
	historyChunk,
	messageEcho,
} from '../../devkit/payloads/whatsappPayloads';

jest.setTimeout(120_000);

let n8n: N8nApi;
let graph: GraphApiSimulator;
let credential: { id: string; name: string };
const workflows: Array<{ id: string; versionId: string }> = [];

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp coexistence e2e');
});

afterAll(async () => {
	for (const workflow of workflows) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

/** The broadcast example on a coexistence number (20/s), on a webhook path of its own. */
async function campaign(path: string, sender: Record<string, unknown>) {
	const { workflow, run } = await broadcastCampaign(n8n, credential, path, {
		quotaGuard: { quietHoursStart: '', coexistence: true },
		...sender,
	});
	workflows.push(workflow);
	return run;
}

describe('an echo from the WhatsApp Business app', () => {
	it('starts the human-takeover pause for that customer only', async () => {
		const run = await campaign('scrm-echo-pause', {});
		const before = graph.state.sent.length;
		// What the trigger emits for an echo, with the campaign's columns beside it.
		const echo = {
			kind: 'echo',
			direction: 'outbound',
			type: 'text',
			text: '我幫你睇下',
			timestamp: new Date(Date.now() - 60_000).toISOString(),
			phone: '+852 9123 4000',
			discount: '8',
		};
		const first = await run([echo]);
		expect(first.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'deferred', rule: 'humanTakeover' }),
		]);
		const later = await run([
			{ phone: '+852 9123 4000', name: 'Paused', discount: '8' },
			{ phone: '+852 9123 4001', name: 'Other', discount: '8' },
		]);
		expect(later.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ rule: 'humanTakeover', to: '+85291234000' }),
		]);
		expect(later.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: '+85291234001' }),
		]);
		expect(graph.state.sent.length).toBe(before + 1);
	});
});

describe('a template Meta paused', () => {
	it('is deferred before any request, with the reason', async () => {
		const run = await campaign('scrm-paused-template', { template: 'paused_offer::en_US' });
		const before = graph.state.sent.length;
		const result = await run([{ phone: '+852 9123 4002', name: 'Mei', discount: '8' }]);
		expect(result.failed).toEqual([]);
		expect(result.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'deferred',
				rule: 'templatePaused',
				templateStatus: 'PAUSED',
				retryAt: null,
				reason: expect.stringContaining('paused by Meta'),
			}),
		]);
		expect(graph.state.sent.length).toBe(before);
	});
});

describe('the trigger on a coexistence number with calls', () => {
	const WEBHOOK_ID = '7a1e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f88';
	let workflow: { id: string; versionId: string };

	beforeAll(async () => {
		({ workflow } = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = WEBHOOK_ID;
				trigger.parameters.events = ['message', 'echo', 'history', 'call'];
			},
		));
		workflows.push(workflow);
	});

	const deliver = async (body: object) => {
		const before = (await n8n.executions(workflow.id)).length;
		const response = await graph.postWebhook(triggerWebhookUrl(WEBHOOK_ID), body);
		expect(response.status).toBe(200);
		const executions = await n8n.waitForExecutions(workflow.id, before + 1);
		const newest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
		const [items] = await n8n.nodeOutput(newest.id, 'WhatsApp SCRM Trigger');
		return items.map((item) => item.json);
	};
	const business = { phoneNumberId: SIM.phoneNumberId };

	it('emits an echo with the customer the business wrote to', async () => {
		const items = await deliver(
			envelopeFor(SIM.wabaId, messageEcho({ ...business, to: '85261230000', text: '今日寄出' })),
		);
		expect(items).toEqual([
			expect.objectContaining({
				kind: 'echo',
				direction: 'outbound',
				text: '今日寄出',
				customer: { waId: '85261230000', e164: '+85261230000' },
			}),
		]);
	});

	it('emits history marked as history', async () => {
		const items = await deliver(
			envelopeFor(SIM.wabaId, historyChunk({ ...business, customer: '85261230001' })),
		);
		expect(items.map((item) => [item.kind, item.history, item.direction])).toEqual([
			['history', true, 'inbound'],
			['history', true, 'outbound'],
		]);
	});

	it('emits a call connecting and a missed call ending', async () => {
		const connect = await deliver(
			envelopeFor(
				SIM.wabaId,
				callConnect({ ...business, customer: '85261230002', timestamp: 1795300500 }),
			),
		);
		expect(connect).toEqual([
			expect.objectContaining({
				kind: 'call',
				event: 'connect',
				direction: 'inbound',
				caller: '+85261230002',
			}),
		]);
		const missed = await deliver(
			envelopeFor(
				SIM.wabaId,
				callTerminate({
					...business,
					customer: '85261230002',
					timestamp: 1795300500,
					status: 'FAILED',
				}),
			),
		);
		expect(missed).toEqual([
			expect.objectContaining({
				kind: 'call',
				event: 'terminate',
				status: 'FAILED',
				missed: true,
				caller: '+85261230002',
				customer: expect.objectContaining({ e164: '+85261230002' }),
			}),
		]);
	});
});

describe('the missed-call follow-up workflow', () => {
	const WEBHOOK_ID = '7a1e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f99';
	let workflow: { id: string; versionId: string };

	beforeAll(async () => {
		({ workflow } = await activeWorkflow(
			n8n,
			'missed-call-follow-up.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = WEBHOOK_ID;
				const sender = nodeOfType(json, 'whatsAppSender');
				sender.parameters.ledgerStore = 'memory';
				sender.parameters.quotaGuard = { quietHoursStart: '' };
			},
		));
		workflows.push(workflow);
	});

	const deliver = async (body: object) => {
		const before = (await n8n.executions(workflow.id)).length;
		const response = await graph.postWebhook(triggerWebhookUrl(WEBHOOK_ID), body);
		expect(response.status).toBe(200);
		const executions = await n8n.waitForExecutions(workflow.id, before + 1);
		return executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
	};

	it('writes back to a customer whose call nobody answered, as the fallback template outside the window', async () => {
		const before = graph.state.sent.length;
		const run = await deliver(
			envelopeFor(
				SIM.wabaId,
				callTerminate({
					phoneNumberId: SIM.phoneNumberId,
					customer: '85261239000',
					timestamp: 1795300900,
					status: 'FAILED',
				}),
			),
		);
		const [sent, deferred, failed] = await n8n.nodeOutput(run.id, 'Sorry We Missed You');
		expect(deferred ?? []).toEqual([]);
		expect(failed ?? []).toEqual([]);
		expect(sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'sent',
				to: '+85261239000',
				fallbackTemplate: 'hello_world::en_US',
			}),
		]);
		const [request] = graph.state.sent.slice(before);
		expect(request.body).toMatchObject({ to: '+85261239000', type: 'template' });
	});

	it('leaves a call that was answered alone', async () => {
		const before = graph.state.sent.length;
		await deliver(
			envelopeFor(
				SIM.wabaId,
				callTerminate({
					phoneNumberId: SIM.phoneNumberId,
					customer: '85261239001',
					timestamp: 1795301000,
					durationSeconds: 120,
				}),
			),
		);
		expect(graph.state.sent.length).toBe(before);
	});
});
