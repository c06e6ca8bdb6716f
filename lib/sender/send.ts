/**
 * One message through the quota guard and the Graph API, with an outcome a person can act on:
 * sent (with its message id), deferred (why, and the earliest time it may go), or failed (Meta's
 * code, what it means, whether it was retried). A retry reuses the reservation, so it never counts
 * or sends twice; a send whose outcome is unknown is reported as such, never blindly re-sent.
 */
import { systemClock } from '../clock';
import { TransportError } from '../http/transport';
import type { Category, QuotaGuard, QuotaRequest } from '../quota';
import type { DepartureGate } from './departureGate';
import { processDepartureGate } from './departureGate';
import { GraphApiError } from '../whatsapp/errors';
import type { GraphClient, OutboundMessage } from '../whatsapp/graphClient';
import { customerOf } from '../whatsapp/recipient';

/** How the quota guard counts a message (marketing, utility, authentication, service). */
export type MessageCategory = Category;

/**
 * The part of the quota guard a send needs: createQuotaGuard's guard has it all, and a stand-in
 * need not record agent replies.
 */
export type SendGuard = Pick<
	QuotaGuard,
	'reserve' | 'commit' | 'release' | 'recordInbound' | 'recordOptOut'
> &
	Partial<Pick<QuotaGuard, 'recordAgentReply'>>;

/** What an operation asks of the guard for one message; the send adds the number and the customer. */
export type SendRequest = Omit<QuotaRequest, 'phoneNumberId' | 'to'>;

export type SendOutcome =
	/**
	 * `sentAt`: when Meta accepted it (ISO-8601), so reply times can be measured from it.
	 * `alreadySent`: an earlier request with the same idempotency key sent it; this one sent nothing.
	 */
	| {
			outcome: 'sent';
			messageId: string;
			attempts: number;
			sentAt: string;
			ledgerWarning?: string;
			alreadySent?: true;
			/** The customer's business-scoped user id, when Meta answered with one (`contacts[].user_id`). */
			userId?: string;
	  }
	| { outcome: 'wouldSend'; attempts: 0 }
	| {
			outcome: 'deferred';
			reason: string;
			rule?: string;
			retryAt: string | null;
			/** Meta's error code, when Meta's answer (not the guard) deferred it. */
			code?: number;
	  }
	| {
			outcome: 'failed';
			reason: string;
			code?: number;
			title?: string;
			retryable: boolean;
			attempts: number;
			/** The request may have reached Meta: the message may have gone out. */
			unknownOutcome?: boolean;
			fbtraceId?: string;
	  };

export interface SendOptions {
	client: GraphClient;
	guard?: SendGuard;
	phoneNumberId: string;
	message: OutboundMessage;
	request: SendRequest;
	/** Retries of transient errors after the first attempt (default 2). */
	retries?: number;
	/** First backoff in ms (default 1,000); rate-limit errors wait four times longer. */
	backoffMs?: number;
	/** How long to wait for a throughput slot before deferring instead (default 5,000 ms). */
	maxWaitMs?: number;
	/** The number's messages per second: requests leaving this process never exceed it in any second. */
	throughputPerSecond?: number;
	/** Default: the process-wide gate, shared by concurrent executions. */
	gate?: DepartureGate;
	/** Evaluate the guard and report what would happen, without sending or keeping the reservation. */
	dryRun?: boolean;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
}

const RATE_LIMITS = new Set([4, 80007, 130429, 131056]);

export async function sendThroughGuard(options: SendOptions): Promise<SendOutcome> {
	const sleep = options.sleep ?? systemClock.sleep;
	const now = options.now ?? Date.now;
	const retries = options.retries ?? 2;
	const backoffMs = options.backoffMs ?? 1000;
	const maxWaitMs = options.maxWaitMs ?? 5000;
	const request: QuotaRequest = {
		...options.request,
		phoneNumberId: options.phoneNumberId,
		to: customerOf(options.message),
	};

	let reservationId: string | undefined;
	if (options.guard) {
		// A throughput slot frees within a second: wait for it rather than defer the customer.
		const waitUntil = now() + maxWaitMs;
		for (;;) {
			const reservation = await options.guard.reserve({ ...request, now: now() });
			if (reservation.allowed) {
				reservationId = reservation.reservationId;
				// The guard paces the number's throughput: leave at the booked moment.
				if (!options.dryRun && reservation.sendAt !== undefined && reservation.sendAt > now())
					await sleep(reservation.sendAt - now());
				break;
			}
			const earlier = reservation.earlier;
			if (reservation.rule === 'duplicate' && earlier?.messageId !== undefined) {
				if (earlier.messageId)
					return {
						outcome: 'sent',
						messageId: earlier.messageId,
						attempts: 0,
						sentAt: new Date(earlier.at).toISOString(),
						alreadySent: true,
					};
				return {
					outcome: 'failed',
					reason: reservation.reason,
					retryable: false,
					attempts: 0,
					unknownOutcome: true,
				};
			}
			const retryAt = reservation.retryAt;
			if (options.dryRun || retryAt === null || retryAt > waitUntil) {
				return {
					outcome: 'deferred',
					reason: reservation.reason,
					rule: reservation.rule,
					retryAt: retryAt === null ? null : new Date(retryAt).toISOString(),
				};
			}
			await sleep(Math.max(0, retryAt - now()));
		}
	}

	if (options.dryRun) {
		if (reservationId) await options.guard!.release(reservationId);
		return { outcome: 'wouldSend', attempts: 0 };
	}

	const gate = options.gate ?? processDepartureGate;
	for (let attempt = 1; ; attempt++) {
		try {
			await gate.pass(options.phoneNumberId, options.throughputPerSecond ?? 0);
			const sent = await options.client.sendMessage(options.phoneNumberId, options.message);
			let ledgerWarning: string | undefined;
			if (reservationId) {
				try {
					await options.guard!.commit(reservationId, { messageId: sent.messageId });
				} catch (error) {
					// The message went out: reporting it failed would invite a second send. The
					// reservation still counts it until it expires.
					ledgerWarning = `Sent, but the quota ledger could not record the message id: ${(error as Error).message}`;
				}
			}
			return {
				outcome: 'sent',
				messageId: sent.messageId,
				attempts: attempt,
				sentAt: new Date(now()).toISOString(),
				...(sent.userId ? { userId: sent.userId } : {}),
				...(ledgerWarning ? { ledgerWarning } : {}),
			};
		} catch (error) {
			if (error instanceof TransportError && error.sent) {
				// Meta may have accepted it: keep the reservation counted and let a person decide.
				if (reservationId) await options.guard!.commit(reservationId, { messageId: '' });
				return {
					outcome: 'failed',
					reason: `No answer from WhatsApp after the request went out (${error.code ?? 'network error'}): the message may have been sent. Check the customer's chat before sending again.`,
					retryable: false,
					attempts: attempt,
					unknownOutcome: true,
				};
			}
			const retryable =
				error instanceof GraphApiError ? error.retryable : error instanceof TransportError;
			if (retryable && attempt <= retries) {
				const slow = error instanceof GraphApiError && RATE_LIMITS.has(error.code);
				await sleep(backoffMs * (slow ? 4 : 1) * 2 ** (attempt - 1));
				continue;
			}
			if (reservationId) await options.guard!.release(reservationId);
			if (error instanceof GraphApiError) {
				const deferred = await deferralFor(error, options, request, now());
				if (deferred) return deferred;
				return {
					outcome: 'failed',
					reason: error.message,
					code: error.code,
					title: error.title,
					retryable: error.retryable,
					attempts: attempt,
					fbtraceId: error.fbtraceId,
				};
			}
			return {
				outcome: 'failed',
				reason: (error as Error).message ?? String(error),
				retryable,
				attempts: attempt,
			};
		}
	}
}

/**
 * Meta's answers that say "not like this, and not by waiting": the item leaves on Deferred with
 * what a person can do about it, like the guard's own refusals (`retryAt: null`).
 */
async function deferralFor(
	error: GraphApiError,
	options: SendOptions,
	request: QuotaRequest,
	at: number,
): Promise<SendOutcome | undefined> {
	if (error.code === 131062) {
		// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/
		return {
			outcome: 'deferred',
			rule: 'phoneNeeded',
			code: 131062,
			reason:
				"WhatsApp refused this message to a business-scoped user id (error 131062): it needs the customer's phone number (authentication templates with one-tap, zero-tap or copy-code buttons do). Send a template with a REQUEST_CONTACT_INFO button so the customer can share their number; their answer arrives as a contacts message with the phone, which CRM Upsert stores on the same customer.",
			retryAt: null,
		};
	}
	if (error.code === 131050) {
		// The customer stopped marketing in WhatsApp: the ledger keeps it, so no later run asks again.
		let ledgerWarning: string | undefined;
		if (options.guard) {
			try {
				await options.guard.recordOptOut(options.phoneNumberId, request.to, at, true);
			} catch (failure) {
				ledgerWarning = `The quota ledger could not record the opt-out: ${(failure as Error).message}`;
			}
		}
		return {
			outcome: 'deferred',
			rule: 'optOut',
			code: 131050,
			reason: `WhatsApp refused marketing to this customer (error 131050): they stopped marketing messages from this business. Recorded as a marketing opt-out; send them none until they resume.${ledgerWarning ? ` ${ledgerWarning}` : ''}`,
			retryAt: null,
		};
	}
	return undefined;
}
