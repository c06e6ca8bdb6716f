/**
 * The daily follow-up example workflow in a real n8n against a real PostgreSQL archive: customers
 * whose messages nobody answered are listed once per wait, with their last message, language and
 * intent; answered ones (by the Sender, or from elsewhere and known by their statuses), fresh ones
 * and ones older than the week are not. Run again, the list is refreshed, not duplicated. The same
 * list is mailed to the agents (an SMTP sink on loopback), customers' words escaped.
 */
import { startPostgres } from '../../devkit/servers/postgresServer';
import type { PostgresServer } from '../../devkit/servers/postgresServer';
import { mimeParts, startSmtpSink } from '../../devkit/simulators/smtpSink';
import type { SmtpSink } from '../../devkit/simulators/smtpSink';
import { archiveTablesSql, seedArchive } from '../../devkit/generators/archiveSeed';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	archivePostgres,
	ownerSession,
	startByWebhook,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(180_000);

const PATH = 'scrm-follow-up-e2e';
const MINUTE = 60_000;

let n8n: N8nApi;
let database: PostgresServer;
let smtp: SmtpSink;
let workflow: { id: string; versionId: string };
const now = Date.now();
const ago = (minutes: number) => now - minutes * MINUTE;

beforeAll(async () => {
	n8n = await ownerSession();
	[database, smtp] = await Promise.all([
		startPostgres({ database: 'scrm_follow_up' }),
		startSmtpSink(),
	]);
	await database.exec(archiveTablesSql());
	const postgres = await archivePostgres(n8n, database, 'Follow-up e2e PostgreSQL');
	const mail = await n8n.createCredential('smtp', 'Follow-up SMTP sink e2e', {
		host: smtp.host,
		port: smtp.port,
		secure: false,
		disableStartTls: true,
		user: '',
		password: '',
	});
	({ workflow } = await activeWorkflow(
		n8n,
		'unanswered-follow-up.json',
		{ postgres, smtp: mail },
		(json) => {
			// The test cannot wait for 02:00: the same pipeline, started by a webhook instead.
			startByWebhook(json, 'Every Day at 02:00', PATH, '2b4d6f8a-0c1e-4a3b-8d5f-7a9c1e3b5d04');
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await Promise.all([database?.stop(), smtp?.stop()]);
});

async function runFollowUp(): Promise<void> {
	const response = await fetch(`${readHostState().url}/webhook/${PATH}`, { method: 'POST' });
	expect(response.status).toBe(200);
}

async function followUps() {
	return database.query<Record<string, any>>(
		`SELECT customer, customer_name, extract(epoch FROM waiting_since) * 1000 AS waiting_since, last_message, messages_waiting,
		        language, intent_tags, service_window_open, done_at
		 FROM whatsapp_follow_ups ORDER BY waiting_since`,
	);
}

it('lists the customers waiting on a reply, once per wait, with what an agent needs', async () => {
	await seedArchive(database, {
		messages: [
			// Waiting three hours, asked twice, tagged by the archive's Intent Tagger.
			{
				wamid: 'in-chan-1',
				direction: 'inbound',
				at: ago(180),
				e164: '+85262231111',
				name: '陳大文',
				text: '請問有冇貨?',
				language: 'zh-HK',
				tags: ['stock_inquiry'],
			},
			{
				wamid: 'in-chan-2',
				direction: 'inbound',
				at: ago(175),
				e164: '+85262231111',
				name: '陳大文',
				text: '仲有冇貨呀?',
				language: 'zh-HK',
				tags: ['stock_inquiry'],
			},
			// Answered by an agent through the Sender (archived reply).
			{
				wamid: 'in-lee',
				direction: 'inbound',
				at: ago(120),
				e164: '+85262232222',
				name: 'Mei Ling',
				text: 'what time do you open?',
			},
			{
				wamid: 'out-lee',
				direction: 'outbound',
				at: ago(110),
				e164: '+85262232222',
				agent: 'Mei',
				text: '10am to 8pm',
			},
			// Answered from the WhatsApp Business app: only the reply's statuses are archived.
			{
				wamid: 'in-wong',
				direction: 'inbound',
				at: ago(300),
				e164: '+85262233333',
				text: 'price?',
			},
			// The reply failed: still waiting.
			{
				wamid: 'in-olga',
				direction: 'inbound',
				at: ago(240),
				e164: '+79161112233',
				name: 'Ольга',
				text: 'можно вернуть товар?',
				language: 'ru',
				tags: ['return_exchange'],
			},
			// Ten minutes: not yet.
			{
				wamid: 'in-fresh',
				direction: 'inbound',
				at: ago(10),
				e164: '+66812345678',
				text: 'สวัสดีครับ',
			},
			// Thirty hours: listed, but only a template can reach them now.
			{
				wamid: 'in-late',
				direction: 'inbound',
				at: ago(30 * 60),
				e164: '+6591234567',
				name: 'Tan',
				text: 'I want a refund <b>now</b> & fast',
				language: 'en',
				tags: ['complaint'],
			},
			// Nine days ago: beyond the week the workflow reads.
			{
				wamid: 'in-old',
				direction: 'inbound',
				at: ago(9 * 24 * 60),
				e164: '+85262239999',
				text: 'hello?',
			},
		],
		statuses: [
			{ wamid: 'out-wong', status: 'sent', at: ago(290), e164: '+85262233333' },
			{ wamid: 'out-wong', status: 'read', at: ago(280), e164: '+85262233333' },
			{
				wamid: 'out-olga',
				status: 'failed',
				at: ago(230),
				e164: '+79161112233',
				errorCode: 131026,
				errorTitle: 'Message undeliverable',
			},
		],
	});

	await runFollowUp();
	const listed = await followUps();
	expect(listed.map((row) => row.customer)).toEqual([
		'+6591234567',
		'+79161112233',
		'+85262231111',
	]);
	const [late, olga, chan] = listed;
	expect(late).toMatchObject({
		customer_name: 'Tan',
		last_message: 'I want a refund <b>now</b> & fast',
		language: 'en',
		intent_tags: ['complaint'],
		service_window_open: false,
		messages_waiting: 1,
	});
	expect(Number(late.waiting_since)).toBe(Math.round(ago(30 * 60)));
	expect(olga).toMatchObject({
		customer_name: 'Ольга',
		language: 'ru',
		intent_tags: ['return_exchange'],
		service_window_open: true,
	});
	expect(chan).toMatchObject({
		customer_name: '陳大文',
		last_message: '仲有冇貨呀?',
		messages_waiting: 2,
		language: 'zh-HK',
		intent_tags: ['stock_inquiry'],
		service_window_open: true,
	});
	expect(Number(chan.waiting_since)).toBe(Math.round(ago(180)));

	const [morning] = await smtp.waitFor(1);
	expect(morning.to).toEqual(['agents@example.com']);
	expect(morning.raw).toMatch(/^Subject: 3 WhatsApp customers waiting for a reply$/m);
	const html = mimeParts(morning.raw).find((part) => /text\/html/i.test(part.headers))?.body ?? '';
	const rows = [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)]
		.slice(1)
		.map(([, row]) => [...row.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map(([, cell]) => cell));
	expect(rows.map((cells) => cells[0])).toEqual(['+6591234567', '+79161112233', '+85262231111']);
	expect(rows[0]).toEqual([
		'+6591234567',
		'Tan',
		'30',
		'I want a refund &lt;b&gt;now&lt;/b&gt; &amp; fast',
		'en',
		'complaint',
		'a template (24 h window closed)',
	]);
	expect(rows[2]).toEqual([
		'+85262231111',
		'陳大文',
		'3',
		'仲有冇貨呀?',
		'zh-HK',
		'stock_inquiry',
		'any message',
	]);
	expect(html).not.toContain('<b>now</b>');

	// An agent follows Tan up by phone; Chan writes again before the next night's run.
	await database.exec(
		"UPDATE whatsapp_follow_ups SET done_at = now() WHERE customer = '+6591234567'",
	);
	await seedArchive(database, {
		messages: [
			{
				wamid: 'in-chan-3',
				direction: 'inbound',
				at: ago(5),
				e164: '+85262231111',
				name: '陳大文',
				text: '喂?',
				language: 'zh-HK',
				tags: [],
			},
		],
	});
	await runFollowUp();
	const again = await followUps();
	expect(again.map((row) => row.customer)).toEqual(['+6591234567', '+79161112233', '+85262231111']);
	expect(again[0].done_at).not.toBeNull();
	expect(again[2]).toMatchObject({ last_message: '喂?', messages_waiting: 3 });
});
