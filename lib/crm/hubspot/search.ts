/**
 * Finding HubSpot contacts: search by phone, email or any property, and the full list.
 *
 * HubSpot's search (`POST /crm/v3/objects/contacts/search`) is eventually consistent (a contact
 * written seconds ago may be missing), takes at most 5 filterGroups (OR) of filters (AND), serves
 * 200 results a page and 10,000 in all. EQ and IN compare the stored string, so a phone number is
 * searched in the forms people type (lib/phone/storedForms.ts) and candidates are then compared
 * after normalisation. Searches count against their own per-second limit, not the 10-second window.
 */
import { readAsked, storedForms } from '../../phone/storedForms';
import type { AskedNumber } from '../../phone/storedForms';
import { chunks } from '../http';
import { storedNumberMatcher } from '../phoneMatch';
import type { CrmContact } from '../types';
import type { HubSpotContext } from './context';
import { CONTACTS, hubspotContact } from './wire';
import type { HubSpotObject } from './wire';

const SEARCH_PAGE = 200;
const SEARCH_MAX_RESULTS = 10_000;
const LIST_PAGE = 100;
const MAX_FILTER_GROUPS = 5;
/** Values per IN filter; HubSpot names no ceiling, so stay modest (and the request body small). */
const IN_VALUES = 100;

interface Filter {
	propertyName: string;
	operator: 'IN';
	values: string[];
}

/** The forms a number is likely stored in, for HubSpot's IN filter (see storedForms). */
export function phoneVariants(e164: string): string[] {
	return storedForms(e164).all;
}

export function hubspotSearch(ctx: HubSpotContext) {
	const { call, fieldNames, phoneFields, readProperties, uniqueProperty } = ctx;

	/**
	 * Every page of one search. HubSpot serves at most 10,000 results, and `after` is an opaque
	 * cursor (paging.next.after, "ForwardPaging" in HubSpot's CRM search OpenAPI), so the results
	 * are counted rather than the cursor read as a number.
	 */
	async function searchPages(
		filterGroups: Array<{ filters: Filter[] }>,
		properties: string[],
	): Promise<CrmContact[]> {
		const contacts: CrmContact[] = [];
		let after: string | undefined;
		do {
			const response = await call<{
				results?: HubSpotObject[];
				paging?: { next?: { after?: string } };
			}>({
				method: 'POST',
				path: `${CONTACTS}/search`,
				body: {
					filterGroups,
					properties,
					limit: SEARCH_PAGE,
					sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
					...(after ? { after } : {}),
				},
				search: true,
				repeatable: true,
			});
			for (const record of response.body?.results ?? [])
				contacts.push(hubspotContact(record, phoneFields));
			after = response.body?.paging?.next?.after;
		} while (after && contacts.length < SEARCH_MAX_RESULTS);
		return contacts;
	}

	/** Contacts matching any of the filters (OR), in as few searches as the filterGroup limit allows. */
	async function searchAny(filters: Filter[], properties = readProperties): Promise<CrmContact[]> {
		const found = new Map<string, CrmContact>();
		await Promise.all(
			chunks(filters, MAX_FILTER_GROUPS).map(async (group) => {
				for (const contact of await searchPages(
					group.map((filter) => ({ filters: [filter] })),
					properties,
				))
					found.set(contact.id, contact);
			}),
		);
		return [...found.values()].sort((a, b) => Number(a.id) - Number(b.id));
	}

	const inFilters = (field: string, values: string[]): Filter[] =>
		chunks([...new Set(values)], IN_VALUES).map((group) => ({
			propertyName: field,
			operator: 'IN',
			values: group,
		}));

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		const out = new Map<string, CrmContact[]>();
		const targets = new Map<string, AskedNumber>();
		for (const asked of new Set(e164s)) {
			const target = readAsked(asked);
			if (target) targets.set(asked, target);
			else out.set(asked, []);
		}
		if (targets.size === 0) return out;
		const variants = [...targets.values()].flatMap((t) => t.forms.all);
		const filters = [
			...phoneFields.flatMap((field) => inFilters(field, variants)),
			...(uniqueProperty
				? inFilters(
						uniqueProperty,
						[...targets.values()].map((t) => t.e164),
					)
				: []),
		];
		const candidates = await searchAny(filters);
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		for (const [asked, target] of targets) {
			const holds = (value: string) => holdsNumber(target, value);
			out.set(
				asked,
				candidates.filter(
					(contact) =>
						(uniqueProperty !== undefined && contact.properties[uniqueProperty] === target.e164) ||
						contact.phones.some((phone) => holds(phone.value)),
				),
			);
		}
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		const field = fieldNames.email ?? 'email';
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		const out = new Map<string, CrmContact[]>(wanted.map((e) => [e, []]));
		if (wanted.length === 0) return out;
		for (const contact of await searchAny(inFilters(field, wanted))) {
			out
				.get(
					String(contact.properties[field] ?? '')
						.trim()
						.toLowerCase(),
				)
				?.push(contact);
		}
		return out;
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const out = new Map<string, CrmContact[]>(wanted.map((v) => [v, []]));
		if (wanted.length === 0) return out;
		const properties = readProperties.includes(field) ? readProperties : [...readProperties, field];
		// Search compares strings without case; keep exact matches only.
		for (const contact of await searchAny(inFilters(field, wanted), properties))
			out.get(String(contact.properties[field] ?? ''))?.push(contact);
		return out;
	}

	/** One page of every contact, in id order (HubSpot's list order, oldest first). */
	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		const properties = [...new Set([...readProperties, ...(listOpts.properties ?? [])])];
		const response = await call<{
			results?: HubSpotObject[];
			paging?: { next?: { after?: string } };
		}>({
			method: 'GET',
			path: CONTACTS,
			qs: {
				limit: Math.min(LIST_PAGE, Math.max(1, listOpts.limit ?? LIST_PAGE)),
				properties: properties.join(','),
				archived: false,
				...(listOpts.after ? { after: listOpts.after } : {}),
			},
		});
		const contacts = (response.body?.results ?? []).map((record) =>
			hubspotContact(record, phoneFields),
		);
		const next = response.body?.paging?.next?.after;
		return next ? { contacts, after: next } : { contacts };
	}

	return { findByPhone, findByEmail, findByField, listContacts, searchAny };
}
