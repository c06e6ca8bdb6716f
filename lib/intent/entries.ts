/**
 * Phrase lists compiled to entries: what each phrase of a pack (or a user's keyword) is, how much it
 * weighs and where its edges must fall. The tagger feeds the folded phrases to one automaton and
 * keeps these facts in typed arrays indexed by entry id.
 */
import { CHAR_CLASS, CharClass, fold, isWordChar } from './normalize';

export const STRONG = 0.9;
export const WEAK = 0.6;
/** A hint counts only with other evidence (or as the whole message): 0.3 + 0.6 ≥ 0.5, 0.3 alone is not. */
export const HINT = 0.3;

/** Entry kinds besides tag ids (≥ 0). */
export const Kind = {
	Neutral: -1,
	Sentiment: -2,
	Booster: -3,
	PostBooster: -4,
	Contrast: -5,
	/** One side of a two-part phrasing (`LanguagePack.pairs`). */
	PairPart: -6,
	/** A topic no shop message is about (`LanguagePack.offTopic`). */
	OffTopic: -7,
} as const;

export const Flag = {
	/** Must start at a word edge. */
	Left: 1,
	/** Must end at a word edge. */
	Right: 2,
	/** A negator in front cancels it (tags) or turns it round (sentiment). */
	Negatable: 4,
	/** Must not end before a Thai vowel or tone mark. */
	ThaiEnd: 8,
	/** A stem: the evidence shows the whole word. */
	Prefix: 16,
	/** Counts only as the whole message (`=`). */
	Whole: 32,
	/** An emoji of politeness (🙏): positive only where nothing else is negative. */
	Plea: 64,
	/** An emoji or emoticon: a repeat counts less each time. */
	Emoji: 128,
} as const;

export interface Entry {
	phrase: string;
	kind: number;
	weight: number;
	flags: number;
	/** For user rules: the only language it applies to. */
	language?: string;
	/** For pair parts: pair index × 2 + side (0 first, 1 second). */
	pair?: number;
}

/** Splits a phrase list: `|` or new lines between phrases. */
export function phrasesOf(list: string | undefined): string[] {
	if (!list) return [];
	return list
		.split(/[|\n]/)
		.map((p) => p.trim())
		.filter(Boolean);
}

/** Words this long or longer get their one-letter slips as variants of a `%` phrase. */
const TYPO_MIN_LENGTH = 5;

/**
 * A `%` phrase and its slips: each plain word of five letters or more with one letter dropped
 * ("custmer service", "invoie") or two neighbours swapped ("cutsomer", "invocie"),
 * one word at a time. Other phrases are returned as they are. Markers (`=`, `~`) are kept.
 */
export function withTypos(raw: string): string[] {
	const phrase = raw.trim();
	if (!phrase.startsWith('%')) return [phrase];
	const body = phrase.slice(1);
	const marks = /^[=~]*/.exec(body)?.[0] ?? '';
	const text = body.slice(marks.length);
	const out = [marks + text];
	const words = text.split(' ');
	words.forEach((word, i) => {
		if (word.length < TYPO_MIN_LENGTH || !/^[a-z]+$/.test(word)) return;
		const slips = new Set<string>();
		for (let k = 0; k < word.length; k++) slips.add(word.slice(0, k) + word.slice(k + 1));
		for (let k = 0; k + 1 < word.length; k++)
			if (word[k] !== word[k + 1])
				slips.add(word.slice(0, k) + word[k + 1] + word[k] + word.slice(k + 2));
		slips.delete(word);
		for (const slip of slips)
			out.push(marks + [...words.slice(0, i), slip, ...words.slice(i + 1)].join(' '));
	});
	return out;
}

/** One phrase of a list as an entry: `~`/`~~` weaken it, `=` keeps it to whole messages, `*` opens its end. */
export function entryOf(
	raw: string,
	kind: number,
	weight: number,
	negatable: boolean,
	language?: string,
): Entry | undefined {
	let phrase = raw.trim();
	let w = weight;
	let whole = false;
	if (phrase.startsWith('=') && phrase.length > 1) {
		phrase = phrase.slice(1);
		whole = true;
	}
	if (phrase.startsWith('~~')) {
		phrase = phrase.slice(2);
		w = kind === Kind.Sentiment ? weight / 4 : Math.min(weight, HINT);
	} else if (phrase.startsWith('~')) {
		phrase = phrase.slice(1);
		w = kind === Kind.Sentiment ? weight / 2 : Math.min(weight, WEAK);
	}
	let prefix = false;
	if (phrase.length > 1 && phrase.endsWith('*')) {
		phrase = phrase.slice(0, -1);
		prefix = true;
	}
	phrase = fold(phrase);
	if (phrase === '') return undefined;
	let flags = negatable ? Flag.Negatable : 0;
	if (whole) flags |= Flag.Whole;
	if (isWordChar(phrase.charCodeAt(0))) flags |= Flag.Left;
	const last = phrase.charCodeAt(phrase.length - 1);
	if (!prefix && isWordChar(last)) flags |= Flag.Right;
	if (prefix) flags |= Flag.Prefix;
	const lastClass = CHAR_CLASS[last];
	if (!prefix && (lastClass === CharClass.Thai || lastClass === CharClass.ThaiMark))
		flags |= Flag.ThaiEnd;
	return { phrase, kind, weight: w, flags, language };
}
