import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { dedupIndexPath } from '../../nodes/ContactDedup/indexPath';

describe("Contact Dedup's Dedup Index file stays in its folder", () => {
	let home: string;
	const before = process.env.N8N_USER_FOLDER;
	beforeEach(() => {
		home = fs.mkdtempSync(path.join(os.tmpdir(), 'dedup-home-'));
		process.env.N8N_USER_FOLDER = home;
	});
	afterEach(() => {
		if (before === undefined) delete process.env.N8N_USER_FOLDER;
		else process.env.N8N_USER_FOLDER = before;
		fs.rmSync(home, { recursive: true, force: true });
	});

	it('a plain name is a JSON file in .n8n/whatsapp-scrm/dedup-index', () => {
		const folder = path.join(fs.realpathSync(home), '.n8n', 'whatsapp-scrm', 'dedup-index');
		expect(dedupIndexPath('nightly')).toEqual({ file: path.join(folder, 'nightly.json') });
		expect(dedupIndexPath('shop-a.json')).toEqual({ file: path.join(folder, 'shop-a.json') });
	});

	it.each(['../config', '/etc/passwd', 'a/b.json', '~/x.json', '.hidden', '..', 'a..b', ''])(
		'refuses %p with the folder to use',
		(name) => {
			expect(dedupIndexPath(name)).toEqual({
				problem: expect.stringMatching(/is not a plain file name.*dedup-index$/),
			});
		},
	);

	it('refuses an index file that is a symbolic link out of the folder', () => {
		const folder = path.join(home, '.n8n', 'whatsapp-scrm', 'dedup-index');
		fs.mkdirSync(folder, { recursive: true });
		fs.symlinkSync(path.join(home, 'elsewhere.json'), path.join(folder, 'linked.json'));
		expect(dedupIndexPath('linked.json')).toEqual({
			problem: expect.stringMatching(
				/^Dedup Index "linked.json" is a symbolic link: the file is kept in .*dedup-index$/,
			),
		});
	});
});
