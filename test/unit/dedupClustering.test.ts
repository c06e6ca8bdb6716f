/**
 * Issue 20: every pair the model is sure of ends in one group unless a sure conflict forbids it
 * (then it is in Review with the reason); the learned weights are in the output; hostile keys
 * (issue 15.7) stay data.
 */
import { dedupeContacts } from '../../lib/dedup';
import type { Contact, DedupOptions, DedupResult } from '../../lib/dedup';
import {
	FAKE1000_FIELDS,
	generateContacts,
	loadFake1000,
	pairMetrics,
} from '../../devkit/generators/contactGenerator';

const HK: DedupOptions = { defaultCountry: 'HK' };

function together(result: DedupResult, a: string, b: string): boolean {
	return result.clusters.some((cluster) => cluster.includes(a) && cluster.includes(b));
}

function crowd(count: number): Contact[] {
	return generateContacts(count, { seed: 3, duplicateRate: 0, familyRate: 0 }).contacts.map(
		(contact) => ({ ...contact, id: `crowd-${contact.id}` }),
	);
}

describe('clustering users can trust', () => {
	it('leaves no sure pair in Review without the conflict that kept it apart (Splink fake_1000)', () => {
		const { contacts, truth } = loadFake1000();
		const result = dedupeContacts(contacts, { fields: [...FAKE1000_FIELDS] });
		const sure = result.review.filter((pair) => pair.score >= 0.9);
		for (const pair of sure) expect(pair.reason).toMatch(/^(conflict|chain): /);
		// Before issue 20 average linkage left 144 sure pairs apart here (merged F1 0.67).
		expect(sure.length).toBeLessThan(20);
		const metrics = pairMetrics(result.clusters, truth);
		expect(metrics.precision).toBeGreaterThanOrEqual(0.99);
		expect(metrics.f1).toBeGreaterThanOrEqual(0.85);
	});

	it('asks about two groups once, with their most likely pair', () => {
		const { contacts } = loadFake1000();
		const result = dedupeContacts(contacts, { fields: [...FAKE1000_FIELDS] });
		const groupOf = new Map<string, number>();
		result.clusters.forEach((cluster, c) => cluster.forEach((id) => groupOf.set(id, c)));
		const side = (id: string) => (groupOf.has(id) ? `g${groupOf.get(id)}` : id);
		const questions = result.review.map((pair) => [side(pair.a), side(pair.b)].sort().join('|'));
		expect(new Set(questions).size).toBe(questions.length);
	});

	it('keeps two different BSUIDs apart however alike the rest is, and says why', () => {
		const contacts: Contact[] = [
			{ id: 'a', name: 'Chan Tai Man', phone: '+852 9123 4567', userId: 'HK.100000000000001' },
			{ id: 'b', name: 'Chan Tai Man', phone: '91234567', userId: 'HK.200000000000002' },
			{ id: 'c', name: 'Chan Tai Man', phone: '9123 4567' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'a', 'b')).toBe(false);
		const refused = result.review.find((pair) => pair.reason?.includes('userId'));
		expect(refused).toBeDefined();
		expect(refused!.score).toBeGreaterThanOrEqual(0.9);
		expect(result.stats.refusedJoins).toBeGreaterThanOrEqual(1);
		// The record without a BSUID still joins one of them.
		expect(together(result, 'a', 'c') || together(result, 'b', 'c')).toBe(true);
	});

	it('shows the learned weights, and keeps a weight the user set', () => {
		const { contacts } = generateContacts(2_000, { seed: 11 });
		const result = dedupeContacts(contacts, {
			...HK,
			fields: [
				{ field: 'phones', method: 'phone' },
				{ field: 'name', method: 'levenshtein' },
				{ field: 'email', method: 'email', weight: 12 },
			],
		});
		const model = result.stats.model;
		expect(model.emRounds).toBeGreaterThan(0);
		expect(model.prior).toBeLessThan(0);
		const name = model.fields.find((f) => f.field === 'name')!;
		expect(name.learned).toBe(true);
		expect(name.levels.map((l) => l.level)).toEqual(['exact', 'close', 'similar', 'different']);
		for (const level of name.levels) {
			expect(level.m).toBeGreaterThan(0);
			expect(level.u).toBeGreaterThan(0);
		}
		// Agreement is evidence for, disagreement against.
		expect(name.levels[0].bits).toBeGreaterThan(0);
		expect(name.levels[3].bits).toBeLessThan(0);
		expect(model.fields.find((f) => f.field === 'email')!.learned).toBe(false);
	});
});

describe('names in two fields', () => {
	it('counts a given name and surname written the other way round as evidence, and explains it', () => {
		const { contacts } = loadFake1000();
		const swapped: Contact[] = [
			{ id: 's1', first_name: 'Freddie', surname: 'Gregory', dob: '1974-02-28', city: 'London' },
			{ id: 's2', first_name: 'Gregory', surname: 'Freddie', dob: '1974-02-28', city: 'London' },
		];
		const result = dedupeContacts([...swapped, ...contacts], { fields: [...FAKE1000_FIELDS] });
		expect(together(result, 's1', 's2')).toBe(true);
		const pair = result.merged
			.flatMap((m) => m.matchedBy)
			.find((p) => [p.a, p.b].sort().join() === 's1,s2')!;
		for (const field of ['first_name', 'surname'])
			expect(pair.reasons.find((r) => r.field === field)!.weight).toBeGreaterThan(0);
		// The reasons add up to the score: nothing hidden.
		const bits = pair.reasons.reduce((sum, r) => sum + r.weight, result.stats.model.prior);
		expect(1 / (1 + 2 ** -bits)).toBeCloseTo(pair.score, 2);
	});
});

describe('hostile keys (issue 15.7)', () => {
	it('keeps a field named __proto__ as data, never as the merged record’s prototype', () => {
		const a = JSON.parse(
			'{"id":"p1","name":"Lee Ka Yan","phone":"+852 9100 0001","__proto__":{"polluted":true}}',
		) as Contact;
		const b: Contact = { id: 'p2', name: 'Lee Ka Yan', phone: '91000001' };
		const result = dedupeContacts([a, b, ...crowd(200)], HK);
		expect(result.merged).toHaveLength(1);
		const merged = result.merged[0];
		expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
		expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
		expect(Object.hasOwn(merged, '__proto__')).toBe(true);
		expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	});

	it('lists a contact with id __proto__ in the Merge Map', () => {
		const contacts: Contact[] = [
			{ id: '__proto__', name: 'Wong Ka Ho', phone: '+852 6000 1234' },
			{
				id: 'full',
				name: 'Wong Ka Ho',
				phone: '60001234',
				email: 'kaho@example.com',
				tags: ['vip'],
			},
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(Object.keys(result.mergeMap)).toContain('__proto__');
		expect(result.mergeMap['__proto__']).toBe('full');
		expect(result.merged[0].mergedFrom).toEqual(['__proto__']);
	});

	it('reads only a contact’s own fields, so a rule on "constructor" finds nothing inherited', () => {
		const contacts: Contact[] = [
			{ id: 'x', name: 'Ho Wing Kit' },
			{ id: 'y', name: 'Lam Siu Fung' },
		];
		const result = dedupeContacts(contacts, {
			fields: [
				{ field: 'constructor', method: 'exact' },
				{ field: 'name', method: 'levenshtein' },
			],
		});
		expect(result.clusters).toEqual([]);
		expect(result.stats.candidatePairs).toBeLessThanOrEqual(1);
	});

	it('keeps a per-field time named __proto__ without touching prototypes', () => {
		const a = JSON.parse(
			'{"id":"t1","name":"Lee Ka Yan","phone":"+852 9100 0002","fieldUpdatedAt":{"__proto__":1700000000000,"name":1700000000001}}',
		) as Contact;
		const b: Contact = { id: 't2', name: 'Lee Ka Yan', phone: '91000002' };
		const merged = dedupeContacts([a, b, ...crowd(200)], HK).merged[0];
		expect(Object.getPrototypeOf(merged.fieldUpdatedAt)).toBe(Object.prototype);
		expect(Object.hasOwn(merged.fieldUpdatedAt!, '__proto__')).toBe(true);
		expect(merged.fieldUpdatedAt!.name).toBe(1700000000001);
	});
});

describe('Thai names (RTGS)', () => {
	it('romanises Thai script the way the Royal Institute and Thai forms spell it', () => {
		const { romanizeThai } =
			jest.requireActual<typeof import('../../lib/dedup/thai')>('../../lib/dedup/thai');
		expect(romanizeThai('สมชาย')).toContain('somchai');
		expect(romanizeThai('สมศักดิ์')).toContain('somsak');
		expect(romanizeThai('แสงทอง')).toContain('saengthong');
		expect(romanizeThai('วงศ์ไทย')).toContain('wongthai');
		expect(romanizeThai('ใจดี')).toEqual(['chaidi', 'jaidee']);
		expect(romanizeThai('กมล')).toContain('kamon');
		expect(romanizeThai('hello')).toEqual([]);
	});

	it('gives "สมชาย ใจดี" and "Somchai Jaidee" evidence for one person', () => {
		const contacts: Contact[] = [
			{ id: 'th', name: 'สมชาย ใจดี', email: 'somchai.j@example.co.th' },
			{ id: 'en', name: 'Somchai Jaidee', email: 'somchai.j@example.co.th' },
			{ id: 'other', name: 'Malee Boonma', email: 'somchai.j@example.co.th' },
			...crowd(200),
		];
		const result = dedupeContacts(contacts, HK);
		expect(together(result, 'th', 'en')).toBe(true);
		const pair = result.merged
			.flatMap((m) => m.matchedBy)
			.find((p) => [p.a, p.b].sort().join() === 'en,th')!;
		const name = pair.reasons.find((r) => r.field === 'name')!;
		expect(name.weight).toBeGreaterThan(0);
		expect(together(result, 'th', 'other')).toBe(false);
	});
});
