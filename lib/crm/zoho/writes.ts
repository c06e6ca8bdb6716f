/**
 * Writing Zoho contacts: at most 100 records a call, insert `POST /Contacts`, update `PUT
 * /Contacts`, upsert `POST /Contacts/upsert` with `duplicate_check_fields`. Answers are per record,
 * with HTTP 200/201 when all succeed, 207 when some fail and 400 when all fail. Merge `POST
 * /Contacts/{master}/actions/merge` takes up to two child records and may answer SCHEDULED with a
 * job id to poll.
 */
import type { HttpResponse } from '../../http/transport';
import { groupWrites, toMillis, upsertField } from '../contact';
import { MERGE_INTO_ITSELF } from '../errors';
import type { FieldChecker } from '../fieldCheck';
import { chunks } from '../http';
import { CrmApiError } from '../types';
import type { ContactWrite, CrmErrorInfo, MergeResult, WriteResult } from '../types';
import type { ZohoContext } from './context';
import { callError, describeZohoError, isFatal, itemError } from './errors';
import { ZOHO_BATCH_SIZE } from './wire';
import type { ZohoItem } from './wire';

/** An ISO-8601 instant as JavaScript writes it; Zoho's DateTime fields take seconds and an offset only. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export function zohoWrites(ctx: ZohoContext, fieldCheck: FieldChecker) {
	const { call, clock, opts, root, moduleName } = ctx;

	/** One write call; per-record results in the order sent, or one error for all of them. */
	async function writeBatch(
		method: 'POST' | 'PUT',
		path: string,
		records: Array<Record<string, unknown>>,
		extra: Record<string, unknown>,
		createdOf: (item: ZohoItem) => boolean,
	): Promise<
		Array<
			| { ok: true; id: string; created: boolean; modifiedAt?: number }
			| { ok: false; error: CrmErrorInfo }
		>
	> {
		const response = await call<{ data?: ZohoItem[] }>({
			method,
			path,
			body: { data: records, ...extra },
			// All records failing is a 400 that still carries one answer per record.
			accept: [400],
			heavy: records.length > 10,
		});
		const items = response.body?.data;
		if (!Array.isArray(items) || items.length !== records.length) {
			throw new CrmApiError('zoho', describeZohoError(response as HttpResponse));
		}
		return items.map((item) =>
			item.code === 'SUCCESS'
				? {
						ok: true as const,
						id: String(item.details?.id),
						created: createdOf(item),
						modifiedAt: toMillis(item.details?.Modified_Time),
					}
				: { ok: false as const, error: itemError(item) },
		);
	}

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		await fieldCheck.check();
		const results: WriteResult[] = new Array(writes.length);
		const groups = groupWrites(writes);
		const jobs: Array<Promise<void>> = [];
		for (const [group, indexes] of groups) {
			for (const batch of chunks(indexes, ZOHO_BATCH_SIZE)) {
				const records = batch.map((i) => {
					const write = writes[i];
					const properties = zohoValues(write.properties);
					if (write.id) return { ...properties, id: write.id };
					if (write.key) return { ...properties, [write.key.field]: write.key.value };
					return properties;
				});
				const keyField = upsertField(group);
				const path = `${root}/${moduleName}${keyField ? '/upsert' : ''}`;
				const job =
					group === 'update'
						? writeBatch('PUT', path, records, {}, () => false)
						: group === 'create'
							? writeBatch('POST', path, records, {}, () => true)
							: writeBatch(
									'POST',
									path,
									records,
									{ duplicate_check_fields: [keyField] },
									(item) => item.action === 'insert',
								);
				jobs.push(
					job.then(
						(items) =>
							items.forEach(
								(item, k) =>
									(results[batch[k]] = { ref: writes[batch[k]].ref, ...item } as WriteResult),
							),
						(error) => {
							if (isFatal(error)) throw error;
							const info = callError(error, true);
							for (const i of batch) results[i] = { ref: writes[i].ref, ok: false, error: info };
						},
					),
				);
			}
		}
		await Promise.all(jobs);
		return results;
	}

	/** Values as Zoho's field types take them: DateTime without milliseconds, with an offset. */
	function zohoValues(properties: Record<string, unknown>): Record<string, unknown> {
		const described = fieldCheck.described();
		const out: Record<string, unknown> = { ...properties };
		for (const [name, value] of Object.entries(out)) {
			if (
				typeof value === 'string' &&
				ISO_INSTANT.test(value) &&
				described?.get(name)?.type === 'dateTime'
			)
				out[name] = `${value.slice(0, 19)}+00:00`;
		}
		return out;
	}

	async function mergeGroup(survivorId: string, ids: string[]): Promise<MergeResult['merged']> {
		const path = `${root}/${moduleName}/${encodeURIComponent(survivorId)}/actions/merge`;
		const fail = (error: CrmErrorInfo) => ids.map((id) => ({ id, ok: false as const, error }));
		let response: HttpResponse<{ merge?: ZohoItem[] } & ZohoItem>;
		try {
			response = await call({
				method: 'POST',
				path,
				body: { merge: [{ data: ids.map((id) => ({ id })) }] },
				accept: [400],
			});
		} catch (error) {
			if (isFatal(error)) throw error;
			return fail(callError(error, true));
		}
		const item: ZohoItem = response.body?.merge?.[0] ?? response.body ?? {};
		if (item.code === 'SUCCESS') return ids.map((id) => ({ id, ok: true as const }));
		if (item.code !== 'SCHEDULED') return fail(itemError(item));
		const jobId = String(item.details?.job_id ?? '');
		const polls = opts.mergePolls ?? 15;
		for (let poll = 0; poll < polls; poll++) {
			await clock.sleep(opts.mergePollMs ?? 2000);
			const status = await call<{ merge?: Array<{ job_id?: string; status?: string }> }>({
				method: 'GET',
				path,
				qs: { job_id: jobId },
			});
			const state =
				status.body?.merge?.find((m) => String(m.job_id) === jobId)?.status ??
				status.body?.merge?.[0]?.status;
			if (state === 'COMPLETED') return ids.map((id) => ({ id, ok: true as const }));
			if (state === 'FAILURE')
				return fail({
					code: 'MERGE_FAILED',
					message: `Zoho CRM's merge job ${jobId} failed; merge these contacts in Zoho CRM to see why`,
					retryable: false,
				});
		}
		return fail({
			code: 'MERGE_PENDING',
			message: `Zoho CRM scheduled the merge as job ${jobId} and it had not finished after ${polls} checks; look again later before merging these contacts again`,
			retryable: true,
		});
	}

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		const others = [...new Set(absorbedIds)].filter((id) => {
			if (id !== survivorId) return true;
			merged.push({ id, ok: false, error: MERGE_INTO_ITSELF });
			return false;
		});
		// Zoho merges a master with at most two children per call; groups run one after another on the same master.
		for (const group of chunks(others, 2)) merged.push(...(await mergeGroup(survivorId, group)));
		return { survivorId, merged };
	}

	return { writeBatch, upsertMany, merge };
}
