/**
 * The conversation-archive example workflow in a real n8n, writing to a real PostgreSQL through
 * n8n's built-in Postgres node: tables set up from zero, every message and status archived once
 * however often Meta redelivers it and in whatever order statuses arrive, and replies sent by the
 * WhatsApp Sender archived through the workflow's sub-workflow entry.
 */
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import {
	bsuidOnlyMessage,
	combine,
	envelopeFor,
	interactiveReply,
	statusUpdate,
	textMessage,
} from '../../devkit/payloads/whatsappPayloads';
import { startPostgres } from '../../devkit/servers/postgresServer';
import type { PostgresServer } from '../../devkit/servers/postgresServer';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeInlineWorkflow,
	activeWorkflow,
	archivePostgres,
	executionOf,
	nodeOfType,
	ownerSession,
	SIM_BUSINESS,
	simulatedWhatsApp,
	startByWebhook,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(180_000);

const TRIGGER_WEBHOOK_ID = 'c2e4a6b8-0d1f-4a3c-8e5b-7f9a1c3e5d70';
const SETUP_PATH = 'scrm-archive-setup-e2e';
const REPLIES_PATH = 'scrm-archive-replies-e2e';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let database: PostgresServer;
let archive: { id: string; versionId: string };
let caller: { id: string; versionId: string } | undefined;
const business = SIM_BUSINESS;
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
	n8n = await ownerSession();
	[graph, database] = await Promise.all([
		startGraphApiSimulator({}),
		startPostgres({ database: 'scrm_archive' }),
	]);
	const whatsapp = await simulatedWhatsApp(n8n, graph, 'WhatsApp archive e2e');
	const postgres = await archivePostgres(n8n, database, 'Archive e2e PostgreSQL');
	({ workflow: archive } = await activeWorkflow(
		n8n,
		'whatsapp-conversation-archive.json',
		{ whatsAppScrmApi: whatsapp, postgres },
		(json) => {
			// A person runs Set Up Tables by hand in the editor; the test starts the same branch by a webhook.
			startByWebhook(json, 'Set Up Tables', SETUP_PATH, '1d3f5a7c-9e0b-4c2d-8f6a-b1c3d5e7f902');
			// As after a restart, when the trigger no longer remembers deliveries: the database alone keeps rows single.
			const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
			trigger.parameters.options = { dedupWindowMinutes: 0 };
		},
	));
});

afterAll(async () => {
	for (const workflow of [caller, archive])
		if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await Promise.all([graph?.stop(), database?.stop()]);
});

async function deliver(body: object): Promise<string> {
	const execution = await executionOf(n8n, archive.id, async () => {
		const response = await graph.postWebhook(triggerWebhookUrl(TRIGGER_WEBHOOK_ID), body);
		expect(response.status).toBe(200);
	});
	expect(execution.status).toBe('success');
	return execution.id;
}

it('sets up its tables from zero, and again without harm', async () => {
	for (let run = 0; run < 2; run++) {
		const response = await fetch(`${readHostState().url}/webhook/${SETUP_PATH}`, {
			method: 'POST',
		});
		expect(response.status).toBe(200);
	}
	const tables = await database.query<{ table_name: string }>(
		"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
	);
	expect(tables.map((row) => row.table_name)).toEqual([
		'whatsapp_delivery',
		'whatsapp_follow_ups',
		'whatsapp_messages',
		'whatsapp_statuses',
	]);
});

it('archives each customer message once, with intent tags and language, however often Meta redelivers it', async () => {
	const chinese = `wamid.e2e-archive-zh-${now}`;
	const russian = `wamid.e2e-archive-ru-${now}`;
	const usernameOnly = `wamid.e2e-archive-bsuid-${now}`;
	const body = envelopeFor(
		SIM.wabaId,
		combine(
			textMessage({
				...business,
				from: '85262231111',
				name: '陳大文',
				text: '運費幾多錢? 幾耐到?',
				id: chinese,
				timestamp: now - 120,
			}),
			textMessage({
				...business,
				from: '79161112233',
				name: 'Ольга',
				text: 'можно вернуть товар?',
				id: russian,
				timestamp: now - 60,
			}),
			bsuidOnlyMessage({
				...business,
				text: 'hi, is the shop open on Sunday?',
				id: usernameOnly,
				timestamp: now,
			}),
		),
	);
	const first = await deliver(body);
	// Meta did not get our 200 in time and delivers the same body again.
	const again = await deliver(body);

	const rows = await database.query<Record<string, any>>(
		`SELECT wamid, direction, customer_e164, customer_user_id, customer_name, type, text, language, intent_tags,
		        to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sent_at, raw->>'id' AS raw_id, phone_number_id
		 FROM whatsapp_messages ORDER BY sent_at`,
	);
	expect(rows.map((row) => row.wamid)).toEqual([chinese, russian, usernameOnly]);
	const [zh, ru, bsuid] = rows;
	expect(zh).toMatchObject({
		direction: 'inbound',
		customer_e164: '+85262231111',
		customer_name: '陳大文',
		type: 'text',
		text: '運費幾多錢? 幾耐到?',
		raw_id: chinese,
		phone_number_id: SIM.phoneNumberId,
	});
	expect(zh.sent_at).toBe(new Date((now - 120) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
	expect(zh.intent_tags).toContain('shipping_info');
	expect(zh.language).toMatch(/^zh/);
	expect(ru).toMatchObject({ customer_e164: '+79161112233', language: 'ru' });
	expect(ru.intent_tags).toContain('return_exchange');
	expect(bsuid).toMatchObject({
		customer_e164: null,
		customer_user_id: 'HK.1502576394655843',
		customer_name: 'Tai Man',
	});

	// Every item leaves the archive node, saying whether it made a new row.
	const [firstRun] = await n8n.nodeOutput(first, 'Archive Message');
	expect(firstRun.map((item) => [item.json.wamid, item.json.archived_now])).toEqual(
		[chinese, russian, usernameOnly].map((id) => [id, true]),
	);
	const [redelivery] = await n8n.nodeOutput(again, 'Archive Message');
	expect(redelivery.map((item) => item.json.archived_now)).toEqual([false, false, false]);
});

it('archives every status once, whatever order they arrive in, and the delivery view reads them', async () => {
	const readFirst = `wamid.e2e-archive-out-1-${now}`;
	const undeliverable = `wamid.e2e-archive-out-2-${now}`;
	const customer = { ...business, recipient: '85262231111' };
	// Read overtakes delivered and sent, and the read is redelivered.
	await deliver(
		envelopeFor(
			SIM.wabaId,
			statusUpdate('read', { ...customer, id: readFirst, timestamp: now + 30 }),
		),
	);
	await deliver(
		envelopeFor(
			SIM.wabaId,
			combine(
				statusUpdate('sent', { ...customer, id: readFirst, timestamp: now + 10 }),
				statusUpdate('delivered', { ...customer, id: readFirst, timestamp: now + 12 }),
				statusUpdate('read', { ...customer, id: readFirst, timestamp: now + 30 }),
				statusUpdate('failed', {
					...business,
					recipient: '79161112233',
					id: undeliverable,
					timestamp: now + 40,
				}),
			),
		),
	);
	await deliver(
		envelopeFor(
			SIM.wabaId,
			statusUpdate('failed', {
				...business,
				recipient: '79161112233',
				id: undeliverable,
				timestamp: now + 40,
			}),
		),
	);

	const statuses = await database.query<Record<string, any>>(
		'SELECT wamid, status, customer_e164, error_code, extract(epoch FROM status_at)::bigint AS at FROM whatsapp_statuses ORDER BY status_at',
	);
	expect(statuses.map((row) => [row.wamid, row.status, Number(row.at)])).toEqual([
		[readFirst, 'sent', now + 10],
		[readFirst, 'delivered', now + 12],
		[readFirst, 'read', now + 30],
		[undeliverable, 'failed', now + 40],
	]);
	expect(statuses[3]).toMatchObject({ customer_e164: '+79161112233', error_code: 131026 });

	const delivery = await database.query<Record<string, any>>(
		'SELECT wamid, delivered_at IS NOT NULL AS delivered, read_at IS NOT NULL AS read, error_code FROM whatsapp_delivery ORDER BY wamid',
	);
	expect(delivery).toEqual([
		{ wamid: readFirst, delivered: true, read: true, error_code: null },
		{ wamid: undeliverable, delivered: false, read: false, error_code: 131026 },
	]);
});

// Issue 15.6: PostgreSQL refuses \u0000 (and unpaired surrogates) in jsonb; one such message failed
// the whole execution and none of the delivery's messages were archived.
it('archives all seven messages of a delivery when one carries a NUL, and each status on its own', async () => {
	const ids = Array.from({ length: 7 }, (_, i) => `wamid.e2e-archive-nul-${i}-${now}`);
	const texts = [
		'first',
		'second',
		'third',
		'bad\u0000byte and \u0000 again',
		'lone \ud800 surrogate',
		'sixth',
		'seventh',
	];
	const flow = interactiveReply({
		...business,
		from: '85262231112',
		kind: 'nfm_reply',
		response: { 'key\u0000with NUL': 'value\u0000', flow_token: 't' },
		id: `wamid.e2e-archive-nul-flow-${now}`,
		timestamp: now + 99,
	});
	const execution = await deliver(
		envelopeFor(
			SIM.wabaId,
			combine(
				...ids.map((id, i) =>
					textMessage({
						...business,
						from: '85262231112',
						text: texts[i],
						id,
						timestamp: now + 90 + i,
					}),
				),
				flow,
			),
		),
	);
	const rows = await database.query<Record<string, any>>(
		`SELECT wamid, text, raw->>'text' AS raw_text FROM whatsapp_messages
		 WHERE customer_e164 = '+85262231112' ORDER BY sent_at, wamid`,
	);
	expect(rows.map((row) => row.wamid)).toEqual([...ids, `wamid.e2e-archive-nul-flow-${now}`]);
	expect(rows[3]).toMatchObject({
		text: 'bad\ufffdbyte and \ufffd again',
		raw_text: 'bad\ufffdbyte and \ufffd again',
	});
	expect(rows[4].text).toBe('lone \ufffd surrogate');
	expect(rows[2].text).toBe('third');
	const [archived] = await n8n.nodeOutput(execution, 'Archive Message');
	expect(archived.map((item) => item.json.archived_now)).toEqual(Array(8).fill(true));

	// An error code past PostgreSQL's integer failed the status batch; now it is kept without a code.
	const huge = `wamid.e2e-archive-huge-code-${now}`;
	await deliver(
		envelopeFor(
			SIM.wabaId,
			combine(
				statusUpdate('failed', {
					...business,
					recipient: '85262231112',
					id: huge,
					timestamp: now + 120,
					errors: [{ code: 99_999_999_999 }],
				}),
				statusUpdate('read', {
					...business,
					recipient: '85262231112',
					id: ids[0],
					timestamp: now + 121,
				}),
			),
		),
	);
	const statuses = await database.query<Record<string, any>>(
		`SELECT wamid, status, error_code FROM whatsapp_statuses WHERE customer_e164 = '+85262231112' ORDER BY status_at`,
	);
	expect(statuses).toEqual([
		{ wamid: huge, status: 'failed', error_code: null },
		{ wamid: ids[0], status: 'read', error_code: null },
	]);
});

it('archives the replies another workflow sent, called as a sub-workflow with the Sender’s results', async () => {
	// The calling workflow a user builds: here a webhook hands over Sender results instead of a real Sender.
	({ workflow: caller } = await activeInlineWorkflow(n8n, {
		name: 'Archive replies caller (e2e)',
		nodes: [
			{
				parameters: {
					httpMethod: 'POST',
					path: REPLIES_PATH,
					responseMode: 'lastNode',
					options: {},
				},
				name: 'Sender Results',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5a7c9e1f-3b5d-4f7a-9c1e-d3f5a7c9e103',
			},
			{
				parameters: { fieldToSplitOut: 'body.results', options: {} },
				name: 'One Item Each',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
			},
			{
				parameters: {
					source: 'database',
					workflowId: { __rl: true, value: archive.id, mode: 'id' },
					mode: 'once',
					options: {},
				},
				name: 'Archive Replies',
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.1,
				position: [440, 0],
			},
		],
		connections: {
			'Sender Results': { main: [[{ node: 'One Item Each', type: 'main', index: 0 }]] },
			'One Item Each': { main: [[{ node: 'Archive Replies', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	}));

	const reply = `wamid.e2e-archive-reply-${now}`;
	const sentAt = new Date((now + 5) * 1000).toISOString();
	const senderResult = {
		kind: 'message',
		id: `wamid.e2e-archive-zh-${now}`,
		text: '運費幾多錢? 幾耐到?',
		agent: 'Mei',
		replyText: '順豐到付, 1-2 日到',
		whatsapp: {
			outcome: 'sent',
			messageId: reply,
			attempts: 1,
			sentAt,
			to: '85262231111',
			phoneNumberId: SIM.phoneNumberId,
		},
	};
	// A customer with a username and no phone number is answered by their business-scoped user id.
	const toUsername = {
		agent: { name: 'Ken', email: 'ken@example.com' },
		whatsapp: {
			outcome: 'sent',
			messageId: `${reply}-bsuid`,
			attempts: 1,
			sentAt,
			to: 'HK.1502576394655843',
			phoneNumberId: SIM.phoneNumberId,
		},
	};
	for (let call = 0; call < 2; call++) {
		const response = await fetch(`${readHostState().url}/webhook/${REPLIES_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ results: [senderResult, toUsername] }),
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			wamid: reply,
			kind: 'reply',
			archived_now: call === 0,
		});
	}

	const rows = await database.query<Record<string, any>>(
		`SELECT wamid, direction, customer_e164, customer_user_id, agent, text, extract(epoch FROM sent_at)::bigint AS at
		 FROM whatsapp_messages WHERE direction = 'outbound' ORDER BY wamid`,
	);
	expect(rows).toEqual([
		{
			wamid: reply,
			direction: 'outbound',
			customer_e164: '+85262231111',
			customer_user_id: null,
			agent: 'Mei',
			text: '順豐到付, 1-2 日到',
			at: now + 5,
		},
		{
			wamid: `${reply}-bsuid`,
			direction: 'outbound',
			customer_e164: null,
			customer_user_id: 'HK.1502576394655843',
			agent: 'Ken',
			text: null,
			at: now + 5,
		},
	]);
});
