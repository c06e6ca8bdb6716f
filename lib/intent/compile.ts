/**
 * Compiling a tagger: the built-in packs (minus disabled tags) and the user's rules into one
 * automaton and flat arrays the tagging pass indexes by entry id. Done once per set of options.
 */
import { Automaton } from './automaton';
import { WordsBefore } from './wordsBefore';
import type { Entry } from './entries';
import { entryOf, Flag, Kind, phrasesOf, STRONG, withTypos } from './entries';
import { fold } from './normalize';
import { en } from './packs/en';
import { ru } from './packs/ru';
import { th } from './packs/th';
import { zh } from './packs/zh';
import {
	ABSORBS_PRICE,
	KEPT_OFF_TOPIC,
	NEGATABLE,
	OVERRIDES,
	SUPPRESSED_BY,
	TAG_SENTIMENT,
} from './relations';
import { EMOJI, PLEA_EMOJI } from './sentiment';
import type { LanguagePack, TaggerOptions } from './types';
import { INTENT_TAGS } from './types';
import { ownValue } from '../userKeys';

export const BUILT_IN_PACKS: readonly LanguagePack[] = [zh, en, th, ru];

const DEFAULT_THRESHOLD = 0.5;

export interface PatternRule {
	tag: number;
	re: RegExp;
	weight: number;
	language?: string;
	/** User patterns run on the first 4,096 characters only: their cost is theirs, not ours. */
	user: boolean;
	/** Run only on messages with at least this many ASCII digits. */
	minDigits: number;
}

export interface PairRule {
	tag: number;
	within: number;
}

export interface Compiled {
	tags: string[];
	threshold: number;
	automaton: Automaton;
	kind: Int16Array;
	weight: Float64Array;
	length: Uint16Array;
	flags: Uint8Array;
	entryLanguage: (string | undefined)[];
	anyEntryLanguage: boolean;
	/** Negators and intensifiers, read leftwards from a match (wordsBefore.ts). */
	wordsBefore: WordsBefore;
	patterns: PatternRule[];
	/** Pair part entries: pair index × 2 + side, or -1. */
	pairOf: Int32Array;
	pairs: PairRule[];
	suppressors: number[][];
	tagSentiment: number[];
	priceTag: number;
	absorbing: Uint8Array;
	overrides: [number, number[]][];
	/** The tags an off-topic phrase cancels (all but those in KEPT_OFF_TOPIC). */
	offTopicCancels: number[];
}

function regexOf(pattern: string | RegExp): RegExp {
	if (typeof pattern === 'string') return new RegExp(pattern, 'iu');
	// A global or sticky regex keeps state between calls: run a clean copy.
	return pattern.global || pattern.sticky
		? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
		: pattern;
}

export function compile(opts: TaggerOptions): Compiled {
	const disabled = new Set(opts.disable ?? []);
	const wanted = opts.languages?.map((l) => l.toLowerCase().split('-')[0]);
	const packs = BUILT_IN_PACKS.filter((p) => !wanted || wanted.includes(p.language));

	const tags: string[] = INTENT_TAGS.filter((t) => !disabled.has(t));
	const tagId = new Map<string, number>(tags.map((t, i) => [t, i]));
	const idOf = (tag: string): number => {
		let id = tagId.get(tag);
		if (id === undefined) {
			id = tags.length;
			tags.push(tag);
			tagId.set(tag, id);
		}
		return id;
	};
	const ids = (list: readonly string[]): number[] =>
		list.map((t) => tagId.get(t)).filter((t): t is number => t !== undefined);

	const entries: Entry[] = [];
	const seen = new Set<string>();
	const add = (entry: Entry | undefined): void => {
		if (!entry) return;
		const key = `${entry.kind}\u0000${entry.flags}\u0000${entry.language ?? ''}\u0000${entry.pair ?? ''}\u0000${entry.phrase}`;
		if (seen.has(key)) return;
		seen.add(key);
		entries.push(entry);
	};
	const negators: string[] = [];
	const intensifiers: string[] = [];
	const patterns: PatternRule[] = [];
	const pairs: PairRule[] = [];

	for (const pack of packs) {
		for (const tag of INTENT_TAGS) {
			const id = tagId.get(tag);
			if (id === undefined) continue;
			for (const phrase of phrasesOf(pack.tags[tag]))
				for (const variant of withTypos(phrase))
					add(entryOf(variant, id, STRONG, NEGATABLE.has(tag)));
		}
		for (const phrase of phrasesOf(pack.neutral)) add(entryOf(phrase, Kind.Neutral, 0, false));
		for (const phrase of phrasesOf(pack.offTopic)) add(entryOf(phrase, Kind.OffTopic, 0, false));
		for (const phrase of phrasesOf(pack.positive)) add(entryOf(phrase, Kind.Sentiment, 1, true));
		for (const phrase of phrasesOf(pack.negative)) add(entryOf(phrase, Kind.Sentiment, -1, true));
		for (const phrase of phrasesOf(pack.unopinionated))
			add(entryOf(phrase, Kind.Sentiment, 0, false));
		for (const phrase of phrasesOf(pack.boosters)) add(entryOf(phrase, Kind.Booster, 0, false));
		for (const phrase of phrasesOf(pack.postBoosters))
			add(entryOf(phrase, Kind.PostBooster, 0, false));
		for (const phrase of phrasesOf(pack.contrast)) add(entryOf(phrase, Kind.Contrast, 0, false));
		negators.push(...phrasesOf(pack.negators).map(fold));
		intensifiers.push(...phrasesOf(pack.intensifiers).map(fold));
		for (const p of pack.pairs ?? []) {
			const id = tagId.get(p.tag);
			if (id === undefined) continue;
			const index = pairs.length;
			pairs.push({ tag: id, within: p.within ?? 40 });
			for (const [side, list] of [p.first, p.second].entries())
				for (const phrase of phrasesOf(list)) {
					const entry = entryOf(phrase, Kind.PairPart, 0, false);
					if (entry) add({ ...entry, pair: index * 2 + side });
				}
		}
		for (const p of pack.patterns ?? []) {
			const id = tagId.get(p.tag);
			if (id !== undefined)
				patterns.push({
					tag: id,
					re: p.re,
					weight: p.weight ?? STRONG,
					user: false,
					minDigits: p.minDigits ?? 0,
				});
		}
	}
	for (const [emoji, weight] of EMOJI)
		add({
			phrase: fold(emoji),
			kind: Kind.Sentiment,
			weight,
			flags: Flag.Emoji | (PLEA_EMOJI.includes(emoji) ? Flag.Plea : 0),
		});

	for (const rule of opts.rules ?? []) {
		if (!rule || typeof rule.tag !== 'string' || rule.tag === '')
			throw new Error('every tagger rule needs a tag');
		const id = idOf(rule.tag);
		const weight = rule.confidence ?? STRONG;
		for (const keyword of rule.keywords ?? [])
			add(entryOf(keyword, id, weight, false, rule.language));
		for (const pattern of rule.patterns ?? [])
			patterns.push({
				tag: id,
				re: regexOf(pattern),
				weight,
				language: rule.language,
				user: true,
				minDigits: 0,
			});
	}
	const absorbing = new Uint8Array(tags.length);
	for (const t of ids(ABSORBS_PRICE)) absorbing[t] = 1;
	const overrides: [number, number[]][] = [];
	for (const [over, list] of Object.entries(OVERRIDES)) {
		const id = tagId.get(over);
		if (id !== undefined) overrides.push([id, ids(list)]);
	}
	const entryLanguage = entries.map((e) => e.language);
	return {
		tags,
		threshold: opts.threshold ?? DEFAULT_THRESHOLD,
		automaton: new Automaton(entries.map((e) => e.phrase)),
		kind: Int16Array.from(entries, (e) => e.kind),
		weight: Float64Array.from(entries, (e) => e.weight),
		length: Uint16Array.from(entries, (e) => e.phrase.length),
		flags: Uint8Array.from(entries, (e) => e.flags),
		entryLanguage,
		anyEntryLanguage: entryLanguage.some((l) => l !== undefined),
		wordsBefore: new WordsBefore(negators, intensifiers),
		patterns,
		pairOf: Int32Array.from(entries, (e) => e.pair ?? -1),
		pairs,
		suppressors: tags.map((t) => ids(ownValue(SUPPRESSED_BY, t) ?? [])),
		tagSentiment: tags.map((t) => ownValue(TAG_SENTIMENT, t) ?? 0),
		priceTag: tagId.get('price_inquiry') ?? -100,
		absorbing,
		overrides,
		offTopicCancels: ids(INTENT_TAGS.filter((t) => !KEPT_OFF_TOPIC.includes(t))),
	};
}
