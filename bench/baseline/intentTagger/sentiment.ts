/**
 * Sentiment from evidence the tagger collects in its single pass: emoji and emoticons (here, shared
 * by every language), each language pack's positive and negative words (negated ones count the
 * other way: "not good", 不满意, ไม่พอใจ), and a lean for complaint-like tags. Each occurrence
 * counts, so 😡😡😡 is angrier than 😡.
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

/** How much a tag on its own moves the score (a complaint is negative even without angry words). */
export const TAG_SENTIMENT: Readonly<Record<string, number>> = {
	complaint: -1,
	price_objection: -0.5,
	opt_out: -0.5,
};

/**
 * Maps a summed score to 0 (very negative) … 0.5 (neutral) … 1 (very positive): one positive
 * signal gives about 0.73, two 0.88; rounded to 3 decimals.
 */
export function sentimentFromScore(score: number): number {
	return Math.round((0.5 + 0.5 * Math.tanh(score / 2)) * 1000) / 1000;
}
