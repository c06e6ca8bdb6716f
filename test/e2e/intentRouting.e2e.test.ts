/**
 * The intent-routing example workflow in a real n8n: signed customer messages in Chinese, English,
 * Thai and Russian reach the trigger, the Intent Tagger routes them, and only the Bot branch
 * answers, through the WhatsApp Sender and the Graph API simulator.
 */
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { combine, envelopeFor, textMessage } from '../../devkit/payloads/whatsappPayloads';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	nodeOfType,
	ownerSession,
	SIM_BUSINESS,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const WEBHOOK_ID = '9b7c0f1e-52a3-4d8e-8c61-3e2f1a0b9c72';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let workflow: { id: string; versionId: string };
let webhookUrl: string;

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	const credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp intent routing e2e');
	({ workflow } = await activeWorkflow(
		n8n,
		'whatsapp-intent-routing.json',
		{ whatsAppScrmApi: credential },
		(json) => {
			const sender = nodeOfType(json, 'whatsAppSender');
			sender.parameters.ledgerStore = 'memory';
			sender.parameters.quotaGuard = { quietHoursStart: '' };
		},
	));
	webhookUrl = triggerWebhookUrl(WEBHOOK_ID);
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

const business = SIM_BUSINESS;
const now = Math.floor(Date.now() / 1000);

function message(from: string, text: string, seed: string) {
	return textMessage({
		...business,
		from,
		text,
		id: `wamid.e2e-intent-${seed}-${now}`,
		timestamp: now,
		name: `Customer ${seed}`,
	});
}

it('sends complaints to an agent, acknowledges the rest in their language, and keeps opt-outs apart', async () => {
	const sentBefore = graph.state.sent.length;
	const delivery = envelopeFor(
		SIM.wabaId,
		combine(
			message('85261110001', '我要投訴！送錯貨仲要等三日 😡', 'complaint'),
			message('85261110002', 'how much is the blue one? can ship to TST?', 'price'),
			message('66812345678', 'มีส่วนลดไหมคะ', 'discount'),
			message('79161234567', 'STOP', 'stop'),
		),
	);
	const newest = await executionOf(n8n, workflow.id, async () => {
		expect((await graph.postWebhook(webhookUrl, delivery)).status).toBe(200);
	});
	expect(newest.status).toBe('success');
	const [agent, bot, optOut] = await n8n.nodeOutput(newest.id, 'Intent Tagger');
	const phones = (items: Array<{ json: any }> | undefined) =>
		(items ?? []).map((item) => item.json.customer.e164).sort();
	expect(phones(agent)).toEqual(['+85261110001']);
	expect(phones(bot)).toEqual(['+66812345678', '+85261110002']);
	expect(phones(optOut)).toEqual(['+79161234567']);
	expect(agent[0].json.intent.tags).toContain('complaint');
	expect(agent[0].json.intent.language).toBe('zh');
	expect(optOut[0].json.intent.tags).toContain('opt_out');
	const price = bot.find((item) => item.json.customer.e164 === '+85261110002')!;
	expect(price.json.intent.tags).toEqual(
		expect.arrayContaining(['price_inquiry', 'shipping_info']),
	);

	// Only the Bot branch wrote to customers, each in their own language.
	const replies = graph.state.sent.slice(sentBefore);
	expect(replies.map((sent) => sent.waId).sort()).toEqual(['66812345678', '85261110002']);
	const thai = replies.find((sent) => sent.waId === '66812345678')!;
	expect(JSON.stringify(thai.body)).toContain('ได้รับข้อความ');
	const [sent, deferred, failed] = await n8n.nodeOutput(newest.id, 'Bot Acknowledgement');
	expect((sent ?? []).length).toBe(2);
	expect(deferred ?? []).toEqual([]);
	expect(failed ?? []).toEqual([]);
});
