/**
 * The order-notification example workflow in a real n8n: a shop's order event becomes a utility
 * template, and the same event repeated within 6 hours is held back with the reason, while a new
 * status of the same order still goes.
 */
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	nodeOfType,
	ownerSession,
	simulatedWhatsApp,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

let n8n: N8nApi;
let graph: GraphApiSimulator;
let workflow: { id: string; versionId: string };

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	const credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp order e2e');
	({ workflow } = await activeWorkflow(
		n8n,
		'order-notifications.json',
		{ whatsAppScrmApi: credential },
		(json) => {
			const sender = nodeOfType(json, 'whatsAppSender');
			sender.parameters.phoneNumberId = SIM.phoneNumberId;
			sender.parameters.ledgerStore = 'memory';
			// Quiet hours apply to marketing only; pair rate would hold the second status for 6 s.
			sender.parameters.quotaGuard = { pairRateSeconds: 0 };
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

async function post(event: object) {
	const newest = await executionOf(n8n, workflow.id, async () => {
		const response = await fetch(`${readHostState().url}/webhook/scrm-order-events`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(event),
		});
		expect(response.status).toBe(200);
	});
	const [sent, deferred, failed] = await n8n.nodeOutput(newest.id, 'Notify Customer');
	return { sent: sent ?? [], deferred: deferred ?? [], failed: failed ?? [] };
}

it('notifies once per order event within 6 hours, and again for a new status', async () => {
	const shipped = { phone: '6222 4444', name: '陳小姐', orderId: 'A-2001', status: 'shipped' };
	const first = await post(shipped);
	expect(first.sent.map((item) => item.json.whatsapp)).toEqual([
		expect.objectContaining({ outcome: 'sent', to: '+85262224444' }),
	]);
	const message = graph.state.sent[graph.state.sent.length - 1];
	expect(message).toMatchObject({
		type: 'template',
		template: { name: 'order_update', language: 'zh_HK' },
	});
	expect(JSON.stringify(message.body)).toContain('A-2001');

	const repeated = await post(shipped);
	expect(repeated.sent).toEqual([]);
	expect(repeated.deferred.map((item) => item.json.whatsapp)).toEqual([
		expect.objectContaining({
			outcome: 'deferred',
			reason: expect.stringMatching(/event/i),
			retryAt: expect.any(String),
		}),
	]);
	const retryAt = Date.parse(repeated.deferred[0].json.whatsapp.retryAt);
	expect(retryAt - Date.now()).toBeGreaterThan(5.9 * 3_600_000);

	const delivered = await post({ ...shipped, status: 'delivered' });
	expect(delivered.sent).toHaveLength(1);
});
