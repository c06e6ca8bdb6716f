/**
 * One record per group. The survivor keeps its id; each scalar field takes the most recently
 * modified value (per-field `fieldUpdatedAt`, else the record's `updatedAt`, in ms); lists are
 * unioned; every value that lost is kept in `mergeLog`, so nothing is thrown away.
 */
import { ownValue, setOwn } from '../userKeys';
import { toMillis } from './normalize';
import type { Contact, DedupOptions, MergeLogEntry, MergedContact, PairExplanation } from './types';

/** Fields whose values are lists to union, even when a record holds a single value. */
const LIST_FIELDS = new Set(['phones', 'emails', 'tags', 'conversationIds', 'purchases']);
/** Fields managed by the merge itself. */
const OWN_FIELDS = new Set([
	'id',
	'mergedFrom',
	'mergeLog',
	'matchedBy',
	'fieldUpdatedAt',
	'updatedAt',
]);

export interface MergeHelpers {
	/** Identity of a phone or email inside a list, so "+852 9123 4567" and "91234567" count once. */
	phoneKey(raw: unknown): string;
	emailKey(raw: unknown): string;
}

function updatedAt(contact: Contact): number {
	const at = toMillis(contact.updatedAt);
	return Number.isFinite(at) ? at : Number.NaN;
}

function fieldTime(contact: Contact, field: string): number {
	const own = contact.fieldUpdatedAt ? ownValue(contact.fieldUpdatedAt, field) : undefined;
	if (own !== undefined) {
		const at = toMillis(own);
		if (Number.isFinite(at)) return at;
	}
	return updatedAt(contact);
}

function isEmpty(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		value === '' ||
		(Array.isArray(value) && value.length === 0)
	);
}

function completeness(contact: Contact): number {
	let fields = 0;
	for (const key of Object.keys(contact)) {
		if (OWN_FIELDS.has(key)) continue;
		const value = contact[key];
		if (isEmpty(value)) continue;
		fields += Array.isArray(value) ? 1 + Math.min(value.length, 20) / 100 : 1;
	}
	return fields;
}

/** Orders the members so the survivor is first; ties fall to completeness, recency, then id. */
export function chooseSurvivor(
	members: Contact[],
	rule: NonNullable<DedupOptions['survivor']>,
): Contact[] {
	const info = members.map((contact) => {
		const created = toMillis(contact.createdAt);
		const updated = updatedAt(contact);
		return {
			contact,
			complete: completeness(contact),
			recent: Number.isFinite(updated) ? updated : Number.NEGATIVE_INFINITY,
			old: Number.isFinite(created)
				? created
				: Number.isFinite(updated)
					? updated
					: Number.POSITIVE_INFINITY,
		};
	});
	info.sort((x, y) => {
		let order = 0;
		if (rule === 'mostRecent') order = y.recent - x.recent;
		else if (rule === 'oldest') order = x.old - y.old;
		if (order === 0 || Number.isNaN(order)) order = y.complete - x.complete;
		if (order === 0) order = y.recent - x.recent;
		if (order === 0 || Number.isNaN(order))
			order = x.contact.id < y.contact.id ? -1 : x.contact.id > y.contact.id ? 1 : 0;
		return order;
	});
	return info.map((entry) => entry.contact);
}

/** A stable text identity for list items and conflict checks. */
function identity(value: unknown): string {
	if (value === null || typeof value !== 'object') return `${typeof value}:${String(value)}`;
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(
					Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
						a < b ? -1 : a > b ? 1 : 0,
					),
				)
			: v,
	);
}

/** `ordered`: survivor first. */
export function mergeGroup(
	ordered: Contact[],
	matchedBy: PairExplanation[],
	helpers: MergeHelpers,
): MergedContact {
	const survivor = ordered[0];
	const merged: Record<string, unknown> = {};
	const mergeLog: MergeLogEntry[] = [];
	const keys: string[] = [];
	const seenKeys = new Set<string>();
	for (const contact of ordered) {
		for (const key of Object.keys(contact)) {
			if (!seenKeys.has(key)) {
				seenKeys.add(key);
				keys.push(key);
			}
		}
	}
	const listKey = (field: string, item: unknown): string => {
		if (field === 'phones') return helpers.phoneKey(item);
		if (field === 'emails') return helpers.emailKey(item);
		return identity(item);
	};
	const union = (field: string, extra?: string): unknown[] => {
		const out: unknown[] = [];
		const seen = new Set<string>();
		for (const contact of ordered) {
			for (const source of extra ? [contact[field], contact[extra]] : [contact[field]]) {
				if (isEmpty(source)) continue;
				for (const item of Array.isArray(source) ? source : [source]) {
					if (isEmpty(item)) continue;
					const key = listKey(field, item);
					if (seen.has(key)) continue;
					seen.add(key);
					out.push(item);
				}
			}
		}
		return out;
	};

	merged.id = survivor.id;
	for (const key of keys) {
		if (OWN_FIELDS.has(key)) continue;
		const holders = ordered.filter((contact) => !isEmpty(contact[key]));
		if (holders.length === 0) {
			setOwn(merged, key, survivor[key]);
			continue;
		}
		if (LIST_FIELDS.has(key) || holders.some((contact) => Array.isArray(contact[key]))) {
			setOwn(merged, key, union(key));
			continue;
		}
		// The latest value wins; on equal times the survivor's, then the group order.
		let winner = holders[0];
		let winnerAt = fieldTime(winner, key);
		for (const contact of holders) {
			const at = fieldTime(contact, key);
			if (Number.isFinite(at) && (!Number.isFinite(winnerAt) || at > winnerAt)) {
				winner = contact;
				winnerAt = at;
			}
		}
		setOwn(merged, key, winner[key]);
		const winnerIdentity = identity(winner[key]);
		const rejected: MergeLogEntry['rejected'] = [];
		const rejectedSeen = new Set<string>([winnerIdentity]);
		for (const contact of holders) {
			const id = identity(contact[key]);
			if (rejectedSeen.has(id)) continue;
			rejectedSeen.add(id);
			const at = fieldTime(contact, key);
			rejected.push({
				value: contact[key],
				from: contact.id,
				...(Number.isFinite(at) ? { at } : {}),
			});
		}
		if (rejected.length > 0) {
			mergeLog.push({
				field: key,
				value: winner[key],
				from: winner.id,
				...(Number.isFinite(winnerAt) ? { at: winnerAt } : {}),
				rejected,
			});
		}
	}
	// Every number and address any record had stays reachable in the lists.
	if (seenKeys.has('phone') || seenKeys.has('phones')) {
		const phones = union('phones', 'phone');
		if (phones.length > 0) merged.phones = phones;
	}
	if (seenKeys.has('email') || seenKeys.has('emails')) {
		const emails = union('emails', 'email');
		if (emails.length > 1 || seenKeys.has('emails')) merged.emails = emails;
	}

	let latest = Number.NEGATIVE_INFINITY;
	let latestRaw: unknown;
	const fieldTimes = new Map<string, number>();
	let hasFieldTimes = false;
	for (const contact of ordered) {
		const at = updatedAt(contact);
		if (Number.isFinite(at) && at > latest) {
			latest = at;
			latestRaw = contact.updatedAt;
		}
		const times: unknown = contact.fieldUpdatedAt;
		if (!times || typeof times !== 'object') continue;
		for (const [field, raw] of Object.entries(times)) {
			const value = toMillis(raw);
			if (!Number.isFinite(value)) continue;
			hasFieldTimes = true;
			const known = fieldTimes.get(field);
			if (known === undefined || value > known) fieldTimes.set(field, value);
		}
	}
	if (latestRaw !== undefined) merged.updatedAt = latestRaw;
	if (hasFieldTimes) {
		const times: Record<string, number> = {};
		for (const [field, at] of fieldTimes) setOwn(times, field, at);
		merged.fieldUpdatedAt = times;
	}
	merged.mergedFrom = ordered
		.slice(1)
		.map((contact) => contact.id)
		.sort();
	merged.mergeLog = mergeLog;
	merged.matchedBy = matchedBy;
	return merged as unknown as MergedContact;
}
