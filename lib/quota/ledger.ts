/**
 * The quota ledger: what was sent to whom and when, per business phone number. Plain JSON, so
 * every store (memory, file, Redis) keeps the same document and the rules are written once.
 */
export interface SendRecord {
	at: number;
	category: string;
	template?: string;
	event?: string;
	/** Set while the send is reserved but not yet confirmed. */
	reservationId?: string;
}

export interface CustomerRecord {
	lastInbound?: number;
	optedOut?: boolean;
	agentReplyAt?: number;
	sends: SendRecord[];
}

export interface NumberLedger {
	customers: Record<string, CustomerRecord>;
	/** Customers reached by business-initiated messages outside a window: customer → first reach. */
	reached: Record<string, number>;
	/** How many entries `reached` holds: kept beside it so a decision need not count them. */
	reachedCount: number;
	/** The earliest time the next message from this number may go: sends are paced, not bursted. */
	nextSlotAt: number;
}

export interface Reservation {
	phoneNumberId: string;
	to: string;
	expiresAt: number;
	/** Whether this reservation counted the customer toward the messaging limit. */
	reached: boolean;
}

export interface Ledger {
	numbers: Record<string, NumberLedger>;
	reservations: Record<string, Reservation>;
}

export const emptyLedger = (): Ledger => ({ numbers: {}, reservations: {} });

export function numberLedger(ledger: Ledger, phoneNumberId: string): NumberLedger {
	return (ledger.numbers[phoneNumberId] ??= { customers: {}, reached: {}, reachedCount: 0, nextSlotAt: 0 });
}

export function customerRecord(number: NumberLedger, customer: string): CustomerRecord {
	return (number.customers[customer] ??= { sends: [] });
}

/** Takes back reservations nobody confirmed in time. Cheap: only outstanding reservations are read. */
export function expireReservations(ledger: Ledger, now: number): void {
	for (const [id, reservation] of Object.entries(ledger.reservations)) {
		if (reservation.expiresAt <= now) undoReservation(ledger, id);
	}
}

export function markReached(number: NumberLedger, customer: string, at: number): void {
	if (number.reached[customer] === undefined) number.reachedCount++;
	number.reached[customer] = at;
}

function unmarkReached(number: NumberLedger, customer: string): void {
	if (number.reached[customer] === undefined) return;
	delete number.reached[customer];
	number.reachedCount--;
}

/** Forgets what no rule can look at any more. Reads the whole ledger: run it now and then, not per decision. */
export function prune(ledger: Ledger, now: number, lookbackMs: number): void {
	expireReservations(ledger, now);
	for (const number of Object.values(ledger.numbers)) {
		for (const [customer, at] of Object.entries(number.reached)) if (at <= now - 24 * 3_600_000) unmarkReached(number, customer);
		for (const [key, record] of Object.entries(number.customers)) {
			record.sends = record.sends.filter((send) => send.at > now - lookbackMs);
			const quiet = record.sends.length === 0 && !record.optedOut;
			const stale = (record.lastInbound ?? 0) <= now - lookbackMs && (record.agentReplyAt ?? 0) <= now - lookbackMs;
			if (quiet && stale) delete number.customers[key];
		}
	}
}

/** Takes back everything a reservation recorded. */
export function undoReservation(ledger: Ledger, reservationId: string): void {
	const reservation = ledger.reservations[reservationId];
	if (!reservation) return;
	delete ledger.reservations[reservationId];
	const number = ledger.numbers[reservation.phoneNumberId];
	if (!number) return;
	const record = number.customers[reservation.to];
	if (record) record.sends = record.sends.filter((send) => send.reservationId !== reservationId);
	if (reservation.reached) unmarkReached(number, reservation.to);
}
