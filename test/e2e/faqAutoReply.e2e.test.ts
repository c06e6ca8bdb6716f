/**
 * The FAQ auto-reply example workflow in a real n8n: common questions get the preset answer in the
 * customer's language with "did this solve it?" buttons; tapping "No" hands over to a person; other
 * messages are left alone.
 */
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import {
	combine,
	envelopeFor,
	interactiveReply,
	textMessage,
} from '../../devkit/payloads/whatsappPayloads';
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

const WEBHOOK_ID = 'a4c6e8f0-2b3d-4f5a-9c1e-3d5f7b9d1e42';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let workflow: { id: string; versionId: string };
const business = SIM_BUSINESS;
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	const credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp FAQ e2e');
	({ workflow } = await activeWorkflow(
		n8n,
		'faq-auto-reply.json',
		{ whatsAppScrmApi: credential },
		(json) => {
			nodeOfType(json, 'whatsAppSender').parameters.ledgerStore = 'memory';
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

async function deliver(...changes: Parameters<typeof combine>) {
	const newest = await executionOf(n8n, workflow.id, async () => {
		const response = await graph.postWebhook(
			triggerWebhookUrl(WEBHOOK_ID),
			envelopeFor(SIM.wabaId, combine(...changes)),
		);
		expect(response.status).toBe(200);
	});
	expect(newest.status).toBe('success');
	return newest.id;
}

it('answers common questions in the customer’s language with buttons, and hands a "No" to a person', async () => {
	const sentBefore = graph.state.sent.length;
	await deliver(
		textMessage({
			...business,
			from: '85262231111',
			text: '運費幾多錢? 幾耐到?',
			id: `wamid.e2e-faq-zh-${now}`,
			timestamp: now,
		}),
		textMessage({
			...business,
			from: '79161112233',
			text: 'можно вернуть товар?',
			id: `wamid.e2e-faq-ru-${now}`,
			timestamp: now,
		}),
		textMessage({
			...business,
			from: '85262232222',
			text: 'good morning!',
			id: `wamid.e2e-faq-hi-${now}`,
			timestamp: now,
		}),
	);
	const answers = graph.state.sent.slice(sentBefore);
	expect(answers.map((sent) => sent.waId).sort()).toEqual(['79161112233', '85262231111']);
	const zh = answers.find((sent) => sent.waId === '85262231111')!.body as any;
	expect(zh.type).toBe('interactive');
	expect(zh.interactive.body.text).toContain('運費');
	expect(zh.interactive.action.buttons.map((b: any) => b.reply.id)).toEqual(['faq_yes', 'faq_no']);
	expect(zh.context.message_id).toBe(`wamid.e2e-faq-zh-${now}`);
	expect(
		(answers.find((sent) => sent.waId === '79161112233')!.body as any).interactive.body
			.text as string,
	).toContain('Возврат');

	// The customer taps "No, a person".
	const sentAfterAnswers = graph.state.sent.length;
	const executionId = await deliver(
		interactiveReply({
			...business,
			from: '85262231111',
			kind: 'button_reply',
			replyId: 'faq_no',
			title: 'No, a person 🙋',
			id: `wamid.e2e-faq-no-${now}`,
			timestamp: now + 5,
		}),
	);
	const [handed] = await n8n.nodeOutput(executionId, 'Hand to an Agent');
	expect(handed.map((item) => item.json.customer.e164)).toEqual(['+85262231111']);
	expect(graph.state.sent.length).toBe(sentAfterAnswers);
});
