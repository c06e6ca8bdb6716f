/** Small numeric helpers shared by the analyses; every result is rounded so reports compare byte for byte. */

/** Durations in seconds, summarised. Percentiles interpolate linearly between ranks (numpy's default). */
export interface TimeStats {
	count: number;
	medianSeconds: number | null;
	p90Seconds: number | null;
	meanSeconds: number | null;
	minSeconds: number | null;
	maxSeconds: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
	if (sorted.length === 0) return null;
	const rank = (sorted.length - 1) * p;
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function timeStats(seconds: readonly number[]): TimeStats {
	const sorted = [...seconds].sort((a, b) => a - b);
	if (sorted.length === 0) {
		return {
			count: 0,
			medianSeconds: null,
			p90Seconds: null,
			meanSeconds: null,
			minSeconds: null,
			maxSeconds: null,
		};
	}
	const sum = sorted.reduce((total, value) => total + value, 0);
	return {
		count: sorted.length,
		medianSeconds: round(percentile(sorted, 0.5)!, 1),
		p90Seconds: round(percentile(sorted, 0.9)!, 1),
		meanSeconds: round(sum / sorted.length, 1),
		minSeconds: round(sorted[0], 1),
		maxSeconds: round(sorted[sorted.length - 1], 1),
	};
}

export function round(value: number, digits: number): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/** A share of a whole, 4 decimals; null when there is no whole to share. */
export function rate(part: number, whole: number): number | null {
	return whole > 0 ? round(part / whole, 4) : null;
}

/** Sorts by count (descending), then by key in code-point order: stable whatever the ICU version. */
export function byCountThenKey<T extends { count: number }>(
	key: (entry: T) => string,
): (a: T, b: T) => number {
	return (a, b) => b.count - a.count || compareText(key(a), key(b));
}

export function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** 45 s, 4.5 min, 2.3 h: the unit a person reads at a glance. */
export function formatDuration(seconds: number): string {
	if (seconds < 60) return `${round(seconds, 0)} s`;
	if (seconds < 3600) return `${round(seconds / 60, 1)} min`;
	return `${round(seconds / 3600, 1)} h`;
}

/** The first of each key, in order. */
export function uniqueBy<T>(list: T[], key: (item: T) => string): T[] {
	const seen = new Set<string>();
	return list.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}
