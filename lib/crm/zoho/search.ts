/**
 * Finding Zoho contacts. Search `GET /Contacts/search` takes at most 10 criteria, pages 200 records
 * up to 2,000, answers 204 when nothing matches, and in v8 `equals` behaves like "contains": phone
 * numbers are searched in their common stored forms (lib/phone/storedForms.ts) and only a
 * normalised match counts. The full list pages by `page_token` past the first 2,000 records.
 */
import { readAsked, storedForms } from '../../phone/storedForms';
import type { FieldChecker } from '../fieldCheck';
import { chunks } from '../http';
import { storedNumberMatcher } from '../phoneMatch';
import type { CrmContact } from '../types';
import type { ZohoContext } from './context';
import { escapeCriteria, MAX_CRITERIA, PAGE_SIZE, SEARCH_MAX_PAGES, zohoContact } from './wire';
import type { ZohoPage } from './wire';

/** The forms a number is likely stored in, for Zoho's "contains" criteria (see storedForms). */
export function phoneVariants(e164: string): string[] {
	return storedForms(e164).common;
}

export function zohoSearch(ctx: ZohoContext, fieldCheck: FieldChecker) {
	const { call, root, moduleName, fieldNames, phoneFields, readFields } = ctx;

	/** Every page of a search (at most 2,000 records, Zoho's ceiling). */
	async function search(qs: Record<string, string>, fields = readFields): Promise<CrmContact[]> {
		const contacts: CrmContact[] = [];
		for (let page = 1; page <= SEARCH_MAX_PAGES; page++) {
			const response = await call<ZohoPage>({
				method: 'GET',
				path: `${root}/${moduleName}/search`,
				qs: { ...qs, fields: fields.join(','), per_page: PAGE_SIZE, page },
				heavy: true,
			});
			// 204 No Content: nothing matched (axios hands over an empty string).
			const body = response.status === 204 ? undefined : response.body;
			for (const record of body?.data ?? []) contacts.push(zohoContact(record, phoneFields));
			if (!body?.info?.more_records) break;
		}
		return contacts;
	}

	/** OR-ed criteria in calls of at most 10 conditions. */
	async function searchAny(conditions: string[], fields = readFields): Promise<CrmContact[]> {
		const found = new Map<string, CrmContact>();
		for (const group of chunks(conditions, MAX_CRITERIA)) {
			const criteria = group.length === 1 ? group[0] : `(${group.join('or')})`;
			for (const contact of await search({ criteria }, fields)) found.set(contact.id, contact);
		}
		return [...found.values()];
	}

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		const out = new Map<string, CrmContact[]>();
		await Promise.all(
			[...new Set(e164s)].map(async (asked) => {
				const target = readAsked(asked);
				if (!target) {
					out.set(asked, []);
					return;
				}
				const conditions = target.forms.common.flatMap((variant) =>
					phoneFields.map((field) => `(${field}:equals:${escapeCriteria(variant)})`),
				);
				const candidates = await searchAny(conditions);
				// "equals" is "contains" in v8 and numbers are stored as typed: only a normalised match
				// counts, a national number read as HubSpot's adapter reads it.
				out.set(
					asked,
					candidates.filter((contact) =>
						contact.phones.some((phone) => holdsNumber(target, phone.value)),
					),
				);
			}),
		);
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const field = fieldNames.email ?? 'Email';
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		const out = new Map<string, CrmContact[]>(wanted.map((e) => [e, []]));
		const candidates = await searchAny(
			wanted.map((email) => `(${field}:equals:${escapeCriteria(email)})`),
		);
		for (const contact of candidates) {
			const value = String(contact.properties[field] ?? '')
				.trim()
				.toLowerCase();
			out.get(value)?.push(contact);
		}
		return out;
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		await fieldCheck.check();
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const out = new Map<string, CrmContact[]>(wanted.map((v) => [v, []]));
		const fields = readFields.includes(field) ? readFields : [...readFields, field];
		const candidates = await searchAny(
			wanted.map((value) => `(${field}:equals:${escapeCriteria(value)})`),
			fields,
		);
		// "equals" is "contains" in v8: keep exact matches only.
		for (const contact of candidates)
			out.get(String(contact.properties[field] ?? ''))?.push(contact);
		return out;
	}

	/** One page of every contact, oldest first; Zoho pages by `page_token` past the first 2,000 records. */
	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		await fieldCheck.check();
		const fields = [...new Set([...readFields, ...(listOpts.properties ?? [])])];
		const qs: Record<string, string | number> = {
			fields: fields.join(','),
			per_page: Math.min(PAGE_SIZE, Math.max(1, listOpts.limit ?? PAGE_SIZE)),
			sort_by: 'Created_Time',
			sort_order: 'asc',
		};
		if (listOpts.after) qs.page_token = listOpts.after;
		const response = await call<ZohoPage & { info?: { next_page_token?: string | null } }>({
			method: 'GET',
			path: `${root}/${moduleName}`,
			qs,
		});
		const body = response.status === 204 ? undefined : response.body;
		const contacts = (body?.data ?? []).map((record) => zohoContact(record, phoneFields));
		const next = body?.info?.more_records ? (body.info.next_page_token ?? undefined) : undefined;
		return next ? { contacts, after: next } : { contacts };
	}

	return { findByPhone, findByEmail, findByField, listContacts };
}
