import type { IExecuteFunctions } from 'n8n-workflow';

import type { ContactInput, CrmAdapter, CrmContact } from '../../../lib/crm';
import { createPhoneNormalizer } from '../../../lib/phone';
import { text } from './common';

/**
 * The node's one reading of a Phone parameter, for every operation: the number is normalised here,
 * once, at the node's edge, and only E.164 goes on (to the engine's upsert as `e164`, to the
 * adapter's findByPhone, which take it as given). Finding existing contacts by phone, for the
 * operations that take a phone instead of a contact ID (Get by Phone, Attach Media): the CRM is
 * asked once for all items' E.164 numbers, never creating a contact (Upsert, Add Tags and Log
 * Message find or create through the engine's upsert, given `phoneInput`).
 */
export interface PhoneReader {
	/** The item's number from `parameter` as E.164, or why it is none. */
	read(
		parameter: string,
		itemIndex: number,
	): { ok: true; e164: string } | { ok: false; raw?: string; reason: string };
	/** The contacts holding each number, in one lookup; several for one number is for a person to pick. */
	find(e164s: Iterable<string>): Promise<(e164: string) => CrmContact[]>;
}

export function contactByPhone(
	fn: IExecuteFunctions,
	adapter: CrmAdapter,
	defaultCountry: string | undefined,
): PhoneReader {
	const country = defaultCountry?.trim().toUpperCase() || undefined;
	const normalize = createPhoneNormalizer({ defaultCountry: country });
	return {
		read(parameter, itemIndex) {
			const raw = text(fn, parameter, itemIndex);
			const phone = normalize(raw ?? '');
			if (phone.ok) return { ok: true, e164: phone.e164 };
			return {
				ok: false,
				raw,
				reason: `Phone "${raw ?? ''}" is not a valid number: ${phone.reason}`,
			};
		},
		async find(e164s) {
			const unique = [...new Set(e164s)];
			const found =
				unique.length > 0
					? await adapter.findByPhone(unique, { defaultCountry: country })
					: new Map<string, CrmContact[]>();
			return (e164) => found.get(e164) ?? [];
		},
	};
}

/**
 * The phone of an engine input from the edge's reading: the E.164 number, or the text as typed when
 * it is no valid number, which the engine then refuses (INVALID_PHONE) in its own words and in item
 * order, exactly as for a caller of the library that passes raw numbers.
 */
export function phoneInput(
	read: ReturnType<PhoneReader['read']>,
): Pick<ContactInput, 'phone' | 'e164'> {
	return read.ok ? { e164: read.e164 } : { phone: read.raw };
}
