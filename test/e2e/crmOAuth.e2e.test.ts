/**
 * The CRM Upsert node against Zoho CRM and Salesforce through their OAuth2 credentials in a real
 * n8n: n8n adds the token (Zoho's `Zoho-oauthtoken` prefix, Salesforce's bearer to the instance URL)
 * and the node creates, matches and logs against each vendor's simulator. Also each CRM without the
 * package's WhatsApp custom fields (HubSpot through its token credential): still written, with a warning.
 */
import { HUBSPOT_SIM_SCOPES, startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { startSalesforceSimulator } from '../../devkit/simulators/crm/salesforce';
import { startZohoSimulator } from '../../devkit/simulators/crm/zoho';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeInlineWorkflow,
	ownerSession,
	simulatedHubSpot,
	simulatedSalesforce,
	simulatedZoho,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

let n8n: N8nApi;
beforeAll(async () => {
	n8n = await ownerSession();
});

/** Webhook → CRM Upsert (upsert) → CRM Upsert (log message), as the CRM sync workflow chains them. */
function crmWorkflow(
	crm: string,
	path: string,
	webhookId: string,
	credentials: Record<string, { id: string; name: string }>,
	upsertOptions: Record<string, unknown> = {},
) {
	const node = (name: string, x: number, parameters: Record<string, unknown>) => ({
		id: `${webhookId.slice(0, 30)}${String(x).padStart(6, '0')}`,
		name,
		type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
		typeVersion: 1,
		position: [x, 0],
		credentials,
		parameters: { crm, ...parameters },
	});
	return {
		name: `CRM e2e ${crm}`,
		active: false,
		nodes: [
			{
				id: `${webhookId.slice(0, 30)}000001`,
				name: 'In',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: {
					httpMethod: 'POST',
					path,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: `${webhookId.slice(0, 30)}000002`,
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { fieldToSplitOut: 'body.messages', options: {} },
			},
			node('Upsert Contact', 400, {
				resource: 'contact',
				operation: 'upsert',
				fields: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [] },
				upsertOptions: { defaultCountry: 'HK', ...upsertOptions },
			}),
			node('Log Message', 600, {
				resource: 'message',
				operation: 'logMessage',
				contactId: '={{ $json.crm.id }}',
				direction: 'inbound',
			}),
		],
		connections: {
			In: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Upsert Contact', type: 'main', index: 0 }]] },
			'Upsert Contact': { main: [[{ node: 'Log Message', type: 'main', index: 0 }], [], []] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	};
}

const messages = (suffix: string) => [
	{
		id: `wamid.oauth-${suffix}-1`,
		timestamp: '2026-11-23T01:00:00.000Z',
		customer: { e164: '+85291234567', name: '陳大文' },
		text: '幾錢呀?',
		intent: { tags: ['price_inquiry'] },
	},
	{
		id: `wamid.oauth-${suffix}-2`,
		timestamp: '2026-11-23T01:01:00.000Z',
		customer: { e164: '+85263331111', name: 'Mei' },
		text: 'where is my parcel?',
	},
];

async function run(path: string, body: object) {
	const response = await fetch(`${readHostState().url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return (await response.json()) as Array<{
		crm: { outcome: string; contactId?: string; duplicate?: boolean };
	}>;
}

it('Zoho CRM: matches a contact Zoho stores as "+852 9123 4567", creates the new one, logs both messages once', async () => {
	const sim = await startZohoSimulator({
		contacts: [{ Last_Name: 'Chan', First_Name: 'Tai Man', Phone: '+852 9123 4567' }],
	});
	try {
		const credential = await simulatedZoho(n8n, sim, 'Zoho e2e');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('zoho', 'scrm-crm-zoho', 'a1b2c3d4-0000-4000-8000-000000002001', {
				zohoScrmOAuth2Api: credential,
			}),
		);
		const logged = await run('scrm-crm-zoho', { messages: messages('zoho') });
		expect(logged.map((item) => item.crm.outcome)).toEqual(['logged', 'logged']);
		const records = [...sim.state.records.values()];
		expect(records).toHaveLength(2);
		const known = records.find((r) => r.Phone === '+852 9123 4567')!;
		// Tags, the interaction and its count are kept in Zoho's WhatsApp fields, as they are in HubSpot.
		expect(known).toMatchObject({
			WhatsApp_E164: '+85291234567',
			WhatsApp_Tags: 'price_inquiry',
			WhatsApp_Interactions: 1,
		});
		expect(Date.parse(String(known.WhatsApp_Last_Interaction))).toBe(
			Date.parse('2026-11-23T01:00:00Z'),
		);
		expect(sim.state.notes.size).toBe(2);
		// The same messages again: nothing new in Zoho.
		const again = await run('scrm-crm-zoho', { messages: messages('zoho') });
		expect(again.map((item) => item.crm.duplicate)).toEqual([true, true]);
		expect(sim.state.records.size).toBe(2);
		expect(known.WhatsApp_Interactions).toBe(1);
		expect(sim.state.notes.size).toBe(2);
		expect(sim.state.rejected.auth).toBe(0);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('Salesforce: the same through its OAuth2 credential and the instance URL', async () => {
	const sim = await startSalesforceSimulator({
		contacts: [{ LastName: 'Chan', FirstName: 'Tai Man', MobilePhone: '(852) 9123-4567' }],
	});
	try {
		const credential = await simulatedSalesforce(n8n, sim, 'Salesforce e2e');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('salesforce', 'scrm-crm-sf', 'a1b2c3d4-0000-4000-8000-000000005f01', {
				salesforceScrmOAuth2Api: credential,
			}),
		);
		const logged = await run('scrm-crm-sf', { messages: messages('sf') });
		expect(logged.map((item) => item.crm.outcome)).toEqual(['logged', 'logged']);
		expect(sim.state.contacts.size).toBe(2);
		expect(sim.state.tasks.size).toBe(2);
		const known = [...sim.state.contacts.values()].find(
			(r) => r.MobilePhone === '(852) 9123-4567',
		)!;
		expect(known).toMatchObject({
			WhatsApp_E164__c: '+85291234567',
			WhatsApp_Tags__c: 'price_inquiry',
			WhatsApp_Interactions__c: 1,
			WhatsApp_Last_Interaction__c: '2026-11-23T01:00:00.000+0000',
		});
		const again = await run('scrm-crm-sf', { messages: messages('sf') });
		expect(again.map((item) => item.crm.duplicate)).toEqual([true, true]);
		expect(sim.state.contacts.size).toBe(2);
		expect(sim.state.tasks.size).toBe(2);
		expect(known.WhatsApp_Interactions__c).toBe(1);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('Zoho CRM without the WhatsApp fields: contacts are still written and logged, and a warning names each missing field', async () => {
	const sim = await startZohoSimulator({ contacts: [], withoutWhatsAppFields: true });
	try {
		const credential = await simulatedZoho(n8n, sim, 'Zoho e2e bare org');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('zoho', 'scrm-crm-zoho-bare', 'a1b2c3d4-0000-4000-8000-000000002002', {
				zohoScrmOAuth2Api: credential,
			}),
		);
		const logged = await run('scrm-crm-zoho-bare', { messages: messages('zoho-bare') });
		expect(logged.map((item) => item.crm.outcome)).toEqual(['logged', 'logged']);
		expect(sim.state.records.size).toBe(2);
		expect(sim.state.rejected.validation).toBe(0);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		const hints = await n8n.nodeHints(execution.id, 'Upsert Contact');
		expect(hints).toHaveLength(1);
		for (const field of [
			'WhatsApp_E164',
			'WhatsApp_User_ID',
			'WhatsApp_Last_Interaction',
			'WhatsApp_Interactions',
			'WhatsApp_Tags',
			'WhatsApp_Marketing_Consent',
		])
			expect(hints[0].message).toContain(field);
		expect(JSON.stringify(hints)).not.toContain(sim.token);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('HubSpot without the whatsapp_* properties: contacts are still written and logged, and a warning names each and how to create it', async () => {
	const sim = await startHubSpotSimulator({ contacts: [], withoutWhatsAppFields: true });
	try {
		const credential = await simulatedHubSpot(n8n, sim, 'HubSpot e2e bare portal');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('hubspot', 'scrm-crm-hubspot-bare', 'a1b2c3d4-0000-4000-8000-000000004b01', {
				hubSpotScrmApi: credential,
			}),
		);
		const logged = await run('scrm-crm-hubspot-bare', { messages: messages('hubspot-bare') });
		expect(logged.map((item) => item.crm.outcome)).toEqual(['logged', 'logged']);
		expect(sim.state.contacts.size).toBe(2);
		expect(sim.state.communications.size).toBe(2);
		expect(sim.state.rejected.validation).toBe(0);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		const hints = await n8n.nodeHints(execution.id, 'Upsert Contact');
		expect(hints).toHaveLength(1);
		for (const property of [
			'whatsapp_e164',
			'whatsapp_user_id',
			'whatsapp_last_interaction',
			'whatsapp_interaction_count',
			'whatsapp_tags',
			'whatsapp_marketing_consent',
		])
			expect(hints[0].message).toContain(property);
		expect(hints[0].message).toContain('Settings › Properties › Contact properties');
		expect(hints[0].message).toContain('Create Missing WhatsApp Properties');
		expect(JSON.stringify(hints)).not.toContain(sim.token);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('HubSpot with Create Missing WhatsApp Properties: the node creates them on the first run and keeps tags and counts at once', async () => {
	const sim = await startHubSpotSimulator({
		contacts: [],
		withoutWhatsAppFields: true,
		scopes: [...HUBSPOT_SIM_SCOPES, 'crm.schemas.contacts.write'],
	});
	try {
		const credential = await simulatedHubSpot(n8n, sim, 'HubSpot e2e creating portal');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow(
				'hubspot',
				'scrm-crm-hubspot-create',
				'a1b2c3d4-0000-4000-8000-000000004b02',
				{ hubSpotScrmApi: credential },
				{ createMissingProperties: true },
			),
		);
		const logged = await run('scrm-crm-hubspot-create', { messages: messages('hubspot-create') });
		expect(logged.map((item) => item.crm.outcome)).toEqual(['logged', 'logged']);
		const created = sim.state.properties
			.filter((p) => p.groupName === 'whatsapp_scrm')
			.map((p) => p.name);
		expect(created.sort()).toEqual([
			'whatsapp_e164',
			'whatsapp_interaction_count',
			'whatsapp_last_interaction',
			'whatsapp_marketing_consent',
			'whatsapp_tags',
			'whatsapp_user_id',
		]);
		const tagged = [...sim.state.contacts.values()].find(
			(c) => c.properties.whatsapp_e164 === '+85291234567',
		)!;
		expect(tagged.properties).toMatchObject({
			whatsapp_tags: 'price_inquiry',
			whatsapp_interaction_count: '1',
		});
		expect(sim.state.rejected.validation).toBe(0);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		expect(await n8n.nodeHints(execution.id, 'Upsert Contact')).toEqual([]);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

/** One message from each of `n` new customers (Hong Kong mobiles 6300 0000, 6300 0001, …). */
const crowd = (suffix: string, n: number) =>
	Array.from({ length: n }, (_, i) => ({
		id: `wamid.expiry-${suffix}-${i}`,
		timestamp: new Date(Date.parse('2026-11-23T02:00:00Z') + i * 1000).toISOString(),
		customer: { e164: `+8526${String(3000000 + i)}`, name: `Customer ${i}` },
		text: `message ${i}`,
	}));

it('Zoho CRM: access tokens that expire mid-run are refreshed at the token endpoint; every contact is written and logged exactly once', async () => {
	// Zoho's one-hour tokens on a clock that moves a minute per request: each token serves about 60
	// requests, so a run of 150 customers meets several expiries.
	let t = Date.parse('2026-11-23T02:00:00Z');
	const sim = await startZohoSimulator({ contacts: [], tokenClock: () => (t += 60_000) });
	try {
		const credential = await simulatedZoho(n8n, sim, 'Zoho e2e expiring tokens');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('zoho', 'scrm-crm-zoho-expiry', 'a1b2c3d4-0000-4000-8000-000000002003', {
				zohoScrmOAuth2Api: credential,
			}),
		);
		const n = 150;
		const logged = await run('scrm-crm-zoho-expiry', { messages: crowd('zoho', n) });
		expect(logged.map((item) => item.crm.outcome)).toEqual(Array(n).fill('logged'));
		expect(sim.grant.expiredUses).toBeGreaterThanOrEqual(2);
		expect(sim.grant.refreshes).toBeGreaterThanOrEqual(2);
		// Nothing lost, nothing written twice.
		const numbers = [...sim.state.records.values()].map((r) => r.WhatsApp_E164);
		expect(numbers).toHaveLength(n);
		expect(new Set(numbers).size).toBe(n);
		expect(sim.state.notes.size).toBe(n);
		expect(sim.state.rejected.scope).toBe(0);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('Salesforce: a session that ends mid-run is renewed once through the refresh token; every contact is written and logged exactly once', async () => {
	const sim = await startSalesforceSimulator({ contacts: [] });
	try {
		const credential = await simulatedSalesforce(n8n, sim, 'Salesforce e2e ending session');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow('salesforce', 'scrm-crm-sf-expiry', 'a1b2c3d4-0000-4000-8000-000000005f02', {
				salesforceScrmOAuth2Api: credential,
			}),
		);
		const n = 60;
		sim.endSessionsAfter(5);
		const logged = await run('scrm-crm-sf-expiry', { messages: crowd('sf', n) });
		expect(logged.map((item) => item.crm.outcome)).toEqual(Array(n).fill('logged'));
		expect(sim.grant.expiredUses).toBeGreaterThanOrEqual(1);
		// Calls that met the same ended session waited on one refresh.
		expect(sim.grant.refreshes).toBe(1);
		const numbers = [...sim.state.contacts.values()].map((r) => r.WhatsApp_E164__c);
		expect(numbers).toHaveLength(n);
		expect(new Set(numbers).size).toBe(n);
		expect(sim.state.tasks.size).toBe(n);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});

it('Zoho CRM without ZohoSearch.securesearch.READ: each item fails naming the scope and the reconnect, and nothing is written', async () => {
	const sim = await startZohoSimulator({
		contacts: [],
		scopes: [
			'ZohoCRM.modules.contacts.ALL',
			'ZohoCRM.modules.notes.ALL',
			'ZohoCRM.settings.fields.READ',
		],
	});
	try {
		const credential = await simulatedZoho(n8n, sim, 'Zoho e2e missing search scope');
		const { workflow } = await activeInlineWorkflow(
			n8n,
			crmWorkflow(
				'zoho',
				'scrm-crm-zoho-scope',
				'a1b2c3d4-0000-4000-8000-000000002004',
				{ zohoScrmOAuth2Api: credential },
				{},
			),
		);
		const response = await fetch(`${readHostState().url}/webhook/scrm-crm-zoho-scope`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ messages: messages('zoho-scope') }),
		});
		const text = await response.text();
		expect(sim.state.rejected.scope).toBeGreaterThan(0);
		expect(sim.state.records.size).toBe(0);
		const [execution] = await n8n.waitForExecutions(workflow.id, 1);
		const detail = JSON.stringify(await n8n.call('GET', `/rest/executions/${execution.id}`));
		expect(detail + text).toContain('ZohoSearch.securesearch.READ');
		expect(detail + text).toMatch(/reconnect the Zoho CRM credential/i);
		expect(detail + text).not.toContain(sim.token);
		await n8n.deactivate(workflow);
	} finally {
		await sim.close();
	}
});
