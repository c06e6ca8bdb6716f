import { createPhoneNormalizer, normalizePhone } from '../../lib/phone';
import { MAX_PHONE_CHARS } from '../../lib/phone/normalize';

describe('normalizePhone: messy input to E.164', () => {
	it.each([
		// [input, default country, E.164, country]
		// Hong Kong
		['+852 9123 4567', undefined, '+85291234567', 'HK'],
		['+852-9123-4567', undefined, '+85291234567', 'HK'],
		['852-91234567', undefined, '+85291234567', 'HK'],
		['(852) 9123-4567', undefined, '+85291234567', 'HK'],
		['00852 9123 4567', undefined, '+85291234567', 'HK'],
		['001 852 9123 4567', 'HK', '+85291234567', 'HK'],
		['91234567', 'HK', '+85291234567', 'HK'],
		['9123 4567', 'hk', '+85291234567', 'HK'],
		['＋８５２ ９１２３ ４５６７', undefined, '+85291234567', 'HK'],
		['85291234567', undefined, '+85291234567', 'HK'],
		['tel:+85291234567', undefined, '+85291234567', 'HK'],
		['whatsapp:+85291234567', undefined, '+85291234567', 'HK'],
		['  +85291234567  ', undefined, '+85291234567', 'HK'],
		// Taiwan
		['0912 345 678', 'TW', '+886912345678', 'TW'],
		['0912-345-678', 'TW', '+886912345678', 'TW'],
		['+886 912-345-678', undefined, '+886912345678', 'TW'],
		['886912345678', undefined, '+886912345678', 'TW'],
		['(02) 2345-6789', 'TW', '+886223456789', 'TW'],
		// China
		['+86 138 0013 8000', undefined, '+8613800138000', 'CN'],
		['138 0013 8000', 'CN', '+8613800138000', 'CN'],
		['+86-138-0013-8000', undefined, '+8613800138000', 'CN'],
		['8613800138000', 'CN', '+8613800138000', 'CN'],
		// Thailand, also with Thai digits
		['081 234 5678', 'TH', '+66812345678', 'TH'],
		['+66 81 234 5678', undefined, '+66812345678', 'TH'],
		['๐๘๑ ๒๓๔ ๕๖๗๘', 'TH', '+66812345678', 'TH'],
		['02 123 4567', 'TH', '+6621234567', 'TH'],
		// Russia: trunk prefix 8, international prefix 810
		['8 (912) 345-67-89', 'RU', '+79123456789', 'RU'],
		['89123456789', 'RU', '+79123456789', 'RU'],
		['+7 912 345-67-89', undefined, '+79123456789', 'RU'],
		['810 852 9123 4567', 'RU', '+85291234567', 'HK'],
		// A default country does not override a number that carries its own code.
		['+852 9123 4567', 'TW', '+85291234567', 'HK'],
		['852 9123 4567', 'TW', '+85291234567', 'HK'],
		['00852 9123 4567', 'TW', '+85291234567', 'HK'],
	])('reads %p (default %p) as %p', (input, defaultCountry, e164, country) => {
		const result = normalizePhone(input, { defaultCountry });
		expect(result).toMatchObject({ ok: true, e164, country });
		if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
	});

	it('keeps an extension apart from the number', () => {
		expect(normalizePhone('+852 2123 4567 ext. 12')).toEqual({
			ok: true,
			e164: '+85221234567',
			country: 'HK',
			type: 'FIXED_LINE',
			extension: '12',
		});
		expect(normalizePhone('+852 2123 4567 x12')).toMatchObject({
			e164: '+85221234567',
			extension: '12',
		});
		expect(normalizePhone('+852 2123 4567 #12')).toMatchObject({
			e164: '+85221234567',
			extension: '12',
		});
		expect(normalizePhone('2123 4567 x 9', { defaultCountry: 'HK' })).toMatchObject({
			e164: '+85221234567',
			extension: '9',
		});
		expect(normalizePhone('tel:+852-2123-4567;ext=88')).toMatchObject({
			e164: '+85221234567',
			extension: '88',
		});
		expect(normalizePhone('2123 4567 轉 88', { defaultCountry: 'HK' })).toMatchObject({
			e164: '+85221234567',
			extension: '88',
		});
		expect(normalizePhone('+7 912 345-67-89 доб. 5')).toMatchObject({
			e164: '+79123456789',
			extension: '5',
		});
		expect(normalizePhone('+85291234567')).not.toHaveProperty('extension');
	});

	it('reports the number type from the full metadata', () => {
		expect(normalizePhone('+85291234567')).toMatchObject({ type: 'MOBILE' });
		expect(normalizePhone('+85221234567')).toMatchObject({ type: 'FIXED_LINE' });
	});

	it.each([
		['', undefined, /^empty input$/],
		['   ', undefined, /^empty input$/],
		['call me', undefined, /^contains letters$/],
		['+852 9123 4567 (office)', undefined, /^contains letters$/],
		['+', undefined, /^no digits$/],
		['---', undefined, /^no digits$/],
		['91234567', undefined, /^no country code and no default country$/],
		['0912 345 678', undefined, /^no country code and no default country$/],
		[
			'8529123456',
			undefined,
			/^no country code and no default country \(read as \+8529123456: .* for HK\)$/,
		],
		['+852 1234', undefined, /^too short for HK$/],
		['1234', 'HK', /^too short for HK$/],
		['+852 9123 4567 8901', undefined, /^too long for HK$/],
		['+66 81 234 567 890', undefined, /^wrong number of digits for TH$/],
		// Right length for Hong Kong, but 1xxx xxxx is not an assigned range: only full metadata knows.
		['+852 1234 5678', undefined, /^not a valid number for HK$/],
		['+85212345678', undefined, /^not a valid number for HK$/],
		['0912 345 678', 'HK', /^wrong number of digits for HK$/],
		['0112 345 678', 'TW', /^not a valid number for TW$/],
		['+999 1234 5678', undefined, /^unknown country code in \+999/],
		['852 9123 4567 / 852 9876 5432', undefined, /^too long to be a phone number/],
		['91234567', 'XX', /^unknown default country "XX"/],
		['91234567', 'Hong Kong', /^unknown default country "Hong Kong"/],
	])('refuses %p (default %p) with an actionable reason', (input, defaultCountry, reason) => {
		const result = normalizePhone(input, { defaultCountry });
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.reason).toMatch(reason);
			expect(result.input).toBe(input);
		}
	});

	it('never throws on garbage, and says what it got', () => {
		const garbage: unknown[] = [
			null,
			undefined,
			42,
			85291234567,
			{},
			[],
			true,
			Symbol.for('x'),
			'+',
			'++852',
			'\u0000',
			'9'.repeat(40),
			'\ud800',
			'+852\u200b9123\u200b4567x',
		];
		for (const value of garbage) {
			expect(() => normalizePhone(value as string)).not.toThrow();
			expect(() => normalizePhone(value as string, null as unknown as undefined)).not.toThrow();
		}
		expect(normalizePhone(null as unknown as string)).toEqual({
			ok: false,
			reason: 'expected the phone number as text, got null',
			input: 'null',
		});
		expect(normalizePhone(85291234567 as unknown as string)).toMatchObject({
			ok: false,
			reason: /got number/,
		});
		expect(normalizePhone(undefined as unknown as string)).toMatchObject({
			ok: false,
			reason: /got undefined/,
		});
	});

	it('validates canonical E.164 too (the fast path is not a shortcut around validation)', () => {
		expect(normalizePhone('+85212345678').ok).toBe(false);
		expect(normalizePhone('+8613800138000')).toEqual({
			ok: true,
			e164: '+8613800138000',
			country: 'CN',
			type: 'MOBILE',
		});
	});
});

describe('normalizePhone: hostile lengths (issue 15.1)', () => {
	// Without the bound, whitespace runs made the extension pattern backtrack quadratically: 50,000
	// spaces took about 20 s, so these would not finish within the test's time at all.
	it('reads a number padded with long whitespace runs, in one pass', () => {
		const pad = ' '.repeat(200_000);
		expect(normalizePhone(`${pad}+852 9123 4567${pad}`)).toMatchObject({
			ok: true,
			e164: '+85291234567',
		});
		expect(normalizePhone(`+852${pad}9123\t\n${pad}4567 ext.${pad}12`)).toMatchObject({
			ok: true,
			e164: '+85291234567',
			extension: '12',
		});
		expect(normalizePhone(' '.repeat(500_000))).toMatchObject({ ok: false, reason: 'empty input' });
		expect(normalizePhone('\u3000'.repeat(200_000))).toMatchObject({
			ok: false,
			reason: 'empty input',
		});
	});

	it('refuses text longer than a phone number can be before reading it, echoing only its start', () => {
		const junk = `${'-'.repeat(MAX_PHONE_CHARS)}+85291234567`;
		const result = normalizePhone(junk);
		expect(result).toMatchObject({ ok: false, reason: /^too long to be a phone number/ });
		if (!result.ok) expect(result.input).toBe(`${junk.slice(0, 100)}…`);
		// Full-width text that NFKC lengthens is bounded again after normalising.
		expect(normalizePhone('\u3300'.repeat(60))).toMatchObject({
			ok: false,
			reason: /^too long to be a phone number/,
		});
		expect(normalizePhone(`x${' x'.repeat(100_000)}9`)).toMatchObject({
			ok: false,
			reason: /^too long to be a phone number/,
		});
		// Exactly at the bound is still read.
		const padded = `+852 9123 4567${'-'.repeat(MAX_PHONE_CHARS - 14)}`;
		expect(padded).toHaveLength(MAX_PHONE_CHARS);
		expect(normalizePhone(padded)).toMatchObject({ ok: true, e164: '+85291234567' });
	});

	it('echoes a non-string without calling its toString', () => {
		const hostile = { toString: 1, valueOf: 1 } as unknown as string;
		expect(() => normalizePhone(hostile)).not.toThrow();
		expect(normalizePhone(hostile)).toEqual({
			ok: false,
			reason: 'expected the phone number as text, got an object',
			input: '[object Object]',
		});
		const nullProto = Object.create(null) as string;
		expect(normalizePhone(nullProto)).toMatchObject({ ok: false, input: '[object Object]' });
		expect(createPhoneNormalizer()(hostile)).toMatchObject({ ok: false });
	});
});

describe('createPhoneNormalizer', () => {
	it('gives the same answers as normalizePhone and reuses them', () => {
		const normalize = createPhoneNormalizer({ defaultCountry: 'HK' });
		const first = normalize('9123 4567');
		expect(first).toEqual(normalizePhone('9123 4567', { defaultCountry: 'HK' }));
		expect(normalize('9123 4567')).toBe(first);
		expect(normalize('0912 345 678')).toEqual(
			normalizePhone('0912 345 678', { defaultCountry: 'HK' }),
		);
	});

	it("shares frozen results, so one caller cannot change another caller's answer", () => {
		const normalize = createPhoneNormalizer();
		const result = normalize('+85291234567');
		expect(Object.isFrozen(result)).toBe(true);
	});

	it('stays within its cache size, forgetting the oldest first', () => {
		const normalize = createPhoneNormalizer({ defaultCountry: 'HK', cacheSize: 2 });
		const a = normalize('9123 4567');
		const b = normalize('9123 4568');
		normalize('9123 4569');
		expect(normalize('9123 4568')).toBe(b);
		const again = normalize('9123 4567');
		expect(again).not.toBe(a);
		expect(again).toEqual(a);
	});

	it('does not cache or throw on non-string input', () => {
		const normalize = createPhoneNormalizer();
		expect(normalize(null as unknown as string)).toMatchObject({ ok: false });
		expect(normalize(42 as unknown as string)).toMatchObject({ ok: false });
	});
});
