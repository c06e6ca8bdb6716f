/**
 * Quota guard overhead per decision (reserve + commit) for each store, over a campaign to distinct
 * customers, with the memory store as the baseline measured in the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createQuotaGuard } from '../lib/quota';
import type { QuotaGuardOptions } from '../lib/quota';

async function microsPerDecision(
	store: QuotaGuardOptions['store'],
	decisions: number,
): Promise<number> {
	const guard = createQuotaGuard({
		store,
		rules: { messagingLimit: 0, throughputPerSecond: 0, quietHours: false },
	});
	const now = Date.UTC(2026, 10, 23, 3);
	const start = process.hrtime.bigint();
	for (let i = 0; i < decisions; i++) {
		const result = await guard.reserve({
			phoneNumberId: '106540352242922',
			to: `+8526${String(1000000 + i)}`,
			category: 'marketing',
			template: 'spring_sale',
			now,
		});
		if (!result.allowed) throw new Error(`denied: ${result.reason}`);
		await guard.commit(result.reservationId, { messageId: `wamid.${i}` });
	}
	const micros = Number(process.hrtime.bigint() - start) / 1000 / decisions;
	await guard.close();
	return micros;
}

export async function runQuotaGuardBench(
	decisions = { memory: 20_000, file: 2_000 },
): Promise<Record<string, number>> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-bench-quota-'));
	try {
		const memory = await microsPerDecision({ type: 'memory' }, decisions.memory);
		const file = await microsPerDecision(
			{ type: 'file', path: path.join(dir, 'ledger.json') },
			decisions.file,
		);
		console.log(`quota guard, reserve + commit per message, distinct customers`);
		console.log(
			`  memory store   ${memory.toFixed(1).padStart(8)} µs   (${decisions.memory.toLocaleString('en')} decisions)`,
		);
		console.log(
			`  file store     ${file.toFixed(1).padStart(8)} µs   (${decisions.file.toLocaleString('en')} decisions; ledger rewritten atomically each step)`,
		);
		console.log(`  ratio file / memory   ${(file / memory).toFixed(1)}`);
		return { memoryMicros: memory, fileMicros: file, fileToMemory: file / memory };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	runQuotaGuardBench().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
