/**
 * The tagger's public types and its canonical tags, in a file of their own so the language packs
 * and the tagger both import them without importing each other.
 */
import type { Language } from './language';

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

/**
 * Phrase data of one language. Phrase lists are strings of phrases separated by `|` or new lines,
 * matched on folded text (case, full width, traditional Chinese, ё), so write each phrase once:
 * - `*` at the end matches any word ending (`refund*`: refunds, refunded; `доставк*`);
 * - `~` in front marks weak evidence (confidence 0.6 instead of 0.9), which does not count when a
 *   related tag is also found; `~~` a hint (0.3), which needs other evidence;
 * - `=` in front: the phrase counts only as the whole message ("stop", "STOP!!", "unsub pls"
 *   with `=unsub`), so "stop the music" is no opt-out;
 * - a phrase starting (ending) with a Latin or Cyrillic letter must start (end) at a word edge,
 *   unless it ends with `*`; Chinese and Thai phrases match anywhere, except that a Thai phrase
 *   never ends before a vowel or tone mark of the same syllable.
 */
export interface LanguagePack {
	language: string;
	tags: Partial<Record<IntentTag, string>>;
	/** Phrases that tag nothing and hide the phrases inside them ("no problem", 没问题). */
	neutral?: string;
	/**
	 * Topics no shop message is about (income tax, a paycheck, days off): where one stands, the
	 * shop's request tags are not reported ("how much will I pay in state taxes"); opt-out,
	 * complaint and human hand-off still are.
	 */
	offTopic?: string;
	/** Words that negate a following price objection, purchase, complaint or sentiment word. */
	negators?: string;
	/** Words allowed between a negator and what it negates (not *too* expensive, 唔係*好*貴). */
	intensifiers?: string;
	/** Sentiment words (`~` = half weight, `~~` a quarter); emoji are shared, in sentiment.ts. */
	positive?: string;
	negative?: string;
	/**
	 * Words that hold a sentiment word but carry no sentiment (สวัสดี "hello" holds ดี "good", 好的
	 * "OK" holds 好): they hide the words inside them.
	 */
	unopinionated?: string;
	/** Words that make the sentiment word right after them count 1.5 times (very, 很, очень). */
	boosters?: string;
	/** Words that make the sentiment word right before them count 1.5 times (มาก, 到爆, 极了). */
	postBoosters?: string;
	/**
	 * Contrast words (but, 但是, 就是, แต่, но): what follows the last of them counts 1.5 times,
	 * what precedes it half ("good food, but the service was awful" is negative).
	 */
	contrast?: string;
	/**
	 * Two-part phrasings: a phrase of `first` and one of `second`, in either order, at most
	 * `within` characters apart (default 40), tag the message ("cancel … newsletter subscription",
	 * "取消 … 推送", "отключите … рассылку"), where listing every wording would never end.
	 */
	pairs?: { tag: IntentTag; first: string; second: string; within?: number }[];
	/** The few intents phrases cannot express (a large quantity is a number); run on the raw text. */
	patterns?: {
		tag: IntentTag;
		re: RegExp;
		weight?: number;
		/** The fewest ASCII digits a match holds: the pattern runs only on messages with as many. */
		minDigits?: number;
	}[];
}

/** A user's own tag, or more evidence for a built-in one. */
export interface TaggerRule {
	tag: string;
	/** Only for messages detected in this language ('zh', 'en', 'th', 'ru'; 'zh-Hant' counts as 'zh'). */
	language?: string;
	/** Phrases, folded like the built-in ones (`*` suffix for any ending, `~` prefix for weak). */
	keywords?: string[];
	/**
	 * Regular expressions tested on the original text (its first 4,096 characters, WhatsApp's
	 * longest text message, so a slow expression cannot stall a long input); strings are compiled
	 * case-insensitive (`iu`).
	 */
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
	/**
	 * The words that decided the sentiment, as written, strongest first (at most 5): sentiment
	 * words and emoji of the language packs, and the character sequences the learned model
	 * weighs most. Empty when the sentiment is neutral for want of signals.
	 */
	sentimentEvidence: string[];
	/**
	 * How sure the offline tagger is, 0..1: high when its phrases and its model agree or one of
	 * them is clear, low for a message it has no phrase for but that is not small talk either,
	 * and for a sentiment near the Agent Now threshold. The node sends only unsure messages to a
	 * connected chat model.
	 */
	certainty: number;
}

export interface Tagger {
	tag(text: string): TagResult;
	/** Every tag this tagger can report. */
	readonly tags: readonly string[];
}
