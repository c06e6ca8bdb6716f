/** When customers write and agents answer: a weekday × hour grid in the report's time zone. */
import { IANAZone } from 'luxon';

import type { InboundRecord, OutboundRecord } from './records';
import type { ConversationReport } from './types';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Wall-clock time in a zone, fast: the zone's offset is looked up once per quarter hour of UTC
 * (every offset change in the tz database falls on one), the rest is arithmetic.
 */
export function localClock(
	zone: string,
): (time: number) => { weekday: number; hour: number; date: string } {
	const iana = IANAZone.create(zone);
	const offsets = new Map<number, number>();
	return (time) => {
		const quarter = Math.floor(time / 900_000);
		let offset = offsets.get(quarter);
		if (offset === undefined) offsets.set(quarter, (offset = iana.offset(time)));
		const local = new Date(time + offset * 60_000);
		// getUTCDay: Sunday 0; ISO weekday: Monday 1 … Sunday 7.
		return {
			weekday: local.getUTCDay() || 7,
			hour: local.getUTCHours(),
			date: local.toISOString().slice(0, 10),
		};
	};
}

export function weekHeatmap(
	inbound: InboundRecord[],
	replies: OutboundRecord[],
	zone: string,
): ConversationReport['heatmap'] {
	const grid = () => WEEKDAYS.map(() => new Array<number>(24).fill(0));
	const counts = grid();
	const outbound = grid();
	const clock = localClock(zone);
	const bin = (matrix: number[][], time: number) => {
		const local = clock(time);
		matrix[local.weekday - 1][local.hour]++;
	};
	for (const record of inbound) bin(counts, record.time);
	for (const reply of replies) if (reply.time !== undefined) bin(outbound, reply.time);
	let peak: ConversationReport['heatmap']['peak'] = null;
	for (let day = 0; day < 7; day++) {
		for (let hour = 0; hour < 24; hour++) {
			const count = counts[day][hour];
			if (count > 0 && (peak === null || count > peak.count))
				peak = { weekday: WEEKDAYS[day], hour, count };
		}
	}
	return {
		timeZone: zone,
		weekdays: [...WEEKDAYS],
		counts,
		outbound,
		total: inbound.length,
		max: Math.max(0, ...counts.flat()),
		peak,
	};
}
