/**
 * m-probabilities and the match prior learned from the data by expectation-maximisation over the
 * blocked pairs, as Splink does: u stays as measured on random pairs (and by value frequency for
 * exact agreement); each round scores the candidate pairs with the current model (E), then sets each
 * field's m per level to the expected share of true pairs reaching it, and the prior to the expected
 * number of true pairs among all pairs (M). A few hundred pseudo-pairs at the priors keep a field
 * that barely occurs from swinging to an extreme.
 */
import type { FieldColumn } from './fields';
import { swapBits } from './columns';
import { MISSING } from './fields';

/** Candidate pairs the EM reads at most (evenly spread over all of them). */
const EM_PAIRS = 200_000;
const ROUNDS = 10;
const PSEUDO = 50;
const M_FLOOR = 1e-4;
const PSEUDO_CONTACTS = 200;

export interface LearnedModel {
	/** log2 odds of two random contacts being one person, learned. */
	prior: number;
	rounds: number;
	/** Expected share of true pairs among the candidate pairs. */
	matchShare: number;
}

export function learnM(
	columns: FieldColumn[],
	keys: Float64Array,
	pairOf: (key: number) => [number, number],
	contacts: number,
	population: number,
	startPrior: number,
	names?: [number, number],
): LearnedModel {
	const total = keys.length;
	const taken = Math.min(total, EM_PAIRS);
	const stride = taken === 0 ? 1 : total / taken;
	const c = columns.length;
	const levels = new Uint8Array(taken * c);
	// Bits of exact (term-frequency) agreement at capture, less the column's shift then.
	const exact = new Float32Array(taken * c);
	const captured = new Float64Array(c);
	for (let k = 0; k < taken; k++) {
		const [a, b] = pairOf(keys[Math.floor(k * stride)]);
		for (let col = 0; col < c; col++) captured[col] = columns[col].compare(a, b);
		// Crossed-over names count at the level swapBits sets.
		if (names) swapBits(columns, names, a, b);
		for (let col = 0; col < c; col++) {
			const column = columns[col];
			levels[k * c + col] = column.level;
			if (column.level === 1) exact[k * c + col] = captured[col] - column.tfShift;
		}
	}
	const priorM = columns.map((column) => column.m.slice());
	let prior = startPrior;
	let matchShare = 0;
	let rounds = 0;
	const posterior = new Float64Array(taken);
	for (; rounds < ROUNDS && taken > 0; rounds++) {
		// E: each pair's match probability under the current model.
		let expected = 0;
		for (let k = 0; k < taken; k++) {
			let bits = prior;
			for (let col = 0; col < c; col++) {
				const level = levels[k * c + col];
				if (level === MISSING) continue;
				const column = columns[col];
				bits += level === 1 ? exact[k * c + col] + column.tfShift : column.weights[level];
			}
			const p = 1 / (1 + 2 ** -Math.max(-60, Math.min(60, bits)));
			posterior[k] = p;
			expected += p;
		}
		matchShare = expected / taken;
		// M: m per level from the expected true pairs; the prior from their expected count.
		for (let col = 0; col < c; col++) {
			const column = columns[col];
			if (!column.learnable) continue;
			const count = column.levels.length;
			const mass = new Float64Array(count);
			for (let k = 0; k < taken; k++) {
				const level = levels[k * c + col];
				if (level !== MISSING) mass[level] += posterior[k];
			}
			let sum = 0;
			for (let level = 1; level < count; level++) {
				mass[level] += PSEUDO * priorM[col][level];
				sum += mass[level];
			}
			const m = [0];
			for (let level = 1; level < count; level++) m.push(Math.max(M_FLOOR, mass[level] / sum));
			column.applyM(m);
		}
		// Duplicates per contact, drawn toward one in two by PSEUDO_CONTACTS so a short list of
		// strangers does not teach that nobody is ever duplicated.
		const perContact = (matchShare * total + 0.5 * PSEUDO_CONTACTS) / (contacts + PSEUDO_CONTACTS);
		const next = Math.log2((2 * perContact) / population);
		const moved = Math.abs(next - prior);
		prior = next;
		if (moved < 0.01) {
			rounds++;
			break;
		}
	}
	return { prior, rounds, matchShare };
}
