/**
 * What a webhook trigger does with one POSTed delivery: verify it, keep the events it listens for,
 * drop Meta's repeats, and either answer Meta without starting anything or emit the fresh events.
 * The trigger node only reads its parameters, calls this, and writes the answer or the items.
 *
 * Every answer that starts nothing tells Meta what to do next: 200 stops the redelivery (a duplicate
 * or nothing to emit), 400/401 refuse a body that is not Meta's, 503 asks for it again later (the
 * duplicate store is down, or an earlier delivery's run still holds these events).
 */
import { randomUUID } from 'node:crypto';

import { sleep } from '../clock';
import { deliveryKey } from './deliveryDedup';
import type { ClaimResult, DeliveryDedupStore } from './deliveryDedup';
import { filterEvents, receiveDelivery } from './receive';
import type { EventFilter } from './receive';

/** One POST as it arrived: the raw bytes (the signature covers them) and X-Hub-Signature-256. */
export interface DeliveryRequest {
	rawBody: Buffer | undefined;
	signature: string | undefined;
	appSecret: string;
}

export interface DeliveryRules {
	filter: EventFilter;
	/** How long an emitted event is remembered as a duplicate; 0 turns the check off. */
	dedupWindowMs: number;
	/**
	 * Hold the claims in progress until the run's answer is known (Meta answered after the run),
	 * for at most `forMs`; without it they count as handled once emitted.
	 */
	holdUntilAnswered?: { forMs: number };
	/** Keep Meta's original part on each emitted event as `raw`. */
	includeRaw: boolean;
}

export interface DeliveryHooks {
	/** The duplicate store; asked for only when there are events to check. */
	store: () => Promise<DeliveryDedupStore>;
	/** Called with the body once its signature and envelope are verified, before anything else. */
	onVerified?: (rawBody: Buffer) => void;
}

export type DeliveryDecision =
	/** Answer Meta with this status and JSON body; start no execution. */
	| { emit: false; status: number; body: Record<string, unknown> }
	/**
	 * Start one execution with these events. With `settle`, call it once the run's answer to Meta is
	 * known (true: the run finished); it retries until the processing window ends, then gives up.
	 */
	| {
			emit: true;
			events: Array<Record<string, unknown>>;
			settle?: (handled: boolean) => Promise<void>;
	  };

export async function decideDelivery(
	request: DeliveryRequest,
	rules: DeliveryRules,
	hooks: DeliveryHooks,
): Promise<DeliveryDecision> {
	const outcome = receiveDelivery(request.rawBody, request.signature, request.appSecret);
	if (outcome.status !== 200)
		return { emit: false, status: outcome.status, body: { error: outcome.reason } };
	if (request.rawBody) hooks.onVerified?.(request.rawBody);

	const events = filterEvents(outcome.events, rules.filter);
	const windowMs = rules.dedupWindowMs;
	let fresh = events;
	let settle: ((handled: boolean) => Promise<void>) | undefined;
	if (windowMs > 0 && events.length > 0) {
		const keys = events.map((event) => `${event.phoneNumberId}:${deliveryKey(event)}`);
		const owner = randomUUID();
		const hold = rules.holdUntilAnswered;
		let store: DeliveryDedupStore;
		let claims: ClaimResult[];
		try {
			store = await hooks.store();
			const inProgress = hold ? { owner, forMs: hold.forMs } : undefined;
			claims = await store.claim(keys, windowMs, { inProgress });
		} catch (error) {
			// Neither emit (it could be a duplicate) nor drop: Meta redelivers what is not answered 200.
			return {
				emit: false,
				status: 503,
				body: {
					error: `duplicate store unavailable, deliver again later: ${(error as Error).message}`,
				},
			};
		}
		if (claims.includes('in-progress')) {
			// Another run holds some of these events (and nothing was claimed): answering 200 now
			// would lose them if that run fails.
			return {
				emit: false,
				status: 503,
				body: {
					error:
						'these events are still being processed by an earlier delivery; deliver again later',
				},
			};
		}
		const claimed = keys.filter((_, index) => claims[index] === 'claimed');
		if (hold && claimed.length > 0) {
			// Retried: a settle lost to a Redis outage would leave Meta's repeats waiting out the whole window.
			settle = async (handled) =>
				await retryFor(
					hold.forMs,
					async () => await store.settle(claimed, owner, handled, windowMs),
				);
		}
		fresh = events.filter((_, index) => claims[index] === 'claimed');
	}

	// Answer 200 so Meta stops redelivering, and start no execution.
	if (fresh.length === 0)
		return { emit: false, status: 200, body: { received: events.length, emitted: 0 } };

	const emitted = fresh.map((event) => {
		const { raw, ...json } = event as typeof event & { raw?: unknown };
		return rules.includeRaw && raw !== undefined ? { ...json, raw } : json;
	});
	return settle ? { emit: true, events: emitted, settle } : { emit: true, events: emitted };
}

/**
 * Tries again with a growing pause (1 s, 2 s, … at most 10 s) until it works or `forMs` has passed;
 * then gives up quietly, since the claims it could not settle lapse with the processing window.
 */
async function retryFor(forMs: number, attempt: () => Promise<void>): Promise<void> {
	const deadline = Date.now() + forMs;
	for (let pause = 1000; ; pause = Math.min(pause * 2, 10_000)) {
		try {
			return await attempt();
		} catch {
			if (Date.now() + pause > deadline) return;
			await sleep(pause);
		}
	}
}
