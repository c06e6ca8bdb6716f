/**
 * Conversations waiting on the business: customers whose latest messages nobody has answered yet,
 * one entry per customer, longest waiting first, with what an agent needs to follow up (the last
 * message, language, intent tags, and whether a free-form reply is still allowed). Reads the same
 * items as analyzeConversations; pure, with `now` as an option.
 */
import { IANAZone } from 'luxon';

import { detectLanguage } from '../intent/language';
import { Identities } from './identities';
import type { InboundRecord } from './records';
import { readItems, readTime } from './read';
import { compareText, round } from './stats';

export interface UnansweredOptions {
	/** The time the list is made for: epoch ms, ISO text or Date. Default: the latest event. */
	now?: number | string | Date;
	/** List a customer once their first unanswered message is at least this old. Default 30. */
	waitMinutes?: number;
	/** IANA zone for times written without an offset. Default Asia/Hong_Kong. */
	timeZone?: string;
}

export interface UnansweredConversation {
	/** The customer's E.164 number, else their business-scoped user id (or another key the items carry). */
	customer: string;
	name?: string;
	/** The first message nobody answered. */
	waitingSince: string;
	waitingMinutes: number;
	lastMessageAt: string;
	lastMessage?: string;
	lastMessageId?: string;
	/** Messages since the last reply. */
	messagesWaiting: number;
	/** The Intent Tagger's language, else detected from the waiting messages' text. */
	language?: string;
	/** Intent tags of the waiting messages, most frequent first. */
	intentTags: string[];
	/** WhatsApp allows a free-form reply for 24 h after the customer's last message; after that only a template. */
	serviceWindowOpen: boolean;
	serviceWindowClosesAt: string;
	/** Input items of the waiting messages. */
	itemIndexes: number[];
}

const SERVICE_WINDOW_MS = 24 * 3_600_000;
/**
 * Messages that ask nothing of the business: a 👍 on the last reply, a deleted message, Meta's
 * notice of a changed number. They stay in the archive but put nobody on the list.
 */
const NOT_WAITING_TYPES = new Set(['reaction', 'revoke', 'system']);

/** Throws RangeError on options that cannot be right (unknown time zone, negative wait, unreadable now). */
export function unansweredConversations(
	items: unknown[],
	opts: UnansweredOptions = {},
): UnansweredConversation[] {
	const zone = opts.timeZone?.trim() || 'Asia/Hong_Kong';
	if (!IANAZone.isValidZone(zone))
		throw new RangeError(
			`Unknown time zone "${zone}": use an IANA name such as Asia/Hong_Kong or UTC`,
		);
	const waitMinutes = opts.waitMinutes ?? 30;
	if (typeof waitMinutes !== 'number' || !Number.isFinite(waitMinutes) || waitMinutes < 0) {
		throw new RangeError(
			`waitMinutes must be a number of minutes, 0 or more, not ${String(waitMinutes)}`,
		);
	}
	const read = readItems(Array.isArray(items) ? items : [], zone);

	// Meta redelivers, and a Sender result repeats the message it answered: one record per message id.
	const inbound: InboundRecord[] = [];
	const byId = new Map<string, InboundRecord>();
	for (const record of read.inbound) {
		const seen = record.id ? byId.get(record.id) : undefined;
		if (!seen) {
			if (record.id) byId.set(record.id, record);
			inbound.push(record);
		} else {
			seen.intent ??= record.intent;
			seen.text ??= record.text;
			seen.name ??= record.name;
		}
	}

	const ids = new Identities();
	for (const record of [...inbound, ...read.outbound, ...read.statuses, ...read.tagged])
		ids.add(record.aliases, record.display);

	// The latest reply per customer: a Sender result's send time, or any status short of failed (the message got out).
	const lastReply = new Map<string, number>();
	const replied = (aliases: string[], time: number | undefined) => {
		if (!aliases.length || time === undefined) return;
		const key = ids.find(aliases[0]);
		if (time > (lastReply.get(key) ?? -Infinity)) lastReply.set(key, time);
	};
	for (const record of read.outbound) replied(record.aliases, record.time);
	for (const status of read.statuses)
		if (status.status !== 'failed') replied(status.aliases, status.time);

	let latest: number | undefined;
	const waiting = new Map<string, InboundRecord[]>();
	for (const record of inbound) {
		if (latest === undefined || record.time > latest) latest = record.time;
		if (!record.aliases.length || (record.type && NOT_WAITING_TYPES.has(record.type))) continue;
		const key = ids.find(record.aliases[0]);
		// A reply in the same second as the message answers it.
		if (record.time <= (lastReply.get(key) ?? -Infinity)) continue;
		const list = waiting.get(key) ?? [];
		list.push(record);
		waiting.set(key, list);
	}
	const now = opts.now === undefined ? latest : readNow(opts.now, zone);
	if (now === undefined) return [];

	const list: UnansweredConversation[] = [];
	for (const [key, records] of waiting) {
		records.sort((a, b) => a.time - b.time || a.index - b.index);
		const first = records[0];
		const last = records[records.length - 1];
		if (now - first.time < waitMinutes * 60_000) continue;
		const tagCounts = new Map<string, number>();
		for (const record of records)
			for (const tag of new Set([...(record.intent?.tags ?? []), ...record.tags]))
				tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
		const text = [...records].reverse().find((record) => record.text)?.text;
		const name = [...records].reverse().find((record) => record.name)?.name;
		const language =
			[...records].reverse().find((record) => record.intent?.language)?.intent?.language ??
			languageOf(records);
		list.push({
			customer: ids.label(key),
			...(name ? { name } : {}),
			waitingSince: iso(first.time),
			waitingMinutes: round(Math.max(0, now - first.time) / 60_000, 1),
			lastMessageAt: iso(last.time),
			...(text ? { lastMessage: text } : {}),
			...(last.id ? { lastMessageId: last.id } : {}),
			messagesWaiting: records.length,
			...(language ? { language } : {}),
			intentTags: [...tagCounts]
				.sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
				.map(([tag]) => tag),
			serviceWindowOpen: now < last.time + SERVICE_WINDOW_MS,
			serviceWindowClosesAt: iso(last.time + SERVICE_WINDOW_MS),
			itemIndexes: records.map((record) => record.index),
		});
	}
	return list.sort(
		(a, b) => b.waitingMinutes - a.waitingMinutes || compareText(a.customer, b.customer),
	);
}

function readNow(value: number | string | Date, zone: string): number {
	const time = readTime(value, zone);
	if (time === undefined) throw new RangeError(`now ${String(value)} is not a time`);
	return time;
}

/** The language most of the waiting texts are in, as the tagger would detect it. */
function languageOf(records: InboundRecord[]): string | undefined {
	const counts = new Map<string, number>();
	for (const record of records) {
		if (!record.text) continue;
		const language = detectLanguage(record.text);
		if (language !== 'und') counts.set(language, (counts.get(language) ?? 0) + 1);
	}
	return [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0];
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}
