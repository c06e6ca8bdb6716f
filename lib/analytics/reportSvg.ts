/**
 * What the report's charts are drawn with: a 360-unit-wide SVG canvas (a phone's CSS width, scaled
 * to the page), WhatsApp's colours, text measured roughly enough to size label columns, horizontal
 * bars, and the page's number and date formats. All text from the data goes through `esc`.
 */
import { formatDuration } from './stats';
import type { TimeStats } from './types';

export const W = 360;
export const GREEN = '#25D366';
export const TEAL = '#128C7E';
export const DARK = '#075E54';
export const LIGHT = '#DCF8C6';
export const RED = '#D93025';
export const AMBER = '#F29900';
export const GREY = '#9AA0A6';

export interface Formatters {
	int(value: number): string;
	pct(value: number | null): string;
	dur(seconds: number | null): string;
	/** Median and p90 as `4 / 7 min`, the unit said once when both share it. */
	pair(stats: TimeStats): string;
	date(isoText: string, zone: string): string;
}

export function formatters(locale: string): Formatters {
	const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
	const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
	return {
		int: (value) => int.format(value),
		pct: (value) => (value === null ? '–' : pct.format(value)),
		dur: (seconds) => (seconds === null ? '–' : formatDuration(seconds)),
		pair: (stats) => {
			if (stats.medianSeconds === null || stats.p90Seconds === null) return '–';
			const [median, p90] = [formatDuration(stats.medianSeconds), formatDuration(stats.p90Seconds)];
			const unit = (text: string) => text.slice(text.indexOf(' '));
			return unit(median) === unit(p90)
				? `${median.slice(0, median.indexOf(' '))} / ${p90}`
				: `${median} / ${p90}`;
		},
		date: (isoText, zone) => {
			const date = new Date(isoText);
			return new Intl.DateTimeFormat(locale, {
				timeZone: zone,
				year: 'numeric',
				month: 'short',
				day: 'numeric',
				hour: '2-digit',
				minute: '2-digit',
			}).format(date);
		},
	};
}

export function safeLocale(locale: string | undefined): string {
	try {
		return Intl.getCanonicalLocales(locale?.trim() || 'en')[0] ?? 'en';
	} catch {
		return 'en';
	}
}

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
	return String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function section(heading: string, body: string): string {
	return `<section><h2>${esc(heading)}</h2>${body}</section>`;
}

export function empty(text: string): string {
	return `<p class="empty">${esc(text)}</p>`;
}

/** A panel the report's input cannot fill: said plainly, so an empty chart does not read as broken. */
export function missing(what: string): string {
	return `<p class="missing">Not in this report's input: ${esc(what)}.</p>`;
}

export function chart(name: string, title: string, height: number, body: string): string {
	const h = Math.ceil(height);
	return `<svg data-chart="${esc(name)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="chart-${esc(name)}"><title id="chart-${esc(name)}">${esc(title)}</title>${body}</svg>`;
}

export function text(x: number, y: number, content: string, attrs = ''): string {
	return `<text x="${n(x)}" y="${n(y)}" ${attrs}>${esc(content)}</text>`;
}

export function n(value: number): string {
	return String(Math.round(value * 10) / 10);
}

export const WIDE =
	/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
/** Thai vowel and tone marks sit above or below their consonant and take no width. */
export const THAI_MARK = /[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]/u;

/** About how wide a label is at this font size (CJK a full em, marks nothing, the rest ~0.6 em). */
export function textWidth(label: string, size: number): number {
	let width = 0;
	for (const char of label) width += WIDE.test(char) ? size : THAI_MARK.test(char) ? 0 : size * 0.6;
	return width;
}

/** A label cut to fit `max` units (kept whole when it fits), ending in "…" when cut. */
export function cut(label: string, max: number, size = 12): string {
	if (textWidth(label, size) <= max) return label;
	let out = '';
	for (const char of label) {
		if (textWidth(`${out}${char}…`, size) > max) break;
		out += char;
	}
	return `${out.replace(/\s+$/, '')}…`;
}

export interface BarRow {
	label: string;
	value: number;
	shown: string;
	color?: string;
	/** A marker drawn on the row (e.g. p90). */
	marker?: number;
}

/**
 * Horizontal bars: a label column as wide as the longest label (up to half the chart), bars scaled
 * to the largest value (or `max`), the value after each bar and its marker.
 */
export function bars(
	name: string,
	title: string,
	rows: BarRow[],
	opts: {
		max?: number;
		line?: { value: number; label: string };
		/** Drawn below the rows, from the given y. */
		legend?: (y: number) => string;
	} = {},
): string {
	const widest = Math.max(0, ...rows.map((r) => textWidth(r.label, 12)));
	const left = Math.min(W / 2, Math.max(56, Math.ceil(widest) + 12));
	const right = W - 64;
	const row = 24;
	const top = opts.line ? 16 : 4;
	const max = Math.max(
		opts.max ?? 0,
		opts.line?.value ?? 0,
		...rows.map((r) => Math.max(r.value, r.marker ?? 0)),
		1e-9,
	);
	const x = (value: number) => left + ((right - left) * value) / max;
	let body = '';
	rows.forEach((r, index) => {
		const y = top + index * row;
		const label = cut(r.label, left - 10);
		body += `<text x="${n(left - 6)}" y="${n(y + 15)}" text-anchor="end" font-size="12" fill="#111b21">${label === r.label ? '' : `<title>${esc(r.label)}</title>`}${esc(label)}</text>`;
		body += `<rect x="${left}" y="${y + 4}" width="${n(Math.max(1.5, x(r.value) - left))}" height="15" rx="3" fill="${r.color ?? GREEN}"/>`;
		if (r.marker !== undefined)
			body += `<rect x="${n(x(r.marker) - 1)}" y="${y + 1}" width="2.5" height="21" fill="${DARK}"/>`;
		// The value clear of the bar's end and of its marker.
		body += text(
			x(Math.max(r.value, r.marker ?? 0)) + (r.marker !== undefined ? 8 : 5),
			y + 15,
			r.shown,
			'font-size="11" fill="#3b4a54"',
		);
	});
	let height = top + rows.length * row + 4;
	if (opts.line) {
		const lx = x(opts.line.value);
		body += `<path d="M${n(lx)} ${top - 4}V${top + rows.length * row}" stroke="${RED}" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>`;
		// Kept inside the chart when the target sits near an edge.
		const anchor = lx > W - 60 ? 'end' : lx < left + 40 ? 'start' : 'middle';
		body += text(lx, 10, opts.line.label, `text-anchor="${anchor}" font-size="10" fill="${RED}"`);
	}
	if (opts.legend) {
		body += opts.legend(height + 2);
		height += 20;
	}
	return chart(name, title, height, body);
}
