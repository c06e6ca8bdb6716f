/**
 * The high-intent offer example workflow in a real n8n, against the Graph API and HubSpot
 * simulators: a customer whose questions make them high intent gets the 10 % discount template
 * once; the CRM tag and the Sender's per-customer cap each stop a second one.
 */
import { createHubSpotAdapter } from '../../lib/crm/hubspot/adapter';
import type { CrmAdapter } from '../../lib/crm/types';
import { axiosTransport } from '../../lib/http/transport';
import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { campaignTemplates, SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { combine, envelopeFor, textMessage } from '../../devkit/payloads/whatsappPayloads';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	nodeOfType,
	ownerSession,
	SIM_BUSINESS,
	simulatedHubSpot,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(180_000);

const WEBHOOK_ID = '4df41347-b0a6-4226-a08e-5c247589b920';
const DAY = 86_400_000;

let n8n: N8nApi;
let graph: GraphApiSimulator;
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let crm: CrmAdapter;
let workflow: { id: string; versionId: string };

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	for (const template of campaignTemplates()) graph.state.addTemplate(SIM.wabaId, template);
	hubspot = await startHubSpotSimulator({ contacts: [] });
	crm = createHubSpotAdapter({
		transport: axiosTransport({ bearerToken: hubspot.token }),
		baseUrl: hubspot.baseUrl,
	});
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp high-intent offer e2e');
	const hubSpot = await simulatedHubSpot(n8n, hubspot, 'HubSpot high-intent offer e2e');
	({ workflow } = await activeWorkflow(
		n8n,
		'high-intent-offer.json',
		{ whatsAppScrmApi: whatsApp, hubSpotScrmApi: hubSpot },
		(json) => {
			const sender = nodeOfType(json, 'whatsAppSender');
			sender.parameters.ledgerStore = 'memory';
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

const now = Math.floor(Date.now() / 1000);
let seq = 0;
const message = (from: string, name: string, text: string, secondsAgo: number) =>
	textMessage({
		...SIM_BUSINESS,
		from,
		name,
		text,
		id: `wamid.e2e-offer-${++seq}-${now}`,
		timestamp: now - secondsAgo,
	});

async function deliver(...messages: Array<ReturnType<typeof message>>) {
	const execution = await executionOf(n8n, workflow.id, async () => {
		const url = triggerWebhookUrl(WEBHOOK_ID);
		expect(
			(await graph.postWebhook(url, envelopeFor(SIM.wabaId, combine(...messages)))).status,
		).toBe(200);
	});
	expect(execution.status).toBe('success');
	const [offered, notOffered] = await n8n.nodeOutput(execution.id, 'High Intent, Not Offered Yet?');
	return { id: execution.id, offered: offered ?? [], notOffered: notOffered ?? [] };
}

async function contactOf(e164: string) {
	const found = (await crm.findByPhone([e164])).get(e164) ?? [];
	expect(found).toHaveLength(1);
	const properties = found[0].properties;
	return {
		properties,
		tags: String(properties.whatsapp_tags ?? '')
			.split(';')
			.filter(Boolean),
	};
}

const offersTo = (waId: string) =>
	graph.state.sent.filter((sent) => sent.waId === waId && sent.template?.name === 'discount_offer');

it('offers 10 % once to a customer who turns high intent, never to one already offered or no longer keen', async () => {
	const kaYan = '85263330001';
	// Asked about prices before, but three weeks ago: not high intent now.
	const [returning, offeredBefore] = await crm.upsertMany([
		{
			ref: 0,
			properties: {
				firstname: 'Wing',
				lastname: 'Ho',
				phone: '+852 6333 0002',
				whatsapp_tags: 'price_inquiry',
				whatsapp_interaction_count: '4',
				whatsapp_last_interaction: new Date(Date.now() - 20 * DAY).toISOString(),
			},
		},
		// Keen this week, and already had the offer.
		{
			ref: 1,
			properties: {
				firstname: 'Siu Fong',
				lastname: 'Lau',
				mobilephone: '+852 6333 0003',
				whatsapp_tags: 'price_inquiry;product_question;offer_sent',
				whatsapp_interaction_count: '3',
				whatsapp_last_interaction: new Date(Date.now() - 2 * DAY).toISOString(),
			},
		},
	]);
	if (!returning.ok || !offeredBefore.ok) throw new Error('seeding HubSpot failed');

	// Two questions from a new customer: interested, not yet high intent.
	const first = await deliver(
		message(kaYan, 'Ka Yan', 'How much is the rattan chair?', 120),
		message(kaYan, 'Ka Yan', 'Do you have it in grey?', 100),
		message('85263330002', 'Wing', 'How much for the sofa?', 90),
		message('85263330003', 'Siu Fong', 'is the oak table available?', 80),
	);
	expect(first.offered).toEqual([]);
	const why = Object.fromEntries(
		first.notOffered.map((item) => [`${item.json.customer.e164}:${item.json.text}`, item.json]),
	);
	expect(why['+85263330001:Do you have it in grey?'].intent.tier.tiers).toEqual(['potential']);
	expect(why['+85263330002:How much for the sofa?'].intent.tier.tiers).not.toContain('high_intent');
	expect(why['+85263330003:is the oak table available?']).toMatchObject({
		offerAlreadySent: true,
		intent: { tier: { tiers: expect.arrayContaining(['high_intent']) } },
	});
	expect(graph.state.sent.filter((sent) => sent.template?.name === 'discount_offer')).toEqual([]);
	const afterFirst = await contactOf('+85263330001');
	expect(afterFirst.properties).toMatchObject({ whatsapp_interaction_count: '2' });
	expect(afterFirst.tags.sort()).toEqual(['price_inquiry', 'product_question']);

	// The third and fourth buying questions, in one delivery: both items are high intent and neither
	// is tagged yet, so both reach the Sender; its per-customer cap lets one offer through.
	const second = await deliver(
		message(kaYan, 'Ka Yan', 'Any discount if I buy two?', 50),
		message(kaYan, 'Ka Yan', 'ok, how do I order?', 40),
	);
	expect(second.offered).toHaveLength(2);
	const [sent, deferred, failed] = await n8n.nodeOutput(second.id, 'Send 10% Offer');
	expect(failed ?? []).toEqual([]);
	expect(sent.map((item) => item.json.whatsapp)).toEqual([
		expect.objectContaining({
			outcome: 'sent',
			to: '+85263330001',
			messageId: expect.stringMatching(/^wamid\./),
		}),
	]);
	expect(deferred.map((item) => item.json.whatsapp)).toEqual([
		expect.objectContaining({
			outcome: 'deferred',
			rule: 'frequency',
			reason: expect.stringMatching(/one discount offer per customer/),
		}),
	]);
	// Held back for the rule's 90 days, not for a moment.
	expect(Date.parse(deferred[0].json.whatsapp.retryAt) - Date.now()).toBeGreaterThan(89 * DAY);
	const offers = offersTo(kaYan);
	expect(offers).toHaveLength(1);
	const body = (offers[0].body as any).template.components.find(
		(component: { type: string }) => component.type === 'body',
	);
	expect(body.parameters.map((parameter: { text: string }) => parameter.text)).toEqual([
		'Ka Yan',
		'10%',
		'WA10',
	]);
	const [tagged, , tagFailed] = await n8n.nodeOutput(second.id, 'Tag Offer Sent');
	expect(tagFailed ?? []).toEqual([]);
	expect(tagged.map((item) => item.json.crm.outcome)).toEqual(['upserted']);
	expect((await contactOf('+85263330001')).tags).toContain('offer_sent');

	// Still keen a minute later: the CRM's tag stops the offer before the Sender.
	const third = await deliver(message(kaYan, 'Ka Yan', 'I want to buy two', 10));
	expect(third.offered).toEqual([]);
	expect(third.notOffered.map((item) => item.json)).toEqual([
		expect.objectContaining({
			offerAlreadySent: true,
			intent: expect.objectContaining({
				tier: expect.objectContaining({ tiers: expect.arrayContaining(['high_intent']) }),
			}),
		}),
	]);
	expect(offersTo(kaYan)).toHaveLength(1);
	expect(offersTo('85263330003')).toHaveLength(0);
	expect((await contactOf('+85263330001')).properties).toMatchObject({
		whatsapp_interaction_count: '5',
	});
});
