/**
 * Quota guard cost per decision (reserve + commit, distinct customers, one number) for each store,
 * with 1 k, 10 k and 100 k customers already in the ledger: one decision after another
 * (sequential) and 100 in flight at once (concurrent). The memory store is the baseline of the run.
 * The JSON file store (the Node 20 fallback) rewrites its whole document per write: it is measured
 * at 1 k only unless SCRM_BENCH_QUOTA_JSON_SIZES names more (say 1000,10000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startRedisServer } from '../devkit/servers/redisServer';
import type { RedisServer } from '../devkit/servers/redisServer';
import { createQuotaGuard } from '../lib/quota';
import type { QuotaGuard, StoreOptions } from '../lib/quota';

const SIZES = [1_000, 10_000, 100_000];
const NOW = Date.UTC(2026, 10, 23, 3);
const IN_FLIGHT = 100;

let customers = 0;

async function decide(guard: QuotaGuard): Promise<void> {
	const i = customers++;
	const result = await guard.reserve({
		phoneNumberId: '106540352242922',
		to: `+8526${String(1000000 + i)}`,
		category: 'marketing',
		template: 'spring_sale',
		now: NOW,
	});
	if (!result.allowed) throw new Error(`denied: ${result.reason}`);
	await guard.commit(result.reservationId, { messageId: `wamid.${i}` });
}

async function concurrently(guard: QuotaGuard, count: number): Promise<void> {
	let left = count;
	await Promise.all(
		Array.from({ length: Math.min(IN_FLIGHT, count) }, async () => {
			while (left-- > 0) await decide(guard);
		}),
	);
}

async function micros(run: () => Promise<void>, decisions: number): Promise<number> {
	const start = process.hrtime.bigint();
	await run();
	return Number(process.hrtime.bigint() - start) / 1000 / decisions;
}

interface Row {
	sequential: number;
	concurrent: number;
}

/** Fills the ledger to each size (concurrently, uncounted), then measures at it. */
async function measureStore(
	store: StoreOptions,
	sizes: number[],
	decisions: number,
): Promise<Record<string, Row>> {
	const guard = createQuotaGuard({
		store,
		rules: { messagingLimit: 0, throughputPerSecond: 0, quietHours: false },
		clock: () => NOW,
	});
	customers = 0;
	const rows: Record<string, Row> = {};
	try {
		for (const size of sizes) {
			if (customers < size) await concurrently(guard, size - customers);
			const sequential = await micros(async () => {
				for (let i = 0; i < decisions; i++) await decide(guard);
			}, decisions);
			const concurrent = await micros(() => concurrently(guard, decisions), decisions);
			rows[size] = { sequential, concurrent };
		}
	} finally {
		await guard.close();
	}
	return rows;
}

export async function runQuotaGuardBench(): Promise<Record<string, unknown>> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-bench-quota-'));
	let redis: RedisServer | undefined;
	const jsonSizes = (process.env.SCRM_BENCH_QUOTA_JSON_SIZES ?? '1000').split(',').map(Number);
	try {
		redis = await startRedisServer();
		const stores: Array<[string, StoreOptions, number[], number]> = [
			['memory', { type: 'memory' }, SIZES, 5_000],
			[
				'sqlite (file ledger)',
				{ type: 'sqlite', path: path.join(dir, 'ledger.sqlite') },
				SIZES,
				2_000,
			],
			['redis (loopback)', { type: 'redis', url: redis.url }, SIZES, 2_000],
			['json file (Node 20)', { type: 'file', path: path.join(dir, 'ledger.json') }, jsonSizes, 50],
		];
		const results: Record<string, Record<string, Row>> = {};
		console.log('quota guard, reserve + commit per message, distinct customers, one number');
		console.log(
			`  ${'store'.padEnd(22)} ${'customers'.padStart(9)}   ${'sequential'.padStart(12)}   ${`${IN_FLIGHT} in flight`.padStart(12)}`,
		);
		for (const [name, store, sizes, decisions] of stores) {
			const rows = await measureStore(store, sizes, decisions);
			results[name] = rows;
			for (const [size, row] of Object.entries(rows))
				console.log(
					`  ${name.padEnd(22)} ${Number(size).toLocaleString('en').padStart(9)}   ${row.sequential.toFixed(1).padStart(9)} µs   ${row.concurrent.toFixed(1).padStart(9)} µs`,
				);
		}
		const base = results.memory[100_000];
		const sqlite = results['sqlite (file ledger)'][100_000];
		console.log(
			`  ratio sqlite / memory at 100,000: sequential ${(sqlite.sequential / base.sequential).toFixed(1)}, concurrent ${(sqlite.concurrent / base.concurrent).toFixed(1)}`,
		);
		return results;
	} finally {
		await redis?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (require.main === module) {
	runQuotaGuardBench().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
