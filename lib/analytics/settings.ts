/**
 * The analytics options, checked and with their defaults: a wrong option is a RangeError before
 * any item is read, never a report that is quietly wrong.
 */
import { DateTime, IANAZone } from 'luxon';

import type { AnalyticsOptions, FunnelStage } from './types';

export const DEFAULT_FUNNEL: readonly FunnelStage[] = [
	{ name: 'First contact', tags: [] },
	{ name: 'Purchase intent', tags: ['purchase_intent'] },
	{ name: 'Purchased', tags: ['purchased'] },
];

export interface Settings {
	timeZone: string;
	responseAlertMinutes: number;
	complaintRate: number;
	complaintDays: number;
	conversationGapHours: number;
	funnel: FunnelStage[];
	topWords: number;
	now?: number;
}

export function readOptions(opts: AnalyticsOptions): Settings {
	const timeZone = opts.timeZone?.trim() || 'Asia/Hong_Kong';
	if (!IANAZone.isValidZone(timeZone))
		throw new RangeError(
			`Unknown time zone "${timeZone}": use an IANA name such as Asia/Hong_Kong or UTC`,
		);
	const positive = (value: number | undefined, fallback: number, name: string) => {
		if (value === undefined || value === null) return fallback;
		if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
			throw new RangeError(`${name} must be a number above 0, not ${String(value)}`);
		return value;
	};
	const complaintRate = opts.complaintRate ?? 0.05;
	if (typeof complaintRate !== 'number' || !(complaintRate >= 0 && complaintRate < 1)) {
		throw new RangeError(
			`complaintRate is a share between 0 and 1 (0.05 = 5 %), not ${String(complaintRate)}`,
		);
	}
	const funnel = (opts.funnel ?? DEFAULT_FUNNEL).map((stage, index) => {
		const name = typeof stage?.name === 'string' ? stage.name.trim() : '';
		if (!name) throw new RangeError(`Funnel stage ${index + 1} has no name`);
		return { name, tags: (stage.tags ?? []).map((tag) => String(tag).trim()).filter(Boolean) };
	});
	let now: number | undefined;
	if (opts.now !== undefined) {
		now =
			opts.now instanceof Date
				? opts.now.getTime()
				: typeof opts.now === 'number'
					? opts.now
					: DateTime.fromISO(opts.now).toMillis();
		if (!Number.isFinite(now)) throw new RangeError(`now ${String(opts.now)} is not a time`);
	}
	return {
		timeZone,
		responseAlertMinutes: positive(opts.responseAlertMinutes, 6, 'responseAlertMinutes'),
		complaintRate,
		complaintDays: Math.round(positive(opts.complaintDays, 3, 'complaintDays')),
		conversationGapHours: positive(opts.conversationGapHours, 24, 'conversationGapHours'),
		funnel,
		topWords: Math.round(positive(opts.topWords, 10, 'topWords')),
		now,
	};
}
