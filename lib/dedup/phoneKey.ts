/** A phone's identity key: its E.164 form, parsed as little as possible. */
import {
	getCountryCallingCode,
	isSupportedCountry,
	parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

import { createPhoneNormalizer } from '../phone';
import type { PhoneResult } from '../phone';
import type { Contact } from './types';
import { own } from './fields';
import type { ReadContext } from './fields';

const SEPARATED_DIGITS = /^[+\d\s().\-/]+$/;
const NON_DIGITS = /\D/g;

/**
 * A phone's identity: its E.164 form. Numbers typed with "+" already carry their country code, so
 * their digits are the key without a parse (a million-contact run cannot afford libphonenumber's
 * ~10 µs per number for forms that need no interpretation). Other forms go through the phone
 * normaliser with the contact's own country field, else the default country; each distinct string
 * is parsed once per run. A national number libphonenumber rejects (an unassigned range) still gets
 * "+<country code><digits without trunk prefix>", so it meets the same number typed with "+".
 */
export function phoneKeyer(context: ReadContext): (raw: unknown, contact: Contact) => string {
	const normalizers = new Map<string, (raw: string) => PhoneResult>();
	const cache = new Map<string, string>();
	const normalizerFor = (country: string) => {
		let normalize = normalizers.get(country);
		if (!normalize) {
			// Our own cache remembers every distinct string; this one stays small.
			normalize = createPhoneNormalizer({ defaultCountry: country || undefined, cacheSize: 256 });
			normalizers.set(country, normalize);
		}
		return normalize;
	};
	return (raw, contact) => {
		const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
		if (text === '') return '';
		let cleaned = text;
		if (SEPARATED_DIGITS.test(text)) {
			const digits = text.replace(NON_DIGITS, '');
			if (text.trimStart().startsWith('+')) {
				if (digits.length >= 8 && digits.length <= 15 && digits.charCodeAt(0) !== 48)
					return `+${digits}`;
				cleaned = `+${digits}`;
			} else cleaned = digits;
		}
		const hint = own(contact, context.countryField);
		let country =
			typeof hint === 'string' && hint.length === 2
				? hint.toUpperCase()
				: (context.defaultCountry ?? '');
		if (country && !isSupportedCountry(country)) country = context.defaultCountry ?? '';
		const cacheKey = `${country}|${cleaned}`;
		let key = cache.get(cacheKey);
		if (key === undefined) {
			key = cleaned === text || cleaned.startsWith('+') ? undefined : quickKey(cleaned, country);
			if (key === undefined) {
				const result = normalizerFor(country)(cleaned);
				key = result.ok ? result.e164 : fallbackKey(cleaned, country);
			}
			cache.set(cacheKey, key);
		}
		return key;
	};
}

/**
 * Plain digits: libphonenumber's parse and range check (isValid), without the normaliser's type
 * lookup, which costs twice as much and is not needed for identity. Digits that begin with the
 * country's own calling code and are too long for a national number are read as international
 * first ("852 9123 4567" in Hong Kong). Undefined hands the string to the full normaliser.
 */
function quickKey(digits: string, country: string): string | undefined {
	if (!country || digits.length < 6 || digits.length > 17) return undefined;
	const code = getCountryCallingCode(country as CountryCode);
	const internationalFirst =
		digits.startsWith(code) && digits.length - code.length >= 8 && !digits.startsWith('0');
	for (const international of internationalFirst ? [true, false] : [false, true]) {
		const parsed = international
			? parsePhoneNumberFromString(`+${digits}`)
			: parsePhoneNumberFromString(digits, country as CountryCode);
		if (parsed && parsed.isValid()) return parsed.number;
	}
	return fallbackKey(digits, country);
}

/** Trunk prefixes: "8" before Russian, Kazakh and Belarusian numbers, "0" nearly everywhere else. */
const TRUNK_EIGHT = new Set(['RU', 'KZ', 'BY']);

function fallbackKey(cleaned: string, country: string): string {
	let digits = cleaned.replace(NON_DIGITS, '');
	if (digits.length < 7) return '';
	if (cleaned.startsWith('+')) return `+${digits}`;
	if (country && isSupportedCountry(country)) {
		if (TRUNK_EIGHT.has(country) && digits.length === 11 && digits.startsWith('8'))
			digits = digits.slice(1);
		else if (digits.startsWith('0') && !digits.startsWith('00')) digits = digits.slice(1);
		else {
			const code = getCountryCallingCode(country as CountryCode);
			if (digits.startsWith(code) && digits.length > 9) return `+${digits}`;
		}
		return `+${getCountryCallingCode(country as CountryCode)}${digits}`;
	}
	return `?${digits.slice(-8)}`;
}
