/**
 * Sentiment from two kinds of evidence the tagger gathers in its pass over a message:
 * - rules: emoji and emoticons (here, shared by every language) and each pack's sentiment words,
 *   turned round by a negator in front ("not good", 不满意, ไม่อร่อย), 1.5 times after a booster
 *   ("very good", 好好食) or before a post-booster (อร่อยมาก), 1.5 times after the last contrast
 *   word and half before it ("不错，就是太咸"), a repeated emoji counting less each time, and a lean
 *   for complaint-like tags;
 * - the learned model (model.ts): character n-grams weighed on labelled reviews and messages,
 *   which knows the many words no list holds.
 * Their sum is the score; 0.5 + 0.5·tanh(score / 2) the sentiment.
 */

/** Emoji and emoticons: [text, weight]. Matched on code units, so skin tones and U+FE0F do not matter. */
export const EMOJI: readonly (readonly [string, number])[] = [
	...'😂 🤣 😁 😀 😃 😄 😆 😊 ☺ 🙂 😉 😍 🥰 😘 😋 🤩 🤗 🥳 ❤ ♥ 💕 💖 💗 💓 💞 💘 💯 👍 👌 👏 🙏 🎉 ✨ 💪 🌹 🌸 😻 ✅'
		.split(' ')
		.map((e) => [e, 1] as const),
	...'😡 😠 🤬 👎 💢 😤 😭 😢 😞 😔 😒 🙄 💔 😩 😫 😣 😖 🤮 🤢 😾 ☹ 🙁 😟 😕 😑 🤦 😓 😰 😱'
		.split(' ')
		.map((e) => [e, -1] as const),
	[':)', 0.5],
	[':-)', 0.5],
	[':d', 0.5],
	['^^', 0.5],
	['^_^', 0.5],
	[':(', -0.5],
	[':-(', -0.5],
	['>:(', -1],
];

/**
 * Emoji of pleading or politeness: 🙏 on "still not here?? 🙏🙏" asks, it does not praise. They
 * count (a little) only in a message with nothing negative in it.
 */
export const PLEA_EMOJI: readonly string[] = ['🙏'];

/** What a plea emoji is worth where it counts. */
export const PLEA_WEIGHT = 0.4;

/** The k-th repeat of the same emoji counts REPEAT^k: 😡😡😡 is angrier than 😡, not three times. */
export const REPEAT = 0.5;

/** Booster and contrast factors. */
export const BOOST = 1.5;
export const AFTER_CONTRAST = 1.5;
export const BEFORE_CONTRAST = 0.5;
/** A negated sentiment word counts this much the other way ("not bad" is not "good"). */
export const NEGATED = 0.75;

/**
 * Maps a summed score to 0 (very negative) … 0.5 (neutral) … 1 (very positive): one positive
 * signal gives about 0.73, two 0.88; rounded to 3 decimals.
 */
export function sentimentFromScore(score: number): number {
	return Math.round((0.5 + 0.5 * Math.tanh(score / 2)) * 1000) / 1000;
}
