/**
 * Fuzz: hostile strings (devkit/generators/hostileInputs) through normalizePhone, tagMessage,
 * dedupeContacts and the analytics report renderer. Each input ends in a defined outcome: a result
 * of the documented shape, never an exception, never a changed Object.prototype. Untimed: the worst
 * times per input size are printed by bench/hostile.ts.
 */
import { analyzeConversations, renderReportHtml } from '../../lib/analytics';
import { dedupeContacts } from '../../lib/dedup';
import type { Contact } from '../../lib/dedup';
import { tagMessage } from '../../lib/intent';
import { createPhoneNormalizer, normalizePhone } from '../../lib/phone';
import { hostileStrings, hostileValues } from '../../devkit/generators/hostileInputs';

const SIZES = [0, 1, 7, 64, 1_000, 20_000];
const STRINGS = hostileStrings(SIZES);

afterAll(() => {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('fuzz: normalizePhone', () => {
	it(`ends each of ${STRINGS.length} hostile strings in a result, bounded echo included`, () => {
		const cached = createPhoneNormalizer({ defaultCountry: 'HK' });
		for (const [family, size, text] of STRINGS) {
			for (const result of [
				normalizePhone(text),
				normalizePhone(text, { defaultCountry: 'TH' }),
				cached(text),
			]) {
				if (result.ok) {
					expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
				} else {
					expect(typeof result.reason).toBe('string');
					expect(result.reason.length).toBeGreaterThan(0);
					// A refused input is echoed, at most its first 100 characters.
					expect(result.input.length).toBeLessThanOrEqual(101);
				}
			}
			// Hostile padding around a real number still reads the number.
			if (family === 'spacedPhone' && size <= 20_000)
				expect(normalizePhone(text)).toMatchObject({ ok: true, e164: '+85291234567' });
		}
	});

	it('refuses every hostile non-string value without throwing', () => {
		for (const value of hostileValues())
			if (typeof value !== 'string')
				expect(normalizePhone(value as string)).toMatchObject({ ok: false });
	});
});

describe('fuzz: tagMessage', () => {
	it(`ends each of ${STRINGS.length} hostile strings in tags, a language and a sentiment`, () => {
		for (const [, , text] of STRINGS) {
			const result = tagMessage(text);
			expect(Array.isArray(result.intents)).toBe(true);
			for (const intent of result.intents) {
				expect(typeof intent.tag).toBe('string');
				expect(intent.confidence).toBeGreaterThan(0);
				expect(intent.confidence).toBeLessThanOrEqual(1);
			}
			expect(typeof result.language).toBe('string');
			expect(result.sentiment).toBeGreaterThanOrEqual(0);
			expect(result.sentiment).toBeLessThanOrEqual(1);
		}
	});

	it('survives hostile custom rules', () => {
		const rules = [
			{ tag: '__proto__', keywords: ['price', '__proto__'] },
			{ tag: 'constructor', patterns: ['(a+)+$', '[^]*'] },
			{ tag: 'x'.repeat(1000), keywords: [' '.repeat(1000), '\u0000'] },
		];
		for (const [, size, text] of STRINGS)
			if (size <= 1_000) expect(() => tagMessage(text, { rules })).not.toThrow();
	});
});

describe('fuzz: dedupeContacts', () => {
	it('accounts for every contact exactly once, whatever its fields hold', () => {
		const values = [
			...hostileValues(),
			...STRINGS.filter(([, size]) => size <= 1_000).map(([, , t]) => t),
		];
		const contacts: Contact[] = values.map((value, i) => {
			const contact = JSON.parse(
				JSON.stringify({
					id: i === 0 ? '__proto__' : `c${i}`,
					name: 'Chan Tai Man',
					phone: '+85291234567',
				}),
			) as Record<string, unknown>;
			for (const field of [
				'name',
				'phone',
				'email',
				'phones',
				'emails',
				'updatedAt',
				'purchases',
				'userId',
			])
				if ((i + field.length) % 3 === 0) contact[field] = value;
			Object.defineProperty(contact, i % 2 ? '__proto__' : 'constructor', {
				value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
			return contact as Contact;
		});
		const result = dedupeContacts(contacts, { defaultCountry: 'HK' });
		const seen = new Map<string, number>();
		for (const cluster of result.clusters)
			for (const id of cluster) seen.set(id, (seen.get(id) ?? 0) + 1);
		for (const [id, count] of seen) expect([id, count]).toEqual([id, 1]);
		const absorbed = Object.keys(result.mergeMap);
		expect(absorbed.length).toBe(result.clusters.reduce((sum, c) => sum + c.length - 1, 0));
		for (const merged of result.merged)
			expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
		expect(() => JSON.stringify(result)).not.toThrow();
	});
});

describe('fuzz: the analytics report', () => {
	it('renders a report of hostile conversations as escaped HTML', () => {
		const T0 = Date.parse('2026-03-02T01:00:00Z');
		const items: unknown[] = [];
		STRINGS.filter(([, size]) => size <= 1_000).forEach(([family, , text], i) => {
			const at = new Date(T0 + i * 60_000).toISOString();
			items.push({
				kind: 'message',
				id: `wamid.${i}`,
				phoneNumberId: text,
				timestamp: at,
				customer: { waId: `8529100${String(i).padStart(4, '0')}`, name: text },
				type: text,
				text,
				intent: { tags: [text, family], language: text },
			});
			items.push({
				kind: 'status',
				id: `wamid.out.${i}`,
				timestamp: at,
				status: text,
				customer: { waId: text },
				errors: [{ code: text, title: text }],
			});
			items.push({
				agent: text,
				whatsapp: { outcome: 'sent', messageId: text, to: text, sentAt: at },
			});
		});
		for (const value of hostileValues())
			items.push(value, {
				kind: 'message',
				id: value,
				timestamp: value,
				text: value,
				customer: value,
			});
		const report = analyzeConversations(items, { now: '2026-03-03T00:00:00Z' });
		const html = renderReportHtml(report, { title: '<script>alert(1)</script>' });
		expect(html).toMatch(/^<!DOCTYPE html>/i);
		expect(html).not.toContain('<script>alert(1)</script>');
		expect(html).not.toContain('\u0000');
	});
});

describe('fuzz finds, kept as tests', () => {
	it('echoes at most 100 characters of any refused phone input, whichever the reason', () => {
		const pad = ' '.repeat(5_000);
		for (const text of [
			pad,
			`${pad}+852 1234${pad}`,
			`${pad}call me${pad}`,
			`${pad}91234567${pad}`,
		]) {
			const result = normalizePhone(text);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.input).toBe(`${text.slice(0, 100)}…`);
		}
	});

	it('reads a time past what a Date holds as no time, not as a crash of the report', () => {
		const message = (timestamp: unknown) => ({
			kind: 'message',
			id: `wamid.${String(timestamp)}`,
			timestamp,
			customer: { waId: '85291000001' },
			type: 'text',
			text: 'hello',
		});
		const items = [1e308, '99999999999999999999', 8.64e15 + 1, '2026-03-02T01:00:00Z'].map(message);
		const report = analyzeConversations(items, { now: '2026-03-03T00:00:00Z' });
		expect(() => renderReportHtml(report)).not.toThrow();
	});
});
