/**
 * Customer tiers from a conversation and purchase history: engagement tiers from what the customer
 * wrote (and when), and a value segment from purchases (recency, frequency, monetary value).
 * Pure and synchronous: the caller passes `now`, so results are reproducible.
 */
import { tagMessage } from './tagger';

export type TimeInput = string | number | Date;

/** One message of the conversation. */
export interface HistoryMessage {
	/** ISO-8601, a Date, ms since the epoch, or unix seconds (WhatsApp's `timestamp`, also as a digit string). */
	at: TimeInput;
	/** Who wrote it; absent counts as the customer ('inbound'). */
	direction?: 'inbound' | 'outbound';
	/** Tags of the message (e.g. from `tagMessage`); when absent and `text` is given, the message is tagged. */
	intents?: (string | { tag: string })[];
	text?: string;
}

export interface Purchase {
	at: TimeInput;
	amount: number;
}

/** A flat event list (messages, purchases, or a message carrying a purchase), or both lists apart. */
export type CustomerHistory =
	| (Partial<HistoryMessage> & { at: TimeInput; purchase?: Purchase })[]
	| { messages?: HistoryMessage[]; purchases?: Purchase[] };

export type Tier = 'high_intent' | 'potential' | 'dormant' | 'cold' | 'price_sensitive';

export type Segment = 'vip' | 'regular' | 'new' | 'lapsed' | 'prospect';

export interface TierOptions {
	/** High intent: at least `highIntentMessages` interest messages in the last `highIntentDays`. Defaults 3 and 7. */
	highIntentMessages?: number;
	highIntentDays?: number;
	/** Tags that count as an interest (product or price) question. */
	interestTags?: string[];
	/** Potential: 1 to `potentialMaxMessages` customer messages in the last `potentialDays`. Defaults 2 and 30. */
	potentialMaxMessages?: number;
	potentialDays?: number;
	/** Dormant: the customer's last message (or, if they never wrote, our first) more than this long ago. Default 60. */
	dormantDays?: number;
	/** Cold: no customer message or purchase for this many calendar months. Default 6. */
	coldMonths?: number;
	/** Price-sensitive: at least this many messages with `priceSensitiveTags`, over `priceSensitiveDays` (default: all history). Default 3. */
	priceSensitiveMessages?: number;
	priceSensitiveDays?: number;
	priceSensitiveTags?: string[];
	/** Value segment bands. */
	segment?: {
		/** Purchases in this window count toward frequency and monetary value. Default 365. */
		windowDays?: number;
		/** VIP: monetary ≥ `vipMonetary` or frequency ≥ `vipFrequency` in the window. Defaults 10,000 and 5. */
		vipMonetary?: number;
		vipFrequency?: number;
		/** New: the first purchase ever was within this many days. Default 30. */
		newDays?: number;
		/** Lapsed: the last purchase was more than this many days ago. Default 180. */
		lapsedDays?: number;
	};
}

export interface TierResult {
	/** Engagement tiers; several can hold (a cold customer is also dormant). */
	tiers: Tier[];
	/**
	 * Value band: 'vip' (high spend or frequency in the window), 'new' (first purchase recent),
	 * 'regular' (bought within `lapsedDays`), 'lapsed' (bought before, not since), 'prospect' (never).
	 */
	segment: Segment;
	/** Recency: days since the last purchase (null without purchases); frequency and monetary: in the window. */
	rfm: { recency: number | null; frequency: number; monetary: number };
	/** One line per tier and for the segment, saying why. */
	reasons: string[];
	/** Days since the customer last wrote (null if never). */
	daysSinceLastInbound: number | null;
}

const DAY = 86_400_000;
const DEFAULT_INTEREST = [
	'product_question',
	'price_inquiry',
	'quote_request',
	'discount_inquiry',
	'purchase_intent',
];
const DEFAULT_PRICE_SENSITIVE = ['discount_inquiry', 'price_objection'];

/** Milliseconds since the epoch; numbers below 1e11 (and digit strings) are read as unix seconds. */
export function toMillis(at: TimeInput): number {
	if (at instanceof Date) return at.getTime();
	if (typeof at === 'number') return at < 1e11 ? at * 1000 : at;
	if (typeof at === 'string' && /^\d+(?:\.\d+)?$/.test(at.trim())) return toMillis(Number(at));
	return Date.parse(at);
}

interface Message {
	at: number;
	inbound: boolean;
	tags: Set<string>;
}

function tagsOf(message: Partial<HistoryMessage>): Set<string> {
	if (message.intents)
		return new Set(message.intents.map((i) => (typeof i === 'string' ? i : i.tag)));
	if (typeof message.text === 'string')
		return new Set(tagMessage(message.text).intents.map((i) => i.tag));
	return new Set();
}

function split(history: CustomerHistory): {
	messages: Message[];
	purchases: { at: number; amount: number }[];
} {
	const messages: Message[] = [];
	const purchases: { at: number; amount: number }[] = [];
	const addPurchase = (p: Purchase | undefined, fallbackAt?: TimeInput): void => {
		if (!p || typeof p.amount !== 'number') return;
		const at = toMillis(p.at ?? fallbackAt);
		if (Number.isFinite(at)) purchases.push({ at, amount: p.amount });
	};
	if (Array.isArray(history)) {
		for (const event of history) {
			if (!event) continue;
			addPurchase(event.purchase, event.at);
			// An event with only a purchase is not a message.
			const isMessage =
				event.direction !== undefined ||
				event.intents !== undefined ||
				event.text !== undefined ||
				!event.purchase;
			const at = toMillis(event.at);
			if (isMessage && Number.isFinite(at))
				messages.push({ at, inbound: event.direction !== 'outbound', tags: tagsOf(event) });
		}
	} else if (history && typeof history === 'object') {
		for (const m of history.messages ?? []) {
			const at = toMillis(m.at);
			if (Number.isFinite(at))
				messages.push({ at, inbound: m.direction !== 'outbound', tags: tagsOf(m) });
		}
		for (const p of history.purchases ?? []) addPurchase(p);
	}
	return { messages, purchases };
}

function monthsBefore(now: number, months: number): number {
	const d = new Date(now);
	d.setUTCMonth(d.getUTCMonth() - months);
	return d.getTime();
}

const days = (ms: number): number => Math.floor(ms / DAY);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Tiers a customer at `now` (default: the current time).
 * - high_intent: ≥ 3 customer messages tagged product_question, price_inquiry, quote_request,
 *   discount_inquiry or purchase_intent in the last 7 days (a message counts once);
 * - potential: 1 or 2 customer messages in the last 30 days;
 * - dormant: the customer's last message more than 60 days ago (or never wrote, and we first wrote
 *   more than 60 days ago);
 * - cold: no customer message or purchase for 6 calendar months;
 * - price_sensitive: ≥ 3 customer messages tagged discount_inquiry or price_objection.
 * Messages without direction are the customer's. Every threshold is an option.
 */
export function tierCustomer(
	history: CustomerHistory,
	now: TimeInput = Date.now(),
	opts: TierOptions = {},
): TierResult {
	const nowMs = toMillis(now);
	if (!Number.isFinite(nowMs))
		throw new Error(`tierCustomer: cannot read the time "${String(now)}"`);
	const { messages, purchases } = split(history);
	const inbound = messages.filter((m) => m.inbound);
	const tiers: Tier[] = [];
	const reasons: string[] = [];

	const interest = new Set(opts.interestTags ?? DEFAULT_INTEREST);
	const highDays = opts.highIntentDays ?? 7;
	const highMin = opts.highIntentMessages ?? 3;
	const interested = inbound.filter(
		(m) => m.at > nowMs - highDays * DAY && [...m.tags].some((t) => interest.has(t)),
	).length;
	if (interested >= highMin) {
		tiers.push('high_intent');
		reasons.push(
			`high_intent: ${plural(interested, 'product or price question')} in the last ${highDays} days`,
		);
	}

	const potentialDays = opts.potentialDays ?? 30;
	const potentialMax = opts.potentialMaxMessages ?? 2;
	const recent = inbound.filter((m) => m.at > nowMs - potentialDays * DAY).length;
	if (recent >= 1 && recent <= potentialMax) {
		tiers.push('potential');
		reasons.push(
			`potential: ${plural(recent, 'message')} from the customer in the last ${potentialDays} days`,
		);
	}

	const lastInbound = inbound.length ? Math.max(...inbound.map((m) => m.at)) : undefined;
	const dormantDays = opts.dormantDays ?? 60;
	const firstContact = messages.length ? Math.min(...messages.map((m) => m.at)) : undefined;
	const quietSince = lastInbound ?? firstContact;
	if (quietSince !== undefined && nowMs - quietSince > dormantDays * DAY) {
		tiers.push('dormant');
		reasons.push(
			lastInbound !== undefined
				? `dormant: last customer message ${days(nowMs - lastInbound)} days ago (over ${dormantDays})`
				: `dormant: the customer never replied in ${days(nowMs - quietSince)} days (over ${dormantDays})`,
		);
	}

	const coldMonths = opts.coldMonths ?? 6;
	const lastPurchase = purchases.length ? Math.max(...purchases.map((p) => p.at)) : undefined;
	const lastInteraction = Math.max(lastInbound ?? -Infinity, lastPurchase ?? -Infinity);
	// A customer who never wrote nor bought is measured from our first message.
	const coldSince = Number.isFinite(lastInteraction) ? lastInteraction : firstContact;
	if (coldSince !== undefined && coldSince < monthsBefore(nowMs, coldMonths)) {
		tiers.push('cold');
		reasons.push(
			Number.isFinite(lastInteraction)
				? `cold: no customer message or purchase for ${days(nowMs - coldSince)} days (over ${coldMonths} months)`
				: `cold: the customer never wrote or bought in ${days(nowMs - coldSince)} days (over ${coldMonths} months)`,
		);
	}

	const sensitiveTags = new Set(opts.priceSensitiveTags ?? DEFAULT_PRICE_SENSITIVE);
	const sensitiveFrom =
		opts.priceSensitiveDays === undefined ? -Infinity : nowMs - opts.priceSensitiveDays * DAY;
	const sensitive = inbound.filter(
		(m) => m.at > sensitiveFrom && [...m.tags].some((t) => sensitiveTags.has(t)),
	).length;
	if (sensitive >= (opts.priceSensitiveMessages ?? 3)) {
		tiers.push('price_sensitive');
		reasons.push(`price_sensitive: ${plural(sensitive, 'discount question or price objection')}`);
	}

	const s = opts.segment ?? {};
	const windowDays = s.windowDays ?? 365;
	const inWindow = purchases.filter((p) => p.at > nowMs - windowDays * DAY);
	const frequency = inWindow.length;
	const monetary = Math.round(inWindow.reduce((sum, p) => sum + p.amount, 0) * 100) / 100;
	const recency = lastPurchase === undefined ? null : days(nowMs - lastPurchase);
	let segment: Segment;
	if (recency === null) {
		segment = 'prospect';
		reasons.push('segment prospect: no purchases');
	} else if (recency > (s.lapsedDays ?? 180)) {
		segment = 'lapsed';
		reasons.push(`segment lapsed: last purchase ${recency} days ago (over ${s.lapsedDays ?? 180})`);
	} else if (monetary >= (s.vipMonetary ?? 10_000) || frequency >= (s.vipFrequency ?? 5)) {
		segment = 'vip';
		reasons.push(
			`segment vip: ${plural(frequency, 'purchase')} worth ${monetary} in ${windowDays} days`,
		);
	} else if (nowMs - Math.min(...purchases.map((p) => p.at)) <= (s.newDays ?? 30) * DAY) {
		segment = 'new';
		reasons.push(`segment new: first purchase within ${s.newDays ?? 30} days`);
	} else {
		segment = 'regular';
		reasons.push(
			`segment regular: ${plural(frequency, 'purchase')} worth ${monetary} in ${windowDays} days, last ${recency} days ago`,
		);
	}

	return {
		tiers,
		segment,
		rfm: { recency, frequency, monetary },
		reasons,
		daysSinceLastInbound: lastInbound === undefined ? null : days(nowMs - lastInbound),
	};
}
