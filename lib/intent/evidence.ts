/**
 * What a tag result shows as its reasons: the words of the matches as the customer wrote them, a
 * few per tag, and the strongest opinions behind the sentiment.
 */
import { Flag } from './entries';
import { FOLD, isWordChar } from './normalize';

/** Evidence strings kept per tag, and for the sentiment. */
export const MAX_EVIDENCE = 5;

/** A sentiment word (or the model's feature) as written, with the weight it added to the score. */
export interface Opinion {
	text: string;
	weight: number;
}

/** A match as the customer wrote it; a stem (доставк*, refund*) shows the whole word. */
export function wordOf(text: string, start: number, end: number, flags: number): string {
	let shown = end;
	if (flags & Flag.Prefix)
		while (shown < text.length && shown - end < 40 && isWordChar(FOLD[text.charCodeAt(shown)]))
			shown++;
	return text.slice(start, shown);
}

/**
 * The strongest opinions of the sentiment's sign (`sign` 1 or -1), strongest first (ties in
 * order), each text once, at most MAX_EVIDENCE: a stable sort's first few, picked without sorting.
 * `taken` is scratch of at least `opinions.length` zeros, left zeroed.
 */
export function strongestOpinions(
	opinions: readonly Opinion[],
	sign: number,
	taken: Uint8Array,
): string[] {
	const shownOpinions: string[] = [];
	while (shownOpinions.length < MAX_EVIDENCE) {
		let best = -1;
		let bestValue = 0;
		for (let i = 0; i < opinions.length; i++) {
			const v = sign * opinions[i].weight;
			if (v > bestValue && taken[i] === 0) {
				best = i;
				bestValue = v;
			}
		}
		if (best < 0) break;
		taken[best] = 1;
		const shown = opinions[best].text;
		if (!shownOpinions.includes(shown)) shownOpinions.push(shown);
	}
	taken.fill(0, 0, opinions.length);
	return shownOpinions;
}
