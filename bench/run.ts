/**
 * `npm run bench [-- name …]`: runs the benchmarks (all, or those named), each printing its figures
 * beside a baseline measured in the same run; never a timed pass/fail. A benchmark that fails is
 * reported and the others still run (exit status 1 at the end). Figures are merged into
 * .host/bench/results.json (latest per benchmark) and appended to .host/bench/history.jsonl.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT } from '../devkit/n8n/n8nHost';
import { runCampaignBench } from './campaign';
import { runCrmUpsertBench } from './crmUpsert';
import { runDedupBench } from './dedup';
import { runHostileBench } from './hostile';
import { runIntentTaggerBench } from './intentTagger';
import { runQueueScalingBench } from './queueScaling';
import { runQuotaGuardBench } from './quotaGuard';
import { runWebhookLatencyBench } from './webhookLatency';
import { runWebhookParseBench } from './webhookParse';

interface Bench {
	name: string;
	title: string;
	run: () => unknown;
}

const BENCHES: Bench[] = [
	{
		name: 'webhookParse',
		title: 'webhook intake throughput: signature + JSON + parse, ours beside HMAC + JSON.parse',
		run: () => runWebhookParseBench(),
	},
	{
		name: 'webhookLatency',
		title: "webhook latency through a real n8n: our trigger beside n8n's built-in WhatsApp Trigger",
		run: () => runWebhookLatencyBench(),
	},
	{
		name: 'hostile',
		title:
			'hostile inputs: worst time per input size through normalizePhone, tagMessage and the receive path',
		run: () => runHostileBench(),
	},
	{
		name: 'quotaGuard',
		title: 'quota guard overhead per decision, file store beside memory store',
		run: () => runQuotaGuardBench(),
	},
	{
		name: 'intentTagger',
		title:
			'intent tagger: micro-F1 per language on the dev and unseen holdout sets, messages/s on one core beside a naive tagger',
		run: () => runIntentTaggerBench(),
	},
	{
		name: 'dedup',
		title:
			'contact dedup: F1 on FEBRL and generated WhatsApp contacts, time and memory at 10k/100k/1M, beside all-pairs',
		run: () => runDedupBench(),
	},
	{
		name: 'campaign',
		title: "template campaign through a real n8n: our Sender beside n8n's built-in WhatsApp node",
		run: () => runCampaignBench(),
	},
	{
		name: 'crmUpsert',
		title:
			"contacts into the rate-limited HubSpot simulator through a real n8n: our CRM Upsert beside n8n's built-in HubSpot node",
		run: () => runCrmUpsertBench(),
	},
	{
		name: 'queue',
		title:
			'queue mode end to end: messages/s with 2 workers beside 1, p95 latency from webhook to CRM entry',
		run: () => runQueueScalingBench(),
	},
];

function select(args: string[]): Bench[] {
	if (args.length === 0) return BENCHES;
	return args.map((arg) => {
		const bench =
			BENCHES.find((b) => b.name.toLowerCase() === arg.toLowerCase()) ??
			BENCHES.filter((b) => b.name.toLowerCase().includes(arg.toLowerCase()))[0];
		if (!bench)
			throw new Error(
				`no benchmark "${arg}"; choose from: ${BENCHES.map((b) => b.name).join(', ')}`,
			);
		return bench;
	});
}

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	if (args.includes('--list') || args.includes('--help')) {
		console.log(
			`benchmarks: ${BENCHES.map((b) => b.name).join(', ')}\nusage: npm run bench [-- name …]   (names may be abbreviated: parse, latency, hostile, quota, intent, dedup, campaign, crm, queue)`,
		);
		return 0;
	}
	const chosen = select(args);
	const dir = path.join(ROOT, '.host', 'bench');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, 'results.json');
	const machine = {
		node: process.version,
		cpus: os.cpus().length,
		cpu: os.cpus()[0]?.model ?? 'unknown',
		platform: `${os.platform()} ${os.release()}`,
	};
	const run: Record<string, unknown> = { at: new Date().toISOString(), ...machine };
	const failed: string[] = [];

	for (const bench of chosen) {
		console.log(`\n== ${bench.name}: ${bench.title}\n`);
		const started = Date.now();
		try {
			const result = await bench.run();
			run[bench.name] = {
				at: new Date().toISOString(),
				seconds: (Date.now() - started) / 1000,
				...(result as object),
			};
		} catch (error) {
			failed.push(bench.name);
			const message = error instanceof Error ? error.message : String(error);
			console.error(
				`\n!! ${bench.name} failed after ${((Date.now() - started) / 1000).toFixed(0)} s:\n${message}`,
			);
			if (error instanceof Error && error.stack && process.env.SCRM_BENCH_DEBUG)
				console.error(error.stack);
			run[bench.name] = { at: new Date().toISOString(), error: message };
		}
	}

	let previous: Record<string, unknown> = {};
	try {
		previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
	} catch {
		// first run, or unreadable: start afresh
	}
	fs.writeFileSync(file, `${JSON.stringify({ ...previous, ...run }, null, 2)}\n`);
	fs.appendFileSync(path.join(dir, 'history.jsonl'), `${JSON.stringify(run)}\n`);
	console.log(
		`\nresults: ${path.relative(process.cwd(), file)} (history: ${path.relative(process.cwd(), path.join(dir, 'history.jsonl'))})`,
	);
	if (failed.length > 0) console.error(`failed: ${failed.join(', ')}`);
	return failed.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
