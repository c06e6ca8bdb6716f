/**
 * Reads loose items into the records the analyses need. Items come from several places and are
 * often mixed in one run:
 * - the WhatsApp SCRM Trigger: `{ kind: 'message' | 'status', id, timestamp, customer, … }`;
 * - the WhatsApp Sender: the input item plus `whatsapp: { outcome, messageId, to, attempts, code, … }`
 *   (its input item is often the customer's message the reply answers: that message is read too);
 * - CRM Upsert: the input item plus `crm: { system, outcome, error, … }`;
 * - CRM exports: rows with a `direction` (inbound/outbound) and a time, or contact rows with `tags`.
 * An item that cannot be read is skipped with a reason; nothing here throws.
 */
import { DateTime } from 'luxon';

import type { Json } from '../json';
import { finiteNumber, isObject, nonBlankText } from '../json';
import type { ReadResult, SyncRecord } from './records';
import type { SkippedItem } from './types';

const TIME_FIELDS = [
	'timestamp',
	'at',
	'time',
	'createdAt',
	'created_at',
	'date',
	'hs_timestamp',
	'Created_Time',
	'CreatedDate',
];
const TEXT_FIELDS = ['text', 'body', 'message', 'content', 'hs_communication_body', 'Description'];
const INBOUND = new Set(['inbound', 'in', 'incoming', 'received', 'customer']);
const OUTBOUND = new Set(['outbound', 'out', 'outgoing', 'sent', 'agent', 'business']);
const SUCCEEDED = new Set([
	'sent',
	'wouldSend',
	'read',
	'upserted',
	'logged',
	'merged',
	'created',
	'updated',
	'unchanged',
	'success',
	'ok',
]);

export function readItems(items: unknown[], zone: string): ReadResult {
	const result: ReadResult = {
		inbound: [],
		outbound: [],
		statuses: [],
		sync: [],
		tagged: [],
		skipped: [],
		notes: [],
	};
	items.forEach((item, index) => readItem(item, index, zone, result));
	return result;
}

function readItem(item: unknown, index: number, zone: string, out: ReadResult): void {
	const skip = (code: SkippedItem['code'], reason: string): void => {
		out.skipped.push({ index, code, reason });
	};
	if (!isObject(item)) return skip('notObject', `is ${describe(item)}, not an object`);
	// n8n's stand-in when a node found nothing (Always Output Data, e.g. a query over an empty table): no data, not bad data.
	if (Object.keys(item).length === 0) return;

	const whatsapp =
		isObject(item.whatsapp) && typeof item.whatsapp.outcome === 'string'
			? item.whatsapp
			: undefined;
	const crm = isObject(item.crm) && typeof item.crm.outcome === 'string' ? item.crm : undefined;
	const kind = item.kind;
	const direction =
		typeof item.direction === 'string' ? item.direction.trim().toLowerCase() : undefined;
	const agent = agentOf(item.agent ?? whatsapp?.agent);
	const tags = [...tagList(item.tags), ...(isObject(item.intent) ? tagList(item.intent.tags) : [])];

	// The item's own time: a Sender or CRM result may carry a message whose time is unreadable and still count.
	const { time, field, raw } = readItemTime(item, zone);
	const badTime =
		raw !== undefined && time === undefined
			? `its ${field} ${describe(raw)} is not a readable time`
			: undefined;
	let used = false;

	if (kind === 'message' || (direction !== undefined && INBOUND.has(direction))) {
		if (time !== undefined) {
			const customer = isObject(item.customer) ? item.customer : item;
			out.inbound.push({
				index,
				id: nonBlankText(item.id) ?? nonBlankText(item.messageId),
				...identity(customer, kind === 'message' ? [] : ['from']),
				time,
				type: nonBlankText(item.type)?.toLowerCase(),
				text: firstText(item),
				intent: isObject(item.intent)
					? { tags: tagList(item.intent.tags), language: nonBlankText(item.intent.language) }
					: undefined,
				tags,
			});
			used = true;
		} else if (!whatsapp && !crm)
			return skip(
				badTime ? 'badTimestamp' : 'noTimestamp',
				`a message, but ${badTime ?? 'it has no time'}`,
			);
		else
			out.notes.push({
				index,
				note: `the message in this item was not counted: ${badTime ?? 'it has no time'}`,
			});
	} else if (kind === 'status') {
		const messageId = nonBlankText(item.id);
		const status = nonBlankText(item.status);
		if (!messageId || !status) return skip('unrecognized', 'a status without an id or a status');
		if (time === undefined)
			return skip(
				badTime ? 'badTimestamp' : 'noTimestamp',
				`a status, but ${badTime ?? 'it has no time'}`,
			);
		out.statuses.push({
			index,
			messageId,
			status: status.toLowerCase(),
			time,
			...identity(isObject(item.customer) ? item.customer : {}, []),
			agent,
			errors: Array.isArray(item.errors)
				? item.errors.filter(isObject).flatMap((error) => {
						const code = finiteNumber(error.code) ?? nonBlankText(error.code);
						return code === undefined ? [] : [{ code, title: nonBlankText(error.title) }];
					})
				: [],
		});
		return;
	} else if (direction !== undefined && OUTBOUND.has(direction) && !whatsapp) {
		if (time === undefined)
			return skip(
				badTime ? 'badTimestamp' : 'noTimestamp',
				`an outbound message, but ${badTime ?? 'it has no time'}`,
			);
		const customer = isObject(item.customer) ? item.customer : item;
		out.outbound.push({
			index,
			messageId: nonBlankText(item.id) ?? nonBlankText(item.messageId),
			...identity(customer, ['to']),
			agent,
			time,
		});
		used = true;
	} else if (kind === 'error') {
		if (!whatsapp && !crm)
			return skip(
				'unsupported',
				'an account-level WhatsApp error event: see the trigger, not analysed here',
			);
	}

	if (whatsapp) {
		const outcome = whatsapp.outcome as string;
		const messageId = nonBlankText(whatsapp.messageId);
		const sentAt = readTime(whatsapp.sentAt ?? whatsapp.at, zone);
		const eventTime = kind === 'message' || kind === 'status' || direction ? time : undefined;
		out.sync.push({
			index,
			system: 'whatsapp',
			outcome: syncOutcome(outcome),
			attempts: finiteNumber(whatsapp.attempts),
			code: finiteNumber(whatsapp.code) ?? nonBlankText(whatsapp.code),
			title: nonBlankText(whatsapp.title),
			rule: outcome === 'deferred' ? (nonBlankText(whatsapp.rule) ?? 'other') : undefined,
			messageId,
			eventTime,
			doneTime: sentAt,
		});
		if (outcome === 'sent' && messageId) {
			// An item that is not itself a message may state its send time as its own time.
			const ownTime = kind === undefined && !direction ? time : undefined;
			out.outbound.push({
				index,
				messageId,
				...identity({ to: whatsapp.to }, ['to']),
				agent,
				time: sentAt ?? ownTime,
				eventTime,
			});
		}
		used = true;
	}
	if (crm) {
		const code = isObject(crm.error)
			? (finiteNumber(crm.error.code) ?? nonBlankText(crm.error.code))
			: (finiteNumber(crm.code) ?? nonBlankText(crm.code));
		out.sync.push({
			index,
			system: (nonBlankText(crm.system) ?? 'crm').toLowerCase(),
			outcome: syncOutcome(crm.outcome as string),
			attempts: finiteNumber(crm.attempts),
			code,
			eventTime: time,
			doneTime: readTime(crm.syncedAt ?? crm.at, zone),
		});
		used = true;
	}
	if (!used && tags.length > 0) {
		// A contact row of a CRM export: its tags feed the funnel.
		const ids = identity(isObject(item.customer) ? item.customer : item, []);
		if (ids.aliases.length > 0) {
			out.tagged.push({ ...ids, tags });
			return;
		}
	}
	if (!used) {
		if (badTime) return skip('badTimestamp', badTime);
		skip(
			'unrecognized',
			'not a message, status, Sender or CRM result, or tagged contact (no kind, direction, whatsapp, crm or tags)',
		);
	}
}

function syncOutcome(outcome: string): SyncRecord['outcome'] {
	if (SUCCEEDED.has(outcome)) return 'succeeded';
	if (outcome === 'deferred') return 'deferred';
	if (outcome === 'review') return 'review';
	return 'failed';
}

function readItemTime(item: Json, zone: string): { time?: number; field?: string; raw?: unknown } {
	for (const field of TIME_FIELDS) {
		const raw = item[field];
		if (raw === undefined || raw === null || raw === '') continue;
		return { time: readTime(raw, zone), field, raw };
	}
	return {};
}

/**
 * Epoch ms from ISO-8601 (with or without offset: none means the report's zone), SQL-style
 * `2026-03-01 10:00:00`, RFC 2822, unix seconds (Meta's) or milliseconds, as number or digits, or a Date.
 */
const MAX_DATE_MS = 8.64e15;

export function readTime(value: unknown, zone: string): number | undefined {
	if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
	if (typeof value === 'number') {
		if (!Number.isFinite(value) || value <= 0) return undefined;
		const ms = value < 1e11 ? value * 1000 : value;
		// Past what a Date holds (year 275760) every later step (toISOString, luxon) would throw.
		return ms <= MAX_DATE_MS ? ms : undefined;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return readTime(Number(text), zone);
	// The trigger's ISO-8601 UTC (and any text with an offset) parses natively, ten times faster than luxon.
	if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
		const parsed = Date.parse(text);
		if (Number.isFinite(parsed)) return parsed;
	}
	const parsers = [
		() => DateTime.fromISO(text, { zone }),
		() => DateTime.fromSQL(text, { zone }),
		() => DateTime.fromRFC2822(text, { zone }),
	];
	for (const parse of parsers) {
		const parsed = parse();
		if (parsed.isValid) return parsed.toMillis();
	}
	return undefined;
}

/**
 * Keys by which the same customer is recognised across sources: phone digits, BSUID, email, CRM id.
 * `display` is what a person would recognise: the E.164 number, else the BSUID, else the first key.
 */
function identity(
	source: Json,
	extraPhoneFields: string[],
): { aliases: string[]; display?: string; name?: string } {
	const aliases: string[] = [];
	let display: string | undefined;
	const phone = (value: unknown) => {
		const text = nonBlankText(value) ?? (typeof value === 'number' ? String(value) : undefined);
		if (!text) return;
		if (/^\+?[\d\s().-]{6,24}$/.test(text)) {
			const digits = text.replace(/\D/g, '');
			aliases.push(`tel:${digits}`);
			display ??= `+${digits}`;
		} else if (/^[A-Z]{2}\.\w+$/.test(text)) {
			aliases.push(`uid:${text}`);
			display ??= text;
		} else if (text.includes('@')) {
			aliases.push(`mail:${text.toLowerCase()}`);
			display ??= text.toLowerCase();
		}
	};
	for (const field of [
		'e164',
		'phone',
		'mobile',
		'mobilephone',
		'waId',
		'wa_id',
		...extraPhoneFields,
	])
		phone(source[field]);
	for (const field of ['userId', 'user_id']) {
		const value = nonBlankText(source[field]);
		if (value) {
			aliases.push(`uid:${value}`);
			display ??= value;
		}
	}
	const email = nonBlankText(source.email);
	if (email) {
		aliases.push(`mail:${email.toLowerCase()}`);
		display ??= email.toLowerCase();
	}
	const contactId =
		nonBlankText(source.contactId) ??
		(typeof source.contactId === 'number' ? String(source.contactId) : undefined);
	if (contactId) {
		aliases.push(`crm:${contactId}`);
		display ??= `CRM ${contactId}`;
	}
	return { aliases, display, name: nonBlankText(source.name) };
}

function agentOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (isObject(value))
		return nonBlankText(value.name) ?? nonBlankText(value.email) ?? nonBlankText(value.id);
	return undefined;
}

function tagList(value: unknown): string[] {
	if (Array.isArray(value))
		return value
			.filter((tag): tag is string => typeof tag === 'string' && tag.trim() !== '')
			.map((tag) => tag.trim());
	if (typeof value === 'string')
		return value
			.split(/[,;]/)
			.map((tag) => tag.trim())
			.filter(Boolean);
	return [];
}

function firstText(item: Json): string | undefined {
	for (const field of TEXT_FIELDS) {
		const value = item[field];
		if (typeof value === 'string' && value.trim()) return value;
	}
	return undefined;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string')
		return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	if (typeof value === 'object') return 'an object';
	return `${typeof value} ${String(value)}`;
}
