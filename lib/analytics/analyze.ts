/**
 * Conversation analytics over the package's items: response times per agent, a weekday × hour
 * heatmap, hot words, intent mix, complaint-rate and slow-response alerts, delivery and read rates,
 * a conversion funnel and the health of the WhatsApp and CRM syncs. Pure: no clock (`now` is an
 * option, else the latest event), no randomness, ties broken by text, so the same input and options
 * give the same report.
 */
import { DateTime, IANAZone } from 'luxon';

import type { InboundRecord, OutboundRecord, StatusRecord, SyncRecord } from './read';
import { readItems } from './read';
import { byCountThenKey, compareText, formatDuration, rate, round, timeStats } from './stats';
import type { HotWordLanguage } from './stopWords';
import { HOT_WORD_LANGUAGES } from './stopWords';
import type {
	Alert,
	AnalyticsOptions,
	AgentResponseTimes,
	ConversationReport,
	FunnelStage,
	SyncSystemHealth,
	WaitingCustomer,
} from './types';
import { detectLanguage } from '../intent/language';
import { ownValue, setOwn } from '../userKeys';
import { hotWordsOf } from './words';

export const DEFAULT_FUNNEL: readonly FunnelStage[] = [
	{ name: 'First contact', tags: [] },
	{ name: 'Purchase intent', tags: ['purchase_intent'] },
	{ name: 'Purchased', tags: ['purchased'] },
];

export const UNASSIGNED = '(unassigned)';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LISTED = 100;
/** Status order: a later one implies the earlier ones (a status can skip straight to read). */
const STAGE: Record<string, number> = { sent: 1, deleted: 1, delivered: 2, read: 3, played: 3 };

/** Throws RangeError on options that cannot be right (unknown time zone, negative thresholds). */
export function analyzeConversations(
	items: unknown[],
	opts: AnalyticsOptions = {},
): ConversationReport {
	const settings = readOptions(opts);
	const zone = settings.timeZone;
	const read = readItems(Array.isArray(items) ? items : [], zone);
	const gapMs = settings.conversationGapHours * 3_600_000;

	// Duplicates: Meta re-delivers webhooks, and a Sender or CRM result repeats the message it answered.
	let duplicates = 0;
	const inbound: InboundRecord[] = [];
	const inboundById = new Map<string, InboundRecord>();
	for (const record of read.inbound) {
		const seen = record.id ? inboundById.get(record.id) : undefined;
		if (!seen) {
			if (record.id) inboundById.set(record.id, record);
			inbound.push(record);
			continue;
		}
		duplicates++;
		// The copy after the Intent Tagger knows more than the trigger's.
		seen.intent ??= record.intent;
		seen.text ??= record.text;
		seen.name ??= record.name;
		seen.tags = [...new Set([...seen.tags, ...record.tags])];
	}
	const statuses: StatusRecord[] = [];
	const statusKeys = new Set<string>();
	for (const status of read.statuses) {
		const key = `${status.messageId}\u0000${status.status}\u0000${status.time}`;
		if (statusKeys.has(key)) duplicates++;
		else {
			statusKeys.add(key);
			statuses.push(status);
		}
	}

	// Customers: one identity per set of keys seen together (phone, BSUID, email, CRM id).
	const ids = new Identities();
	for (const record of [...inbound, ...read.outbound, ...statuses, ...read.tagged])
		ids.add(record.aliases, record.display);

	// Outbound messages: the Sender's results and the statuses of messages it (or anyone) sent.
	const messages = new Map<string, MessageTrack>();
	const track = (id: string) => {
		let entry = messages.get(id);
		if (!entry)
			messages.set(
				id,
				(entry = { statuses: new Map(), errors: [], index: Number.MAX_SAFE_INTEGER }),
			);
		return entry;
	};
	for (const status of statuses) {
		const entry = track(status.messageId);
		const previous = entry.statuses.get(status.status);
		if (previous === undefined || status.time < previous)
			entry.statuses.set(status.status, status.time);
		entry.aliases ??= status.aliases.length ? status.aliases : undefined;
		entry.index = Math.min(entry.index, status.index);
		entry.agent ??= status.agent;
		if (status.status === 'failed') entry.errors.push(...status.errors);
	}
	const replies: Array<OutboundRecord & { time?: number }> = [];
	const repliedIds = new Set<string>();
	for (const record of read.outbound) {
		if (record.messageId) {
			if (repliedIds.has(record.messageId)) {
				duplicates++;
				continue;
			}
			repliedIds.add(record.messageId);
			const entry = track(record.messageId);
			entry.sender = true;
			record.time ??= sendTime(entry);
		}
		replies.push(record);
	}
	for (const [messageId, entry] of messages) {
		if (entry.sender || !entry.aliases) continue;
		// Known only from statuses (sent from another tool or an earlier run): a reply if it got out.
		if ([...entry.statuses.keys()].every((status) => status === 'failed')) continue;
		replies.push({
			index: entry.index,
			messageId,
			aliases: entry.aliases,
			agent: entry.agent,
			time: sendTime(entry),
		});
	}

	// A Sender result passed on through another node (e.g. CRM Upsert) arrives twice: count its send once.
	const sentIds = new Set<string>();
	const sync = read.sync.filter((record) => {
		if (record.system !== 'whatsapp' || !record.messageId) return true;
		if (sentIds.has(record.messageId)) return false;
		sentIds.add(record.messageId);
		return true;
	});

	// A loop, not Math.max(...times): spreading a million arguments overflows the stack.
	let earliest: number | undefined;
	let latest: number | undefined;
	for (const record of [...inbound, ...replies, ...statuses]) {
		if (record.time === undefined) continue;
		if (earliest === undefined || record.time < earliest) earliest = record.time;
		if (latest === undefined || record.time > latest) latest = record.time;
	}
	const asOf = settings.now ?? latest;

	const responses = responseTimes(
		inbound,
		replies,
		ids,
		settings.responseAlertMinutes,
		gapMs,
		asOf,
	);
	const heatmap = weekHeatmap(inbound, replies, zone);
	const complaints = complaintDays(inbound, zone, settings.complaintRate, settings.complaintDays);
	const alerts: Alert[] = [];
	for (const agent of responses.agents) {
		if (!agent.slow || agent.response.medianSeconds === null) continue;
		const median = agent.response.medianSeconds;
		alerts.push({
			kind: 'slowResponse',
			severity: median > settings.responseAlertMinutes * 120 ? 'critical' : 'warning',
			agent: agent.agent,
			medianSeconds: median,
			thresholdMinutes: settings.responseAlertMinutes,
			replies: agent.replies,
			message: `${agent.agent} answers in ${formatDuration(median)} (median of ${agent.replies} replies), above the ${settings.responseAlertMinutes}-minute target`,
		});
	}
	for (const run of complaints.runs) {
		alerts.push({
			kind: 'complaintRate',
			severity: run.maxRate >= settings.complaintRate * 2 ? 'critical' : 'warning',
			from: run.from,
			to: run.to,
			days: run.days,
			maxRate: run.maxRate,
			threshold: settings.complaintRate,
			message: `Complaints above ${round(settings.complaintRate * 100, 2)} % of tagged messages on ${run.days} consecutive days (${run.from} to ${run.to}), up to ${round(run.maxRate * 100, 1)} %`,
		});
	}

	const byCode: Record<string, number> = {};
	for (const item of read.skipped)
		setOwn(byCode, item.code, (ownValue(byCode, item.code) ?? 0) + 1);
	const customers = new Set<string>();
	for (const record of [...inbound, ...replies, ...read.tagged])
		if (record.aliases.length) customers.add(ids.find(record.aliases[0]));

	return {
		version: 1,
		timeZone: zone,
		asOf: asOf === undefined ? null : iso(asOf),
		period: {
			from: earliest === undefined ? null : iso(earliest),
			to: latest === undefined ? null : iso(latest),
		},
		settings: {
			responseAlertMinutes: settings.responseAlertMinutes,
			complaintRate: settings.complaintRate,
			complaintDays: settings.complaintDays,
			conversationGapHours: settings.conversationGapHours,
			funnel: settings.funnel,
		},
		totals: {
			items: Array.isArray(items) ? items.length : 0,
			skipped: read.skipped.length,
			duplicates,
			inbound: inbound.length,
			outbound: replies.length,
			statuses: statuses.length,
			syncResults: sync.length,
			customers: customers.size,
			conversations: responses.conversations,
			agents: responses.agents.length,
		},
		responseTimes: {
			thresholdMinutes: settings.responseAlertMinutes,
			overall: responses.overall,
			agents: responses.agents,
			missed: responses.missed,
			waiting: responses.waiting,
			untimedReplies: responses.untimed,
		},
		heatmap,
		hotWords: hotWords(inbound, settings.topWords),
		intentMix: intentMix(inbound),
		complaints: {
			threshold: settings.complaintRate,
			consecutiveDays: settings.complaintDays,
			days: complaints.days,
			runs: complaints.runs,
		},
		delivery: delivery(messages),
		funnel: funnel(inbound, read.tagged, ids, settings.funnel),
		syncHealth: syncHealth(sync, messages),
		alerts,
		skipped: {
			count: read.skipped.length,
			byCode,
			items: read.skipped.slice(0, LISTED),
			truncated: read.skipped.length > LISTED,
		},
		notes: read.notes.slice(0, LISTED),
	};
}

interface Settings {
	timeZone: string;
	responseAlertMinutes: number;
	complaintRate: number;
	complaintDays: number;
	conversationGapHours: number;
	funnel: FunnelStage[];
	topWords: number;
	now?: number;
}

function readOptions(opts: AnalyticsOptions): Settings {
	const timeZone = opts.timeZone?.trim() || 'Asia/Hong_Kong';
	if (!IANAZone.isValidZone(timeZone))
		throw new RangeError(
			`Unknown time zone "${timeZone}": use an IANA name such as Asia/Hong_Kong or UTC`,
		);
	const positive = (value: number | undefined, fallback: number, name: string) => {
		if (value === undefined || value === null) return fallback;
		if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
			throw new RangeError(`${name} must be a number above 0, not ${String(value)}`);
		return value;
	};
	const complaintRate = opts.complaintRate ?? 0.05;
	if (typeof complaintRate !== 'number' || !(complaintRate >= 0 && complaintRate < 1)) {
		throw new RangeError(
			`complaintRate is a share between 0 and 1 (0.05 = 5 %), not ${String(complaintRate)}`,
		);
	}
	const funnel = (opts.funnel ?? DEFAULT_FUNNEL).map((stage, index) => {
		const name = typeof stage?.name === 'string' ? stage.name.trim() : '';
		if (!name) throw new RangeError(`Funnel stage ${index + 1} has no name`);
		return { name, tags: (stage.tags ?? []).map((tag) => String(tag).trim()).filter(Boolean) };
	});
	let now: number | undefined;
	if (opts.now !== undefined) {
		now =
			opts.now instanceof Date
				? opts.now.getTime()
				: typeof opts.now === 'number'
					? opts.now
					: DateTime.fromISO(opts.now).toMillis();
		if (!Number.isFinite(now)) throw new RangeError(`now ${String(opts.now)} is not a time`);
	}
	return {
		timeZone,
		responseAlertMinutes: positive(opts.responseAlertMinutes, 6, 'responseAlertMinutes'),
		complaintRate,
		complaintDays: Math.round(positive(opts.complaintDays, 3, 'complaintDays')),
		conversationGapHours: positive(opts.conversationGapHours, 24, 'conversationGapHours'),
		funnel,
		topWords: Math.round(positive(opts.topWords, 10, 'topWords')),
		now,
	};
}

interface MessageTrack {
	statuses: Map<string, number>;
	errors: Array<{ code: number | string; title?: string }>;
	aliases?: string[];
	agent?: string;
	sender?: boolean;
	/** The first input item that mentioned the message. */
	index: number;
}

/** The `sent` status is the send; without it, the earliest status bounds it from above. */
function sendTime(entry: MessageTrack): number | undefined {
	const sent = entry.statuses.get('sent');
	if (sent !== undefined) return sent;
	const seen = [...entry.statuses.entries()]
		.filter(([status]) => status !== 'failed')
		.map(([, time]) => time);
	return seen.length ? Math.min(...seen) : undefined;
}

/** Union-find over customer keys: two keys seen on one item are one customer. */
export class Identities {
	private parent = new Map<string, string>();
	private display = new Map<string, string>();
	private labels?: Map<string, string>;

	add(aliases: string[], display?: string): void {
		if (aliases.length === 0) return;
		for (const alias of aliases) if (!this.parent.has(alias)) this.parent.set(alias, alias);
		const root = this.find(aliases[0]);
		for (const alias of aliases.slice(1)) {
			const other = this.find(alias);
			if (other !== root) this.parent.set(other, root);
		}
		if (display && !this.display.has(root)) this.display.set(root, display);
	}

	find(alias: string): string {
		let root = alias;
		while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
		// Path compression keeps long chains of linked keys cheap.
		for (let node = alias; node !== root;) {
			const next = this.parent.get(node)!;
			this.parent.set(node, root);
			node = next;
		}
		return root;
	}

	/** The first display name given to any key of the customer (call once all keys are added). */
	label(alias: string): string {
		if (!this.labels) {
			this.labels = new Map();
			for (const [key, value] of this.display)
				if (!this.labels.has(this.find(key))) this.labels.set(this.find(key), value);
		}
		const root = this.find(alias);
		return this.labels.get(root) ?? root.replace(/^[a-z]+:/, '');
	}
}

interface TimelineEvent {
	time: number;
	order: number;
	inbound?: InboundRecord;
	reply?: OutboundRecord;
}

/**
 * Per customer, in time order: a message opens a wait (unless one is open), the next reply closes
 * it and is timed; the first reply of a conversation is also its first response. A wait longer than
 * the gap is missed, and the reply after it does not count (a campaign weeks later is no answer).
 */
function responseTimes(
	inbound: InboundRecord[],
	replies: OutboundRecord[],
	ids: Identities,
	alertMinutes: number,
	gapMs: number,
	asOf: number | undefined,
) {
	const timelines = new Map<string, TimelineEvent[]>();
	const push = (key: string, event: TimelineEvent) => {
		const list = timelines.get(key) ?? [];
		list.push(event);
		timelines.set(key, list);
	};
	for (const record of inbound)
		if (record.aliases.length)
			push(ids.find(record.aliases[0]), {
				time: record.time,
				order: record.index * 2,
				inbound: record,
			});
	let untimed = 0;
	for (const reply of replies) {
		if (!reply.aliases.length) continue;
		if (reply.time === undefined) untimed++;
		// On a tie the customer's message came first: a same-second reply is an answer.
		else push(ids.find(reply.aliases[0]), { time: reply.time, order: reply.index * 2 + 1, reply });
	}

	const first = new Map<string, number[]>();
	const all = new Map<string, number[]>();
	const add = (map: Map<string, number[]>, agent: string, seconds: number) => {
		const list = map.get(agent);
		if (list) list.push(seconds);
		else map.set(agent, [seconds]);
	};
	let conversations = 0;
	let missed = 0;
	const waiting: WaitingCustomer[] = [];
	for (const key of [...timelines.keys()].sort(compareText)) {
		const events = timelines
			.get(key)!
			.sort(
				(a, b) => a.time - b.time || (a.inbound ? 0 : 1) - (b.inbound ? 0 : 1) || a.order - b.order,
			);
		let last: number | undefined;
		let waitingSince: number | undefined;
		let waitingName: string | undefined;
		let answered = false;
		for (const event of events) {
			if (waitingSince !== undefined && event.time - waitingSince > gapMs) {
				missed++;
				waitingSince = undefined;
			}
			if (event.inbound) {
				if (last === undefined || event.time - last > gapMs) {
					conversations++;
					answered = false;
				}
				if (waitingSince === undefined) waitingSince = event.time;
				waitingName = event.inbound.name ?? waitingName;
			} else if (waitingSince !== undefined) {
				const agent = event.reply!.agent ?? UNASSIGNED;
				const seconds = (event.time - waitingSince) / 1000;
				add(all, agent, seconds);
				if (!answered) add(first, agent, seconds);
				answered = true;
				waitingSince = undefined;
			}
			last = event.time;
		}
		if (waitingSince !== undefined) {
			if (asOf !== undefined && asOf - waitingSince > gapMs) missed++;
			else {
				waiting.push({
					customer: ids.label(key),
					...(waitingName ? { name: waitingName } : {}),
					since: iso(waitingSince),
					waitingSeconds:
						asOf === undefined ? 0 : Math.max(0, round((asOf - waitingSince) / 1000, 1)),
				});
			}
		}
	}

	const agents: AgentResponseTimes[] = [...all.keys()].sort(compareText).map((agent) => {
		const response = timeStats(all.get(agent)!);
		return {
			agent,
			replies: response.count,
			firstResponse: timeStats(first.get(agent) ?? []),
			response,
			slow: response.medianSeconds !== null && response.medianSeconds > alertMinutes * 60,
		};
	});
	waiting.sort(
		(a, b) => b.waitingSeconds - a.waitingSeconds || compareText(a.customer, b.customer),
	);
	return {
		overall: {
			firstResponse: timeStats([...first.values()].flat()),
			response: timeStats([...all.values()].flat()),
		},
		agents,
		conversations,
		missed,
		untimed,
		waiting: { count: waiting.length, customers: waiting.slice(0, 20) },
	};
}

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

function weekHeatmap(
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

function hotWords(inbound: InboundRecord[], top: number): ConversationReport['hotWords'] {
	const counts = Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [language, new Map<string, number>()]),
	) as Record<HotWordLanguage, Map<string, number>>;
	const messages = Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [language, 0]),
	) as Record<HotWordLanguage, number>;
	const seen = new Map<string, string[]>();
	for (const record of inbound) {
		if (!record.text) continue;
		// The tagger's language when it ran; otherwise the same detection the tagger uses.
		const tagged = record.intent?.language?.split(/[-_]/)[0].toLowerCase() as
			HotWordLanguage | undefined;
		const detected = detectLanguage(record.text);
		const language =
			tagged && HOT_WORD_LANGUAGES.includes(tagged)
				? tagged
				: detected === 'und'
					? undefined
					: detected;
		if (!language) continue;
		messages[language]++;
		// Chats repeat themselves ("hi", "price?"): segment each distinct text once, in a bounded cache.
		const key = `${language}\u0000${record.text}`;
		let words = seen.get(key);
		if (!words) {
			if (seen.size >= 10_000) seen.clear();
			seen.set(key, (words = hotWordsOf(record.text, language)));
		}
		// Each word once per message: one customer repeating a word is not a trend.
		for (const word of words) counts[language].set(word, (counts[language].get(word) ?? 0) + 1);
	}
	return Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [
			language,
			{
				messages: messages[language],
				words: [...counts[language]]
					.map(([word, count]) => ({ word, count }))
					.sort(byCountThenKey((entry) => entry.word))
					.slice(0, top),
			},
		]),
	) as ConversationReport['hotWords'];
}

function intentMix(inbound: InboundRecord[]): ConversationReport['intentMix'] {
	const counts = new Map<string, number>();
	let tagged = 0;
	let noTag = 0;
	for (const record of inbound) {
		if (!record.intent) continue;
		tagged++;
		if (record.intent.tags.length === 0) noTag++;
		for (const tag of new Set(record.intent.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	}
	const tags = [...counts]
		.map(([tag, count]) => ({ tag, count, share: rate(count, tagged)! }))
		.sort(byCountThenKey((entry) => entry.tag));
	return { tagged, noTag, tags };
}

/** Complaint share per local day of the messages the tagger read; runs of days over the threshold. */
function complaintDays(inbound: InboundRecord[], zone: string, threshold: number, minDays: number) {
	const byDay = new Map<string, { tagged: number; complaints: number }>();
	const clock = localClock(zone);
	for (const record of inbound) {
		if (!record.intent) continue;
		const date = clock(record.time).date;
		const day = byDay.get(date) ?? { tagged: 0, complaints: 0 };
		day.tagged++;
		if (record.intent.tags.includes('complaint')) day.complaints++;
		byDay.set(date, day);
	}
	const days = [...byDay.keys()].sort(compareText).map((date) => {
		const { tagged, complaints } = byDay.get(date)!;
		const share = rate(complaints, tagged)!;
		return { date, tagged, complaints, rate: share, over: complaints / tagged > threshold };
	});
	const runs: Array<{ from: string; to: string; days: number; maxRate: number }> = [];
	let run: typeof days = [];
	const close = () => {
		if (run.length >= minDays)
			runs.push({
				from: run[0].date,
				to: run[run.length - 1].date,
				days: run.length,
				maxRate: Math.max(...run.map((d) => d.rate)),
			});
		run = [];
	};
	for (const day of days) {
		// A day without tagged messages breaks the run: nothing says it was over.
		const follows =
			run.length > 0 &&
			DateTime.fromISO(run[run.length - 1].date, { zone: 'UTC' })
				.plus({ days: 1 })
				.toISODate() === day.date;
		if (!day.over || (run.length > 0 && !follows)) close();
		if (day.over) run.push(day);
	}
	close();
	return { days, runs };
}

function delivery(messages: Map<string, MessageTrack>): ConversationReport['delivery'] {
	let delivered = 0;
	let read = 0;
	let failed = 0;
	const errors = new Map<string, { code: number | string; title?: string; count: number }>();
	const toDeliver: number[] = [];
	const toRead: number[] = [];
	for (const entry of messages.values()) {
		const stage = Math.max(
			0,
			...[...entry.statuses.keys()].map((status) => ownValue(STAGE, status) ?? 0),
		);
		if (stage >= 2) delivered++;
		if (stage >= 3) read++;
		if (stage < 2 && entry.statuses.has('failed')) {
			failed++;
			for (const error of uniqueBy(entry.errors, (e) => String(e.code))) {
				const key = String(error.code);
				const seen = errors.get(key) ?? {
					code: error.code,
					...(error.title ? { title: error.title } : {}),
					count: 0,
				};
				seen.count++;
				errors.set(key, seen);
			}
		}
		const sent = entry.statuses.get('sent');
		const deliveredAt = entry.statuses.get('delivered');
		const readAt = entry.statuses.get('read') ?? entry.statuses.get('played');
		if (sent !== undefined && deliveredAt !== undefined && deliveredAt >= sent)
			toDeliver.push((deliveredAt - sent) / 1000);
		if (sent !== undefined && readAt !== undefined && readAt >= sent)
			toRead.push((readAt - sent) / 1000);
	}
	const total = messages.size;
	return {
		messages: total,
		delivered,
		read,
		failed,
		pending: total - delivered - failed,
		deliveryRate: rate(delivered, total),
		readRate: rate(read, total),
		readOfDelivered: rate(read, delivered),
		failureRate: rate(failed, total),
		errors: [...errors.values()].sort(byCountThenKey((entry) => String(entry.code))),
		timeToDeliver: timeStats(toDeliver),
		timeToRead: timeStats(toRead),
	};
}

/** Each customer's furthest stage; every earlier stage counts them too, so the funnel never widens. */
function funnel(
	inbound: InboundRecord[],
	tagged: Array<{ aliases: string[]; tags: string[] }>,
	ids: Identities,
	stages: FunnelStage[],
) {
	const tagsOf = new Map<string, Set<string>>();
	const note = (aliases: string[], tags: string[]) => {
		if (!aliases.length) return;
		const key = ids.find(aliases[0]);
		const set = tagsOf.get(key) ?? new Set<string>();
		for (const tag of tags) set.add(tag);
		tagsOf.set(key, set);
	};
	for (const record of inbound)
		note(record.aliases, [...record.tags, ...(record.intent?.tags ?? [])]);
	for (const record of tagged) note(record.aliases, record.tags);
	const reached = new Array<number>(stages.length).fill(0);
	for (const tags of tagsOf.values()) {
		let furthest = -1;
		stages.forEach((stage, index) => {
			if (!stage.tags?.length || stage.tags.some((tag) => tags.has(tag))) furthest = index;
		});
		for (let index = 0; index <= furthest; index++) reached[index]++;
	}
	return {
		stages: stages.map((stage, index) => ({
			name: stage.name,
			tags: stage.tags ?? [],
			customers: reached[index],
			fromPrevious: index === 0 ? null : rate(reached[index], reached[index - 1]),
			fromFirst: index === 0 ? null : rate(reached[index], reached[0]),
		})),
	};
}

function syncHealth(
	records: SyncRecord[],
	messages: Map<string, MessageTrack>,
): ConversationReport['syncHealth'] {
	const systems = new Map<string, { records: SyncRecord[] }>();
	for (const record of records) {
		const entry = systems.get(record.system) ?? { records: [] };
		entry.records.push(record);
		systems.set(record.system, entry);
	}
	const list: SyncSystemHealth[] = [...systems.keys()].sort(compareText).map((system) => {
		const list = systems.get(system)!.records;
		const count = (outcome: SyncRecord['outcome']) =>
			list.filter((record) => record.outcome === outcome).length;
		const codes = new Map<string, { code: number | string; title?: string; count: number }>();
		const rules = new Map<string, number>();
		const latency: number[] = [];
		let retries = 0;
		let itemsRetried = 0;
		for (const record of list) {
			if (record.attempts !== undefined && record.attempts > 1) {
				retries += record.attempts - 1;
				itemsRetried++;
			}
			if (record.outcome === 'failed' && record.code !== undefined) {
				const key = String(record.code);
				const seen = codes.get(key) ?? {
					code: record.code,
					...(record.title ? { title: record.title } : {}),
					count: 0,
				};
				seen.count++;
				codes.set(key, seen);
			}
			if (record.outcome === 'deferred')
				rules.set(record.rule ?? 'other', (rules.get(record.rule ?? 'other') ?? 0) + 1);
			const done =
				record.doneTime ??
				(record.messageId && messages.has(record.messageId)
					? sendTime(messages.get(record.messageId)!)
					: undefined);
			if (
				record.outcome === 'succeeded' &&
				record.eventTime !== undefined &&
				done !== undefined &&
				done >= record.eventTime
			) {
				latency.push((done - record.eventTime) / 1000);
			}
		}
		const succeeded = count('succeeded');
		const failed = count('failed');
		return {
			system,
			total: list.length,
			succeeded,
			failed,
			deferred: count('deferred'),
			review: count('review'),
			successRate: rate(succeeded, list.length),
			retries,
			itemsRetried,
			errorCodes: [...codes.values()].sort(byCountThenKey((entry) => String(entry.code))),
			deferReasons: [...rules]
				.map(([rule, count]) => ({ rule, count }))
				.sort(byCountThenKey((entry) => entry.rule)),
			latency: timeStats(latency),
		};
	});
	const total = records.length;
	const succeeded = list.reduce((sum, system) => sum + system.succeeded, 0);
	return {
		systems: list,
		overall: {
			total,
			succeeded,
			failed: list.reduce((sum, system) => sum + system.failed, 0),
			successRate: rate(succeeded, total),
			retries: list.reduce((sum, system) => sum + system.retries, 0),
		},
	};
}

function uniqueBy<T>(list: T[], key: (item: T) => string): T[] {
	const seen = new Set<string>();
	return list.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}
