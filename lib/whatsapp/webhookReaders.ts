/**
 * Reading hostile JSON: typed readers that never convert implicitly, Meta's timestamps, and the bounds
 * that keep ids usable as duplicate keys (lengths, hashes of composed ids).
 */
import { createHash } from 'node:crypto';

import { boolean, isObject, numberOrNumericText, textOrNumber as str } from '../json';
import type { Json } from '../json';
import { WebhookPayloadError } from './webhookEvents';

export type { Json };

/** The time of receipt, read at most once per body. */
export class Receipt {
	private iso?: string;
	get(): string {
		return (this.iso ??= new Date().toISOString());
	}
}

/**
 * Meta's unix seconds (a string, sometimes a number); unreadable ones fall back to the time of
 * receipt. Milliseconds are read as milliseconds and flagged estimated, because Meta never sends them.
 */
export function readTime(value: unknown, receivedAt: Receipt): { iso: string; estimated: boolean } {
	const seconds = secondsOf(value);
	const iso = isoSeconds(value);
	if (iso === undefined) return { iso: receivedAt.get(), estimated: true };
	return { iso, estimated: seconds >= MILLISECONDS_FROM };
}

/**
 * 1e11 seconds is the year 5138, 1e11 milliseconds March 1973: a time from here up to 1e14 is
 * milliseconds (a 2026 time in milliseconds, 1.8e12, would otherwise read as the year 58903).
 */
const MILLISECONDS_FROM = 1e11;
const MILLISECONDS_UNTIL = 1e14;

function secondsOf(value: unknown): number {
	if (typeof value === 'number') return value;
	return typeof value === 'string' && value !== '' ? Number(value) : NaN;
}

/**
 * Seconds (or milliseconds, see MILLISECONDS_FROM) to ISO-8601, or undefined when not a time
 * `Date` can hold (toISOString would throw).
 */
export function isoSeconds(value: unknown): string | undefined {
	let seconds = secondsOf(value);
	if (seconds >= MILLISECONDS_FROM) {
		if (!(seconds < MILLISECONDS_UNTIL)) return undefined;
		seconds /= 1000;
	}
	if (Number.isInteger(seconds) && seconds >= 0 && seconds < YEAR_10000)
		return isoWholeSeconds(seconds);
	const ms = seconds * 1000;
	if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) return undefined;
	return new Date(ms).toISOString();
}

/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit year. */
const YEAR_10000 = 253_402_300_800;
const SECONDS_PER_DAY = 86_400;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
let cachedDay = -1;
let cachedDayPrefix = '';

/**
 * `new Date(…).toISOString()` was a third of the parser's time; deliveries arrive in time order,
 * so the date part is formatted once per UTC day and the time of day by arithmetic (UTC has no
 * leap seconds in JavaScript).
 */
function isoWholeSeconds(seconds: number): string {
	const day = Math.floor(seconds / SECONDS_PER_DAY);
	if (day !== cachedDay) {
		cachedDayPrefix = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 11);
		cachedDay = day;
	}
	const ofDay = seconds - day * SECONDS_PER_DAY;
	const hours = Math.floor(ofDay / 3600);
	const minutes = Math.floor((ofDay % 3600) / 60);
	return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[ofDay % 60]}.000Z`;
}

/** Longer than any wamid Meta sends (about 60 characters): past it an id is not used as a key. */
export const MAX_ID_CHARS = 256;

/**
 * Meta's object ids (a WABA's `entry[].id`, `metadata.phone_number_id`) are strings of digits,
 * 15 to 17 of them in Meta's examples (shape:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/);
 * 64 leaves room for growth. They are part of the trigger's duplicate-delivery keys and of the
 * content-derived ids, so a longer one is not Meta's and refuses the delivery (a 400) instead of
 * making keys of any length.
 */
const MAX_META_ID_CHARS = 64;

/** A WABA or phone number id, text or a finite number; WebhookPayloadError when it is over-long. */
export function metaId(value: unknown, where: string): string | undefined {
	const id = str(value);
	if (id !== undefined && id.length > MAX_META_ID_CHARS)
		throw new WebhookPayloadError(
			`is ${id.length} characters long; Meta's ids have at most ${MAX_META_ID_CHARS}`,
			where,
		);
	return id;
}

/** An id that can key an event: a non-blank string (or a finite number) of at most MAX_ID_CHARS. */
export function usableId(value: unknown): string | undefined {
	const id = str(value);
	return id !== undefined && id.length <= MAX_ID_CHARS && id.trim() !== '' ? id : undefined;
}

/**
 * An id composed from a delivery's values (kind, customer, time, …), or past MAX_ID_CHARS a hash of
 * it: outsiders choose those values, and the id is part of the trigger's duplicate keys.
 */
export function boundedKey(kind: string, composed: string): string {
	if (composed.length <= MAX_ID_CHARS && composed.trim() !== '') return composed;
	return `${kind}:${createHash('sha256').update(composed).digest('hex').slice(0, 32)}`;
}

/**
 * Feeds a JSON value to the hash in one canonical spelling (each value tagged by its type, strings
 * length-prefixed, so no two values spell alike). Iterative, so a deeply nested body cannot
 * overflow the stack; reads only own enumerable keys and calls nothing on the values.
 */
export function hashJson(hash: ReturnType<typeof createHash>, root: unknown): void {
	const stack: unknown[] = [root];
	const open = new Set<object>();
	while (stack.length > 0) {
		const value = stack.pop();
		if (value === CLOSE) {
			hash.update(')');
			continue;
		}
		if (typeof value === 'string') hash.update(`s${value.length}:${value}`);
		else if (typeof value === 'number') hash.update(`n${Number.isFinite(value) ? value : 0};`);
		else if (typeof value === 'boolean') hash.update(value ? 't' : 'f');
		else if (value === null || typeof value !== 'object') hash.update('z');
		else if (open.has(value)) hash.update('c');
		else {
			// A value reached twice (shared, or a cycle) is hashed the first time only.
			open.add(value);
			stack.push(CLOSE);
			if (Array.isArray(value)) {
				hash.update(`a${value.length}(`);
				for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
			} else {
				const keys = Object.keys(value);
				hash.update(`o${keys.length}(`);
				for (let i = keys.length - 1; i >= 0; i--) {
					stack.push((value as Json)[keys[i]]);
					stack.push(keys[i]);
				}
			}
		}
	}
}
const CLOSE = Symbol('close');

/** Lists Meta may leave out; anything else than an array breaks the envelope. */
export function list(value: unknown, where: string): unknown[] {
	if (value === undefined || value === null) return EMPTY;
	if (!Array.isArray(value))
		throw new WebhookPayloadError(`is ${describe(value)}, expected an array`, where);
	return value;
}
const EMPTY: unknown[] = [];

/** The parser reads outside values through the engine's one set of JSON readers. */
export { boolean, isObject, numberOrNumericText, str };

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * A copy without undefined fields, so items stay clean in n8n's table view. Copying (rather than
 * deleting) keeps the objects in V8's fast mode.
 */
export function defined<T extends object>(value: T): T {
	const result = {} as T;
	for (const key in value) if (value[key] !== undefined) result[key] = value[key];
	return result;
}

export function describe(value: unknown): string {
	if (value === undefined) return 'missing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
	return `a ${typeof value}`;
}
