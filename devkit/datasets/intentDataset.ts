/**
 * The labelled intent messages (test/data/intent/*.jsonl) and their scoring, shared by the tagger's
 * quality test and its benchmark. One JSON object per line: { text, lang, tags }.
 *
 * dev.jsonl is what the phrase packs were tuned on: 631 messages written first, plus a first holdout
 * of 269 that was scored once (micro-F1 0.917), then folded into dev. holdout.jsonl was written after
 * tuning stopped and has not been tuned on. Labelling conventions: a bulk or wholesale price question
 * is quote_request, plus price_inquiry only when it asks "how much" outright (批发价多少, not "bulk
 * price?"); "how much" about a shipping fee, deposit or refund is that tag alone; cancelling an order
 * is return_exchange, not opt_out.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LabelledMessage {
	text: string;
	/** 'zh-Hans' | 'zh-Hant' | 'en' | 'th' | 'ru' */
	lang: string;
	tags: string[];
}

/** test/data/intent, found from the sources or from the compiled copy in .build/. */
export const INTENT_DATA_DIR = ((): string => {
	let dir = __dirname;
	for (let up = 0; up < 5; up++) {
		const candidate = path.join(dir, 'test', 'data', 'intent');
		if (fs.existsSync(candidate)) return candidate;
		dir = path.dirname(dir);
	}
	return path.join(__dirname, '..', '..', 'test', 'data', 'intent');
})();

export function loadIntentDataset(name: 'dev' | 'holdout'): LabelledMessage[] {
	const file = path.join(INTENT_DATA_DIR, `${name}.jsonl`);
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line, index) => {
			const row = JSON.parse(line) as LabelledMessage;
			if (
				typeof row.text !== 'string' ||
				typeof row.lang !== 'string' ||
				!Array.isArray(row.tags)
			) {
				throw new Error(`${file}:${index + 1}: expected { text, lang, tags }`);
			}
			return row;
		});
}

export interface Counts {
	tp: number;
	fp: number;
	fn: number;
}

export interface F1 extends Counts {
	precision: number;
	recall: number;
	f1: number;
}

export interface Scored {
	/** Micro-averaged over every (message, tag) decision. */
	micro: F1;
	byLanguage: Record<string, F1>;
	byTag: Record<string, F1>;
	/** Messages whose predicted tag set differs from the label, for reading. */
	errors: { text: string; lang: string; expected: string[]; predicted: string[] }[];
}

export function f1Of(c: Counts): F1 {
	const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
	const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
	const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
	return { ...c, precision, recall, f1 };
}

/** Scores a tagger (text → predicted tags) on labelled messages. */
export function scoreIntents(
	data: readonly LabelledMessage[],
	predict: (text: string) => string[],
): Scored {
	const micro: Counts = { tp: 0, fp: 0, fn: 0 };
	const lang: Record<string, Counts> = {};
	const tag: Record<string, Counts> = {};
	const errors: Scored['errors'] = [];
	const bump = (table: Record<string, Counts>, key: string, field: keyof Counts): void => {
		(table[key] ??= { tp: 0, fp: 0, fn: 0 })[field]++;
	};
	for (const row of data) {
		const predicted = [...new Set(predict(row.text))];
		const expected = new Set(row.tags);
		lang[row.lang] ??= { tp: 0, fp: 0, fn: 0 };
		for (const t of row.tags) tag[t] ??= { tp: 0, fp: 0, fn: 0 };
		let wrong = false;
		for (const t of predicted) {
			const field = expected.has(t) ? 'tp' : 'fp';
			if (field === 'fp') wrong = true;
			micro[field]++;
			bump(lang, row.lang, field);
			bump(tag, t, field);
		}
		for (const t of expected) {
			if (predicted.includes(t)) continue;
			wrong = true;
			micro.fn++;
			bump(lang, row.lang, 'fn');
			bump(tag, t, 'fn');
		}
		if (wrong) errors.push({ text: row.text, lang: row.lang, expected: row.tags, predicted });
	}
	const map = (table: Record<string, Counts>): Record<string, F1> =>
		Object.fromEntries(
			Object.entries(table)
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([k, c]) => [k, f1Of(c)]),
		);
	return { micro: f1Of(micro), byLanguage: map(lang), byTag: map(tag), errors };
}
