/**
 * The quota guard: reserve before sending, commit after Meta accepted, release when it did not.
 * Reservations nobody confirms expire, so a crashed execution cannot hold quota forever. If the
 * store cannot be reached the guard fails closed: it defers and nothing is sent.
 */
import { randomUUID } from 'node:crypto';

import type { SendRecord, Slice } from './ledger';
import {
	commitReservation,
	customerRecord,
	expireReservations,
	recordReservation,
	sendWithKey,
	trimCustomer,
	undoReservation,
} from './ledger';
import type { QuotaRequest, QuotaRules } from './config';
import { CATEGORIES, DEFAULT_RULES } from './config';
import { decide, lookbackMs, requestLimit, slotSpacingMs, validateRules } from './rules';
import { FileQuotaStore } from './stores/file';
import { MemoryQuotaStore } from './stores/memory';
import { RedisQuotaStore } from './stores/redis';
import { SqliteQuotaStore } from './stores/sqlite';
import type { QuotaStore } from './stores/store';
import { QuotaStoreError } from './stores/store';

export type StoreOptions =
	/** One process, forgotten on restart. */
	| { type: 'memory' }
	/** Durable; shared by the executions and processes of one host. */
	| { type: 'file'; path: string }
	/**
	 * Durable and shared by the processes of one host, at a cost that does not grow with the ledger
	 * (Node ≥ 22.5: see `sqliteAvailable`). `importJson`: a file ledger to carry over once.
	 */
	| { type: 'sqlite'; path: string; importJson?: string }
	/** Shared by every process that reaches the Redis server (queue mode). `keyPrefix` defaults to `scrm:quota:`. */
	| { type: 'redis'; url: string; keyPrefix?: string };

export interface QuotaGuardOptions {
	/** Default: memory. */
	store?: StoreOptions;
	/** Meta's values by default (see DEFAULT_RULES); 0 or false switches a rule off. */
	rules?: Partial<QuotaRules>;
	/** How long an unconfirmed reservation holds its quota (default 2 min). */
	reservationTtlMs?: number;
	/**
	 * The guard's time for commit, release, usage and expiry (default Date.now). Requests' `now` and
	 * the `at` of recorded events must be on the same timeline.
	 */
	clock?: () => number;
}

export type ReserveResult =
	/** `sendAt`: when the paced throughput lets this message leave; wait until then before sending. */
	| { allowed: true; reservationId: string; sendAt: number }
	/**
	 * `rule`: the rule that decided `retryAt`, the earliest moment (ms epoch) the message may go.
	 * `retryAt` null: never as asked (outside the service window only a template may go; an opted-out
	 * customer gets no marketing): change the message instead of waiting.
	 */
	| { allowed: false; rule: string; reason: string; retryAt: number | null; earlier?: EarlierSend };

/**
 * The send a request's idempotency key already names (rule `duplicate`): `messageId` once Meta
 * accepted it ('' when its answer never came: it may have gone out); absent while it is reserved,
 * in which case `retryAt` is when that reservation lapses if nobody confirms it.
 */
export interface EarlierSend {
	at: number;
	messageId?: string;
}

export interface QuotaUsage {
	/** Unique customers reached by business-initiated messages in the last 24 h (reservations included). */
	uniqueCustomers24h: number;
	/** 0 = unlimited. */
	messagingLimit: number;
	/** How many more customers fit now; null when unlimited. */
	remaining: number | null;
	headroom: number;
	/** Past the headroom share of the limit: send in batches and watch quality. */
	headroomReached: boolean;
}

export interface UsageScope {
	portfolioId?: string;
	messagingLimit?: number;
}

export interface QuotaGuard {
	reserve(request: QuotaRequest): Promise<ReserveResult>;
	/** Keeps a reservation for good: Meta accepted the message. */
	commit(reservationId: string, result: { messageId: string }): Promise<void>;
	/** Gives back everything a reservation held: the message was not sent. */
	release(reservationId: string): Promise<void>;
	/** The customer wrote: opens the service window and counts as a reply. */
	recordInbound(phoneNumberId: string, customer: string, at: number): Promise<void>;
	/** The customer stopped (or, with false, resumed) marketing; the latest `at` wins. */
	recordOptOut(
		phoneNumberId: string,
		customer: string,
		at: number,
		optedOut?: boolean,
	): Promise<void>;
	/** An agent answered the customer: automation pauses for the human-takeover time. */
	recordAgentReply(phoneNumberId: string, customer: string, at: number): Promise<void>;
	/**
	 * The messaging-limit count the number's requests are decided on: with `portfolioId`, the
	 * portfolio's (all its numbers); `messagingLimit`: the limit to report against (default the rules').
	 */
	usage(phoneNumberId: string, now?: number, scope?: UsageScope): Promise<QuotaUsage>;
	close(): Promise<void>;
}

/** How long a caller should wait before asking a store that failed again. */
export const STORE_RETRY_MS = 60_000;

/**
 * When to try again after the ledger could not be reached: a store outage is "not now", never
 * "never as it is" (`retryAt: null`), since the same message goes once the store is back.
 */
export function storeRetryAt(now: number = Date.now()): number {
	return now + STORE_RETRY_MS;
}

export function createQuotaGuard(options: QuotaGuardOptions = {}): QuotaGuard {
	const rules = { ...DEFAULT_RULES, ...stripUndefined(options.rules ?? {}) } as QuotaRules;
	validateRules(rules);
	const lookback = lookbackMs(rules);
	const store = openStore(options.store, lookback);
	const ttl = options.reservationTtlMs ?? 120_000;
	const clock = options.clock ?? Date.now;
	const spacing = slotSpacingMs(rules);

	/** One atomic step on a number's slice; expired reservations are given back first. */
	const step = <T>(
		phoneNumberId: string,
		now: number,
		names: {
			customers?: string[];
			reservation?: string;
			exactCount?: boolean;
			portfolioId?: string;
			messagingLimit?: number;
		},
		change: (slice: Slice) => T,
	): Promise<T> =>
		store.transact(
			{
				phoneNumberId,
				...(names.portfolioId ? { portfolioId: names.portfolioId } : {}),
				now,
				customers: names.customers ?? [],
				reservations: names.reservation ? [names.reservation] : [],
				messagingLimit: requestLimit(names, rules),
				exactCount: names.exactCount,
				slotsFrom: now - spacing,
			},
			(slice) => {
				// The reservation being committed or released is settled by its owner, even if late.
				expireReservations(slice, now, names.reservation);
				for (const record of Object.values(slice.customers)) trimCustomer(record, now, lookback);
				return change(slice);
			},
		);

	const touch = (
		phoneNumberId: string,
		customer: string,
		change: (record: ReturnType<typeof customerRecord>) => void,
	) =>
		step(phoneNumberId, clock(), { customers: [customer] }, (slice) =>
			change(customerRecord(slice, customer)),
		);

	return {
		async reserve(request) {
			const now = request.now ?? clock();
			const invalid = invalidRequest(request);
			if (invalid) return { allowed: false, rule: 'request', reason: invalid, retryAt: null };
			try {
				return await step(
					request.phoneNumberId,
					now,
					{
						customers: [request.to],
						portfolioId: request.portfolioId,
						messagingLimit: request.messagingLimit,
					},
					(slice): ReserveResult => {
						// Checked in the same atomic step as the reservation, so two runs of one message cannot both pass.
						const earlier = request.idempotencyKey
							? sendWithKey(slice.customers[request.to], request.idempotencyKey)
							: undefined;
						if (earlier) return duplicateOf(earlier, request.idempotencyKey!, ttl);
						const decision = decide(slice, request, rules, now);
						if (!decision.allowed) return decision;
						// The number and portfolio travel in the id: commit and release find the ledger without a lookup.
						const reservationId = `${request.phoneNumberId}:${randomUUID()}${request.portfolioId ? `@${request.portfolioId}` : ''}`;
						recordReservation(slice, reservationId, request, decision, now + ttl, spacing > 0);
						return { allowed: true, reservationId, sendAt: decision.sendAt };
					},
				);
			} catch (error) {
				if (!(error instanceof QuotaStoreError)) throw error;
				return {
					allowed: false,
					rule: 'store',
					reason: `quota store unavailable: ${error.message}. Nothing was sent; try again once the store is back.`,
					retryAt: storeRetryAt(now),
				};
			}
		},

		async commit(reservationId, result) {
			const owner = ownerOf(reservationId);
			if (owner === undefined) return;
			const now = clock();
			await step(owner.phoneNumberId, now, { reservation: reservationId, ...owner }, (slice) =>
				commitReservation(slice, reservationId, result?.messageId, now),
			);
		},

		async release(reservationId) {
			const owner = ownerOf(reservationId);
			if (owner === undefined) return;
			const now = clock();
			await step(owner.phoneNumberId, now, { reservation: reservationId, ...owner }, (slice) =>
				undoReservation(slice, reservationId, now),
			);
		},

		recordInbound: (phoneNumberId, customer, at) =>
			touch(
				phoneNumberId,
				customer,
				(record) => void (record.lastInbound = Math.max(record.lastInbound ?? -Infinity, at)),
			),

		recordOptOut: (phoneNumberId, customer, at, optedOut = true) =>
			touch(phoneNumberId, customer, (record) => {
				// Webhooks arrive out of order: an older preference never overrides a newer one.
				if (record.optOutAt !== undefined && at < record.optOutAt) return;
				record.optOutAt = at;
				if (optedOut) record.optedOut = true;
				else delete record.optedOut;
			}),

		recordAgentReply: (phoneNumberId, customer, at) =>
			touch(
				phoneNumberId,
				customer,
				(record) => void (record.agentReplyAt = Math.max(record.agentReplyAt ?? -Infinity, at)),
			),

		async usage(phoneNumberId, now = clock(), scope = {}) {
			const portfolioId = validPortfolio(scope.portfolioId) ? scope.portfolioId : undefined;
			const limit = requestLimit(scope, rules);
			return step(phoneNumberId, now, { exactCount: true, portfolioId }, (slice) => {
				const unique = slice.reachedCount;
				return {
					uniqueCustomers24h: unique,
					messagingLimit: limit,
					remaining: limit > 0 ? Math.max(0, limit - unique) : null,
					headroom: rules.headroom,
					headroomReached: limit > 0 && unique >= limit * rules.headroom,
				};
			});
		},

		close: () => store.close(),
	};
}

function openStore(options: StoreOptions | undefined, lookback: number): QuotaStore {
	const type = (options as { type?: string } | undefined)?.type ?? 'memory';
	if (type === 'memory') return new MemoryQuotaStore(lookback);
	if (type === 'file') {
		const file = (options as { path?: string }).path;
		if (!file)
			throw new Error(
				'The file quota store needs a path: { type: "file", path: "/…/quota-ledger.json" }',
			);
		return new FileQuotaStore(file, { lookbackMs: lookback });
	}
	if (type === 'sqlite') {
		const { path: file, importJson } = options as { path?: string; importJson?: string };
		if (!file)
			throw new Error(
				'The sqlite quota store needs a path: { type: "sqlite", path: "/…/quota-ledger.sqlite" }',
			);
		return new SqliteQuotaStore(file, { lookbackMs: lookback, importJson });
	}
	if (type === 'redis') {
		const { url, keyPrefix } = options as { url?: string; keyPrefix?: string };
		if (!url)
			throw new Error(
				'The redis quota store needs a url: { type: "redis", url: "redis://host:6379" }',
			);
		return new RedisQuotaStore(url, { lookbackMs: lookback, keyPrefix });
	}
	// Never fall back silently: a guard on the wrong store would let limits be exceeded.
	throw new Error(`Unknown quota store "${type}": use "memory", "file", "sqlite" or "redis"`);
}

function invalidRequest(request: QuotaRequest): string | undefined {
	if (!request || typeof request.phoneNumberId !== 'string' || request.phoneNumberId === '')
		return 'The request names no business phone number id';
	if (typeof request.to !== 'string' || request.to === '')
		return 'The request names no customer (to)';
	if (!CATEGORIES.includes(request.category))
		return `Unknown message category ${JSON.stringify(request.category)}: use ${CATEGORIES.join(', ')}`;
	if (request.portfolioId !== undefined && !validPortfolio(request.portfolioId))
		return `Business portfolio id ${JSON.stringify(request.portfolioId).slice(0, 80)} is not an id: use the business id's letters, digits, - or _ (at most 64)`;
	if (
		request.messagingLimit !== undefined &&
		!(typeof request.messagingLimit === 'number' && request.messagingLimit >= 0)
	)
		return `Messaging limit ${JSON.stringify(request.messagingLimit)} must be a number ≥ 0 (0 = unlimited)`;
	return undefined;
}

/** Meta's business ids are digits; keys and reservation ids must never carry separators. */
function validPortfolio(id: unknown): id is string {
	return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

function duplicateOf(earlier: SendRecord, key: string, ttl: number): ReserveResult {
	if (earlier.reservationId !== undefined) {
		return {
			allowed: false,
			rule: 'duplicate',
			reason: `Another run is sending the message "${key}" to this customer; if it never confirms, its reservation lapses`,
			// The reservation was made at most at its send moment, and lasts ttl from when it was made.
			retryAt: earlier.at + ttl,
			earlier: { at: earlier.at },
		};
	}
	return {
		allowed: false,
		rule: 'duplicate',
		reason: earlier.messageId
			? `Already sent as "${key}" (${earlier.messageId}); not sent again`
			: `Already sent as "${key}", but WhatsApp's answer never came: it may have gone out. Check the customer's chat before sending again`,
		retryAt: null,
		earlier: { at: earlier.at, messageId: earlier.messageId ?? '' },
	};
}

/** `<phone number id>:<uuid>[@<portfolio id>]`: whose ledger and whose count a reservation holds. */
function ownerOf(
	reservationId: string,
): { phoneNumberId: string; portfolioId?: string } | undefined {
	if (typeof reservationId !== 'string') return undefined;
	const match =
		/^(.+):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:@([A-Za-z0-9_-]{1,64}))?$/.exec(
			reservationId,
		);
	if (!match) return undefined;
	return { phoneNumberId: match[1], ...(match[2] ? { portfolioId: match[2] } : {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
