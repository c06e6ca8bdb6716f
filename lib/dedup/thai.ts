/**
 * Thai script to Latin, so "สมชาย" meets "Somchai": the Royal Thai General System of Transcription
 * (RTGS, Royal Institute of Thailand, 1999/2000: consonants by initial and final value, vowels by
 * their forms; tone marks are not written), and beside it the popular spelling Thais use on forms
 * and passports for the same vowels (ี "ee", ู "oo", เ–ิ/เ–อ "er", initial บ "b").
 * Reference: https://en.wikipedia.org/wiki/Royal_Thai_General_System_of_Transcription (tables of
 * the Royal Institute's standard). Syllables are found by rule, not by dictionary: written vowels
 * bind to their consonant; a bare consonant run takes an implicit "a" or "o"; good enough for names
 * to reach the similarity at which they count as evidence, not a linguist's transcription.
 */

/** Initial and final sound of each consonant ('' where it cannot end a syllable). */
const CONSONANTS: Record<string, [string, string]> = Object.assign(Object.create(null), {
	ก: ['k', 'k'],
	ข: ['kh', 'k'],
	ฃ: ['kh', 'k'],
	ค: ['kh', 'k'],
	ฅ: ['kh', 'k'],
	ฆ: ['kh', 'k'],
	ง: ['ng', 'ng'],
	จ: ['ch', 't'],
	ฉ: ['ch', ''],
	ช: ['ch', 't'],
	ซ: ['s', 't'],
	ฌ: ['ch', ''],
	ญ: ['y', 'n'],
	ฎ: ['d', 't'],
	ฏ: ['t', 't'],
	ฐ: ['th', 't'],
	ฑ: ['th', 't'],
	ฒ: ['th', 't'],
	ณ: ['n', 'n'],
	ด: ['d', 't'],
	ต: ['t', 't'],
	ถ: ['th', 't'],
	ท: ['th', 't'],
	ธ: ['th', 't'],
	น: ['n', 'n'],
	บ: ['b', 'p'],
	ป: ['p', 'p'],
	ผ: ['ph', ''],
	ฝ: ['f', ''],
	พ: ['ph', 'p'],
	ฟ: ['f', 'p'],
	ภ: ['ph', 'p'],
	ม: ['m', 'm'],
	ย: ['y', 'i'],
	ร: ['r', 'n'],
	ล: ['l', 'n'],
	ว: ['w', 'o'],
	ศ: ['s', 't'],
	ษ: ['s', 't'],
	ส: ['s', 't'],
	ห: ['h', ''],
	ฬ: ['l', 'n'],
	อ: ['', ''],
	ฮ: ['h', ''],
}) as Record<string, [string, string]>;

const LEADING = 'เแโใไ';
/** Vowel signs written after or above/below their consonant. */
const FOLLOWING = 'ะัาำิีึืุู็ํ';
const SILENT = '่้๊๋์';
/** Second consonants of true clusters (กร, ปล, คว …). */
const CLUSTER_SECOND = 'รลว';
const CLUSTER_FIRST = 'กขคตปพบดฟผ';
/** ห before these only marks the tone: หน, หม, หย, หร, หล, หว, หง, หญ. */
const HO_LEAD = 'นมยรลวงญ';

interface Unit {
	lead: string;
	consonant: string;
	marks: string;
	silent: boolean;
}

function units(word: string): Unit[] {
	const out: Unit[] = [];
	let lead = '';
	for (const ch of word.replace(/ํา/g, 'ำ')) {
		if (LEADING.includes(ch)) lead = ch;
		else if (ch in CONSONANTS) {
			out.push({ lead, consonant: ch, marks: '', silent: false });
			lead = '';
		} else if (out.length > 0 && (FOLLOWING.includes(ch) || SILENT.includes(ch))) {
			const last = out[out.length - 1];
			if (ch === '์') last.silent = true;
			else if (!SILENT.includes(ch)) last.marks += ch;
		}
	}
	return out.filter((unit) => !unit.silent);
}

const bare = (u: Unit | undefined) => u !== undefined && u.lead === '' && u.marks === '';

/** Two consonants that start one syllable: ปร, กล, คว; ห and อ before a sonorant; ทร, สร, ศร. */
function clusterOnset(first: string, second: string, popular: boolean): string | undefined {
	if (first === 'ห' && HO_LEAD.includes(second)) return initial(second, popular);
	if (first === 'อ' && second === 'ย') return 'y';
	if ((first === 'ส' || first === 'ศ' || first === 'ท') && second === 'ร')
		return popular ? 'sr' : 's';
	if (CLUSTER_FIRST.includes(first) && CLUSTER_SECOND.includes(second))
		return initial(first, popular) + initial(second, popular);
	return undefined;
}

function initial(c: string, popular: boolean): string {
	if (popular && c === 'จ') return 'j';
	return CONSONANTS[c][0];
}

/** One Thai word in RTGS (`popular` false) or in the common popular spelling. */
function romanizeWord(word: string, popular: boolean): string {
	const list = units(word);
	let out = '';
	for (let k = 0; k < list.length; k++) {
		const u = list[k];
		let onset = initial(u.consonant, popular);
		const lead = u.lead;
		let marks = u.marks;
		const second = list[k + 1];
		// A cluster: the second consonant carries the vowel (ประ, เสริ, ปรี, หมา).
		if (second && second.lead === '' && second.marks !== '' && u.marks === '') {
			const joined = clusterOnset(u.consonant, second.consonant, popular);
			if (joined !== undefined) {
				onset = joined;
				marks = second.marks;
				k++;
			}
		}
		let next = list[k + 1];
		const after = list[k + 2];
		let vowel: string;
		if (lead === 'เ') {
			if (marks.includes('า')) vowel = marks.includes('ะ') ? 'o' : 'ao';
			else if (marks.includes('ี') && next?.consonant === 'ย' && bare(next)) {
				vowel = 'ia';
				k++;
			} else if (marks.includes('ื') && next?.consonant === 'อ' && bare(next)) {
				vowel = 'uea';
				k++;
			} else if (marks.includes('ิ')) vowel = popular ? 'er' : 'oe';
			else if (next?.consonant === 'อ' && bare(next)) {
				vowel = popular ? 'er' : 'oe';
				k++;
			} else vowel = 'e';
		} else if (lead === 'แ') vowel = 'ae';
		else if (lead === 'โ') vowel = 'o';
		else if (lead === 'ใ' || lead === 'ไ') {
			vowel = 'ai';
			// ไทย: the ย after ไ is silent.
			if (next?.consonant === 'ย' && bare(next)) k++;
		} else if (marks.includes('ำ')) vowel = 'am';
		else if (marks.includes('ั')) {
			if (next?.consonant === 'ว' && bare(next)) {
				vowel = 'ua';
				k++;
			} else vowel = 'a';
		} else if (marks.includes('า') || marks.includes('ะ')) vowel = 'a';
		else if (marks.includes('ี')) vowel = popular ? 'ee' : 'i';
		else if (marks.includes('ิ')) vowel = 'i';
		else if (marks.includes('ื') || marks.includes('ึ')) {
			vowel = 'ue';
			if (next?.consonant === 'อ' && bare(next)) k++;
		} else if (marks.includes('ู')) vowel = popular ? 'oo' : 'u';
		else if (marks.includes('ุ')) vowel = popular ? 'oo' : 'u';
		else if (next?.consonant === 'อ' && bare(next)) {
			vowel = 'o';
			k++;
		} else if (!bare(next)) {
			// No written vowel before a consonant that has its own: a short "a" (ธนา tha-na).
			vowel = next === undefined ? 'o' : 'a';
		} else {
			// A bare consonant follows: "o", closed by it (สม som), except กมล: ka-mon.
			vowel = bare(after) && list[k + 3] === undefined ? 'a' : 'o';
			if (vowel === 'a') {
				out += onset + vowel;
				continue;
			}
		}
		out += onset + vowel;
		next = list[k + 1];
		const then = list[k + 2];
		// A bare consonant closes the syllable unless it starts a cluster with the next one.
		if (bare(next)) {
			const startsCluster =
				then !== undefined &&
				then.lead === '' &&
				then.marks !== '' &&
				clusterOnset(next!.consonant, then.consonant, popular) !== undefined;
			if (!startsCluster) {
				out += CONSONANTS[next!.consonant][1];
				k++;
			}
		}
	}
	return out;
}

/** RTGS and the popular spelling of a Thai name, words kept apart; [] when nothing is Thai. */
export function romanizeThai(folded: string): string[] {
	const words = folded.split(' ').filter(Boolean);
	if (words.length === 0) return [];
	const out = new Set<string>();
	for (const popular of [false, true]) {
		const spelled = words.map((word) => romanizeWord(word, popular));
		if (spelled.some((w) => w === '')) return [];
		out.add(spelled.join(' '));
	}
	return [...out];
}
