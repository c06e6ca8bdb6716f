/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The weekly report page in Debian's Chromium at a phone's width (412 px) and a desktop's
 * (1,600 px): nothing wider than the screen, no table to scroll sideways, no chart text outside its
 * chart, over another label or cut short, every Chinese and Thai character drawn by a font that has
 * it (Chromium names the fonts it used for each node), and the desktop page using its width.
 * Screenshots land in .host/test-artifacts/editor/report/.
 */
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { conversationWeek, WEEK_START } from '../../devkit/generators/conversationWeek';
import { analyzeConversations, renderReportHtml } from '../../lib/analytics';
import { artefactDir, launchChromium } from './chromium';

jest.setTimeout(120_000);

const NOW = new Date(WEEK_START + 7 * 86_400_000).toISOString();
const WIDTHS = [412, 1600];

/** Messages only: no statuses, Sender or CRM results, as a report fed from the trigger alone. */
function messagesOnly(): unknown[] {
	return conversationWeek().filter(
		(item) => (item as { kind?: string } | null)?.kind === 'message',
	);
}

const PAGES: Array<{ name: string; html: string }> = [
	{
		name: 'week-en',
		html: renderReportHtml(analyzeConversations(conversationWeek(), { now: NOW }), {
			locale: 'en',
		}),
	},
	{
		name: 'week-zh-HK',
		html: renderReportHtml(analyzeConversations(conversationWeek(), { now: NOW }), {
			locale: 'zh-HK',
		}),
	},
	{
		name: 'messages-only-th',
		html: renderReportHtml(analyzeConversations(messagesOnly(), { now: NOW }), { locale: 'th' }),
	},
];

interface Layout {
	pageWidth: number;
	viewport: number;
	sideways: string[];
	overflowing: string[];
	outsideChart: string[];
	overlapping: string[];
	cut: string[];
	columns: number;
}

/** Everything the checks need, measured in the page. */
async function layout(page: Page): Promise<Layout> {
	return await page.evaluate(() => {
		const describe = (el: Element) =>
			`${el.tagName.toLowerCase()}${el.closest('svg')?.getAttribute('data-chart') ? ` in ${el.closest('svg')!.getAttribute('data-chart')}` : ''}: ${(el.textContent ?? '').trim().slice(0, 60)}`;
		const sideways = [...document.querySelectorAll('.scroll')]
			.filter((el) => el.scrollWidth > el.clientWidth + 1)
			.map((el) => `${describe(el)} (${el.scrollWidth} > ${el.clientWidth} px)`);
		const overflowing = [...document.querySelectorAll('main *:not(svg *)')]
			.filter((el) => {
				const box = el.getBoundingClientRect();
				const section = el.closest('section')?.getBoundingClientRect();
				return (
					box.width > 0 &&
					section !== undefined &&
					(box.right > section.right + 1 || box.left < section.left - 1)
				);
			})
			.map(describe);
		const outsideChart: string[] = [];
		const overlapping: string[] = [];
		const cut: string[] = [];
		for (const svg of document.querySelectorAll('svg[data-chart]')) {
			const [, , w, h] = (svg.getAttribute('viewBox') ?? '0 0 0 0').split(' ').map(Number);
			const texts = [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '').trim());
			const boxes = texts.map((t) => t.getBBox());
			// The p90 ticks: thin marks a value label must keep clear of.
			const ticks = [...svg.querySelectorAll('rect')]
				.filter((r) => Number(r.getAttribute('width')) <= 3)
				.map((r) => r.getBBox());
			texts.forEach((t, i) => {
				const b = boxes[i];
				if (b.x < -0.5 || b.y < -0.5 || b.x + b.width > w + 0.5 || b.y + b.height > h + 0.5)
					outsideChart.push(describe(t));
				if ((t.textContent ?? '').includes('…')) cut.push(describe(t));
				const hits = (o: DOMRect) =>
					Math.min(b.x + b.width, o.x + o.width) - Math.max(b.x, o.x) > 0.5 &&
					Math.min(b.y + b.height, o.y + o.height) - Math.max(b.y, o.y) > 0.5;
				for (let j = i + 1; j < texts.length; j++)
					if (hits(boxes[j])) overlapping.push(`${describe(t)} × ${describe(texts[j])}`);
				for (const tick of ticks) if (hits(tick)) overlapping.push(`${describe(t)} × a p90 tick`);
			});
		}
		const panels = [...document.querySelectorAll('.panels > section')].map(
			(s) => s.getBoundingClientRect().left,
		);
		return {
			pageWidth: document.documentElement.scrollWidth,
			viewport: window.innerWidth,
			sideways,
			overflowing,
			outsideChart,
			overlapping,
			cut,
			columns: new Set(panels.map(Math.round)).size,
		};
	});
}

interface CdpNode {
	nodeId: number;
	nodeType: number;
	nodeName: string;
	nodeValue?: string;
	children?: CdpNode[];
}

/** Fonts Chromium drew each Chinese or Thai text node with, from the DevTools protocol. */
async function scriptFonts(page: Page): Promise<Array<{ text: string; fonts: string[] }>> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('DOM.enable');
	await cdp.send('CSS.enable');
	const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
	const found: Array<{ nodeId: number; text: string }> = [];
	// Text that is drawn: not a chart's or a page's <title>, nor the stylesheet.
	const walk = (node: CdpNode, parent = '') => {
		if (
			node.nodeType === 3 &&
			!['TITLE', 'title', 'STYLE'].includes(parent) &&
			/[\u0E00-\u0E7F\u3400-\u9FFF]/u.test(node.nodeValue ?? '')
		)
			found.push({ nodeId: node.nodeId, text: node.nodeValue! });
		for (const child of node.children ?? []) walk(child, node.nodeName);
	};
	walk(root as CdpNode);
	const result: Array<{ text: string; fonts: string[] }> = [];
	for (const { nodeId, text } of found) {
		// Platform fonts are reported for the element that holds the text.
		const { node } = await cdp.send('DOM.describeNode', { nodeId });
		const parentId = (node as { parentId?: number }).parentId ?? nodeId;
		const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: parentId });
		result.push({ text, fonts: fonts.map((f) => f.familyName) });
	}
	await cdp.detach();
	return result;
}

describe('the weekly report page in Chromium', () => {
	let browser: Browser;
	let shots: string;

	beforeAll(async () => {
		shots = artefactDir('report');
		browser = await launchChromium();
	});
	afterAll(async () => {
		await browser?.close();
	});

	for (const { name, html } of PAGES)
		for (const width of WIDTHS)
			test(`${name} at ${width} px: nothing cut off, nothing overlapping, no missing glyph`, async () => {
				const page = await browser.newPage({ viewport: { width, height: 900 } });
				await page.setContent(html, { waitUntil: 'load' });
				await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
				const measured = await layout(page);
				expect({
					pageWidth: measured.pageWidth,
					sideways: measured.sideways,
					overflowing: measured.overflowing,
					outsideChart: measured.outsideChart,
					overlapping: measured.overlapping,
					cut: measured.cut,
				}).toEqual({
					pageWidth: measured.viewport,
					sideways: [],
					overflowing: [],
					outsideChart: [],
					overlapping: [],
					cut: [],
				});
				// A phone reads one column; a desktop uses its width.
				expect(measured.columns).toBe(width < 900 ? 1 : 3);

				const fonts = await scriptFonts(page);
				expect(fonts.length).toBeGreaterThan(0);
				const unfit = fonts.filter(({ text, fonts }) => {
					const cjk = /[\u3400-\u9FFF]/u.test(text);
					const thai = /[\u0E00-\u0E7F]/u.test(text);
					return (
						(cjk && !fonts.some((f) => /CJK|Hei|Ming|Song|PingFang|WenQuanYi/i.test(f))) ||
						(thai &&
							!fonts.some((f) =>
								/Thai|Tlwg|Loma|Garuda|Norasi|Kinnari|Sawasdee|Waree|Umpush|Purisa|Laksaman|Thonburi|Leelawadee/i.test(
									f,
								),
							))
					);
				});
				expect(unfit).toEqual([]);
				await page.close();
			});

	test('a panel its input cannot fill says so, in words', () => {
		const only = PAGES.find((p) => p.name === 'messages-only-th')!.html;
		expect(only).toContain("Not in this report's input: no WhatsApp Sender or CRM Upsert results.");
		expect(only).toContain("Not in this report's input: no delivery statuses or Sender results.");
		expect(only).toContain("Not in this report's input: no replies");
		const week = PAGES.find((p) => p.name === 'week-en')!.html;
		expect(week).not.toContain("Not in this report's input: no WhatsApp Sender");
	});

	test('intents carry their human names in the report language', () => {
		const en = PAGES.find((p) => p.name === 'week-en')!.html;
		const zh = PAGES.find((p) => p.name === 'week-zh-HK')!.html;
		for (const [html, name] of [
			[en, 'Price question'],
			[en, 'Order status'],
			[zh, '詢價'],
			[zh, '訂單狀態'],
		])
			expect(html).toContain(`>${name}</text>`);
		expect(en).not.toMatch(/>price_inquiry</);
	});
});
