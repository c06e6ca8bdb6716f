/**
 * String similarity on UTF-16 code units (CJK, Thai and Cyrillic names are one unit per character).
 * Written here rather than taken from npm: string-similarity strips spaces and scores two-character
 * CJK names 0, and these need bounds and reusable buffers so a million-contact run allocates nothing
 * per pair.
 */

let row = new Int32Array(64);

/**
 * Edit distance, or `max + 1` as soon as it must exceed `max` (the caller only cares whether the
 * ratio reaches a level, so most non-matches stop after a row or two).
 */
export function levenshtein(a: string, b: string, max = Number.MAX_SAFE_INTEGER): number {
	if (a === b) return 0;
	let la = a.length;
	let lb = b.length;
	if (Math.abs(la - lb) > max) return max + 1;
	// Common prefix and suffix cost nothing; trimming them shortens the table.
	let start = 0;
	while (start < la && start < lb && a.charCodeAt(start) === b.charCodeAt(start)) start++;
	while (la > start && lb > start && a.charCodeAt(la - 1) === b.charCodeAt(lb - 1)) {
		la--;
		lb--;
	}
	if (la - start === 0) return lb - start;
	if (lb - start === 0) return la - start;
	if (lb - start > la - start) {
		const t = a;
		a = b;
		b = t;
		const l = la;
		la = lb;
		lb = l;
	}
	const n = lb - start;
	if (row.length <= n) row = new Int32Array(n * 2 + 1);
	for (let j = 0; j <= n; j++) row[j] = j;
	for (let i = 1; i <= la - start; i++) {
		const ca = a.charCodeAt(start + i - 1);
		let diagonal = row[0];
		row[0] = i;
		let rowMin = i;
		for (let j = 1; j <= n; j++) {
			const above = row[j];
			const cost = ca === b.charCodeAt(start + j - 1) ? 0 : 1;
			let value = diagonal + cost;
			if (above + 1 < value) value = above + 1;
			if (row[j - 1] + 1 < value) value = row[j - 1] + 1;
			row[j] = value;
			diagonal = above;
			if (value < rowMin) rowMin = value;
		}
		if (rowMin > max) return max + 1;
	}
	return row[n];
}

/** 1 − distance / longer length; 0 when below `min` (computed with the matching bound). */
export function levenshteinRatio(a: string, b: string, min = 0): number {
	const longer = Math.max(a.length, b.length);
	if (longer === 0) return 1;
	const max = Math.floor((1 - min) * longer + 1e-9);
	const distance = levenshtein(a, b, max);
	return distance > max ? 0 : 1 - distance / longer;
}

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** Jaro-Winkler with the usual prefix scale 0.1 over at most four characters. */
export function jaroWinkler(a: string, b: string): number {
	if (a === b) return 1;
	const la = a.length;
	const lb = b.length;
	if (la === 0 || lb === 0) return 0;
	if (flagsA.length < la) flagsA = new Uint8Array(la * 2);
	if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2);
	flagsA.fill(0, 0, la);
	flagsB.fill(0, 0, lb);
	const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
	let matches = 0;
	for (let i = 0; i < la; i++) {
		const from = Math.max(0, i - range);
		const to = Math.min(lb - 1, i + range);
		const c = a.charCodeAt(i);
		for (let j = from; j <= to; j++) {
			if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
				flagsA[i] = 1;
				flagsB[j] = 1;
				matches++;
				break;
			}
		}
	}
	if (matches === 0) return 0;
	let transpositions = 0;
	let k = 0;
	for (let i = 0; i < la; i++) {
		if (flagsA[i] === 0) continue;
		while (flagsB[k] === 0) k++;
		if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
		k++;
	}
	const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
	if (jaro <= 0.7) return jaro;
	let prefix = 0;
	const limit = Math.min(4, la, lb);
	while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
	return jaro + prefix * 0.1 * (1 - jaro);
}

let gramsA = new Float64Array(64);
let gramsB = new Float64Array(64);

/**
 * Sørensen-Dice over character bigrams, with the word edges as bigrams too (" 李", "小 "), so
 * two-character CJK names still have something to compare: "李小" vs "李大" is 1/3, not 0.
 */
export function dice(a: string, b: string): number {
	if (a === b) return 1;
	if (a.length === 0 || b.length === 0) return 0;
	const na = bigrams(a, true);
	const nb = bigrams(b, false);
	let i = 0;
	let j = 0;
	let common = 0;
	while (i < na && j < nb) {
		if (gramsA[i] === gramsB[j]) {
			common++;
			i++;
			j++;
		} else if (gramsA[i] < gramsB[j]) i++;
		else j++;
	}
	return (2 * common) / (na + nb);
}

function bigrams(text: string, first: boolean): number {
	const count = text.length + 1;
	if (first && gramsA.length < count) gramsA = new Float64Array(count * 2);
	if (!first && gramsB.length < count) gramsB = new Float64Array(count * 2);
	const grams = first ? gramsA : gramsB;
	let previous = 32;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		grams[i] = previous * 65536 + c;
		previous = c;
	}
	grams[text.length] = previous * 65536 + 32;
	grams.subarray(0, count).sort();
	return count;
}
