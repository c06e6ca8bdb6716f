/**
 * Trains the tagger's sentiment model (lib/intent/sentimentModel.json): logistic regression over
 * the hashed n-grams of lib/intent/features.ts, AdaGrad, a little L2, soft targets (positive 1,
 * negative 0, neutral 0.5, so words of neutral messages keep weights near 0 and "ok" stays at
 * 0.5), each message's features scaled by 1/√count so a long review is no louder than a short
 * message. Weights are stored as signed bytes.
 *
 * Trains on test/data/intent/sentiment-dev.jsonl (ours, written for this) and on the public sets
 * whose licences allow shipping what is learned from them (`trainable` in publicSets.ts; see
 * test/data/README.md), read from SCRM_PUBLIC_DATA. Never on a holdout.
 *
 *   SCRM_PUBLIC_DATA=/path/to/sets node .build/devkit/datasets/trainSentimentModel.js
 */
import fs from 'node:fs';
import path from 'node:path';

import { extractFeatures, FEATURE_BITS, features } from '../../lib/intent/features';
import { INTENT_DATA_DIR, loadIntentDataset } from './intentDataset';
import { loadPublicSentimentSets } from './publicSets';
import type { Polarity } from './publicSets';
import { loadRegisterSet, loadSentimentSet } from './sentimentScoring';
import { seededRandom } from '../generators/seededRandom';

const EPOCHS = 8;
const RATE = 0.2;
const L2 = 1e-7;
/** Our own short messages count more than a review: they are the register the tagger serves. */
const OWN_WEIGHT = 3;
/** Neutral messages pull weights towards 0 but should not swamp the opinions. */
const NEUTRAL_WEIGHT = 0.5;

interface Example {
	slots: Int32Array;
	target: number;
	weight: number;
}

function example(text: string, label: Polarity, weight: number): Example | undefined {
	const count = extractFeatures(text);
	if (count === 0) return undefined;
	const slots = features.slots.slice(0, count);
	const target = label === 'pos' ? 1 : label === 'neg' ? 0 : 0.5;
	return {
		slots,
		target,
		weight: label === 'neu' ? weight * NEUTRAL_WEIGHT : weight,
	};
}

export function train(examples: Example[], epochs = EPOCHS): Float64Array {
	const size = 1 << FEATURE_BITS;
	const w = new Float64Array(size);
	const g2 = new Float64Array(size).fill(1e-6);
	const random = seededRandom(19);
	const order = examples.map((_, i) => i);
	for (let epoch = 0; epoch < epochs; epoch++) {
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j], order[i]];
		}
		for (const index of order) {
			const { slots, target, weight } = examples[index];
			const x = 1 / Math.sqrt(slots.length);
			let z = 0;
			for (let k = 0; k < slots.length; k++) z += w[slots[k]];
			z *= x;
			const p = 1 / (1 + Math.exp(-z));
			const grad = (p - target) * weight * x;
			for (let k = 0; k < slots.length; k++) {
				const s = slots[k];
				const g = grad + L2 * w[s];
				g2[s] += g * g;
				w[s] -= (RATE * g) / Math.sqrt(g2[s]);
			}
		}
	}
	return w;
}

/** Signed bytes and the scale that maps them back. */
export function quantise(w: Float64Array): { bytes: Int8Array; scale: number } {
	let max = 0;
	for (const v of w) max = Math.max(max, Math.abs(v));
	const scale = max / 127 || 1;
	const bytes = new Int8Array(w.length);
	for (let i = 0; i < w.length; i++) bytes[i] = Math.round(w[i] / scale);
	return { bytes, scale };
}

function main(): void {
	const examples: Example[] = [];
	const trainedOn: { set: string; messages: number }[] = [];
	const own = loadSentimentSet('dev');
	for (const row of own) {
		const e = example(row.text, row.label, OWN_WEIGHT);
		if (e) examples.push(e);
	}
	trainedOn.push({ set: 'test/data/intent/sentiment-dev.jsonl', messages: own.length });
	// Our labelled requests (dev only) teach what a plain request sounds like: neutral, unless a complaint.
	const requests = [...loadIntentDataset('dev'), ...loadRegisterSet('dev')];
	for (const row of requests) {
		const e = example(row.text, row.tags.includes('complaint') ? 'neg' : 'neu', OWN_WEIGHT * 2);
		if (e) examples.push(e);
	}
	trainedOn.push({
		set: 'test/data/intent/dev.jsonl + register-dev.jsonl (complaints negative, the rest neutral)',
		messages: requests.length,
	});
	for (const set of loadPublicSentimentSets()) {
		if (!set.trainable) continue;
		for (const row of set.rows) {
			const e = example(row.text, row.label, 1);
			if (e) examples.push(e);
		}
		trainedOn.push({ set: set.name, messages: set.rows.length });
	}
	console.log(`training on ${examples.length} messages:`, trainedOn);
	const { bytes, scale } = quantise(train(examples));
	let used = 0;
	for (const b of bytes) if (b !== 0) used++;
	const out = path.join(INTENT_DATA_DIR, '..', '..', '..', 'lib', 'intent', 'sentimentModel.json');
	const file = {
		bits: FEATURE_BITS,
		scale,
		gain: Number(process.env.SCRM_MODEL_GAIN ?? 1.5),
		deadZone: Number(process.env.SCRM_MODEL_DEAD_ZONE ?? 0.25),
		trainedOn,
		weights: Buffer.from(bytes.buffer).toString('base64'),
	};
	fs.writeFileSync(out, `${JSON.stringify(file)}\n`);
	console.log(
		`wrote ${out}: ${used} of ${bytes.length} slots used, scale ${scale.toExponential(3)}`,
	);
}

if (require.main === module) main();
