/**
 * Queue mode end to end (scripts/queue-mode.sh: main, workers, Redis, PostgreSQL): inbound messages
 * per second through the whole workflow (trigger with Redis dedup → Intent Tagger → CRM upsert and
 * log → guarded reply with the Redis ledger) with 2 workers beside 1 worker, measured in the same
 * run, and the latency from a webhook's first delivery to its CRM log entry. Messages are offered
 * faster than the deployment can run them, so what comes out per second is its capacity. Figures
 * come from the simulators' records (CRM entries and replies), not from n8n.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8nApi, ROOT, sleep } from '../devkit/n8n/n8nHost';
import { startHubSpotSimulator } from '../devkit/simulators/crm/hubspot';
import { startGraphApiSimulator } from '../devkit/simulators/graphApi';
import {
	deployLoadWorkflow,
	inboundMessages,
	MetaLikePoster,
	waitUntilIdle,
} from '../devkit/n8n/inboundLoad';
import { QueueDeployment } from '../devkit/n8n/queueDeployment';
import { int, ms, percentile, table, times } from './support/stats';

const PORT = Number(process.env.SCRM_BENCH_QUEUE_PORT ?? 5741);
const MESSAGES = Number(process.env.SCRM_BENCH_QUEUE_N ?? 600);
/** Offered load: faster than a 2-core machine runs this workflow, so the queue fills. */
const OFFERED_PER_SECOND = Number(process.env.SCRM_BENCH_QUEUE_RATE ?? 40);
/**
 * The HubSpot tier on the credential (the credential's values: free, professional). Our CRM adapter
 * paces itself to HubSpot's limits in each process unless the nodes share them through Redis;
 * the simulator's own limits are off, so this measures n8n and our nodes, not the CRM's allowance.
 */
const HUBSPOT_TIER = (process.env.SCRM_BENCH_QUEUE_HUBSPOT_TIER ?? 'professional') as
	'free' | 'professional';

interface Run {
	workers: number;
	/** The CRM nodes shared HubSpot's limits through Redis, and the simulator enforced them. */
	sharedLimits: boolean;
	/** 429s the HubSpot simulator answered. */
	rateLimited: number;
	messages: number;
	messagesPerSecond: number;
	p50ToCrmMs: number;
	p95ToCrmMs: number;
	p95ToReplyMs: number;
	crmEntries: number;
	replies: number;
}

async function measure(workers: number, version: string, sharedLimits = false): Promise<Run> {
	const deployment = new QueueDeployment({ port: PORT, workers, version });
	const graph = await startGraphApiSimulator({});
	// Per-process pacing: the CRM's own limits off, so this measures n8n and our nodes, not
	// HubSpot's allowance. Shared: one real HubSpot account's limits, enforced by the simulator.
	const hubspot = await startHubSpotSimulator(
		sharedLimits
			? { contacts: [], tier: HUBSPOT_TIER === 'free' ? 'free' : 'enterprise' }
			: { contacts: [], rateLimit: false, searchRateLimit: false },
	);
	try {
		await deployment.startFresh();
		const n8n = await N8nApi.forOwner(deployment.url);
		const workflow = await deployLoadWorkflow(n8n, deployment, graph, hubspot, {
			hubSpotTier: HUBSPOT_TIER,
			shareRateLimits: sharedLimits,
		});
		// One customer per message: WhatsApp's pair rate never holds a reply back.
		const messages = inboundMessages(MESSAGES, MESSAGES, `bench-${workers}w-${Date.now()}`);
		const poster = new MetaLikePoster(graph, workflow.webhookUrl);
		const started = Date.now();
		for (let index = 0; index < messages.length; index++) {
			await sleep(Math.max(0, started + (index * 1000) / OFFERED_PER_SECOND - Date.now()));
			poster.deliver(messages[index]);
		}
		await poster.drain(Date.now() + 300_000);
		await waitUntilIdle(n8n, workflow.id, Date.now() + 600_000);

		const firstPost = new Map(
			poster.deliveries.map((delivery) => [delivery.wamid, delivery.firstAt]),
		);
		const toCrm: number[] = [];
		let lastWrite = started;
		for (const communication of hubspot.state.communications.values()) {
			const wamid = /\[wamid:([^\]\s<]+)\]/.exec(
				String(communication.properties.hs_communication_body ?? ''),
			)?.[1];
			const posted = wamid ? firstPost.get(wamid) : undefined;
			if (posted === undefined) continue;
			toCrm.push(communication.createdAt - posted);
			lastWrite = Math.max(lastWrite, communication.createdAt);
		}
		const toReply: number[] = [];
		for (const sent of graph.state.sent) {
			const posted = firstPost.get(
				(sent.body.context as { message_id?: string } | undefined)?.message_id ?? '',
			);
			if (posted !== undefined) toReply.push(sent.receivedAt - posted);
			lastWrite = Math.max(lastWrite, sent.receivedAt);
		}
		return {
			workers,
			sharedLimits,
			rateLimited: hubspot.state.rateLimited,
			messages: messages.length,
			// Whole messages (CRM entry and reply) per second, from the first post to the last write.
			messagesPerSecond: Math.min(toCrm.length, toReply.length) / ((lastWrite - started) / 1000),
			p50ToCrmMs: percentile(toCrm, 50),
			p95ToCrmMs: percentile(toCrm, 95),
			p95ToReplyMs: percentile(toReply, 95),
			crmEntries: toCrm.length,
			replies: toReply.length,
		};
	} finally {
		await deployment.stop().catch(() => undefined);
		await graph.stop();
		await hubspot.close();
	}
}

export async function runQueueScalingBench(): Promise<Record<string, unknown>> {
	const version =
		process.env.SCRM_N8N_VERSION ??
		fs.readFileSync(path.join(ROOT, 'scripts', 'n8n-version'), 'utf8').trim();
	console.log(
		`n8n ${version} in queue mode, ${MESSAGES} messages offered at ${OFFERED_PER_SECOND}/s, HubSpot ${HUBSPOT_TIER} tier on the credential, ${os.cpus().length} CPU cores; worker concurrency 10`,
	);
	// Baseline first: one worker, then two, each on a fresh deployment.
	const one = await measure(1, version);
	const two = await measure(2, version);
	const twoShared = await measure(2, version, true);
	const row = (run: Run) => [
		`${run.workers} worker${run.workers > 1 ? 's' : ''}${run.sharedLimits ? ', HubSpot limits shared (Redis)' : ''}`,
		`${run.messagesPerSecond.toFixed(1)}/s`,
		ms(run.p50ToCrmMs),
		ms(run.p95ToCrmMs),
		ms(run.p95ToReplyMs),
		`${int(run.crmEntries)}/${int(run.messages)}`,
		`${int(run.replies)}/${int(run.messages)}`,
		int(run.rateLimited),
	];
	console.log(
		table([
			[
				'',
				'messages/s',
				'p50 → CRM',
				'p95 → CRM',
				'p95 → reply',
				'CRM entries',
				'replies',
				'HubSpot 429s',
			],
			row(one),
			row(two),
			row(twoShared),
		]),
	);
	const scaling = two.messagesPerSecond / one.messagesPerSecond;
	const sharedScaling = twoShared.messagesPerSecond / one.messagesPerSecond;
	console.log(
		`\n2 workers / 1 worker: ${times(scaling)} the messages per second (${os.cpus().length} cores shared by main, workers, Redis, PostgreSQL and the simulators)`,
	);
	console.log(
		`2 workers within one HubSpot account's limits / 1 worker: ${times(sharedScaling)} (the CRM's allowance, not n8n, caps it)`,
	);
	return {
		version,
		offeredPerSecond: OFFERED_PER_SECOND,
		hubSpotTier: HUBSPOT_TIER,
		cores: os.cpus().length,
		oneWorker: one,
		twoWorkers: two,
		twoWorkersSharedLimits: twoShared,
		scaling,
		sharedScaling,
	};
}
