/**
 * Writing Salesforce contacts through sObject Collections: create `POST /composite/sobjects`,
 * update `PATCH /composite/sobjects`, upsert `PATCH /composite/sobjects/Contact/<ExtId__c>`, at
 * most 200 records, `allOrNone:false`, one `{id, success, created, errors}` per record. A single
 * upsert by external id answers 300 Multiple Choices with the matching records when the value is
 * not unique. REST has no merge: Contacts merge through SOAP `merge()` or Apex `Database.merge`
 * (up to three records), here through an Apex REST resource when one is set (mergeApexPath).
 */
import type { HttpResponse } from '../../http/transport';
import { groupWrites, upsertField } from '../contact';
import { MERGE_INTO_ITSELF } from '../errors';
import { chunks } from '../http';
import { CrmApiError } from '../types';
import type { ContactWrite, CrmErrorInfo, MergeResult, WriteResult } from '../types';
import type { SalesforceContext } from './context';
import { callError, describeSalesforceError, isFatal, itemError } from './errors';
import { IDENTIFIER, SALESFORCE_BATCH_SIZE } from './wire';
import type { SfError, SfSaveResult } from './wire';

export type ItemOutcome =
	{ ok: true; id: string; created: boolean } | { ok: false; error: CrmErrorInfo };

export function salesforceWrites(ctx: SalesforceContext) {
	const { call, data, opts } = ctx;

	/** One collection call; per-record outcomes in the order sent. */
	async function collection(
		method: 'POST' | 'PATCH',
		path: string,
		records: Array<Record<string, unknown>>,
		created: (r: SfSaveResult) => boolean,
	): Promise<ItemOutcome[]> {
		const response = await call<SfSaveResult[]>({
			method,
			path,
			body: { allOrNone: false, records },
		});
		const items = response.body;
		if (!Array.isArray(items) || items.length !== records.length)
			throw new CrmApiError('salesforce', describeSalesforceError(response as HttpResponse));
		return items.map((item) =>
			item.success && item.id
				? { ok: true, id: item.id, created: created(item) }
				: { ok: false, error: itemError(item.errors ?? []) },
		);
	}

	/**
	 * A keyed record the collection refused as DUPLICATE_EXTERNAL_ID, sent alone: the single upsert
	 * names the records sharing the value (300), or succeeds when the clash was within the batch.
	 */
	async function upsertOne(
		field: string,
		value: string,
		properties: Record<string, unknown>,
	): Promise<ItemOutcome> {
		const response = await call<SfSaveResult | string[] | null>({
			method: 'PATCH',
			path: `${data}/sobjects/Contact/${field}/${encodeURIComponent(value)}`,
			// The external id travels in the URL; Salesforce refuses it in the body.
			body: Object.fromEntries(Object.entries(properties).filter(([name]) => name !== field)),
			accept: [300],
		});
		if (response.status === 300) {
			const ids = (Array.isArray(response.body) ? response.body : []).map((url) =>
				String(url).split('/').pop(),
			);
			return {
				ok: false,
				error: {
					code: 'AMBIGUOUS_EXTERNAL_ID',
					status: 300,
					retryable: false,
					fields: [field],
					message: `${ids.length || 'Several'} Salesforce contacts share ${field} = ${value}${ids.length ? ` (${ids.join(', ')})` : ''}: merge them or clear the value on all but one, then run again`,
				},
			};
		}
		const body = response.body as SfSaveResult | null;
		if (typeof body?.id === 'string' && body.id) {
			return { ok: true, id: body.id, created: response.status === 201 || body.created === true };
		}
		// Before API version 46.0 an update answers 204 No Content: the record is read back by its key.
		const read = await call<{ Id?: unknown }>({
			method: 'GET',
			path: `${data}/sobjects/Contact/${field}/${encodeURIComponent(value)}`,
			qs: { fields: 'Id' },
		});
		const id = typeof read.body?.Id === 'string' ? read.body.Id : undefined;
		if (!id) {
			return {
				ok: false,
				error: {
					code: 'NO_RECORD_ID',
					status: response.status,
					retryable: false,
					fields: [field],
					message: `Salesforce saved the contact with ${field} = ${value} but named no record id, and reading it back by ${field} found none`,
				},
			};
		}
		return { ok: true, id, created: response.status === 201 };
	}

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		const results: WriteResult[] = new Array(writes.length);
		const groups = groupWrites(writes, (write, index) => {
			if (!write.key || IDENTIFIER.test(write.key.field)) return false;
			results[index] = {
				ref: write.ref,
				ok: false,
				error: {
					code: 'INVALID_FIELD',
					message: `"${write.key.field}" is not a Salesforce field API name`,
					retryable: false,
				},
			};
			return true;
		});
		const jobs: Array<Promise<void>> = [];
		for (const [group, indexes] of groups) {
			const keyField = upsertField(group);
			for (const batch of chunks(indexes, SALESFORCE_BATCH_SIZE)) {
				const records = batch.map((i) => {
					const write = writes[i];
					const record: Record<string, unknown> = {
						attributes: { type: 'Contact' },
						...write.properties,
					};
					if (write.id) record.Id = write.id;
					if (write.key) record[write.key.field] = write.key.value;
					return record;
				});
				const job = async () => {
					const outcomes =
						group === 'update'
							? await collection('PATCH', `${data}/composite/sobjects`, records, () => false)
							: group === 'create'
								? await collection('POST', `${data}/composite/sobjects`, records, () => true)
								: await collection(
										'PATCH',
										`${data}/composite/sobjects/Contact/${keyField}`,
										records,
										(r) => r.created === true,
									);
					await Promise.all(
						outcomes.map(async (outcome, k) => {
							const write = writes[batch[k]];
							if (!outcome.ok && outcome.error.code === 'DUPLICATE_EXTERNAL_ID' && write.key) {
								outcome = await upsertOne(write.key.field, write.key.value, write.properties).catch(
									(error) => {
										if (isFatal(error)) throw error;
										return { ok: false as const, error: callError(error, true) };
									},
								);
							}
							results[batch[k]] = { ref: write.ref, ...outcome } as WriteResult;
						}),
					);
				};
				jobs.push(
					job().catch((error) => {
						if (isFatal(error)) throw error;
						const info = callError(error, true);
						for (const i of batch) results[i] ??= { ref: writes[i].ref, ok: false, error: info };
					}),
				);
			}
		}
		await Promise.all(jobs);
		return results;
	}

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		const others = [...new Set(absorbedIds)].filter((id) => {
			if (id !== survivorId) return true;
			merged.push({ id, ok: false, error: MERGE_INTO_ITSELF });
			return false;
		});
		if (!opts.mergeApexPath) {
			// Reparenting activities and deleting by hand would lose what merge() keeps (history,
			// campaign members, data privacy records), so nothing is done and the reason is given.
			const error: CrmErrorInfo = {
				code: 'MERGE_NOT_SUPPORTED',
				retryable: false,
				message:
					"Salesforce's REST API cannot merge contacts (only SOAP merge() and Apex Database.merge can). Merge them in Salesforce (Contacts › Merge Contacts), or deploy an Apex REST merge resource and set its path (mergeApexPath).",
			};
			return {
				survivorId,
				merged: [...merged, ...others.map((id) => ({ id, ok: false as const, error }))],
			};
		}
		// Database.merge takes the master and at most two others; groups run one after another.
		for (const group of chunks(others, 2)) {
			try {
				const response = await call<{
					results?: Array<{ id?: string; success?: boolean; errors?: SfError[] }>;
				}>({
					method: 'POST',
					path: opts.mergeApexPath,
					body: { survivorId, absorbedIds: group },
				});
				for (const id of group) {
					const result = response.body?.results?.find((r) => r.id === id);
					merged.push(
						result?.success
							? { id, ok: true }
							: {
									id,
									ok: false,
									error: result
										? itemError(result.errors ?? [])
										: {
												code: 'MERGE_FAILED',
												message: 'The merge resource did not report this contact',
												retryable: false,
											},
								},
					);
				}
			} catch (error) {
				if (isFatal(error)) throw error;
				const info = callError(error, true);
				merged.push(...group.map((id) => ({ id, ok: false as const, error: info })));
			}
		}
		return { survivorId, merged };
	}

	return { collection, upsertMany, merge };
}
