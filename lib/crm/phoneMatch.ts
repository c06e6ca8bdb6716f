/**
 * Whether a number as a CRM stores it ("91234567", "(852) 9123-4567", "+852 9123 4567") is the asked
 * one. National numbers are read in the caller's default country; a value that is no valid number
 * there is read in the asked number's own country, so "91234567" is found for +85291234567 with no
 * default country, and "(415) 555-0132" for +14155550132 from Hong Kong. One reading for every adapter.
 */
import { createPhoneNormalizer } from '../phone';

export type StoredNumberMatcher = (
	target: { e164: string; country?: string },
	stored: string,
) => boolean;

export function storedNumberMatcher(defaultCountry?: string): StoredNumberMatcher {
	const normalizers = new Map<string, ReturnType<typeof createPhoneNormalizer>>();
	const normalizerFor = (country?: string) => {
		const key = country ?? '';
		let normalize = normalizers.get(key);
		if (!normalize)
			normalizers.set(key, (normalize = createPhoneNormalizer({ defaultCountry: country })));
		return normalize;
	};
	return (target, stored) => {
		const read = normalizerFor(defaultCountry ?? target.country)(stored);
		const fallback = read.ok ? read : normalizerFor(target.country)(stored);
		return fallback.ok && fallback.e164 === target.e164;
	};
}
