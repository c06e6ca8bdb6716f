/**
 * Each field read once per contact into the form it is compared in. Folding is cached per distinct
 * string: names, suburbs and product codes repeat a lot in CRM exports.
 */
import { romanizeThai } from './thai';

/**
 * Traditional → simplified for characters common in Chinese names, so "陳大文" and "陈大文" are one
 * name. Pairs of (traditional, simplified); not a converter, only what names need.
 */
const TRADITIONAL =
	'陳陈張张黃黄劉刘楊杨趙赵吳吴鄭郑馬马羅罗謝谢許许鄧邓馮冯蕭萧葉叶蘇苏盧卢賴赖鍾钟龍龙錢钱孫孙韓韩譚谭區区關关麥麦顧顾鄒邹陸陆' +
	'偉伟華华東东國国寶宝鳳凤麗丽豔艳雲云輝辉強强傑杰紅红軍军靜静穎颖詩诗濤涛鵬鹏飛飞曉晓韻韵儀仪瑩莹蓮莲鴻鸿鋒锋劍剑銘铭樂乐' +
	'榮荣興兴發发賢贤達达衛卫誠诚僑侨寧宁鎮镇學学長长開开權权聰聪順顺愛爱書书蘭兰潔洁燁烨憶忆鈞钧進进韋韦誼谊慶庆嶺岭鳴鸣' +
	'義义禮礼賓宾麟麟湯汤溫温葦苇黎黎嚴严彭彭蔣蒋沈沈盛盛薛薛閻阎戴戴鄺邝傅傅鄔邬姚姚範范歐欧陽阳邱邱駱骆聶聂顏颜';
const TO_SIMPLIFIED = new Map<number, string>();
for (let i = 0; i + 1 < TRADITIONAL.length; i += 2)
	TO_SIMPLIFIED.set(TRADITIONAL.charCodeAt(i), TRADITIONAL[i + 1]);

const PLAIN = /^[a-z0-9 ]*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/gu;
const LATIN_MARKS = /(\p{Script=Latin})\p{M}+/gu;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;

/**
 * Lower-case, accents off Latin letters (Thai and Cyrillic marks are letters' own and stay),
 * ё → е, traditional → simplified, punctuation to single spaces.
 */
export function foldText(raw: string): string {
	if (PLAIN.test(raw)) return raw.trim().replace(/ {2,}/g, ' ');
	if (PRINTABLE_ASCII.test(raw))
		return raw
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, ' ')
			.trim();
	let text = raw.normalize('NFKD').replace(LATIN_MARKS, '$1').normalize('NFC').toLowerCase();
	text = text.replace(/ё/g, 'е');
	if (CJK.test(text)) {
		text = text.replace(HAN, (c) => TO_SIMPLIFIED.get(c.charCodeAt(0)) ?? c);
		// Han characters are whole syllables: spacing between them is typing noise.
		text = text.replace(/([\u3400-\u9fff])[\s·・.]+(?=[\u3400-\u9fff])/g, '$1');
	}
	return text.replace(NOT_WORD, ' ').trim();
}

/** Words sorted, so "chan tai man" and "tai man chan" are one key. */
export function sortedWords(folded: string): string {
	if (folded.indexOf(' ') < 0) return folded;
	return folded.split(' ').sort().join(' ');
}

export function isCjk(folded: string): boolean {
	return CJK.test(folded);
}

/** A name's blocking keys: reversed letters catch typos at the start. */
export function reversed(text: string): string {
	let out = '';
	for (let i = text.length - 1; i >= 0; i--) out += text[i];
	return out;
}

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/** Lower-case; "+tag" off the local part; Gmail ignores dots. '' when not an address. */
export function normalizeEmail(raw: unknown, gmail: boolean): string {
	if (typeof raw !== 'string') return '';
	const email = raw.trim().toLowerCase();
	const at = email.lastIndexOf('@');
	if (at <= 0 || at === email.length - 1) return '';
	if (!gmail) return email;
	let local = email.slice(0, at);
	let domain = email.slice(at + 1);
	const plus = local.indexOf('+');
	if (plus > 0) local = local.slice(0, plus);
	if (GMAIL.has(domain)) {
		local = local.replace(/\./g, '');
		domain = 'gmail.com';
	}
	return `${local}@${domain}`;
}

/** Exact-method values: trimmed, case-folded, inner spaces collapsed. */
export function normalizeExact(raw: unknown): string {
	if (raw === undefined || raw === null) return '';
	const text =
		typeof raw === 'string'
			? raw
			: typeof raw === 'number' || typeof raw === 'boolean'
				? String(raw)
				: JSON.stringify(raw);
	if (PLAIN.test(text)) return text.trim();
	return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Product codes compared without case, spaces or punctuation: "iPhone15 Pro Max" = "IPHONE 15 PRO-MAX". */
export function productKey(raw: unknown): string {
	if (typeof raw !== 'string' && typeof raw !== 'number') return '';
	return String(raw)
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * A calendar date as yyyymmdd, 0 when unreadable. Reads 19900219, 1990-02-19(T…), 19/02/1990
 * (day first, as in HK, TW, TH and RU), 1990/02/19 and ms epochs.
 */
export function parseDate(raw: unknown): number {
	if (raw === undefined || raw === null || raw === '') return 0;
	if (typeof raw === 'number') return Number.isFinite(raw) ? ymdOfMillis(raw) : 0;
	if (raw instanceof Date) return ymdOfMillis(raw.getTime());
	if (typeof raw !== 'string') return 0;
	const text = raw.trim();
	let m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
	if (!m) m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])/.exec(text);
	if (m) return ymd(+m[1], +m[2], +m[3]);
	m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
	if (m) {
		const first = +m[1];
		const second = +m[2];
		// Day first unless that cannot be a date.
		return second > 12 && first <= 12 ? ymd(+m[3], first, second) : ymd(+m[3], second, first);
	}
	if (/^\d{11,14}$/.test(text)) return ymdOfMillis(+text);
	return 0;
}

function ymd(year: number, month: number, day: number): number {
	if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1000 || year > 9999) return 0;
	return year * 10000 + month * 100 + day;
}

function ymdOfMillis(ms: number): number {
	const d = new Date(ms);
	return Number.isNaN(d.getTime())
		? 0
		: ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** ms epoch of an ISO string or number; NaN when absent or unreadable. */
export function toMillis(raw: unknown): number {
	if (typeof raw === 'number') return raw;
	if (typeof raw === 'string' && raw !== '') {
		if (/^\d+$/.test(raw)) return Number(raw);
		return Date.parse(raw);
	}
	if (raw instanceof Date) return raw.getTime();
	return Number.NaN;
}

/** Dates one typo apart (one digit, or day and month swapped) are "close". */
export function datesClose(a: number, b: number): boolean {
	const day = (x: number) => x % 100;
	const month = (x: number) => Math.floor(x / 100) % 100;
	const year = (x: number) => Math.floor(x / 10000);
	if (year(a) === year(b) && day(a) === month(b) && month(a) === day(b)) return true;
	let differing = 0;
	let x = a;
	let y = b;
	for (let i = 0; i < 8; i++) {
		if (x % 10 !== y % 10) differing++;
		x = Math.floor(x / 10);
		y = Math.floor(y / 10);
	}
	return differing === 1;
}

/**
 * Han characters common in names with their Hong Kong (Cantonese) and pinyin spellings, so
 * "陳大文" can be compared with "Chan Tai Man" or "Chen Dawen". Keys are simplified (text is folded
 * first). Characters outside the table leave a name without a romanisation: no evidence either way.
 */
const HAN_ROMAN =
	'陈chan/chen 黄wong/huang 李lee/li 张cheung/zhang 刘lau/liu 何ho/he 吴ng/wu 梁leung/liang 林lam/lin 邓tang/deng ' +
	'周chow/zhou 杨yeung/yang 冯fung/feng 郭kwok/guo 马ma/ma 罗lo/luo 谢tse/xie 许hui/xu 赵chiu/zhao 郑cheng/zheng ' +
	'王wong/wang 朱chu/zhu 胡wu/hu 孙suen/sun 徐tsui/xu 高ko/gao 叶yip/ye 曾tsang/zeng 彭pang/peng 蔡choi/cai ' +
	'潘poon/pan 袁yuen/yuan 蒋cheung/jiang 余yu/yu 卢lo/lu 苏so/su 钟chung/zhong 区au/ou 麦mak/mai 莫mok/mo ' +
	'萧siu/xiao 关kwan/guan 邱yau/qiu 黎lai/li 方fong/fang 石shek/shi 唐tong/tang 江kong/jiang 韩hon/han 汤tong/tang ' +
	'温wan/wen 严yim/yan 范fan/fan 傅fu/fu 姚yiu/yao 沈sum/shen 廖liu/liao 欧au/ou 颜ngan/yan 施sze/shi ' +
	'岑shum/cen 庄chong/zhuang 鲍pau/bao 游yau/you 戴tai/dai 大tai/da 文man/wen 小siu/xiao 明ming/ming 家ka/jia ' +
	'豪ho/hao 伟wai/wei 健kin/jian 美mei/mei 玲ling/ling 欣yan/xin 志chi/zhi 国kwok/guo 雄hung/xiong 辉fai/hui ' +
	'荣wing/rong 仪yee/yi 凤fung/feng 丽lai/li 杰kit/jie 华wa/hua 东tung/dong 珊shan/shan 宇yu/yu 嘉ka/jia ' +
	'慧wai/hui 婷ting/ting 芳fong/fang 敏man/min 静ching/jing 颖wing/ying 诗sze/shi 涛to/tao 鹏pang/peng 飞fei/fei ' +
	'晓hiu/xiao 俊chun/jun 强keung/qiang 军kwan/jun 平ping/ping 红hung/hong 英ying/ying 芬fun/fen 兰lan/lan 秀sau/xiu ' +
	'梅mui/mei 子tsz/zi 天tin/tian 海hoi/hai 建kin/jian 成shing/cheng 德tak/de 永wing/yong 安on/an 浩ho/hao ' +
	'思sze/si 琪kei/qi 怡yi/yi 佩pui/pei 玉yuk/yu 宝po/bao 燕yin/yan 云wan/yun 冰ping/bing 康hong/kang';
const HAN_SPELLINGS = new Map<string, [string, string]>();
for (const entry of HAN_ROMAN.split(' ')) {
	const [cantonese, pinyin] = entry.slice(1).split('/');
	HAN_SPELLINGS.set(entry[0], [cantonese, pinyin]);
}

const CYRILLIC_LATIN: Record<string, string> = {
	а: 'a',
	б: 'b',
	в: 'v',
	г: 'g',
	д: 'd',
	е: 'e',
	ж: 'zh',
	з: 'z',
	и: 'i',
	й: 'y',
	к: 'k',
	л: 'l',
	м: 'm',
	н: 'n',
	о: 'o',
	п: 'p',
	р: 'r',
	с: 's',
	т: 't',
	у: 'u',
	ф: 'f',
	х: 'kh',
	ц: 'ts',
	ч: 'ch',
	ш: 'sh',
	щ: 'shch',
	ъ: '',
	ы: 'y',
	ь: '',
	э: 'e',
	ю: 'yu',
	я: 'ya',
	і: 'i',
	ї: 'yi',
	є: 'ye',
};

/**
 * Latin spellings of a folded Han or Cyrillic name, for comparing across scripts: Han names in
 * Cantonese and in pinyin, given-name syllables spaced and joined ("chan tai man", "chen dawen");
 * Cyrillic by the common passport transliteration. Empty when there is no reliable one (Thai, or a
 * Han character outside the table).
 */
export function romanizations(folded: string): string[] {
	if (isCjk(folded)) {
		const chars = folded.replace(/ /g, '');
		if (chars.length < 2 || chars.length > 4) return [];
		const spelled: Array<[string, string]> = [];
		for (const c of chars) {
			const spelling = HAN_SPELLINGS.get(c);
			if (!spelling) return [];
			spelled.push(spelling);
		}
		const out = new Set<string>();
		for (const system of [0, 1]) {
			const surname = spelled[0][system];
			const given = spelled.slice(1).map((s) => s[system]);
			out.add(`${surname} ${given.join(' ')}`);
			if (given.length > 1) out.add(`${surname} ${given.join('')}`);
		}
		return [...out];
	}
	const c = folded.charCodeAt(0);
	if (c >= 0x0e00 && c <= 0x0e7f) return romanizeThai(folded);
	if (c >= 0x0400 && c <= 0x04ff) {
		let out = '';
		for (const ch of folded) out += CYRILLIC_LATIN[ch] ?? ch;
		return [out];
	}
	return [];
}
