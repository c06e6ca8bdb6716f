/**
 * `npm start -- --sandbox`: the whole system on a laptop without Meta or a CRM account. Starts the
 * Graph API simulator (as the business's WhatsApp number), the HubSpot simulator, a small shop
 * order API and (where Debian's postgresql is installed) a PostgreSQL for the conversation archive,
 * holding the week before, beside a fresh n8n with this package; imports every example workflow with
 * credentials pointing at them; activates the live pipelines; and plays a day of multilingual
 * customer conversations through their triggers, answering the business's replies with Meta's
 * sent/delivered/read statuses. The weekly report page then shows the week. n8n stays up for
 * exploring until Ctrl-C.
 *
 *   npm start -- --sandbox [--port 5678] [--customers 60] [--minutes 5] [--seed 7] [--exit]
 *
 * --exit stops everything once the day is played and prints the summary as JSON (used by its test).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { startBenchN8n, stopBenchN8n, track } from '../bench/support/host';
import { N8nApi, ROOT, sleep } from '../devkit/n8n/n8nHost';
import type { InstanceOwner } from '../devkit/n8n/n8nHost';
import {
	archivePostgres,
	SIM_BUSINESS,
	simulatedHubSpot,
	simulatedWhatsApp,
} from '../devkit/n8n/workflowRuns';
import { archiveTablesSql, seedArchive } from '../devkit/generators/archiveSeed';
import { postgresBinDir, startPostgres } from '../devkit/servers/postgresServer';
import type { PostgresServer } from '../devkit/servers/postgresServer';
import { startSmtpSink } from '../devkit/simulators/smtpSink';
import { startHubSpotSimulator } from '../devkit/simulators/crm/hubspot';
import { SIM, startGraphApiSimulator } from '../devkit/simulators/graphApi';
import type { GraphApiSimulator, SentMessage } from '../devkit/simulators/graphApi';
import {
	bsuidOnlyMessage,
	callTerminate,
	envelopeFor,
	messageEcho,
	statusUpdate,
	textMessage,
} from '../devkit/payloads/whatsappPayloads';
import { dayOfConversations, SANDBOX_USERNAME_CUSTOMER } from './day';
import type { SandboxMessage } from './day';
import { pastWeek } from './history';

interface Options {
	port: number;
	graphPort: number;
	crmPort: number;
	shopPort: number;
	customers: number;
	minutes: number;
	seed: number;
	exit: boolean;
	version: string;
}

/** Workflows that run live in the sandbox; the others are imported for reading and manual runs. */
const LIVE = [
	'whatsapp-crm-sync.json',
	'faq-auto-reply.json',
	'order-status-auto-reply.json',
	'missed-call-follow-up.json',
];
/** Live too when PostgreSQL is there to hold the archive. */
const LIVE_WITH_ARCHIVE = ['whatsapp-conversation-archive.json', 'weekly-analytics-report.json'];
const REPORT_LOGIN = { user: 'sandbox', password: 'Sandbox-Report1' };

const OWNER: InstanceOwner = {
	email: 'sandbox@scrm.test',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-Passw0rd',
};

function parse(argv: string[]): Options {
	const options: Options = {
		port: Number(process.env.N8N_PORT ?? 5678),
		graphPort: 8787,
		crmPort: 8790,
		shopPort: 8791,
		customers: 60,
		minutes: 5,
		seed: 7,
		exit: false,
		version:
			process.env.SCRM_N8N_VERSION ??
			fs.readFileSync(path.join(ROOT, 'scripts', 'n8n-version'), 'utf8').trim(),
	};
	const numbers: Record<string, keyof Options> = {
		'--port': 'port',
		'--graph-port': 'graphPort',
		'--crm-port': 'crmPort',
		'--shop-port': 'shopPort',
		'--customers': 'customers',
		'--minutes': 'minutes',
		'--seed': 'seed',
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--sandbox') continue;
		if (flag === '--exit') {
			options.exit = true;
			continue;
		}
		const key = numbers[flag];
		const value = Number(argv[i + 1]);
		if (!key || !Number.isFinite(value) || value < 0) {
			throw new Error(
				`sandbox: unknown option or value "${flag} ${argv[i + 1] ?? ''}"; options: ${Object.keys(numbers).join(' N, ')} N, --exit`,
			);
		}
		(options[key] as number) = value;
		i++;
	}
	return options;
}

/** The shop's order API the order-status workflow asks: every customer's latest order, made up per number. */
async function startShop(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
	const statuses = ['processing', 'shipped', 'out for delivery', 'delivered'];
	const server = http.createServer((req, res) => {
		const phone = new URL(req.url ?? '/', 'http://shop').searchParams.get('phone') ?? '';
		const digits = phone.replace(/\D/g, '');
		const n = Number(digits.slice(-4) || '0');
		const eta = new Date(Date.now() + ((n % 4) + 1) * 86_400_000).toISOString().slice(0, 10);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				orderId: `A-${digits.slice(-4)}`,
				status: statuses[n % statuses.length],
				eta,
			}),
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const stop = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop };
}

/** The production webhook URL of a workflow's WhatsApp SCRM Trigger. */
function triggerUrl(
	n8nUrl: string,
	workflow: { nodes: Array<{ type: string; webhookId?: string }> },
): string | undefined {
	const trigger = workflow.nodes.find((node) => node.type.endsWith('.whatsAppScrmTrigger'));
	return trigger?.webhookId ? `${n8nUrl}/webhook/${trigger.webhookId}/webhook` : undefined;
}

/**
 * Meta's side of the business's replies: every message the simulator accepted is reported as sent,
 * then delivered, then (mostly) read, to every subscribed trigger, as Meta reports them to each app.
 */
function statusReporter(graph: GraphApiSimulator, post: (body: object) => Promise<void>) {
	let seen = 0;
	const pending = new Set<Promise<void>>();
	const report = (sent: SentMessage, index: number) => {
		const steps: Array<['sent' | 'delivered' | 'read', number]> = [
			['sent', 200],
			['delivered', 1_500 + (index % 5) * 400],
		];
		if (index % 10 < 7) steps.push(['read', 6_000 + (index % 7) * 2_000]);
		for (const [status, delayMs] of steps) {
			const job = sleep(delayMs).then(() =>
				post(
					envelopeFor(
						SIM.wabaId,
						statusUpdate(status, {
							...SIM_BUSINESS,
							id: sent.id,
							recipient: sent.waId,
							timestamp: Math.floor(Date.now() / 1000),
							category: sent.template ? 'marketing' : 'service',
						}),
					),
				),
			);
			pending.add(job);
			void job.finally(() => pending.delete(job));
		}
	};
	return {
		poll(): void {
			while (seen < graph.state.sent.length) {
				report(graph.state.sent[seen], seen);
				seen++;
			}
		},
		async settle(): Promise<void> {
			while (pending.size) await Promise.allSettled([...pending]);
		},
	};
}

async function main(): Promise<void> {
	const options = parse(process.argv.slice(2));
	const say = (line: string) => console.log(`sandbox: ${line}`);

	const graph = await startGraphApiSimulator({ port: options.graphPort, host: '127.0.0.1' });
	const stopGraph = track(() => graph.stop());
	const hubspot = await startHubSpotSimulator({ port: options.crmPort, host: '127.0.0.1' });
	const stopHubSpot = track(() => hubspot.close());
	const shop = await startShop(options.shopPort);
	const stopShop = track(shop.stop);
	say(
		`Graph API simulator ${graph.url}, HubSpot simulator ${hubspot.baseUrl}, shop API ${shop.url}`,
	);
	const archive = await startArchive(options, say);
	const stopArchive = archive ? track(() => archive.stop()) : async () => undefined;

	say(`starting n8n ${options.version} on port ${options.port} (a fresh instance; about a minute)`);
	const host = await startBenchN8n({
		version: options.version,
		port: options.port,
		name: 'sandbox',
	});
	say(`n8n's log: ${host.logFile}`);
	const stopAll = async () => {
		await stopBenchN8n(host);
		await Promise.allSettled([stopGraph(), stopHubSpot(), stopShop(), stopArchive()]);
	};
	try {
		const n8n = await N8nApi.forOwner(host.url, OWNER);
		const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp (sandbox simulator)');
		const hubSpot = await simulatedHubSpot(n8n, hubspot, 'HubSpot (sandbox simulator)');

		const credentials: Record<string, { id: string; name: string }> = {
			whatsAppScrmApi: whatsApp,
			hubSpotScrmApi: hubSpot,
		};
		if (archive) {
			credentials.postgres = await archivePostgres(n8n, archive, 'Archive (sandbox PostgreSQL)');
			credentials.httpBasicAuth = await n8n.createCredential(
				'httpBasicAuth',
				'Report page (sandbox)',
				REPORT_LOGIN,
			);
			// The report's Monday e-mail needs a mail server: a loopback one that keeps what it gets.
			const mailbox = await startSmtpSink();
			track(() => mailbox.stop());
			credentials.smtp = await n8n.createCredential('smtp', 'Mailbox (sandbox)', {
				host: mailbox.host,
				port: mailbox.port,
				secure: false,
				disableStartTls: true,
				user: '',
				password: '',
			});
		}
		const liveFiles = archive ? [...LIVE, ...LIVE_WITH_ARCHIVE] : LIVE;

		const live: Array<{ file: string; id: string; url?: string }> = [];
		for (const file of fs
			.readdirSync(path.join(ROOT, 'workflows'))
			.filter((f) => f.endsWith('.json'))
			.sort()) {
			const workflow = await n8n.importWorkflow(file, credentials, (json) => {
				for (const node of json.nodes as Array<{
					name: string;
					type: string;
					parameters: Record<string, unknown>;
				}>) {
					if (node.name === 'Look Up Orders') node.parameters.url = `${shop.url}/api/orders/latest`;
				}
			});
			if (!liveFiles.includes(file)) continue;
			await n8n.activate(workflow);
			live.push({ file, id: workflow.id, url: triggerUrl(host.url, workflow) });
		}
		const triggers = live.map((w) => w.url).filter((url): url is string => url !== undefined);
		say(
			`imported every example workflow; live: ${live.map((w) => w.file.replace('.json', '')).join(', ')}`,
		);
		say(`open ${host.url} and sign in as ${OWNER.email} / ${OWNER.password}`);
		const reportUrl = `${host.url}/webhook/whatsapp-weekly-report`;
		if (archive)
			say(
				`weekly report: ${reportUrl} (user ${REPORT_LOGIN.user}, password ${REPORT_LOGIN.password})`,
			);

		// Meta delivers each webhook to every app subscribed to the business account: here, every live trigger.
		const rejected: string[] = [];
		const post = async (body: object) => {
			for (const url of triggers) {
				const answer = await graph.postWebhook(url, body);
				if (answer.status !== 200) rejected.push(`${answer.status} from ${url}`);
			}
		};
		const statuses = statusReporter(graph, post);

		const day = dayOfConversations(options.customers, options.seed);
		const playMs = options.minutes * 60_000;
		say(
			`playing a day of ${day.length} messages from ${options.customers} customers in ${options.minutes} min`,
		);
		const started = Date.now();
		// A progress line that cannot be read this time (n8n busy) is skipped, not fatal.
		const progress = setInterval(
			() =>
				void summary(n8n, live, graph, hubspot).then(
					(s) => say(line(s)),
					() => undefined,
				),
			15_000,
		);
		try {
			for (const [index, message] of day.entries()) {
				const due = started + (message.offsetMs / 86_400_000) * playMs;
				while (Date.now() < due) {
					statuses.poll();
					await sleep(Math.max(1, Math.min(250, due - Date.now())));
				}
				await post(inbound(message, index));
				statuses.poll();
			}
			// What a day also brings, through the same payload builders the tests use: a customer
			// with a username (no phone anywhere), the business answering one customer from the
			// WhatsApp Business app (a coexistence echo), and a call nobody answered.
			for (const body of extras(day[0].customer.waId)) {
				await post(body);
				statuses.poll();
			}
			// Replies to the last messages, and their statuses.
			for (let quiet = 0; quiet < 3;) {
				const before = graph.state.sent.length;
				await sleep(3_000);
				statuses.poll();
				quiet = graph.state.sent.length === before ? quiet + 1 : 0;
			}
			await statuses.settle();
		} finally {
			clearInterval(progress);
		}

		const result = {
			...(await summary(n8n, live, graph, hubspot)),
			// The username customer's message is one more message.
			messagesPlayed: day.length + 1,
			echoesPlayed: 1,
			missedCallsPlayed: 1,
			usernameOnlyContacts: [...hubspot.state.contacts.values()].filter(
				(c) =>
					c.properties.whatsapp_user_id === SANDBOX_USERNAME_CUSTOMER.userId &&
					!c.properties.phone &&
					!c.properties.mobilephone,
			).length,
			rejectedDeliveries: rejected.length,
			...(archive ? await archiveSummary(archive, reportUrl) : {}),
		};
		say(`day played: ${line(result)}`);
		if (rejected.length)
			say(`deliveries the triggers refused: ${[...new Set(rejected)].join('; ')}`);
		if (options.exit) {
			console.log(JSON.stringify({ sandbox: result }));
			return;
		}
		say(
			`n8n keeps running at ${host.url} (executions, the imported workflows, the simulators); Ctrl-C stops everything`,
		);
		await new Promise<never>(() => undefined);
	} finally {
		await stopAll();
	}
}

/** A PostgreSQL holding the archive's tables and the week before, or nothing when it is not installed. */
async function startArchive(
	options: Options,
	say: (line: string) => void,
): Promise<PostgresServer | undefined> {
	try {
		postgresBinDir();
	} catch (error) {
		say(
			`${(error as Error).message}; the archive and weekly report workflows are imported but not live`,
		);
		return undefined;
	}
	const database = await startPostgres({ database: 'whatsapp_archive' });
	await database.exec(archiveTablesSql());
	const week = pastWeek(options.customers, options.seed);
	await seedArchive(database, week);
	say(
		`PostgreSQL archive on port ${database.port}, holding the 6 days before today (${week.messages.length} messages)`,
	);
	return database;
}

/** What today's day left in the archive, and whether the report page draws it. */
async function archiveSummary(archive: PostgresServer, reportUrl: string) {
	// The archive workflow stores each event as `raw`; the seeded week is marked `seeded`.
	const [row] = await archive.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'inbound' AND raw->>'seeded' IS NULL`,
	);
	const page = await fetch(reportUrl, {
		headers: {
			authorization: `Basic ${Buffer.from(`${REPORT_LOGIN.user}:${REPORT_LOGIN.password}`).toString('base64')}`,
		},
	});
	const html = await page.text();
	return {
		archivedToday: row.n,
		reportStatus: page.status,
		reportCharts: (html.match(/<svg/g) ?? []).length,
	};
}

function inbound(message: SandboxMessage, index: number) {
	const at = Math.floor(Date.now() / 1000);
	return envelopeFor(
		SIM.wabaId,
		textMessage({
			...SIM_BUSINESS,
			from: message.customer.waId,
			name: message.customer.name,
			text: message.text,
			id: `wamid.sandbox-${at}-${index}`,
			timestamp: at,
		}),
	);
}

/** A username customer's message, a coexistence echo to `waId` and a missed call from `waId`. */
function extras(waId: string) {
	const at = Math.floor(Date.now() / 1000);
	return [
		bsuidOnlyMessage({
			...SIM_BUSINESS,
			...SANDBOX_USERNAME_CUSTOMER,
			name: 'Tai Man',
			text: 'Hello, what are your opening hours?',
			id: `wamid.sandbox-${at}-username`,
			timestamp: at,
		}),
		messageEcho({ ...SIM_BUSINESS, to: waId, id: `wamid.sandbox-${at}-echo`, timestamp: at }),
		callTerminate({ ...SIM_BUSINESS, customer: waId, status: 'FAILED', timestamp: at }),
	].map((change) => envelopeFor(SIM.wabaId, change));
}

interface Summary {
	executions: Record<string, { success: number; error: number }>;
	crmContacts: number;
	crmMessagesLogged: number;
	repliesSent: number;
}

async function summary(
	n8n: N8nApi,
	live: Array<{ file: string; id: string }>,
	graph: GraphApiSimulator,
	hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>,
): Promise<Summary> {
	const executions: Summary['executions'] = {};
	const count = async (workflowId: string, status: string[]) => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status }));
		return (await n8n.call<{ count: number }>('GET', `/rest/executions?filter=${filter}&limit=1`))
			.count;
	};
	for (const workflow of live) {
		executions[workflow.file.replace('.json', '')] = {
			success: await count(workflow.id, ['success']),
			error: await count(workflow.id, ['error', 'crashed']),
		};
	}
	return {
		executions,
		crmContacts: hubspot.state.contacts.size,
		crmMessagesLogged: hubspot.state.communications.size,
		repliesSent: graph.state.sent.length,
	};
}

function line(s: Summary): string {
	const runs = Object.entries(s.executions)
		.map(
			([name, count]) =>
				`${name} ${count.success} ok${count.error ? ` / ${count.error} failed` : ''}`,
		)
		.join(', ');
	return `executions: ${runs}; HubSpot: ${s.crmContacts} contacts, ${s.crmMessagesLogged} messages logged; replies sent: ${s.repliesSent}`;
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`sandbox: ${error.message}`);
		process.exit(1);
	},
);
