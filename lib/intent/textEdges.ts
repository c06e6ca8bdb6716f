/**
 * Small questions about positions in a message, asked on folded code units. Each costs at most a
 * few characters' reading, so the tagging pass stays linear in the message's length.
 */
import { CHAR_CLASS, CharClass, FOLD } from './normalize';

/** Spaces a "touching" check looks across; a wider gap is not touching anyway. */
const MAX_GAP = 8;

/** The position before the spaces (at most MAX_GAP of them) that end at `pos`. */
export function skipSpacesLeft(text: string, pos: number): number {
	let p = pos;
	while (p > 0 && pos - p < MAX_GAP) {
		const c = FOLD[text.charCodeAt(p - 1)];
		if (c !== 0x20 && c !== 0x09) break;
		p--;
	}
	return p;
}

/** The position after the spaces (at most MAX_GAP of them) that start at `pos`. */
export function skipSpacesRight(text: string, pos: number): number {
	let p = pos;
	while (p < text.length && p - pos < MAX_GAP) {
		const c = FOLD[text.charCodeAt(p)];
		if (c !== 0x20 && c !== 0x09) break;
		p++;
	}
	return p;
}

/** Is `code` a letter of any script the tagger knows? */
export function isLetter(code: number): boolean {
	const c = CHAR_CLASS[code];
	return c !== CharClass.Other && c !== CharClass.Digit;
}

/**
 * Are there no letters outside [start, end)? `letters` is the message's letter count, so only a
 * span holding all of them is read.
 */
export function isWholeMessage(text: string, start: number, end: number, letters: number): boolean {
	if (letters > end - start) return false;
	let inside = 0;
	for (let i = start; i < end; i++) if (isLetter(text.charCodeAt(i))) inside++;
	return inside === letters;
}
