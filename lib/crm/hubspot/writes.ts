/**
 * Writing HubSpot contacts: creates, updates and keyed upserts in batches of 100, and merges.
 *
 * - `batch/upsert` keys on `email` or a property with unique values only (never `phone`) and says
 *   per result whether it was `new`.
 * - A create whose email exists answers 409 CONFLICT "Contact already exists. Existing ID: …":
 *   by default that contact is updated instead (onDuplicate).
 * - Merge `POST /crm/v3/objects/contacts/merge` takes one absorbed contact per call.
 */
import { chunks } from '../http';
import { groupWrites, upsertField } from '../contact';
import { MERGE_INTO_ITSELF } from '../errors';
import type { ContactWrite, MergeResult, WriteResult } from '../types';
import { hubspotBatches, rounds } from './batch';
import type { BatchSpec, ItemOutcome } from './batch';
import type { HubSpotContext } from './context';
import { callError, isFatal } from './errors';
import { CONTACTS, HUBSPOT_BATCH_SIZE, hsProperties, keyValue, modifiedAtOf } from './wire';
import type { HubSpotObject } from './wire';

const updateSpec: BatchSpec<{ id: string; properties: Record<string, unknown> }> = {
	path: `${CONTACTS}/batch/update`,
	creates: false,
	traced: false,
	keyOf: (input) => input.id,
	resultKey: (result) => String(result.id),
};

export function hubspotWrites(ctx: HubSpotContext) {
	const { call, opts } = ctx;
	const { settle } = hubspotBatches(ctx);

	async function upsertMany(writes: ContactWrite[]): Promise<WriteResult[]> {
		const results: WriteResult[] = new Array(writes.length);
		const groups = groupWrites(writes);
		const conflicts: Array<{ index: number; existingId: string }> = [];

		const record = (
			index: number,
			outcome: ItemOutcome,
			created: (result: HubSpotObject) => boolean,
		) => {
			const ref = writes[index].ref;
			results[index] = outcome.ok
				? {
						ref,
						ok: true,
						id: String(outcome.result.id),
						created: created(outcome.result),
						modifiedAt: modifiedAtOf(outcome.result),
					}
				: { ref, ok: false, error: outcome.error };
		};

		await Promise.all(
			[...groups].map(async ([group, indexes]) => {
				if (group === 'create') {
					const spec: BatchSpec<{ properties: Record<string, unknown> }> = {
						path: `${CONTACTS}/batch/create`,
						creates: true,
						traced: true,
					};
					await Promise.all(
						chunks(indexes, HUBSPOT_BATCH_SIZE).map(async (batch) => {
							const outcomes = await settle(
								spec,
								batch.map((i) => ({ properties: hsProperties(writes[i].properties) })),
							);
							outcomes.forEach((outcome, k) => {
								if (
									!outcome.ok &&
									outcome.existingId &&
									outcome.error.code === 'CONFLICT' &&
									(opts.onDuplicate ?? 'update') === 'update'
								) {
									conflicts.push({ index: batch[k], existingId: outcome.existingId });
								} else record(batch[k], outcome, () => true);
							});
						}),
					);
					return;
				}
				const upsertBy = upsertField(group);
				const keyOfWrite = (i: number) =>
					upsertBy ? keyValue(upsertBy, writes[i].key!.value) : writes[i].id!;
				// One id or key twice in one batch is refused: repeats wait for the next round.
				for (const round of rounds(indexes, keyOfWrite)) {
					await Promise.all(
						chunks(round, HUBSPOT_BATCH_SIZE).map(async (batch) => {
							if (upsertBy) {
								const spec: BatchSpec<{
									id: string;
									idProperty: string;
									properties: Record<string, unknown>;
								}> = {
									path: `${CONTACTS}/batch/upsert`,
									creates: false,
									traced: false,
									keyOf: (input) => keyValue(upsertBy, input.id),
									resultKey: (result) =>
										keyValue(upsertBy, String(result.properties?.[upsertBy] ?? '')),
								};
								const inputs = batch.map((i) => ({
									id: writes[i].key!.value,
									idProperty: upsertBy,
									properties: hsProperties(writes[i].properties),
								}));
								(await settle(spec, inputs)).forEach((outcome, k) =>
									record(batch[k], outcome, (result) => result.new === true),
								);
							} else {
								const inputs = batch.map((i) => ({
									id: writes[i].id!,
									properties: hsProperties(writes[i].properties),
								}));
								(await settle(updateSpec, inputs)).forEach((outcome, k) =>
									record(batch[k], outcome, () => false),
								);
							}
						}),
					);
				}
			}),
		);

		// Creates that met an existing contact (email) update it instead: the same customer.
		if (conflicts.length > 0) {
			for (const round of rounds(conflicts, (c) => c.existingId)) {
				await Promise.all(
					chunks(round, HUBSPOT_BATCH_SIZE).map(async (batch) => {
						const outcomes = await settle(
							updateSpec,
							batch.map((c) => ({
								id: c.existingId,
								properties: hsProperties(writes[c.index].properties),
							})),
						);
						outcomes.forEach((outcome, k) => record(batch[k].index, outcome, () => false));
					}),
				);
			}
		}
		return results;
	}

	async function merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult> {
		const merged: MergeResult['merged'] = [];
		let survivor = survivorId;
		for (const id of [...new Set(absorbedIds)]) {
			if (id === survivor || id === survivorId) {
				merged.push({ id, ok: false, error: MERGE_INTO_ITSELF });
				continue;
			}
			try {
				const response = await call<HubSpotObject>({
					method: 'POST',
					path: `${CONTACTS}/merge`,
					body: { primaryObjectId: survivor, objectIdToMerge: id },
				});
				// HubSpot may give the merged record a new id: later merges go into that one.
				if (response.body?.id) survivor = String(response.body.id);
				merged.push({ id, ok: true });
			} catch (error) {
				if (isFatal(error)) throw error;
				merged.push({ id, ok: false, error: callError(error, true) });
			}
		}
		return { survivorId: survivor, merged };
	}

	return { upsertMany, merge };
}
