/**
 * The HTML report in a real browser: headless Chromium lays the page out at a phone's width, and
 * we check every chart is there, has a size and draws shapes, that nothing overflows sideways, and
 * that a screenshot shows the charts (WhatsApp-green pixels, many colours), not a blank page.
 *
 * Needs Debian's `chromium` package (`apt-get install -y chromium`); set CHROMIUM_BIN to use
 * another binary. Without it the suite fails, saying so: it never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

import { analyzeConversations, renderReportHtml } from '../../lib/analytics';
import {
	conversationWeek as week,
	WEEK_START as T0,
} from '../../devkit/generators/conversationWeek';

jest.setTimeout(40_000);

const CHROMIUM = process.env.CHROMIUM_BIN || 'chromium';
const PHONE = { width: 390, height: 2400 };
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
function chromiumVersion(): string {
	const probe = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
	if (probe.error || probe.status !== 0) {
		throw new Error(
			`Chromium is needed to render the HTML report and was not found as "${CHROMIUM}" (${probe.error?.message ?? probe.stderr.trim()}). ` +
				"Install Debian's package: `apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM_BIN to a Chromium or Chrome binary.",
		);
	}
	return probe.stdout.trim();
}

function runChromium(dir: string, args: string[]): string {
	const result = spawnSync(
		CHROMIUM,
		[
			'--headless=new',
			'--disable-gpu',
			'--no-sandbox',
			'--disable-dev-shm-usage',
			'--hide-scrollbars',
			'--no-first-run',
			'--force-device-scale-factor=1',
			`--user-data-dir=${join(dir, 'profile')}`,
			`--window-size=${PHONE.width},${PHONE.height}`,
			...args,
		],
		{ encoding: 'utf8', timeout: 15_000, maxBuffer: 64 * 1024 * 1024 },
	);
	if (result.error) throw new Error(`Chromium did not run: ${result.error.message}`);
	if (result.status !== 0)
		throw new Error(`Chromium exited with ${result.status}: ${result.stderr.slice(-2000)}`);
	return result.stdout;
}

/** Reads an 8-bit RGB or RGBA PNG into pixels (what Chromium writes). */
function decodePng(file: Buffer): {
	width: number;
	height: number;
	channels: number;
	pixels: Buffer;
} {
	expect(file.subarray(0, 8)).toEqual(
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	);
	let offset = 8;
	let width = 0;
	let height = 0;
	let channels = 0;
	const data: Buffer[] = [];
	while (offset < file.length) {
		const length = file.readUInt32BE(offset);
		const type = file.toString('latin1', offset + 4, offset + 8);
		const body = file.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = body.readUInt32BE(0);
			height = body.readUInt32BE(4);
			expect(body[8]).toBe(8);
			channels = ({ 2: 3, 6: 4 } as Record<number, number>)[body[9]];
			expect(channels).toBeDefined();
			expect(body[12]).toBe(0); // not interlaced
		} else if (type === 'IDAT') data.push(body);
		else if (type === 'IEND') break;
		offset += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(data));
	const stride = width * channels;
	const pixels = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let x = 0; x < stride; x++) {
			const left = x >= channels ? pixels[y * stride + x - channels] : 0;
			const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
			const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0;
			let value = line[x];
			if (filter === 1) value += left;
			else if (filter === 2) value += up;
			else if (filter === 3) value += (left + up) >> 1;
			else if (filter === 4) {
				const p = left + up - upLeft;
				const pa = Math.abs(p - left);
				const pb = Math.abs(p - up);
				const pc = Math.abs(p - upLeft);
				value += pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
			}
			pixels[y * stride + x] = value & 0xff;
		}
	}
	return { width, height, channels, pixels };
}

/**
 * Measures each chart after layout. The report (which has no scripts) is loaded in a 390-px iframe:
 * headless Chromium's windows are at least 500 px wide, an iframe gives the page a phone's viewport.
 */
const MEASURE = `<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="report" src="report.html" style="width:${PHONE.width}px;height:${PHONE.height}px;border:0"></iframe>
<script>
document.getElementById('report').addEventListener('load', (event) => {
	const doc = event.target.contentDocument;
	const charts = [...doc.querySelectorAll('svg[data-chart]')].map((svg) => {
		const box = svg.getBoundingClientRect();
		const shapes = [...svg.querySelectorAll('rect, path, circle, polygon, line')];
		const drawn = shapes.filter((shape) => { const b = shape.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length;
		const title = svg.querySelector(':scope > title');
		return { name: svg.dataset.chart, width: box.width, height: box.height, shapes: shapes.length, drawn, title: title ? title.textContent : '' };
	});
	const view = doc.defaultView;
	const out = document.createElement('pre');
	out.id = 'measure';
	out.textContent = JSON.stringify({
		charts,
		innerWidth: view.innerWidth,
		scrollWidth: doc.documentElement.scrollWidth,
		scripts: doc.scripts.length,
		text: doc.body.textContent,
	});
	document.body.appendChild(out);
});
</script>
</body></html>`;

describe('HTML report in headless Chromium', () => {
	let dir: string;
	let html: string;
	let version: string;

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'scrm-report-'));
		const report = analyzeConversations(week(), { timeZone: 'Asia/Hong_Kong', now: at(7 * 1440) });
		// The fixture must exercise every part of the page.
		expect(report.alerts.map((alert) => alert.kind)).toEqual(
			expect.arrayContaining(['complaintRate']),
		);
		expect(report.skipped.count).toBe(2);
		html = renderReportHtml(report, { title: 'Shop report', locale: 'en' });
		writeFileSync(join(dir, 'report.html'), html);
		writeFileSync(join(dir, 'measure.html'), MEASURE);
	});

	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	test('Chromium is installed', () => {
		version = chromiumVersion();
		expect(version).toMatch(/Chromium|Chrome/);
	});

	test('every chart is laid out with a size and drawn shapes, at a phone width', () => {
		chromiumVersion();
		// File pages are each their own origin unless told otherwise: the frame must be readable.
		const dom = runChromium(dir, [
			'--allow-file-access-from-files',
			'--dump-dom',
			pathToFileURL(join(dir, 'measure.html')).href,
		]);
		const match = /<pre id="measure">([^<]*)<\/pre>/.exec(dom);
		expect(match).not.toBeNull();
		const measured = JSON.parse(
			match![1]
				.replace(/&quot;/g, '"')
				.replace(/&lt;/g, '<')
				.replace(/&gt;/g, '>')
				.replace(/&amp;/g, '&'),
		) as {
			charts: Array<{
				name: string;
				width: number;
				height: number;
				shapes: number;
				drawn: number;
				title: string;
			}>;
			scrollWidth: number;
			innerWidth: number;
			scripts: number;
			text: string;
		};
		const names = measured.charts.map((chart) => chart.name);
		expect(names).toEqual(
			expect.arrayContaining([
				'response-times',
				'heatmap',
				'intent-mix',
				'complaint-rate',
				'hot-words-zh',
				'hot-words-en',
				'hot-words-th',
				'hot-words-ru',
				'funnel',
				'delivery',
				'sync-health',
			]),
		);
		for (const chart of measured.charts) {
			expect({ name: chart.name, sized: chart.width > 100 && chart.height > 20 }).toEqual({
				name: chart.name,
				sized: true,
			});
			expect({ name: chart.name, drawn: chart.drawn > 0 }).toEqual({
				name: chart.name,
				drawn: true,
			});
			expect(chart.title.length).toBeGreaterThan(5);
		}
		expect(
			measured.charts.find((chart) => chart.name === 'heatmap')!.shapes,
		).toBeGreaterThanOrEqual(7 * 24);
		// Fits the phone: no sideways scrolling.
		expect(measured.innerWidth).toBe(PHONE.width);
		expect(measured.scrollWidth).toBeLessThanOrEqual(PHONE.width);
		// The malicious name stayed text: the page has no script element, the name shows as written.
		expect(measured.scripts).toBe(0);
		expect(measured.text).toContain('<script>alert(1)</script>');
	});

	test('a phone-size screenshot shows the charts', () => {
		chromiumVersion();
		const shot = join(dir, 'report.png');
		runChromium(dir, [`--screenshot=${shot}`, pathToFileURL(join(dir, 'report.html')).href]);
		expect(existsSync(shot)).toBe(true);
		const png = decodePng(readFileSync(shot));
		expect([png.width, png.height]).toEqual([PHONE.width, PHONE.height]);
		const colours = new Set<number>();
		let green = 0;
		let background = 0;
		for (let i = 0; i < png.pixels.length; i += png.channels) {
			const [r, g, b] = [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
			colours.add((r >> 3) * 1024 + (g >> 3) * 32 + (b >> 3));
			// WhatsApp greens and teals used by the bars, funnel and heatmap.
			if (g > r + 40 && g > b + 10) green++;
			if (r === 0xf0 && g === 0xf2 && b === 0xf5) background++;
		}
		const total = png.width * png.height;
		expect(colours.size).toBeGreaterThan(50);
		expect(green).toBeGreaterThan(total * 0.01);
		expect(background).toBeLessThan(total * 0.9);
	});
});
