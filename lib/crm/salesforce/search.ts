/**
 * Finding Salesforce contacts. Phones: SOSL `FIND {…} IN PHONE FIELDS` searches every phone field
 * whatever its punctuation, for the digit forms a number may be stored in (lib/phone/storedForms.ts);
 * candidates are still compared after normalising. The search index lags behind writes, so numbers
 * in an external id field (exact and immediately consistent) are also read by SOQL. Emails and
 * other fields: SOQL `IN`. The full list: SOQL with `nextRecordsUrl` as the cursor.
 */
import type { HttpResponse } from '../../http/transport';
import { readAsked, storedForms } from '../../phone/storedForms';
import type { AskedNumber } from '../../phone/storedForms';
import type { FieldChecker } from '../fieldCheck';
import { chunks } from '../http';
import { storedNumberMatcher } from '../phoneMatch';
import type { CrmContact } from '../types';
import type { SalesforceContext } from './context';
import {
	assertFieldName,
	NUMBERS_PER_SEARCH,
	salesforceContact,
	soqlString,
	VALUES_PER_QUERY,
} from './wire';
import type { SfQueryPage } from './wire';

/** The digit strings SOSL is asked for ("85291234567", "91234567"; "447911123456", "7911123456", "07911123456"). */
export function searchTerms(e164: string): string[] {
	return storedForms(e164).digits;
}

export function salesforceSearch(ctx: SalesforceContext, fieldCheck: FieldChecker) {
	const { call, query, data, extId, fieldNames, phoneFields, readFields } = ctx;

	const contactQuery = (where: string, fields = readFields) =>
		`SELECT ${fields.join(', ')} FROM Contact WHERE ${where}`;

	async function findByPhone(
		e164s: string[],
		findOpts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>> {
		// The number's own field, where the org has it, is read exactly (SOQL), beside the lagging SOSL index.
		const exactField = extId ?? (await fieldCheck.check()).fieldNames.whatsappE164;
		const holdsNumber = storedNumberMatcher(findOpts?.defaultCountry);
		const targets = new Map<string, AskedNumber>();
		for (const asked of new Set(e164s)) {
			const read = readAsked(asked);
			if (read) targets.set(asked, read);
		}
		const candidates = new Map<string, CrmContact>();
		const asked = [...targets.values()];
		const numbers = asked.map((target) => target.e164);
		const jobs = chunks(asked, NUMBERS_PER_SEARCH).map(async (group) => {
			const terms = [...new Set(group.flatMap((target) => target.forms.digits))];
			const sosl = `FIND {${terms.join(' OR ')}} IN PHONE FIELDS RETURNING Contact(${readFields.join(', ')}) LIMIT 2000`;
			const response = await call<{ searchRecords?: Array<Record<string, unknown>> }>({
				method: 'GET',
				path: `${data}/search`,
				qs: { q: sosl },
			});
			for (const record of response.body?.searchRecords ?? [])
				candidates.set(String(record.Id), salesforceContact(record, phoneFields));
		});
		// The external id is exact and not subject to the search index's delay.
		if (exactField) {
			jobs.push(
				...chunks(numbers, VALUES_PER_QUERY).map(async (group) => {
					const { records } = await query(
						contactQuery(`${exactField} IN (${group.map(soqlString).join(', ')})`),
					);
					for (const record of records)
						candidates.set(String(record.Id), salesforceContact(record, phoneFields));
				}),
			);
		}
		await Promise.all(jobs);
		const out = new Map<string, CrmContact[]>();
		for (const asked of new Set(e164s)) {
			const target = targets.get(asked);
			out.set(
				asked,
				target === undefined
					? []
					: [...candidates.values()].filter(
							(contact) =>
								(exactField !== undefined && contact.properties[exactField] === target.e164) ||
								contact.phones.some((phone) => holdsNumber(target, phone.value)),
						),
			);
		}
		return out;
	}

	async function findWhereIn(
		field: string,
		values: string[],
		keyOf: (value: unknown) => string,
	): Promise<Map<string, CrmContact[]>> {
		assertFieldName(field);
		await fieldCheck.check();
		const fields = readFields.includes(field) ? readFields : [...readFields, field];
		const out = new Map<string, CrmContact[]>(values.map((v) => [v, []]));
		await Promise.all(
			chunks(values, VALUES_PER_QUERY).map(async (group) => {
				const { records } = await query(
					contactQuery(`${field} IN (${group.map(soqlString).join(', ')})`, fields),
				);
				for (const record of records)
					out.get(keyOf(record[field]))?.push(salesforceContact(record, phoneFields));
			}),
		);
		return out;
	}

	async function findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
		// SOQL compares text case-insensitively; results are keyed by the lower-cased address.
		return findWhereIn(fieldNames.email ?? 'Email', wanted, (value) =>
			String(value ?? '')
				.trim()
				.toLowerCase(),
		);
	}

	async function findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>> {
		const wanted = [...new Set(values.filter((v) => v !== ''))];
		const found = await findWhereIn(field, wanted, (value) => String(value ?? ''));
		// SOQL's `=` ignores case; an id such as a BSUID must match exactly.
		for (const [value, contacts] of found)
			found.set(
				value,
				contacts.filter((c) => String(c.properties[field]) === value),
			);
		return found;
	}

	async function listContacts(
		listOpts: { after?: string; limit?: number; properties?: string[] } = {},
	): Promise<{ contacts: CrmContact[]; after?: string }> {
		// Salesforce pages of 200–2,000 records; the cursor is the nextRecordsUrl.
		const batchSize =
			listOpts.limit === undefined ? undefined : Math.min(2000, Math.max(200, listOpts.limit));
		const extra = listOpts.properties ?? [];
		for (const name of extra) assertFieldName(name);
		await fieldCheck.check();
		const fields = [...new Set([...readFields, ...extra])];
		let page: HttpResponse<SfQueryPage>;
		if (listOpts.after) {
			if (!listOpts.after.startsWith('/services/data/'))
				throw new Error('listContacts: `after` must be the cursor a previous page returned');
			page = await call<SfQueryPage>({
				method: 'GET',
				path: listOpts.after,
				headers: batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined,
			});
		} else {
			page = await call<SfQueryPage>({
				method: 'GET',
				path: `${data}/query`,
				qs: { q: `SELECT ${fields.join(', ')} FROM Contact ORDER BY CreatedDate, Id` },
				headers: batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined,
			});
		}
		const contacts = (page.body?.records ?? []).map((r) => salesforceContact(r, phoneFields));
		return page.body?.done === false && page.body.nextRecordsUrl
			? { contacts, after: page.body.nextRecordsUrl }
			: { contacts };
	}

	return { findByPhone, findByEmail, findByField, listContacts };
}
