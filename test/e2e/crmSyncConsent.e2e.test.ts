/**
 * Meta-side marketing consent through a real n8n: the trigger's Marketing Preferences events, fed to
 * CRM Upsert as the example CRM sync workflow configures it, set the contact's
 * whatsapp_marketing_consent in the HubSpot simulator (stop, then resume).
 */
import { randomUUID } from 'node:crypto';

import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { envelopeFor, userPreferences } from '../../devkit/payloads/whatsappPayloads';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	nodeNamed,
	ownerSession,
	SIM_BUSINESS,
	simulatedHubSpot,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const WEBHOOK_ID = randomUUID();

let n8n: N8nApi;
let graph: GraphApiSimulator;
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let workflow: { id: string; versionId: string };
let webhookUrl: string;

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	hubspot = await startHubSpotSimulator({ contacts: [] });
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp consent e2e');
	const hubSpot = await simulatedHubSpot(n8n, hubspot, 'HubSpot consent e2e');
	// The CRM sync workflow's Upsert Contact, fed by a trigger of preference events.
	({ workflow } = await activeWorkflow(
		n8n,
		'whatsapp-crm-sync.json',
		{ whatsAppScrmApi: whatsApp, hubSpotScrmApi: hubSpot },
		(json) => {
			json.name = 'CRM consent e2e';
			const trigger = nodeNamed(json, 'WhatsApp SCRM Trigger');
			trigger.parameters.events = ['preference'];
			trigger.webhookId = WEBHOOK_ID;
			json.connections = {
				'WhatsApp SCRM Trigger': {
					main: [[{ node: 'Upsert Contact', type: 'main', index: 0 }]],
				},
			};
		},
	));
	webhookUrl = triggerWebhookUrl(WEBHOOK_ID);
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

it("keeps the customer's stop and resume of marketing messages in whatsapp_marketing_consent", async () => {
	const now = Math.floor(Date.now() / 1000);
	const change = async (value: 'stop' | 'resume', at: number) => {
		const execution = await executionOf(n8n, workflow.id, async () => {
			const answer = await graph.postWebhook(
				webhookUrl,
				envelopeFor(
					SIM.wabaId,
					userPreferences({ ...SIM_BUSINESS, from: '85262330001', value, timestamp: at }),
				),
			);
			expect(answer.status).toBe(200);
		});
		expect(execution.status).toBe('success');
		const contacts = [...hubspot.state.contacts.values()].filter(
			(c) => c.properties.whatsapp_e164 === '+85262330001',
		);
		expect(contacts).toHaveLength(1);
		return contacts[0].properties.whatsapp_marketing_consent;
	};
	await expect(change('stop', now - 10)).resolves.toBe('opted_out');
	await expect(change('resume', now)).resolves.toBe('opted_in');
	expect(hubspot.state.rejected.validation).toBe(0);
});
