/**
 * The intent tagger: every phrase of every language pack (and the user's keywords) compiled into one
 * Aho-Corasick automaton (compile.ts), so a message is read once, left to right, whatever its
 * language mix. After the pass, cheap rules over the matches, each linear in their number:
 * - a match inside a longer one is dropped ("cash on delivery" is payment, not delivery; 退货地址
 *   is a return, not a shop address; "no problem" is no complaint);
 * - negated matches of negatable tags are dropped (不贵, 唔係好貴, не дорого, not too expensive,
 *   ไม่แพง), and negated sentiment words count the other way;
 * - weak evidence (a "~" phrase such as "price" or 尺码) does not tag a message that a related tag
 *   explains better ("this price too high" is an objection, not a price question), unless it is
 *   the whole message ("price?") or two weak phrases agree; a "=" phrase counts only as the whole
 *   message ("stop");
 * - "how much" attached to a shipping fee, deposit or refund belongs to that tag (运费几钱);
 * - an opt-out overrides the promotion, product and purchase words it mentions.
 * Sentiment: see sentiment.ts. Measured by `npm run bench -- intent`.
 */
import { emptyCounts, languageOf } from './language';
import type { ScriptCounts } from './language';
import { compile } from './compile';
import { Flag, Kind, STRONG, WEAK } from './entries';
import { CHAR_CLASS, CharClass, FOLD, isWordChar } from './normalize';
import { certaintyOf, scoreModel } from './model';
import {
	AFTER_CONTRAST,
	BEFORE_CONTRAST,
	BOOST,
	NEGATED,
	PLEA_WEIGHT,
	REPEAT,
	sentimentFromScore,
} from './sentiment';
import { isWholeMessage, skipSpacesLeft, skipSpacesRight } from './textEdges';
import type { Intent, TaggerOptions, TagResult, Tagger } from './types';

export { BUILT_IN_PACKS } from './compile';
export { phrasesOf } from './entries';
export { INTENT_TAGS } from './types';
export type {
	CustomRule,
	Intent,
	IntentTag,
	LanguagePack,
	TagResult,
	Tagger,
	TaggerOptions,
	TaggerRule,
} from './types';

import { INTENT_TAGS } from './types';
import type { IntentTag } from './types';

/** The built-in tags (alias of `INTENT_TAGS`). */
export const BUILT_IN_TAGS: readonly IntentTag[] = INTENT_TAGS;

/** Evidence strings kept per tag, and for the sentiment. */
const MAX_EVIDENCE = 5;
/** User regular expressions see this much of a message: WhatsApp's longest text. */
const USER_PATTERN_CHARS = 4096;

function empty(): TagResult {
	return { language: 'und', intents: [], sentiment: 0.5, sentimentEvidence: [], certainty: 1 };
}

function sameLanguage(detected: string, wanted: string | undefined): boolean {
	if (!wanted) return true;
	const w = wanted.toLowerCase();
	return w === detected || w.startsWith(`${detected}-`);
}

/** A match as the customer wrote it; a stem (доставк*, refund*) shows the whole word. */
function wordOf(text: string, start: number, end: number, flags: number): string {
	let shown = end;
	if (flags & Flag.Prefix)
		while (shown < text.length && shown - end < 40 && isWordChar(FOLD[text.charCodeAt(shown)]))
			shown++;
	return text.slice(start, shown);
}

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
	const bigger = new Int32Array(capacity);
	bigger.set(array);
	return bigger;
}

/**
 * Compiles the built-in packs (minus disabled tags) and the user's rules once; `tag()` then costs
 * one pass over the message. Build one per set of options and reuse it (a node: once per execution).
 */
export function createTagger(opts: TaggerOptions = {}): Tagger {
	const c = compile(opts);
	const { tags, kind, weight, length, flags, automaton, threshold, suppressors, overrides } = c;
	const tagCount = tags.length;

	// Per-call scratch, reused: tagging is synchronous.
	let capacity = 64;
	let mStart = new Int32Array(capacity);
	let mEnd = new Int32Array(capacity);
	let mEntry = new Int32Array(capacity);
	let mKeep = new Uint8Array(capacity);
	const miss = new Float64Array(tagCount);
	const strong = new Uint8Array(tagCount);
	const weakSeen = new Uint8Array(tagCount);
	/** Opinions already shown as sentiment evidence. */
	let taken = new Uint8Array(80);
	const evidence: (string[] | undefined)[] = new Array<undefined>(tagCount).fill(undefined);

	const { wordsBefore } = c;
	/** Is a negator in front of `start`, perhaps across a few intensifiers ("not too expensive")? */
	const negated = (text: string, start: number): boolean => {
		let pos = skipSpacesLeft(text, start);
		for (let hop = 0; hop < 4 && pos > 0; hop++) {
			const intensifier = wordsBefore.scan(text, pos);
			if (wordsBefore.negatorFound) return true;
			if (intensifier === 0) return false;
			pos = skipSpacesLeft(text, pos - intensifier);
		}
		return false;
	};

	const { outputStart, outputIds, used } = automaton;
	/** Script counts of the message being tagged, reused (see language.ts). */
	const counts: ScriptCounts = emptyCounts();
	/** ASCII digits of the message being tagged (built-in patterns need a few). */
	let digits = 0;

	/** Reads the message once; fills the match arrays (ordered by end) and the script counts. */
	const scan = (text: string): number => {
		const n = text.length;
		let matches = 0;
		let state = 0;
		let han = 0;
		let thai = 0;
		let cyrillic = 0;
		let latin = 0;
		let latinExtended = 0;
		let asciiDigits = 0;
		for (let i = 0; i < n; i++) {
			const raw = text.charCodeAt(i);
			switch (CHAR_CLASS[raw]) {
				case CharClass.Han:
					han++;
					break;
				case CharClass.Thai:
				case CharClass.ThaiMark:
					thai++;
					break;
				case CharClass.Cyrillic:
					cyrillic++;
					break;
				case CharClass.Latin:
					latin++;
					if (raw > 0x7f) latinExtended++;
					break;
				case CharClass.Digit:
					asciiDigits++;
					break;
			}
			const code = FOLD[raw];
			// A code unit no phrase holds sends every state to the root, which outputs nothing.
			if (used[code] === 0) {
				state = 0;
				continue;
			}
			state = automaton.step(state, code);
			const to = outputStart[state + 1];
			for (let k = outputStart[state]; k < to; k++) {
				const e = outputIds[k];
				const end = i + 1;
				const start = end - length[e];
				const f = flags[e];
				if (f & Flag.Left && start > 0 && isWordChar(FOLD[text.charCodeAt(start - 1)])) continue;
				if (end < n) {
					const next = FOLD[text.charCodeAt(end)];
					// English plurals: "credit cards", "tracking numbers" end a phrase too.
					if (
						f & Flag.Right &&
						isWordChar(next) &&
						!(next === 0x73 && (end + 1 === n || !isWordChar(FOLD[text.charCodeAt(end + 1)])))
					)
						continue;
					if (f & Flag.ThaiEnd && CHAR_CLASS[next] === CharClass.ThaiMark) continue;
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
		counts.han = han;
		counts.thai = thai;
		counts.cyrillic = cyrillic;
		counts.latin = latin;
		counts.latinExtended = latinExtended;
		digits = asciiDigits;
		return matches;
	};

	/**
	 * Marks the matches that stand: not inside a longer match of a layer that hides them. Tag
	 * phrases hide under longer tag or neutral phrases ("no problem"); sentiment words under longer
	 * sentiment words or tag phrases (not under neutral ones: "不差" stays an opinion); modifiers
	 * under anything. One sweep from the right, keeping per layer the smallest start of the
	 * matches ending later: linear in the number of matches.
	 */
	const markStanding = (matches: number): void => {
		const NONE = 0x7fffffff;
		let laterTags = NONE;
		let laterOpinions = NONE;
		let laterAll = NONE;
		let a = matches - 1;
		while (a >= 0) {
			const end = mEnd[a];
			let first = a;
			let groupTags = NONE;
			let groupOpinions = NONE;
			let groupAll = NONE;
			while (first >= 0 && mEnd[first] === end) {
				const k = kind[mEntry[first]];
				const start = mStart[first];
				if (k >= Kind.Neutral) groupTags = Math.min(groupTags, start);
				if (k >= 0 || k === Kind.Sentiment) groupOpinions = Math.min(groupOpinions, start);
				if (k >= Kind.Sentiment) groupAll = Math.min(groupAll, start);
				first--;
			}
			for (let b = a; b > first; b--) {
				const k = kind[mEntry[b]];
				const start = mStart[b];
				const hidden =
					k >= 0
						? laterTags <= start || groupTags < start
						: k === Kind.Sentiment
							? laterOpinions <= start || groupOpinions < start
							: laterAll <= start || groupAll < start;
				mKeep[b] = hidden || k === Kind.Neutral ? 0 : 1;
			}
			laterTags = Math.min(laterTags, groupTags);
			laterOpinions = Math.min(laterOpinions, groupOpinions);
			laterAll = Math.min(laterAll, groupAll);
			a = first;
		}
	};

	const tag = (input: string): TagResult => {
		if (typeof input !== 'string' || input === '') return empty();
		const text = input;
		let matches = scan(text);
		const language = languageOf(counts);
		const letters = counts.han + counts.thai + counts.cyrillic + counts.latin;
		if (c.anyEntryLanguage) {
			// A user keyword for another language neither counts nor hides anything.
			let kept = 0;
			for (let a = 0; a < matches; a++) {
				if (!sameLanguage(language, c.entryLanguage[mEntry[a]])) continue;
				mStart[kept] = mStart[a];
				mEnd[kept] = mEnd[a];
				mEntry[kept] = mEntry[a];
				kept++;
			}
			matches = kept;
		}
		markStanding(matches);

		// Modifiers of sentiment words: boosters, post-boosters, the last contrast word.
		let boosterEnds: Set<number> | undefined;
		let postBoosterStarts: Set<number> | undefined;
		let contrastStart = -1;
		let contrastEnd = -1;
		let priceMatches = false;
		let offTopic = false;
		let absorbEnds: Set<number> | undefined;
		let absorbStarts: Set<number> | undefined;
		for (let a = 0; a < matches; a++) {
			if (!mKeep[a]) continue;
			const k = kind[mEntry[a]];
			if (k === Kind.Booster) (boosterEnds ??= new Set()).add(mEnd[a]);
			else if (k === Kind.PostBooster) (postBoosterStarts ??= new Set()).add(mStart[a]);
			else if (k === Kind.OffTopic) offTopic = true;
			else if (k === Kind.Contrast && mStart[a] > contrastStart) {
				contrastStart = mStart[a];
				contrastEnd = mEnd[a];
			} else if (k === c.priceTag) priceMatches = true;
			else if (k >= 0 && c.absorbing[k]) {
				(absorbEnds ??= new Set()).add(mEnd[a]);
				(absorbStarts ??= new Set()).add(mStart[a]);
			}
		}

		for (let t = 0; t < tagCount; t++) {
			miss[t] = 1;
			strong[t] = 0;
			weakSeen[t] = 0;
			evidence[t] = undefined;
		}
		// Pair parts: the end and start of the latest part seen on each side of each pair.
		let pairEnd: Int32Array | undefined;
		let pairStart: Int32Array | undefined;
		let score = 0;
		let negativeSeen = false;
		let pleas = 0;
		let emojiSeen: Map<number, number> | undefined;
		const opinions: { text: string; weight: number }[] = [];
		for (let a = 0; a < matches; a++) {
			if (!mKeep[a]) continue;
			const e = mEntry[a];
			const k = kind[e];
			const start = mStart[a];
			const end = mEnd[a];
			if (k === Kind.PairPart) {
				// "cancel … newsletter": the other side ended at most `within` before this one began.
				const side = c.pairOf[e];
				pairEnd ??= new Int32Array(c.pairs.length * 2).fill(-0x7fffffff);
				pairStart ??= new Int32Array(c.pairs.length * 2);
				const other = side ^ 1;
				const rule = c.pairs[side >> 1];
				if (start - pairEnd[other] <= rule.within && pairEnd[other] <= start) {
					miss[rule.tag] *= 1 - STRONG;
					strong[rule.tag] = 1;
					const list = (evidence[rule.tag] ??= []);
					for (const shown of [
						text.slice(pairStart[other], pairEnd[other]),
						wordOf(text, start, end, flags[e]),
					])
						if (list.length < MAX_EVIDENCE && !list.includes(shown)) list.push(shown);
				}
				pairEnd[side] =
					flags[e] & Flag.Prefix ? start + wordOf(text, start, end, flags[e]).length : end;
				pairStart[side] = start;
				continue;
			}
			if (k < 0 && k !== Kind.Sentiment) continue;
			const isNegated = (flags[e] & Flag.Negatable) !== 0 && negated(text, start);
			if (k === Kind.Sentiment) {
				if (flags[e] & Flag.Plea) {
					pleas++;
					continue;
				}
				let w = isNegated ? -weight[e] * NEGATED : weight[e];
				if (flags[e] & Flag.Emoji) {
					const seen = (emojiSeen ??= new Map()).get(e) ?? 0;
					emojiSeen.set(e, seen + 1);
					w *= REPEAT ** Math.min(seen, 30);
				} else {
					if (boosterEnds?.has(start) || boosterEnds?.has(skipSpacesLeft(text, start))) w *= BOOST;
					if (postBoosterStarts?.has(end) || postBoosterStarts?.has(skipSpacesRight(text, end)))
						w *= BOOST;
				}
				if (contrastStart >= 0) {
					if (start >= contrastEnd) w *= AFTER_CONTRAST;
					else if (end <= contrastStart) w *= BEFORE_CONTRAST;
				}
				if (w === 0) continue;
				score += w;
				if (w < 0) negativeSeen = true;
				if (opinions.length < 64) opinions.push({ text: text.slice(start, end), weight: w });
				continue;
			}
			if (isNegated) continue;
			// "how much" right after a shipping fee, a deposit, a refund… asks about that: 运费几钱, ค่าส่งเท่าไหร่.
			if (k === c.priceTag && priceMatches && absorbEnds) {
				const before = skipSpacesLeft(text, start);
				if (
					absorbEnds.has(start) ||
					(before < start &&
						absorbEnds.has(before) &&
						isWordChar(FOLD[text.charCodeAt(before - 1)])) ||
					// Before it only in Chinese (幾錢運費); Thai runs sentences together (ราคาเท่าไหร่ส่งฟรีไหม).
					(absorbStarts?.has(end) && CHAR_CLASS[text.charCodeAt(end - 1)] === CharClass.Han)
				)
					continue;
			}
			let w = weight[e];
			const whole =
				(w <= WEAK || flags[e] & Flag.Whole) && isWholeMessage(text, start, end, letters);
			if (flags[e] & Flag.Whole && !whole) continue;
			// Weak evidence that is the whole message ("price?", "STOP", 尺码?) is not weak.
			if (w <= WEAK && whole) w = STRONG;
			const list = (evidence[k] ??= []);
			const phrase = list.length < MAX_EVIDENCE ? wordOf(text, start, end, flags[e]) : '';
			// The same words again add nothing ("denver international to new york international").
			if (phrase && list.includes(phrase)) continue;
			if (phrase) list.push(phrase);
			miss[k] *= 1 - w;
			// Two different weak phrases agreeing are as good as one strong.
			if (w > WEAK || (w === WEAK && weakSeen[k]++ > 0)) strong[k] = 1;
		}
		let head: string | undefined;
		for (const p of c.patterns) {
			if (digits < p.minDigits || !sameLanguage(language, p.language)) continue;
			const m = p.re.exec(p.user ? (head ??= text.slice(0, USER_PATTERN_CHARS)) : text);
			if (!m) continue;
			miss[p.tag] *= 1 - p.weight;
			if (p.weight > WEAK) strong[p.tag] = 1;
			const list = (evidence[p.tag] ??= []);
			if (list.length < MAX_EVIDENCE && !list.includes(m[0])) list.push(m[0]);
		}
		// A tag that overrides others: "stop sending promotions" asks for no promotion.
		for (let o = 0; o < overrides.length; o++) {
			const [over, overridden] = overrides[o];
			if (1 - miss[over] < threshold) continue;
			for (const t of overridden) miss[t] = 1;
		}
		// "how much will I pay in state taxes" is no price question.
		if (offTopic) for (const t of c.offTopicCancels) miss[t] = 1;

		const intents: Intent[] = [];
		/** An intent that carries no sentiment of its own: a plain request. */
		let requestTag = false;
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
			if (c.tagSentiment[t] !== 0) {
				score += c.tagSentiment[t];
				if (c.tagSentiment[t] < 0) negativeSeen = true;
			} else requestTag = true;
		}
		if (intents.length > 1) intents.sort((x, y) => y.confidence - x.confidence);

		const request = opinions.length === 0 && requestTag;
		const model = scoreModel(text, request);
		score += model.score;
		if (model.score < 0) negativeSeen = true;
		// 🙏 is thanks only where nothing is negative; on "still not here 🙏🙏" it pleads.
		if (pleas > 0 && !negativeSeen) {
			score += PLEA_WEIGHT;
			opinions.push({ text: '🙏', weight: PLEA_WEIGHT });
		}
		for (const m of model.evidence) opinions.push(m);
		const sentiment = sentimentFromScore(score);
		const sign = Math.sign(sentiment - 0.5);
		const sentimentEvidence: string[] = [];
		if (sign !== 0) {
			// The strongest opinions of the sentiment's sign, strongest first (ties in order), each
			// text once: a stable sort's first few, picked without sorting.
			if (taken.length < opinions.length) taken = new Uint8Array(opinions.length * 2);
			while (sentimentEvidence.length < MAX_EVIDENCE) {
				let best = -1;
				let bestValue = 0;
				for (let i = 0; i < opinions.length; i++) {
					const v = sign * opinions[i].weight;
					if (v > bestValue && taken[i] === 0) {
						best = i;
						bestValue = v;
					}
				}
				if (best < 0) break;
				taken[best] = 1;
				const shown = opinions[best].text;
				if (!sentimentEvidence.includes(shown)) sentimentEvidence.push(shown);
			}
			taken.fill(0, 0, opinions.length);
		}
		return {
			language,
			intents,
			sentiment,
			sentimentEvidence,
			certainty: certaintyOf(intents, score, letters),
		};
	};

	return { tag, tags };
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
 * The tagger for these options. Compiles nothing per call: the default tagger is built once, and
 * taggers for options are cached by the options object (and by their content, so options rebuilt
 * per call still hit the cache). An options object is read the first time it is seen; build a new
 * one (or use `createTagger`) to change rules.
 */
export function taggerFor(opts?: TaggerOptions): Tagger {
	if (!opts || isDefault(opts)) return (defaultTagger ??= createTagger());
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
	return tagger;
}

/** Tags one message: language, intents (multi-label) and sentiment, with the cached tagger. */
export function tagMessage(text: string, opts?: TaggerOptions): TagResult {
	return taggerFor(opts).tag(text);
}
