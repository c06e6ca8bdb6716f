/**
 * What happened to the messages sent: one track per message id from the Sender's results and the
 * statuses Meta reported, and the delivery and read rates over them.
 */
import { ownValue } from '../userKeys';
import { byCountThenKey, rate, timeStats, uniqueBy } from './stats';
import type { ConversationReport } from './types';

/** Status order: a later one implies the earlier ones (a status can skip straight to read). */
const STAGE: Record<string, number> = { sent: 1, deleted: 1, delivered: 2, read: 3, played: 3 };

export interface MessageTrack {
	statuses: Map<string, number>;
	errors: Array<{ code: number | string; title?: string }>;
	aliases?: string[];
	agent?: string;
	sender?: boolean;
	/** The first input item that mentioned the message. */
	index: number;
}

/** The `sent` status is the send; without it, the earliest status bounds it from above. */
export function sendTime(entry: MessageTrack): number | undefined {
	const sent = entry.statuses.get('sent');
	if (sent !== undefined) return sent;
	const seen = [...entry.statuses.entries()]
		.filter(([status]) => status !== 'failed')
		.map(([, time]) => time);
	return seen.length ? Math.min(...seen) : undefined;
}

export function delivery(messages: Map<string, MessageTrack>): ConversationReport['delivery'] {
	let delivered = 0;
	let read = 0;
	let failed = 0;
	const errors = new Map<string, { code: number | string; title?: string; count: number }>();
	const toDeliver: number[] = [];
	const toRead: number[] = [];
	for (const entry of messages.values()) {
		const stage = Math.max(
			0,
			...[...entry.statuses.keys()].map((status) => ownValue(STAGE, status) ?? 0),
		);
		if (stage >= 2) delivered++;
		if (stage >= 3) read++;
		if (stage < 2 && entry.statuses.has('failed')) {
			failed++;
			for (const error of uniqueBy(entry.errors, (e) => String(e.code))) {
				const key = String(error.code);
				const seen = errors.get(key) ?? {
					code: error.code,
					...(error.title ? { title: error.title } : {}),
					count: 0,
				};
				seen.count++;
				errors.set(key, seen);
			}
		}
		const sent = entry.statuses.get('sent');
		const deliveredAt = entry.statuses.get('delivered');
		const readAt = entry.statuses.get('read') ?? entry.statuses.get('played');
		if (sent !== undefined && deliveredAt !== undefined && deliveredAt >= sent)
			toDeliver.push((deliveredAt - sent) / 1000);
		if (sent !== undefined && readAt !== undefined && readAt >= sent)
			toRead.push((readAt - sent) / 1000);
	}
	const total = messages.size;
	return {
		messages: total,
		delivered,
		read,
		failed,
		pending: total - delivered - failed,
		deliveryRate: rate(delivered, total),
		readRate: rate(read, total),
		readOfDelivered: rate(read, delivered),
		failureRate: rate(failed, total),
		errors: [...errors.values()].sort(byCountThenKey((entry) => String(entry.code))),
		timeToDeliver: timeStats(toDeliver),
		timeToRead: timeStats(toRead),
	};
}
