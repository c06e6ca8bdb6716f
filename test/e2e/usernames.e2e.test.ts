/**
 * Customers with a WhatsApp username, and consent Meta already knows, in a real n8n against the
 * Graph API simulator: the broadcast workflow's Sender sends to a username-only customer by
 * business-scoped user id (Meta's `recipient`), passes the Quick Reply Payload Meta accepts, defers
 * an authentication template Meta refuses for a user id (131062) and marketing to +1 numbers; the
 * trigger emits a customer's user-id change and marketing stop / resume as events.
 */

import {
	SIM,
	authenticationTemplates,
	startGraphApiSimulator,
} from '../../devkit/simulators/graphApi';
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
	envelopeFor,
	systemUserIdChange,
	userPreferences,
} from '../../devkit/payloads/whatsappPayloads';

jest.setTimeout(120_000);

const USER_ID = 'HK.1502576394655843';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let credential: { id: string; name: string };
const workflows: Array<{ id: string; versionId: string }> = [];

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	for (const template of authenticationTemplates()) graph.state.addTemplate(SIM.wabaId, template);
	credential = await simulatedWhatsApp(n8n, graph, 'WhatsApp usernames e2e');
});

afterAll(async () => {
	for (const workflow of workflows) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
});

/** The broadcast example on a webhook path of its own, with the given Sender parameters. */
async function campaign(path: string, sender: Record<string, unknown>) {
	const { workflow, run } = await broadcastCampaign(n8n, credential, path, sender);
	workflows.push(workflow);
	return run;
}

describe('the Sender and a customer with a username', () => {
	it('sends to a username-only customer by user id in recipient, with the Quick Reply Payload', async () => {
		const run = await campaign('scrm-usernames', {
			buttonParameters: { button: [{ position: 1, text: '', payload: 'more-info:spring' }] },
		});
		const before = graph.state.sent.length;
		const result = await run([
			{ phone: USER_ID, name: 'Tai Man', discount: '8' },
			// A number no other e2e file sends to: n8n's memory ledger is one per process.
			{ phone: '9123 4581', name: 'Mei', discount: '8' },
		]);
		expect(result.failed).toEqual([]);
		expect(result.deferred).toEqual([]);
		expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: USER_ID, userId: USER_ID }),
			expect.objectContaining({ outcome: 'sent', to: '+85291234581' }),
		]);
		const [byId, byPhone] = graph.state.sent.slice(before);
		expect(byId.body).toMatchObject({ recipient: USER_ID });
		expect(byId.body).not.toHaveProperty('to');
		expect(byPhone.body).toMatchObject({ to: '+85291234581' });
		expect(byPhone.body).not.toHaveProperty('recipient');
		expect((byId.body.template as { components: unknown[] }).components).toContainEqual({
			type: 'button',
			sub_type: 'quick_reply',
			index: '0',
			parameters: [{ type: 'payload', payload: 'more-info:spring' }],
		});
	});

	it('defers marketing to a +1 number before any request, with the reason', async () => {
		const run = await campaign('scrm-us-marketing', {});
		const before = graph.state.sent.length;
		const result = await run([{ phone: '+1 415 555 0123', name: 'Sam', discount: '8' }]);
		expect(result.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'deferred',
				rule: 'usMarketing',
				retryAt: null,
				reason: expect.stringContaining('131049'),
			}),
		]);
		expect(graph.state.sent.length).toBe(before);
	});

	it('defers a copy-code authentication template to a user id (131062) with the way to ask for the number', async () => {
		const run = await campaign('scrm-login-code', {
			template: 'login_code::en_US',
			headerMedia: '',
			options: { correlationId: 'login' },
			buttonParameters: { button: [{ position: 1, text: '123456', payload: '' }] },
			bodyParameters: { parameter: [{ name: '', value: '123456', relative: false }] },
		});
		const result = await run([
			{ phone: 'HK.77001', name: 'No number' },
			{ phone: '+852 6123 4567', name: 'Has number' },
		]);
		expect(result.failed).toEqual([]);
		expect(result.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({
				outcome: 'deferred',
				rule: 'phoneNeeded',
				code: 131062,
				reason: expect.stringContaining('REQUEST_CONTACT_INFO'),
			}),
		]);
		expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: '+85261234567' }),
		]);
	});
});

describe("the Sender and the trigger's marketing-preference events", () => {
	it('records a stop as a marketing opt-out (the item is deferred) and a resume withdraws it', async () => {
		const run = await campaign('scrm-preferences', {});
		const preference = (optedOut: boolean, at: string) => ({
			kind: 'preference',
			category: 'marketing_messages',
			value: optedOut ? 'stop' : 'resume',
			optedOut,
			timestamp: at,
			phone: '+886 912 000 111',
			discount: '8',
		});
		const stopped = await run([preference(true, new Date(Date.now() - 60_000).toISOString())]);
		expect(stopped.deferred.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'deferred', rule: 'optOut', retryAt: null }),
		]);
		const resumed = await run([preference(false, new Date().toISOString())]);
		expect(resumed.sent.map((item) => item.json.whatsapp)).toEqual([
			expect.objectContaining({ outcome: 'sent', to: '+886912000111' }),
		]);
	});
});

describe('the trigger and changes Meta reports about a customer', () => {
	const WEBHOOK_ID = '5f0e9a54-3d3c-4b8e-9a4e-0b1c2d3e4f77';
	let workflow: { id: string; versionId: string };

	beforeAll(async () => {
		({ workflow } = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: credential },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = WEBHOOK_ID;
				trigger.parameters.events = ['message', 'preference'];
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

	it("emits a customer's user-id change with the old and the new id, so the CRM can re-key", async () => {
		const items = await deliver(
			envelopeFor(
				SIM.wabaId,
				systemUserIdChange({
					phoneNumberId: SIM.phoneNumberId,
					userId: USER_ID,
					newUserId: 'HK.2603687405766954',
				}),
			),
		);
		expect(items).toEqual([
			expect.objectContaining({
				kind: 'message',
				type: 'system',
				customer: { userId: USER_ID },
				system: expect.objectContaining({
					type: 'user_changed_user_id',
					previousUserId: USER_ID,
					newUserId: 'HK.2603687405766954',
				}),
			}),
		]);
	});

	it('emits marketing stop and resume as preference events', async () => {
		const stop = await deliver(
			envelopeFor(
				SIM.wabaId,
				userPreferences({ phoneNumberId: SIM.phoneNumberId, value: 'stop', from: '85291234582' }),
			),
		);
		expect(stop).toEqual([
			expect.objectContaining({
				kind: 'preference',
				category: 'marketing_messages',
				value: 'stop',
				optedOut: true,
				customer: expect.objectContaining({ e164: '+85291234582' }),
			}),
		]);
		const resume = await deliver(
			envelopeFor(
				SIM.wabaId,
				userPreferences({
					phoneNumberId: SIM.phoneNumberId,
					value: 'resume',
					from: null,
					userId: USER_ID,
					timestamp: 1795300100,
				}),
			),
		);
		expect(resume).toEqual([
			expect.objectContaining({
				kind: 'preference',
				value: 'resume',
				optedOut: false,
				customer: expect.objectContaining({ userId: USER_ID }),
			}),
		]);
	});
});
