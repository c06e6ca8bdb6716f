/**
 * The forms a number is likely stored in by people and other integrations, for CRM searches that
 * compare text (HubSpot IN filters, Zoho criteria) or digits (Salesforce SOSL). Candidates found
 * this way are still compared after normalisation (lib/crm/phoneMatch.ts); these forms only decide
 * what the search can find. The one place outside normalize.ts that reads a number's parts.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneNumber } from 'libphonenumber-js/max';

import { parseE164 } from './normalize';

export interface StoredForms {
	/**
	 * Every form worth a string comparison: E.164, the international digits, the national number
	 * with and without trunk prefix, grouped with spaces, hyphens or dots, with the country code in
	 * front as "+852 ", "852-", "(852) " or "00852" ("+852 9123 4567", "91234567",
	 * "(852) 9123-4567", "+1 (415) 555-0132", "0912 345 678"). For searches that take many values
	 * per call (HubSpot's IN filter).
	 */
	all: string[];
	/**
	 * The few forms a "contains" search needs (E.164, international, the national significant
	 * number, the national format, its groups with hyphens or spaces), for searches that take few
	 * conditions per call (Zoho: 10).
	 */
	common: string[];
	/** Digit strings for a search that ignores punctuation (SOSL): with country code, national, with trunk prefix. */
	digits: string[];
}

/** A number the CRM adapters were asked for, read once: its country and its stored forms. */
export interface AskedNumber {
	e164: string;
	/** ISO 3166 region, e.g. 'HK'; absent for non-geographic numbers. */
	country?: string;
	forms: StoredForms;
}

/**
 * The CrmAdapter contract passes numbers already normalised to E.164 (lib/crm/types.ts, findByPhone):
 * they are parsed once here, for their country and stored forms, and never normalised again. A
 * value that is not a valid number written in E.164 gets undefined (its caller broke the contract;
 * it finds no contact).
 */
export function readAsked(e164: string): AskedNumber | undefined {
	const parsed = parseE164(e164);
	return parsed && { e164, country: parsed.country, forms: formsOf(parsed) };
}

export function storedForms(e164: string): StoredForms {
	const parsed = parsePhoneNumberFromString(e164);
	if (!parsed) return { all: [e164], common: [e164], digits: [e164.replace(/\D/g, '')] };
	return formsOf(parsed);
}

function formsOf(parsed: PhoneNumber): StoredForms {
	const cc = parsed.countryCallingCode;
	const nsn = String(parsed.nationalNumber);
	const national = parsed.formatNational();
	const international = parsed.formatInternational();
	const groups = international
		.replace(/^\+\d+\s*/, '')
		.split(/\D+/)
		.filter(Boolean);
	const spaced = groups.join(' ');
	const dashed = groups.join('-');
	const nationalDigits = national.replace(/\D/g, '');
	return {
		all: [
			...new Set([
				parsed.number,
				`${cc}${nsn}`,
				nsn,
				nationalDigits,
				national,
				spaced,
				dashed,
				groups.join('.'),
				international,
				`+${cc} ${dashed}`,
				`+${cc}-${dashed}`,
				`+${cc} ${nsn}`,
				`+${cc} ${national}`,
				`${cc} ${spaced}`,
				`${cc}-${dashed}`,
				`${cc} ${nsn}`,
				`(${cc}) ${dashed}`,
				`(${cc}) ${spaced}`,
				`(+${cc}) ${spaced}`,
				`00${cc}${nsn}`,
			]),
		],
		common: [...new Set([parsed.number, international, nsn, national, dashed, spaced])],
		digits: [...new Set([parsed.number.slice(1), nsn, nationalDigits])],
	};
}
