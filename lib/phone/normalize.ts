/**
 * Phone numbers as people type them, read into E.164 with libphonenumber-js's full metadata
 * (the default `min` metadata only checks lengths; `max` knows each country's assigned ranges).
 */
import {
	isSupportedCountry,
	parsePhoneNumberFromString,
	validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

export type PhoneResult =
	| {
			ok: true;
			/** E.164, e.g. '+85291234567'. */
			e164: string;
			/** ISO 3166 region, e.g. 'HK'; absent for non-geographic numbers. */
			country?: string;
			/** libphonenumber's type: MOBILE, FIXED_LINE, FIXED_LINE_OR_MOBILE, VOIP, TOLL_FREE, … */
			type?: string;
			/** An extension written after the number ("ext. 12", "x12", "#12"); never part of `e164`. */
			extension?: string;
	  }
	| { ok: false; reason: string; input: string };

export interface PhoneOptions {
	/** ISO 3166 country (e.g. 'HK', 'TW') for numbers written without a country code. */
	defaultCountry?: string;
}

export interface PhoneNormalizerOptions extends PhoneOptions {
	/** Distinct inputs remembered; past it the oldest are forgotten first. Default 100,000. */
	cacheSize?: number;
}

type PhoneSuccess = Extract<PhoneResult, { ok: true }>;

const CANONICAL_E164 = /^\+[1-9]\d{6,14}$/;
const NON_ASCII = /[^\x00-\x7f]/;
const NON_DIGITS = /\D/g;
const LETTER = /\p{L}/u;
const URI_SCHEME = /^(?:tel|whatsapp|wa):/i;
/**
 * A trailing extension: English, Russian (доб.), Thai (ต่อ) and Chinese (轉, 分機, 內線) markers, or
 * a URI's `;ext=`. "x" and "#" need something before them so a lone "#12" is not read as one.
 */
const EXTENSION =
	/(?:;ext=|\s*(?:extension|ext\.?|x|#|доб\.?|ต่อ|轉|转|分機|分机|內線|内线)\s*)(\d{1,7})\s*$/i;
/** E.164 allows 15 digits; an international or trunk prefix typed in front adds at most a few. */
const MAX_DIGITS = 18;
/**
 * The longest phone text read, once each whitespace run counts as one space and the ends are
 * trimmed: a number with its country code, separators, a URI scheme and an extension fits in a few
 * dozen characters ("tel:+1-201-555-0123;ext=1234" is 29). Anything longer is refused before a
 * regular expression sees it, so no step's time depends on how much junk an outsider sends.
 */
export const MAX_PHONE_CHARS = 100;
/** How much of a refused input is echoed back in `input`. */
const MAX_ECHO_CHARS = 100;

/**
 * Reads a phone number into E.164. Never throws: anything that is not a valid number for its
 * country (also null, numbers or objects passed at runtime) gets `{ ok: false, reason, input }`
 * with a reason a person can act on.
 *
 * Without a `+` or `00`, the digits are first read as a national number of `defaultCountry`; when
 * that is not valid (or no default country is given) they are read as international digits
 * without the `+`, which is how WhatsApp ids (`wa_id`) and "852-9123 4567" arrive.
 */
export function normalizePhone(raw: string, opts?: PhoneOptions): PhoneResult {
	if (typeof raw !== 'string') {
		return {
			ok: false,
			reason: `expected the phone number as text, got ${describe(raw)}`,
			input: printable(raw),
		};
	}
	const country = defaultCountryOf(opts?.defaultCountry);
	if (country === null) {
		return {
			ok: false,
			reason: `unknown default country "${String(opts?.defaultCountry)}": use a two-letter ISO code such as HK or TW`,
			input: echo(raw),
		};
	}

	// Most stored numbers are already canonical: one parse, no cleaning.
	if (raw.length <= 16 && CANONICAL_E164.test(raw)) {
		const parsed = parsePhoneNumberFromString(raw);
		const success = parsed && readValid(parsed);
		return (
			success ?? { ok: false, reason: invalidReason(raw, parsed, undefined), input: echo(raw) }
		);
	}

	const cleaned = clean(raw);
	if (cleaned === undefined) return tooLong(raw);
	if (cleaned.text === '') return { ok: false, reason: 'empty input', input: echo(raw) };
	if (LETTER.test(cleaned.text)) return { ok: false, reason: 'contains letters', input: echo(raw) };
	const digits = cleaned.text.replace(NON_DIGITS, '');
	if (digits === '') return { ok: false, reason: 'no digits', input: echo(raw) };
	if (digits.length > MAX_DIGITS)
		return {
			ok: false,
			reason: `too long to be a phone number (${digits.length} digits)`,
			input: echo(raw),
		};

	if (cleaned.text.startsWith('+')) return readInternational(`+${digits}`, raw, cleaned.extension);
	if (country) {
		// The country's own trunk and international prefixes (0…, 8…, 001, 810, …) are libphonenumber's job.
		const national = parsePhoneNumberFromString(digits, country);
		const success = national && readValid(national, cleaned.extension);
		if (success) return success;
		const international = parsePhoneNumberFromString(internationalDigits(digits));
		const fallback = international && readValid(international, cleaned.extension);
		return (
			fallback ?? { ok: false, reason: invalidReason(digits, national, country), input: echo(raw) }
		);
	}
	if (digits.startsWith('00'))
		return readInternational(`+${digits.slice(2)}`, raw, cleaned.extension);
	// A trunk prefix means a national number, and without a default country there is no telling whose.
	if (digits.startsWith('0'))
		return { ok: false, reason: 'no country code and no default country', input: echo(raw) };

	const international = parsePhoneNumberFromString(`+${digits}`);
	const success = international && readValid(international, cleaned.extension);
	if (success) return success;
	// Short digits are far more likely a local number than a mistyped international one.
	if (digits.length < 10 || !international) {
		return { ok: false, reason: 'no country code and no default country', input: echo(raw) };
	}
	return {
		ok: false,
		reason: `no country code and no default country (read as +${digits}: ${invalidReason(`+${digits}`, international, undefined)})`,
		input: echo(raw),
	};
}

/**
 * A normaliser that parses each distinct string once. A million-contact dedup sees the same
 * numbers many times; a bounded Map keeps memory flat (oldest entries leave first). Results are
 * frozen because they are shared between callers.
 */
export function createPhoneNormalizer(
	opts: PhoneNormalizerOptions = {},
): (raw: string) => PhoneResult {
	const cacheSize = Math.max(1, Math.floor(opts.cacheSize ?? 100_000));
	const options: PhoneOptions = { defaultCountry: opts.defaultCountry };
	const cache = new Map<string, PhoneResult>();
	return (raw) => {
		// Only strings are worth remembering; anything else is refused at once.
		if (typeof raw !== 'string') return normalizePhone(raw, options);
		const hit = cache.get(raw);
		if (hit !== undefined) return hit;
		const result = Object.freeze(normalizePhone(raw, options));
		if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
		cache.set(raw, result);
		return result;
	};
}

function readInternational(
	candidate: string,
	input: string,
	extension: string | undefined,
): PhoneResult {
	const parsed = parsePhoneNumberFromString(candidate);
	const success = parsed && readValid(parsed, extension);
	return (
		success ?? {
			ok: false,
			reason: invalidReason(candidate, parsed, undefined),
			input: echo(input),
		}
	);
}

/** Digits typed without `+`: "00" is the ITU international prefix, anything else a country code. */
function internationalDigits(digits: string): string {
	return digits.startsWith('00') ? `+${digits.slice(2)}` : `+${digits}`;
}

/**
 * A number its caller promises is already E.164 (the CRM adapters' contract), parsed once: the
 * parse when the text is exactly a valid number's E.164, otherwise undefined. No cleaning, no
 * default country: nothing is normalised here, only checked.
 */
export function parseE164(e164: string): PhoneNumber | undefined {
	if (typeof e164 !== 'string' || e164.length > 16 || !CANONICAL_E164.test(e164)) return undefined;
	const parsed = parsePhoneNumberFromString(e164);
	return parsed && parsed.number === e164 && isValidNumber(parsed) ? parsed : undefined;
}

/** With full metadata a number is valid exactly when it has a type, so one call answers both. */
function isValidNumber(parsed: PhoneNumber, type = parsed.getType()): boolean {
	return type !== undefined || parsed.isValid();
}

function readValid(parsed: PhoneNumber, extension?: string): PhoneSuccess | undefined {
	const type = parsed.getType();
	if (!isValidNumber(parsed, type)) return undefined;
	const result: PhoneSuccess = { ok: true, e164: parsed.number };
	if (parsed.country) result.country = parsed.country;
	if (type) result.type = type;
	const ext = extension ?? parsed.ext;
	if (ext) result.extension = ext;
	return result;
}

/** Why a number is not valid, naming the country it was read for. */
function invalidReason(
	candidate: string,
	parsed: PhoneNumber | undefined,
	country: CountryCode | undefined,
): string {
	const length = country
		? validatePhoneNumberLength(candidate, country)
		: validatePhoneNumberLength(candidate);
	if (length === 'INVALID_COUNTRY') {
		const code = candidate.startsWith('+') ? candidate.slice(1, 4) : '';
		return code
			? `unknown country code in +${code}…`
			: `no country code for ${country ?? 'this number'}`;
	}
	const where =
		parsed?.country ?? country ?? (parsed ? `+${parsed.countryCallingCode}` : 'its country');
	if (length === 'TOO_SHORT') return `too short for ${where}`;
	if (length === 'TOO_LONG') return `too long for ${where}`;
	if (length === 'INVALID_LENGTH') return `wrong number of digits for ${where}`;
	return `not a valid number for ${where}`;
}

/** Undefined when none was given, null when the code is not one libphonenumber knows. */
function defaultCountryOf(code: string | undefined): CountryCode | undefined | null {
	if (code === undefined || code === null || code === '') return undefined;
	if (typeof code !== 'string') return null;
	const upper = code.trim().toUpperCase();
	return isSupportedCountry(upper) ? (upper as CountryCode) : null;
}

/**
 * Whitespace runs to one space, ends trimmed, full-width forms and native digits (Thai ๐–๙,
 * Arabic-Indic, …) to ASCII, a `tel:`/`whatsapp:` scheme off, a trailing extension split off.
 * Punctuation stays; only digits are read later. Undefined when the text is longer than
 * MAX_PHONE_CHARS: every step after `squeeze` sees at most that many characters, and with no
 * whitespace run longer than one the extension pattern does constant work per position.
 */
function clean(raw: string): { text: string; extension?: string } | undefined {
	let text = squeeze(raw);
	if (text === undefined) return undefined;
	if (NON_ASCII.test(text)) {
		// NFKC can lengthen a character (a ligature, a squared word), so bound it again.
		text = squeeze(asciiDigits(text.normalize('NFKC')));
		if (text === undefined) return undefined;
	}
	if (URI_SCHEME.test(text)) {
		text = text.replace(URI_SCHEME, '');
		// tel: URIs carry parameters (;ext=, ;phone-context=); keep only an extension.
		const semicolon = text.indexOf(';');
		if (semicolon >= 0) {
			const ext = /;ext=(\d{1,7})/i.exec(text);
			text = text.slice(0, semicolon) + (ext ? `;ext=${ext[1]}` : '');
		}
	}
	const ext = EXTENSION.exec(text);
	if (ext && ext.index > 0) return { text: text.slice(0, ext.index).trim(), extension: ext[1] };
	return { text };
}

/**
 * One pass over the input: each run of whitespace (what `\s` matches) becomes one space, leading and
 * trailing whitespace goes. Stops as soon as the result passes MAX_PHONE_CHARS (undefined), so
 * only whitespace is ever walked past the bound, once.
 */
function squeeze(raw: string): string | undefined {
	let out = '';
	let pendingSpace = false;
	for (let i = 0; i < raw.length; i++) {
		const code = raw.charCodeAt(i);
		if (isWhitespace(code)) {
			pendingSpace = out !== '';
			continue;
		}
		if (pendingSpace) {
			out += ' ';
			pendingSpace = false;
		}
		out += raw[i];
		if (out.length > MAX_PHONE_CHARS) return undefined;
	}
	return out;
}

/** The code units JavaScript's `\s` matches (ECMA-262 WhiteSpace and LineTerminator). */
function isWhitespace(code: number): boolean {
	if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
	if (code < 0xa0) return false;
	return (
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

function tooLong(raw: string): PhoneResult {
	return {
		ok: false,
		reason: `too long to be a phone number (over ${MAX_PHONE_CHARS} characters once spaces are squeezed)`,
		input: echo(raw),
	};
}

/** A refused input as echoed in `input`: as given, or its first MAX_ECHO_CHARS characters and "…". */
function echo(raw: string): string {
	return raw.length > MAX_ECHO_CHARS ? `${raw.slice(0, MAX_ECHO_CHARS)}…` : raw;
}

/** A non-string's echo, without calling anything on it (an object's own toString may not be callable). */
function printable(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'object' || typeof value === 'function')
		return Object.prototype.toString.call(value);
	if (typeof value === 'symbol') return value.toString();
	return String(value as string | number | boolean | bigint | undefined);
}

const DECIMAL_DIGIT = /\p{Nd}/gu;

/** Unicode decimal digits come in runs of ten from zero; a digit's value is its distance from that zero. */
function asciiDigits(text: string): string {
	return text.replace(DECIMAL_DIGIT, (digit) => {
		const code = digit.codePointAt(0)!;
		if (code <= 0x39) return digit;
		let zero = code;
		while (code - zero < 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
		return String(code - zero);
	});
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : typeof value;
}
