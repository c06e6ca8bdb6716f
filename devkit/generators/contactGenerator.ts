/**
 * Realistic WhatsApp CRM contacts with ground truth, deterministic per seed: HK, TW, CN, TH and RU
 * customers with numbers in the formats people type, names in their own scripts or romanised
 * (Cantonese surname-first and swapped), typos, missing fields, emails, BSUIDs, purchases with SKUs
 * spelled several ways, and families sharing one number (different people: must not merge).
 * Also the FEBRL loader and pair metrics the dedup tests and bench share.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import type { Contact } from '../../lib/dedup';

export interface GeneratorOptions {
	seed?: number;
	/** Share of people with more than one record. Default 0.25. */
	duplicateRate?: number;
	/** Share of people sharing a number with a family member. Default 0.04 (0.12 with `zipf`). */
	familyRate?: number;
	/**
	 * Names as in Hong Kong, Taiwan and mainland lists: Han-script locales for 90 % of people, and
	 * surnames and given names drawn from Zipf distributions, so a few hundred full-name spellings
	 * (Chan Tai Man, 陳大文, 王小明 …) cover most people. No Latin-only names.
	 */
	zipf?: boolean;
}

/** Draws 0..n-1 with P(k) ∝ 1 / (k + 1)^s. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
	const cdf = new Float64Array(n);
	let total = 0;
	for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** s;
	return () => {
		const x = random() * total;
		let lo = 0;
		let hi = n - 1;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (cdf[mid] < x) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
}

export interface GeneratedContacts {
	contacts: Contact[];
	/** Contact id → person id. */
	truth: Record<string, string>;
}

/** Product codes and the ways shops and customers write them; `PRODUCT_MAP` standardises them. */
export const PRODUCTS: Array<{ code: string; spellings: string[] }> = [
	{
		code: 'APL-IP15PM',
		spellings: ['iPhone15 Pro Max', 'iphone 15 pro max', 'IPHONE15PROMAX', 'APL-IP15PM'],
	},
	{ code: 'APL-IP15', spellings: ['iPhone 15', 'iphone15', 'APL-IP15'] },
	{
		code: 'SMS-S24U',
		spellings: ['Galaxy S24 Ultra', 'galaxy s24 ultra', 'SMS-S24U', 'Samsung S24U'],
	},
	{ code: 'XMI-14', spellings: ['Xiaomi 14', 'xiaomi14', 'XMI-14', '小米14'] },
	{ code: 'HWI-P60', spellings: ['Huawei P60', 'HUAWEI P60', 'HWI-P60', '华为P60'] },
	{ code: 'DYS-V15', spellings: ['Dyson V15', 'dyson v15 detect', 'DYS-V15'] },
	{ code: 'SNY-WH5', spellings: ['Sony WH-1000XM5', 'sony wh1000xm5', 'SNY-WH5'] },
	{ code: 'NTD-SW2', spellings: ['Nintendo Switch 2', 'switch 2', 'NTD-SW2'] },
];

export const PRODUCT_MAP: Record<string, string> = Object.fromEntries(
	PRODUCTS.flatMap((product) => product.spellings.map((spelling) => [spelling, product.code])),
);

type Locale = 'HK' | 'TW' | 'CN' | 'TH' | 'RU';

/** Romanised (Cantonese for HK, pinyin otherwise), traditional, simplified. */
const HAN_SURNAMES: Array<[string, string, string, string]> = [
	['Chan', 'Chen', '陳', '陈'],
	['Wong', 'Huang', '黃', '黄'],
	['Lee', 'Li', '李', '李'],
	['Cheung', 'Zhang', '張', '张'],
	['Lau', 'Liu', '劉', '刘'],
	['Ho', 'He', '何', '何'],
	['Ng', 'Wu', '吳', '吴'],
	['Leung', 'Liang', '梁', '梁'],
	['Lam', 'Lin', '林', '林'],
	['Tang', 'Deng', '鄧', '邓'],
	['Chow', 'Zhou', '周', '周'],
	['Yeung', 'Yang', '楊', '杨'],
	['Fung', 'Feng', '馮', '冯'],
	['Kwok', 'Guo', '郭', '郭'],
	['Ma', 'Ma', '馬', '马'],
	['Lo', 'Luo', '羅', '罗'],
	['Tse', 'Xie', '謝', '谢'],
	['Hui', 'Xu', '許', '许'],
	['Chiu', 'Zhao', '趙', '赵'],
	['Cheng', 'Zheng', '鄭', '郑'],
];
const HAN_GIVEN: Array<[string, string, string, string]> = [
	['Tai', 'Da', '大', '大'],
	['Man', 'Wen', '文', '文'],
	['Siu', 'Xiao', '小', '小'],
	['Ming', 'Ming', '明', '明'],
	['Ka', 'Jia', '家', '家'],
	['Ho', 'Hao', '豪', '豪'],
	['Wai', 'Wei', '偉', '伟'],
	['Kin', 'Jian', '健', '健'],
	['Mei', 'Mei', '美', '美'],
	['Ling', 'Ling', '玲', '玲'],
	['Yan', 'Xin', '欣', '欣'],
	['Chi', 'Zhi', '志', '志'],
	['Kwok', 'Guo', '國', '国'],
	['Hung', 'Xiong', '雄', '雄'],
	['Fai', 'Hui', '輝', '辉'],
	['Wing', 'Rong', '榮', '荣'],
	['Yee', 'Yi', '儀', '仪'],
	['Fung', 'Feng', '鳳', '凤'],
	['Lai', 'Li', '麗', '丽'],
	['Kit', 'Jie', '傑', '杰'],
	['Wa', 'Hua', '華', '华'],
	['Tung', 'Dong', '東', '东'],
	['Shan', 'Shan', '珊', '珊'],
	['Yu', 'Yu', '宇', '宇'],
];
const ENGLISH_GIVEN = [
	'Peter',
	'Mary',
	'Kelvin',
	'Winnie',
	'Jason',
	'Ivy',
	'Eric',
	'Karen',
	'Alan',
	'Cherry',
	'Tommy',
	'Joyce',
	'Vincent',
	'Crystal',
	'Kenneth',
	'Fiona',
];
const THAI_GIVEN: Array<[string, string]> = [
	['สมชาย', 'Somchai'],
	['สมศักดิ์', 'Somsak'],
	['วิชัย', 'Wichai'],
	['ประเสริฐ', 'Prasert'],
	['มาลี', 'Malee'],
	['สุดา', 'Suda'],
	['อรุณ', 'Arun'],
	['กมล', 'Kamon'],
	['นภา', 'Napha'],
	['ธนา', 'Thana'],
	['ปรีชา', 'Preecha'],
	['วันดี', 'Wandee'],
];
const THAI_SURNAMES: Array<[string, string]> = [
	['ใจดี', 'Jaidee'],
	['ศรีสุข', 'Srisuk'],
	['สุขสวัสดิ์', 'Suksawat'],
	['รุ่งเรือง', 'Rungruang'],
	['แสงทอง', 'Saengthong'],
	['บุญมา', 'Boonma'],
	['ทองดี', 'Thongdee'],
	['วงศ์ไทย', 'Wongthai'],
	['พรหมมา', 'Prommah'],
	['มั่นคง', 'Mankong'],
];
const RUSSIAN_GIVEN: Array<[string, string]> = [
	['Иван', 'Ivan'],
	['Сергей', 'Sergey'],
	['Алексей', 'Aleksey'],
	['Дмитрий', 'Dmitry'],
	['Ольга', 'Olga'],
	['Наталья', 'Natalya'],
	['Елена', 'Elena'],
	['Андрей', 'Andrey'],
	['Татьяна', 'Tatyana'],
	['Михаил', 'Mikhail'],
	['Артём', 'Artyom'],
	['Юлия', 'Yulia'],
];
const RUSSIAN_SURNAMES: Array<[string, string]> = [
	['Иванов', 'Ivanov'],
	['Петров', 'Petrov'],
	['Смирнов', 'Smirnov'],
	['Кузнецов', 'Kuznetsov'],
	['Попов', 'Popov'],
	['Соколов', 'Sokolov'],
	['Лебедев', 'Lebedev'],
	['Козлов', 'Kozlov'],
	['Новиков', 'Novikov'],
	['Морозов', 'Morozov'],
	['Волков', 'Volkov'],
	['Фёдоров', 'Fyodorov'],
];
/** Expats and accented spellings in every market. */
const LATIN_GIVEN = [
	'José',
	'François',
	'Zoë',
	'Renée',
	'Jürgen',
	'Søren',
	'Inês',
	'André',
	'Chloé',
	'Noël',
	'Björn',
	'Élodie',
];
const LATIN_SURNAMES = [
	'Álvarez',
	'Müller',
	'Dubois',
	'Núñez',
	'García',
	'Østergaard',
	'Lefèvre',
	'Schröder',
	'Conceição',
	'Martín',
];
const DOMAINS: Record<Locale, string[]> = {
	HK: ['gmail.com', 'yahoo.com.hk', 'outlook.com', 'netvigator.com'],
	TW: ['gmail.com', 'yahoo.com.tw', 'hotmail.com'],
	CN: ['qq.com', '163.com', 'gmail.com'],
	TH: ['gmail.com', 'hotmail.com', 'outlook.co.th'],
	RU: ['mail.ru', 'yandex.ru', 'gmail.com'],
};
const TAGS = [
	'vip',
	'lead',
	'wholesale',
	'returning',
	'newsletter',
	'complaint',
	'walk-in',
	'online',
];

/** mulberry32: small, fast and the same on every machine. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Person {
	id: string;
	locale: Locale;
	/** Name in the person's own script and romanised; `swap` for Han names written given-first. */
	native: string;
	roman: string;
	swapped: string;
	/** National significant numbers. */
	phones: string[];
	email?: string;
	userId?: string;
	purchases: Array<{ product: number; at: number }>;
	tags: string[];
	givenIndex: number;
	surnameIndex: number;
}

const T0 = Date.UTC(2024, 0, 1);
const SPAN = 2 * 365 * 86_400_000;

export function generateContacts(count: number, opts: GeneratorOptions = {}): GeneratedContacts {
	const random = prng(opts.seed ?? 42);
	const duplicateRate = opts.duplicateRate ?? 0.25;
	const zipf = opts.zipf === true;
	const familyRate = opts.familyRate ?? (zipf ? 0.12 : 0.04);
	const zipfSurname = zipfSampler(HAN_SURNAMES.length, 1.2, random);
	// Given names: the 60 most common two-character pairs cover most people.
	const zipfGiven = zipfSampler(HAN_GIVEN.length * HAN_GIVEN.length, 1.5, random);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const digits = (length: number): string => {
		let out = '';
		for (let k = 0; k < length; k++) out += Math.floor(random() * 10);
		return out;
	};
	const contacts: Contact[] = [];
	const truth: Record<string, string> = {};
	const lastByLocale = new Map<Locale, Person>();
	let personCount = 0;

	const newNumber = (locale: Locale): string => {
		switch (locale) {
			case 'HK':
				return random() < 0.7 ? `9${Math.floor(random() * 9)}${digits(6)}` : `6${digits(7)}`;
			case 'TW':
				return `9${1 + Math.floor(random() * 8)}${digits(7)}`;
			case 'CN':
				return `1${pick(['38', '39', '86', '58', '37', '88'])}${digits(8)}`;
			case 'TH':
				return `${pick(['8', '9'])}${1 + Math.floor(random() * 8)}${digits(7)}`;
			default:
				return `9${digits(9)}`;
		}
	};

	const newPerson = (): Person => {
		const id = `p${personCount++}`;
		const r = random();
		const locale: Locale = zipf
			? r < 0.4
				? 'HK'
				: r < 0.65
					? 'TW'
					: r < 0.9
						? 'CN'
						: r < 0.95
							? 'TH'
							: 'RU'
			: r < 0.35
				? 'HK'
				: r < 0.55
					? 'TW'
					: r < 0.7
						? 'CN'
						: r < 0.85
							? 'TH'
							: 'RU';
		const relative = random() < familyRate ? lastByLocale.get(locale) : undefined;
		let native: string;
		let roman: string;
		let swapped: string;
		let givenIndex: number;
		let surnameIndex: number;
		if (!zipf && random() < 0.05) {
			givenIndex = Math.floor(random() * LATIN_GIVEN.length);
			surnameIndex = relative
				? relative.surnameIndex
				: Math.floor(random() * LATIN_SURNAMES.length);
			native = `${LATIN_GIVEN[givenIndex]} ${LATIN_SURNAMES[surnameIndex % LATIN_SURNAMES.length]}`;
			roman = native;
			swapped = `${LATIN_SURNAMES[surnameIndex % LATIN_SURNAMES.length]} ${LATIN_GIVEN[givenIndex]}`;
			givenIndex += 1000;
		} else if (locale === 'HK' || locale === 'TW' || locale === 'CN') {
			surnameIndex =
				relative && relative.surnameIndex < HAN_SURNAMES.length
					? relative.surnameIndex
					: zipf
						? zipfSurname()
						: Math.floor(random() * HAN_SURNAMES.length);
			const pair = zipf ? zipfGiven() : -1;
			const g1 = zipf ? (pair * 7) % HAN_GIVEN.length : Math.floor(random() * HAN_GIVEN.length);
			const g2 = zipf
				? Math.floor(pair / HAN_GIVEN.length)
				: Math.floor(random() * HAN_GIVEN.length);
			givenIndex = g1 * 100 + g2;
			const s = HAN_SURNAMES[surnameIndex];
			const a = HAN_GIVEN[g1];
			const b = HAN_GIVEN[g2];
			const simplified = locale === 'CN';
			native = simplified ? s[3] + a[3] + b[3] : s[2] + a[2] + b[2];
			if (locale === 'HK') {
				roman = random() < 0.15 ? `${pick(ENGLISH_GIVEN)} ${s[0]}` : `${s[0]} ${a[0]} ${b[0]}`;
				swapped =
					roman.split(' ').length === 3
						? `${a[0]} ${b[0]} ${s[0]}`
						: roman.split(' ').reverse().join(' ');
			} else {
				roman = `${s[1]} ${a[1]}${b[1].toLowerCase()}`;
				swapped = `${a[1]}${b[1].toLowerCase()} ${s[1]}`;
			}
		} else if (locale === 'TH') {
			surnameIndex = relative
				? relative.surnameIndex % THAI_SURNAMES.length
				: Math.floor(random() * THAI_SURNAMES.length);
			givenIndex = Math.floor(random() * THAI_GIVEN.length);
			native = `${THAI_GIVEN[givenIndex][0]} ${THAI_SURNAMES[surnameIndex][0]}`;
			roman = `${THAI_GIVEN[givenIndex][1]} ${THAI_SURNAMES[surnameIndex][1]}`;
			swapped = `${THAI_SURNAMES[surnameIndex][1]} ${THAI_GIVEN[givenIndex][1]}`;
		} else {
			surnameIndex = relative
				? relative.surnameIndex % RUSSIAN_SURNAMES.length
				: Math.floor(random() * RUSSIAN_SURNAMES.length);
			givenIndex = Math.floor(random() * RUSSIAN_GIVEN.length);
			native = `${RUSSIAN_SURNAMES[surnameIndex][0]} ${RUSSIAN_GIVEN[givenIndex][0]}`;
			roman = `${RUSSIAN_GIVEN[givenIndex][1]} ${RUSSIAN_SURNAMES[surnameIndex][1]}`;
			swapped = `${RUSSIAN_GIVEN[givenIndex][0]} ${RUSSIAN_SURNAMES[surnameIndex][0]}`;
		}
		if (relative && relative.givenIndex === givenIndex) {
			// A parent and child never share a first name here: they must stay two people.
			return newPerson();
		}
		const phones = [relative ? relative.phones[0] : newNumber(locale)];
		if (random() < 0.1) phones.push(newNumber(locale));
		// Mailboxes are one person's: the person number keeps namesakes' addresses apart.
		const handle = `${ascii(roman)
			.toLowerCase()
			.replace(
				/[^a-z]+/g,
				random() < 0.5 ? '.' : '',
			)}${random() < 0.5 ? '.' : ''}${personCount.toString(36)}`;
		const person: Person = {
			id,
			locale,
			native,
			roman,
			swapped,
			phones,
			email: random() < 0.5 ? `${handle}@${pick(DOMAINS[locale])}` : undefined,
			userId: random() < 0.4 ? `${locale}.${1 + Math.floor(random() * 9)}${digits(15)}` : undefined,
			purchases: [],
			tags: [],
			givenIndex,
			surnameIndex,
		};
		const bought = Math.floor(random() * 4);
		for (let k = 0; k < bought; k++)
			person.purchases.push({
				product: Math.floor(random() * PRODUCTS.length),
				at: T0 + Math.floor(random() * SPAN),
			});
		if (random() < 0.5) person.tags.push(pick(TAGS));
		lastByLocale.set(locale, person);
		return person;
	};

	const recordOf = (person: Person, copy: number): Contact => {
		const id = `c${contacts.length}`;
		const contact: Contact = { id };
		const hasCountry = random() < 0.85;
		if (hasCountry) contact.country = person.locale;
		// Names: own script or romanised, swapped order, typos, or missing.
		const nameRoll = random();
		let name: string | undefined;
		if (copy > 0 && nameRoll < 0.06) name = undefined;
		else {
			const roman =
				person.locale === 'HK'
					? random() < 0.55
					: person.locale === 'TW' || person.locale === 'CN'
						? random() < 0.15
						: random() < 0.35;
			name = roman
				? random() < (person.locale === 'HK' ? 0.3 : 0.1)
					? person.swapped
					: person.roman
				: person.native;
			if (copy > 0) name = vary(name, random);
		}
		if (name !== undefined) contact.name = name;
		// Numbers: each record in its own format; a duplicate may carry a new number.
		const phones = person.phones.slice(
			0,
			copy === 0 ? person.phones.length : 1 + (random() < 0.5 ? 1 : 0),
		);
		if (copy > 0 && random() < 0.1) phones[0] = newNumber(person.locale);
		const formatted = phones.map((nsn) => formatPhone(nsn, person.locale, hasCountry, random));
		if (copy > 0 && random() < 0.04 && (person.email || person.userId)) {
			// Some records hold no number at all (a web lead, a username-only WhatsApp user).
		} else if (formatted.length === 1 && random() < 0.5) contact.phone = formatted[0];
		else contact.phones = formatted;
		if (person.email && (copy === 0 || random() < 0.7))
			contact.email = varyEmail(person.email, random);
		if (person.userId && (copy === 0 || random() < 0.8)) contact.userId = person.userId;
		if (person.purchases.length > 0) {
			contact.purchases = person.purchases
				.filter(() => copy === 0 || random() < 0.7)
				.map((purchase) => ({
					sku: pick(PRODUCTS[purchase.product].spellings),
					at: random() < 0.5 ? new Date(purchase.at).toISOString() : purchase.at,
				}));
		}
		if (person.tags.length > 0 || random() < 0.2)
			contact.tags = [...person.tags, ...(random() < 0.3 ? [pick(TAGS)] : [])];
		if (random() < 0.6) contact.conversationIds = [`conv-${contacts.length}`];
		contact.updatedAt = T0 + Math.floor(random() * SPAN);
		return contact;
	};

	while (contacts.length < count) {
		const person = newPerson();
		const copies = random() < duplicateRate ? (random() < 0.25 ? 3 : 2) : 1;
		for (let copy = 0; copy < copies && contacts.length < count; copy++) {
			const contact = recordOf(person, copy);
			contacts.push(contact);
			truth[contact.id] = person.id;
		}
	}
	// Duplicates arrive at different times, not next to each other.
	for (let k = contacts.length - 1; k > 0; k--) {
		const swap = Math.floor(random() * (k + 1));
		const held = contacts[k];
		contacts[k] = contacts[swap];
		contacts[swap] = held;
	}
	return { contacts, truth };
}

const COUNTRY_CODE: Record<Locale, string> = { HK: '852', TW: '886', CN: '86', TH: '66', RU: '7' };

/** The formats people type. National forms only when the record says its country. */
function formatPhone(nsn: string, locale: Locale, national: boolean, random: () => number): string {
	const cc = COUNTRY_CODE[locale];
	const roll = Math.floor(random() * (national ? 6 : 3));
	if (roll === 0) return `+${cc}${nsn}`;
	if (roll === 1) return `+${cc} ${groups(nsn, locale)}`;
	if (roll === 2)
		return locale === 'RU'
			? `+7 (${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6, 8)}-${nsn.slice(8)}`
			: `(${cc}) ${groups(nsn, locale).replace(' ', '-')}`;
	switch (locale) {
		case 'HK':
			return roll === 3
				? nsn
				: roll === 4
					? `${nsn.slice(0, 4)} ${nsn.slice(4)}`
					: `${cc}-${nsn.slice(0, 4)} ${nsn.slice(4)}`;
		case 'TW':
			return roll === 3 ? `0${nsn.slice(0, 3)}-${nsn.slice(3, 6)}-${nsn.slice(6)}` : `0${nsn}`;
		case 'CN':
			return roll === 3 ? `${nsn.slice(0, 3)} ${nsn.slice(3, 7)} ${nsn.slice(7)}` : nsn;
		case 'TH':
			return roll === 3 ? `0${nsn.slice(0, 2)}-${nsn.slice(2, 5)}-${nsn.slice(5)}` : `0${nsn}`;
		default:
			return roll === 3
				? `8 ${nsn.slice(0, 3)} ${nsn.slice(3, 6)}-${nsn.slice(6, 8)}-${nsn.slice(8)}`
				: `8${nsn}`;
	}
}

function groups(nsn: string, locale: Locale): string {
	if (locale === 'HK') return `${nsn.slice(0, 4)} ${nsn.slice(4)}`;
	if (locale === 'CN') return `${nsn.slice(0, 3)} ${nsn.slice(3, 7)} ${nsn.slice(7)}`;
	if (locale === 'TH') return `${nsn.slice(0, 2)} ${nsn.slice(2, 5)} ${nsn.slice(5)}`;
	return `${nsn.slice(0, 3)} ${nsn.slice(3, 6)} ${nsn.slice(6)}`;
}

const SIMPLIFY: Record<string, string> = {
	陳: '陈',
	黃: '黄',
	張: '张',
	劉: '刘',
	吳: '吴',
	鄧: '邓',
	楊: '杨',
	馮: '冯',
	馬: '马',
	羅: '罗',
	謝: '谢',
	許: '许',
	趙: '赵',
	鄭: '郑',
	偉: '伟',
	國: '国',
	輝: '辉',
	榮: '荣',
	儀: '仪',
	鳳: '凤',
	麗: '丽',
	傑: '杰',
	華: '华',
	東: '东',
};

/** A duplicate's name: typos, case, spacing, hyphens, traditional/simplified. */
function vary(name: string, random: () => number): string {
	const roll = random();
	if (/[\u3400-\u9fff]/.test(name)) {
		if (roll < 0.3) return [...name].map((c) => SIMPLIFY[c] ?? c).join('');
		if (roll < 0.35) return name.split('').join(' ');
		return name;
	}
	if (roll < 0.12) return name.toUpperCase();
	if (roll < 0.2) return name.toLowerCase();
	if (roll < 0.25 && name.split(' ').length === 3) {
		const [s, a, b] = name.split(' ');
		return `${s} ${a}-${b.toLowerCase()}`;
	}
	if (roll < 0.45 && name.length > 4) {
		// One typo: a letter swapped with its neighbour, dropped, doubled or replaced.
		const at = 1 + Math.floor(random() * (name.length - 2));
		const kind = Math.floor(random() * 4);
		if (kind === 0) return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
		if (kind === 1) return name.slice(0, at) + name.slice(at + 1);
		if (kind === 2) return name.slice(0, at) + name[at] + name.slice(at);
		return name.slice(0, at) + 'aeiou'[Math.floor(random() * 5)] + name.slice(at + 1);
	}
	if (roll < 0.5) return ascii(name);
	return name;
}

function varyEmail(email: string, random: () => number): string {
	const roll = random();
	if (roll < 0.15) return email.toUpperCase();
	if (roll < 0.25 && email.endsWith('@gmail.com')) {
		const [local] = email.split('@');
		return `${local.replace(/\./g, '')}+shop@gmail.com`;
	}
	if (roll < 0.3) return `  ${email} `;
	return email;
}

function ascii(text: string): string {
	return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

// FEBRL and metrics, shared by the tests and the bench.

/** test/data/febrl, found from the sources or from the compiled copy in .build/. */
export const FEBRL_DIR = ((): string => {
	let dir = __dirname;
	for (let up = 0; up < 5; up++) {
		const candidate = path.join(dir, 'test', 'data', 'febrl');
		if (fs.existsSync(candidate)) return candidate;
		dir = path.dirname(dir);
	}
	return path.join(__dirname, '..', '..', 'test', 'data', 'febrl');
})();

export interface FebrlSet {
	contacts: Contact[];
	truth: Record<string, string>;
}

/** `rec-N-org` and `rec-N-dup-K` are one person N; soc_sec_id is dropped unless asked for. */
export function loadFebrl(name: 'febrl1' | 'febrl2' | 'febrl3', keepSocSecId = false): FebrlSet {
	return loadFebrlFile(name, keepSocSecId);
}

function loadFebrlFile(name: string, keepSocSecId = false): FebrlSet {
	const lines = fs
		.readFileSync(path.join(FEBRL_DIR, `${name}.csv`), 'utf8')
		.split(/\r?\n/)
		.filter(Boolean);
	const header = lines[0].split(',').map((cell) => cell.trim());
	const contacts: Contact[] = [];
	const truth: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const line of lines.slice(1)) {
		const cells = line.split(',').map((cell) => cell.trim());
		const contact: Contact = { id: cells[0] };
		header.forEach((column, k) => {
			if (k === 0 || (column === 'soc_sec_id' && !keepSocSecId)) return;
			if (cells[k] !== '' && cells[k] !== undefined) contact[column] = cells[k];
		});
		contacts.push(contact);
		truth[contact.id] = cells[0].split('-')[1];
	}
	return { contacts, truth };
}

export interface PairMetrics {
	precision: number;
	recall: number;
	f1: number;
	truePairs: number;
	predictedPairs: number;
	correctPairs: number;
}

/** Precision and recall over the pairs a clustering implies (every pair inside a cluster). */
export function pairMetrics(clusters: string[][], truth: Record<string, string>): PairMetrics {
	const sizes = new Map<string, number>();
	for (const entity of Object.values(truth)) sizes.set(entity, (sizes.get(entity) ?? 0) + 1);
	let truePairs = 0;
	for (const size of sizes.values()) truePairs += (size * (size - 1)) / 2;
	let predictedPairs = 0;
	let correctPairs = 0;
	for (const cluster of clusters) {
		predictedPairs += (cluster.length * (cluster.length - 1)) / 2;
		const byEntity = new Map<string, number>();
		for (const id of cluster) byEntity.set(truth[id], (byEntity.get(truth[id]) ?? 0) + 1);
		for (const size of byEntity.values()) correctPairs += (size * (size - 1)) / 2;
	}
	const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
	const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
	const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
	return { precision, recall, f1, truePairs, predictedPairs, correctPairs };
}

/** Field rules a user would pick for FEBRL's columns (no soc_sec_id). */
export const FEBRL_FIELDS = [
	{ field: 'given_name', method: 'jaroWinkler' },
	{ field: 'surname', method: 'jaroWinkler' },
	{ field: 'street_number', method: 'exact' },
	{ field: 'address_1', method: 'levenshtein' },
	{ field: 'address_2', method: 'levenshtein' },
	{ field: 'suburb', method: 'levenshtein' },
	{ field: 'postcode', method: 'exact' },
	{ field: 'state', method: 'exact' },
	{ field: 'date_of_birth', method: 'date' },
] as const;

/** test/data/splink: Splink's public example sets (MIT, moj-analytical-services/splink_datasets). */
export const SPLINK_DIR = path.join(path.dirname(FEBRL_DIR), 'splink');

/** Minimal RFC 4180 reader: quoted cells with commas and doubled quotes. */
export function parseCsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let k = 0; k < text.length; k++) {
		const c = text[k];
		if (quoted) {
			if (c === '"') {
				if (text[k + 1] === '"') {
					cell += '"';
					k++;
				} else quoted = false;
			} else cell += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[k + 1] === '\n') k++;
			row.push(cell);
			if (row.length > 1 || row[0] !== '') rows.push(row);
			row = [];
			cell = '';
		} else cell += c;
	}
	if (cell !== '' || row.length > 0) {
		row.push(cell);
		rows.push(row);
	}
	return rows;
}

function tableContacts(rows: string[][], clusterColumn: string): FebrlSet {
	const header = rows[0].map((cell) => cell.trim());
	const clusterAt = header.indexOf(clusterColumn);
	const contacts: Contact[] = [];
	const truth: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const cells of rows.slice(1)) {
		const contact: Contact = { id: cells[0] };
		header.forEach((column, k) => {
			if (k === 0 || k === clusterAt) return;
			const value = (cells[k] ?? '').trim();
			if (value !== '') contact[column] = value;
		});
		contacts.push(contact);
		truth[contact.id] = cells[clusterAt];
	}
	return { contacts, truth };
}

/**
 * Splink's historical_figures_with_errors_50k (50,578 records of 5,156 people from Wikidata, with
 * typos, variants and missing values). `part` splits by person: 'dev' (tuning) or 'holdout'
 * (measuring only), decided by a hash of the cluster id so the split never moves.
 */
export function loadHistorical(part: 'dev' | 'holdout' | 'all' = 'all'): FebrlSet {
	const gz = fs.readFileSync(path.join(SPLINK_DIR, 'historical_50k.csv.gz'));
	const { contacts, truth } = tableContacts(
		parseCsv(zlib.gunzipSync(gz).toString('utf8')),
		'cluster',
	);
	if (part === 'all') return { contacts, truth };
	const keep = contacts.filter((c) => (holdoutBucket(truth[c.id]) ? 'holdout' : 'dev') === part);
	const kept: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const c of keep) {
		// Only full_name's parts are used: full_name and first_and_surname repeat them.
		delete c.full_name;
		delete c.first_and_surname;
		kept[c.id] = truth[c.id];
	}
	return { contacts: keep, truth: kept };
}

function holdoutBucket(cluster: string): boolean {
	let h = 2166136261;
	for (let k = 0; k < cluster.length; k++) h = Math.imul(h ^ cluster.charCodeAt(k), 16777619);
	return ((h >>> 0) & 1) === 1;
}

/** Splink's fake_1000 (1,000 records of 251 people: names, date of birth, city, email). */
export function loadFake1000(): FebrlSet {
	return tableContacts(
		parseCsv(fs.readFileSync(path.join(SPLINK_DIR, 'fake_1000.csv'), 'utf8')),
		'cluster',
	);
}

/** FEBRL-4: two files of 5,000, each record of 4a has its one duplicate in 4b (rec-N-org ↔ rec-N-dup-0). */
export function loadFebrl4(): FebrlSet {
	const a = loadFebrlFile('febrl4a');
	const b = loadFebrlFile('febrl4b');
	return { contacts: [...a.contacts, ...b.contacts], truth: { ...a.truth, ...b.truth } };
}

export const HISTORICAL_FIELDS = [
	{ field: 'first_name', method: 'jaroWinkler' },
	{ field: 'surname', method: 'jaroWinkler' },
	{ field: 'dob', method: 'date' },
	{ field: 'birth_place', method: 'levenshtein' },
	{ field: 'postcode_fake', method: 'exact' },
	{ field: 'gender', method: 'exact' },
	{ field: 'occupation', method: 'levenshtein' },
] as const;

export const FAKE1000_FIELDS = [
	{ field: 'first_name', method: 'jaroWinkler' },
	{ field: 'surname', method: 'jaroWinkler' },
	{ field: 'dob', method: 'date' },
	{ field: 'city', method: 'levenshtein' },
	{ field: 'email', method: 'email' },
] as const;
