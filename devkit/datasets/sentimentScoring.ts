/**
 * The project's own labelled sentiment and register sets (test/data/intent), and the measures the
 * goals of issue 19 are stated in: AUC of the sentiment between positive and negative messages,
 * the share of opinionated messages left at exactly 0.5, and the Agent Now rule (sentiment below
 * 0.3) as a detector of negative messages: its recall and precision.
 */
import fs from 'node:fs';
import path from 'node:path';

import { INTENT_DATA_DIR } from './intentDataset';
import type { Polarity, SentimentRow } from './publicSets';

export interface RegisterRow {
	text: string;
	lang: string;
	/** plain | colloquial | typo | offtopic */
	register: string;
	tags: string[];
}

function jsonl<Row>(name: string): Row[] {
	return fs
		.readFileSync(path.join(INTENT_DATA_DIR, name), 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Row);
}

export function loadSentimentSet(split: 'dev' | 'holdout'): SentimentRow[] {
	return jsonl<SentimentRow>(`sentiment-${split}.jsonl`);
}

export function loadRegisterSet(split: 'dev' | 'holdout'): RegisterRow[] {
	return jsonl<RegisterRow>(`register-${split}.jsonl`);
}

export interface SentimentScore {
	n: number;
	positives: number;
	negatives: number;
	/** P(score of a random negative < score of a random positive), ties count half. */
	auc: number;
	/** Opinionated (pos or neg) messages scored exactly 0.5. */
	neutralShare: number;
	/** Negative messages under the Agent Now threshold. */
	agentRecall: number;
	/** Of the messages under the threshold, the negative ones (neutral and positive ones count against). */
	agentPrecision: number;
}

/** AUC by ranks (Mann-Whitney U), in O(n log n). */
export function aucOf(negatives: number[], positives: number[]): number {
	if (!negatives.length || !positives.length) return NaN;
	const all = [
		...negatives.map((s) => ({ s, pos: false })),
		...positives.map((s) => ({ s, pos: true })),
	].sort((a, b) => a.s - b.s);
	let rankSum = 0;
	for (let i = 0; i < all.length;) {
		let j = i;
		while (j < all.length && all[j].s === all[i].s) j++;
		const rank = (i + 1 + j) / 2;
		for (let k = i; k < j; k++) if (all[k].pos) rankSum += rank;
		i = j;
	}
	const p = positives.length;
	return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

export function scoreSentiment(
	rows: readonly { text: string; label: Polarity }[],
	sentiment: (text: string) => number,
	agentBelow = 0.3,
): SentimentScore {
	const pos: number[] = [];
	const neg: number[] = [];
	let neutralOpinions = 0;
	let flagged = 0;
	let flaggedNegative = 0;
	for (const row of rows) {
		const s = sentiment(row.text);
		if (row.label === 'pos') pos.push(s);
		if (row.label === 'neg') neg.push(s);
		if (row.label !== 'neu' && s === 0.5) neutralOpinions++;
		if (s < agentBelow) {
			flagged++;
			if (row.label === 'neg') flaggedNegative++;
		}
	}
	return {
		n: rows.length,
		positives: pos.length,
		negatives: neg.length,
		auc: aucOf(neg, pos),
		neutralShare: neutralOpinions / Math.max(1, pos.length + neg.length),
		agentRecall: flaggedNegative / Math.max(1, neg.length),
		agentPrecision: flagged ? flaggedNegative / flagged : 1,
	};
}
