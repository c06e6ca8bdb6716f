/**
 * Conversation analytics over the package's items: response times per agent, a weekday × hour
 * heatmap, hot words, intent mix, complaint-rate and slow-response alerts, delivery and read rates,
 * a conversion funnel and the health of the WhatsApp and CRM syncs. Pure: no clock (`now` is an
 * option, else the latest event), no randomness, ties broken by text, so the same input and options
 * give the same report.
 */
import type { InboundRecord, OutboundRecord, StatusRecord } from './records';
import { readItems } from './read';
import { formatDuration, iso, round } from './stats';
import type { Alert, AnalyticsOptions, ConversationReport } from './types';
import { ownValue, setOwn } from '../userKeys';
import { delivery, sendTime } from './delivery';
import type { MessageTrack } from './delivery';
import { funnel } from './funnel';
import { weekHeatmap } from './heatmap';
import { Identities } from './identities';
import { responseTimes } from './responseTimes';
import { readOptions } from './settings';
import { syncHealth } from './syncHealth';
import { complaintDays, hotWords, intentMix } from './topics';

const LISTED = 100;

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
