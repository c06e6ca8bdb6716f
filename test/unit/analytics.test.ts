/**
 * Conversation analytics on constructed conversations whose answers are worked out by hand.
 * Times are minutes after T0 = Monday 2 March 2026, 09:00 in Hong Kong (01:00 UTC).
 */
import { DateTime } from 'luxon';

import { analyzeConversations, renderReportHtml, segmentWords } from '../../lib/analytics';
import { localClock } from '../../lib/analytics/heatmap';
import type { ConversationReport } from '../../lib/analytics';

const T0 = Date.parse('2026-03-02T01:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const DAY = 24 * 60;

interface Customer {
	waId?: string;
	e164?: string;
	userId?: string;
	name?: string;
}

const customer = (n: number, name?: string): Customer => ({
	waId: `8529100000${n}`,
	e164: `+8529100000${n}`,
	...(name ? { name } : {}),
});

function message(
	id: string,
	who: Customer,
	minute: number,
	text = 'hello',
	extra: Record<string, unknown> = {},
) {
	return {
		kind: 'message',
		field: 'messages',
		id,
		phoneNumberId: 'PN1',
		timestamp: at(minute),
		customer: who,
		type: 'text',
		text,
		...extra,
	};
}

/** A WhatsApp Sender result, as its output item carries it (here without the input item). */
function reply(
	messageId: string,
	to: string,
	minute: number,
	agent?: string,
	extra: Record<string, unknown> = {},
) {
	return {
		...(agent ? { agent } : {}),
		whatsapp: {
			outcome: 'sent',
			messageId,
			to,
			phoneNumberId: 'PN1',
			attempts: 1,
			sentAt: at(minute),
			...extra,
		},
	};
}

function status(
	id: string,
	waId: string,
	minute: number,
	value: string,
	errors?: Array<{ code: number; title: string }>,
) {
	return {
		kind: 'status',
		id,
		phoneNumberId: 'PN1',
		timestamp: at(minute),
		status: value,
		customer: { waId },
		...(errors ? { errors } : {}),
	};
}

const analyze = (items: unknown[], opts = {}) =>
	analyzeConversations(items, { now: at(60), ...opts });
const agent = (report: ConversationReport, name: string) =>
	report.responseTimes.agents.find((entry) => entry.agent === name)!;

describe('response times', () => {
	// Alice: A 2 min, B 4 min, C 1 min (first), C again 6 min later after two messages (30, 31 → 36).
	// Bob: D 5, E 10, F 8 min. Carol: G exactly 6 min.
	const items = [
		message('a1', customer(1), 0),
		reply('r-a1', '+85291000001', 2, 'Alice'),
		message('b1', customer(2), 10),
		reply('r-b1', '+852 9100 0002', 14, 'Alice'),
		message('c1', customer(3), 20),
		reply('r-c1', '+85291000003', 21, 'Alice'),
		message('c2', customer(3), 30),
		message('c3', customer(3), 31),
		reply('r-c2', '+85291000003', 36, 'Alice'),
		message('d1', customer(4), 0),
		reply('r-d1', '+85291000004', 5, 'Bob'),
		message('e1', customer(5), 10),
		reply('r-e1', '+85291000005', 20, 'Bob'),
		message('f1', customer(6), 20),
		reply('r-f1', '+85291000006', 28, 'Bob'),
		message('g1', customer(7), 40),
		reply('r-g1', '+85291000007', 46, 'Carol'),
	];

	test('median and p90 per agent, first response separately', () => {
		const report = analyze(items);
		const alice = agent(report, 'Alice');
		expect(alice.replies).toBe(4);
		// [60, 120, 240, 360]: median 180; p90 at rank 2.7 → 240 + 0.7 × 120.
		expect(alice.response).toMatchObject({
			count: 4,
			medianSeconds: 180,
			p90Seconds: 324,
			minSeconds: 60,
			maxSeconds: 360,
		});
		// First responses [120, 240, 60]: median 120; p90 at rank 1.8 → 120 + 0.8 × 120.
		expect(alice.firstResponse).toMatchObject({ count: 3, medianSeconds: 120, p90Seconds: 216 });
		// [300, 480, 600]: median 480; p90 480 + 0.8 × 120.
		expect(agent(report, 'Bob').response).toMatchObject({ medianSeconds: 480, p90Seconds: 576 });
		expect(agent(report, 'Carol').response.medianSeconds).toBe(360);
		// All: [60, 120, 240, 300, 360, 360, 480, 600]: median (300 + 360) / 2; p90 at rank 6.3.
		expect(report.responseTimes.overall.response).toMatchObject({
			count: 8,
			medianSeconds: 330,
			p90Seconds: 516,
		});
		expect(report.responseTimes.overall.firstResponse.count).toBe(7);
		expect(report.totals.conversations).toBe(7);
		expect(report.responseTimes.agents.map((entry) => entry.agent)).toEqual([
			'Alice',
			'Bob',
			'Carol',
		]);
	});

	test('alerts above 6 minutes by default, not at exactly 6', () => {
		const report = analyze(items);
		expect(report.alerts).toEqual([
			expect.objectContaining({
				kind: 'slowResponse',
				agent: 'Bob',
				medianSeconds: 480,
				thresholdMinutes: 6,
				severity: 'warning',
			}),
		]);
		expect(agent(report, 'Carol').slow).toBe(false);
		const strict = analyze(items, { responseAlertMinutes: 5 });
		expect(
			strict.alerts
				.filter((alert) => alert.kind === 'slowResponse')
				.map((alert) => (alert as { agent: string }).agent),
		).toEqual(['Bob', 'Carol']);
		// Twice the target is critical.
		expect(
			analyze(items, { responseAlertMinutes: 3 }).alerts.find(
				(alert) => alert.kind === 'slowResponse' && alert.agent === 'Bob',
			)?.severity,
		).toBe('critical');
	});

	test('customers are matched by phone, BSUID and status recipient; unassigned and status-only replies count', () => {
		const report = analyze([
			message('u1', { userId: 'HK.1502576394655843', name: 'No Phone' }, 0),
			reply('r-u1', 'HK.1502576394655843', 3),
			message('s1', customer(8), 10),
			// Sent from elsewhere: only its statuses arrive, the `sent` one is the send time.
			status('wamid.S1', '85291000008', 12, 'sent'),
			status('wamid.S1', '85291000008', 13, 'read'),
		]);
		expect(agent(report, '(unassigned)').response).toMatchObject({ count: 2, medianSeconds: 150 });
	});

	test('a reply without send time takes it from the sent status', () => {
		const report = analyze([
			message('m1', customer(1), 0),
			{
				agent: 'Dana',
				whatsapp: { outcome: 'sent', messageId: 'wamid.X', to: '+85291000001', attempts: 1 },
			},
			status('wamid.X', '85291000001', 4, 'sent'),
		]);
		expect(agent(report, 'Dana').response.medianSeconds).toBe(240);
		expect(report.responseTimes.untimedReplies).toBe(0);
		const untimed = analyze([
			message('m1', customer(1), 0),
			{ agent: 'Dana', whatsapp: { outcome: 'sent', messageId: 'wamid.X', to: '+85291000001' } },
		]);
		expect(untimed.responseTimes.untimedReplies).toBe(1);
		expect(untimed.responseTimes.agents).toEqual([]);
	});

	test('waiting customers at `now`, missed conversations after the gap, campaigns are not replies', () => {
		const report = analyze([
			message('w1', customer(1, 'Wai'), 50),
			message('old', customer(2), -3 * DAY),
			// Two days later: a campaign, not an answer to the old message.
			reply('campaign', '+85291000002', -1 * DAY, 'Alice'),
		]);
		expect(report.responseTimes.waiting).toEqual({
			count: 1,
			customers: [{ customer: '+85291000001', name: 'Wai', since: at(50), waitingSeconds: 600 }],
		});
		expect(report.responseTimes.missed).toBe(1);
		expect(report.responseTimes.agents).toEqual([]);
	});
});

describe('heatmap', () => {
	test('bins messages by weekday and hour in the time zone', () => {
		const items = [
			// Sunday 23:30 UTC is Monday 07:30 in Hong Kong (UTC+8 all year).
			message('h1', customer(1), 0, 'x', { timestamp: '2026-03-01T23:30:00Z' }),
			// An explicit offset: Monday 09:30 +08:00.
			message('h2', customer(1), 0, 'x', { timestamp: '2026-03-02T09:30:00+08:00' }),
			// Meta's raw unix seconds: 2026-03-02T01:45:00Z = Monday 09:45 in Hong Kong.
			message('h3', customer(2), 0, 'x', {
				timestamp: String(Date.parse('2026-03-02T01:45:00Z') / 1000),
			}),
		];
		const hk = analyze(items).heatmap;
		expect(hk.timeZone).toBe('Asia/Hong_Kong');
		expect(hk.counts[0][7]).toBe(1);
		expect(hk.counts[0][9]).toBe(2);
		expect(hk.total).toBe(3);
		expect(hk.peak).toEqual({ weekday: 'Mon', hour: 9, count: 2 });
		expect(hk.counts.flat().reduce((a, b) => a + b, 0)).toBe(3);

		const utc = analyze(items, { timeZone: 'UTC' }).heatmap;
		expect(utc.counts[6][23]).toBe(1);
		expect(utc.counts[0][1]).toBe(2);
	});

	test('follows daylight saving where the zone has it', () => {
		// New York moves to EDT at 02:00 on Sunday 8 March 2026: 06:30Z is 01:30 EST, 07:30Z is 03:30 EDT.
		const items = [
			message('n1', customer(1), 0, 'x', { timestamp: '2026-03-08T06:30:00Z' }),
			message('n2', customer(1), 0, 'x', { timestamp: '2026-03-08T07:30:00Z' }),
		];
		const ny = analyze(items, { timeZone: 'America/New_York' }).heatmap;
		expect(ny.counts[6][1]).toBe(1);
		expect(ny.counts[6][3]).toBe(1);
		expect(ny.counts[6][2]).toBe(0);
	});

	test('the fast wall clock agrees with luxon across daylight-saving changes', () => {
		const wrong: unknown[] = [];
		for (const zone of [
			'Asia/Hong_Kong',
			'America/New_York',
			'Europe/London',
			'Australia/Lord_Howe',
			'Pacific/Chatham',
		]) {
			const clock = localClock(zone);
			// Every 7 h 13 min 20 s through 2026: every hour of every weekday, both sides of each change.
			for (
				let time = Date.parse('2026-01-01T00:00:00Z');
				time < Date.parse('2027-01-01T00:00:00Z');
				time += 26_000_000
			) {
				const local = DateTime.fromMillis(time, { zone });
				const fast = clock(time);
				if (
					fast.weekday !== local.weekday ||
					fast.hour !== local.hour ||
					fast.date !== local.toISODate()
				)
					wrong.push({ zone, time, fast });
			}
		}
		expect(wrong).toEqual([]);
	});

	test('rejects an unknown time zone', () => {
		expect(() => analyzeConversations([], { timeZone: 'Mars/Olympus' })).toThrow(
			/Unknown time zone "Mars\/Olympus"/,
		);
	});
});

describe('hot words', () => {
	const texts: Array<[string, string]> = [
		['zh', '請問呢個幾錢呀？'],
		['zh', '幾錢呀，有冇現貨'],
		['zh', '我要退款，質量太差了'],
		['zh', '退款幾時到？'],
		['zh', '客服態度好差，我要退款'],
		['en', 'Hi, how much is the delivery fee?'],
		['en', "What's the delivery time please"],
		['en', 'Refund please, the DELIVERY was late'],
		['th', 'สวัสดีครับ ราคาเท่าไหร่ครับ'],
		['th', 'ราคาส่งฟรีไหมคะ'],
		['th', 'ส่งฟรีไหม ราคา'],
		['ru', 'Здравствуйте, сколько стоит доставка?'],
		['ru', 'Доставка в Москву есть?'],
		['ru', 'Спасибо, доставка пришла'],
	];
	const report = analyze(
		texts.map(([, text], index) => message(`t${index}`, customer(index % 9), index, text)),
	);
	const words = (language: 'zh' | 'en' | 'th' | 'ru') =>
		report.hotWords[language].words.map((entry) => entry.word);

	test('counts messages per word in each language, top first', () => {
		expect(report.hotWords.zh.messages).toBe(5);
		expect(report.hotWords.zh.words.slice(0, 3)).toEqual([
			{ word: '退款', count: 3 },
			{ word: '差', count: 2 },
			{ word: '幾錢', count: 2 },
		]);
		expect(report.hotWords.en.words[0]).toEqual({ word: 'delivery', count: 3 });
		expect(report.hotWords.th.words.slice(0, 2)).toEqual([
			{ word: 'ราคา', count: 3 },
			{ word: 'ส่งฟรี', count: 2 },
		]);
		expect(report.hotWords.ru.words[0]).toEqual({ word: 'доставка', count: 3 });
	});

	test('stop words are gone', () => {
		for (const stop of ['呀', '請問', '有', '冇', '我要', '了'])
			expect(words('zh')).not.toContain(stop);
		for (const stop of ['the', 'is', 'hi', 'please', "what's", 'how'])
			expect(words('en')).not.toContain(stop);
		for (const stop of ['ครับ', 'สวัสดี', 'ไหม', 'คะ']) expect(words('th')).not.toContain(stop);
		for (const stop of ['здравствуйте', 'спасибо', 'в', 'есть', 'сколько'])
			expect(words('ru')).not.toContain(stop);
	});

	test("the tagger's language wins over the script", () => {
		const tagged = analyze([
			message('x', customer(1), 0, 'iPhone 15 價錢', { intent: { tags: [], language: 'zh' } }),
		]);
		expect(tagged.hotWords.zh.words.map((entry) => entry.word)).toEqual(['iphone', '價錢']);
		expect(tagged.hotWords.en.messages).toBe(0);
	});

	test('the segmenter splits Chinese and Thai into words', () => {
		expect(segmentWords('优惠券怎么用')).toContain('优惠券');
		expect(segmentWords('ราคาส่งฟรีไหมคะ', 'th')).toEqual(expect.arrayContaining(['ราคา', 'ส่งฟรี']));
	});
});

describe('intents and complaints', () => {
	test('intent mix over tagged messages', () => {
		const report = analyze([
			message('i1', customer(1), 0, 'x', {
				intent: { tags: ['price_inquiry'], language: 'en', sentiment: 0.5 },
			}),
			message('i2', customer(2), 1, 'x', {
				intent: { tags: ['complaint'], language: 'en', sentiment: 0.1 },
			}),
			message('i3', customer(3), 2, 'x', {
				intent: { tags: ['complaint', 'human_handoff'], language: 'en', sentiment: 0.1 },
			}),
			message('i4', customer(4), 3, 'x', { intent: { tags: [], language: 'en', sentiment: 0.5 } }),
			message('i5', customer(5), 4, 'untagged'),
		]);
		expect(report.intentMix).toEqual({
			tagged: 4,
			noTag: 1,
			tags: [
				{ tag: 'complaint', count: 2, share: 0.5 },
				{ tag: 'human_handoff', count: 1, share: 0.25 },
				{ tag: 'price_inquiry', count: 1, share: 0.25 },
			],
		});
	});

	/** `tagged` messages on day `day` (Hong Kong noon), `complaints` of them complaints. */
	function day(dayIndex: number, tagged: number, complaints: number) {
		return Array.from({ length: tagged }, (_, index) =>
			message(`d${dayIndex}-${index}`, customer(index % 9), dayIndex * DAY + 180 + index, 'x', {
				intent: { tags: index < complaints ? ['complaint'] : ['order_status'], language: 'en' },
			}),
		);
	}
	const complaintAlerts = (report: ConversationReport) =>
		report.alerts.filter((alert) => alert.kind === 'complaintRate');

	test('alert only after three consecutive days over 5 %', () => {
		const twoDays = [
			...day(0, 10, 1),
			...day(1, 10, 1),
			...day(2, 10, 0),
			...day(3, 10, 1),
			...day(4, 10, 1),
		];
		const report = analyze(twoDays);
		expect(report.complaints.days.map((entry) => entry.over)).toEqual([
			true,
			true,
			false,
			true,
			true,
		]);
		expect(report.complaints.days[0]).toEqual({
			date: '2026-03-02',
			tagged: 10,
			complaints: 1,
			rate: 0.1,
			over: true,
		});
		expect(complaintAlerts(report)).toEqual([]);

		const three = analyze([...twoDays, ...day(5, 10, 1)]);
		expect(complaintAlerts(three)).toEqual([
			expect.objectContaining({
				kind: 'complaintRate',
				from: '2026-03-05',
				to: '2026-03-07',
				days: 3,
				maxRate: 0.1,
				threshold: 0.05,
			}),
		]);
	});

	test('exactly 5 % is not over, and a day without tagged messages breaks the run', () => {
		expect(
			complaintAlerts(analyze([...day(0, 20, 1), ...day(1, 20, 1), ...day(2, 20, 1)])),
		).toEqual([]);
		expect(
			complaintAlerts(analyze([...day(0, 10, 1), ...day(1, 10, 1), ...day(3, 10, 1)])),
		).toEqual([]);
		expect(
			complaintAlerts(
				analyze([...day(0, 10, 1), ...day(1, 10, 1), ...day(2, 10, 1)], { complaintRate: 0.1 }),
			),
		).toEqual([]);
	});
});

describe('delivery and read rates', () => {
	test('furthest status per message; failures with their codes', () => {
		const report = analyze([
			status('m1', '85291000001', 0, 'sent'),
			status('m1', '85291000001', 1, 'delivered'),
			status('m1', '85291000001', 1, 'delivered'), // Meta's re-delivery
			status('m1', '85291000001', 5, 'read'),
			status('m2', '85291000002', 0, 'sent'),
			status('m2', '85291000002', 3, 'delivered'),
			status('m3', '85291000003', 2, 'read'), // straight to read
			status('m4', '85291000004', 0, 'sent'),
			status('m4', '85291000004', 1, 'failed', [{ code: 131026, title: 'Message undeliverable' }]),
			status('m5', '85291000005', 0, 'failed', [{ code: 131047, title: 'Re-engagement message' }]),
			reply('m6', '+85291000006', 0),
		]);
		expect(report.delivery).toMatchObject({
			messages: 6,
			delivered: 3,
			read: 2,
			failed: 2,
			pending: 1,
			deliveryRate: 0.5,
			readRate: 0.3333,
			readOfDelivered: 0.6667,
			failureRate: 0.3333,
			errors: [
				{ code: 131026, title: 'Message undeliverable', count: 1 },
				{ code: 131047, title: 'Re-engagement message', count: 1 },
			],
		});
		// Sent → delivered: 60 s and 180 s.
		expect(report.delivery.timeToDeliver).toMatchObject({ count: 2, medianSeconds: 120 });
		expect(report.delivery.timeToRead).toMatchObject({ count: 1, medianSeconds: 300 });
		expect(report.totals.duplicates).toBe(1);
	});
});

describe('funnel', () => {
	const items = [
		message('f1', customer(1), 0, 'hi'),
		message('f2', customer(2), 1, 'want it', {
			intent: { tags: ['purchase_intent'], language: 'en' },
		}),
		message('f3', customer(3), 2, 'want it', {
			intent: { tags: ['purchase_intent', 'price_inquiry'], language: 'en' },
		}),
		message('f4', customer(3), 3, 'paid', { tags: ['purchased'] }),
		message('f5', customer(4), 4, 'paid', { intent: { tags: ['purchased'], language: 'en' } }),
		// A CRM export row: a customer who bought without a WhatsApp message in this period.
		{ id: 'crm-9', phone: '+852 9100 0009', tags: 'vip, purchased' },
	];

	test('default stages: first contact → purchase intent → purchased, never widening', () => {
		expect(analyze(items).funnel.stages).toEqual([
			{ name: 'First contact', tags: [], customers: 5, fromPrevious: null, fromFirst: null },
			{
				name: 'Purchase intent',
				tags: ['purchase_intent'],
				customers: 4,
				fromPrevious: 0.8,
				fromFirst: 0.8,
			},
			{ name: 'Purchased', tags: ['purchased'], customers: 3, fromPrevious: 0.75, fromFirst: 0.6 },
		]);
	});

	test('configurable stages', () => {
		const report = analyze(items, {
			funnel: [{ name: 'Contact' }, { name: 'Asked price', tags: ['price_inquiry'] }],
		});
		expect(report.funnel.stages.map((stage) => [stage.name, stage.customers])).toEqual([
			['Contact', 5],
			['Asked price', 1],
		]);
	});
});

describe('sync health', () => {
	test('success rate, retries, error codes and latency per system', () => {
		const report = analyze([
			// The Sender's output item repeats the customer's message it answered: latency 30 s.
			{
				...message('in1', customer(1), 0),
				whatsapp: {
					outcome: 'sent',
					messageId: 'o1',
					to: '+85291000001',
					attempts: 1,
					sentAt: new Date(T0 + 30_000).toISOString(),
				},
			},
			reply('o2', '+85291000002', 1, undefined, { attempts: 3 }),
			{
				whatsapp: {
					outcome: 'failed',
					code: 131047,
					title: 'Re-engagement message',
					retryable: false,
					attempts: 1,
				},
			},
			{
				whatsapp: {
					outcome: 'failed',
					code: 130429,
					title: 'Rate limit hit',
					retryable: true,
					attempts: 3,
				},
			},
			{
				whatsapp: { outcome: 'deferred', reason: 'outside window', rule: 'window', retryAt: null },
			},
			{
				...message('in2', customer(2), 2),
				crm: { system: 'hubspot', outcome: 'upserted', id: '1', action: 'created' },
			},
			{
				...message('in3', customer(3), 3),
				crm: { system: 'hubspot', outcome: 'upserted', id: '2', action: 'updated' },
			},
			{ crm: { system: 'hubspot', outcome: 'review', reason: 'ambiguous' } },
			{
				crm: {
					system: 'hubspot',
					outcome: 'failed',
					error: { code: 'RATE_LIMIT', message: 'slow down', retryable: true },
				},
			},
			// The same Sender result again, after CRM Upsert logged it: the send counts once.
			{
				...reply('o2', '+85291000002', 1, undefined, { attempts: 3 }),
				crm: { system: 'hubspot', outcome: 'logged', id: 'c1' },
			},
		]);
		const [hubspot, whatsapp] = report.syncHealth.systems;
		expect(whatsapp).toMatchObject({
			system: 'whatsapp',
			total: 5,
			succeeded: 2,
			failed: 2,
			deferred: 1,
			successRate: 0.4,
			retries: 4,
			itemsRetried: 2,
			errorCodes: [
				{ code: 130429, title: 'Rate limit hit', count: 1 },
				{ code: 131047, title: 'Re-engagement message', count: 1 },
			],
			deferReasons: [{ rule: 'window', count: 1 }],
		});
		expect(whatsapp.latency).toMatchObject({ count: 1, medianSeconds: 30 });
		expect(hubspot).toMatchObject({
			system: 'hubspot',
			total: 5,
			succeeded: 3,
			review: 1,
			failed: 1,
			successRate: 0.6,
			errorCodes: [{ code: 'RATE_LIMIT', count: 1 }],
		});
		expect(report.syncHealth.overall).toEqual({
			total: 10,
			succeeded: 5,
			failed: 3,
			successRate: 0.5,
			retries: 4,
		});
		expect(report.totals.syncResults).toBe(10);
		expect(report.totals.outbound).toBe(2);
		// The messages the results repeat count once each.
		expect(report.totals.inbound).toBe(3);
	});
});

describe('bad items', () => {
	test('are skipped with reasons, never thrown', () => {
		const report = analyze([
			null,
			42,
			'text',
			[1, 2],
			message('bad', customer(1), 0, 'x', { timestamp: 'last Tuesday' }),
			{ kind: 'status', id: 'wamid.1', status: 'sent' },
			{ foo: 1 },
			// Partly usable: the Sender's result counts, its message's time does not.
			{
				...message('bad2', customer(1), 0, 'x', { timestamp: 'soon' }),
				whatsapp: { outcome: 'failed', code: 131026, attempts: 1 },
			},
			message('ok', customer(1), 0),
		]);
		expect(report.skipped.count).toBe(7);
		expect(report.skipped.byCode).toEqual({
			notObject: 4,
			badTimestamp: 1,
			noTimestamp: 1,
			unrecognized: 1,
		});
		expect(report.skipped.items.map((item) => [item.index, item.code])).toEqual([
			[0, 'notObject'],
			[1, 'notObject'],
			[2, 'notObject'],
			[3, 'notObject'],
			[4, 'badTimestamp'],
			[5, 'noTimestamp'],
			[6, 'unrecognized'],
		]);
		expect(report.skipped.items[4].reason).toContain('"last Tuesday" is not a readable time');
		expect(report.skipped.items[0].reason).toBe('is null, not an object');
		expect(report.notes).toEqual([{ index: 7, note: expect.stringContaining('"soon"') }]);
		expect(report.totals).toMatchObject({ items: 9, skipped: 7, inbound: 1, syncResults: 1 });
	});

	test('nothing at all gives an empty report and page', () => {
		const report = analyzeConversations([]);
		expect(report.asOf).toBeNull();
		expect(report.totals.items).toBe(0);
		expect(renderReportHtml(report)).toContain('No customer messages in this period.');
	});

	test("n8n's empty stand-in item (a query that found nothing) is no data, not a skipped item", () => {
		const report = analyzeConversations([{}]);
		expect(report.totals).toMatchObject({ items: 1, skipped: 0, inbound: 0 });
		expect(report.skipped.count).toBe(0);
		expect(renderReportHtml(report)).not.toContain('Skipped items');
	});
});

describe('determinism and HTML', () => {
	const items = [
		message('a', customer(1, '<script>alert(1)</script>'), 0, 'price <b>now</b> & "quotes"', {
			intent: { tags: ['complaint'], language: 'en' },
		}),
		reply('r1', '+85291000002', 3, '<img src=x onerror=alert(1)>'),
		message('b', customer(2, 'Ann'), 1, '退款'),
		status('r1', '85291000002', 4, 'delivered'),
		message('c', customer(3, '<script>alert(1)</script>'), 55, 'still waiting'),
	];

	test('the same input gives the same report and page', () => {
		const first = analyze(items);
		const second = analyze(JSON.parse(JSON.stringify(items)));
		expect(JSON.stringify(second)).toBe(JSON.stringify(first));
		expect(renderReportHtml(second)).toBe(renderReportHtml(first));
		// Plain JSON: survives a round trip unchanged.
		expect(JSON.parse(JSON.stringify(first))).toEqual(first);
	});

	test('user text is escaped', () => {
		const html = renderReportHtml(analyze(items), { title: 'Report <for> "HK"' });
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toContain('<img');
		expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
		expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
		expect(html).toContain('<title>Report &#60;for&#62; &#34;HK&#34;</title>');
	});

	test('one page: viewport, inline styles, charts with names and titles, no external assets', () => {
		const html = renderReportHtml(analyze(items));
		expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
		expect(html).not.toMatch(/<link|<script|<img|<iframe|@import|url\(/i);
		expect(new Set(html.match(/https?:\/\/[^"]*/g))).toEqual(
			new Set(['http://www.w3.org/2000/svg']),
		);
		const charts = [
			...html.matchAll(/<svg data-chart="([^"]+)"[^>]*><title[^>]*>[^<]+<\/title>/g),
		].map((match) => match[1]);
		expect(charts).toEqual(
			expect.arrayContaining([
				'response-times',
				'heatmap',
				'intent-mix',
				'complaint-rate',
				'hot-words-en',
				'hot-words-zh',
				'funnel',
				'delivery',
				'sync-health',
			]),
		);
		expect(html.match(/<svg /g)?.length).toBe(charts.length);
	});
});
