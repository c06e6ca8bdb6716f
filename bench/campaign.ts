/**
 * A template campaign through a real n8n against the Graph API simulator answering in 50 ms and
 * enforcing Meta's throughput and pair-rate limits: our WhatsApp Sender (quota guard) beside n8n's
 * built-in WhatsApp node, which fires every item's request at once, in the same run. The built-in
 * node's Graph host is hard-coded, so this n8n resolves it to the simulator served over TLS.
 */
import fs from 'node:fs';
import path from 'node:path';

import { N8nApi, ROOT, sleep } from '../devkit/n8n/n8nHost';
import type { HostState } from '../devkit/n8n/n8nHost';
import { SIM, startGraphApiSimulator } from '../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../devkit/simulators/graphApi';
import { startBenchN8n, stopBenchN8n, track } from './support/host';
import { listWorkflow } from './support/listWorkflow';
import { makeCertificate } from './support/tls';

const PORT = 5682;

interface Run {
	accepted: number;
	messagesPerSecond: number;
	rejected: Record<string, number>;
	seconds: number;
}

/** Posts the list and waits for the workflow to answer, which it does once the last item was sent. */
async function runCampaign(
	graph: GraphApiSimulator,
	url: string,
	contacts: object[],
): Promise<Run> {
	graph.state.resetCounters();
	const sentBefore = graph.state.sent.length;
	const started = Date.now();
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ contacts }),
	});
	await response.arrayBuffer();
	if (response.status !== 200) throw new Error(`campaign webhook answered ${response.status}`);
	const seconds = (Date.now() - started) / 1000;
	const sent = graph.state.sent.slice(sentBefore);
	const span =
		sent.length > 1 ? (sent[sent.length - 1].receivedAt - sent[0].receivedAt) / 1000 : seconds;
	const rejected = Object.fromEntries(
		Object.entries(graph.state.rejected).filter(([, count]) => count > 0),
	);
	return {
		accepted: sent.length,
		messagesPerSecond: sent.length / Math.max(span, 0.001),
		rejected,
		seconds,
	};
}

/** Enough requests in flight to fill the number's throughput while each waits 50 ms for Meta. */
function parallelSendsFor(throughput: number): number {
	return Math.min(64, Math.max(8, Math.ceil(throughput * 0.05 * 1.5)));
}

export async function runCampaignBench(
	messages = Number(process.env.SCRM_BENCH_CAMPAIGN ?? 10_000),
	throughputs = (process.env.SCRM_BENCH_THROUGHPUT ?? '80,1000').split(',').map(Number),
): Promise<Record<string, unknown>> {
	const version =
		process.env.SCRM_N8N_VERSION ??
		fs.readFileSync(path.join(ROOT, 'scripts/n8n-version'), 'utf8').trim();
	const { keyFile, certFile } = makeCertificate(path.join(ROOT, '.host', 'bench', 'tls'));
	const graph = await startGraphApiSimulator({
		tls: { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) },
		host: '127.0.0.1',
		port: 443,
		latencyMs: 50,
	});
	const stopGraph = track(() => graph.stop());
	let host: HostState | undefined;
	try {
		host = await startBenchN8n({
			version,
			port: PORT,
			name: 'campaign',
			env: {
				NODE_OPTIONS: `--require ${path.join(ROOT, 'bench/support/loopbackDns.js')}`,
				NODE_EXTRA_CA_CERTS: certFile,
			},
		});
		const n8n = await N8nApi.forOwner(host.url);
		const ours = await n8n.createCredential('whatsAppScrmApi', 'bench', {
			accessToken: SIM.token,
			appSecret: SIM.appSecret,
			verifyToken: SIM.verifyToken,
			wabaId: SIM.wabaId,
			graphApiVersion: 'v26.0',
		});
		const builtIn = await n8n.createCredential('whatsAppApi', 'bench built-in', {
			accessToken: SIM.token,
			businessAccountId: SIM.wabaId,
		});
		const builtInFlow = await n8n.call(
			'POST',
			'/rest/workflows',
			listWorkflow(
				"Campaign: n8n's WhatsApp node",
				'bench-builtin',
				'c0000000-0000-4000-8000-0000000000b2',
				{
					type: 'n8n-nodes-base.whatsApp',
					typeVersion: 1,
					onError: 'continueRegularOutput',
					credentials: { whatsAppApi: builtIn },
					parameters: {
						resource: 'message',
						operation: 'sendTemplate',
						phoneNumberId: SIM.phoneNumberId,
						recipientPhoneNumber: '={{ $json.phone }}',
						template: 'hello_world|en_US',
					},
				},
			),
		);
		await n8n.activate(builtInFlow);

		const results: Record<string, unknown> = {};
		for (const [round, throughput] of throughputs.entries()) {
			graph.state.limits.throughputPerSecond = throughput;
			// Distinct customers in assigned Hong Kong mobile ranges (full metadata refuses unassigned
			// ones), new ones in every run so the pair rate never holds a message back.
			const contacts = (prefix: number) =>
				Array.from({ length: messages }, (_, i) => ({
					phone: `+852${prefix + round}${String(i).padStart(6, '0')}`,
				}));
			const ourRuns: Record<string, Run> = {};
			// The default ledger (the file ledger: SQLite on Node 24) beside the memory ledger.
			for (const [index, ledger] of (['file', 'memory'] as const).entries()) {
				const oursFlow = await n8n.call(
					'POST',
					'/rest/workflows',
					listWorkflow(
						`Campaign: WhatsApp Sender at ${throughput}/s, ${ledger} ledger`,
						`bench-ours-${throughput}-${ledger}`,
						`c0000000-0000-4000-8000-0000000001${String(round * 2 + index).padStart(2, '0')}`,
						{
							type: 'n8n-nodes-whatsapp-scrm.whatsAppSender',
							typeVersion: 1,
							credentials: { whatsAppScrmApi: ours },
							parameters: {
								operation: 'sendTemplate',
								phoneNumberId: SIM.phoneNumberId,
								to: '={{ $json.phone }}',
								template: 'hello_world::en_US',
								options: { parallelSends: parallelSendsFor(throughput) },
								ledgerStore: ledger,
								quotaGuard: {
									messagingLimit: 0,
									quietHoursStart: '',
									throughputPerSecond: throughput,
									// A ledger of this run's own: an earlier run's customers are not held back.
									...(ledger === 'file' ? { filePath: `bench-campaign-${Date.now()}.json` } : {}),
								},
							},
						},
					),
				);
				await n8n.activate(oursFlow);
				ourRuns[ledger] = await runCampaign(
					graph,
					`${host.url}/webhook/bench-ours-${throughput}-${ledger}`,
					contacts(index === 0 ? 91 : 93),
				);
				await sleep(2000);
			}
			const our = ourRuns.file;
			const theirs = await runCampaign(graph, `${host.url}/webhook/bench-builtin`, contacts(61));
			await sleep(2000);

			console.log(
				`template campaign of ${messages.toLocaleString('en')} messages, simulator answering in 50 ms, limit ${throughput}/s per number`,
			);
			for (const [label, run] of [
				['Sender, file ledger', ourRuns.file],
				['Sender, memory ledger', ourRuns.memory],
				["n8n's WhatsApp node", theirs],
			] as const) {
				const codes =
					Object.entries(run.rejected)
						.map(([code, count]) => `${code}×${count}`)
						.join(', ') || 'none';
				console.log(
					`  ${label.padEnd(24)} delivered ${String(run.accepted).padStart(6)}   ${run.messagesPerSecond.toFixed(1).padStart(7)} msg/s   rejected: ${codes}   (${run.seconds.toFixed(0)} s)`,
				);
			}
			console.log(
				`  file ledger: ${((our.messagesPerSecond / throughput) * 100).toFixed(1)} % of the ${throughput}/s limit (target 95 %); memory ledger ${((ourRuns.memory.messagesPerSecond / throughput) * 100).toFixed(1)} %`,
			);
			console.log(
				`  delivered ratio file ledger / built-in: ${(our.accepted / Math.max(theirs.accepted, 1)).toFixed(2)}; speed ratio ${(our.messagesPerSecond / Math.max(theirs.messagesPerSecond, 0.001)).toFixed(2)} (memory ledger ${(ourRuns.memory.messagesPerSecond / Math.max(theirs.messagesPerSecond, 0.001)).toFixed(2)})\n`,
			);
			results[`at${throughput}`] = {
				throughput,
				ours: our,
				oursMemoryLedger: ourRuns.memory,
				builtIn: theirs,
				shareOfLimit: our.messagesPerSecond / throughput,
				deliveredRatio: our.accepted / Math.max(theirs.accepted, 1),
			};
		}
		return { messages, ...results };
	} finally {
		if (host) await stopBenchN8n(host);
		await stopGraph();
	}
}
