/**
 * A vendor's record as a CrmContact, and a vendor's time as epoch milliseconds: written once for
 * every adapter. Each adapter only says where the id, the fields and the modification time are.
 */
import type { CrmContact } from './types';

/** The contact with its phone fields' non-empty values, in the order the fields are listed. */
export function toContact(
	id: unknown,
	properties: Record<string, unknown>,
	modifiedAt: unknown,
	phoneFields: string[],
): CrmContact {
	const phones: CrmContact['phones'] = [];
	for (const field of phoneFields) {
		const value = properties[field];
		if (typeof value === 'string' && value.trim() !== '') phones.push({ field, value });
	}
	return { id: String(id), properties, modifiedAt: toMillis(modifiedAt) ?? 0, phones };
}

/**
 * Epoch milliseconds from what CRMs answer: a number, digits (HubSpot's older millisecond
 * strings), ISO 8601 (HubSpot, Zoho `2026-05-01T10:00:00+08:00`), or Salesforce's
 * `2024-05-01T10:00:00.000+0000`, whose offset gets its colon for Date.parse. Anything else: undefined.
 */
export function toMillis(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = /^\d+$/.test(value)
		? Number(value)
		: Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
	return Number.isNaN(ms) ? undefined : ms;
}

/** Write indexes by how they are written: `update` (an id), `upsert:<field>` (a key), or `create`. */
export function groupWrites<W extends { id?: string; key?: { field: string } }>(
	writes: W[],
	skip?: (write: W, index: number) => boolean,
): Map<string, number[]> {
	const groups = new Map<string, number[]>();
	writes.forEach((write, index) => {
		if (skip?.(write, index)) return;
		const group = write.id ? 'update' : write.key ? `upsert:${write.key.field}` : 'create';
		let indexes = groups.get(group);
		if (!indexes) groups.set(group, (indexes = []));
		indexes.push(index);
	});
	return groups;
}

/** The key field of an `upsert:<field>` group, undefined for the others. */
export function upsertField(group: string): string | undefined {
	return group.startsWith('upsert:') ? group.slice('upsert:'.length) : undefined;
}
