/**
 * The whole ledger as one JSON document, for the stores that keep it in one place (memory, a file).
 * Slices are cut from it and writes applied to it; counters are kept beside the maps so a decision
 * does not read the whole document.
 */
import type { CustomerRecord, Reservation, Slice, SliceQuery, Writes } from '../ledger';
import {
	cloneCustomer,
	isStaleCustomer,
	MAX_EXPIRED_PER_STEP,
	reachWindowStart,
	trimCustomer,
} from '../ledger';
import { LIMIT_WINDOW_MS } from '../config';

export interface NumberDocument {
	customers: Record<string, CustomerRecord>;
	/** Customer → last business-initiated send; older than 24 h until the next prune. */
	reached: Record<string, number>;
	/** How many entries `reached` holds, so a decision far below the limit need not count them. */
	reachedCount: number;
	slots: Record<string, number>;
	reservations: Record<string, Reservation>;
}

/** Who was reached when, for a business portfolio's messaging limit shared by its numbers. */
export interface ReachDocument {
	reached: Record<string, number>;
	reachedCount: number;
}

export interface LedgerDocument {
	version: 2;
	numbers: Record<string, NumberDocument>;
	/** Portfolio id → its reached customers; a number without a portfolio keeps its own in `numbers`. */
	portfolios?: Record<string, ReachDocument>;
	/** Pruning reads everything: it runs at most once a minute (ledger time). */
	prunedAt?: number;
}

/**
 * Slots this much older than the oldest that can matter are dropped when slots are written. Small:
 * every decision reads the number's slots, and at 1,000 messages/s a second of them is a thousand.
 */
const SLOT_PRUNE_MARGIN_MS = 100;
const PRUNE_EVERY_MS = 60_000;

export const emptyDocument = (): LedgerDocument => ({ version: 2, numbers: {} });

/**
 * Whether a parsed file is a ledger this or an earlier version wrote (and not, say, n8n's config
 * that a Ledger File pointed at): only then is it read, and replaced by the next generation.
 */
export function isLedgerDocument(raw: unknown): boolean {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
	const doc = raw as { version?: unknown; numbers?: unknown };
	if (doc.version !== undefined && doc.version !== 1 && doc.version !== 2) return false;
	const numbers = doc.numbers;
	if (typeof numbers !== 'object' || numbers === null || Array.isArray(numbers)) return false;
	return Object.values(numbers).every(
		(number) =>
			typeof number === 'object' &&
			number !== null &&
			typeof (number as { customers?: unknown }).customers === 'object',
	);
}

/** Reads a stored document, filling what an older version lacked. */
export function upgradeDocument(raw: unknown): LedgerDocument {
	const doc = (raw ?? {}) as Partial<LedgerDocument> & {
		numbers?: Record<string, Partial<NumberDocument>>;
	};
	const numbers: Record<string, NumberDocument> = {};
	for (const [id, number] of Object.entries(doc.numbers ?? {})) {
		const reached = number.reached ?? {};
		// Version 1 kept reservations elsewhere: its outstanding sends are taken as sent.
		if (doc.version !== 2)
			for (const record of Object.values(number.customers ?? {}))
				for (const send of record.sends ?? []) delete send.reservationId;
		numbers[id] = {
			customers: number.customers ?? {},
			reached,
			reachedCount: Object.keys(reached).length,
			slots: number.slots ?? {},
			reservations: number.reservations ?? {},
		};
	}
	const portfolios: Record<string, ReachDocument> = {};
	for (const [id, portfolio] of Object.entries(
		(doc.portfolios ?? {}) as Record<string, Partial<ReachDocument>>,
	)) {
		const reached = portfolio.reached ?? {};
		portfolios[id] = { reached, reachedCount: Object.keys(reached).length };
	}
	return {
		version: 2,
		numbers,
		...(Object.keys(portfolios).length > 0 ? { portfolios } : {}),
		...(doc.prunedAt !== undefined ? { prunedAt: doc.prunedAt } : {}),
	};
}

const EMPTY_NUMBER: NumberDocument = {
	customers: {},
	reached: {},
	reachedCount: 0,
	slots: {},
	reservations: {},
};

/** Where a query's reached customers are kept: its portfolio's, else its number's own. */
function reachOf(doc: LedgerDocument, query: SliceQuery): ReachDocument | undefined {
	return query.portfolioId ? doc.portfolios?.[query.portfolioId] : doc.numbers[query.phoneNumberId];
}

export function loadSlice(doc: LedgerDocument, query: SliceQuery): Slice {
	const number = doc.numbers[query.phoneNumberId] ?? EMPTY_NUMBER;
	const reach = reachOf(doc, query) ?? EMPTY_NUMBER;
	const since = reachWindowStart(query.now);

	const reservations: Record<string, Reservation> = {};
	for (const id of query.reservations)
		if (number.reservations[id]) reservations[id] = { ...number.reservations[id] };
	let expired = 0;
	for (const id in number.reservations) {
		if (expired >= MAX_EXPIRED_PER_STEP) break;
		const reservation = number.reservations[id];
		// Giving one back changes its portfolio's count: only a step on that count may.
		if (reservation.portfolioId !== query.portfolioId) continue;
		if (reservation.expiresAt <= query.now && !reservations[id]) {
			reservations[id] = { ...reservation };
			expired++;
		}
	}

	const customers: Record<string, CustomerRecord> = {};
	const reached: Record<string, number> = {};
	for (const id of [...query.customers, ...Object.values(reservations).map((r) => r.to)]) {
		if (number.customers[id] && !customers[id]) customers[id] = cloneCustomer(number.customers[id]);
		const at = reach.reached[id];
		if (at !== undefined && at > since) reached[id] = at;
	}

	const slice: Slice = {
		customers,
		reached,
		reachedCount: reach.reachedCount,
		slots: {},
		reservations,
	};
	// The kept count may include customers who aged out since the last prune: it only ever overstates,
	// so count exactly when it could make a difference.
	if (
		query.exactCount ||
		(query.messagingLimit > 0 && reach.reachedCount >= query.messagingLimit)
	) {
		const times = Object.values(reach.reached).filter((at) => at > since);
		slice.reachedCount = times.length;
		if (query.messagingLimit > 0 && times.length >= query.messagingLimit) {
			slice.limitFreesAt =
				kthSmallest(times, times.length - query.messagingLimit) + LIMIT_WINDOW_MS;
		}
	}
	for (const id in number.slots)
		if (number.slots[id] >= query.slotsFrom) slice.slots[id] = number.slots[id];
	return slice;
}

export function applyWrites(doc: LedgerDocument, query: SliceQuery, writes: Writes): void {
	const number = (doc.numbers[query.phoneNumberId] ??= {
		customers: {},
		reached: {},
		reachedCount: 0,
		slots: {},
		reservations: {},
	});
	for (const [id, record] of Object.entries(writes.customers)) {
		if (record) number.customers[id] = record;
		else delete number.customers[id];
	}
	const reach: ReachDocument = query.portfolioId
		? ((doc.portfolios ??= {})[query.portfolioId] ??= { reached: {}, reachedCount: 0 })
		: number;
	for (const [id, at] of Object.entries(writes.reached)) {
		if (at === null) {
			if (id in reach.reached) reach.reachedCount--;
			delete reach.reached[id];
		} else {
			if (!(id in reach.reached)) reach.reachedCount++;
			reach.reached[id] = at;
		}
	}
	for (const [id, at] of Object.entries(writes.slots)) {
		if (at === null) delete number.slots[id];
		else number.slots[id] = at;
	}
	if (Object.keys(writes.slots).length > 0) {
		for (const id in number.slots)
			if (number.slots[id] < query.slotsFrom - SLOT_PRUNE_MARGIN_MS) delete number.slots[id];
	}
	for (const [id, reservation] of Object.entries(writes.reservations)) {
		if (reservation) number.reservations[id] = reservation;
		else delete number.reservations[id];
	}
}

/**
 * Forgets what no rule can look at any more, at most once a minute: customers reached over 24 h ago,
 * sends older than the rules' lookback, customers with nothing left. Returns whether it ran.
 */
export function pruneDocument(doc: LedgerDocument, now: number, lookbackMs: number): boolean {
	if (doc.prunedAt !== undefined && doc.prunedAt > now - PRUNE_EVERY_MS) return false;
	doc.prunedAt = now;
	const since = reachWindowStart(now);
	for (const [numberId, number] of Object.entries(doc.numbers)) {
		for (const [customer, at] of Object.entries(number.reached)) {
			if (at <= since) {
				delete number.reached[customer];
				number.reachedCount--;
			}
		}
		for (const [id, record] of Object.entries(number.customers)) {
			trimCustomer(record, now, lookbackMs);
			if (isStaleCustomer(record, now, lookbackMs)) delete number.customers[id];
		}
		for (const [id, at] of Object.entries(number.slots))
			if (at < now - PRUNE_EVERY_MS) delete number.slots[id];
		const idle = [number.customers, number.reached, number.slots, number.reservations].every(
			(map) => Object.keys(map).length === 0,
		);
		if (idle) delete doc.numbers[numberId];
	}
	for (const [portfolioId, portfolio] of Object.entries(doc.portfolios ?? {})) {
		for (const [customer, at] of Object.entries(portfolio.reached)) {
			if (at <= since) {
				delete portfolio.reached[customer];
				portfolio.reachedCount--;
			}
		}
		if (portfolio.reachedCount <= 0) delete doc.portfolios![portfolioId];
	}
	return true;
}

/**
 * The k-th smallest value (0-based). Past the limit k is small (how far over it the count is), so
 * keeping the k + 1 smallest in a short sorted list is one pass instead of sorting 100,000 times.
 */
export function kthSmallest(values: number[], k: number): number {
	if (k > 64) return [...values].sort((a, b) => a - b)[k];
	const smallest: number[] = [];
	for (const value of values) {
		if (smallest.length > k && value >= smallest[k]) continue;
		let i = Math.min(smallest.length, k);
		while (i > 0 && smallest[i - 1] > value) i--;
		smallest.splice(i, 0, value);
		if (smallest.length > k + 1) smallest.pop();
	}
	return smallest[k];
}
