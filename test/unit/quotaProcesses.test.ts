/**
 * Several processes share one ledger (a file on one host, or Redis as in n8n's queue mode) and
 * together never exceed a limit. The children load lib/quota from source through TypeScript's
 * transpiler, so they always run the code under test, with no build step.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { createQuotaGuard } from '../../lib/quota';
import { startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * argv: project root, store options (JSON), messaging limit, first customer, how many, and optionally
 * a business portfolio id and the numbers to alternate between (comma-separated). Prints { allowed, denied }.
 */
const CHILD = `
const fs = require('fs');
const path = require('path');
const root = process.argv[1];
const ts = require(path.join(root, 'node_modules/typescript'));
require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};
const { createQuotaGuard } = require(path.join(root, 'lib/quota/index.ts'));
const [store, limit, first, count] = [JSON.parse(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const portfolioId = process.argv[6] || undefined;
const numbers = (process.argv[7] || '1065').split(',');
const guard = createQuotaGuard({ store, rules: { messagingLimit: limit, throughputPerSecond: 0, quietHours: false } });
const now = Date.now();
(async () => {
	const denied = {};
	let allowed = 0;
	await Promise.all(Array.from({ length: count }, async (_, i) => {
		const result = await guard.reserve({ phoneNumberId: numbers[i % numbers.length], portfolioId, to: '+8526' + String(1000000 + first + i), category: 'marketing', template: 'launch', now });
		if (!result.allowed) return void (denied[result.rule] = (denied[result.rule] || 0) + 1);
		allowed++;
		await guard.commit(result.reservationId, { messageId: 'wamid.' + (first + i) });
	}));
	await guard.close();
	process.stdout.write(JSON.stringify({ allowed, denied }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface ChildResult {
	allowed: number;
	denied: Record<string, number>;
}

async function reserveInProcesses(
	store: object,
	limit: number,
	processes: number,
	each: number,
	portfolio?: { id: string; numbers: string[] },
): Promise<ChildResult[]> {
	const children = Array.from({ length: processes }, (_, p) =>
		run(
			process.execPath,
			[
				'-e',
				CHILD,
				root,
				JSON.stringify(store),
				String(limit),
				String(p * each),
				String(each),
				...(portfolio ? [portfolio.id, portfolio.numbers.join(',')] : []),
			],
			{ timeout: 120_000 },
		),
	);
	return (await Promise.all(children)).map((child) => JSON.parse(child.stdout) as ChildResult);
}

describe('a file ledger shared by processes on one host', () => {
	it('lets 4 processes reserve 400 marketing sends on a 150 limit: exactly 150 go', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-ledger-'));
		try {
			const results = await reserveInProcesses(
				{ type: 'file', path: path.join(dir, 'ledger.json') },
				150,
				4,
				100,
			);
			expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(150);
			expect(results.reduce((sum, r) => sum + (r.denied.messagingLimit ?? 0), 0)).toBe(250);
			// Nothing left behind but the ledger's current generation and the one before it.
			expect(fs.readdirSync(dir)).toEqual([
				expect.stringMatching(/^ledger\.json\.gen-\d+$/),
				expect.stringMatching(/^ledger\.json\.gen-\d+$/),
			]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});

describe('an SQLite ledger shared by processes on one host (issue 23)', () => {
	it('lets 4 processes reserve 400 marketing sends on a 150 limit: exactly 150 go', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-ledger-'));
		try {
			const results = await reserveInProcesses(
				{ type: 'sqlite', path: path.join(dir, 'ledger.sqlite') },
				150,
				4,
				100,
			);
			expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(150);
			expect(results.reduce((sum, r) => sum + (r.denied.messagingLimit ?? 0), 0)).toBe(250);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});

/** Two branches' numbers of one business portfolio (issue 14.2). */
const BRANCHES = { id: '524126980791429', numbers: ['106540352242922', '106540352242923'] };

/** Each number's share and the portfolio's count, read back through a guard of this process. */
async function portfolioUsage(store: object) {
	const guard = createQuotaGuard({ store: store as never, rules: { messagingLimit: 1000 } });
	try {
		return await Promise.all(
			BRANCHES.numbers.map((number) =>
				guard.usage(number, undefined, { portfolioId: BRANCHES.id }),
			),
		);
	} finally {
		await guard.close();
	}
}

describe('one business portfolio, two numbers, four processes (issue 14.2)', () => {
	let server: RedisServer;
	beforeAll(async () => void (server = await startRedisServer()));
	afterAll(async () => server?.stop());

	it.each([
		['Redis', () => ({ type: 'redis', url: server.url, keyPrefix: 'portfolio:scrm:quota:' })],
		[
			'the file store',
			() => ({
				type: 'file',
				path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-portfolio-')), 'ledger.json'),
			}),
		],
		[
			'the SQLite store',
			() => ({
				type: 'sqlite',
				path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-portfolio-')), 'ledger.sqlite'),
			}),
		],
	])(
		'on %s: 4 × 1,250 marketing sends alternating between the numbers on a 1,000 limit: exactly 1,000 go',
		async (_name, storeOf) => {
			const store = storeOf();
			try {
				const results = await reserveInProcesses(store, 1000, 4, 1250, BRANCHES);
				expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(1000);
				expect(results.reduce((sum, r) => sum + (r.denied.messagingLimit ?? 0), 0)).toBe(4000);
				// Both numbers see the portfolio's one count.
				for (const usage of await portfolioUsage(store))
					expect(usage).toMatchObject({ uniqueCustomers24h: 1000, remaining: 0 });
			} finally {
				if (store.type === 'file' || store.type === 'sqlite')
					fs.rmSync(path.dirname((store as { path: string }).path), {
						recursive: true,
						force: true,
					});
			}
		},
		120_000,
	);
});

/**
 * argv: project root, ledger file, customer, stale lock ms. Runs one step on the file store that
 * records the customer; with STALL set, the step says "inside" on stdout and then waits for a
 * second inside the step, so the parent can stop the process (SIGSTOP) while it holds the lock.
 * Prints how many times the step ran.
 */
const STEP_CHILD = `
const fs = require('fs');
const path = require('path');
const root = process.argv[1];
const ts = require(path.join(root, 'node_modules/typescript'));
require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};
const { FileQuotaStore } = require(path.join(root, 'lib/quota/stores/file.ts'));
const [file, customer, staleLockMs] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const store = new FileQuotaStore(file, { lookbackMs: 86400000, staleLockMs, lockWaitMs: 60000 });
const now = Date.now();
let runs = 0;
store.transact({ phoneNumberId: '1065', now, customers: [customer], reservations: [], messagingLimit: 0, slotsFrom: now }, (slice) => {
	runs++;
	if (process.env.STALL && runs === 1) {
		fs.writeSync(1, 'inside\\n');
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
	}
	slice.customers[customer] = { sends: [], optedOut: true, optOutAt: now };
}).then(() => store.close()).then(() => fs.writeSync(1, JSON.stringify({ runs }) + '\\n'))
	.catch((error) => { console.error(error); process.exit(1); });
`;

describe('a file ledger whose lock holder stalls past the stale time', () => {
	it('never lets the stalled writer put its older document over a newer one: it re-reads and re-applies', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-stall-'));
		const file = path.join(dir, 'ledger.json');
		const staleLockMs = '300';
		try {
			// A takes the lock and reads the ledger; inside its step it is stopped, as by a GC pause or a frozen VM.
			const a = spawn(
				process.execPath,
				['-e', STEP_CHILD, root, file, '+85291230001', staleLockMs],
				{
					env: { ...process.env, STALL: '1' },
				},
			);
			let aOut = '';
			const aExit = new Promise<number | null>((resolve) => a.on('exit', resolve));
			await new Promise<void>((resolve, reject) => {
				a.stdout.on('data', (chunk: Buffer) => {
					aOut += chunk.toString();
					if (aOut.includes('inside')) resolve();
				});
				a.on('exit', () => reject(new Error(`A ended before its step: ${aOut}`)));
			});
			a.kill('SIGSTOP');
			try {
				// B finds A's lock stale, takes it over and writes its own customer.
				const b = await run(
					process.execPath,
					['-e', STEP_CHILD, root, file, '+85291230002', staleLockMs],
					{
						timeout: 60_000,
					},
				);
				expect(JSON.parse(b.stdout)).toEqual({ runs: 1 });
			} finally {
				a.kill('SIGCONT');
			}
			expect(await aExit).toBe(0);
			// A saw that B's generation came first and decided its step again on B's document.
			expect(JSON.parse(aOut.slice(aOut.indexOf('{')))).toEqual({ runs: 2 });
			const guard = createQuotaGuard({
				store: { type: 'file', path: file },
				rules: { quietHours: false },
			});
			try {
				for (const customer of ['+85291230001', '+85291230002'])
					expect(
						await guard.reserve({
							phoneNumberId: '1065',
							to: customer,
							category: 'marketing',
							template: 'launch',
						}),
					).toMatchObject({ allowed: false, rule: 'optOut' });
			} finally {
				await guard.close();
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);
});

describe('a Redis ledger shared by processes (queue mode)', () => {
	let server: RedisServer;
	beforeAll(async () => void (server = await startRedisServer()));
	afterAll(async () => server?.stop());

	it('lets 5 processes reserve 5,000 marketing sends to distinct customers on a 1,000 limit: exactly 1,000 go', async () => {
		const results = await reserveInProcesses({ type: 'redis', url: server.url }, 1000, 5, 1000);
		expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(1000);
		expect(results.reduce((sum, r) => sum + (r.denied.messagingLimit ?? 0), 0)).toBe(4000);
		const guard = createQuotaGuard({
			store: { type: 'redis', url: server.url },
			rules: { messagingLimit: 1000 },
		});
		try {
			expect(await guard.usage('1065')).toMatchObject({
				uniqueCustomers24h: 1000,
				remaining: 0,
				headroomReached: true,
			});
		} finally {
			await guard.close();
		}
	}, 120_000);
});
