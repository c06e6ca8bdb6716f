/**
 * The report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets,
 * so it can be mailed, attached to a ticket or opened offline on a phone. Charts are drawn 360 units
 * wide (a phone's CSS width) and scale up to the page on larger screens. Every chart is an
 * `<svg data-chart="…">` with a `<title>`. All text from the data (names, words, tags, reasons)
 * goes through `esc`.
 */
import {
	complaintChart,
	deliveryChart,
	funnelChart,
	heatmapChart,
	hotWordCharts,
	intentChart,
	responseChart,
	syncChart,
} from './reportCharts';
import { AMBER, DARK, esc, formatters, GREEN, LIGHT, RED, safeLocale, section } from './reportSvg';
import type { Formatters } from './reportSvg';
import type { ConversationReport, TimeStats } from './types';

export interface RenderOptions {
	/** Default 'WhatsApp conversation report'. */
	title?: string;
	/** BCP 47 tag for numbers and weekday names (e.g. 'en', 'zh-HK', 'th', 'ru'). Default 'en'. */
	locale?: string;
}

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
