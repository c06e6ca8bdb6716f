/** How the WhatsApp and CRM syncs went: success rates, retries, error codes and latency per system. */
import type { MessageTrack } from './delivery';
import { sendTime } from './delivery';
import type { SyncRecord } from './records';
import { byCountThenKey, compareText, rate, timeStats } from './stats';
import type { ConversationReport, SyncSystemHealth } from './types';

export function syncHealth(
	records: SyncRecord[],
	messages: Map<string, MessageTrack>,
): ConversationReport['syncHealth'] {
	const systems = new Map<string, { records: SyncRecord[] }>();
	for (const record of records) {
		const entry = systems.get(record.system) ?? { records: [] };
		entry.records.push(record);
		systems.set(record.system, entry);
	}
	const list: SyncSystemHealth[] = [...systems.keys()].sort(compareText).map((system) => {
		const list = systems.get(system)!.records;
		const count = (outcome: SyncRecord['outcome']) =>
			list.filter((record) => record.outcome === outcome).length;
		const codes = new Map<string, { code: number | string; title?: string; count: number }>();
		const rules = new Map<string, number>();
		const latency: number[] = [];
		let retries = 0;
		let itemsRetried = 0;
		for (const record of list) {
			if (record.attempts !== undefined && record.attempts > 1) {
				retries += record.attempts - 1;
				itemsRetried++;
			}
			if (record.outcome === 'failed' && record.code !== undefined) {
				const key = String(record.code);
				const seen = codes.get(key) ?? {
					code: record.code,
					...(record.title ? { title: record.title } : {}),
					count: 0,
				};
				seen.count++;
				codes.set(key, seen);
			}
			if (record.outcome === 'deferred')
				rules.set(record.rule ?? 'other', (rules.get(record.rule ?? 'other') ?? 0) + 1);
			const done =
				record.doneTime ??
				(record.messageId && messages.has(record.messageId)
					? sendTime(messages.get(record.messageId)!)
					: undefined);
			if (
				record.outcome === 'succeeded' &&
				record.eventTime !== undefined &&
				done !== undefined &&
				done >= record.eventTime
			) {
				latency.push((done - record.eventTime) / 1000);
			}
		}
		const succeeded = count('succeeded');
		const failed = count('failed');
		return {
			system,
			total: list.length,
			succeeded,
			failed,
			deferred: count('deferred'),
			review: count('review'),
			successRate: rate(succeeded, list.length),
			retries,
			itemsRetried,
			errorCodes: [...codes.values()].sort(byCountThenKey((entry) => String(entry.code))),
			deferReasons: [...rules]
				.map(([rule, count]) => ({ rule, count }))
				.sort(byCountThenKey((entry) => entry.rule)),
			latency: timeStats(latency),
		};
	});
	const total = records.length;
	const succeeded = list.reduce((sum, system) => sum + system.succeeded, 0);
	return {
		systems: list,
		overall: {
			total,
			succeeded,
			failed: list.reduce((sum, system) => sum + system.failed, 0),
			successRate: rate(succeeded, total),
			retries: list.reduce((sum, system) => sum + system.retries, 0),
		},
	};
}
