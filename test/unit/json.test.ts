import {
	boolean,
	finiteNumber,
	isObject,
	nonBlankText,
	numberOrNumericText,
	textOrNumber,
} from '../../lib/json';

describe('JSON readers: each accepts what its name says, nothing coerced', () => {
	it('isObject: plain objects only', () => {
		expect(isObject({})).toBe(true);
		expect([null, [], 'x', 1, undefined].map(isObject)).toEqual([
			false,
			false,
			false,
			false,
			false,
		]);
	});

	it('finiteNumber: a JSON number, never text', () => {
		expect(finiteNumber(3.5)).toBe(3.5);
		expect([NaN, Infinity, '3', null, true].map(finiteNumber)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
	});

	it('numberOrNumericText: a number or numeric text; blank text is not 0', () => {
		expect(numberOrNumericText(7)).toBe(7);
		expect(numberOrNumericText('1700000000')).toBe(1_700_000_000);
		expect(['', '  ', 'abc', NaN, null].map(numberOrNumericText)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
	});

	it('textOrNumber: text as given, finite numbers as text', () => {
		expect(textOrNumber(' a ')).toBe(' a ');
		expect(textOrNumber(12)).toBe('12');
		expect([NaN, {}, true].map(textOrNumber)).toEqual([undefined, undefined, undefined]);
	});

	it('nonBlankText: trimmed, blank is undefined', () => {
		expect(nonBlankText('  hi ')).toBe('hi');
		expect(['', '   ', 5].map(nonBlankText)).toEqual([undefined, undefined, undefined]);
	});

	it('boolean: only true and false', () => {
		expect(boolean(false)).toBe(false);
		expect(['true', 1].map(boolean)).toEqual([undefined, undefined]);
	});
});
