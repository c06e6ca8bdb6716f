/**
 * What the example-workflow suites share: a WhatsApp credential pointed at the Graph API simulator,
 * and waiting for the execution a request started.
 */
import { randomUUID } from 'node:crypto';
import { SIM } from '../simulators/graphApi';
import type { GraphApiSimulator } from '../simulators/graphApi';
import { N8nApi, readHostState } from './n8nHost';

/** A WhatsApp SCRM credential for the simulator's app, WABA and token (at `graph.url`, which may be any host). */
export function simulatedWhatsApp(
	n8n: N8nApi,
	graph: Pick<GraphApiSimulator, 'url'>,
	name: string,
	accessToken: string = SIM.token,
): Promise<{ id: string; name: string }> {
	return n8n.createCredential('whatsAppScrmApi', name, {
		accessToken,
		appSecret: SIM.appSecret,
		verifyToken: SIM.verifyToken,
		wabaId: SIM.wabaId,
		graphApiVersion: 'v26.0',
		useCustomBaseUrl: true,
		baseUrl: graph.url,
	});
}

/** A HubSpot (WhatsApp SCRM) credential for a HubSpot simulator (its token, Free-tier limits). */
export function simulatedHubSpot(
	n8n: N8nApi,
	hubspot: { token: string; baseUrl: string },
	name: string,
): Promise<{ id: string; name: string }> {
	return n8n.createCredential('hubSpotScrmApi', name, {
		accessToken: hubspot.token,
		tier: 'free',
		useCustomBaseUrl: true,
		baseUrl: hubspot.baseUrl,
	});
}

/**
 * A Zoho CRM OAuth2 credential already holding the Zoho simulator's tokens, as after the OAuth dance;
 * its token URL is the simulator's, so n8n refreshes an expired token there.
 */
export function simulatedZoho(
	n8n: N8nApi,
	zoho: { token: string; baseUrl: string; refreshToken?: string; tokenUrl?: string },
	name: string,
): Promise<{ id: string; name: string }> {
	return n8n.createCredential('zohoScrmOAuth2Api', name, {
		clientId: 'e2e-client',
		clientSecret: 'e2e-secret',
		dataCentre: 'com',
		edition: 'standard',
		apiBaseUrl: zoho.baseUrl,
		...(zoho.tokenUrl ? { accessTokenUrl: zoho.tokenUrl } : {}),
		oauthTokenData: {
			access_token: zoho.token,
			token_type: 'Bearer',
			...(zoho.refreshToken ? { refresh_token: zoho.refreshToken, expires_in: 3600 } : {}),
		},
	});
}

/** A Salesforce OAuth2 credential already holding the Salesforce simulator's tokens and instance URL. */
export function simulatedSalesforce(
	n8n: N8nApi,
	salesforce: { token: string; baseUrl: string; refreshToken?: string; tokenUrl?: string },
	name: string,
): Promise<{ id: string; name: string }> {
	return n8n.createCredential('salesforceScrmOAuth2Api', name, {
		clientId: 'e2e-client',
		clientSecret: 'e2e-secret',
		environment: 'production',
		apiVersion: 'v62.0',
		instanceUrl: salesforce.baseUrl,
		...(salesforce.tokenUrl ? { accessTokenUrl: salesforce.tokenUrl } : {}),
		oauthTokenData: {
			access_token: salesforce.token,
			instance_url: salesforce.baseUrl,
			token_type: 'Bearer',
			...(salesforce.refreshToken ? { refresh_token: salesforce.refreshToken } : {}),
		},
	});
}

/** The business number of the simulator's default WABA, as customer messages name it. */
export const SIM_BUSINESS = {
	wabaId: SIM.wabaId,
	phoneNumberId: SIM.phoneNumberId,
	displayPhoneNumber: '85291234567',
};

/** The instance's owner session on the e2e suite's n8n (set up on a fresh instance). */
export function ownerSession(): Promise<N8nApi> {
	return N8nApi.forOwner(readHostState().url);
}

/** A credential made earlier in the suite, by its name. */
export async function credentialNamed(
	n8n: N8nApi,
	name: string,
): Promise<{ id: string; name: string }> {
	const credential = (
		(await n8n.call('GET', '/rest/credentials')) as Array<{ id: string; name: string }>
	).find((c) => c.name === name);
	if (!credential) throw new Error(`no credential named "${name}"`);
	return { id: credential.id, name: credential.name };
}

/** An example workflow imported (`edit` changes its JSON first) and activated; `stop` deactivates it. */
export async function activeWorkflow(
	n8n: N8nApi,
	file: string,
	credentials: Record<string, { id: string; name: string }>,
	edit?: (json: any) => void,
) {
	const workflow = await n8n.importWorkflow(file, credentials, edit);
	await n8n.activate(workflow);
	return { workflow, stop: () => n8n.deactivate(workflow) };
}

/** A workflow a test writes itself (its JSON, `active: false`), created and activated; `stop` deactivates it. */
export async function activeInlineWorkflow(n8n: N8nApi, json: Record<string, unknown>) {
	const workflow: { id: string; versionId: string } = await n8n.call(
		'POST',
		'/rest/workflows',
		json,
	);
	await n8n.activate(workflow);
	return { workflow, stop: () => n8n.deactivate(workflow) };
}

/** Where Meta posts to a WhatsApp SCRM Trigger with this webhook id on the e2e suite's n8n. */
export function triggerWebhookUrl(webhookId: string): string {
	return `${readHostState().url}/webhook/${webhookId}/webhook`;
}

/** The first node of a workflow JSON whose type ends with `typeSuffix` (e.g. `whatsAppSender`). */
export function nodeOfType(json: { nodes: Array<Record<string, any>> }, typeSuffix: string) {
	const node = json.nodes.find((candidate) => String(candidate.type).endsWith(typeSuffix));
	if (!node) throw new Error(`the workflow has no node of type …${typeSuffix}`);
	return node;
}

/** The node of a workflow JSON with this name. */
export function nodeNamed(json: { nodes: Array<Record<string, any>> }, name: string) {
	const node = json.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`the workflow has no node "${name}"`);
	return node;
}

/** Runs `start` (a POST that starts one execution) and returns that execution once it finished. */
export async function executionOf(
	n8n: N8nApi,
	workflowId: string,
	start: () => Promise<void>,
): Promise<{ id: string; status: string }> {
	const before = (await n8n.executions(workflowId)).length;
	await start();
	const executions = await n8n.waitForExecutions(workflowId, before + 1);
	return executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
}

/** A built-in Postgres credential for a test database on loopback (trust authentication: the password is not checked). */
export function archivePostgres(
	n8n: N8nApi,
	database: { host: string; port: number; user: string; database: string },
	name: string,
): Promise<{ id: string; name: string }> {
	return n8n.createCredential('postgres', name, {
		host: database.host,
		port: database.port,
		database: database.database,
		user: database.user,
		password: 'unused-trust-auth',
		ssl: 'disable',
		maxConnections: 10,
		allowUnauthorizedCerts: false,
	});
}

/**
 * Replaces a workflow's trigger (Schedule, Manual, Execute Workflow) by a webhook, so a test can start
 * that branch when it wants. The webhook answers with the last node's first item; n8n refuses that
 * in a workflow holding a Respond to Webhook node, where `responseNode` is the mode to pass, and
 * `onReceived` answers at once (the test then waits for the execution).
 */
export function startByWebhook(
	workflow: { nodes: Array<Record<string, any>> },
	triggerName: string,
	path: string,
	webhookId: string,
	responseMode: 'lastNode' | 'responseNode' | 'onReceived' = 'lastNode',
): void {
	Object.assign(nodeNamed(workflow, triggerName), {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode, options: {} },
	});
}

/** How a test changes the broadcast example beyond the Sender parameters. */
export interface CampaignOptions {
	/** The webhook node's id (default: a fresh one). */
	webhookId?: string;
	/**
	 * The last word on the Sender node, after the defaults and `sender`: replace its parameters,
	 * add credentials (e.g. a Redis ledger), …
	 */
	configure?: (senderNode: Record<string, any>) => void;
}

/**
 * The broadcast example on a webhook path of its own, sending from the simulator's number with a
 * memory ledger and no quiet hours (they depend on the run's clock; the engine's tests cover them
 * with a fixed clock); `sender` sets further Sender parameters and `options.configure` edits the
 * Sender node last. Returns the active workflow, its URL, a run that posts a contact list and reads
 * the Sender's outputs, and `stop` (deactivate).
 */
export async function broadcastCampaign(
	n8n: N8nApi,
	credential: { id: string; name: string },
	webhookPath: string,
	sender: Record<string, unknown> = {},
	options: CampaignOptions = {},
) {
	const { workflow, stop } = await activeWorkflow(
		n8n,
		'whatsapp-broadcast-campaign.json',
		{ whatsAppScrmApi: credential },
		(json) => {
			const hook = nodeOfType(json, 'n8n-nodes-base.webhook');
			hook.parameters.path = webhookPath;
			hook.webhookId = options.webhookId ?? randomUUID();
			const node = nodeOfType(json, 'whatsAppSender');
			node.parameters.phoneNumberId = SIM.phoneNumberId;
			node.parameters.ledgerStore = 'memory';
			node.parameters.quotaGuard = { quietHoursStart: '' };
			Object.assign(node.parameters, sender);
			options.configure?.(node);
		},
	);
	const url = `${n8n.baseUrl}/webhook/${webhookPath}`;
	return {
		workflow,
		url,
		run: (contacts: object[]) => n8n.runContactList(workflow.id, url, contacts),
		stop,
	};
}
