/**
 * The quota guard: reserve before sending, commit after Meta accepted, release when it did not.
 * Reservations nobody confirms expire, so a crashed execution cannot hold quota forever. If the
 * store cannot be reached the guard fails closed: it defers and sends nothing.
 */
import { randomUUID } from 'node:crypto';

import type { Ledger } from './ledger';
import { customerRecord, expireReservations, markReached, numberLedger, prune, undoReservation } from './ledger';
import type { Category, FrequencyRule, QuotaRequest, QuotaRules } from './rules';
import { bookSlot, decide, DEFAULT_RULES, lookbackMs } from './rules';
import type { LedgerStore } from './stores';
import { FileLedgerStore, MemoryLedgerStore } from './stores';

export type StoreOptions = { type: 'memory' } | { type: 'file'; path: string };

export interface QuotaGuardOptions {
	store?: StoreOptions;
	/** Meta's values by default; 0 or false switches a rule off. */
	rules?: Partial<Omit<QuotaRules, 'quietHours' | 'frequency'>> & {
		quietHours?: QuotaRules['quietHours'];
		frequency?: FrequencyRule[];
	};
	/** How long an unconfirmed reservation holds its quota (default 2 min). */
	reservationTtlMs?: number;
}

export type ReserveResult =
	/** `sendAt`: when the paced throughput lets this message leave; wait until then before sending. */
	| { allowed: true; reservationId: string; sendAt: number }
	| { allowed: false; rule: string; reason: string; retryAt: number | null };

export interface QuotaUsage {
	uniqueCustomers24h: number;
	messagingLimit: number;
	/** Past the headroom share of the limit: send in batches and watch quality. */
	headroomReached: boolean;
}

export interface QuotaGuard {
	reserve(request: QuotaRequest): Promise<ReserveResult>;
	commit(reservationId: string, result: { messageId: string }): Promise<void>;
	release(reservationId: string): Promise<void>;
	/** The customer wrote: opens the service window and counts as a reply. */
	recordInbound(phoneNumberId: string, customer: string, at: number): Promise<void>;
	recordOptOut(phoneNumberId: string, customer: string, at: number, optedOut?: boolean): Promise<void>;
	/** An agent answered the customer: automation pauses for the human-takeover time. */
	recordAgentReply(phoneNumberId: string, customer: string, at: number): Promise<void>;
	usage(phoneNumberId: string, now?: number): Promise<QuotaUsage>;
	close(): Promise<void>;
}

export function createQuotaGuard(options: QuotaGuardOptions = {}): QuotaGuard {
	const rules: QuotaRules = { ...DEFAULT_RULES, ...stripUndefined(options.rules ?? {}) } as QuotaRules;
	const store = ledgerStore(options.store);
	const ttl = options.reservationTtlMs ?? 120_000;
	const lookback = lookbackMs(rules);

	// Forgetting old history reads the whole ledger: once a minute is plenty, while expired
	// reservations are given back at every step.
	let prunedAt = -Infinity;
	const step = <T>(now: number, change: (ledger: Ledger) => T) =>
		store.transact((ledger) => {
			if (Date.now() - prunedAt >= 60_000) {
				prune(ledger, now, lookback);
				prunedAt = Date.now();
			} else {
				expireReservations(ledger, now);
			}
			return change(ledger);
		});

	const touch = (phoneNumberId: string, customer: string, at: number, change: (record: ReturnType<typeof customerRecord>) => void) =>
		step(at, (ledger) => change(customerRecord(numberLedger(ledger, phoneNumberId), customer)));

	return {
		async reserve(request) {
			const now = request.now ?? Date.now();
			try {
				return await step(now, (ledger): ReserveResult => {
					const decision = decide(ledger, request, rules, now);
					if (!decision.allowed) return decision;
					const reservationId = randomUUID();
					const number = numberLedger(ledger, request.phoneNumberId);
					customerRecord(number, request.to).sends.push({
						at: now,
						category: request.category as Category,
						...(request.template ? { template: request.template } : {}),
						...(request.event ? { event: request.event } : {}),
						reservationId,
					});
					if (decision.reached) markReached(number, request.to, now);
					bookSlot(ledger, request.phoneNumberId, rules, decision.sendAt);
					ledger.reservations[reservationId] = {
						phoneNumberId: request.phoneNumberId,
						to: request.to,
						expiresAt: now + ttl,
						reached: decision.reached,
					};
					return { allowed: true, reservationId, sendAt: decision.sendAt };
				});
			} catch (error) {
				return {
					allowed: false,
					rule: 'store',
					reason: `Quota store unavailable, nothing sent: ${(error as Error).message}`,
					retryAt: now + 60_000,
				};
			}
		},

		async commit(reservationId) {
			await step(Date.now(), (ledger) => {
				const reservation = ledger.reservations[reservationId];
				if (!reservation) return;
				delete ledger.reservations[reservationId];
				const record = ledger.numbers[reservation.phoneNumberId]?.customers[reservation.to];
				for (const send of record?.sends ?? []) if (send.reservationId === reservationId) delete send.reservationId;
			});
		},

		async release(reservationId) {
			await step(Date.now(), (ledger) => undoReservation(ledger, reservationId));
		},

		recordInbound: (phoneNumberId, customer, at) =>
			touch(phoneNumberId, customer, at, (record) => void (record.lastInbound = Math.max(record.lastInbound ?? 0, at))),

		recordOptOut: (phoneNumberId, customer, at, optedOut = true) =>
			touch(phoneNumberId, customer, at, (record) => void (record.optedOut = optedOut)),

		recordAgentReply: (phoneNumberId, customer, at) =>
			touch(phoneNumberId, customer, at, (record) => void (record.agentReplyAt = Math.max(record.agentReplyAt ?? 0, at))),

		async usage(phoneNumberId, now = Date.now()) {
			return step(now, (ledger) => {
				const unique = Object.values(numberLedger(ledger, phoneNumberId).reached).filter((at) => at > now - 24 * 3_600_000).length;
				return {
					uniqueCustomers24h: unique,
					messagingLimit: rules.messagingLimit,
					headroomReached: rules.messagingLimit > 0 && unique >= rules.messagingLimit * rules.headroom,
				};
			});
		},

		close: () => store.close(),
	};
}

function ledgerStore(options: StoreOptions | undefined): LedgerStore {
	const type = (options as { type?: string } | undefined)?.type ?? 'memory';
	if (type === 'memory') return new MemoryLedgerStore();
	if (type === 'file') {
		const file = (options as { path?: string }).path;
		if (!file) throw new Error('The file quota store needs a path');
		return new FileLedgerStore(file);
	}
	// Never fall back silently: a guard on the wrong store would let limits be exceeded.
	throw new Error(`Quota store "${type}" is not available in this version; use "memory" or "file"`);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
