/**
 * What customers write about: hot words per language, the Intent Tagger's intent mix, and the
 * days on which complaints ran above the threshold.
 */
import { DateTime } from 'luxon';

import { detectLanguage } from '../intent/language';
import type { InboundRecord } from './records';
import { byCountThenKey, compareText, rate } from './stats';
import type { HotWordLanguage } from './stopWords';
import { HOT_WORD_LANGUAGES } from './stopWords';
import type { ConversationReport } from './types';
import { localClock } from './heatmap';
import { hotWordsOf } from './words';

export function hotWords(inbound: InboundRecord[], top: number): ConversationReport['hotWords'] {
	const counts = Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [language, new Map<string, number>()]),
	) as Record<HotWordLanguage, Map<string, number>>;
	const messages = Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [language, 0]),
	) as Record<HotWordLanguage, number>;
	const seen = new Map<string, string[]>();
	for (const record of inbound) {
		if (!record.text) continue;
		// The tagger's language when it ran; otherwise the same detection the tagger uses.
		const tagged = record.intent?.language?.split(/[-_]/)[0].toLowerCase() as
			HotWordLanguage | undefined;
		const detected = detectLanguage(record.text);
		const language =
			tagged && HOT_WORD_LANGUAGES.includes(tagged)
				? tagged
				: detected === 'und'
					? undefined
					: detected;
		if (!language) continue;
		messages[language]++;
		// Chats repeat themselves ("hi", "price?"): segment each distinct text once, in a bounded cache.
		const key = `${language}\u0000${record.text}`;
		let words = seen.get(key);
		if (!words) {
			if (seen.size >= 10_000) seen.clear();
			seen.set(key, (words = hotWordsOf(record.text, language)));
		}
		// Each word once per message: one customer repeating a word is not a trend.
		for (const word of words) counts[language].set(word, (counts[language].get(word) ?? 0) + 1);
	}
	return Object.fromEntries(
		HOT_WORD_LANGUAGES.map((language) => [
			language,
			{
				messages: messages[language],
				words: [...counts[language]]
					.map(([word, count]) => ({ word, count }))
					.sort(byCountThenKey((entry) => entry.word))
					.slice(0, top),
			},
		]),
	) as ConversationReport['hotWords'];
}

export function intentMix(inbound: InboundRecord[]): ConversationReport['intentMix'] {
	const counts = new Map<string, number>();
	let tagged = 0;
	let noTag = 0;
	for (const record of inbound) {
		if (!record.intent) continue;
		tagged++;
		if (record.intent.tags.length === 0) noTag++;
		for (const tag of new Set(record.intent.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	}
	const tags = [...counts]
		.map(([tag, count]) => ({ tag, count, share: rate(count, tagged)! }))
		.sort(byCountThenKey((entry) => entry.tag));
	return { tagged, noTag, tags };
}

/** Complaint share per local day of the messages the tagger read; runs of days over the threshold. */
export function complaintDays(
	inbound: InboundRecord[],
	zone: string,
	threshold: number,
	minDays: number,
) {
	const byDay = new Map<string, { tagged: number; complaints: number }>();
	const clock = localClock(zone);
	for (const record of inbound) {
		if (!record.intent) continue;
		const date = clock(record.time).date;
		const day = byDay.get(date) ?? { tagged: 0, complaints: 0 };
		day.tagged++;
		if (record.intent.tags.includes('complaint')) day.complaints++;
		byDay.set(date, day);
	}
	const days = [...byDay.keys()].sort(compareText).map((date) => {
		const { tagged, complaints } = byDay.get(date)!;
		const share = rate(complaints, tagged)!;
		return { date, tagged, complaints, rate: share, over: complaints / tagged > threshold };
	});
	const runs: Array<{ from: string; to: string; days: number; maxRate: number }> = [];
	let run: typeof days = [];
	const close = () => {
		if (run.length >= minDays)
			runs.push({
				from: run[0].date,
				to: run[run.length - 1].date,
				days: run.length,
				maxRate: Math.max(...run.map((d) => d.rate)),
			});
		run = [];
	};
	for (const day of days) {
		// A day without tagged messages breaks the run: nothing says it was over.
		const follows =
			run.length > 0 &&
			DateTime.fromISO(run[run.length - 1].date, { zone: 'UTC' })
				.plus({ days: 1 })
				.toISODate() === day.date;
		if (!day.over || (run.length > 0 && !follows)) close();
		if (day.over) run.push(day);
	}
	close();
	return { days, runs };
}
