/**
 * Words of a customer message, for hot-word counts in Chinese, English, Thai and Russian.
 *
 * Chinese and Thai are written without spaces. ICU's word segmenter (`Intl.Segmenter`, built into
 * Node with full ICU) splits them with its dictionaries, which beats character n-grams: it gives
 * 退款 and 價錢 rather than 我要/要退/退款. Its dictionaries split some shop words (客|服, 優惠|券,
 * 幾|錢, ส่ง|ฟรี), so a short phrase list glues those back. On a Node without ICU segmentation,
 * Chinese and Thai fall back to character bigrams.
 */
import type { HotWordLanguage } from './stopWords';
import { STOP_WORDS } from './stopWords';

/** Shop words ICU splits: merged when consecutive segments spell them exactly. */
const PHRASES = new Set(
	`
	客服 客戶服務 优惠券 優惠券 優惠碼 优惠码 折扣碼 折扣码 退貨 退货 換貨 换货 幾錢 几钱 幾多錢 几多钱 幾耐 几耐 多少錢 多少钱 運費 运费 送貨 送货 包郵 包邮
	到貨 到货 現貨 现货 缺貨 缺货 訂單 订单 付款 退款 發票 发票 保養 保养 尺碼 尺码 網購 网购 門市 门市
	ส่งฟรี เก็บเงินปลายทาง โอนเงิน ของแท้ สั่งซื้อ ลดราคา คืนเงิน
	`
		.split(/\s+/)
		.filter(Boolean),
);
const LONGEST_PHRASE = 5;

const HAN = /\p{Script=Han}/u;
const THAI = /\p{Script=Thai}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

export type Script = 'han' | 'thai' | 'cyrillic' | 'latin';

const SCRIPT_LANGUAGE: Record<Script, HotWordLanguage> = {
	han: 'zh',
	thai: 'th',
	cyrillic: 'ru',
	latin: 'en',
};

function scriptOf(char: string): Script | undefined {
	if (HAN.test(char)) return 'han';
	if (THAI.test(char)) return 'thai';
	if (CYRILLIC.test(char)) return 'cyrillic';
	if (LATIN.test(char)) return 'latin';
	return undefined;
}

/** Folds width (ｉＰｈｏｎｅ), case and ё so the same word counts once. */
export function normalizeText(text: string): string {
	return text.normalize('NFKC').toLowerCase().replace(/ё/g, 'е');
}

const hasSegmenter =
	typeof Intl === 'object' && typeof (Intl as { Segmenter?: unknown }).Segmenter === 'function';
const segmenters = new Map<string, Intl.Segmenter>();

/** Word-like segments of a text, in order (numbers and punctuation dropped). */
export function segmentWords(text: string, language = 'zh'): string[] {
	const normalized = normalizeText(text);
	const raw = hasSegmenter ? icuSegments(normalized, language) : fallbackSegments(normalized);
	return mergePhrases(raw.filter((segment) => LETTER.test(segment)));
}

function icuSegments(text: string, language: string): string[] {
	let segmenter = segmenters.get(language);
	if (!segmenter)
		segmenters.set(language, (segmenter = new Intl.Segmenter(language, { granularity: 'word' })));
	const out: string[] = [];
	for (const part of segmenter.segment(text)) if (part.isWordLike) out.push(part.segment);
	return out;
}

/** Without ICU: Latin and Cyrillic by letters, Chinese and Thai runs as character bigrams. */
function fallbackSegments(text: string): string[] {
	const out: string[] = [];
	for (const match of text.matchAll(
		/[\p{Script=Han}]+|[\p{Script=Thai}]+|[\p{L}\p{M}\p{N}'’]+/gu,
	)) {
		const run = match[0];
		const script = scriptOf(run[0]);
		if (script !== 'han' && script !== 'thai') {
			out.push(run);
			continue;
		}
		const chars = [...run];
		if (chars.length === 1) out.push(run);
		for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
	}
	return out;
}

function mergePhrases(segments: string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < segments.length; i++) {
		let taken = 1;
		let joined = segments[i];
		for (let span = Math.min(LONGEST_PHRASE, segments.length - i); span > 1; span--) {
			const candidate = segments.slice(i, i + span).join('');
			if (PHRASES.has(candidate)) {
				taken = span;
				joined = candidate;
				break;
			}
		}
		out.push(joined);
		i += taken - 1;
	}
	return out;
}

/**
 * The distinct words of a message worth counting: stop words of the word's own script removed,
 * Latin and Cyrillic words of one letter and Thai words of one character dropped.
 */
export function hotWordsOf(text: string, language: HotWordLanguage): string[] {
	const words = new Set<string>();
	for (const word of segmentWords(text, language)) {
		const script = scriptOf([...word][0]);
		if (!script) continue;
		const length = [...word].length;
		if (script !== 'han' && length < 2) continue;
		if (STOP_WORDS[SCRIPT_LANGUAGE[script]].has(word.replace(/[’]/g, "'"))) continue;
		words.add(word);
	}
	return [...words];
}
