/**
 * The intent tagger: every phrase of every language pack (and the user's keywords) compiled into one
 * Aho-Corasick automaton over folded code units, so a message is read once, left to right, whatever
 * its language mix, with no tokenising (Chinese and Thai have no spaces) and no per-phrase regexes.
 *
 * After the pass, a few cheap rules over the handful of matches:
 * - a match inside a longer one is dropped ("cash on delivery" is payment, not delivery; 退货地址
 *   is a return, not a shop address; "no problem" is no complaint);
 * - negated matches of negatable tags are dropped (不贵, 唔係好貴, не дорого, not too expensive,
 *   ไม่แพง), and negated sentiment words count the other way;
 * - weak evidence (a "~" phrase such as "price" or 尺码) does not tag a message that a related tag
 *   explains better ("this price too high" is an objection, not a price question), unless it is
 *   the whole message ("price?") or two weak phrases agree;
 * - "how much" attached to a shipping fee, deposit or refund belongs to that tag (运费几钱);
 * - an opt-out overrides the promotion, product and purchase words it mentions.
 * Measured on test/data/intent (see bench/intentTagger.ts); about 0.7 M short messages/s per core.
 */
import type { Language, ScriptCounts } from './language';
import { countChar, emptyCounts, languageOf } from './language';
import { CHAR_CLASS, CharClass, FOLD, fold, isWordChar } from './normalize';
import { en } from './packs/en';
import { ru } from './packs/ru';
import { th } from './packs/th';
import { zh } from './packs/zh';
import { EMOJI, TAG_SENTIMENT, sentimentFromScore } from './sentiment';

/** The canonical tags, the same in every language. */
export const INTENT_TAGS = [
	'price_inquiry',
	'discount_inquiry',
	'price_objection',
	'purchase_intent',
	'product_question',
	'quote_request',
	'order_status',
	'shipping_info',
	'return_exchange',
	'payment',
	'store_location',
	'complaint',
	'human_handoff',
	'opt_out',
] as const;

export type IntentTag = (typeof INTENT_TAGS)[number];

/** The built-in tags (alias of `INTENT_TAGS`). */
export const BUILT_IN_TAGS: readonly IntentTag[] = INTENT_TAGS;

/**
 * Phrase data of one language. Phrase lists are strings of phrases separated by `|` or new lines,
 * matched on folded text (case, full width, traditional Chinese, ё), so write each phrase once:
 * - `*` at the end matches any word ending (`refund*`: refunds, refunded; `доставк*`);
 * - `~` in front marks weak evidence (confidence 0.6 instead of 0.9), which does not count when a
 *   related tag is also found (see `SUPPRESSED_BY`); `~~` a hint (0.3), which needs other evidence;
 * - a phrase starting (ending) with a Latin or Cyrillic letter must start (end) at a word edge,
 *   unless it ends with `*`; Chinese and Thai phrases match anywhere, except that a Thai phrase
 *   never ends before a vowel or tone mark of the same syllable.
 */
export interface LanguagePack {
	language: string;
	tags: Partial<Record<IntentTag, string>>;
	/** Phrases that tag nothing and hide the phrases inside them ("no problem", 没问题). */
	neutral?: string;
	/** Words that negate a following price objection, purchase, complaint or sentiment word. */
	negators?: string;
	/** Words allowed between a negator and what it negates (not *too* expensive, 唔係*好*貴). */
	intensifiers?: string;
	/** Sentiment words (`~` = half weight); emoji are shared, in sentiment.ts. */
	positive?: string;
	negative?: string;
	/** The few intents phrases cannot express (a large quantity is a number); run on the raw text. */
	patterns?: { tag: IntentTag; re: RegExp; weight?: number }[];
}

export const BUILT_IN_PACKS: readonly LanguagePack[] = [zh, en, th, ru];

/** A user's own tag, or more evidence for a built-in one. */
export interface TaggerRule {
	tag: string;
	/** Only for messages detected in this language ('zh', 'en', 'th', 'ru'; 'zh-Hant' counts as 'zh'). */
	language?: string;
	/** Phrases, folded like the built-in ones (`*` suffix for any ending, `~` prefix for weak). */
	keywords?: string[];
	/** Regular expressions tested on the original text; strings are compiled case-insensitive (`iu`). */
	patterns?: (string | RegExp)[];
	/** Confidence of one keyword or pattern match; default 0.9. */
	confidence?: number;
}

/** Alias of `TaggerRule`. */
export type CustomRule = TaggerRule;

export interface TaggerOptions {
	/** Built-in tags switched off. */
	disable?: string[];
	/** User rules, added to the built-in ones. */
	rules?: TaggerRule[];
	/** Built-in language packs to load; default all ('zh', 'en', 'th', 'ru'). */
	languages?: string[];
	/** Minimum confidence for a tag to be reported; default 0.5. */
	threshold?: number;
}

export interface Intent {
	tag: string;
	/** 0..1: one strong phrase 0.9, one weak 0.6, several combine (1 − Π(1 − wᵢ)), at most 0.99. */
	confidence: number;
	/** The matched phrases as written in the message (or a pattern's match), in order, distinct. */
	evidence: string[];
}

export interface TagResult {
	/** Dominant language by script: 'zh' | 'en' | 'th' | 'ru', 'und' for other Latin languages or no letters. */
	language: Language | string;
	/** Highest confidence first. */
	intents: Intent[];
	/** 0 very negative … 0.5 neutral … 1 very positive. */
	sentiment: number;
}

export interface Tagger {
	tag(text: string): TagResult;
	/** Every tag this tagger can report. */
	readonly tags: readonly string[];
}

const STRONG = 0.9;
const WEAK = 0.6;
/** A hint counts only with other evidence (or as the whole message): 0.3 + 0.6 ≥ 0.5, 0.3 alone is not. */
const HINT = 0.3;
const DEFAULT_THRESHOLD = 0.5;

/** Tags whose matches a negator in front cancels; other tags say the same with or without "not". */
const NEGATABLE = new Set<string>(['price_objection', 'purchase_intent', 'complaint']);

/** Weak evidence of a tag does not count when one of these tags is found in the same message. */
const SUPPRESSED_BY: Readonly<Record<string, readonly string[]>> = {
	price_inquiry: [
		'price_objection',
		'discount_inquiry',
		'quote_request',
		'shipping_info',
		'payment',
		'order_status',
		'return_exchange',
		'purchase_intent',
	],
	discount_inquiry: [
		'quote_request',
		'store_location',
		'payment',
		'shipping_info',
		'order_status',
		'price_objection',
	],
	price_objection: ['discount_inquiry', 'complaint'],
	purchase_intent: [
		'return_exchange',
		'complaint',
		'human_handoff',
		'opt_out',
		'order_status',
		'discount_inquiry',
		'quote_request',
		'product_question',
		'price_inquiry',
		'shipping_info',
		'price_objection',
		'payment',
	],
	product_question: [
		'return_exchange',
		'order_status',
		'discount_inquiry',
		'store_location',
		'payment',
		'shipping_info',
		'quote_request',
		'human_handoff',
		'opt_out',
		'complaint',
		'purchase_intent',
	],
	shipping_info: ['order_status', 'payment', 'return_exchange', 'complaint', 'purchase_intent'],
	order_status: ['return_exchange', 'shipping_info', 'purchase_intent', 'complaint'],
	return_exchange: ['product_question', 'opt_out', 'purchase_intent'],
	payment: ['order_status', 'return_exchange', 'purchase_intent', 'price_inquiry'],
	store_location: ['return_exchange', 'shipping_info', 'order_status', 'quote_request'],
	human_handoff: ['complaint', 'quote_request', 'order_status'],
	opt_out: ['complaint', 'order_status'],
	complaint: ['return_exchange', 'order_status', 'product_question'],
};

/** Entry kinds besides tag ids (≥ 0). */
const NEUTRAL = -1;
const SENTIMENT = -2;

const LEFT = 1;
const RIGHT = 2;
const NEGATABLE_FLAG = 4;
const THAI_END = 8;
const PREFIX = 16;

/** Tags a "how much" directly after belongs to (运费几钱 is a shipping question, not a price one). */
const ABSORBS_PRICE = ['shipping_info', 'payment', 'order_status', 'return_exchange'];

/** When the first tag is found, the others are not reported ("no more promos pls" asks for no promotion). */
const OVERRIDES: Readonly<Record<string, readonly string[]>> = {
	opt_out: ['discount_inquiry', 'purchase_intent', 'product_question', 'shipping_info'],
};

interface Entry {
	phrase: string;
	kind: number;
	weight: number;
	flags: number;
	/** For user rules: the only language it applies to. */
	language?: string;
}

interface PatternRule {
	tag: number;
	re: RegExp;
	weight: number;
	language?: string;
}

/** Splits a phrase list: `|` or new lines between phrases. */
export function phrasesOf(list: string | undefined): string[] {
	if (!list) return [];
	return list
		.split(/[|\n]/)
		.map((p) => p.trim())
		.filter(Boolean);
}

function entryOf(
	raw: string,
	kind: number,
	weight: number,
	negatable: boolean,
	language?: string,
): Entry | undefined {
	let phrase = raw.trim();
	let w = weight;
	if (phrase.startsWith('~~')) {
		phrase = phrase.slice(2);
		w = kind === SENTIMENT ? weight / 4 : Math.min(weight, HINT);
	} else if (phrase.startsWith('~')) {
		phrase = phrase.slice(1);
		w = kind === SENTIMENT ? weight / 2 : Math.min(weight, WEAK);
	}
	let prefix = false;
	if (phrase.length > 1 && phrase.endsWith('*')) {
		phrase = phrase.slice(0, -1);
		prefix = true;
	}
	phrase = fold(phrase);
	if (phrase === '') return undefined;
	let flags = negatable ? NEGATABLE_FLAG : 0;
	if (isWordChar(phrase.charCodeAt(0))) flags |= LEFT;
	const last = phrase.charCodeAt(phrase.length - 1);
	if (!prefix && isWordChar(last)) flags |= RIGHT;
	if (prefix) flags |= PREFIX;
	const lastClass = CHAR_CLASS[last];
	if (!prefix && (lastClass === CharClass.Thai || lastClass === CharClass.ThaiMark))
		flags |= THAI_END;
	return { phrase, kind, weight: w, flags, language };
}

/** Aho-Corasick over folded UTF-16 code units; the root's transitions are a dense table. */
class Automaton {
	private readonly root = new Int32Array(0x10000).fill(-1);
	private readonly edges: Map<number, number>[] = [new Map()];
	private fail: Int32Array = new Int32Array(1);
	/** Entry ids ending at each state, its fail chain's included. */
	outputs: (readonly number[] | undefined)[] = [];

	constructor(phrases: readonly string[]) {
		const own: number[][] = [[]];
		phrases.forEach((phrase, id) => {
			let state = 0;
			for (let i = 0; i < phrase.length; i++) {
				const c = phrase.charCodeAt(i);
				let next = state === 0 ? this.root[c] : (this.edges[state].get(c) ?? -1);
				if (next < 0) {
					next = this.edges.length;
					this.edges.push(new Map());
					own.push([]);
					if (state === 0) this.root[c] = next;
					else this.edges[state].set(c, next);
				}
				state = next;
			}
			own[state].push(id);
		});
		this.fail = new Int32Array(this.edges.length);
		const queue: number[] = [];
		for (let c = 0; c < 0x10000; c++) if (this.root[c] >= 0) queue.push(this.root[c]);
		const outputs: number[][] = own.map((ids) => ids.slice());
		for (let head = 0; head < queue.length; head++) {
			const state = queue[head];
			for (const [c, child] of this.edges[state]) {
				this.fail[child] = this.step(this.fail[state], c);
				outputs[child].push(...outputs[this.fail[child]]);
				queue.push(child);
			}
		}
		this.outputs = outputs.map((ids) => (ids.length ? ids : undefined));
	}

	/** The state after reading `c` in `state`, following fail links. */
	step(state: number, c: number): number {
		let s = state;
		for (;;) {
			if (s === 0) {
				const next = this.root[c];
				return next < 0 ? 0 : next;
			}
			const next = this.edges[s].get(c);
			if (next !== undefined) return next;
			s = this.fail[s];
		}
	}
}

/** Does `word` (folded) end just before `end` in `text`, at a word edge when it starts with a letter? */
function endsWithAt(text: string, end: number, word: string): boolean {
	const start = end - word.length;
	if (start < 0) return false;
	for (let k = 0; k < word.length; k++)
		if (FOLD[text.charCodeAt(start + k)] !== word.charCodeAt(k)) return false;
	return !(
		start > 0 &&
		isWordChar(word.charCodeAt(0)) &&
		isWordChar(FOLD[text.charCodeAt(start - 1)])
	);
}

function skipSpacesLeft(text: string, pos: number): number {
	let p = pos;
	while (p > 0) {
		const c = FOLD[text.charCodeAt(p - 1)];
		if (c !== 0x20 && c !== 0x09) break;
		p--;
	}
	return p;
}

/** Does a match ending at `end` touch one starting at `start`: adjacent, or words apart by spaces only? */
function touching(text: string, end: number, start: number): boolean {
	if (end === start) return true;
	return (
		end < start && isWordChar(FOLD[text.charCodeAt(end - 1)]) && skipSpacesLeft(text, start) === end
	);
}

/** Are there no letters (of any script) outside [start, end)? */
function onlyLetters(text: string, start: number, end: number): boolean {
	for (let i = 0; i < text.length; i++) {
		if (i === start) {
			i = end - 1;
			continue;
		}
		const c = CHAR_CLASS[text.charCodeAt(i)];
		if (c !== CharClass.Other && c !== CharClass.Digit) return false;
	}
	return true;
}

function regexOf(pattern: string | RegExp): RegExp {
	if (typeof pattern === 'string') return new RegExp(pattern, 'iu');
	// A global or sticky regex keeps state between calls: run a clean copy.
	return pattern.global || pattern.sticky
		? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
		: pattern;
}

function sameLanguage(detected: string, wanted: string | undefined): boolean {
	if (!wanted) return true;
	const w = wanted.toLowerCase();
	return w === detected || w.startsWith(`${detected}-`);
}

/**
 * Compiles the built-in packs (minus disabled tags) and the user's rules once; `tag()` then costs
 * one pass over the message. Build one per set of options and reuse it (a node: once per execution).
 */
export function createTagger(opts: TaggerOptions = {}): Tagger {
	const disabled = new Set(opts.disable ?? []);
	const wanted = opts.languages?.map((l) => l.toLowerCase().split('-')[0]);
	const packs = BUILT_IN_PACKS.filter((p) => !wanted || wanted.includes(p.language));
	const threshold = opts.threshold ?? DEFAULT_THRESHOLD;

	const tags: string[] = INTENT_TAGS.filter((t) => !disabled.has(t));
	const tagId = new Map<string, number>(tags.map((t, i) => [t, i]));
	const idOf = (tag: string): number => {
		let id = tagId.get(tag);
		if (id === undefined) {
			id = tags.length;
			tags.push(tag);
			tagId.set(tag, id);
		}
		return id;
	};

	const entries: Entry[] = [];
	const seen = new Set<string>();
	const add = (entry: Entry | undefined): void => {
		if (!entry) return;
		const key = `${entry.kind}\u0000${entry.flags}\u0000${entry.language ?? ''}\u0000${entry.phrase}`;
		if (seen.has(key)) return;
		seen.add(key);
		entries.push(entry);
	};
	const negators: string[] = [];
	const intensifiers: string[] = [];
	const patterns: PatternRule[] = [];

	for (const pack of packs) {
		for (const tag of INTENT_TAGS) {
			const id = tagId.get(tag);
			if (id === undefined) continue;
			for (const phrase of phrasesOf(pack.tags[tag]))
				add(entryOf(phrase, id, STRONG, NEGATABLE.has(tag)));
		}
		for (const phrase of phrasesOf(pack.neutral)) add(entryOf(phrase, NEUTRAL, 0, false));
		for (const phrase of phrasesOf(pack.positive)) add(entryOf(phrase, SENTIMENT, 1, true));
		for (const phrase of phrasesOf(pack.negative)) add(entryOf(phrase, SENTIMENT, -1, true));
		negators.push(...phrasesOf(pack.negators).map(fold));
		intensifiers.push(...phrasesOf(pack.intensifiers).map(fold));
		for (const p of pack.patterns ?? []) {
			const id = tagId.get(p.tag);
			if (id !== undefined) patterns.push({ tag: id, re: p.re, weight: p.weight ?? STRONG });
		}
	}
	for (const [emoji, weight] of EMOJI)
		add({ phrase: fold(emoji), kind: SENTIMENT, weight, flags: 0 });

	for (const rule of opts.rules ?? []) {
		if (!rule || typeof rule.tag !== 'string' || rule.tag === '')
			throw new Error('every tagger rule needs a tag');
		const id = idOf(rule.tag);
		const weight = rule.confidence ?? STRONG;
		for (const keyword of rule.keywords ?? [])
			add(entryOf(keyword, id, weight, false, rule.language));
		for (const pattern of rule.patterns ?? [])
			patterns.push({ tag: id, re: regexOf(pattern), weight, language: rule.language });
	}
	// Longest first, so the first intensifier that fits is the longest.
	intensifiers.sort((a, b) => b.length - a.length);

	const automaton = new Automaton(entries.map((e) => e.phrase));
	const kind = Int16Array.from(entries, (e) => e.kind);
	const weight = Float64Array.from(entries, (e) => e.weight);
	const length = Uint16Array.from(entries, (e) => e.phrase.length);
	const flags = Uint8Array.from(entries, (e) => e.flags);
	const entryLanguage = entries.map((e) => e.language);
	const anyEntryLanguage = entryLanguage.some((l) => l !== undefined);
	const suppressors = tags.map((t) =>
		(SUPPRESSED_BY[t] ?? []).map((s) => tagId.get(s)).filter((s): s is number => s !== undefined),
	);
	const tagSentiment = tags.map((t) => TAG_SENTIMENT[t] ?? 0);
	const tagCount = tags.length;
	const priceTag = tagId.get('price_inquiry') ?? -3;
	const absorbing = new Set(
		ABSORBS_PRICE.map((t) => tagId.get(t)).filter((t): t is number => t !== undefined),
	);
	const overrides: [number, number[]][] = [];
	for (const [over, list] of Object.entries(OVERRIDES)) {
		const id = tagId.get(over);
		if (id !== undefined)
			overrides.push([
				id,
				list.map((t) => tagId.get(t)).filter((t): t is number => t !== undefined),
			]);
	}

	// Per-call scratch, reused: tagging is synchronous.
	let capacity = 64;
	let mStart = new Int32Array(capacity);
	let mEnd = new Int32Array(capacity);
	let mEntry = new Int32Array(capacity);
	let mKeep = new Uint8Array(capacity);
	const miss = new Float64Array(tagCount);
	const strong = new Uint8Array(tagCount);
	const weakSeen = new Uint8Array(tagCount);
	const evidence: (string[] | undefined)[] = new Array(tagCount);

	const negated = (text: string, start: number): boolean => {
		let pos = skipSpacesLeft(text, start);
		for (let hop = 0; hop < 4 && pos > 0; hop++) {
			for (const word of negators) if (endsWithAt(text, pos, word)) return true;
			let stripped = false;
			for (const word of intensifiers) {
				if (endsWithAt(text, pos, word)) {
					pos = skipSpacesLeft(text, pos - word.length);
					stripped = true;
					break;
				}
			}
			if (!stripped) return false;
		}
		return false;
	};

	/** Does kept match `a` follow a kept match of an absorbing tag (only spaces between, and those only between words)? */
	const attachedToOther = (text: string, a: number, matches: number): boolean => {
		for (let b = 0; b < matches; b++) {
			if (!mKeep[b] || !absorbing.has(kind[mEntry[b]])) continue;
			if (touching(text, mEnd[b], mStart[a])) return true;
			// Before it only in Chinese (幾錢運費); Thai runs sentences together (ราคาเท่าไหร่ส่งฟรีไหม).
			if (mEnd[a] === mStart[b] && CHAR_CLASS[text.charCodeAt(mEnd[a] - 1)] === CharClass.Han)
				return true;
		}
		return false;
	};

	const tag = (input: string): TagResult => {
		if (typeof input !== 'string' || input === '')
			return { language: 'und', intents: [], sentiment: 0.5 };
		const text = input;
		const n = text.length;
		const counts: ScriptCounts = emptyCounts();
		let matches = 0;
		let state = 0;
		for (let i = 0; i < n; i++) {
			const raw = text.charCodeAt(i);
			countChar(counts, raw);
			state = automaton.step(state, FOLD[raw]);
			const out = automaton.outputs[state];
			if (out === undefined) continue;
			for (let k = 0; k < out.length; k++) {
				const e = out[k];
				const end = i + 1;
				const start = end - length[e];
				const f = flags[e];
				if (f & LEFT && start > 0 && isWordChar(FOLD[text.charCodeAt(start - 1)])) continue;
				if (end < n) {
					const next = FOLD[text.charCodeAt(end)];
					// English plurals: "credit cards", "tracking numbers" end a phrase too.
					if (
						f & RIGHT &&
						isWordChar(next) &&
						!(next === 0x73 && (end + 1 === n || !isWordChar(FOLD[text.charCodeAt(end + 1)])))
					)
						continue;
					if (f & THAI_END && CHAR_CLASS[next] === CharClass.ThaiMark) continue;
				}
				if (matches === capacity) {
					capacity *= 2;
					mStart = grow(mStart, capacity);
					mEnd = grow(mEnd, capacity);
					mEntry = grow(mEntry, capacity);
					mKeep = new Uint8Array(capacity);
				}
				mStart[matches] = start;
				mEnd[matches] = end;
				mEntry[matches] = e;
				matches++;
			}
		}
		const language = languageOf(counts);

		miss.fill(1);
		strong.fill(0);
		weakSeen.fill(0);
		evidence.fill(undefined);
		let score = 0;
		// Pass 1: which matches stand (not inside a longer one, not negated).
		for (let a = 0; a < matches; a++) {
			const e = mEntry[a];
			const k = kind[e];
			mKeep[a] = 0;
			if (k === NEUTRAL) continue;
			if (anyEntryLanguage && !sameLanguage(language, entryLanguage[e])) continue;
			// Inside a longer match (neutral phrases do not hide sentiment words)?
			let inside = false;
			for (let b = 0; b < matches && !inside; b++) {
				if (b === a || mEnd[b] - mStart[b] <= mEnd[a] - mStart[a]) continue;
				if (
					mStart[b] <= mStart[a] &&
					mEnd[b] >= mEnd[a] &&
					!(k === SENTIMENT && kind[mEntry[b]] === NEUTRAL)
				) {
					inside = anyEntryLanguage ? sameLanguage(language, entryLanguage[mEntry[b]]) : true;
				}
			}
			if (inside) continue;
			const isNegated = flags[e] & NEGATABLE_FLAG && negated(text, mStart[a]);
			if (k === SENTIMENT) {
				score += isNegated ? -weight[e] * 0.75 : weight[e];
				continue;
			}
			if (!isNegated) mKeep[a] = 1;
		}
		// Pass 2: evidence per tag.
		for (let a = 0; a < matches; a++) {
			if (!mKeep[a]) continue;
			const e = mEntry[a];
			const k = kind[e];
			// "how much" right after a shipping fee, a deposit, a refund… asks about that: 运费几钱, ค่าส่งเท่าไหร่.
			if (k === priceTag && attachedToOther(text, a, matches)) continue;
			let w = weight[e];
			// Weak evidence that is the whole message ("price?", "STOP", 尺码?) is not weak.
			if (w <= WEAK && onlyLetters(text, mStart[a], mEnd[a])) w = STRONG;
			miss[k] *= 1 - w;
			// Two different weak phrases agreeing are as good as one strong.
			if (w > WEAK || (w === WEAK && weakSeen[k]++ > 0)) strong[k] = 1;
			let end = mEnd[a];
			// A stem (доставк*, refund*) shows the whole word the customer wrote.
			if (flags[e] & PREFIX) while (end < n && isWordChar(FOLD[text.charCodeAt(end)])) end++;
			const phrase = text.slice(mStart[a], end);
			const list = evidence[k];
			if (!list) evidence[k] = [phrase];
			else if (!list.includes(phrase)) list.push(phrase);
		}
		for (const p of patterns) {
			if (!sameLanguage(language, p.language)) continue;
			const m = p.re.exec(text);
			if (!m) continue;
			miss[p.tag] *= 1 - p.weight;
			if (p.weight > WEAK) strong[p.tag] = 1;
			const list = evidence[p.tag];
			if (!list) evidence[p.tag] = [m[0]];
			else if (!list.includes(m[0])) list.push(m[0]);
		}
		// A tag that overrides others: "stop sending promotions" asks for no promotion.
		for (const [over, overridden] of overrides) {
			if (1 - miss[over] < threshold) continue;
			for (const t of overridden) miss[t] = 1;
		}

		const intents: Intent[] = [];
		for (let t = 0; t < tagCount; t++) {
			const confidence = 1 - miss[t];
			if (confidence < threshold) continue;
			if (
				!strong[t] &&
				suppressors[t].some(
					(s) => 1 - miss[s] >= threshold && (strong[s] || !suppressors[s].includes(t)),
				)
			)
				continue;
			intents.push({
				tag: tags[t],
				confidence: Math.min(0.99, Math.round(confidence * 100) / 100),
				evidence: evidence[t] ?? [],
			});
			score += tagSentiment[t];
		}
		intents.sort((x, y) => y.confidence - x.confidence);
		return { language, intents, sentiment: sentimentFromScore(score) };
	};

	return { tag, tags };
}

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
	const bigger = new Int32Array(capacity);
	bigger.set(array);
	return bigger;
}

let defaultTagger: Tagger | undefined;
const taggersByOptions = new WeakMap<TaggerOptions, Tagger>();
const taggersByKey = new Map<string, Tagger>();
const KEYED_TAGGERS = 32;

function isDefault(opts: TaggerOptions): boolean {
	return (
		!opts.disable?.length && !opts.rules?.length && !opts.languages && opts.threshold === undefined
	);
}

function keyOf(opts: TaggerOptions): string {
	return JSON.stringify(opts, (_key, value: unknown) =>
		value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
	);
}

/**
 * Tags one message: language, intents (multi-label) and sentiment. Compiles nothing per call: the
 * default tagger is built once, and taggers for options are cached by the options object (and by
 * their content, so options rebuilt per call still hit the cache). An options object is read the
 * first time it is seen; build a new one (or use `createTagger`) to change rules.
 */
export function tagMessage(text: string, opts?: TaggerOptions): TagResult {
	if (!opts || isDefault(opts)) return (defaultTagger ??= createTagger()).tag(text);
	let tagger = taggersByOptions.get(opts);
	if (!tagger) {
		const key = keyOf(opts);
		tagger = taggersByKey.get(key);
		if (!tagger) {
			tagger = createTagger(opts);
			if (taggersByKey.size >= KEYED_TAGGERS)
				taggersByKey.delete(taggersByKey.keys().next().value as string);
			taggersByKey.set(key, tagger);
		}
		taggersByOptions.set(opts, tagger);
	}
	return tagger.tag(text);
}
