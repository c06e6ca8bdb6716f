/**
 * The learned part of the sentiment: a linear model over hashed character n-grams (features.ts),
 * trained by devkit/datasets/trainSentimentModel.ts on labelled reviews and messages and shipped
 * as sentimentModel.json (one signed byte per table slot, base64). It reads the words no phrase
 * list holds (好好食, อร่อยมาก, понравилось, "would not buy again"); the phrase rules keep the last
 * word on what they know. Its evidence is the spans of the features that weighed most.
 */
import type { Intent } from './types';
import { extractFeatures, FEATURE_BITS, features, strongest } from './features';
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
/** The most the model adds either way: it tips a message, it does not drown the rules. */
const CAP = 3;

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
}

/** Widens a span to whole words for Latin and Cyrillic text, so evidence reads "disappointed", not "sappo". */
function widen(text: string, start: number, end: number): string {
	let s = start;
	let e = end;
	while (s > 0 && end - s < 40 && isWordChar(FOLD[text.charCodeAt(s - 1)])) s--;
	while (e < text.length && e - start < 40 && isWordChar(FOLD[text.charCodeAt(e)])) e++;
	return text.slice(s, e);
}

/**
 * The spans of the strongest features with the model's sign (kept by extractFeatures), overlapping
 * or touching ones merged ("อร่", "ร่อ", "่อย" → "อร่อย"), as written.
 */
function evidenceOf(
	text: string,
	sign: number,
	factor: number,
): { text: string; weight: number }[] {
	const list = sign > 0 ? strongest.positive : strongest.negative;
	const top: number[] = [];
	for (let k = 0; k < list.count; k++) top.push(k);
	const starts = list.start;
	const ends = list.end;
	// By start (at most STRONGEST of them: an insertion sort, ties in strength order).
	for (let i = 1; i < top.length; i++) {
		const k = top[i];
		let j = i;
		while (j > 0 && starts[top[j - 1]] > starts[k]) {
			top[j] = top[j - 1];
			j--;
		}
		top[j] = k;
	}
	const out: { start: number; end: number; weight: number }[] = [];
	for (const k of top) {
		const last = out[out.length - 1];
		const weight = sign * list.weight[k] * factor;
		if (last && starts[k] <= last.end) {
			last.end = Math.max(last.end, ends[k]);
			last.weight += weight;
		} else out.push({ start: starts[k], end: ends[k], weight });
	}
	return out.map((s) => ({ text: widen(text, s.start, s.end), weight: s.weight }));
}

/**
 * Scores a message. `request` says the rules found a plain request (an intent, no sentiment words):
 * then the model needs three times the margin to speak, since "where is my parcel" is no complaint.
 */
export function scoreModel(text: string, request: boolean): ModelScore {
	const w = load();
	const file = modelFile as ModelFile;
	const count = extractFeatures(text, w);
	if (count === 0) return { score: 0, evidence: [] };
	const sum = features.sum;
	const norm = file.scale / Math.sqrt(count);
	const logit = sum * norm;
	const deadZone = file.deadZone * (request ? 3 : 1);
	if (Math.abs(logit) < deadZone) return { score: 0, evidence: [] };
	const shrunk = logit > 0 ? logit - deadZone : logit + deadZone;
	return {
		score: Math.max(-CAP, Math.min(CAP, shrunk * file.gain)),
		evidence: evidenceOf(text, Math.sign(logit), norm * file.gain),
	};
}

/**
 * How sure the offline tagger is of a result, 0..1 (see `TagResult.certainty`): the confidence of
 * its best intent; for a message with none, high for short small talk ("ok la", "多謝晒") and for a
 * clear opinion, low for a longer text it has no phrase for; below 0.5 too when the sentiment sits
 * near the Agent Now threshold (there, one word more or less would route it differently).
 */
export function certaintyOf(intents: Intent[], score: number, letters: number): number {
	if (intents.length) return intents[0].confidence;
	const plain = letters <= 24 ? 0.9 : Math.abs(score) >= 2 ? 0.6 : 0.4;
	const nearThreshold = Math.abs(score - AGENT_NOW_SCORE) < 0.5;
	return nearThreshold ? Math.min(plain, 0.45) : plain;
}
