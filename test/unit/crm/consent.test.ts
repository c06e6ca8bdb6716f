import { marketingConsentOf } from '../../../lib/crm/consent';

describe('marketingConsentOf', () => {
	const preference = (extra: Record<string, unknown>) => ({
		kind: 'preference',
		category: 'marketing_messages',
		...extra,
	});

	it("reads the trigger's preference event: stop is opted_out, resume opted_in", () => {
		expect(marketingConsentOf(preference({ value: 'stop', optedOut: true }))).toBe('opted_out');
		expect(marketingConsentOf(preference({ value: 'resume', optedOut: false }))).toBe('opted_in');
	});

	it('says nothing for a value Meta has not documented, or another category', () => {
		expect(marketingConsentOf(preference({ value: 'pause' }))).toBeUndefined();
		expect(
			marketingConsentOf({ kind: 'preference', category: 'calls', value: 'stop', optedOut: true }),
		).toBeUndefined();
		// A string is no boolean: no implicit conversion of outside bytes.
		expect(marketingConsentOf(preference({ value: 'stop', optedOut: 'true' }))).toBeUndefined();
	});

	it("reads the Sender's Deferred item with rule optOut (131050 or the ledger) as opted_out", () => {
		expect(
			marketingConsentOf({ whatsapp: { outcome: 'deferred', rule: 'optOut', code: 131050 } }),
		).toBe('opted_out');
		expect(marketingConsentOf({ whatsapp: { outcome: 'deferred', rule: 'optOut' } })).toBe(
			'opted_out',
		);
		expect(
			marketingConsentOf({ whatsapp: { outcome: 'deferred', rule: 'window' } }),
		).toBeUndefined();
		expect(marketingConsentOf({ whatsapp: { outcome: 'sent', rule: 'optOut' } })).toBeUndefined();
	});

	it('says nothing for other items and for what is not an object', () => {
		for (const item of [
			{ kind: 'message', type: 'text' },
			null,
			'opted_out',
			[preference({ optedOut: true })],
			{ whatsapp: 'deferred' },
		])
			expect(marketingConsentOf(item)).toBeUndefined();
	});
});
