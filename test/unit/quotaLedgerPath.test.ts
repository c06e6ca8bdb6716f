/**
 * The Sender's Ledger File (issue 15.3): confined to .n8n/whatsapp-scrm in n8n's user folder, on a
 * real folder with real symbolic links; `~` is the user folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createQuotaGuard } from '../../lib/quota';
import {
	confineLedgerPath,
	defaultLedgerPath,
	LedgerPathError,
} from '../../nodes/shared/quotaLedger';

const user = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-user-'));
const folder = path.join(fs.realpathSync(user), '.n8n', 'whatsapp-scrm');

afterAll(() => fs.rmSync(user, { recursive: true, force: true }));

describe('Ledger File', () => {
	it('expands ~ to the user folder and takes a bare name inside the ledger folder', () => {
		expect(confineLedgerPath('~/.n8n/whatsapp-scrm/shop-a.json', user)).toBe(
			path.join(folder, 'shop-a.json'),
		);
		expect(confineLedgerPath('shop-b.json', user)).toBe(path.join(folder, 'shop-b.json'));
		expect(confineLedgerPath('branches/taipei.json', user)).toBe(
			path.join(folder, 'branches', 'taipei.json'),
		);
		expect(confineLedgerPath(path.join(folder, 'abs.json'), user)).toBe(
			path.join(folder, 'abs.json'),
		);
		// No folder named "~" appears in the working directory.
		expect(fs.existsSync(path.join(process.cwd(), '~'))).toBe(false);
		expect(defaultLedgerPath(user)).toBe(
			path.join(user, '.n8n', 'whatsapp-scrm', 'quota-ledger.json'),
		);
	});

	it.each([
		['../config', 'leaves the ledger folder'],
		['~/.n8n/config', 'leaves the ledger folder'],
		['/etc/passwd', 'leaves the ledger folder'],
		['branches/../../config', 'leaves the ledger folder'],
		['~', 'leaves the ledger folder'],
		['~root/.n8n/config', "names another user's home folder"],
		['', 'is not a file name'],
		['a\0b', 'is not a file name'],
	])('refuses %j: it %s', (typed, why) => {
		expect(() => confineLedgerPath(typed, user)).toThrow(LedgerPathError);
		expect(() => confineLedgerPath(typed, user)).toThrow(
			new RegExp(`${why}: a ledger must be a file inside ${folder.replace(/[.]/g, '\\.')}`),
		);
	});

	it('refuses a way out through a symbolic link, and a link or folder as the ledger', () => {
		const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-outside-'));
		try {
			fs.mkdirSync(folder, { recursive: true });
			fs.symlinkSync(outside, path.join(folder, 'escape'));
			expect(() => confineLedgerPath('escape/ledger.json', user)).toThrow(/through a link/);
			expect(() => confineLedgerPath('escape/new/ledger.json', user)).toThrow(/through a link/);
			// Nothing was created outside on the way.
			expect(fs.readdirSync(outside)).toEqual([]);
			fs.writeFileSync(path.join(outside, 'config'), '{}');
			fs.symlinkSync(path.join(outside, 'config'), path.join(folder, 'linked.json'));
			expect(() => confineLedgerPath('linked.json', user)).toThrow(/is a symbolic link/);
			fs.mkdirSync(path.join(folder, 'a-folder'));
			expect(() => confineLedgerPath('a-folder', user)).toThrow(/is a folder/);
		} finally {
			fs.rmSync(outside, { recursive: true, force: true });
		}
	});

	it('leaves a JSON file inside the folder that is not a ledger as it is', async () => {
		const file = confineLedgerPath('settings.json', user);
		const settings = JSON.stringify({ encryptionKey: 'k' });
		fs.writeFileSync(file, settings);
		const guard = createQuotaGuard({ store: { type: 'file', path: file } });
		try {
			expect(
				await guard.reserve({ phoneNumberId: '1065', to: '+85291234567', category: 'utility' }),
			).toMatchObject({
				allowed: false,
				rule: 'store',
				reason: expect.stringMatching(/is not a quota ledger/),
			});
		} finally {
			await guard.close();
		}
		expect(fs.readFileSync(file, 'utf8')).toBe(settings);
	});
	it('on SQLite too: a Ledger File that is not a ledger is left as it is, and no ledger starts beside it', async () => {
		const file = confineLedgerPath('settings-b.json', user);
		const settings = JSON.stringify({ encryptionKey: 'k' });
		fs.writeFileSync(file, settings);
		const guard = createQuotaGuard({
			store: { type: 'sqlite', path: `${file}.sqlite`, importJson: file },
		});
		try {
			expect(
				await guard.reserve({ phoneNumberId: '1065', to: '+85291234567', category: 'utility' }),
			).toMatchObject({
				allowed: false,
				rule: 'store',
				reason: expect.stringMatching(/is not a quota ledger/),
			});
		} finally {
			await guard.close();
		}
		expect(fs.readFileSync(file, 'utf8')).toBe(settings);
	});

	it('carries a JSON file ledger of an earlier version over into SQLite once: nobody reached is forgotten', async () => {
		const file = confineLedgerPath('upgrade.json', user);
		const rules = { messagingLimit: 2, quietHours: false as const };
		const before = createQuotaGuard({ store: { type: 'file', path: file }, rules });
		for (const to of ['+85291234567', '+85291234568']) {
			const result = await before.reserve({
				phoneNumberId: '1065',
				to,
				category: 'marketing',
				template: 't',
			});
			if (!result.allowed) throw new Error(result.reason);
			await before.commit(result.reservationId, { messageId: `wamid.${to}` });
		}
		await before.close();
		const after = createQuotaGuard({
			store: { type: 'sqlite', path: `${file}.sqlite`, importJson: file },
			rules,
		});
		try {
			expect(await after.usage('1065')).toMatchObject({ uniqueCustomers24h: 2, remaining: 0 });
			expect(
				await after.reserve({
					phoneNumberId: '1065',
					to: '+85291234569',
					category: 'marketing',
					template: 't',
				}),
			).toMatchObject({ allowed: false, rule: 'messagingLimit' });
		} finally {
			await after.close();
		}
	});
});
