/**
 * The learned part of the sentiment: a linear model over hashed character n-grams (features.ts),
 * trained by devkit/datasets/trainSentimentModel.ts on labelled reviews and messages and shipped
 * as sentimentModel.json (one signed byte per table slot, base64). It reads the words no phrase
 * list holds (好好食, อร่อยมาก, понравилось, "would not buy again"); the phrase rules keep the last
 * word on what they know. Its evidence is the spans of the features that weighed most.
 */
import type { Intent } from './types';
import { FEATURE_BITS, forEachFeature } from './features';
import { isWordChar, FOLD } from './normalize';
import modelFile from './sentimentModel.json';

interface ModelFile {
	/** log2 of the table size; must equal FEATURE_BITS. */
	bits: number;
	/** A table byte times `scale` is the feature's weight. */
	scale: number;
	/** The model's logit times `gain` is added to the rules' score. */
	gain: number;
	/**
	 * The model's |logit| is reduced by this much (and below it the model has no opinion), which keeps
	 * plain requests ("ok", "where is my parcel") at 0.5 and leaves the order of the rest alone.
	 */
	deadZone: number;
	/** base64 of the signed bytes; empty for an untrained model. */
	weights: string;
}

/** Sentiment below 0.3 sends a message to an agent: as a score, about −0.85. */
const AGENT_NOW_SCORE = -0.847;
/** Features kept for evidence; overlapping spans merge into one ("อร่", "ร่อ", "่อย" → "อร่อย"). */
const EVIDENCE = 6;

let table: Int8Array | undefined;

function load(): Int8Array {
	if (table) return table;
	const file = modelFile as ModelFile;
	if (file.bits !== FEATURE_BITS)
		throw new Error(
			`sentimentModel.json has ${file.bits}-bit features, the tagger ${FEATURE_BITS}`,
		);
	const bytes = Buffer.from(file.weights, 'base64');
	table = new Int8Array(1 << FEATURE_BITS);
	if (bytes.length === table.length)
		table.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
	return table;
}

export interface ModelScore {
	/** What the model adds to the rules' score (0 inside its dead zone). */
	score: number;
	/** Its strongest spans, as written, with their weights. */
	evidence: { text: string; weight: number }[];
	/** Share of the message's features the model has a weight for: how familiar the text is. */
	known: number;
}

/** Widens a span to whole words for Latin and Cyrillic text, so evidence reads "disappointed", not "sappo". */
function widen(text: string, start: number, end: number): string {
	let s = start;
	let e = end;
	while (s > 0 && end - s < 40 && isWordChar(FOLD[text.charCodeAt(s - 1)])) s--;
	while (e < text.length && e - start < 40 && isWordChar(FOLD[text.charCodeAt(e)])) e++;
	return text.slice(s, e);
}

/** The top features' spans with the model's sign, overlapping or touching ones merged, strongest first. */
function merged(
	text: string,
	weights: number[],
	starts: number[],
	ends: number[],
	factor: number,
): { text: string; weight: number }[] {
	const spans = weights.map((w, k) => ({ start: starts[k], end: ends[k], weight: w * factor }));
	spans.sort((a, b) => a.start - b.start);
	const out: { start: number; end: number; weight: number }[] = [];
	for (const span of spans) {
		const last = out[out.length - 1];
		if (last && span.start <= last.end && Math.sign(span.weight) === Math.sign(last.weight)) {
			last.end = Math.max(last.end, span.end);
			last.weight += span.weight;
		} else out.push({ ...span });
	}
	return out
		.filter((s) => s.end > s.start)
		.map((s) => ({ text: widen(text, s.start, s.end), weight: s.weight }));
}

/**
 * Scores a message. `request` says the rules found a plain request (an intent, no sentiment words):
 * then the model needs three times the margin to speak, since "where is my parcel" is no complaint.
 */
export function scoreModel(text: string, request: boolean): ModelScore {
	const w = load();
	const { scale, gain } = modelFile as ModelFile;
	const deadZone = (modelFile as ModelFile).deadZone * (request ? 3 : 1);
	let sum = 0;
	let features = 0;
	let known = 0;
	// The strongest few features, by |weight|: slot spans kept, strings built only for them.
	const topWeight: number[] = [];
	const topStart: number[] = [];
	const topEnd: number[] = [];
	forEachFeature(text, (slot, start, end) => {
		features++;
		const v = w[slot];
		if (v === 0) return;
		known++;
		sum += v;
		const a = Math.abs(v);
		if (topWeight.length === EVIDENCE && a <= Math.abs(topWeight[EVIDENCE - 1])) return;
		let k = topWeight.length === EVIDENCE ? EVIDENCE - 1 : topWeight.length;
		while (k > 0 && Math.abs(topWeight[k - 1]) < a) {
			topWeight[k] = topWeight[k - 1];
			topStart[k] = topStart[k - 1];
			topEnd[k] = topEnd[k - 1];
			k--;
		}
		topWeight[k] = v;
		topStart[k] = start;
		topEnd[k] = end;
	});
	if (features === 0) return { score: 0, evidence: [], known: 0 };
	const norm = scale / Math.sqrt(features);
	const logit = sum * norm;
	if (Math.abs(logit) < deadZone) return { score: 0, evidence: [], known: known / features };
	const shrunk = logit > 0 ? logit - deadZone : logit + deadZone;
	return {
		score: shrunk * gain,
		evidence: merged(text, topWeight, topStart, topEnd, norm * gain),
		known: known / features,
	};
}

/**
 * How sure the offline tagger is of a result, 0..1 (see `TagResult.certainty`): the confidence of
 * its best intent, or for a message with none, whether it is short small talk or a longer text in
 * words the model does not know; capped by how far the sentiment is from the Agent Now threshold.
 */
export function certaintyOf(
	intents: Intent[],
	score: number,
	letters: number,
	known: number,
): number {
	const intent = intents.length
		? intents[0].confidence
		: letters <= 8
			? 0.9
			: known >= 0.6
				? 0.6
				: 0.4;
	const sentiment = Math.min(1, Math.abs(score - AGENT_NOW_SCORE) / 1.5);
	return Math.round(Math.min(intent, sentiment) * 100) / 100;
}
