/**
 * The negators and intensifiers of every pack in one trie of their reversed (folded) spellings, so
 * "is a negator or an intensifier written just before this position?" is one walk leftwards over at
 * most the longest word's length, not a loop over every word that ends in the same character.
 */
import { FOLD, isWordChar } from './normalize';
import { skipSpacesLeft } from './textEdges';

const NEGATOR = 1;
const INTENSIFIER = 2;

export class WordsBefore {
	/** Children by (node << 16 | code unit). */
	private readonly child = new Map<number, number>();
	/** Per node: NEGATOR | INTENSIFIER when a word ends (that is, starts) there. */
	private readonly ends: number[] = [0];
	/** Per node: does its word start with a Latin or Cyrillic letter (then it must start at a word edge)? */
	private readonly wordStart: boolean[] = [false];
	/** 1 for the code units some word ends with. */
	private readonly tails = new Uint8Array(0x10000);
	/** Set by `longestIntensifier`: was a negator found on the way? */
	negatorFound = false;

	constructor(negators: readonly string[], intensifiers: readonly string[]) {
		for (const word of negators) this.add(word, NEGATOR);
		for (const word of intensifiers) this.add(word, INTENSIFIER);
	}

	private add(word: string, mark: number): void {
		if (!word) return;
		let node = 0;
		for (let i = word.length - 1; i >= 0; i--) {
			const key = node * 0x10000 + word.charCodeAt(i);
			let next = this.child.get(key);
			if (next === undefined) {
				next = this.ends.length;
				this.ends.push(0);
				this.wordStart.push(false);
				this.child.set(key, next);
			}
			node = next;
		}
		this.ends[node] |= mark;
		this.wordStart[node] = isWordChar(word.charCodeAt(0));
		this.tails[word.charCodeAt(word.length - 1)] = 1;
	}

	/**
	 * Reads `text` leftwards from `pos`: sets `negatorFound` when a negator ends there (at a word edge
	 * when it starts with a letter) and returns the length of the longest intensifier that does
	 * (0 for none). Same answers as comparing each word in turn with the text before `pos`.
	 */
	scan(text: string, pos: number): number {
		this.negatorFound = false;
		if (pos <= 0 || !this.tails[FOLD[text.charCodeAt(pos - 1)]]) return 0;
		let node = 0;
		let longest = 0;
		for (let p = pos - 1; p >= 0; p--) {
			const next = this.child.get(node * 0x10000 + FOLD[text.charCodeAt(p)]);
			if (next === undefined) break;
			node = next;
			const mark = this.ends[node];
			if (mark === 0) continue;
			if (this.wordStart[node] && p > 0 && isWordChar(FOLD[text.charCodeAt(p - 1)])) continue;
			if (mark & NEGATOR) {
				this.negatorFound = true;
				return longest;
			}
			longest = pos - p;
		}
		return longest;
	}

	/** Is a negator in front of `start`, perhaps across a few intensifiers ("not too expensive")? */
	negatedAt(text: string, start: number): boolean {
		let pos = skipSpacesLeft(text, start);
		for (let hop = 0; hop < 4 && pos > 0; hop++) {
			const intensifier = this.scan(text, pos);
			if (this.negatorFound) return true;
			if (intensifier === 0) return false;
			pos = skipSpacesLeft(text, pos - intensifier);
		}
		return false;
	}
}
