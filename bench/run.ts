/** Runs every benchmark and keeps the figures in .host/bench/results.json for later comparison. */
import fs from 'node:fs';
import path from 'node:path';

import { runCampaignBench } from './campaign';
import { runQuotaGuardBench } from './quotaGuard';
import { runWebhookLatencyBench } from './webhookLatency';
import { runWebhookParseBench } from './webhookParse';

async function main(): Promise<void> {
	const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };
	console.log('== webhook intake throughput');
	results.webhookParse = runWebhookParseBench();
	console.log('\n== webhook latency through a real n8n, ours beside the built-in WhatsApp Trigger');
	results.webhookLatency = await runWebhookLatencyBench();
	console.log('\n== quota guard overhead');
	results.quotaGuard = await runQuotaGuardBench();
	console.log('\n== template campaign through a real n8n, ours beside the built-in WhatsApp node');
	results.campaign = await runCampaignBench();
	const file = path.resolve(__dirname, '../../.host/bench/results.json');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
