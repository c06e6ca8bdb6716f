/**
 * The language of a message from the scripts of its letters: Han → zh, Thai → th, Cyrillic → ru,
 * Latin → en. Mixed messages ("hi 有冇discount?", "how much ค่ะ") go to the script that carries
 * the most words, not letters: a Han character is about a word, a Thai word is three or four
 * characters, an English one four or five letters; English words dropped into another language
 * are the usual code-switching in our markets, rarely the other way round.
 */
import { CHAR_CLASS, CharClass } from './normalize';

export type Language = 'zh' | 'en' | 'th' | 'ru' | 'und';

/** Letters per word-weight for each script (see the module comment). */
const WEIGHT = { han: 3, thai: 1, cyrillic: 1, latin: 0.4 };

/** Letter counts by script, gathered in the tagger's single pass over a message. */
export interface ScriptCounts {
	han: number;
	thai: number;
	cyrillic: number;
	latin: number;
	/** Latin letters outside ASCII (é, ñ, ạ): many of them means a Latin language other than English. */
	latinExtended: number;
}

export function emptyCounts(): ScriptCounts {
	return { han: 0, thai: 0, cyrillic: 0, latin: 0, latinExtended: 0 };
}

/** Is the detected language the wanted one (none wanted: any; "en-GB" wanted: en)? */
export function sameLanguage(detected: string, wanted: string | undefined): boolean {
	if (!wanted) return true;
	const w = wanted.toLowerCase();
	return w === detected || w.startsWith(`${detected}-`);
}

/** Adds one (unfolded) code unit to the counts. */
export function countChar(counts: ScriptCounts, code: number): void {
	switch (CHAR_CLASS[code]) {
		case CharClass.Han:
			counts.han++;
			break;
		case CharClass.Thai:
		case CharClass.ThaiMark:
			counts.thai++;
			break;
		case CharClass.Cyrillic:
			counts.cyrillic++;
			break;
		case CharClass.Latin:
			counts.latin++;
			if (code > 0x7f) counts.latinExtended++;
			break;
	}
}

/**
 * The dominant language. Latin text is 'en' unless it has at least two accented letters making
 * 5 % or more of its letters (Vietnamese, Spanish, French…), then 'und', as is text without letters.
 */
export function languageOf(counts: ScriptCounts): Language {
	const han = counts.han * WEIGHT.han;
	const thai = counts.thai * WEIGHT.thai;
	const cyrillic = counts.cyrillic * WEIGHT.cyrillic;
	const latin = counts.latin * WEIGHT.latin;
	const best = Math.max(han, thai, cyrillic, latin);
	if (best === 0) return 'und';
	if (best === han) return 'zh';
	if (best === thai) return 'th';
	if (best === cyrillic) return 'ru';
	return counts.latinExtended >= 2 && counts.latinExtended >= 0.05 * counts.latin ? 'und' : 'en';
}

/** The language of a text on its own (the tagger counts during its own pass instead). */
export function detectLanguage(text: string): Language {
	const counts = emptyCounts();
	for (let i = 0; i < text.length; i++) countChar(counts, text.charCodeAt(i));
	return languageOf(counts);
}
