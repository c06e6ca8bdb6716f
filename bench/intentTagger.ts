/**
 * Intent tagger quality (micro-F1, per language and per tag, on the dev and holdout messages) and
 * throughput on one core, beside a naive tagger measured in the same run: every built-in phrase
 * tested with `String.prototype.includes` on the lower-cased message.
 */
import { BUILT_IN_PACKS, createTagger, INTENT_TAGS, phrasesOf } from '../lib/intent';
import { loadIntentDataset, scoreIntents } from '../devkit/datasets/intentDataset';
import type { F1, Scored } from '../devkit/datasets/intentDataset';

const TARGET_PER_SECOND = 100_000;

/** The naive way: one `includes` per phrase per message, no folding beyond lower case, no boundaries. */
function naiveTagger(): (text: string) => string[] {
	const phrases: [string, string][] = [];
	for (const pack of BUILT_IN_PACKS) {
		for (const tag of INTENT_TAGS) {
			for (const phrase of phrasesOf(pack.tags[tag]))
				phrases.push([phrase.replace(/^~+/, '').replace(/\*$/, '').toLowerCase(), tag]);
		}
	}
	return (text) => {
		const lower = text.toLowerCase();
		const found: string[] = [];
		for (const [phrase, tag] of phrases)
			if (lower.includes(phrase) && !found.includes(tag)) found.push(tag);
		return found;
	};
}

/** Messages per second over `texts` repeated for at least `ms`, after a warm-up. */
function throughput(fn: (text: string) => unknown, texts: readonly string[], ms = 1500): number {
	let sink = 0;
	const warmUpUntil = Date.now() + 300;
	while (Date.now() < warmUpUntil) for (const text of texts) sink += fn(text) ? 1 : 0;
	let count = 0;
	const start = process.hrtime.bigint();
	const until = start + BigInt(ms) * 1_000_000n;
	while (process.hrtime.bigint() < until) {
		for (const text of texts) sink += fn(text) ? 1 : 0;
		count += texts.length;
	}
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	if (sink < 0) console.log(sink);
	return count / seconds;
}

const pct = (f: F1 | undefined): string => (f ? f.f1.toFixed(3) : '  -  ');

function table(
	dev: Scored,
	holdout: Scored,
	key: 'byLanguage' | 'byTag',
	rows: readonly string[],
): string[] {
	return rows.map(
		(row) => `    ${row.padEnd(18)} ${pct(dev[key][row])}   ${pct(holdout[key][row])}`,
	);
}

export async function runIntentTaggerBench(): Promise<Record<string, unknown>> {
	const dev = loadIntentDataset('dev');
	const holdout = loadIntentDataset('holdout');
	const tagger = createTagger();
	const predict = (text: string): string[] => tagger.tag(text).intents.map((i) => i.tag);
	const naive = naiveTagger();
	const scoredDev = scoreIntents(dev, predict);
	const scoredHoldout = scoreIntents(holdout, predict);
	const naiveHoldout = scoreIntents(holdout, naive);

	const texts = [...dev, ...holdout].map((r) => r.text);
	const ours = throughput((text) => tagger.tag(text), texts);
	const baseline = throughput(naive, texts);
	const languages = ['zh-Hans', 'zh-Hant', 'en', 'th', 'ru'];

	console.log(
		`intent tagger: quality on ${dev.length} dev and ${holdout.length} holdout messages (holdout never used for tuning)`,
	);
	console.log(`    micro-F1           dev     holdout`);
	console.log(
		`    all                ${pct(scoredDev.micro)}   ${pct(scoredHoldout.micro)}   (precision ${scoredHoldout.micro.precision.toFixed(3)}, recall ${scoredHoldout.micro.recall.toFixed(3)} on holdout)`,
	);
	for (const line of table(scoredDev, scoredHoldout, 'byLanguage', languages)) console.log(line);
	console.log(`    by tag`);
	for (const line of table(scoredDev, scoredHoldout, 'byTag', INTENT_TAGS)) console.log(line);
	console.log(`    naive includes() tagger, holdout micro-F1 ${pct(naiveHoldout.micro)}`);
	console.log(
		`throughput, one core, ${texts.length} messages repeated (average ${Math.round(texts.join('').length / texts.length)} characters)`,
	);
	console.log(
		`    ours           ${Math.round(ours).toLocaleString('en').padStart(10)} messages/s`,
	);
	console.log(
		`    naive baseline ${Math.round(baseline).toLocaleString('en').padStart(10)} messages/s   ours / baseline ${(ours / baseline).toFixed(1)}`,
	);
	console.log(
		`    target         ${TARGET_PER_SECOND.toLocaleString('en').padStart(10)} messages/s   ours / target   ${(ours / TARGET_PER_SECOND).toFixed(1)}`,
	);

	const f1s = (s: Scored, key: 'byLanguage' | 'byTag'): Record<string, number> =>
		Object.fromEntries(Object.entries(s[key]).map(([k, v]) => [k, v.f1]));
	return {
		devMicroF1: scoredDev.micro.f1,
		holdoutMicroF1: scoredHoldout.micro.f1,
		holdoutPrecision: scoredHoldout.micro.precision,
		holdoutRecall: scoredHoldout.micro.recall,
		devF1ByLanguage: f1s(scoredDev, 'byLanguage'),
		holdoutF1ByLanguage: f1s(scoredHoldout, 'byLanguage'),
		devF1ByTag: f1s(scoredDev, 'byTag'),
		holdoutF1ByTag: f1s(scoredHoldout, 'byTag'),
		naiveHoldoutMicroF1: naiveHoldout.micro.f1,
		messagesPerSecond: ours,
		baselineMessagesPerSecond: baseline,
		oursToBaseline: ours / baseline,
		oursToTarget: ours / TARGET_PER_SECOND,
	};
}

if (require.main === module) {
	runIntentTaggerBench().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
