/**
 * Public labelled sets, read in the formats their authors publish them, from a folder named by
 * SCRM_PUBLIC_DATA (none of them is committed: see test/data/README.md for each set's source,
 * licence and file names). Missing files are skipped, so the benchmark and the training script
 * run with whatever is there. Sentiment rows: { text, lang, label: pos | neg | neu }; intent rows:
 * { text, lang, intent, flags? }.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Polarity = 'pos' | 'neg' | 'neu';

export interface SentimentRow {
	text: string;
	lang: string;
	label: Polarity;
}

export interface IntentRow {
	text: string;
	lang: string;
	/** The set's own intent name (Bitext's `track_order`, CLINC's `weather` or `oos`). */
	intent: string;
	/** Bitext's register flags: Q colloquial, Z typos and noise, … */
	flags?: string;
}

export interface PublicSet<Row> {
	name: string;
	/** What it is, in a few words, for the printed tables. */
	what: string;
	/** May weights trained on it be shipped (CC0, CC BY, Apache, CDLA)? */
	trainable: boolean;
	rows: Row[];
}

export function publicDataDir(): string | undefined {
	const dir = process.env.SCRM_PUBLIC_DATA;
	return dir && fs.existsSync(dir) ? dir : undefined;
}

/** RFC 4180 CSV: quoted fields with doubled quotes and new lines inside. */
export function parseCsv(text: string, separator = ','): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	for (let i = 0; i < body.length; i++) {
		const ch = body[i];
		if (quoted) {
			if (ch === '"') {
				if (body[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += ch;
		} else if (ch === '"' && field === '') quoted = true;
		else if (ch === separator) {
			row.push(field);
			field = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && body[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += ch;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

function records(file: string, separator = ','): Record<string, string>[] {
	const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'), separator);
	return rows
		.filter((r) => r.length === header.length)
		.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i]])));
}

function lines(file: string): string[] {
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
	return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (whole, name: string) => {
		if (name[0] === '#')
			return String.fromCodePoint(
				name[1] === 'x' || name[1] === 'X'
					? parseInt(name.slice(2), 16)
					: parseInt(name.slice(1), 10),
			);
		return XML_ENTITIES[name] ?? whole;
	});
}

/** SentiRuEval 2015/2016 (phpMyAdmin XML): one tweet per table, the label in its company's column. */
function sentiRuEval(file: string): SentimentRow[] {
	const rows: SentimentRow[] = [];
	const xml = fs.readFileSync(file, 'utf8');
	for (const table of xml.split('<table name=').slice(1)) {
		const columns = new Map<string, string>();
		for (const m of table.matchAll(/<column name="([^"]+)">([^<]*)<\/column>/g))
			columns.set(m[1], m[2]);
		const text = columns.get('text');
		if (text === undefined) continue;
		const values = new Set<string>();
		for (const [name, value] of columns)
			if (!['id', 'twitid', 'date', 'text'].includes(name) && value !== 'NULL' && value !== '')
				values.add(value);
		if (values.size !== 1) continue;
		const label = ({ '1': 'pos', '-1': 'neg', '0': 'neu' } as const)[
			[...values][0] as '1' | '-1' | '0'
		];
		if (label) rows.push({ text: unescapeXml(text), lang: 'ru', label });
	}
	return rows;
}

/** SentiRuEval 2015 reviews: the review's text and its "Whole" category's sentiment. */
function sentiRuEvalReviews(file: string): SentimentRow[] {
	const rows: SentimentRow[] = [];
	for (const review of fs.readFileSync(file, 'utf8').split('<review ').slice(1)) {
		const text = /<text>([^<]*)<\/text>/.exec(review)?.[1];
		const whole = /<category name="Whole" sentiment="(\w+)"/.exec(review)?.[1];
		const label = ({ positive: 'pos', negative: 'neg' } as const)[whole as 'positive'];
		if (text && label) rows.push({ text: unescapeXml(text), lang: 'ru', label });
	}
	return rows;
}

type Reader<Row> = (dir: string) => Row[];

interface Source<Row> {
	name: string;
	what: string;
	trainable: boolean;
	files: string[];
	read: Reader<Row>;
}

const binary = (label: string): Polarity => (label === '1' ? 'pos' : 'neg');

/** The sentiment sets, by the file names their publishers use. */
const SENTIMENT_SOURCES: Source<SentimentRow>[] = [
	{
		name: 'zh waimai_10k',
		what: 'food-delivery reviews, zh-Hans',
		trainable: false,
		files: ['waimai_10k.csv'],
		read: (d) =>
			records(path.join(d, 'waimai_10k.csv')).map((r) => ({
				text: r.review,
				lang: 'zh-Hans',
				label: binary(r.label),
			})),
	},
	{
		name: 'zh ChnSentiCorp hotels',
		what: 'hotel reviews, zh-Hans',
		trainable: false,
		files: ['ChnSentiCorp_htl_all.csv'],
		read: (d) =>
			records(path.join(d, 'ChnSentiCorp_htl_all.csv'))
				.filter((r) => r.review)
				.map((r) => ({ text: r.review, lang: 'zh-Hans', label: binary(r.label) })),
	},
	{
		name: 'zh online_shopping_10_cats',
		what: 'shop reviews in 10 categories, zh-Hans (every 10th row)',
		trainable: false,
		files: ['online_shopping_10_cats.csv'],
		read: (d) =>
			records(path.join(d, 'online_shopping_10_cats.csv'))
				.filter((r, i) => r.review && i % 10 === 0)
				.map((r) => ({
					text: r.review.replace(/^\ufeff/, ''),
					lang: 'zh-Hans',
					label: binary(r.label),
				})),
	},
	...(['valid', 'test'] as const).map((split) => ({
		name: `yue openrice-senti ${split}`,
		what: `restaurant reviews in Cantonese, ${split} split`,
		trainable: split === 'valid',
		files: [`openrice-senti/${split}.tsv`],
		read: (d: string) =>
			records(path.join(d, `openrice-senti/${split}.tsv`), '\t').map((r) => ({
				text: r.text_a,
				lang: 'zh-Hant',
				label: ({ smile: 'pos', cry: 'neg', ok: 'neu' } as const)[r.label as 'smile'],
			})),
	})),
	{
		name: 'th wisesight train',
		what: 'Thai social-media messages about brands (wisesight pos/neg/neu, less the test split)',
		trainable: true,
		files: ['wisesight/pos.txt', 'wisesight/neg.txt', 'wisesight/neu.txt', 'wisesight/test.txt'],
		read: (d) => {
			const test = new Set(lines(path.join(d, 'wisesight/test.txt')));
			return (['pos', 'neg', 'neu'] as const).flatMap((label) =>
				lines(path.join(d, `wisesight/${label}.txt`))
					.filter((text) => !test.has(text))
					.map((text) => ({ text, lang: 'th', label })),
			);
		},
	},
	{
		name: 'th wisesight test',
		what: 'Thai social-media messages, the published test split',
		trainable: false,
		files: ['wisesight/test.txt', 'wisesight/test_label.txt'],
		read: (d) => {
			const texts = fs.readFileSync(path.join(d, 'wisesight/test.txt'), 'utf8').split('\n');
			const labels = fs.readFileSync(path.join(d, 'wisesight/test_label.txt'), 'utf8').split('\n');
			return labels
				.map((label, i) => ({
					text: (texts[i] ?? '').trim(),
					lang: 'th',
					label: label.trim() as Polarity,
				}))
				.filter((r) => r.text && ['pos', 'neg', 'neu'].includes(r.label));
		},
	},
	...(
		[
			['banks 2015', 'SentiRuEval-2015-banks_test_etalon.xml'],
			['telecom 2015', 'SentiRuEval-2015-telecoms_test_etalon.xml'],
			['banks 2016', 'banks_test_etalon.xml'],
			['telecom 2016', 'tkk_test_etalon.xml'],
		] as const
	).map(([name, file]) => ({
		name: `ru SentiRuEval ${name}`,
		what: 'tweets about Russian banks and telecoms (customer voice)',
		trainable: false,
		files: [`sentirueval/${file}`],
		read: (d: string) => sentiRuEval(path.join(d, `sentirueval/${file}`)),
	})),
	{
		name: 'ru SentiRuEval reviews',
		what: 'restaurant and car reviews (2015, train and test; "both" and neutral left out)',
		trainable: false,
		files: ['rest', 'car'].flatMap((o) =>
			['train', 'test'].map((s) => `sentirueval/SentiRuEval_${o}_markup_${s}.xml`),
		),
		read: (d) =>
			['rest', 'car'].flatMap((o) =>
				['train', 'test'].flatMap((s) =>
					sentiRuEvalReviews(path.join(d, `sentirueval/SentiRuEval_${o}_markup_${s}.xml`)),
				),
			),
	},
	{
		name: 'ru RuSentiment test',
		what: 'VK social-network posts',
		trainable: false,
		files: ['rusentiment_test.csv'],
		read: (d) =>
			records(path.join(d, 'rusentiment_test.csv'))
				.filter((r) => ['positive', 'negative', 'neutral'].includes(r.label))
				.map((r) => ({
					text: r.text.trim(),
					lang: 'ru',
					label: ({ positive: 'pos', negative: 'neg', neutral: 'neu' } as const)[
						r.label as 'positive'
					],
				})),
	},
	{
		name: 'en UCI amazon + yelp',
		what: 'product and restaurant review sentences',
		trainable: true,
		files: [
			'sentiment labelled sentences/amazon_cells_labelled.txt',
			'sentiment labelled sentences/yelp_labelled.txt',
		],
		read: (d) =>
			['amazon_cells_labelled.txt', 'yelp_labelled.txt'].flatMap((f) =>
				lines(path.join(d, 'sentiment labelled sentences', f)).map((l) => {
					const tab = l.lastIndexOf('\t');
					return { text: l.slice(0, tab).trim(), lang: 'en', label: binary(l.slice(tab + 1)) };
				}),
			),
	},
	{
		name: 'en Twitter US airline',
		what: 'tweets to airlines (customer service)',
		trainable: false,
		files: ['Tweets.csv'],
		read: (d) =>
			records(path.join(d, 'Tweets.csv')).map((r) => ({
				text: r.text,
				lang: 'en',
				label: ({ positive: 'pos', negative: 'neg', neutral: 'neu' } as const)[
					r.airline_sentiment as 'positive'
				],
			})),
	},
];

const INTENT_SOURCES: Source<IntentRow>[] = [
	{
		name: 'en Bitext 20k',
		what: 'customer-support requests with register flags (20,000-utterance sample)',
		trainable: true,
		files: ['TrainingdatasetBitextsample.csv'],
		read: (d) =>
			records(path.join(d, 'TrainingdatasetBitextsample.csv')).map((r) => ({
				text: r.utterance,
				lang: 'en',
				intent: r.intent,
				flags: r.flags,
			})),
	},
	{
		name: 'en Bitext 8k',
		what: 'customer-service requests with register flags (8,000-utterance sample)',
		trainable: true,
		files: ['Bitext_Sample_Customer_Service_Training_Dataset.csv'],
		read: (d) =>
			records(path.join(d, 'Bitext_Sample_Customer_Service_Training_Dataset.csv')).map((r) => ({
				text: r.utterance,
				lang: 'en',
				intent: r.intent,
				flags: r.flags,
			})),
	},
	{
		name: 'en CLINC150 test',
		what: 'assistant requests in 150 intents plus out-of-scope',
		trainable: true,
		files: ['clinc150/data_full.json'],
		read: (d) => {
			const data = JSON.parse(
				fs.readFileSync(path.join(d, 'clinc150/data_full.json'), 'utf8'),
			) as Record<string, [string, string][]>;
			return [...data.test, ...data.oos_test].map(([text, intent]) => ({
				text,
				lang: 'en',
				intent,
			}));
		},
	},
	{
		name: 'th TrueVoice mari test',
		what: 'Thai mobile-operator call-centre utterances',
		trainable: true,
		files: ['mari_test.csv'],
		read: (d) =>
			records(path.join(d, 'mari_test.csv')).map((r) => ({
				text: r.texts,
				lang: 'th',
				intent: `${r.action}:${r.object}`,
			})),
	},
];

function load<Row>(sources: Source<Row>[], dir = publicDataDir()): PublicSet<Row>[] {
	if (!dir) return [];
	return sources
		.filter((s) => s.files.every((f) => fs.existsSync(path.join(dir, f))))
		.map((s) => ({ name: s.name, what: s.what, trainable: s.trainable, rows: s.read(dir) }));
}

export function loadPublicSentimentSets(dir?: string): PublicSet<SentimentRow>[] {
	return load(SENTIMENT_SOURCES, dir);
}

export function loadPublicIntentSets(dir?: string): PublicSet<IntentRow>[] {
	return load(INTENT_SOURCES, dir);
}
