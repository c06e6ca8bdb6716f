/**
 * Keys outsiders choose (contact fields and ids, statuses, tags) named like Object.prototype's
 * members (issue 15.7): `__proto__` must stay a field, `constructor` must not find a function.
 */
import { analyzeConversations } from '../../lib/analytics';
import { dedupeContacts } from '../../lib/dedup';
import type { Contact } from '../../lib/dedup';
import { tagMessage } from '../../lib/intent';

/** Contacts as n8n hands them over: parsed JSON, where `__proto__` is an own key like any other. */
const parsed = (json: string): Contact[] => JSON.parse(json) as Contact[];

describe('dedupeContacts and keys named like Object.prototype members', () => {
	it('keeps a field named __proto__ a field of the merged contact, not its prototype', () => {
		const contacts = parsed(`[
			{"id": "a", "name": "Chan Tai Man", "phone": "+85291234567", "__proto__": {"polluted": true}},
			{"id": "b", "name": "Chan Tai Man", "phone": "+852 9123 4567"}
		]`);
		const result = dedupeContacts(contacts, { defaultCountry: 'HK' });
		expect(result.merged).toHaveLength(1);
		const [merged] = result.merged;
		expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
		expect((merged as unknown as { polluted?: boolean }).polluted).toBeUndefined();
		expect(Object.keys(merged)).toContain('__proto__');
		expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({
			polluted: true,
		});
		expect(JSON.parse(JSON.stringify(merged)).__proto__).toEqual({ polluted: true });
	});

	it('lists a contact whose id is __proto__ in the merge map', () => {
		for (const order of [
			['__proto__', 'A'],
			['A', '__proto__'],
		]) {
			const contacts = parsed(
				JSON.stringify(order.map((id) => ({ id, name: 'Chan Tai Man', phone: '+85291234567' }))),
			);
			const result = dedupeContacts(contacts, { defaultCountry: 'HK' });
			expect(result.clusters).toEqual([['A', '__proto__']]);
			const entries = Object.entries(result.mergeMap);
			expect(entries).toHaveLength(1);
			const [absorbed, survivor] = entries[0];
			expect(absorbed).toBe('__proto__');
			expect(survivor).toBe('A');
			expect(Object.getPrototypeOf(result.mergeMap)).toBe(Object.prototype);
		}
	});

	it('keeps the time of a field named constructor or __proto__', () => {
		const contacts = parsed(`[
			{"id": "a", "name": "Chan Tai Man", "phone": "+85291234567", "constructor": "old",
			 "fieldUpdatedAt": {"constructor": "2026-01-01T00:00:00Z", "__proto__": "2026-01-01T00:00:00Z"}},
			{"id": "b", "name": "Chan Tai Man", "phone": "+85291234567", "constructor": "new",
			 "fieldUpdatedAt": {"constructor": "2026-02-01T00:00:00Z"}}
		]`);
		const [merged] = dedupeContacts(contacts, { defaultCountry: 'HK' }).merged;
		expect((merged as unknown as Record<string, unknown>).constructor).toBe('new');
		const times = merged.fieldUpdatedAt as Record<string, number>;
		expect(Object.getOwnPropertyDescriptor(times, 'constructor')?.value).toBe(
			Date.parse('2026-02-01T00:00:00Z'),
		);
		expect(Object.getOwnPropertyDescriptor(times, '__proto__')?.value).toBe(
			Date.parse('2026-01-01T00:00:00Z'),
		);
	});
});

describe('analytics and statuses named like Object.prototype members', () => {
	it('counts a delivered message as delivered beside a status named constructor or __proto__', () => {
		const status = (value: string, minute: number) => ({
			kind: 'status',
			id: 'wamid.1',
			phoneNumberId: 'PN1',
			timestamp: new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString(),
			status: value,
			customer: { waId: '85291000001' },
		});
		const report = analyzeConversations(
			[status('sent', 0), status('delivered', 1), status('constructor', 2), status('__proto__', 3)],
			{ now: '2026-03-02T02:00:00Z' },
		);
		expect(report.delivery).toMatchObject({ messages: 1, delivered: 1, failed: 0 });
	});
});

describe('tagMessage and custom tags named like Object.prototype members', () => {
	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'tags %p like any other custom tag, with a finite sentiment',
		(tag) => {
			const result = tagMessage('zqxj please', { rules: [{ tag, keywords: ['zqxj'] }] });
			expect(result.intents.map((intent) => intent.tag)).toContain(tag);
			expect(Number.isFinite(result.sentiment)).toBe(true);
			for (const intent of result.intents) expect(Number.isFinite(intent.confidence)).toBe(true);
		},
	);
});
