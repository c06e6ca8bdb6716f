/** The report's charts, one function per panel; each says so when the input cannot fill it. */
import { Info } from 'luxon';

import { intentName } from './intentNames';
import {
	AMBER,
	bars,
	chart,
	cut,
	DARK,
	empty,
	esc,
	GREEN,
	GREY,
	missing,
	n,
	RED,
	TEAL,
	text,
	textWidth,
	W,
} from './reportSvg';
import type { Formatters } from './reportSvg';
import type { ConversationReport } from './types';
import { ownValue } from '../userKeys';

const LANGUAGE_NAMES: Record<string, string> = {
	zh: '中文 Chinese',
	en: 'English',
	th: 'ไทย Thai',
	ru: 'Русский Russian',
};

export function responseChart(report: ConversationReport, fmt: Formatters): string {
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

export function heatmapChart(report: ConversationReport, locale: string): string {
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

export function intentChart(report: ConversationReport, fmt: Formatters, locale: string): string {
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

export function complaintChart(report: ConversationReport, fmt: Formatters): string {
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

export function hotWordCharts(report: ConversationReport, fmt: Formatters): string {
	const parts = Object.entries(report.hotWords).map(([language, entry]) => {
		const heading = `<h3>${esc(ownValue(LANGUAGE_NAMES, language) ?? language)} · ${fmt.int(entry.messages)} messages</h3>`;
		if (entry.words.length === 0) return `<div>${heading}${empty('No words yet.')}</div>`;
		const rows = entry.words.map((word) => ({
			label: word.word,
			value: word.count,
			shown: fmt.int(word.count),
			color: TEAL,
		}));
		return `<div>${heading}${bars(`hot-words-${language}`, `Top words in ${ownValue(LANGUAGE_NAMES, language) ?? language} messages (messages containing each)`, rows)}</div>`;
	});
	return `<div class="words">${parts.join('')}</div>`;
}

export function funnelChart(report: ConversationReport, fmt: Formatters): string {
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

export function deliveryChart(report: ConversationReport, fmt: Formatters): string {
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

export function syncChart(report: ConversationReport, fmt: Formatters): string {
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
