/** Small statistics and formatting helpers shared by the benchmarks. */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (values: number[]): number => percentile(values, 50);

export function ratio(ours: number, baseline: number): number {
	return baseline > 0 && Number.isFinite(ours) ? ours / baseline : Number.NaN;
}

/** 123456.7 → "123,457". */
export const int = (value: number): string =>
	Number.isFinite(value) ? Math.round(value).toLocaleString('en') : '–';

/** Milliseconds with one decimal below 10, whole above. */
export const ms = (value: number): string =>
	!Number.isFinite(value) ? '–' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;

export const times = (value: number): string =>
	Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';

/** Left-aligned first column, right-aligned others. */
export function table(rows: string[][], indent = '  '): string {
	const widths = rows[0].map((_, column) =>
		Math.max(...rows.map((row) => (row[column] ?? '').length)),
	);
	return rows
		.map(
			(row) =>
				indent +
				row
					.map((cell, column) =>
						column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
					)
					.join('   ')
					.trimEnd(),
		)
		.join('\n');
}
