import { createPhoneNormalizer, normalizePhone } from '../../lib/phone';

describe('normalizePhone', () => {
	it.each([
		// [input, default country, E.164, country]
		['+852 9123 4567', undefined, '+85291234567', 'HK'],
		['852-91234567', undefined, '+85291234567', 'HK'],
		['00852 9123 4567', undefined, '+85291234567', 'HK'],
		['(852) 9123-4567', undefined, '+85291234567', 'HK'],
		['91234567', 'HK', '+85291234567', 'HK'],
		['＋８５２ ９１２３ ４５６７', undefined, '+85291234567', 'HK'],
		['85291234567', undefined, '+85291234567', 'HK'],
		['tel:+85291234567', undefined, '+85291234567', 'HK'],
		['0912 345 678', 'TW', '+886912345678', 'TW'],
		['+886 912-345-678', undefined, '+886912345678', 'TW'],
		['+86 138 0013 8000', undefined, '+8613800138000', 'CN'],
		['138 0013 8000', 'CN', '+8613800138000', 'CN'],
		['081 234 5678', 'TH', '+66812345678', 'TH'],
		['+66 81 234 5678', undefined, '+66812345678', 'TH'],
		['8 (912) 345-67-89', 'RU', '+79123456789', 'RU'],
		['+7 912 345-67-89', undefined, '+79123456789', 'RU'],
		// A default country does not override a number that carries its own code.
		['+852 9123 4567', 'TW', '+85291234567', 'HK'],
	])('reads %p (default %p) as %p', (input, defaultCountry, e164, country) => {
		expect(normalizePhone(input, { defaultCountry })).toMatchObject({ ok: true, e164, country });
	});

	it('keeps an extension apart from the number', () => {
		expect(normalizePhone('+852 2123 4567 ext. 12')).toMatchObject({ ok: true, e164: '+85221234567', extension: '12' });
		expect(normalizePhone('2123 4567 x 9', { defaultCountry: 'HK' })).toMatchObject({ ok: true, e164: '+85221234567', extension: '9' });
	});

	it('reports the number type from the full metadata', () => {
		expect(normalizePhone('+85291234567')).toMatchObject({ type: 'MOBILE' });
	});

	it.each([
		['', /empty/],
		['   ', /empty/],
		['call me', /letters/],
		['91234567', /no country code/],
		['+852 1234', /too short|not a valid/],
		// Right length for Hong Kong, but 1xxx xxxx is not an assigned range: only full metadata knows.
		['+852 1234 5678', /not a valid number for/],
		['0912 345 678', /./],
	])('refuses %p with an actionable reason', (input, reason) => {
		const result = normalizePhone(input);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.reason).toMatch(reason);
			expect(result.input).toBe(input);
		}
	});

	it('never throws on garbage', () => {
		for (const garbage of [null, undefined, 42, {}, [], '+', '++852', '\u0000', '9'.repeat(40)]) {
			expect(() => normalizePhone(garbage as unknown as string)).not.toThrow();
			expect(normalizePhone(garbage as unknown as string).ok).toBe(false);
		}
	});
});

describe('createPhoneNormalizer', () => {
	it('gives the same answers as normalizePhone and reuses them', () => {
		const normalize = createPhoneNormalizer({ defaultCountry: 'HK' });
		const first = normalize('9123 4567');
		expect(first).toEqual(normalizePhone('9123 4567', { defaultCountry: 'HK' }));
		expect(normalize('9123 4567')).toBe(first);
	});

	it('stays within its cache size', () => {
		const normalize = createPhoneNormalizer({ defaultCountry: 'HK', cacheSize: 2 });
		const a = normalize('9123 4567');
		normalize('9123 4568');
		normalize('9123 4569');
		expect(normalize('9123 4567')).not.toBe(a);
		expect(normalize('9123 4567')).toEqual(a);
	});
});
