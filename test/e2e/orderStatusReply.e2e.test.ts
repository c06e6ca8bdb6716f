/**
 * The order-status auto-reply example workflow in a real n8n: "where is my order?" in Cantonese and
 * English is recognised, the order looked up in a shop API (a loopback server here), and answered
 * in the customer's language inside the service window; other messages get no reply.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { combine, envelopeFor, textMessage } from '../../devkit/payloads/whatsappPayloads';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	nodeNamed,
	nodeOfType,
	ownerSession,
	SIM_BUSINESS,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const WEBHOOK_ID = 'f3b5d7e9-1a2c-4e6f-8b0d-2c4e6a8b0d31';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let shop: http.Server;
const lookups: string[] = [];
let workflow: { id: string; versionId: string };

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	// The shop's order API: the latest order of a customer, by phone.
	shop = http.createServer((req, res) => {
		const phone = new URL(req.url ?? '/', 'http://shop').searchParams.get('phone') ?? '';
		lookups.push(phone);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({ orderId: `A-${phone.slice(-4)}`, status: 'shipped', eta: '2026-11-25' }),
		);
	});
	await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
	const credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp order reply e2e');
	({ workflow } = await activeWorkflow(
		n8n,
		'order-status-auto-reply.json',
		{ whatsAppScrmApi: credential },
		(json) => {
			const lookup = nodeNamed(json, 'Look Up Orders');
			lookup.parameters.url = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/api/orders/latest`;
			const sender = nodeOfType(json, 'whatsAppSender');
			sender.parameters.ledgerStore = 'memory';
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	// Keep-alive connections from n8n would hold close() open.
	shop?.closeAllConnections();
	await new Promise((resolve) => shop?.close(resolve));
});

it('answers order-status questions with the order, in the customer’s language, and nothing else', async () => {
	const now = Math.floor(Date.now() / 1000);
	const business = SIM_BUSINESS;
	const message = (from: string, text: string, seed: string) =>
		textMessage({ ...business, from, text, id: `wamid.e2e-order-${seed}-${now}`, timestamp: now });
	const sentBefore = graph.state.sent.length;
	const delivery = envelopeFor(
		SIM.wabaId,
		combine(
			message('85265551234', '我張單幾時到呀? 等咗好耐', 'zh'),
			message('85265555678', 'where is my parcel?', 'en'),
			message('85265559999', '多謝晒 👍', 'thanks'),
		),
	);
	const newest = await executionOf(n8n, workflow.id, async () => {
		expect((await graph.postWebhook(triggerWebhookUrl(WEBHOOK_ID), delivery)).status).toBe(200);
	});
	expect(newest.status).toBe('success');

	expect(lookups.sort()).toEqual(['+85265551234', '+85265555678']);
	const replies = graph.state.sent.slice(sentBefore);
	expect(replies.map((sent) => sent.waId).sort()).toEqual(['85265551234', '85265555678']);
	const chinese = JSON.stringify(replies.find((sent) => sent.waId === '85265551234')!.body);
	expect(chinese).toContain('你的訂單 A-1234');
	const english = replies.find((sent) => sent.waId === '85265555678')!.body as {
		text?: { body?: string };
		context?: { message_id?: string };
	};
	expect(english.text?.body).toBe('Your order A-5678 is shipped, expected 2026-11-25.');
	expect(english.context?.message_id).toBe(`wamid.e2e-order-en-${now}`);
});
