import type { IExecuteFunctions } from 'n8n-workflow';

import type { CrmAdapter, CrmContact } from '../../../lib/crm';
import { createPhoneNormalizer } from '../../../lib/phone';
import { text } from './common';

/**
 * Finding existing contacts by phone, for the operations that take a phone instead of a contact ID
 * (Get by Phone, Attach Media): the number is normalised here, once, at the node's edge, and the
 * CRM is asked once for all items' E.164 numbers. Never creates a contact (Log Message finds or
 * creates through the engine's upsert).
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
