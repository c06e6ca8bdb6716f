/**
 * Our nodes in a real queue-mode n8n (scripts/queue-mode.sh: main, 2 workers, Redis, PostgreSQL)
 * under load and faults. Signed webhooks arrive at a steady rate, some delivered twice, and go
 * through the trigger (Redis dedup, answering Meta when the run finishes), Intent Tagger, CRM
 * upsert and log (HubSpot simulator) and a guarded reply (Redis ledger, Graph API simulator).
 * Meanwhile one worker is SIGKILLed and restarted, and Redis is stopped for 15 s and started again.
 * Every claim is checked from the simulators' records. n8n 2.x fails, and does not re-run, the
 * executions of a killed worker; because the trigger answers Meta only after the run, those
 * deliveries are delivered again and nothing is lost.
 */
import fs from 'node:fs';

import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import type { HubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { N8nApi, sleep, tail } from '../../devkit/n8n/n8nHost';
import {
	deployLoadWorkflow,
	inboundMessages,
	MetaLikePoster,
	waitUntilIdle,
} from '../../devkit/n8n/inboundLoad';
import type { InboundMessage } from '../../devkit/n8n/inboundLoad';
import { QueueDeployment } from '../../devkit/n8n/queueDeployment';

const VERSION =
	process.env.SCRM_N8N_VERSION ??
	fs.readFileSync(`${__dirname}/../../scripts/n8n-version`, 'utf8').trim();
const PORT = Number(process.env.SCRM_QUEUE_TEST_PORT ?? 5741);

/** Messages per second, for how long, from how many customers; every DUPLICATE_EVERY-th is delivered twice. */
const RATE = 3;
const SECONDS = 90;
const CUSTOMERS = 60;
const DUPLICATE_EVERY = 8;
/** When the faults strike, in seconds into the load. */
const KILL_WORKER_AT = 25;
const WORKER_DOWN_SECONDS = 10;
const STOP_REDIS_AT = 50;
/** Longer than the poster's 10 s patience: n8n main holds webhooks while Redis is away, so deliveries time out and come again. */
const REDIS_DOWN_SECONDS = 15;
/** How long an unanswered delivery counts as in progress: a killed worker's runs are never answered. */
const PROCESSING_WINDOW_SECONDS = 90;

jest.setTimeout(900_000);

let deployment: QueueDeployment;
let graph: GraphApiSimulator;
let hubspot: HubSpotSimulator;
let n8n: N8nApi;
let workflow: { id: string; webhookUrl: string };
/** Set when the test got to its end: the processes' logs are printed only when it did not. */
let passed = false;

beforeAll(async () => {
	deployment = new QueueDeployment({
		port: PORT,
		workers: 2,
		version: VERSION,
		env: {
			// A dead worker's jobs are noticed within half a minute instead of n8n's default minute and more.
			// Longer than the Redis outage, so only the killed worker's jobs stall.
			QUEUE_WORKER_LOCK_DURATION: '20000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		},
	});
	await deployment.startFresh();
	graph = await startGraphApiSimulator({});
	// HubSpot Enterprise with its real limits (190 requests per 10 s, about 5 searches/s): both
	// workers share them through Redis, and the simulator answers 429 to anything beyond.
	hubspot = await startHubSpotSimulator({ contacts: [], tier: 'enterprise' });
	n8n = await N8nApi.forOwner(deployment.url);
	workflow = await deployLoadWorkflow(n8n, deployment, graph, hubspot, {
		hubSpotTier: 'professional',
		answerAfterRunWithin: PROCESSING_WINDOW_SECONDS,
		shareRateLimits: true,
	});
});

afterAll(async () => {
	await deployment?.stop().catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

/** wamid → the HubSpot communications that carry it. */
function crmLogsByWamid(): Map<string, string[]> {
	const logs = new Map<string, string[]>();
	for (const communication of hubspot.state.communications.values()) {
		for (const match of String(communication.properties.hs_communication_body ?? '').matchAll(
			/\[wamid:([^\]\s<]+)\]/g,
		)) {
			logs.set(match[1], [...(logs.get(match[1]) ?? []), communication.id]);
		}
	}
	return logs;
}

/** inbound wamid → the replies the Graph simulator accepted for it (they quote it). */
function repliesByWamid(): Map<string, string[]> {
	const replies = new Map<string, string[]>();
	for (const sent of graph.state.sent) {
		const quoted = (sent.body.context as { message_id?: string } | undefined)?.message_id;
		if (quoted) replies.set(quoted, [...(replies.get(quoted) ?? []), sent.id]);
	}
	return replies;
}

/** The error n8n recorded for a failed execution. */
async function failureOf(executionId: string): Promise<string> {
	const execution = await n8n.call('GET', `/rest/executions/${executionId}`);
	const text = typeof execution.data === 'string' ? execution.data : JSON.stringify(execution.data);
	return (
		/(This execution failed[^"]*|job stalled[^"]*|[A-Z][a-z]+Error[^"]{0,120})/.exec(text)?.[1] ??
		'no error recorded'
	);
}

it('does nothing twice and loses nothing while a worker is SIGKILLed and Redis restarts', async () => {
	const poster = new MetaLikePoster(graph, workflow.webhookUrl);
	const messages = inboundMessages(RATE * SECONDS, CUSTOMERS, `load-${Date.now()}`);
	const faults: string[] = [];
	const started = Date.now();
	const at = (seconds: number) => sleep(Math.max(0, started + seconds * 1000 - Date.now()));

	const load = (async () => {
		for (let index = 0; index < messages.length; index++) {
			await at(index / RATE);
			poster.deliver(messages[index]);
			// Meta delivers at least once: some messages arrive again a little later.
			if (index % DUPLICATE_EVERY === 0) {
				const again: InboundMessage = messages[index];
				setTimeout(() => poster.deliver(again), 1500);
			}
		}
	})();
	const chaos = (async () => {
		await at(KILL_WORKER_AT);
		await deployment.kill('worker1');
		faults.push(`worker1 SIGKILLed at ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await sleep(WORKER_DOWN_SECONDS * 1000);
		await deployment.start('worker1');
		faults.push(`worker1 ready again at ${((Date.now() - started) / 1000).toFixed(1)} s`);
		await at(STOP_REDIS_AT);
		await deployment.stop('redis');
		faults.push(`redis stopped at ${((Date.now() - started) / 1000).toFixed(1)} s`);
		// Measured from the stop: starting worker1 again can take long enough to push it late.
		await sleep(REDIS_DOWN_SECONDS * 1000);
		await deployment.start('redis');
		faults.push(`redis started at ${((Date.now() - started) / 1000).toFixed(1)} s`);
	})();
	await Promise.all([load, chaos]);
	await poster.drain(Date.now() + 120_000);
	const redelivered = poster.deliveries.filter((delivery) => delivery.failures.length > 0);
	console.log(
		[
			`queue mode under faults (n8n ${VERSION}, 2 workers): ${messages.length} messages at ${RATE}/s for ${SECONDS} s, ${poster.deliveries.length} deliveries`,
			...faults,
			`deliveries that needed redelivery: ${redelivered.length} (answers seen: ${[...new Set(redelivered.flatMap((d) => d.failures))].join(', ')})`,
		].join('\n'),
	);

	// Every delivery was accepted in the end, some only after Meta-style redelivery.
	const unaccepted = poster.deliveries.filter((delivery) => delivery.acceptedAt === undefined);
	expect(
		unaccepted.map((delivery) => `${delivery.wamid}: ${delivery.failures.join(', ')}`),
	).toEqual([]);
	// The Redis outage did refuse deliveries (the trigger's 503, or main unreachable), so redelivery was exercised.
	expect(redelivered.length).toBeGreaterThan(0);

	await waitUntilIdle(n8n, workflow.id, Date.now() + 180_000);
	// n8n 2.x fixes Bull's max stalled count at 0: the jobs the SIGKILLed worker was running fail as
	// stalled and are not run again. Their deliveries were not answered 200, so they came again.
	const executions = await n8n.executions(workflow.id);
	const failedByN8n = executions.filter((row) => ['error', 'crashed'].includes(row.status));

	const distinct = [...new Set(messages.map((message) => message.wamid))];
	const logs = crmLogsByWamid();
	// Never two CRM log entries for one message, whatever ran twice.
	expect(distinct.filter((wamid) => (logs.get(wamid) ?? []).length > 1)).toEqual([]);
	expect([...logs.keys()].filter((wamid) => !distinct.includes(wamid))).toEqual([]);
	const lost = distinct.filter((wamid) => !logs.has(wamid));

	// The two workers together kept within the HubSpot account's limits.
	expect(hubspot.state.rejected).toEqual(expect.objectContaining({ rateLimit: 0, searchLimit: 0 }));

	// No reply went twice, and none broke a WhatsApp limit.
	const replies = repliesByWamid();
	expect([...replies].filter(([, ids]) => ids.length > 1)).toEqual([]);
	expect(graph.state.rejected).toEqual({});
	const perSecond = new Map<number, number>();
	for (const sent of graph.state.sent)
		perSecond.set(
			Math.floor(sent.receivedAt / 1000),
			(perSecond.get(Math.floor(sent.receivedAt / 1000)) ?? 0) + 1,
		);
	expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(
		graph.state.limits.throughputPerSecond,
	);
	const byCustomer = new Map<string, number[]>();
	for (const sent of graph.state.sent)
		byCustomer.set(sent.waId, [...(byCustomer.get(sent.waId) ?? []), sent.receivedAt]);
	const tooClose = [...byCustomer].filter(([, times]) =>
		times
			.sort((a, b) => a - b)
			.some((time, i) => i > 0 && time - times[i - 1] < graph.state.limits.pairIntervalMs),
	);
	expect(tooClose).toEqual([]);

	// Every reply is accounted for: sent (the simulator has it), or deferred or failed in the run that handled it.
	const notSent = distinct.filter((wamid) => !replies.has(wamid) && !lost.includes(wamid));
	const accounted = new Map<string, string>();
	if (notSent.length > 0) {
		for (const row of executions.filter((execution) => execution.status === 'success')) {
			const [sent, deferred, failed] = await n8n.nodeOutput(row.id, 'Reply');
			for (const [outcome, items] of [
				['sent', sent],
				['deferred', deferred],
				['failed', failed],
			] as const) {
				for (const item of items ?? []) accounted.set(item.json.id, outcome);
			}
		}
	}
	const unaccounted = notSent.filter(
		(wamid) => !['deferred', 'failed'].includes(accounted.get(wamid) ?? ''),
	);
	const reasons = await Promise.all(
		failedByN8n
			.slice(0, 20)
			.map(async (row) => `${row.id} ${row.status}: ${await failureOf(row.id)}`),
	);
	console.log(`failed by n8n (then delivered again): ${failedByN8n.length}\n${reasons.join('\n')}`);
	// Every message handled to the end: a CRM entry, and a reply or a Deferred/Failed report.
	expect(lost).toEqual([]);
	expect(unaccounted).toEqual([]);

	console.log(
		[
			`executions: ${executions.length} for ${distinct.length} messages, failed by n8n: ${failedByN8n.length}`,
			`CRM log entries: ${hubspot.state.communications.size}; replies sent: ${graph.state.sent.length}; deferred: ${[...accounted.values()].filter((o) => o === 'deferred').length}; failed: ${[...accounted.values()].filter((o) => o === 'failed').length}`,
		].join('\n'),
	);
	passed = true;
});

afterAll(() => {
	// What the processes said, when a run went wrong and someone has to read it.
	if (deployment && !passed)
		for (const name of ['main', 'worker1', 'worker2'] as const)
			if (fs.existsSync(deployment.logFile(name)))
				process.stderr.write(`--- ${name}\n${tail(deployment.logFile(name), 15)}\n`);
});
