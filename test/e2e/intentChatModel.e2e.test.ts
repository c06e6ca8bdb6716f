/**
 * The Intent Tagger's chat-model escalation in a real n8n: n8n's own OpenAI Chat Model node, its
 * credential's base URL pointed at the OpenAI-compatible simulator on loopback, connected to the
 * tagger's Chat Model input. Only messages the offline tagger is unsure of reach the model, each
 * text once; the output says which items the model decided and how many calls were made.
 */
import http from 'node:http';

import { startOpenAiChatSimulator } from '../../devkit/simulators/openAiChat';
import type { OpenAiChatSimulator } from '../../devkit/simulators/openAiChat';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import { activeInlineWorkflow, executionOf, ownerSession } from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const API_KEY = 'sk-sim-intent-e2e';
const WEBHOOK_ID = '4d1f8a2e-7c3b-4e59-9a61-0b2c3d4e5f60';
const UNSURE = 'the thing from last week does the blinking again after the update';

let n8n: N8nApi;
let llm: OpenAiChatSimulator;
let workflow: { id: string; versionId: string };
let webhookUrl: string;

beforeAll(async () => {
	const host = readHostState();
	n8n = await ownerSession();
	llm = await startOpenAiChatSimulator({
		apiKey: API_KEY,
		answer: (text) =>
			text.includes('blinking')
				? '{"tags": ["complaint", "made_up_tag"], "sentiment": 0.2, "evidence": ["blinking again"]}'
				: '{"tags": [], "sentiment": 0.5, "evidence": []}',
	});
	const credential = await n8n.createCredential('openAiApi', 'OpenAI simulator (intent e2e)', {
		apiKey: API_KEY,
		url: `${llm.baseUrl}/v1`,
	});
	({ workflow } = await activeInlineWorkflow(n8n, {
		name: 'Intent Tagger with a chat model (e2e)',
		active: false,
		settings: {},
		nodes: [
			{
				name: 'Messages In',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: {
					httpMethod: 'POST',
					path: 'intent-chat-model',
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				name: 'One Item Per Message',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: 'return $input.first().json.body.messages.map((text) => ({ json: { text } }));',
				},
			},
			{
				name: 'Intent Tagger',
				type: 'n8n-nodes-whatsapp-scrm.scrmIntentTagger',
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					text: '={{ $json.text }}',
					resultField: 'intent',
					options: { chatModelBelowCertainty: 0.5, chatModelCallLimit: 5 },
				},
			},
			{
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [400, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: { openAiApi: credential },
			},
		],
		connections: {
			'Messages In': { main: [[{ node: 'One Item Per Message', type: 'main', index: 0 }]] },
			'One Item Per Message': { main: [[{ node: 'Intent Tagger', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'Intent Tagger', type: 'ai_languageModel', index: 0 }]],
			},
		},
	}));
	webhookUrl = `${host.url}/webhook/intent-chat-model`;
});

/** POSTs JSON on a connection of its own: a pooled keep-alive socket n8n already closed would reset. */
function post(url: string, body: unknown): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{ method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			},
		);
		request.on('error', reject);
		request.end(JSON.stringify(body));
	});
}

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await llm?.stop();
});

it('asks the chat model only about the unsure message, once per text, and says so', async () => {
	const messages = ['how much is the blue one?', UNSURE, 'STOP', UNSURE];
	const execution = await executionOf(n8n, workflow.id, async () => {
		expect(await post(webhookUrl, { messages })).toBe(200);
	});
	expect(execution.status).toBe('success');
	const [items] = await n8n.nodeOutput(execution.id, 'Intent Tagger');
	const intents = items.map((item) => item.json.intent);

	// One call for the two identical unsure messages; the sure ones never reach the model.
	expect(llm.requests).toHaveLength(1);
	expect(JSON.stringify(llm.requests[0].messages)).toContain('blinking');
	expect(intents.map((i) => i.chatModelCalls)).toEqual([1, 1, 1, 1]);
	expect(intents.map((i) => i.decidedBy)).toEqual(['tagger', 'chat model', 'tagger', 'chat model']);

	// The model's verdict, limited to the tagger's own tags, with its evidence.
	expect(intents[1].tags).toEqual(['complaint']);
	expect(intents[1].sentiment).toBe(0.2);
	expect(intents[1].intents[0].evidence).toEqual(['blinking again']);
	// The offline results stand where the tagger was sure.
	expect(intents[0].tags).toEqual(['price_inquiry']);
	expect(intents[2].tags).toEqual(['opt_out']);
});
