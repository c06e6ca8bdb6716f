/**
 * The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets,
 * so it can be mailed, attached to a ticket or opened offline on a phone. Charts are drawn 360 units
 * wide (a phone's CSS width) and scale up to the page on larger screens. Every chart is an
 * `<svg data-chart="…">` with a `<title>`. All text from the data (names, words, tags, reasons)
 * goes through `esc`.
 */
import { Info } from 'luxon';

import { intentName } from './intentNames';
import { formatDuration } from './stats';
import type { ConversationReport, TimeStats } from './types';

export interface RenderOptions {
	/** Default 'WhatsApp conversation report'. */
	title?: string;
	/** BCP 47 tag for numbers and weekday names (e.g. 'en', 'zh-HK', 'th', 'ru'). Default 'en'. */
	locale?: string;
}

const W = 360;
const GREEN = '#25D366';
const TEAL = '#128C7E';
const DARK = '#075E54';
const LIGHT = '#DCF8C6';
const RED = '#D93025';
const AMBER = '#F29900';
const GREY = '#9AA0A6';
const LANGUAGE_NAMES: Record<string, string> = {
	zh: '中文 Chinese',
	en: 'English',
	th: 'ไทย Thai',
	ru: 'Русский Russian',
};

export function renderReportHtml(report: ConversationReport, opts: RenderOptions = {}): string {
	const locale = safeLocale(opts.locale);
	const title = opts.title?.trim() || 'WhatsApp conversation report';
	const fmt = formatters(locale);
	const panels = [
		section('Response times by agent', responseChart(report, fmt) + responseTable(report, fmt)),
		section(`Busiest hours (${report.heatmap.timeZone})`, heatmapChart(report, locale)),
		section('Intent mix', intentChart(report, fmt, locale)),
		section('Complaint rate by day', complaintChart(report, fmt)),
		section('Hot words', hotWordCharts(report, fmt)),
		section('Conversion funnel', funnelChart(report, fmt)),
		section('Delivery and read rates', deliveryChart(report, fmt)),
		section('Sync health', syncChart(report, fmt)),
		section('Customers waiting for a reply', waitingTable(report, fmt)),
		report.skipped.count > 0 ? section('Skipped items', skippedTable(report, fmt)) : '',
	];
	const sections = [
		alerts(report),
		kpis(report, fmt),
		`<div class="panels">${panels.join('\n')}</div>`,
	];
	const period =
		report.period.from && report.period.to
			? `${fmt.date(report.period.from, report.timeZone)} – ${fmt.date(report.period.to, report.timeZone)}`
			: 'No dated events';
	return `<!DOCTYPE html>
<html lang="${esc(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(title)}</h1><p class="meta">${esc(period)} · ${esc(report.timeZone)} · ${fmt.int(report.totals.items)} items, ${fmt.int(report.totals.customers)} customers</p></header>
${sections.join('\n')}
<footer>n8n-nodes-whatsapp-scrm · SCRM Analytics${report.asOf ? ` · as of ${esc(fmt.date(report.asOf, report.timeZone))}` : ''}</footer>
</main>
</body>
</html>
`;
}

/**
 * System fonts first, then the CJK and Thai faces of each platform (Noto on Linux and Android,
 * PingFang and Thonburi on Apple, Microsoft YaHei / JhengHei and Leelawadee on Windows, Debian's
 * TLWG Thai faces), so Chinese and Thai never fall back to boxes.
 */
const LATIN = 'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial';
const THAI =
	'"Noto Sans Thai","Noto Sans Thai UI",Thonburi,"Leelawadee UI",Leelawadee,Loma,Garuda,"Tlwg Typo"';
const FONTS = `${LATIN},"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",${THAI},sans-serif`;
const FONTS_HANT = `${LATIN},"Noto Sans CJK TC","Noto Sans TC","PingFang TC","PingFang HK","Microsoft JhengHei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",${THAI},sans-serif`;

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f0f2f5;color:#111b21;font:15px/1.45 ${FONTS}}
:lang(zh-HK),:lang(zh-TW),:lang(zh-MO),:lang(zh-Hant){font-family:${FONTS_HANT}}
main{max-width:1560px;margin:0 auto;padding:12px}
.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:0 12px;align-items:start}
header h1{margin:4px 0;font-size:1.35rem;color:${DARK}}
.meta,footer{color:#54656f;font-size:.85rem}
footer{margin:16px 0;text-align:center}
section{background:#fff;border-radius:12px;padding:12px 14px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:1.05rem;margin:0 0 8px;color:${DARK}}
h3{font-size:.95rem;margin:12px 0 4px}
svg{display:block;width:100%;height:auto;margin:4px 0}
svg text{font-family:inherit}
.alert{border-radius:10px;padding:10px 12px;margin:8px 0;border-left:6px solid}
.alert.critical{background:#fce8e6;border-color:${RED}}
.alert.warning{background:#fef7e0;border-color:${AMBER}}
.alert.ok{background:${LIGHT};border-color:${GREEN}}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;background:none;box-shadow:none;padding:0}
.kpi{background:#fff;border-radius:12px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.kpi b{display:block;font-size:1.3rem;color:${DARK}}
.kpi span{font-size:.8rem;color:#54656f}
table{width:100%;border-collapse:collapse;font-size:.78rem;margin-top:6px}
small{font-weight:400;color:#54656f}
th,td{text-align:left;padding:4px 4px;border-bottom:1px solid #e9edef;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;color:#3b4a54}
tr.total td{font-weight:600}
.scroll{overflow-x:auto}
td.n,th.n{text-align:right;white-space:nowrap}
.empty{color:#54656f;font-style:italic}
.missing{color:#54656f;background:#f5f6f7;border-radius:8px;padding:8px 10px}
.words{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:8px}
`;

interface Formatters {
	int(value: number): string;
	pct(value: number | null): string;
	dur(seconds: number | null): string;
	/** Median and p90 as `4 / 7 min`, the unit said once when both share it. */
	pair(stats: TimeStats): string;
	date(isoText: string, zone: string): string;
}

function formatters(locale: string): Formatters {
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

function safeLocale(locale: string | undefined): string {
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

function section(heading: string, body: string): string {
	return `<section><h2>${esc(heading)}</h2>${body}</section>`;
}

function empty(text: string): string {
	return `<p class="empty">${esc(text)}</p>`;
}

/** A panel the report's input cannot fill: said plainly, so an empty chart does not read as broken. */
function missing(what: string): string {
	return `<p class="missing">Not in this report's input: ${esc(what)}.</p>`;
}

function chart(name: string, title: string, height: number, body: string): string {
	const h = Math.ceil(height);
	return `<svg data-chart="${esc(name)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="chart-${esc(name)}"><title id="chart-${esc(name)}">${esc(title)}</title>${body}</svg>`;
}

function text(x: number, y: number, content: string, attrs = ''): string {
	return `<text x="${n(x)}" y="${n(y)}" ${attrs}>${esc(content)}</text>`;
}

function n(value: number): string {
	return String(Math.round(value * 10) / 10);
}

const WIDE =
	/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
/** Thai vowel and tone marks sit above or below their consonant and take no width. */
const THAI_MARK = /[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]/u;

/** About how wide a label is at this font size (CJK a full em, marks nothing, the rest ~0.6 em). */
function textWidth(label: string, size: number): number {
	let width = 0;
	for (const char of label) width += WIDE.test(char) ? size : THAI_MARK.test(char) ? 0 : size * 0.6;
	return width;
}

/** A label cut to fit `max` units (kept whole when it fits), ending in "…" when cut. */
function cut(label: string, max: number, size = 12): string {
	if (textWidth(label, size) <= max) return label;
	let out = '';
	for (const char of label) {
		if (textWidth(`${out}${char}…`, size) > max) break;
		out += char;
	}
	return `${out.replace(/\s+$/, '')}…`;
}

interface BarRow {
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
function bars(
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

function alerts(report: ConversationReport): string {
	if (report.alerts.length === 0)
		return `<section class="alerts"><div class="alert ok" role="status">No alerts: response times and complaint rate are within target.</div></section>`;
	const boxes = report.alerts.map((alert) => {
		const heading = alert.kind === 'slowResponse' ? 'Slow responses' : 'Complaint rate';
		return `<div class="alert ${alert.severity}" role="alert"><strong>${esc(heading)}:</strong> ${esc(alert.message)}</div>`;
	});
	return `<section class="alerts"><h2>Alerts</h2>${boxes.join('')}</section>`;
}

function kpis(report: ConversationReport, fmt: Formatters): string {
	const complaints = report.complaints.days.reduce((sum, day) => sum + day.complaints, 0);
	const tagged = report.complaints.days.reduce((sum, day) => sum + day.tagged, 0);
	const cards: Array<[string, string]> = [
		[fmt.dur(report.responseTimes.overall.firstResponse.medianSeconds), 'median first response'],
		[fmt.dur(report.responseTimes.overall.firstResponse.p90Seconds), 'p90 first response'],
		[fmt.int(report.totals.inbound), 'customer messages'],
		[fmt.int(report.totals.conversations), 'conversations'],
		[fmt.pct(report.delivery.deliveryRate), 'delivered'],
		[fmt.pct(report.delivery.readRate), 'read'],
		[fmt.pct(tagged ? complaints / tagged : null), 'complaints'],
		[fmt.pct(report.syncHealth.overall.successRate), 'sync success'],
	];
	return `<section class="kpis">${cards.map(([value, label]) => `<div class="kpi"><b>${esc(value)}</b><span>${esc(label)}</span></div>`).join('')}</section>`;
}

function responseChart(report: ConversationReport, fmt: Formatters): string {
	const agents = report.responseTimes.agents;
	if (agents.length === 0)
		return report.totals.outbound === 0
			? missing('no replies (WhatsApp Sender results or statuses of sent messages)')
			: empty('No replies to customer messages yet.');
	const threshold = report.responseTimes.thresholdMinutes * 60;
	const rows = agents.map((agent) => ({
		label: agent.agent,
		value: agent.response.medianSeconds ?? 0,
		marker: agent.response.p90Seconds ?? undefined,
		shown: fmt.dur(agent.response.medianSeconds),
		color: agent.slow ? RED : GREEN,
	}));
	const grey = 'font-size="10" fill="#54656f"';
	const legend = (y: number) =>
		`<rect x="4" y="${y + 4}" width="16" height="10" rx="2" fill="${GREEN}"/>${text(24, y + 13, 'median', grey)}` +
		`<rect x="74" y="${y + 2}" width="3" height="14" fill="${DARK}"/>${text(82, y + 13, 'p90: 9 in 10 replies faster', grey)}` +
		`<path d="M226 ${y + 9}H244" stroke="${RED}" stroke-width="1.5" stroke-dasharray="4 3"/>${text(248, y + 13, 'target', grey)}`;
	return bars(
		'response-times',
		'Median response time per agent (bar), p90 (mark), target (dashed line)',
		rows,
		{ line: { value: threshold, label: `target ${fmt.dur(threshold)}` }, legend },
	);
}

function responseTable(report: ConversationReport, fmt: Formatters): string {
	const { overall, agents } = report.responseTimes;
	if (agents.length === 0) return '';
	// Four columns (median / p90 paired) fit a phone's width.
	const pair = (stats: TimeStats) => esc(fmt.pair(stats));
	const row = (label: string, first: TimeStats, all: TimeStats, total = false) =>
		`<tr${total ? ' class="total"' : ''}><td>${esc(label)}</td><td class="n">${fmt.int(all.count)}</td><td class="n">${pair(first)}</td><td class="n">${pair(all)}</td></tr>`;
	return `<div class="scroll"><table><thead><tr><th>Agent</th><th class="n">Replies</th><th class="n">First reply<br><small>median / p90</small></th><th class="n">Any reply<br><small>median / p90</small></th></tr></thead><tbody>${agents
		.map((agent) => row(agent.agent, agent.firstResponse, agent.response))
		.join(
			'',
		)}${row('All agents', overall.firstResponse, overall.response, true)}</tbody></table></div>`;
}

function heatmapChart(report: ConversationReport, locale: string): string {
	const { counts, max, total, peak } = report.heatmap;
	if (total === 0) return empty('No customer messages in this period.');
	const names = weekdayNames(locale);
	const left = Math.min(
		72,
		Math.max(36, Math.ceil(Math.max(...names.map((d) => textWidth(d, 11)))) + 8),
	);
	const cell = (W - left - 4) / 24;
	const top = 16;
	let body = '';
	for (let hour = 0; hour < 24; hour += 3)
		body += text(
			left + hour * cell + cell / 2,
			11,
			String(hour),
			'text-anchor="middle" font-size="10" fill="#54656f"',
		);
	counts.forEach((row, day) => {
		const y = top + day * (cell + 2);
		body += text(
			left - 4,
			y + cell * 0.75,
			names[day],
			'text-anchor="end" font-size="11" fill="#111b21"',
		);
		row.forEach((count, hour) => {
			body += `<rect x="${n(left + hour * cell + 0.5)}" y="${n(y)}" width="${n(cell - 1)}" height="${n(cell)}" rx="2" fill="${heat(count, max)}"><title>${esc(`${names[day]} ${hour}:00 – ${count}`)}</title></rect>`;
		});
	});
	const legendY = top + 7 * (cell + 2) + 8;
	const steps = 5;
	for (let i = 0; i < steps; i++)
		body += `<rect x="${n(left + i * 22)}" y="${n(legendY)}" width="20" height="8" fill="${heat(i === 0 ? 0 : (max * i) / (steps - 1), max)}"/>`;
	body += text(
		left + steps * 22 + 4,
		legendY + 8,
		peak
			? `0 – ${max} messages · peak ${names[report.heatmap.weekdays.indexOf(peak.weekday)]} ${peak.hour}:00`
			: '',
		'font-size="10" fill="#54656f"',
	);
	return chart(
		'heatmap',
		`Customer messages by weekday and hour (${report.heatmap.timeZone})`,
		legendY + 12,
		body,
	);
}

function weekdayNames(locale: string): string[] {
	try {
		return Info.weekdays('short', { locale });
	} catch {
		return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
	}
}

/** From pale to WhatsApp's dark teal; empty cells stay grey so "none" differs from "few". */
function heat(count: number, max: number): string {
	if (count <= 0 || max <= 0) return '#EEF1F3';
	const from = [0xdc, 0xf8, 0xc6];
	const to = [0x07, 0x5e, 0x54];
	const t = Math.sqrt(count / max);
	const channel = (i: number) =>
		Math.round(from[i] + (to[i] - from[i]) * t)
			.toString(16)
			.padStart(2, '0');
	return `#${channel(0)}${channel(1)}${channel(2)}`;
}

function intentChart(report: ConversationReport, fmt: Formatters, locale: string): string {
	const { tags, tagged } = report.intentMix;
	if (tagged === 0) return missing('no message went through the Intent Tagger');
	if (tags.length === 0) return empty('Tagged messages carry no intents.');
	const rows = tags.slice(0, 12).map((entry) => ({
		label: intentName(entry.tag, locale),
		value: entry.count,
		shown: `${fmt.int(entry.count)} · ${fmt.pct(entry.share)}`,
		color: entry.tag === 'complaint' ? RED : entry.tag === 'opt_out' ? GREY : TEAL,
	}));
	return bars('intent-mix', `Intents in ${tagged} tagged messages`, rows);
}

function complaintChart(report: ConversationReport, fmt: Formatters): string {
	const days = report.complaints.days.slice(-60);
	if (days.length === 0) return missing('no message went through the Intent Tagger');
	const threshold = report.complaints.threshold;
	const left = 44;
	const top = 10;
	const height = 120;
	const max = Math.max(threshold * 2, ...days.map((d) => d.rate), 0.01);
	const step = (W - left - 4) / days.length;
	const y = (value: number) => top + height - (height * value) / max;
	let body = '';
	for (const tick of [0, max / 2, max]) {
		body += text(
			left - 4,
			y(tick) + 4,
			fmt.pct(tick),
			'text-anchor="end" font-size="10" fill="#54656f"',
		);
		body += `<path d="M${left} ${n(y(tick))}H${W - 4}" stroke="#e9edef" fill="none"/>`;
	}
	days.forEach((day, index) => {
		const h = Math.max(1, top + height - y(day.rate));
		body += `<rect x="${n(left + index * step + step * 0.15)}" y="${n(top + height - h)}" width="${n(Math.max(1, step * 0.7))}" height="${n(h)}" fill="${day.over ? RED : TEAL}"><title>${esc(`${day.date}: ${day.complaints}/${day.tagged} (${fmt.pct(day.rate)})`)}</title></rect>`;
	});
	body += `<path d="M${left} ${n(y(threshold))}H${W - 4}" stroke="${AMBER}" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>`;
	body += text(left, top + height + 14, days[0].date, 'font-size="10" fill="#54656f"');
	body += text(
		W - 4,
		top + height + 14,
		days[days.length - 1].date,
		'text-anchor="end" font-size="10" fill="#54656f"',
	);
	return chart(
		'complaint-rate',
		`Share of tagged messages that are complaints, per day; dashed line: ${fmt.pct(threshold)} threshold`,
		top + height + 20,
		body,
	);
}

function hotWordCharts(report: ConversationReport, fmt: Formatters): string {
	const parts = Object.entries(report.hotWords).map(([language, entry]) => {
		const heading = `<h3>${esc(LANGUAGE_NAMES[language] ?? language)} · ${fmt.int(entry.messages)} messages</h3>`;
		if (entry.words.length === 0) return `<div>${heading}${empty('No words yet.')}</div>`;
		const rows = entry.words.map((word) => ({
			label: word.word,
			value: word.count,
			shown: fmt.int(word.count),
			color: TEAL,
		}));
		return `<div>${heading}${bars(`hot-words-${language}`, `Top words in ${LANGUAGE_NAMES[language] ?? language} messages (messages containing each)`, rows)}</div>`;
	});
	return `<div class="words">${parts.join('')}</div>`;
}

function funnelChart(report: ConversationReport, fmt: Formatters): string {
	const all = report.funnel.stages;
	if (all.length === 0 || all[0].customers === 0) return empty('No customers yet.');
	// A stage no customer reached has no item carrying its tags at all (the funnel never widens):
	// the input does not tell it (purchases come from a shop or CRM, not from messages).
	const stages = all.filter((stage) => stage.customers > 0);
	const absent = all.filter((stage) => stage.customers === 0);
	const note = absent.length
		? missing(
				absent
					.map(
						(stage) =>
							`${stage.name} (no item tagged ${stage.tags.map((tag) => `“${tag}”`).join(' or ')})`,
					)
					.join('; '),
			)
		: '';
	const top = stages[0].customers;
	const row = 44;
	const usable = W - 20;
	let body = '';
	stages.forEach((stage, index) => {
		// Wide enough for its label: the numbers carry the proportion when a stage is small.
		const width = Math.max(170, (usable * stage.customers) / top);
		const next =
			index + 1 < stages.length
				? Math.max(170, (usable * stages[index + 1].customers) / top)
				: width;
		const y = index * row;
		// A trapezoid narrowing towards the next stage.
		const x0 = (W - width) / 2;
		const x1 = (W - next) / 2;
		body += `<path d="M${n(x0)} ${y}H${n(x0 + width)}L${n(x1 + next)} ${y + row - 6}H${n(x1)}Z" fill="${index === stages.length - 1 ? DARK : index === 0 ? GREEN : TEAL}" opacity="${n(1 - index * 0.08)}"/>`;
		const share = index === 0 ? '' : ` · ${fmt.pct(stage.fromFirst)}`;
		body += text(
			W / 2,
			y + 16,
			cut(stage.name, 160),
			'text-anchor="middle" font-size="12" font-weight="600" fill="#fff"',
		);
		body += text(
			W / 2,
			y + 31,
			`${fmt.int(stage.customers)} customers${share}`,
			'text-anchor="middle" font-size="11" fill="#fff"',
		);
	});
	return chart('funnel', 'Customers reaching each stage', stages.length * row, body) + note;
}

function deliveryChart(report: ConversationReport, fmt: Formatters): string {
	const d = report.delivery;
	if (d.messages === 0) return missing('no delivery statuses or Sender results');
	const rows = [
		{ label: 'Sent', value: d.messages, shown: fmt.int(d.messages), color: GREY },
		{
			label: 'Delivered',
			value: d.delivered,
			shown: `${fmt.int(d.delivered)} · ${fmt.pct(d.deliveryRate)}`,
			color: GREEN,
		},
		{
			label: 'Read',
			value: d.read,
			shown: `${fmt.int(d.read)} · ${fmt.pct(d.readRate)}`,
			color: DARK,
		},
		{
			label: 'Failed',
			value: d.failed,
			shown: `${fmt.int(d.failed)} · ${fmt.pct(d.failureRate)}`,
			color: RED,
		},
	];
	let html = bars('delivery', 'Outbound messages sent, delivered, read and failed', rows, {
		max: d.messages,
	});
	html += `<p class="meta">Median time to deliver ${esc(fmt.dur(d.timeToDeliver.medianSeconds))}, to read ${esc(fmt.dur(d.timeToRead.medianSeconds))}; ${fmt.int(d.pending)} without a later status yet.</p>`;
	if (d.errors.length > 0) {
		html += `<table><thead><tr><th>Error code</th><th>Meaning</th><th class="n">Messages</th></tr></thead><tbody>${d.errors
			.map(
				(e) =>
					`<tr><td>${esc(e.code)}</td><td>${esc(e.title ?? '')}</td><td class="n">${fmt.int(e.count)}</td></tr>`,
			)
			.join('')}</tbody></table>`;
	}
	return html;
}

function syncChart(report: ConversationReport, fmt: Formatters): string {
	const systems = report.syncHealth.systems;
	if (systems.length === 0) return missing('no WhatsApp Sender or CRM Upsert results');
	const left = 88;
	const right = W - 44;
	const row = 26;
	let body = '';
	systems.forEach((system, index) => {
		const y = index * row + 4;
		body += text(
			left - 6,
			y + 14,
			cut(system.system, 76),
			'text-anchor="end" font-size="12" fill="#111b21"',
		);
		let x = left;
		for (const [count, color] of [
			[system.succeeded, GREEN],
			[system.review, AMBER],
			[system.deferred, GREY],
			[system.failed, RED],
		] as const) {
			if (count === 0) continue;
			const width = ((right - left) * count) / system.total;
			body += `<rect x="${n(x)}" y="${y + 3}" width="${n(width)}" height="15" fill="${color}"/>`;
			x += width;
		}
		body += text(right + 4, y + 14, fmt.pct(system.successRate), 'font-size="11" fill="#3b4a54"');
	});
	const legendY = systems.length * row + 8;
	[
		['ok', GREEN],
		['review', AMBER],
		['deferred', GREY],
		['failed', RED],
	].forEach(([label, color], i) => {
		body += `<rect x="${left + i * 66}" y="${legendY}" width="10" height="10" fill="${color}"/>`;
		body += text(left + i * 66 + 14, legendY + 9, label, 'font-size="10" fill="#54656f"');
	});
	// Latency only when some system has it: a column of dashes costs a phone its width.
	const latency = systems.some((system) => system.latency.count > 0);
	const table = `<div class="scroll"><table><thead><tr><th>System</th><th class="n">Results<br>(retries)</th><th>Errors</th>${
		latency ? '<th class="n">Latency<br>median / p90</th>' : ''
	}</tr></thead><tbody>${systems
		.map(
			(s) =>
				`<tr><td>${esc(s.system)}</td><td class="n">${fmt.int(s.total)} (${fmt.int(s.retries)})</td><td>${
					s.errorCodes
						.map((e) => `${esc(e.code)}${e.title ? ` ${esc(e.title)}` : ''} ×${fmt.int(e.count)}`)
						.join('<br>') || '–'
				}</td>${latency ? `<td class="n">${esc(fmt.pair(s.latency))}</td>` : ''}</tr>`,
		)
		.join('')}</tbody></table></div>`;
	return (
		chart(
			'sync-health',
			'Sync results per system: succeeded, review, deferred, failed',
			legendY + 14,
			body,
		) + table
	);
}

function waitingTable(report: ConversationReport, fmt: Formatters): string {
	const { waiting, missed } = report.responseTimes;
	const note = `<p class="meta">${fmt.int(waiting.count)} waiting now; ${fmt.int(missed)} conversations went unanswered for longer than ${fmt.int(report.settings.conversationGapHours)} h.</p>`;
	if (waiting.customers.length === 0) return note;
	return `${note}<table><thead><tr><th>Customer</th><th>Name</th><th class="n">Waiting</th></tr></thead><tbody>${waiting.customers
		.map(
			(c) =>
				`<tr><td>${esc(c.customer)}</td><td>${esc(c.name ?? '')}</td><td class="n">${esc(fmt.dur(c.waitingSeconds))}</td></tr>`,
		)
		.join('')}</tbody></table>`;
}

function skippedTable(report: ConversationReport, fmt: Formatters): string {
	const { items, count, truncated } = report.skipped;
	return `<p class="meta">${fmt.int(count)} items could not be read${truncated ? ` (first ${items.length} listed)` : ''}.</p><table><thead><tr><th class="n">Item</th><th>Reason</th></tr></thead><tbody>${items
		.map((item) => `<tr><td class="n">${item.index + 1}</td><td>${esc(item.reason)}</td></tr>`)
		.join('')}</tbody></table>`;
}
