/**
 * The intent tagger's public face: the built-in packs and tags, the tagger a set of options
 * compiles to (createTagger.ts, where the tagging rules are), cached, and tagging one message.
 */
import { createTagger } from './createTagger';
import { INTENT_TAGS } from './types';
import type { IntentTag, TaggerOptions, TagResult, Tagger } from './types';

export { BUILT_IN_PACKS } from './compile';
export { createTagger } from './createTagger';
export { phrasesOf } from './entries';
export { INTENT_TAGS } from './types';
export type {
	CustomRule,
	Intent,
	IntentTag,
	LanguagePack,
	TagResult,
	Tagger,
	TaggerOptions,
	TaggerRule,
} from './types';

/** The built-in tags (alias of `INTENT_TAGS`). */
export const BUILT_IN_TAGS: readonly IntentTag[] = INTENT_TAGS;

let defaultTagger: Tagger | undefined;
const taggersByOptions = new WeakMap<TaggerOptions, Tagger>();
const taggersByKey = new Map<string, Tagger>();
const KEYED_TAGGERS = 32;

function isDefault(opts: TaggerOptions): boolean {
	return (
		!opts.disable?.length && !opts.rules?.length && !opts.languages && opts.threshold === undefined
	);
}

function keyOf(opts: TaggerOptions): string {
	return JSON.stringify(opts, (_key, value: unknown) =>
		value instanceof RegExp ? `/${value.source}/${value.flags}` : value,
	);
}

/**
 * The tagger for these options. Compiles nothing per call: the default tagger is built once, and
 * taggers for options are cached by the options object (and by their content, so options rebuilt
 * per call still hit the cache). An options object is read the first time it is seen; build a new
 * one (or use `createTagger`) to change rules.
 */
export function taggerFor(opts?: TaggerOptions): Tagger {
	if (!opts || isDefault(opts)) return (defaultTagger ??= createTagger());
	let tagger = taggersByOptions.get(opts);
	if (!tagger) {
		const key = keyOf(opts);
		tagger = taggersByKey.get(key);
		if (!tagger) {
			tagger = createTagger(opts);
			if (taggersByKey.size >= KEYED_TAGGERS)
				taggersByKey.delete(taggersByKey.keys().next().value as string);
			taggersByKey.set(key, tagger);
		}
		taggersByOptions.set(opts, tagger);
	}
	return tagger;
}

/** Tags one message: language, intents (multi-label) and sentiment, with the cached tagger. */
export function tagMessage(text: string, opts?: TaggerOptions): TagResult {
	return taggerFor(opts).tag(text);
}
