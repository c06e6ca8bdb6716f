/**
 * The quota ledger, per business phone number: customers' records, who was reached when, booked
 * throughput slots and outstanding reservations. A step sees a slice of it (the customers it names,
 * the number's counters) and changes it in place; `diffSlice` turns that into writes. The rules and
 * this bookkeeping are written once; stores only load slices and apply writes atomically.
 */
import type { Category, QuotaRequest } from './config';
import { LIMIT_WINDOW_MS } from './config';

export interface SendRecord {
	at: number;
	category: Category;
	template?: string;
	event?: string;
	/** Business-initiated (outside a service window): counts the customer toward the messaging limit. */
	counted?: true;
	/** Set while the send is reserved but not yet confirmed. */
	reservationId?: string;
	/** When Meta's acceptance came back, if later than `at`: the pair rate counts from it. */
	confirmedAt?: number;
	/** The request's idempotency key, and what Meta answered once confirmed ('' = no answer). */
	key?: string;
	messageId?: string;
}

export interface CustomerRecord {
	lastInbound?: number;
	optedOut?: boolean;
	/** When the opt-out preference last changed, so an older webhook cannot undo a newer one. */
	optOutAt?: number;
	agentReplyAt?: number;
	sends: SendRecord[];
}

export interface Reservation {
	to: string;
	expiresAt: number;
	/** The send counted the customer toward the messaging limit. */
	counted?: true;
	/** The portfolio whose count it holds; absent: the number's own. */
	portfolioId?: string;
	/** When the customer was counted before this send (perhaps by another number of the portfolio). */
	reachedBefore?: number;
}

/** What a step needs to know of one phone number's ledger. */
export interface Slice {
	/** Records of the customers the step named and of the reservations it sees; absent = never seen. */
	customers: Record<string, CustomerRecord>;
	/** When those customers were last reached by a business-initiated message, if within 24 h of the step. */
	reached: Record<string, number>;
	/** Customers reached in the last 24 h; exact when at or over the limit, or when asked for. */
	reachedCount: number;
	/** At or over the messaging limit: when one more customer fits. */
	limitFreesAt?: number;
	/** Booked throughput slots that still matter: reservation id → moment. */
	slots: Record<string, number>;
	/** The reservations the step named, plus expired ones to give back. */
	reservations: Record<string, Reservation>;
}

/** What a store is asked to load for a step. */
export interface SliceQuery {
	phoneNumberId: string;
	/**
	 * Whose reached-customers count the slice carries: the portfolio's, shared by its numbers, or
	 * (absent) the number's own. Expired reservations given back are only those of the same portfolio.
	 */
	portfolioId?: string;
	now: number;
	customers: string[];
	reservations: string[];
	/** 0 = unlimited. */
	messagingLimit: number;
	/** Count reached customers exactly even below the limit (for usage reports). */
	exactCount?: boolean;
	/** Slots before this moment cannot matter any more. */
	slotsFrom: number;
}

/** What a step changed: `null` deletes. */
export interface Writes {
	customers: Record<string, CustomerRecord | null>;
	reached: Record<string, number | null>;
	slots: Record<string, number | null>;
	reservations: Record<string, Reservation | null>;
}

/** At most this many expired reservations are given back per step, so one step stays small. */
export const MAX_EXPIRED_PER_STEP = 100;

export function customerRecord(slice: Slice, customer: string): CustomerRecord {
	return (slice.customers[customer] ??= { sends: [] });
}

/** Records an allowed send: the customer's history, the messaging-limit count, the throughput slot. */
export function recordReservation(
	slice: Slice,
	reservationId: string,
	request: QuotaRequest,
	decision: { businessInitiated: boolean; sendAt: number },
	expiresAt: number,
	bookSlot: boolean,
): void {
	const at = decision.sendAt;
	customerRecord(slice, request.to).sends.push({
		at,
		category: request.category,
		...(request.template ? { template: request.template } : {}),
		...(request.event ? { event: request.event } : {}),
		...(decision.businessInitiated ? { counted: true as const } : {}),
		...(request.idempotencyKey ? { key: request.idempotencyKey } : {}),
		reservationId,
	});
	const reservation: Reservation = {
		to: request.to,
		expiresAt,
		...(request.portfolioId ? { portfolioId: request.portfolioId } : {}),
	};
	if (decision.businessInitiated) {
		// Meta counts a customer while any business-initiated message to them is under 24 h old.
		const before = slice.reached[request.to];
		if (before === undefined) slice.reachedCount++;
		else reservation.reachedBefore = before;
		slice.reached[request.to] = Math.max(at, slice.reached[request.to] ?? -Infinity);
		reservation.counted = true;
	}
	// Slots are keyed by reservation, so a release frees exactly its own.
	if (bookSlot) slice.slots[reservationId] = at;
	slice.reservations[reservationId] = reservation;
}

/**
 * Keeps a reserved send for good; a keyed send also keeps Meta's message id, for its repeats.
 * `confirmedAt`: when Meta's acceptance came back. The send reached Meta by then, perhaps well after
 * its reserved moment on a busy host, so the pair rate counts from then (the other rules from `at`):
 * the next message to the customer cannot arrive less than the gap after this one.
 */
export function commitReservation(
	slice: Slice,
	reservationId: string,
	messageId?: string,
	confirmedAt?: number,
): boolean {
	const reservation = slice.reservations[reservationId];
	if (!reservation) return false;
	delete slice.reservations[reservationId];
	for (const send of slice.customers[reservation.to]?.sends ?? []) {
		if (send.reservationId !== reservationId) continue;
		delete send.reservationId;
		if (confirmedAt !== undefined && confirmedAt > send.at) send.confirmedAt = confirmedAt;
		if (send.key !== undefined && messageId !== undefined) send.messageId = messageId;
	}
	return true;
}

/** The send this customer's ledger holds under an idempotency key, if any (reserved or confirmed). */
export function sendWithKey(
	record: CustomerRecord | undefined,
	key: string,
): SendRecord | undefined {
	return record?.sends.find((send) => send.key === key);
}

/** Takes back everything a reservation held: the send (and with it the pair-rate gap), the count, the slot. */
export function undoReservation(slice: Slice, reservationId: string, now: number): boolean {
	const reservation = slice.reservations[reservationId];
	if (!reservation) return false;
	delete slice.reservations[reservationId];
	const to = reservation.to;
	const record = slice.customers[to];
	const own = record?.sends.find((send) => send.reservationId === reservationId)?.at;
	if (record) record.sends = record.sends.filter((send) => send.reservationId !== reservationId);
	const current = slice.reached[to];
	// A later send (another number of the portfolio, say) keeps the customer counted from its own time.
	const overtaken = current !== undefined && own !== undefined && current > own;
	if (reservation.counted && !overtaken) {
		// The customer stays counted from their latest other business-initiated send, or from when they
		// were counted before this one, if under 24 h old.
		const latest = Math.max(
			reservation.reachedBefore ?? -Infinity,
			...(record?.sends ?? []).filter((send) => send.counted).map((send) => send.at),
		);
		if (latest > reachWindowStart(now)) {
			if (slice.reached[to] === undefined) slice.reachedCount++;
			slice.reached[to] = latest;
		} else if (slice.reached[to] !== undefined) {
			delete slice.reached[to];
			slice.reachedCount--;
		}
	}
	delete slice.slots[reservationId];
	return true;
}

/** Gives back reservations nobody confirmed in time. */
export function expireReservations(slice: Slice, now: number, keep?: string): void {
	for (const [id, reservation] of Object.entries(slice.reservations)) {
		if (id !== keep && reservation.expiresAt <= now) undoReservation(slice, id, now);
	}
}

/** Forgets sends no rule looks at any more (a reservation that old expired long ago). */
export function trimCustomer(record: CustomerRecord, now: number, lookbackMs: number): void {
	if (record.sends.some((send) => send.at <= now - lookbackMs))
		record.sends = record.sends.filter((send) => send.at > now - lookbackMs);
}

/** Whether a record says nothing worth keeping. */
export function isEmptyCustomer(record: CustomerRecord): boolean {
	return (
		record.sends.length === 0 &&
		!record.optedOut &&
		record.lastInbound === undefined &&
		record.agentReplyAt === undefined
	);
}

/**
 * Until when a customer's record can matter: the latest thing it holds plus the rules' lookback.
 * An opt-out is kept until the customer opts back in (undefined: keep for good).
 */
export function customerKeepUntil(record: CustomerRecord, lookbackMs: number): number | undefined {
	if (record.optedOut) return undefined;
	const latest = Math.max(
		record.lastInbound ?? 0,
		record.agentReplyAt ?? 0,
		...record.sends.map((send) => send.at),
	);
	return latest + lookbackMs;
}

export function isStaleCustomer(record: CustomerRecord, now: number, lookbackMs: number): boolean {
	const until = customerKeepUntil(record, lookbackMs);
	return until !== undefined && until <= now;
}

/** What changed between a loaded slice and the same slice after a step. */
export function diffSlice(before: Slice, after: Slice): Writes {
	const writes: Writes = { customers: {}, reached: {}, slots: {}, reservations: {} };
	for (const [id, record] of Object.entries(after.customers)) {
		const old = before.customers[id];
		if (isEmptyCustomer(record)) {
			if (old) writes.customers[id] = null;
		} else if (!old || JSON.stringify(old) !== JSON.stringify(record)) {
			writes.customers[id] = record;
		}
	}
	diffMap(before.reached, after.reached, writes.reached, (a, b) => a === b);
	diffMap(before.slots, after.slots, writes.slots, (a, b) => a === b);
	diffMap(
		before.reservations,
		after.reservations,
		writes.reservations,
		(a, b) => JSON.stringify(a) === JSON.stringify(b),
	);
	return writes;
}

function diffMap<T>(
	before: Record<string, T>,
	after: Record<string, T>,
	out: Record<string, T | null>,
	same: (a: T, b: T) => boolean,
): void {
	for (const [key, value] of Object.entries(after))
		if (!(key in before) || !same(before[key], value)) out[key] = value;
	for (const key of Object.keys(before)) if (!(key in after)) out[key] = null;
}

export function hasWrites(writes: Writes): boolean {
	return Object.values(writes).some((part) => Object.keys(part).length > 0);
}

/** A deep copy the step may change while the store keeps the loaded original to diff against. */
export function cloneSlice(slice: Slice): Slice {
	const customers: Record<string, CustomerRecord> = {};
	for (const [id, record] of Object.entries(slice.customers)) customers[id] = cloneCustomer(record);
	const reservations: Record<string, Reservation> = {};
	for (const [id, reservation] of Object.entries(slice.reservations))
		reservations[id] = { ...reservation };
	return {
		...slice,
		customers,
		reached: { ...slice.reached },
		slots: { ...slice.slots },
		reservations,
	};
}

/** Records are flat but for their sends, which are flat: spreading is a deep copy, and far cheaper than structuredClone. */
export function cloneCustomer(record: CustomerRecord): CustomerRecord {
	return { ...record, sends: record.sends.map((send) => ({ ...send })) };
}

/** Reach times within 24 h of `now`, for stores that keep them in memory. */
export function reachWindowStart(now: number): number {
	return now - LIMIT_WINDOW_MS;
}
