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
import { compile } from './compile';
import { Flag, Kind, STRONG, WEAK } from './entries';
import { MAX_EVIDENCE, strongestOpinions, wordOf } from './evidence';
import type { Opinion } from './evidence';
import { languageOf, sameLanguage } from './language';
import { MessageMatches } from './matches';
import { certaintyOf, scoreModel } from './model';
import { CHAR_CLASS, CharClass, FOLD, isWordChar } from './normalize';
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

/** User regular expressions see this much of a message: WhatsApp's longest text. */
const USER_PATTERN_CHARS = 4096;

function empty(): TagResult {
	return { language: 'und', intents: [], sentiment: 0.5, sentimentEvidence: [], certainty: 1 };
}

/**
 * Compiles the built-in packs (minus disabled tags) and the user's rules once; `tag()` then costs
 * one pass over the message. Build one per set of options and reuse it (a node: once per execution).
 */
export function createTagger(opts: TaggerOptions = {}): Tagger {
	const c = compile(opts);
	const { tags, kind, weight, flags, threshold, suppressors, overrides, wordsBefore } = c;
	const tagCount = tags.length;

	// Per-call scratch, reused: tagging is synchronous.
	const reader = new MessageMatches(c);
	const miss = new Float64Array(tagCount);
	const strong = new Uint8Array(tagCount);
	const weakSeen = new Uint8Array(tagCount);
	/** Opinions already shown as sentiment evidence. */
	let taken = new Uint8Array(80);
	const evidence: (string[] | undefined)[] = new Array<undefined>(tagCount).fill(undefined);

	const tag = (input: string): TagResult => {
		if (typeof input !== 'string' || input === '') return empty();
		const text = input;
		let matches = reader.scan(text);
		const { counts } = reader;
		const language = languageOf(counts);
		const letters = counts.han + counts.thai + counts.cyrillic + counts.latin;
		// A user keyword for another language neither counts nor hides anything.
		if (c.anyEntryLanguage) matches = reader.keepLanguage(matches, language);
		reader.markStanding(matches);
		const { start: mStart, end: mEnd, entry: mEntry, keep: mKeep } = reader;

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
		const opinions: Opinion[] = [];
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
			const isNegated = (flags[e] & Flag.Negatable) !== 0 && wordsBefore.negatedAt(text, start);
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
			if (reader.digits < p.minDigits || !sameLanguage(language, p.language)) continue;
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
		// The strongest opinions of the sentiment's sign.
		let sentimentEvidence: string[] = [];
		if (sign !== 0) {
			if (taken.length < opinions.length) taken = new Uint8Array(opinions.length * 2);
			sentimentEvidence = strongestOpinions(opinions, sign, taken);
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
