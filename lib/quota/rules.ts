/**
 * Meta's rules as one pure decision over the ledger: every store evaluates the same function under
 * its own lock, so a rule is written once and concurrent reservations see each other.
 */
import { DateTime } from 'luxon';

import { createPhoneNormalizer } from '../phone';
import type { Ledger } from './ledger';
import { customerRecord, numberLedger } from './ledger';
import { timeZoneOf } from './timeZones';

export type Category = 'marketing' | 'utility' | 'authentication' | 'service';

export interface QuotaRequest {
	phoneNumberId: string;
	/** E.164 phone number or business-scoped user id. */
	to: string;
	category: Category;
	template?: string;
	/** Free-form (not a template): allowed only inside the customer-service window. */
	freeForm?: boolean;
	/** A key for the event a message is about, for "the same service event at least 6 h apart". */
	event?: string;
	now?: number;
}

/**
 * A cap on messages to one customer. Matches sends of `category` (any when absent), of the same
 * template or the same event when asked; `onlyIfNoReply` counts only sends since the customer last wrote.
 */
export interface FrequencyRule {
	name: string;
	category?: Category;
	sameTemplate?: boolean;
	sameEvent?: boolean;
	onlyIfNoReply?: boolean;
	max: number;
	perHours: number;
}

export interface QuotaRules {
	windowHours: number;
	messagingLimit: number;
	headroom: number;
	frequency: FrequencyRule[];
	pairRateSeconds: number;
	throughputPerSecond: number;
	optOut: boolean;
	humanTakeoverHours: number;
	quietHours: { start: string; end: string } | false;
}

export const DEFAULT_FREQUENCY: FrequencyRule[] = [
	{ name: 'marketing without a reply', category: 'marketing', onlyIfNoReply: true, max: 1, perHours: 24 },
	{ name: 'same template', sameTemplate: true, max: 5, perHours: 30 * 24 },
	{ name: 'promotions', category: 'marketing', max: 1, perHours: 7 * 24 },
	{ name: 'same service event', sameEvent: true, max: 1, perHours: 6 },
];

export const DEFAULT_RULES: QuotaRules = {
	windowHours: 24,
	messagingLimit: 250,
	headroom: 0.8,
	frequency: DEFAULT_FREQUENCY,
	pairRateSeconds: 6,
	throughputPerSecond: 80,
	optOut: true,
	humanTakeoverHours: 12,
	quietHours: { start: '21:00', end: '09:00' },
};

/** `sendAt`: the paced moment this message may leave (now, or a few ms later). */
export type Decision =
	| { allowed: true; reached: boolean; sendAt: number }
	| { allowed: false; rule: string; reason: string; retryAt: number | null };

/**
 * Meta counts messages per second as they arrive; requests leave evenly spaced but arrive with
 * network and scheduling jitter. Pacing at 96 % of the limit keeps a 40 ms jitter from ever
 * putting one message too many into Meta's one-second window.
 */
export const THROUGHPUT_PACING = 0.96;

/** How far ahead a reservation may book a throughput slot before the caller is told to come back. */
const MAX_SLOT_AHEAD_MS = 1000;

const HOUR = 3_600_000;

/** Campaigns reach the same customers again and again: read each number's country once. */
const toE164 = createPhoneNormalizer();

/** How far back any rule looks: the ledger forgets what is older. */
export function lookbackMs(rules: QuotaRules): number {
	return Math.max(rules.windowHours, rules.humanTakeoverHours, 24, ...rules.frequency.map((rule) => rule.perHours)) * HOUR;
}

/** Books the throughput slot of an allowed message. */
export function bookSlot(ledger: Ledger, phoneNumberId: string, rules: QuotaRules, sendAt: number): void {
	if (rules.throughputPerSecond <= 0) return;
	numberLedger(ledger, phoneNumberId).nextSlotAt = sendAt + 1000 / (rules.throughputPerSecond * THROUGHPUT_PACING);
}

export function decide(ledger: Ledger, request: QuotaRequest, rules: QuotaRules, now: number): Decision {
	const number = numberLedger(ledger, request.phoneNumberId);
	const customer = customerRecord(number, request.to);
	const windowOpen = rules.windowHours > 0 && customer.lastInbound !== undefined && now - customer.lastInbound < rules.windowHours * HOUR;
	const deny = (rule: string, reason: string, retryAt: number | null): Decision => ({ allowed: false, rule, reason, retryAt });

	if (request.freeForm && rules.windowHours > 0 && !windowOpen) {
		return deny(
			'window',
			`More than ${rules.windowHours} h since the customer last wrote${customer.lastInbound ? '' : ' (or they never did)'}: only a template can be sent`,
			null,
		);
	}
	if (rules.optOut && customer.optedOut && request.category === 'marketing') {
		return deny('optOut', 'The customer opted out of marketing messages', null);
	}
	if (rules.humanTakeoverHours > 0 && customer.agentReplyAt !== undefined) {
		const until = customer.agentReplyAt + rules.humanTakeoverHours * HOUR;
		if (now < until) return deny('humanTakeover', `An agent is talking to this customer: automation pauses ${rules.humanTakeoverHours} h after their reply`, until);
	}
	if (rules.quietHours && request.category === 'marketing') {
		const until = quietUntil(request.to, rules.quietHours, now);
		if (until !== undefined) {
			return deny('quietHours', `Quiet hours (${rules.quietHours.start}–${rules.quietHours.end}) in the customer's local time`, until);
		}
	}
	const settled = customer.sends;
	if (rules.pairRateSeconds > 0 && settled.length > 0) {
		const last = Math.max(...settled.map((send) => send.at));
		const until = last + rules.pairRateSeconds * 1000;
		if (now < until) return deny('pairRate', `Less than ${rules.pairRateSeconds} s since the last message to this customer`, until);
	}
	for (const rule of rules.frequency) {
		if (rule.max <= 0 || rule.perHours <= 0) continue;
		if (rule.category && rule.category !== request.category) continue;
		if (rule.sameTemplate && !request.template) continue;
		if (rule.sameEvent && !request.event) continue;
		const since = Math.max(now - rule.perHours * HOUR, rule.onlyIfNoReply ? (customer.lastInbound ?? -Infinity) : -Infinity);
		const matching = settled
			.filter((send) => send.at > since)
			.filter((send) => !rule.category || send.category === rule.category)
			.filter((send) => !rule.sameTemplate || send.template === request.template)
			.filter((send) => !rule.sameEvent || send.event === request.event)
			.map((send) => send.at)
			.sort((a, b) => a - b);
		if (matching.length >= rule.max) {
			const until = matching[matching.length - rule.max] + rule.perHours * HOUR;
			return deny('frequency', `At most ${rule.max} per ${rule.perHours} h to this customer (${rule.name})`, until);
		}
	}
	// Business-initiated: the customer has no open window to reply into.
	const reached = !windowOpen && rules.messagingLimit > 0 && number.reached[request.to] === undefined;
	// Entries older than 24 h may linger until the next prune: count precisely only near the limit.
	if (reached && number.reachedCount >= rules.messagingLimit) {
		const times = Object.values(number.reached)
			.filter((at) => at > now - 24 * HOUR)
			.sort((a, b) => a - b);
		if (times.length >= rules.messagingLimit) {
			return deny(
				'messagingLimit',
				`Messaging limit reached: ${rules.messagingLimit} customers in a rolling 24 h for this business`,
				times[times.length - rules.messagingLimit] + 24 * HOUR,
			);
		}
	}
	let sendAt = now;
	if (rules.throughputPerSecond > 0) {
		sendAt = Math.max(now, number.nextSlotAt);
		if (sendAt - now > MAX_SLOT_AHEAD_MS) {
			return deny('throughput', `${rules.throughputPerSecond} messages per second from this number`, sendAt - MAX_SLOT_AHEAD_MS);
		}
	}
	return { allowed: true, reached, sendAt };
}

/** When quiet hours end for this customer, or undefined outside them (or with no known time zone). */
function quietUntil(to: string, quiet: { start: string; end: string }, now: number): number | undefined {
	const phone = toE164(to.startsWith('+') ? to : `+${to}`);
	const zone = phone.ok ? timeZoneOf(phone.country) : undefined;
	if (!zone) return undefined;
	const local = DateTime.fromMillis(now, { zone });
	const [startHour, startMinute] = quiet.start.split(':').map(Number);
	const [endHour, endMinute] = quiet.end.split(':').map(Number);
	const minutes = local.hour * 60 + local.minute;
	const start = startHour * 60 + startMinute;
	const end = endHour * 60 + endMinute;
	const inside = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
	if (!inside) return undefined;
	let until = local.set({ hour: endHour, minute: endMinute, second: 0, millisecond: 0 });
	if (until <= local) until = until.plus({ days: 1 });
	return until.toMillis();
}
