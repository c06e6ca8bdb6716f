/**
 * Reading a message: one pass of the compiled automaton (compile.ts) over it, left to right, that
 * records every phrase match (ordered by end) and counts the scripts of its letters for
 * language.ts; then which matches stand, not hidden inside a longer one. The buffers are reused
 * from message to message: tagging is synchronous.
 */
import type { Compiled } from './compile';
import { Flag, Kind } from './entries';
import { emptyCounts, sameLanguage } from './language';
import type { ScriptCounts } from './language';
import { CHAR_CLASS, CharClass, FOLD, isWordChar } from './normalize';

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
	const bigger = new Int32Array(capacity);
	bigger.set(array);
	return bigger;
}

export class MessageMatches {
	private capacity = 64;
	/** Per match: where it starts and ends in the message, its entry id, and whether it stands. */
	start = new Int32Array(this.capacity);
	end = new Int32Array(this.capacity);
	entry = new Int32Array(this.capacity);
	keep = new Uint8Array(this.capacity);
	/** Script counts of the message being read (see language.ts). */
	readonly counts: ScriptCounts = emptyCounts();
	/** ASCII digits of the message being read (built-in patterns need a few). */
	digits = 0;

	constructor(private readonly c: Compiled) {}

	/** Reads the message once; fills the match arrays (ordered by end) and the script counts. */
	scan(text: string): number {
		const { automaton, length, flags } = this.c;
		const { outputStart, outputIds, used } = automaton;
		const n = text.length;
		let matches = 0;
		let state = 0;
		let han = 0;
		let thai = 0;
		let cyrillic = 0;
		let latin = 0;
		let latinExtended = 0;
		let asciiDigits = 0;
		for (let i = 0; i < n; i++) {
			const raw = text.charCodeAt(i);
			switch (CHAR_CLASS[raw]) {
				case CharClass.Han:
					han++;
					break;
				case CharClass.Thai:
				case CharClass.ThaiMark:
					thai++;
					break;
				case CharClass.Cyrillic:
					cyrillic++;
					break;
				case CharClass.Latin:
					latin++;
					if (raw > 0x7f) latinExtended++;
					break;
				case CharClass.Digit:
					asciiDigits++;
					break;
			}
			const code = FOLD[raw];
			// A code unit no phrase holds sends every state to the root, which outputs nothing.
			if (used[code] === 0) {
				state = 0;
				continue;
			}
			state = automaton.step(state, code);
			const to = outputStart[state + 1];
			for (let k = outputStart[state]; k < to; k++) {
				const e = outputIds[k];
				const end = i + 1;
				const start = end - length[e];
				const f = flags[e];
				if (f & Flag.Left && start > 0 && isWordChar(FOLD[text.charCodeAt(start - 1)])) continue;
				if (end < n) {
					const next = FOLD[text.charCodeAt(end)];
					// English plurals: "credit cards", "tracking numbers" end a phrase too.
					if (
						f & Flag.Right &&
						isWordChar(next) &&
						!(next === 0x73 && (end + 1 === n || !isWordChar(FOLD[text.charCodeAt(end + 1)])))
					)
						continue;
					if (f & Flag.ThaiEnd && CHAR_CLASS[next] === CharClass.ThaiMark) continue;
				}
				if (matches === this.capacity) {
					this.capacity *= 2;
					this.start = grow(this.start, this.capacity);
					this.end = grow(this.end, this.capacity);
					this.entry = grow(this.entry, this.capacity);
					this.keep = new Uint8Array(this.capacity);
				}
				this.start[matches] = start;
				this.end[matches] = end;
				this.entry[matches] = e;
				matches++;
			}
		}
		const counts = this.counts;
		counts.han = han;
		counts.thai = thai;
		counts.cyrillic = cyrillic;
		counts.latin = latin;
		counts.latinExtended = latinExtended;
		this.digits = asciiDigits;
		return matches;
	}

	/**
	 * Drops the matches of user keywords for another language than the message's: they neither
	 * count nor hide anything. Returns the number of matches left.
	 */
	keepLanguage(matches: number, language: string): number {
		const { entryLanguage } = this.c;
		const { start, end, entry } = this;
		let kept = 0;
		for (let a = 0; a < matches; a++) {
			if (!sameLanguage(language, entryLanguage[entry[a]])) continue;
			start[kept] = start[a];
			end[kept] = end[a];
			entry[kept] = entry[a];
			kept++;
		}
		return kept;
	}

	/**
	 * Marks the matches that stand: not inside a longer match of a layer that hides them. Tag
	 * phrases hide under longer tag or neutral phrases ("no problem"); sentiment words under longer
	 * sentiment words or tag phrases (not under neutral ones: "不差" stays an opinion); modifiers
	 * under anything. One sweep from the right, keeping per layer the smallest start of the
	 * matches ending later: linear in the number of matches.
	 */
	markStanding(matches: number): void {
		const { kind } = this.c;
		const { start: mStart, end: mEnd, entry: mEntry, keep: mKeep } = this;
		const NONE = 0x7fffffff;
		let laterTags = NONE;
		let laterOpinions = NONE;
		let laterAll = NONE;
		let a = matches - 1;
		while (a >= 0) {
			const end = mEnd[a];
			let first = a;
			let groupTags = NONE;
			let groupOpinions = NONE;
			let groupAll = NONE;
			while (first >= 0 && mEnd[first] === end) {
				const k = kind[mEntry[first]];
				const start = mStart[first];
				if (k >= Kind.Neutral) groupTags = Math.min(groupTags, start);
				if (k >= 0 || k === Kind.Sentiment) groupOpinions = Math.min(groupOpinions, start);
				if (k >= Kind.Sentiment) groupAll = Math.min(groupAll, start);
				first--;
			}
			for (let b = a; b > first; b--) {
				const k = kind[mEntry[b]];
				const start = mStart[b];
				const hidden =
					k >= 0
						? laterTags <= start || groupTags < start
						: k === Kind.Sentiment
							? laterOpinions <= start || groupOpinions < start
							: laterAll <= start || groupAll < start;
				mKeep[b] = hidden || k === Kind.Neutral ? 0 : 1;
			}
			laterTags = Math.min(laterTags, groupTags);
			laterOpinions = Math.min(laterOpinions, groupOpinions);
			laterAll = Math.min(laterAll, groupAll);
			a = first;
		}
	}
}
