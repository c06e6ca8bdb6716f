import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { dedupeContacts } from '../../lib/dedup';
import type { Contact, DedupOptions } from '../../lib/dedup';
import { dedupeIncremental, readIndex } from '../../lib/dedup/incremental';
import { loadIndexFile, saveIndexFile } from '../../lib/dedup/indexFile';
import { generateContacts, PRODUCT_MAP } from '../../devkit/generators/contactGenerator';

const OPTS: DedupOptions = { defaultCountry: 'HK', productMap: PRODUCT_MAP };

function list(count: number, seed: number): Contact[] {
	return generateContacts(count, { seed }).contacts;
}

/** Every 100th contact gets another name, and some new contacts join: 1 % or so changed. */
function nextNight(contacts: Contact[]): Contact[] {
	const out = contacts.map((c, i) =>
		i % 100 === 7 ? { ...c, name: `${String(c.name ?? '')} Jr`, updatedAt: 1 } : c,
	);
	// A new record of an existing customer (same phones) and a stranger.
	out.push({ ...contacts[10], id: 'new-1' });
	out.push({ id: 'new-2', name: 'Nobody Like Anyone', phones: ['+85290000001'] });
	return out.slice(5); // the first five were deleted in the CRM
}

describe('incremental dedup runs (issue 20)', () => {
	const monday = list(3000, 11);
	const first = dedupeIncremental(monday, undefined, OPTS);

	it('a first run learns its parameters, decides as a full run, and every group is new', () => {
		const full = dedupeContacts(monday, OPTS);
		expect(first.parameters).toBe('learned');
		expect(first.relearnReason).toBe('no index yet');
		expect(first.result.clusters).toEqual(full.clusters);
		expect(first.result.review).toEqual(full.review);
		expect(first.added).toHaveLength(monday.length);
		expect(first.newGroup.every(Boolean)).toBe(true);
		expect(first.result.clusters.length).toBeGreaterThan(100);
	});

	it('the same list again reuses the parameters and reports nothing new', () => {
		const again = dedupeIncremental(monday, JSON.parse(JSON.stringify(first.index)), OPTS);
		expect(again.parameters).toBe('reused');
		expect(again.added.length + again.changed.length + again.removed.length).toBe(0);
		expect(again.result.clusters).toEqual(first.result.clusters);
		expect(again.newGroup.some(Boolean)).toBe(false);
		expect(again.newReview.some(Boolean)).toBe(false);
		expect(again.result.stats.model.emRounds).toBe(0);
	});

	it('after 1 % changed: the decisions of a full run with the same parameters, and only what changed is new', () => {
		const tuesday = nextNight(monday);
		const inc = dedupeIncremental(tuesday, JSON.parse(JSON.stringify(first.index)), OPTS);
		const full = dedupeContacts(tuesday, { ...OPTS, parameters: first.index.parameters });
		expect(inc.parameters).toBe('reused');
		expect(inc.result.clusters).toEqual(full.clusters);
		expect(inc.result.review).toEqual(full.review);
		expect(inc.result.merged).toEqual(full.merged);
		expect(inc.added).toEqual(['new-1', 'new-2']);
		expect(inc.removed).toEqual(monday.slice(0, 5).map((c) => c.id));
		expect(inc.changed).toEqual(monday.filter((_, i) => i % 100 === 7 && i >= 5).map((c) => c.id));
		// The new record of contact 10 joins its group: that group is new, and most are not.
		const withNew = inc.result.clusters.findIndex((g) => g.includes('new-1'));
		expect(withNew).toBeGreaterThanOrEqual(0);
		expect(inc.result.clusters[withNew]).toContain(monday[10].id);
		expect(inc.newGroup[withNew]).toBe(true);
		const fresh = inc.newGroup.filter(Boolean).length;
		expect(fresh).toBeLessThan(inc.result.clusters.length / 10);
		const old = new Set(first.index.groups.map((g) => g.join('\u0000')));
		inc.result.clusters.forEach((g, k) => expect(inc.newGroup[k]).toBe(!old.has(g.join('\u0000'))));
	});

	it('given parameters are used as they are, not learned again', () => {
		const other = list(2000, 99);
		const run = dedupeContacts(other, { ...OPTS, parameters: first.index.parameters });
		expect(run.parameters).toEqual(first.index.parameters);
		expect(run.stats.model.emRounds).toBe(0);
		const learned = dedupeContacts(other, OPTS);
		expect(learned.parameters).not.toEqual(first.index.parameters);
	});

	it('parameters for other fields are ignored', () => {
		const other = list(500, 5);
		const wrong = {
			prior: -3,
			fields: [{ field: 'x', method: 'exact' as const, m: [0, 0.5, 0.5], u: [0, 0.5, 0.5] }],
		};
		const run = dedupeContacts(other, { ...OPTS, parameters: wrong });
		expect(run.parameters).toEqual(dedupeContacts(other, OPTS).parameters);
	});

	it('learns again when the options changed, too much changed, or the index is not one', () => {
		expect(dedupeIncremental(monday, first.index, { ...OPTS, threshold: 0.95 }).relearnReason).toBe(
			'the options changed since the index was built',
		);
		expect(dedupeIncremental(list(3000, 12), first.index, OPTS).relearnReason).toMatch(
			/added, changed or removed \(more than 20 %\)/,
		);
		expect(dedupeIncremental(monday, { format: 'other' }, OPTS).relearnReason).toBe(
			'the index could not be read (another format or version)',
		);
		expect(dedupeIncremental(monday, first.index, { ...OPTS, relearn: true }).parameters).toBe(
			'learned',
		);
		expect(readIndex(null)).toBeUndefined();
	});

	it('an id such as "__proto__" is an ordinary contact in the index', () => {
		const odd: Contact[] = [
			{ id: '__proto__', name: 'Chan Tai Man', phones: ['91234567'] },
			{ id: 'b', name: 'Chan Tai Man', phones: ['+852 9123 4567'] },
		];
		const run = dedupeIncremental(odd, undefined, OPTS);
		const back = readIndex(JSON.parse(JSON.stringify(run.index)));
		expect(Object.keys(back!.fingerprints).sort()).toEqual(['__proto__', 'b']);
		expect(dedupeIncremental(odd, back, OPTS).added).toEqual([]);
	});

	it('the index file round-trips, and a broken file reads as no usable index', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'dedup-index-'));
		try {
			const file = path.join(dir, 'sub', 'shop.json');
			expect(await loadIndexFile(file)).toBeUndefined();
			await saveIndexFile(file, first.index);
			expect(readIndex(await loadIndexFile(file))).toEqual(readIndex(first.index));
			expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('scrm-contact-dedup-index');
			writeFileSync(file, '{not json');
			expect(await loadIndexFile(file)).toBeNull();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
