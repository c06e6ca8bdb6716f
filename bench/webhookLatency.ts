/**
 * End-to-end webhook latency through a real n8n: our WhatsApp SCRM Trigger and n8n's built-in
 * WhatsApp Trigger receive the same signed deliveries in the same run, interleaved so both see the
 * same machine noise. Latency runs from sending the POST to the execution's stoppedAt (n8n's own
 * clock, same machine): what a workflow's first node waits, not just the HTTP answer.
 */
import path from 'node:path';

import { signBody } from '../lib/whatsapp/signature';
import { E2E_DIR, N8nApi, ROOT, sleep, startN8n, stopN8n } from '../test/e2e/n8nHost';
import type { HostState } from '../test/e2e/n8nHost';
import { realisticDeliveries } from './support/deliveries';
import { startMetaAppServer } from './support/metaAppServer';

const APP_SECRET = 'bench-app-secret';
const PORT = 5681;

interface Contender {
	label: string;
	workflowId: string;
	url: string;
	latencies: number[];
	/** The newest execution seen so far (n8n lists executions newest first, a page at a time). */
	lastExecutionId: number;
}

function workflow(name: string, trigger: Record<string, unknown>) {
	return {
		name,
		active: false,
		nodes: [
			{ id: 'a0000000-0000-4000-8000-000000000001', position: [0, 0], ...trigger },
			{ id: 'a0000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { [String(trigger.name)]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	};
}

async function post(url: string, body: object): Promise<number> {
	const raw = JSON.stringify(body);
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) },
		body: raw,
	});
	await response.arrayBuffer();
	return response.status;
}

/** Finished executions newer than the last one seen, newest first. */
async function finishedSince(n8n: N8nApi, contender: Contender): Promise<Array<{ id: string; status: string; stoppedAt?: string }>> {
	return ((await n8n.executions(contender.workflowId)) as Array<{ id: string; status: string; stoppedAt?: string }>)
		.filter((execution) => Number(execution.id) > contender.lastExecutionId)
		.filter((execution) => execution.stoppedAt && !['new', 'running', 'waiting'].includes(execution.status))
		.sort((a, b) => Number(b.id) - Number(a.id));
}

/** Posts one delivery and waits for the execution it starts; returns ms from send to stoppedAt. */
async function timeOne(n8n: N8nApi, contender: Contender, body: object): Promise<number> {
	const sentAt = Date.now();
	const status = await post(contender.url, body);
	if (status !== 200) throw new Error(`${contender.label} answered ${status}`);
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const newer = await finishedSince(n8n, contender);
		if (newer.length > 0) {
			contender.lastExecutionId = Number(newer[0].id);
			return Date.parse(newer[0].stoppedAt!) - sentAt;
		}
		await sleep(10);
	}
	throw new Error(`${contender.label}: no execution within 30 s`);
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export async function runWebhookLatencyBench(deliveries = 100, duplicates = 10): Promise<Record<string, unknown>> {
	const version = process.env.SCRM_N8N_VERSION ?? '2.23.4';
	const meta = await startMetaAppServer(path.join(E2E_DIR, 'bench-tls'));
	let host: HostState | undefined;
	try {
		host = await startN8n({
			version,
			port: PORT,
			name: 'bench',
			env: {
				NODE_OPTIONS: `--require ${path.join(ROOT, 'bench/support/loopbackDns.js')}`,
				NODE_EXTRA_CA_CERTS: meta.certFile,
			},
		});
		const n8n = await N8nApi.forOwner(host.url);
		const ours = await n8n.createCredential('whatsAppScrmApi', 'bench', {
			accessToken: 'unused',
			appSecret: APP_SECRET,
			verifyToken: 'bench-verify',
			wabaId: '102290129340398',
			graphApiVersion: 'v26.0',
		});
		const builtIn = await n8n.createCredential('whatsAppTriggerApi', 'bench built-in', { clientId: '1234567890', clientSecret: APP_SECRET });

		const contenders: Contender[] = [];
		for (const [label, trigger, webhookId] of [
			[
				'WhatsApp SCRM Trigger (ours)',
				{ name: 'Trigger', type: 'n8n-nodes-whatsapp-scrm.whatsAppScrmTrigger', typeVersion: 1, parameters: { events: ['message', 'status'], options: {} }, credentials: { whatsAppScrmApi: ours } },
				'b0000000-0000-4000-8000-0000000000a1',
			],
			[
				"n8n's WhatsApp Trigger",
				{ name: 'Trigger', type: 'n8n-nodes-base.whatsAppTrigger', typeVersion: 1, parameters: { updates: ['messages'] }, credentials: { whatsAppTriggerApi: builtIn } },
				'b0000000-0000-4000-8000-0000000000b2',
			],
		] as const) {
			const created = await n8n.call('POST', '/rest/workflows', workflow(label, { ...trigger, webhookId }));
			await n8n.activate(created);
			contenders.push({ label, workflowId: created.id, url: `${host.url}/webhook/${webhookId}/webhook`, latencies: [], lastExecutionId: 0 });
		}

		const { bodies } = realisticDeliveries(deliveries + duplicates, 7);
		for (const contender of contenders) await timeOne(n8n, contender, bodies[0]); // warm-up
		for (const contender of contenders) contender.latencies = [];
		for (const body of bodies.slice(1, deliveries)) {
			for (const contender of contenders) contender.latencies.push(await timeOne(n8n, contender, body));
		}

		// Meta re-delivers what it believes was lost: the same deliveries again.
		const duplicateRuns: Record<string, number> = {};
		for (const contender of contenders) {
			const repeated = bodies.slice(deliveries, deliveries + duplicates);
			for (const body of repeated) await timeOne(n8n, contender, body);
			for (const body of repeated) await post(contender.url, body);
			await sleep(2000);
			duplicateRuns[contender.label] = (await finishedSince(n8n, contender)).length;
		}

		const [our, theirs] = contenders;
		const report = (contender: Contender) => ({
			p50: percentile(contender.latencies, 50),
			p95: percentile(contender.latencies, 95),
			duplicateExecutions: duplicateRuns[contender.label],
		});
		const results = { n8n: version, deliveries: our.latencies.length, ours: report(our), builtIn: report(theirs) };
		console.log(`end-to-end webhook latency on n8n ${version}, ${our.latencies.length} deliveries each (POST sent → execution stopped)`);
		for (const contender of contenders) {
			const r = report(contender);
			console.log(`  ${contender.label.padEnd(30)} p50 ${String(r.p50).padStart(4)} ms   p95 ${String(r.p95).padStart(4)} ms   executions started by ${duplicates} re-deliveries: ${r.duplicateExecutions}`);
		}
		console.log(`  ratio ours / built-in          p50 ${(results.ours.p50 / results.builtIn.p50).toFixed(2)}   p95 ${(results.ours.p95 / results.builtIn.p95).toFixed(2)}`);
		return results;
	} finally {
		if (host) stopN8n(host);
		await meta.stop();
	}
}

if (require.main === module) {
	runWebhookLatencyBench().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
