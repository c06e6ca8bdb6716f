/**
 * Phone numbers as people type them, read into E.164 with libphonenumber-js's full metadata
 * (the default `min` metadata only checks lengths; `max` knows each country's real ranges).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

export type PhoneResult =
	| { ok: true; e164: string; country?: string; type?: string; extension?: string }
	| { ok: false; reason: string; input: string };

export interface PhoneOptions {
	/** ISO 3166 country (e.g. 'HK', 'TW') for numbers written without a country code. */
	defaultCountry?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Reads a phone number into E.164. Never throws: bad input gets `{ ok: false, reason }`. */
export function normalizePhone(raw: string, opts: PhoneOptions = {}): PhoneResult {
	if (typeof raw !== 'string') {
		return { ok: false, reason: `expected a phone number as text, got ${raw === null ? 'null' : typeof raw}`, input: String(raw) };
	}
	if (E164.test(raw)) {
		// Already canonical: validate without the cleaning pass.
		const parsed = parsePhoneNumberFromString(raw);
		if (parsed?.isValid()) return withDetails({ ok: true, e164: parsed.number }, parsed);
	}
	const input = raw;
	const cleaned = clean(raw);
	if (cleaned.number === '') return { ok: false, reason: 'empty input', input };
	if (/[a-z]/i.test(cleaned.number)) return { ok: false, reason: 'contains letters', input };

	const country = opts.defaultCountry ? (opts.defaultCountry.toUpperCase() as CountryCode) : undefined;
	const digits = cleaned.number.replace(/\D/g, '');
	const candidates: string[] = [];
	if (cleaned.number.startsWith('+')) candidates.push(`+${digits}`);
	else if (digits.startsWith('00')) candidates.push(`+${digits.slice(2)}`);
	else {
		if (country) candidates.push(cleaned.number);
		// WhatsApp ids and "852-9123…" carry the country code without a plus.
		candidates.push(`+${digits}`);
	}

	let firstReason: string | undefined;
	for (const candidate of candidates) {
		const parsed = candidate.startsWith('+')
			? parsePhoneNumberFromString(candidate)
			: parsePhoneNumberFromString(candidate, country);
		if (!parsed) {
			firstReason ??= country || candidate.startsWith('+') ? `not a phone number${country ? ` for ${country}` : ''}` : 'no country code and no default country';
			continue;
		}
		if (parsed.isValid()) return withDetails({ ok: true, e164: parsed.number }, parsed, cleaned.extension);
		const where = parsed.country ?? `+${parsed.countryCallingCode}`;
		const length = parsed.nationalNumber.length;
		firstReason ??= length < 6 ? `too short for ${where}` : `not a valid number for ${where}`;
	}
	if (!country && !cleaned.number.startsWith('+') && !digits.startsWith('00') && digits.length <= 10) {
		return { ok: false, reason: 'no country code and no default country', input };
	}
	return { ok: false, reason: firstReason ?? 'not a phone number', input };
}

function withDetails(
	result: Extract<PhoneResult, { ok: true }>,
	parsed: PhoneNumber,
	extension?: string,
): PhoneResult {
	if (parsed.country) result.country = parsed.country;
	const type = parsed.getType();
	if (type) result.type = type;
	const ext = parsed.ext ?? extension;
	if (ext) result.extension = ext;
	return result;
}

/**
 * A normaliser that parses each distinct string once: a million-contact dedup sees the same
 * numbers many times, and canonical E.164 needs no extra work beyond validation.
 */
export function createPhoneNormalizer(opts: PhoneOptions & { cacheSize?: number } = {}): (raw: string) => PhoneResult {
	const cacheSize = opts.cacheSize ?? 100_000;
	const cache = new Map<string, PhoneResult>();
	return (raw) => {
		const hit = cache.get(raw);
		if (hit) return hit;
		const result = normalizePhone(raw, opts);
		if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
		cache.set(raw, result);
		return result;
	};
}

/** Full-width digits to ASCII, `tel:` and extensions off, separators kept for the parser. */
function clean(raw: string): { number: string; extension?: string } {
	let text = raw.normalize('NFKC').trim();
	text = text.replace(/^tel:/i, '');
	let extension: string | undefined;
	const ext = /\s*(?:ext\.?|extension|x|#|轉|内线|內線)\s*(\d{1,6})\s*$/i.exec(text);
	if (ext && ext.index > 0) {
		extension = ext[1];
		text = text.slice(0, ext.index);
	}
	return { number: text.trim(), extension };
}
