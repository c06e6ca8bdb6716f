/**
 * Several processes on one host share a file ledger: together they never exceed a limit. The
 * children run the built package (dist/), which the test command builds before running tests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const built = path.resolve(__dirname, '../../dist/lib/quota/index.js');

const child = `
const { createQuotaGuard } = require(process.argv[1]);
const [file, worker, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const guard = createQuotaGuard({ store: { type: 'file', path: file }, rules: { messagingLimit: 150, throughputPerSecond: 0, quietHours: false } });
(async () => {
	let allowed = 0;
	const now = Date.UTC(2026, 10, 23, 3);
	await Promise.all(Array.from({ length: count }, async (_, i) => {
		const result = await guard.reserve({ phoneNumberId: '1065', to: '+8529' + String(1000000 + worker * 1000 + i), category: 'marketing', now });
		if (result.allowed) { allowed++; await guard.commit(result.reservationId, { messageId: 'w' + i }); }
	}));
	process.stdout.write(String(allowed));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('file ledger shared by processes', () => {
	it('lets four processes reserve 400 sends on a 150 limit: exactly 150 go', async () => {
		if (!fs.existsSync(built)) throw new Error(`build first (npm test does): ${built} is missing`);
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-ledger-')), 'ledger.json');
		const results = await Promise.all(
			[0, 1, 2, 3].map((worker) => run(process.execPath, ['-e', child, built, file, String(worker), '100'], { timeout: 60_000 })),
		);
		const allowed = results.map((result) => Number(result.stdout));
		expect(allowed.reduce((a, b) => a + b, 0)).toBe(150);
	}, 90_000);
});
