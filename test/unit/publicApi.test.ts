/**
 * The public engine API as DESIGN.md fixes it and external checks call it: names and result shapes
 * from the package's main entry, not from the modules behind it.
 */
import * as engine from '../../lib';

describe('the public engine API', () => {
	it('exports every name the design fixes', () => {
		for (const name of [
			'normalizePhone',
			'verifySignature',
			'parseWebhook',
			'graphError',
			'createQuotaGuard',
			'dedupeContacts',
			'tagMessage',
			'tierCustomer',
			'attachMedia',
			'fitMedia',
			'analyzeConversations',
			'renderReportHtml',
			'unansweredConversations',
		]) {
			expect(typeof (engine as Record<string, unknown>)[name]).toBe('function');
		}
	});

	it('tags a message: language, intents with confidence and evidence, sentiment', () => {
		const result = engine.tagMessage('幾錢呀? 有冇discount? 🙏');
		expect(result.language).toBe('zh');
		expect(result.intents.map((intent) => intent.tag)).toEqual(
			expect.arrayContaining(['price_inquiry', 'discount_inquiry']),
		);
		for (const intent of result.intents) {
			expect(intent.confidence).toBeGreaterThan(0);
			expect(intent.confidence).toBeLessThanOrEqual(1);
			expect(intent.evidence.length).toBeGreaterThan(0);
		}
		expect(result.sentiment).toBeGreaterThanOrEqual(0);
		expect(result.sentiment).toBeLessThanOrEqual(1);
	});

	it('dedupes contacts: clusters, merged, mergeMap and review, deterministically', () => {
		const contacts = [
			{ id: 'a', name: 'Chan Tai Man', phones: ['+852 9123 4567'], email: 'taiman@example.com' },
			{ id: 'b', name: 'Tai Man Chan', phone: '91234567', email: 'TaiMan@example.com' },
			{ id: 'c', name: 'Somchai Jaidee', phone: '+66 81 234 5678' },
		];
		const result = engine.dedupeContacts(contacts, { defaultCountry: 'HK' });
		expect(result.clusters).toEqual([['a', 'b']]);
		expect(Object.keys(result.mergeMap)).toHaveLength(1);
		expect(result.merged).toHaveLength(1);
		expect(Array.isArray(result.review)).toBe(true);
		expect(engine.dedupeContacts(contacts, { defaultCountry: 'HK' }).clusters).toEqual(
			result.clusters,
		);
	});

	it('normalises phones without throwing on bad input', () => {
		expect(engine.normalizePhone('9123 4567', { defaultCountry: 'HK' })).toMatchObject({
			ok: true,
			e164: '+85291234567',
			country: 'HK',
		});
		expect(engine.normalizePhone('12345')).toMatchObject({ ok: false, input: '12345' });
	});

	it('reads a customer tier from history', () => {
		const now = Date.parse('2026-11-23T00:00:00Z');
		const day = 86_400_000;
		const history = [1, 2, 3].map((d) => ({
			at: now - d * day,
			direction: 'inbound' as const,
			intents: ['price_inquiry'],
		}));
		expect(engine.tierCustomer(history, now).tiers).toContain('high_intent');
	});
});
