/**
 * Meta's rules as one pure decision over a slice of the ledger. Every store (memory, file, Redis)
 * loads a slice, runs this same function and saves the result atomically: a rule is written once.
 */
import { DateTime } from 'luxon';

import { createPhoneNormalizer } from '../phone';
import type { FrequencyRule, QuotaRequest, QuotaRules } from './config';
import { CATEGORIES, HOUR, LIMIT_WINDOW_MS } from './config';
import type { CustomerRecord, Slice } from './ledger';
import { timeZoneOf } from './timeZones';

/**
 * `sendAt`: the paced moment this message may leave (now, or up to a second later).
 * `businessInitiated`: sent outside a service window, so it counts toward the messaging limit.
 */
export type Decision =
	| { allowed: true; businessInitiated: boolean; sendAt: number }
	| { allowed: false; rule: string; reason: string; retryAt: number | null };

/**
 * Meta counts messages per second as they arrive; requests leave evenly spaced but arrive with
 * network and scheduling jitter. Pacing at 96 % of the limit keeps a 40 ms jitter from ever
 * putting one message too many into Meta's one-second window.
 */
export const THROUGHPUT_PACING = 0.96;

/** How far ahead a reservation may book a throughput slot before the caller is told to come back. */
export const MAX_SLOT_AHEAD_MS = 1000;
/** Slot times are fractional milliseconds: a retry at exactly `retryAt` must not miss by rounding. */
const SLOT_EPSILON_MS = 1e-6;

/** Time-based rules can push each other (quiet hours end, then a cap still holds): re-check this often. */
const MAX_ROUNDS = 10;

/** Campaigns reach the same customers again and again: read each number's country once. */
const toE164 = createPhoneNormalizer();

/** How far back any rule looks: the ledger forgets what is older. */
export function lookbackMs(rules: QuotaRules): number {
	return (
		Math.max(
			rules.windowHours,
			rules.humanTakeoverHours,
			24,
			...rules.frequency.map((rule) => rule.perHours),
		) * HOUR
	);
}

/** The gap between two paced sends from one number; 0 when throughput is unlimited. */
export function slotSpacingMs(rules: QuotaRules): number {
	return rules.throughputPerSecond > 0 ? 1000 / (rules.throughputPerSecond * THROUGHPUT_PACING) : 0;
}

/** The earliest moment from `from` on that is at least `spacing` away from every booked slot. */
export function earliestSlot(slots: Iterable<number>, from: number, spacing: number): number {
	let at = from;
	for (const booked of [...slots].sort((a, b) => a - b)) {
		if (booked <= at - spacing) continue;
		if (booked >= at + spacing) break;
		at = booked + spacing;
	}
	return at;
}

interface Blocked {
	rule: string;
	reason: string;
	/** When this rule stops blocking; null: never for this request (it must change, e.g. to a template). */
	until: number | null;
}

/** Decides one request against the slice's state. Pure: stores may run it again after a conflict. */
export function decide(
	slice: Slice,
	request: QuotaRequest,
	rules: QuotaRules,
	now: number,
): Decision {
	const customer: CustomerRecord = slice.customers[request.to] ?? { sends: [] };
	const windowEnds =
		rules.windowHours > 0 && customer.lastInbound !== undefined
			? customer.lastInbound + rules.windowHours * HOUR
			: -Infinity;
	const windowOpen = (t: number) => t < windowEnds;

	if (rules.optOut && customer.optedOut && request.category === 'marketing') {
		return {
			allowed: false,
			rule: 'optOut',
			reason: 'The customer opted out of marketing messages: send them none',
			retryAt: null,
		};
	}
	if (rules.usMarketing !== false && request.category === 'marketing' && isUsCustomer(request.to)) {
		return {
			allowed: false,
			rule: 'usMarketing',
			reason:
				'Meta has not delivered marketing templates to United States (+1) numbers since 1 April 2025 (error 131049): not sent. Send a utility template if this is about an order or account, or switch off the Quota Guard rule "US Marketing Block" if Meta lifts it.',
			retryAt: null,
		};
	}
	const checks = timedChecks(slice, customer, request, rules, now, windowOpen);
	const spacing = slotSpacingMs(rules);

	// Each check says until when it blocks; the earliest moment that passes them all is where
	// re-checking from each `until` stops moving. The reason names the rule that set that moment.
	let at = now;
	let binding: Blocked | undefined;
	for (let round = 0; round < MAX_ROUNDS; round++) {
		let moved = false;
		for (const check of checks) {
			const blocked = check(at);
			if (!blocked) continue;
			binding = blocked;
			if (blocked.until === null)
				return { allowed: false, rule: blocked.rule, reason: blocked.reason, retryAt: null };
			if (blocked.until > at) {
				at = blocked.until;
				moved = true;
			}
		}
		if (!moved) break;
	}
	if (binding) return { allowed: false, rule: binding.rule, reason: binding.reason, retryAt: at };
	return {
		allowed: true,
		businessInitiated: !windowOpen(now),
		sendAt: spacing > 0 ? earliestSlot(Object.values(slice.slots), now, spacing) : now,
	};
}

/**
 * A +1 phone number, or a business-scoped user id of a US user (its prefix is the country of the
 * user's number). Source: "Per-user marketing template message limits" in
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates (as quoted
 * by https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-features-whatsapp-templates.md:
 * "Starting on 4/1/2025 Meta will block marketing message templates sent to the US country code of +1").
 */
function isUsCustomer(to: string): boolean {
	// Country code 1 is the only one starting with 1, so a WhatsApp id (digits) of 1… is a +1 number.
	return to.startsWith('+1') || /^1\d+$/.test(to) || to.startsWith('US.');
}

function timedChecks(
	slice: Slice,
	customer: CustomerRecord,
	request: QuotaRequest,
	rules: QuotaRules,
	now: number,
	windowOpen: (t: number) => boolean,
): Array<(t: number) => Blocked | undefined> {
	const checks: Array<(t: number) => Blocked | undefined> = [];

	if (request.freeForm && rules.windowHours > 0) {
		const closed = `No message from the customer in the last ${rules.windowHours} h (the customer-service window): only a template can be sent`;
		const closing = `The customer-service window closes before the other rules let this message go: only a template can be sent then`;
		checks.push((t) =>
			windowOpen(t)
				? undefined
				: { rule: 'window', reason: t === now ? closed : closing, until: null },
		);
	}

	if (rules.humanTakeoverHours > 0 && customer.agentReplyAt !== undefined) {
		const until = customer.agentReplyAt + rules.humanTakeoverHours * HOUR;
		const reason = `An agent is talking to this customer: automation pauses ${rules.humanTakeoverHours} h after their last reply`;
		checks.push((t) => (t < until ? { rule: 'humanTakeover', reason, until } : undefined));
	}

	if (rules.quietHours && request.category === 'marketing') {
		const quiet = rules.quietHours;
		const zone = customerTimeZone(request.to);
		if (zone) {
			const reason = `Quiet hours (${quiet.start}–${quiet.end}) in the customer's local time (${zone}): marketing waits until they end`;
			checks.push((t) => {
				const until = quietUntil(zone, quiet, t);
				return until === undefined ? undefined : { rule: 'quietHours', reason, until };
			});
		}
	}

	if (rules.pairRateSeconds > 0 && customer.sends.length > 0) {
		const last = Math.max(
			...customer.sends.map((send) => Math.max(send.at, send.confirmedAt ?? -Infinity)),
		);
		const until = last + rules.pairRateSeconds * 1000;
		const reason = `Less than ${rules.pairRateSeconds} s since the last message to this customer (Meta's pair rate)`;
		checks.push((t) => (t < until ? { rule: 'pairRate', reason, until } : undefined));
	}

	for (const rule of rules.frequency) {
		if (rule.max <= 0 || rule.perHours <= 0) continue;
		if (rule.category && rule.category !== request.category) continue;
		if (rule.sameTemplate && !request.template) continue;
		if (rule.sameEvent && !request.event) continue;
		const times = customer.sends
			.filter((send) => !rule.category || send.category === rule.category)
			.filter((send) => !rule.sameTemplate || send.template === request.template)
			.filter((send) => !rule.sameEvent || send.event === request.event)
			.filter(
				(send) =>
					!rule.onlyIfNoReply ||
					customer.lastInbound === undefined ||
					send.at > customer.lastInbound,
			)
			.map((send) => send.at)
			.sort((a, b) => a - b);
		const span = rule.perHours * HOUR;
		const reason = `At most ${rule.max} per ${formatHours(rule.perHours)} to this customer (${rule.name ?? describeRule(rule)})`;
		checks.push((t) => {
			const inWindow = times.filter((at) => at > t - span);
			return inWindow.length >= rule.max
				? { rule: 'frequency', reason, until: inWindow[inWindow.length - rule.max] + span }
				: undefined;
		});
	}

	const limit = requestLimit(request, rules);
	if (limit > 0) {
		const reachedAt = slice.reached[request.to];
		const reason = `Messaging limit reached: ${limit.toLocaleString('en')} customers in a rolling 24 h for this ${request.portfolioId ? 'business portfolio (all its numbers)' : 'business'}; customers in an open service window can still be answered`;
		checks.push((t) => {
			if (windowOpen(t)) return undefined;
			// Reaching a customer who is already counted adds nobody.
			if (reachedAt !== undefined && reachedAt > t - LIMIT_WINDOW_MS) return undefined;
			// The count is live (reservations given back in this step lower it); when one more fits was
			// read with the slice, so after such a give-back it can only be later than the truth.
			if (slice.reachedCount < limit) return undefined;
			const frees = slice.limitFreesAt ?? now + LIMIT_WINDOW_MS;
			return t < frees ? { rule: 'messagingLimit', reason, until: frees } : undefined;
		});
	}

	if (rules.throughputPerSecond > 0) {
		const spacing = slotSpacingMs(rules);
		const booked = Object.values(slice.slots);
		const reason = `This number is sending at its ${rules.throughputPerSecond} messages per second: wait for a free slot`;
		checks.push((t) => {
			const slot = earliestSlot(booked, t, spacing);
			return slot - t > MAX_SLOT_AHEAD_MS + SLOT_EPSILON_MS
				? { rule: 'throughput', reason, until: slot - MAX_SLOT_AHEAD_MS }
				: undefined;
		});
	}

	return checks;
}

/** The messaging limit a request is decided under: its own (Meta's current one), else the rules'. */
export function requestLimit(request: { messagingLimit?: number }, rules: QuotaRules): number {
	const own = request.messagingLimit;
	return typeof own === 'number' && Number.isFinite(own) && own >= 0 ? own : rules.messagingLimit;
}

function formatHours(hours: number): string {
	if (hours % 24 === 0 && hours >= 48) return `${hours / 24} days`;
	return `${hours} h`;
}

function describeRule(rule: FrequencyRule): string {
	const what = [
		rule.category,
		rule.sameTemplate ? 'same template' : '',
		rule.sameEvent ? 'same event' : '',
	]
		.filter(Boolean)
		.join(', ');
	return `${what || 'any message'}${rule.onlyIfNoReply ? ' without a reply' : ''}`;
}

/**
 * The customer's time zone: a phone number's country, or the country a business-scoped user id
 * starts with (`HK.1502576394655843`).
 */
export function customerTimeZone(to: string): string | undefined {
	const bsuid = /^([A-Za-z]{2})\./.exec(to);
	if (bsuid) return timeZoneOf(bsuid[1]);
	const phone = toE164(to.startsWith('+') ? to : `+${to}`);
	return phone.ok ? timeZoneOf(phone.country) : undefined;
}

/** When quiet hours end in `zone`, or undefined when `at` is outside them. */
function quietUntil(
	zone: string,
	quiet: { start: string; end: string },
	at: number,
): number | undefined {
	const local = DateTime.fromMillis(at, { zone });
	const [startHour, startMinute] = quiet.start.split(':').map(Number);
	const [endHour, endMinute] = quiet.end.split(':').map(Number);
	const minutes = local.hour * 60 + local.minute;
	const start = startHour * 60 + startMinute;
	const end = endHour * 60 + endMinute;
	const inside =
		start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
	if (!inside) return undefined;
	let until = local.set({ hour: endHour, minute: endMinute, second: 0, millisecond: 0 });
	if (until <= local) until = until.plus({ days: 1 });
	return until.toMillis();
}

/** Checks user-edited rules once, when the guard is made, so a typo fails loudly instead of disabling a rule. */
export function validateRules(rules: QuotaRules): void {
	const problems: string[] = [];
	for (const key of [
		'windowHours',
		'messagingLimit',
		'headroom',
		'pairRateSeconds',
		'throughputPerSecond',
		'humanTakeoverHours',
	] as const) {
		const value = rules[key];
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
			problems.push(`${key} must be a number ≥ 0 (got ${JSON.stringify(value)})`);
	}
	if (rules.headroom > 1)
		problems.push(`headroom is a share of the limit, between 0 and 1 (got ${rules.headroom})`);
	if (rules.quietHours) {
		for (const key of ['start', 'end'] as const) {
			if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(String(rules.quietHours[key])))
				problems.push(
					`quietHours.${key} must be HH:MM (got ${JSON.stringify(rules.quietHours[key])})`,
				);
		}
	}
	if (!Array.isArray(rules.frequency)) problems.push('frequency must be a list of rules');
	else {
		rules.frequency.forEach((rule, index) => {
			const label = `frequency[${index}]`;
			if (typeof rule !== 'object' || rule === null)
				return void problems.push(`${label} must be an object`);
			if (typeof rule.max !== 'number' || !(rule.max >= 0))
				problems.push(`${label}.max must be a number ≥ 0`);
			if (typeof rule.perHours !== 'number' || !(rule.perHours >= 0))
				problems.push(`${label}.perHours must be a number ≥ 0`);
			if (rule.category !== undefined && !CATEGORIES.includes(rule.category))
				problems.push(`${label}.category must be one of ${CATEGORIES.join(', ')}`);
		});
	}
	if (problems.length > 0) throw new Error(`Invalid quota rules: ${problems.join('; ')}`);
}
