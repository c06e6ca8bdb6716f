/**
 * End-to-end webhook latency through a real n8n: our WhatsApp SCRM Trigger (the example workflow
 * workflows/whatsapp-inbound-log.json: trigger → Set) beside n8n's built-in WhatsApp Trigger (trigger →
 * an equivalent Set), both active in the same n8n and fed the same signed bytes in the same run.
 *
 * Latency is measured from just before the POST is sent to the execution's `stoppedAt` (n8n's clock,
 * same host, millisecond resolution): when the workflow's work is done, which is what a WhatsApp
 * customer waits for. The webhook's HTTP answer is reported beside it, but both triggers answer
 * "onReceived", before the workflow runs, so the answer alone would leave the execution out.
 *
 * Phases, each posting to both triggers:
 * - sequential: one delivery at a time (waiting for its execution), alternating which trigger goes
 *   first; every 10th post is a re-delivery of an earlier one (Meta retries what it thinks was lost);
 * - burst: deliveries posted all at once, a tenth of them twice (a retry racing the original).
 * Deliveries are realisticMix bodies that carry a customer message (the example workflow listens to
 * messages only; the built-in would also start executions for statuses). Every count and wait is
 * bounded; n8n and the TLS stand-in are always stopped.
 */
import fs from 'node:fs';
import path from 'node:path';

import { parseWebhook } from '../lib/whatsapp/webhook';
import { signBody } from '../lib/whatsapp/signature';
import { N8nApi, ROOT, sleep } from '../devkit/n8n/n8nHost';
import type { HostState } from '../devkit/n8n/n8nHost';
import { realisticMix } from '../devkit/payloads/whatsappPayloads';
import { Budget, logTail, startBenchN8n, stopBenchN8n, track } from './support/host';
import { startMetaAppServer } from './support/metaAppServer';
import { ms, percentile, ratio, table, times } from './support/stats';

const APP_SECRET = 'bench-app-secret';
const APP_ID = '1234567890';
const EXAMPLE_WORKFLOW = 'whatsapp-inbound-log.json';
const EXECUTION_TIMEOUT_MS = 30_000;
/** How long a re-delivery may take to start an execution before we count it as having started none. */
const DUPLICATE_GRACE_MS = 1_000;
/** How often executions are polled; only the bench's own pace and n8n's load depend on it, not the measured stoppedAt. */
const POLL_MS = Number(process.env.SCRM_BENCH_POLL_MS ?? 10);
const MAX_POSTS = 5_000;

export interface WebhookLatencyOptions {
	/** Sequential posts per trigger, re-deliveries included (every 10th). */
	sequential?: number;
	/** Posts per burst per trigger, re-deliveries included (a tenth). */
	burst?: number;
	bursts?: number;
	port?: number;
	/** Whole-benchmark time budget. */
	budgetSeconds?: number;
}

interface Delivery {
	raw: string;
	signature: string;
	/** Index of the original when this is a re-delivery. */
	duplicateOf?: number;
}

interface Execution {
	id: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string;
}

interface Contender {
	key: 'ours' | 'builtIn';
	label: string;
	workflowId: string;
	url: string;
	/** The newest execution id accounted for. */
	lastId: number;
}

interface Sample {
	latencies: number[];
	answers: number[];
	uniquePosts: number;
	duplicatePosts: number;
	executions: number;
	failedExecutions: number;
	non200: number;
}

const emptySample = (): Sample => ({
	latencies: [],
	answers: [],
	uniquePosts: 0,
	duplicatePosts: 0,
	executions: 0,
	failedExecutions: 0,
	non200: 0,
});

/** Pre-serialised, pre-signed message deliveries, all distinct, from realisticMix. */
function messageDeliveries(count: number, seed: number): Delivery[] {
	const out: Delivery[] = [];
	for (let size = count * 3; out.length < count; size *= 2) {
		out.length = 0;
		for (const body of realisticMix(size, seed)) {
			if (!parseWebhook(body).some((event) => event.kind === 'message')) continue;
			const raw = JSON.stringify(body);
			out.push({ raw, signature: signBody(raw, APP_SECRET) });
			if (out.length === count) break;
		}
		if (size > count * 100) throw new Error('realisticMix yields too few message deliveries');
	}
	return out;
}

/** Every `every`-th post repeats an earlier original of the same list (deterministically), the rest are fresh. */
function withDuplicates(fresh: Delivery[], total: number, every: number, seed: number): Delivery[] {
	let state = seed;
	const next = () => (state = (state * 16807) % 2147483647) / 2147483647;
	const posts: Delivery[] = [];
	let taken = 0;
	for (let i = 0; i < total; i++) {
		const originals = posts.filter((post) => post.duplicateOf === undefined);
		if ((i + 1) % every === 0 && originals.length > 0) {
			const original = originals[Math.floor(next() * originals.length)];
			posts.push({ ...original, duplicateOf: posts.indexOf(original) });
		} else {
			posts.push(fresh[taken++]);
		}
	}
	return posts;
}

function builtInWorkflow(webhookId: string, credential: { id: string; name: string }) {
	// The same fields the example workflow logs, read from the built-in trigger's item (one per change).
	const field = (id: string, name: string, value: string) => ({
		id,
		name,
		value: `={{ ${value} }}`,
		type: 'string',
	});
	return {
		name: "Bench: n8n's built-in WhatsApp Trigger → Set",
		active: false,
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'WhatsApp Trigger',
				type: 'n8n-nodes-base.whatsAppTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { updates: ['messages'], options: {} },
				credentials: { whatsAppTriggerApi: credential },
			},
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Customer Log',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [260, 0],
				parameters: {
					assignments: {
						assignments: [
							field('a1', 'messageId', '$json.messages?.[0]?.id'),
							field('a2', 'receivedAt', '$json.messages?.[0]?.timestamp'),
							field('a3', 'phoneNumberId', '$json.metadata?.phone_number_id'),
							field('a4', 'customerPhone', '$json.contacts?.[0]?.wa_id'),
							field('a5', 'customerWaId', '$json.contacts?.[0]?.wa_id'),
							field('a6', 'customerUserId', '$json.contacts?.[0]?.user_id'),
							field('a7', 'customerName', '$json.contacts?.[0]?.profile?.name'),
							field('a8', 'type', '$json.messages?.[0]?.type'),
							field('a9', 'text', '$json.messages?.[0]?.text?.body'),
						],
					},
					options: {},
				},
			},
		],
		connections: {
			'WhatsApp Trigger': { main: [[{ node: 'Customer Log', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	};
}

async function post(
	contender: Contender,
	delivery: Delivery,
): Promise<{ status: number; answerMs: number }> {
	const started = performance.now();
	const response = await fetch(contender.url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature },
		body: delivery.raw,
		signal: AbortSignal.timeout(EXECUTION_TIMEOUT_MS),
	});
	await response.arrayBuffer();
	return { status: response.status, answerMs: performance.now() - started };
}

/** All executions of the contender's workflow with an id above `afterId`, paging n8n's 100-per-page limit. */
async function executionsAfter(
	n8n: N8nApi,
	contender: Contender,
	afterId: number,
): Promise<Execution[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: contender.workflowId }));
	const all: Execution[] = [];
	let lastId = 2_147_483_647;
	for (let page = 0; page < 100; page++) {
		const { results } = await n8n.call<{ results: Execution[] }>(
			'GET',
			`/rest/executions?filter=${filter}&firstId=${afterId}&lastId=${lastId}&limit=100`,
		);
		all.push(...results);
		if (results.length < 100) break;
		lastId = Math.min(...results.map((execution) => Number(execution.id)));
	}
	return all.sort((a, b) => Number(a.id) - Number(b.id));
}

const finished = (execution: Execution) =>
	Boolean(execution.stoppedAt) && !['new', 'running', 'waiting'].includes(execution.status);

/** Waits until `count` executions above `afterId` have finished and none is running; null on timeout. */
async function waitForExecutions(
	n8n: N8nApi,
	contender: Contender,
	afterId: number,
	count: number,
	timeoutMs: number,
	pollMs = POLL_MS,
): Promise<Execution[] | null> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const seen = await executionsAfter(n8n, contender, afterId);
		if (seen.length >= count && seen.every(finished)) return seen;
		await sleep(pollMs);
	}
	return null;
}

/** Counts executions; latency from `sentAt` for each of them, or only for the newest (`newestOnly`). */
function record(sample: Sample, executions: Execution[], sentAt: number, newestOnly = false): void {
	sample.executions += executions.length;
	sample.failedExecutions += executions.filter(
		(execution) => execution.status !== 'success',
	).length;
	for (const execution of newestOnly ? executions.slice(-1) : executions)
		sample.latencies.push(Date.parse(execution.stoppedAt!) - sentAt);
}

/** One post, then its execution (or, for a re-delivery, whatever it starts within the grace period). */
async function timeOne(
	n8n: N8nApi,
	contender: Contender,
	delivery: Delivery,
	sample: Sample | undefined,
): Promise<void> {
	const sentAt = Date.now();
	const { status, answerMs } = await post(contender, delivery);
	const duplicate = delivery.duplicateOf !== undefined;
	if (status !== 200) {
		if (sample) sample.non200++;
		throw new Error(`${contender.label} answered ${status} to a correctly signed delivery`);
	}
	let started: Execution[] = [];
	if (duplicate) {
		const deadline = Date.now() + DUPLICATE_GRACE_MS;
		while (Date.now() < deadline) {
			started = await executionsAfter(n8n, contender, contender.lastId);
			if (started.length > 0 && started.every(finished)) break;
			await sleep(Math.max(POLL_MS, 20));
		}
		// Started but still running when the grace period ended: wait for it to finish.
		if (!started.every(finished))
			started =
				(await waitForExecutions(
					n8n,
					contender,
					contender.lastId,
					started.length,
					EXECUTION_TIMEOUT_MS,
				)) ?? started;
	} else {
		const done = await waitForExecutions(n8n, contender, contender.lastId, 1, EXECUTION_TIMEOUT_MS);
		if (!done)
			throw new Error(
				`${contender.label}: no execution finished within ${EXECUTION_TIMEOUT_MS / 1000} s of a delivery`,
			);
		started = done;
	}
	if (started.length > 0)
		contender.lastId = Math.max(...started.map((execution) => Number(execution.id)));
	if (!sample) return;
	if (duplicate) {
		sample.duplicatePosts++;
		// What a re-delivery starts is counted, not timed.
		sample.executions += started.length;
		sample.failedExecutions += started.filter((execution) => execution.status !== 'success').length;
	} else {
		sample.uniquePosts++;
		sample.answers.push(answerMs);
		// Were a re-delivery's execution later than its grace period, it shows up here too: the
		// newest execution is this delivery's, the others still count as executions.
		record(sample, started, sentAt, true);
	}
}

/** All posts at once; latency of each execution from the moment the burst was sent. */
async function burst(
	n8n: N8nApi,
	contender: Contender,
	posts: Delivery[],
	sample: Sample,
	budget: Budget,
): Promise<void> {
	const before = contender.lastId;
	const unique = posts.filter((delivery) => delivery.duplicateOf === undefined).length;
	const sentAt = Date.now();
	const answers = await Promise.all(posts.map((delivery) => post(contender, delivery)));
	for (const [i, answer] of answers.entries()) {
		if (posts[i].duplicateOf === undefined) sample.answers.push(answer.answerMs);
		if (answer.status !== 200) sample.non200++;
	}
	const done = await waitForExecutions(
		n8n,
		contender,
		before,
		unique,
		Math.min(60_000, budget.remainingMs),
		50,
	);
	if (!done)
		throw new Error(
			`${contender.label}: the burst's ${unique} executions did not all finish within 60 s`,
		);
	// Re-deliveries that start executions do so within milliseconds; leave them time, then count.
	await sleep(DUPLICATE_GRACE_MS);
	const all = (await waitForExecutions(n8n, contender, before, done.length, 30_000, 50)) ?? done;
	sample.uniquePosts += unique;
	sample.duplicatePosts += posts.length - unique;
	record(sample, all, sentAt);
	contender.lastId = Math.max(before, ...all.map((execution) => Number(execution.id)));
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function summary(sample: Sample) {
	return {
		mean: round1(
			sample.latencies.reduce((sum, value) => sum + value, 0) /
				Math.max(1, sample.latencies.length),
		),
		p50: percentile(sample.latencies, 50),
		p95: percentile(sample.latencies, 95),
		max: percentile(sample.latencies, 100),
		answerP50: round1(percentile(sample.answers, 50)),
		answerP95: round1(percentile(sample.answers, 95)),
		uniquePosts: sample.uniquePosts,
		duplicatePosts: sample.duplicatePosts,
		executions: sample.executions,
		/** Executions beyond one per distinct delivery: what re-deliveries started. */
		duplicateExecutions: sample.executions - sample.uniquePosts,
		failedExecutions: sample.failedExecutions,
		non200Answers: sample.non200,
	};
}

export async function runWebhookLatencyBench(
	options: WebhookLatencyOptions = {},
): Promise<Record<string, unknown>> {
	const bound = (value: number, name: string) => {
		if (!Number.isInteger(value) || value < 10 || value > MAX_POSTS)
			throw new Error(`${name} must be an integer from 10 to ${MAX_POSTS}, got ${value}`);
		return value;
	};
	const sequentialPosts = bound(
		options.sequential ?? Number(process.env.SCRM_BENCH_LATENCY_N ?? 200),
		'sequential posts',
	);
	const burstPosts = bound(
		options.burst ?? Number(process.env.SCRM_BENCH_BURST ?? 100),
		'burst size',
	);
	const bursts = Math.min(10, Math.max(1, options.bursts ?? 2));
	const port = options.port ?? Number(process.env.SCRM_BENCH_PORT ?? 5681);
	const budget = new Budget(
		'webhook latency bench',
		options.budgetSeconds ?? Number(process.env.SCRM_BENCH_LATENCY_BUDGET_S ?? 900),
	);
	const version =
		process.env.SCRM_N8N_VERSION ??
		fs.readFileSync(path.join(ROOT, 'scripts/n8n-version'), 'utf8').trim();
	const warmUp = 10;

	// The same bytes for both triggers: warm-up, the sequential run, then the bursts, all distinct.
	const sequentialFresh = Math.ceil(sequentialPosts * 0.9) + 1;
	const burstFresh = Math.ceil(burstPosts * 0.9) + 1;
	const fresh = messageDeliveries(warmUp + sequentialFresh + burstFresh * bursts, 7);
	const warmUpPosts = fresh.slice(0, warmUp);
	const sequential = withDuplicates(
		fresh.slice(warmUp, warmUp + sequentialFresh),
		sequentialPosts,
		10,
		11,
	);
	const burstSets = Array.from({ length: bursts }, (_, b) => {
		const start = warmUp + sequentialFresh + b * burstFresh;
		const posts = withDuplicates(fresh.slice(start, start + burstFresh), burstPosts, 10, 13 + b);
		// Duplicates sit among the originals, not all at the end.
		return posts
			.map((post, i) => ({ post, key: (i * 7919) % posts.length }))
			.sort((a, b) => a.key - b.key)
			.map(({ post }) => post);
	});

	const meta = await startMetaAppServer(path.join(ROOT, '.host', 'bench', 'tls'));
	const stopMeta = track(meta.stop);
	let host: HostState | undefined;
	try {
		try {
			host = await startBenchN8n({
				version,
				port,
				name: 'bench',
				env: {
					NODE_OPTIONS: [
						process.env.NODE_OPTIONS,
						`--require ${path.join(ROOT, 'bench/support/loopbackDns.js')}`,
					]
						.filter(Boolean)
						.join(' '),
					NODE_EXTRA_CA_CERTS: meta.certFile,
					// Executions are read back through the REST API: keep every one.
					EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
					EXECUTIONS_DATA_PRUNE: 'false',
				},
			});
		} catch (error) {
			throw new Error(
				`n8n ${version} for the latency bench (port ${port}) did not start: ${(error as Error).message}`,
			);
		}
		const n8n = await N8nApi.forOwner(host.url);
		const base = host.url.replace('localhost', '127.0.0.1');

		const ourCredential = await n8n.createCredential('whatsAppScrmApi', 'bench', {
			accessToken: 'bench-token',
			appSecret: APP_SECRET,
			verifyToken: 'bench-verify',
			wabaId: '102290129340398',
			graphApiVersion: 'v26.0',
			useCustomBaseUrl: false,
		});
		const builtInCredential = await n8n.createCredential('whatsAppTriggerApi', 'bench built-in', {
			clientId: APP_ID,
			clientSecret: APP_SECRET,
		});

		const oursWorkflow = await n8n.importWorkflow(EXAMPLE_WORKFLOW, {
			whatsAppScrmApi: ourCredential,
		});
		const ourWebhookId = oursWorkflow.nodes.find(
			(node) => node.type === 'n8n-nodes-whatsapp-scrm.whatsAppScrmTrigger',
		)?.webhookId;
		if (!ourWebhookId)
			throw new Error(`${EXAMPLE_WORKFLOW} has no WhatsApp SCRM Trigger with a webhookId`);
		const builtInWebhookId = 'b0000000-0000-4000-8000-0000000000b2';
		const builtIn = await n8n.call(
			'POST',
			'/rest/workflows',
			builtInWorkflow(builtInWebhookId, builtInCredential),
		);

		const contenders: Contender[] = [
			{
				key: 'ours',
				label: 'WhatsApp SCRM Trigger (ours)',
				workflowId: oursWorkflow.id,
				url: `${base}/webhook/${ourWebhookId}/webhook`,
				lastId: 0,
			},
			{
				key: 'builtIn',
				label: "n8n's WhatsApp Trigger",
				workflowId: builtIn.id,
				url: `${base}/webhook/${builtInWebhookId}/webhook`,
				lastId: 0,
			},
		];
		try {
			await n8n.activate(oursWorkflow);
			await n8n.activate(builtIn);
		} catch (error) {
			throw new Error(
				`activating the workflows failed: ${(error as Error).message}\n  the graph.facebook.com stand-in saw: ${meta.calls.join(', ') || 'nothing'}`,
			);
		}
		const activationCalls = [...meta.calls];
		if (meta.subscriptions.length !== 1)
			throw new Error(
				`the built-in trigger's activation did not subscribe through the stand-in (calls: ${activationCalls.join(', ')})`,
			);

		// Warm-up: JIT, database, first executions of each workflow.
		for (const delivery of warmUpPosts) {
			for (const contender of contenders) await timeOne(n8n, contender, delivery, undefined);
		}
		budget.check('warming up');

		const samples = {
			sequential: { ours: emptySample(), builtIn: emptySample() },
			burst: { ours: emptySample(), builtIn: emptySample() },
		};
		for (const [i, delivery] of sequential.entries()) {
			budget.check(`posting sequential delivery ${i + 1}/${sequential.length}`);
			const order = i % 2 === 0 ? contenders : [...contenders].reverse();
			for (const contender of order)
				await timeOne(n8n, contender, delivery, samples.sequential[contender.key]);
		}
		// Both workflows did their work: the Set node after each trigger logged the message's id.
		for (const contender of contenders) {
			const [items] = await n8n.nodeOutput(String(contender.lastId), 'Customer Log');
			const messageId = items?.[0]?.json?.messageId;
			if (typeof messageId !== 'string' || !messageId.startsWith('wamid.')) {
				throw new Error(
					`${contender.label}: execution ${contender.lastId} logged no message id (${JSON.stringify(items?.[0]?.json)})`,
				);
			}
		}

		for (const [b, posts] of burstSets.entries()) {
			const order = b % 2 === 0 ? contenders : [...contenders].reverse();
			for (const contender of order) {
				budget.check(`burst ${b + 1}/${bursts} to ${contender.label}`);
				await sleep(500); // let the previous burst's writes settle
				await burst(n8n, contender, posts, samples.burst[contender.key], budget);
			}
		}

		// Deactivation exercises the built-in's DELETE /{app-id}/subscriptions against the stand-in.
		const deactivation: string[] = [];
		for (const workflow of [oursWorkflow, builtIn]) {
			try {
				await n8n.deactivate(workflow);
			} catch (error) {
				deactivation.push(`deactivating ${workflow.id} failed: ${(error as Error).message}`);
			}
		}

		const results = {
			n8n: version,
			measure:
				'POST sent → execution stoppedAt (n8n clock, same host); answer = HTTP response time',
			deliveries:
				'realisticMix bodies carrying customer messages, pre-serialised and signed once, identical bytes to both triggers',
			sequential: {
				posts: sequential.length,
				ours: summary(samples.sequential.ours),
				builtIn: summary(samples.sequential.builtIn),
			} as Record<string, unknown>,
			burst: {
				bursts,
				postsPerBurst: burstPosts,
				ours: summary(samples.burst.ours),
				builtIn: summary(samples.burst.builtIn),
			} as Record<string, unknown>,
			graphStandIn: {
				certificate: meta.maker,
				activationCalls,
				allCalls: [...meta.calls],
				problems: deactivation,
			},
		};
		for (const phase of [results.sequential, results.burst]) {
			const o = phase.ours as ReturnType<typeof summary>;
			const b = phase.builtIn as ReturnType<typeof summary>;
			phase.ratio = {
				mean: ratio(o.mean, b.mean),
				p50: ratio(o.p50, b.p50),
				p95: ratio(o.p95, b.p95),
			};
		}
		report(results, sequential.length, bursts, burstPosts);
		return results;
	} catch (error) {
		if (host) console.error(`n8n log tail (${host.logFile}):\n${logTail(host)}`);
		throw error;
	} finally {
		if (host) await stopBenchN8n(host);
		await stopMeta();
	}
}

function report(
	results: {
		n8n: string;
		sequential: Record<string, unknown>;
		burst: Record<string, unknown>;
		graphStandIn: { activationCalls: string[]; certificate: string };
	},
	sequential: number,
	bursts: number,
	burstPosts: number,
): void {
	console.log(
		`n8n ${results.n8n}; latency = POST sent → execution stopped (n8n's stoppedAt); answer = HTTP response time`,
	);
	console.log(
		`built-in activated through the graph.facebook.com stand-in (${results.graphStandIn.certificate} certificate): ${results.graphStandIn.activationCalls.join(', ')}\n`,
	);
	const rows: string[][] = [
		[
			'',
			'mean',
			'p50',
			'p95',
			'max',
			'answer p50',
			'answer p95',
			'runs',
			'by re-deliveries',
			'failed',
		],
	];
	const phases: Array<[string, Record<string, unknown>]> = [
		[`sequential, ${sequential} posts (every 10th a re-delivery)`, results.sequential],
		[`burst, ${bursts} × ${burstPosts} concurrent posts (a tenth sent twice)`, results.burst],
	];
	for (const [title, phase] of phases) {
		rows.push([title, '', '', '', '', '', '', '', '', '']);
		for (const [key, label] of [
			['ours', '  WhatsApp SCRM Trigger (ours)'],
			['builtIn', "  n8n's WhatsApp Trigger"],
		] as const) {
			const s = phase[key] as ReturnType<typeof summary>;
			rows.push([
				label,
				ms(s.mean),
				ms(s.p50),
				ms(s.p95),
				ms(s.max),
				ms(s.answerP50),
				ms(s.answerP95),
				String(s.executions),
				`${s.duplicateExecutions} of ${s.duplicatePosts}`,
				String(s.failedExecutions),
			]);
		}
		const r = phase.ratio as { mean: number; p50: number; p95: number };
		rows.push([
			'  ratio ours / built-in',
			times(r.mean),
			times(r.p50),
			times(r.p95),
			'',
			'',
			'',
			'',
			'',
			'',
		]);
	}
	console.log(table(rows));
}

if (require.main === module) {
	runWebhookLatencyBench().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
