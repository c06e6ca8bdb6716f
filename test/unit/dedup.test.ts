import {
	dedupeContacts,
	DEFAULT_FIELDS,
	dice,
	jaroWinkler,
	levenshtein,
	levenshteinRatio,
} from '../../lib/dedup';
import type { Contact, DedupOptions, DedupResult } from '../../lib/dedup';
import {
	FEBRL_FIELDS,
	generateContacts,
	loadFebrl,
	pairMetrics,
	PRODUCT_MAP,
} from '../../devkit/generators/contactGenerator';

const HK: DedupOptions = { defaultCountry: 'HK' };

function together(result: DedupResult, a: string, b: string): boolean {
	return result.clusters.some((cluster) => cluster.includes(a) && cluster.includes(b));
}

function reviewed(result: DedupResult, a: string, b: string) {
	return result.review.find(
		(pair) => (pair.a === a && pair.b === b) || (pair.a === b && pair.b === a),
	);
}

/** Some bystanders, so value frequencies look like a real list. */
function crowd(count: number): Contact[] {
	return generateContacts(count, { seed: 3, duplicateRate: 0, familyRate: 0 }).contacts.map(
		(contact) => ({ ...contact, id: `crowd-${contact.id}` }),
	);
}

describe('similarity', () => {
	it('bounds Levenshtein and keeps exact distances within the bound', () => {
		expect(levenshtein('kitten', 'sitting')).toBe(3);
		expect(levenshtein('kitten', 'sitting', 1)).toBe(2);
		expect(levenshteinRatio('chan tai man', 'chan tai mann')).toBeCloseTo(12 / 13);
		expect(levenshteinRatio('chan tai man', 'wong siu ming', 0.8)).toBe(0);
	});

	it('scores Jaro-Winkler and Dice like their definitions', () => {
		expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
		expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
		expect(dice('night', 'nacht')).toBeGreaterThan(0);
		expect(dice('abc', 'abc')).toBe(1);
	});

	it('tells two-character CJK names apart instead of scoring them 0 or 1', () => {
		expect(dice('李小', '李大')).toBeGreaterThan(0);
		expect(dice('李小', '李大')).toBeLessThan(0.5);
		expect(levenshteinRatio('李小', '李大')).toBe(0.5);
		expect(levenshteinRatio('李小', '李小')).toBe(1);
	});
});

describe('matching', () => {
	it('matches the same number in every format once normalised', () => {
		const contacts: Contact[] = [
			{ id: 'hk1', name: 'Chan Tai Man', phone: '+852 9123 4567' },
			{ id: 'hk2', name: 'Chan Tai Man', phone: '91234567' },
			{ id: 'hk3', name: 'CHAN TAI MAN', phones: ['(852) 9123-4567'] },
			{ id: 'tw1', name: '王小明', phone: '0912-345-678', country: 'TW' },
			{ id: 'tw2', name: '王小明', phone: '+886 912 345 678' },
			{ id: 'ru1', name: 'Иван Петров', phone: '+7 (912) 345-67-89' },
			{ id: 'ru2', name: 'Иван Петров', phone: '8 912 345-67-89', country: 'RU' },
			{ id: 'th1', name: 'สมชาย ใจดี', phone: '081-234-5678', country: 'TH' },
			{ id: 'th2', name: 'สมชาย ใจดี', phone: '+66 81 234 5678' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(result.clusters).toContainEqual(['hk1', 'hk2', 'hk3']);
		expect(result.clusters).toContainEqual(['tw1', 'tw2']);
		expect(result.clusters).toContainEqual(['ru1', 'ru2']);
		expect(result.clusters).toContainEqual(['th1', 'th2']);
	});

	it('does not merge a parent and child who share a number', () => {
		const contacts: Contact[] = [
			{ id: 'parent', name: 'Chan Tai Man', phone: '+852 9123 4567' },
			{ id: 'child', name: 'Chan Siu Ming', phone: '91234567' },
			{ id: 'li1', name: '李小', phone: '+852 6123 4567' },
			{ id: 'li2', name: '李大', phone: '61234567' },
			{ id: 'ru-mother', name: 'Ольга Смирнова', phone: '+7 912 000 11 22' },
			{ id: 'ru-son', name: 'Olga Smirnova', phone: '+79120001122' },
			{ id: 'ru-father', name: 'Sergey Smirnov', phone: '+79120001122' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'parent', 'child')).toBe(false);
		expect(together(result, 'li1', 'li2')).toBe(false);
		expect(together(result, 'ru-father', 'ru-mother')).toBe(false);
		expect(together(result, 'ru-father', 'ru-son')).toBe(false);
		// The same person written in Cyrillic and Latin still merges.
		expect(together(result, 'ru-mother', 'ru-son')).toBe(true);
		// At most review, never a merge; and the disagreement is visible.
		const pair = reviewed(result, 'parent', 'child');
		if (pair) expect(pair.reasons.find((r) => r.field === 'name')!.weight).toBeLessThan(0);
	});

	it('handles swapped order, accents and case', () => {
		const contacts: Contact[] = [
			{ id: 'a', name: 'Chan Tai Man', phone: '+852 9876 5432' },
			{ id: 'b', name: 'Tai Man Chan', phone: '98765432' },
			{ id: 'c', name: 'José Álvarez', email: 'jose.alvarez@example.com' },
			{ id: 'd', name: 'JOSE ALVAREZ', email: 'Jose.Alvarez@Example.com ' },
			{ id: 'e', name: '陳大文', phone: '+852 9555 1234' },
			{ id: 'f', name: 'Chan Tai Man', phone: '9555 1234' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'a', 'b')).toBe(true);
		expect(together(result, 'c', 'd')).toBe(true);
		const names = result.merged
			.find((m) => m.id === 'c' || m.id === 'd')!
			.matchedBy[0].reasons.find((r) => r.field === 'name')!;
		expect(names.score).toBe(1);
		// 陳大文 is Chan Tai Man in Cantonese romanisation.
		expect(together(result, 'e', 'f')).toBe(true);
	});

	it('normalises Gmail addresses and matches BSUIDs', () => {
		const contacts: Contact[] = [
			{ id: 'g1', name: 'Mary Wong', email: 'mary.wong+shop@gmail.com' },
			{ id: 'g2', name: 'Mary Wong', email: 'MARYWONG@googlemail.com' },
			{ id: 'u1', name: 'Kelvin Lau', userId: 'HK.1502576394655843' },
			{ id: 'u2', name: 'kelvin lau', userId: 'HK.1502576394655843', phone: '+85290001111' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'g1', 'g2')).toBe(true);
		expect(together(result, 'u1', 'u2')).toBe(true);
		const strict = dedupeContacts(contacts, { ...HK, gmailNormalize: false });
		expect(together(strict, 'g1', 'g2')).toBe(false);
	});

	it('lists doubtful pairs for review with per-field reasons', () => {
		const contacts: Contact[] = [
			{ id: 'r1', name: 'Wong Ka Ho', phone: '+852 6000 1234' },
			{ id: 'r2', phone: '6000 1234' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'r1', 'r2')).toBe(false);
		const pair = reviewed(result, 'r1', 'r2')!;
		expect(pair).toBeDefined();
		expect(pair.score).toBeGreaterThanOrEqual(0.3);
		expect(pair.score).toBeLessThan(0.9);
		expect(pair.reasons).toEqual([
			{
				field: 'phones',
				method: 'phone',
				score: 1,
				weight: expect.any(Number),
				values: [['+852 6000 1234'], ['6000 1234']],
			},
		]);
		expect(pair.reasons[0].weight).toBeGreaterThan(10);
		// A lower merge threshold lets the same pair merge; the decision is the user's.
		expect(
			together(
				dedupeContacts(contacts, { ...HK, threshold: 0.5, reviewThreshold: 0.2 }),
				'r1',
				'r2',
			),
		).toBe(true);
	});

	it('does not chain two different people through one record', () => {
		const contacts: Contact[] = [
			{ id: 'x1', name: 'Lee Ka Yan', phone: '+852 9100 0001', email: 'kayan@example.com' },
			{ id: 'x2', name: 'Lee Ka Yan', phone: '+852 9100 0001' },
			{ id: 'x3', name: 'Ho Wing Kit', email: 'kayan@example.com' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'x1', 'x2')).toBe(true);
		expect(together(result, 'x2', 'x3')).toBe(false);
	});

	it('uses the fields, methods and weights a user chooses', () => {
		const contacts: Contact[] = [
			{ id: 'm1', fullName: 'Katherine Smith', birthday: '1990-02-19', customerNo: 'C-001' },
			{ id: 'm2', fullName: 'Kathrine Smith', birthday: '19/02/1990', customerNo: 'c-001' },
			{ id: 'm3', fullName: 'Katherine Smith', birthday: '1985-07-01', customerNo: 'C-777' },
		];
		const fields: DedupOptions['fields'] = [
			{ field: 'fullName', method: 'jaroWinkler' },
			{ field: 'birthday', method: 'date' },
			{ field: 'customerNo', method: 'exact', weight: 20 },
		];
		const result = dedupeContacts(contacts, { fields });
		expect(result.clusters).toEqual([['m1', 'm2']]);
		const reasons = result.merged[0].matchedBy[0].reasons;
		expect(reasons.map((r) => [r.field, r.method])).toEqual([
			['fullName', 'jaroWinkler'],
			['birthday', 'date'],
			['customerNo', 'exact'],
		]);
		expect(reasons[1].score).toBe(1);
		expect(reasons[2].weight).toBeCloseTo(20, 0);
		// Dice on the name alone cannot tell m3 apart from m1; the date can.
		const byName = dedupeContacts(contacts, {
			fields: [{ field: 'fullName', method: 'dice' }],
			threshold: 0.5,
		});
		expect(byName.review.length + byName.clusters.length).toBeGreaterThan(0);
	});

	it('standardises product codes through the product map before comparing purchases', () => {
		const contacts: Contact[] = [
			{
				id: 'p1',
				name: 'Lam Chi Hung',
				phone: '+852 6111 2222',
				purchases: [{ sku: 'iPhone15 Pro Max', at: '2026-01-10T10:00:00Z' }],
			},
			{
				id: 'p2',
				name: 'Lam Chi Hung',
				phone: '61112222',
				purchases: [{ sku: 'APL-IP15PM', at: Date.UTC(2026, 2, 1) }],
			},
			...crowd(200),
		];
		const mapped = dedupeContacts(contacts, {
			...HK,
			productMap: { 'iPhone15 Pro Max': 'APL-IP15PM' },
		});
		const purchase = mapped.merged[0].matchedBy[0].reasons.find((r) => r.field === 'purchases')!;
		expect(purchase.score).toBe(1);
		expect(purchase.weight).toBeGreaterThan(0);
		const unmapped = dedupeContacts(contacts, HK);
		expect(
			unmapped.merged[0].matchedBy[0].reasons.find((r) => r.field === 'purchases')!.score,
		).toBe(0);
		// Outside 90 days the same product is no evidence.
		const late = contacts.map((c) =>
			c.id === 'p2' ? { ...c, purchases: [{ sku: 'APL-IP15PM', at: '2026-12-01T00:00:00Z' }] } : c,
		);
		const far = dedupeContacts(late, { ...HK, productMap: { 'iPhone15 Pro Max': 'APL-IP15PM' } });
		expect(far.merged[0].matchedBy[0].reasons.find((r) => r.field === 'purchases')!.score).toBe(0);
	});

	it('compares candidate pairs, not all pairs', () => {
		const { contacts } = generateContacts(10_000, { seed: 11 });
		const result = dedupeContacts(contacts, HK);
		expect(result.stats.candidatePairs).toBeLessThan((10_000 * 9_999) / 2 / 100);
	});

	it('is deterministic, whatever the input order', () => {
		const { contacts } = generateContacts(3_000, { seed: 5 });
		const strip = (r: DedupResult) => ({ ...r, stats: undefined });
		const first = dedupeContacts(contacts, HK);
		expect(strip(dedupeContacts(contacts, HK))).toEqual(strip(first));
		const reversed = dedupeContacts([...contacts].reverse(), HK);
		expect(reversed.clusters).toEqual(first.clusters);
		expect(reversed.mergeMap).toEqual(first.mergeMap);
	});

	it('refuses contacts without unique ids', () => {
		expect(() => dedupeContacts([{ id: 'a' }, { id: 'a' }])).toThrow(/unique/);
		expect(() => dedupeContacts([{ name: 'x' } as unknown as Contact])).toThrow(/id/);
		expect(dedupeContacts([]).clusters).toEqual([]);
	});

	it('exports the WhatsApp CRM defaults', () => {
		expect(DEFAULT_FIELDS.map((f) => `${f.field}:${f.method}`)).toEqual([
			'phones:phone',
			'userId:exact',
			'email:email',
			'name:levenshtein',
			'purchases:purchases',
		]);
	});
});

describe('merging', () => {
	const base = (overrides: Partial<Contact>[]): Contact[] => [
		{
			id: 'old',
			name: 'Cheung Wai Kit',
			phone: '+852 9333 4444',
			email: 'wk@example.com',
			tags: ['vip'],
			conversationIds: ['c1'],
			updatedAt: '2025-01-01T00:00:00.000Z',
			createdAt: '2020-01-01T00:00:00Z',
			...overrides[0],
		},
		{
			id: 'new',
			name: 'Cheung Wai Kit',
			phones: ['93334444', '+852 6777 8888'],
			email: 'wk@example.com',
			tags: ['lead', 'vip'],
			conversationIds: ['c2'],
			city: 'Kowloon',
			updatedAt: '2025-06-01T00:00:00.000Z',
			...overrides[1],
		},
		...crowd(200),
	];

	it('keeps the most complete record by default and maps absorbed ids to it', () => {
		const result = dedupeContacts(base([{}, {}]), HK);
		expect(result.clusters).toEqual([['new', 'old']]);
		expect(result.merged[0].id).toBe('new');
		expect(result.merged[0].mergedFrom).toEqual(['old']);
		expect(result.mergeMap).toEqual({ old: 'new' });
	});

	it('chooses the survivor by recency or age when asked', () => {
		expect(dedupeContacts(base([{}, {}]), { ...HK, survivor: 'oldest' }).merged[0].id).toBe('old');
		expect(
			dedupeContacts(base([{ updatedAt: '2026-01-01T00:00:00Z' }, {}]), {
				...HK,
				survivor: 'mostRecent',
			}).merged[0].id,
		).toBe('old');
	});

	it('unions lists without repeats and keeps every number', () => {
		const merged = dedupeContacts(base([{}, {}]), HK).merged[0];
		expect(merged.tags).toEqual(['lead', 'vip']);
		expect([...(merged.conversationIds as string[])].sort()).toEqual(['c1', 'c2']);
		// "+852 9333 4444" and "93334444" are one number.
		expect(merged.phones).toHaveLength(2);
		expect(merged.phones).toContain('+852 6777 8888');
	});

	it('takes each field from the most recently modified record, to the millisecond, and logs the losers', () => {
		const at = Date.UTC(2025, 5, 1, 12, 0, 0, 0);
		const contacts = base([
			{ name: 'Cheung Wai Kit', email: 'old@example.com', fieldUpdatedAt: { email: at + 1 } },
			{
				name: 'Cheung Wai-kit',
				email: 'new@example.com',
				phone: '+852 9333 4444',
				fieldUpdatedAt: { email: at, name: at },
			},
		]);
		const merged = dedupeContacts(contacts, HK).merged[0];
		expect(merged.id).toBe('new');
		// One millisecond later wins.
		expect(merged.email).toBe('old@example.com');
		expect(merged.emails).toEqual(expect.arrayContaining(['old@example.com', 'new@example.com']));
		const emailLog = merged.mergeLog.find((entry) => entry.field === 'email')!;
		expect(emailLog).toEqual({
			field: 'email',
			value: 'old@example.com',
			from: 'old',
			at: at + 1,
			rejected: [{ value: 'new@example.com', from: 'new', at }],
		});
		// name: "new" changed it at `at`, "old" on 2025-01-01 (its updatedAt).
		expect(merged.name).toBe('Cheung Wai-kit');
		expect(merged.mergeLog.find((entry) => entry.field === 'name')!.rejected).toEqual([
			{ value: 'Cheung Wai Kit', from: 'old', at: Date.parse('2025-01-01T00:00:00.000Z') },
		]);
		expect(merged.fieldUpdatedAt).toEqual({ email: at + 1, name: at });
		expect(merged.updatedAt).toBe('2025-06-01T00:00:00.000Z');
		// Fields only one record had are kept.
		expect(merged.city).toBe('Kowloon');
		expect(merged.createdAt).toBe('2020-01-01T00:00:00Z');
		expect(merged.matchedBy[0].reasons.length).toBeGreaterThan(0);
	});
});

describe('contact generator', () => {
	it('is deterministic, fast enough for a million and carries its ground truth', () => {
		const first = generateContacts(2_000, { seed: 9 });
		expect(generateContacts(2_000, { seed: 9 })).toEqual(first);
		expect(first.contacts).toHaveLength(2_000);
		expect(Object.keys(first.truth)).toHaveLength(2_000);
		const phones = first.contacts.flatMap((c) => [
			...(c.phones ?? []),
			...(c.phone ? [c.phone] : []),
		]);
		expect(phones.some((p) => /^\+852 \d{4} \d{4}$/.test(p))).toBe(true);
		expect(phones.some((p) => /^0\d{3}-\d{3}-\d{3}$/.test(p))).toBe(true);
		expect(phones.some((p) => /^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$/.test(p))).toBe(true);
		const names = first.contacts.map((c) => c.name ?? '');
		for (const script of [/[\u4e00-\u9fff]/, /[\u0e00-\u0e7f]/, /[\u0400-\u04ff]/, /[A-Za-z]/])
			expect(names.some((n) => script.test(n))).toBe(true);
		// Families: different people (truth) on one number.
		const owners = new Map<string, Set<string>>();
		for (const c of first.contacts) {
			for (const p of [...(c.phones ?? []), ...(c.phone ? [c.phone] : [])]) {
				const key = p.replace(/\D/g, '').slice(-8);
				owners.set(key, (owners.get(key) ?? new Set()).add(first.truth[c.id]));
			}
		}
		expect([...owners.values()].some((people) => people.size > 1)).toBe(true);
	});
});

describe('quality', () => {
	for (const name of ['febrl1', 'febrl2', 'febrl3'] as const) {
		it(`reaches F1 ≥ 0.97 on ${name} without soc_sec_id`, () => {
			const { contacts, truth } = loadFebrl(name);
			expect(contacts[0].soc_sec_id).toBeUndefined();
			const metrics = pairMetrics(
				dedupeContacts(contacts, { fields: [...FEBRL_FIELDS] }).clusters,
				truth,
			);
			expect(metrics.f1).toBeGreaterThanOrEqual(0.97);
		});
	}

	it('reaches F1 ≥ 0.92 and precision ≥ 0.98 on 10,000 generated WhatsApp contacts', () => {
		const { contacts, truth } = generateContacts(10_000, { seed: 7 });
		const metrics = pairMetrics(
			dedupeContacts(contacts, { defaultCountry: 'HK', productMap: PRODUCT_MAP }).clusters,
			truth,
		);
		expect(metrics.f1).toBeGreaterThanOrEqual(0.92);
		expect(metrics.precision).toBeGreaterThanOrEqual(0.98);
	});
});
