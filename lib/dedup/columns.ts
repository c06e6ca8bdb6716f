/** The column for each field rule, and the crossed-over names check across two columns. */
import type { Contact, FieldRule } from './types';
import { FieldColumn } from './fields';
import type { ReadContext } from './fields';
import { SetColumn } from './setColumn';
import { TextColumn } from './textColumn';
import { DateColumn } from './dateColumn';
import { PurchaseColumn } from './purchaseColumn';

export function createColumn(
	rule: FieldRule,
	contacts: Contact[],
	context: ReadContext,
): FieldColumn {
	switch (rule.method) {
		case 'phone':
		case 'email':
		case 'exact':
			return new SetColumn(rule, contacts, context);
		case 'date':
			return new DateColumn(rule, contacts);
		case 'purchases':
			return new PurchaseColumn(rule, contacts, context);
		case 'levenshtein':
		case 'jaroWinkler':
		case 'dice':
			return new TextColumn(rule, contacts);
		default:
			throw new Error(`unknown match method "${String(rule.method)}" for field "${rule.field}"`);
	}
}

/**
 * Given name and surname in two fields, written the other way round on one record ("Freddie
 * Gregory" / "Gregory Freddie"): the pair of text rules whose fields read as first and last names.
 */
export function namePair(columns: FieldColumn[]): [number, number] | undefined {
	const first = columns.findIndex(
		(c) => c instanceof TextColumn && /^(first|given|fore)[ _-]?name$|^given$/i.test(c.rule.field),
	);
	const last = columns.findIndex(
		(c) => c instanceof TextColumn && /^(sur|last|family)[ _-]?name$/i.test(c.rule.field),
	);
	return first >= 0 && last >= 0 ? [first, last] : undefined;
}

/**
 * When both name fields disagree but agree crossed over, both count as "similar" (evidence, but less
 * than the same names in the same fields). Sets the columns' level and similarity, and returns the
 * bits to add to the two fields' own (0 when no swap).
 */
export function swapBits(
	columns: FieldColumn[],
	pair: [number, number],
	i: number,
	j: number,
): number {
	const first = columns[pair[0]] as TextColumn;
	const last = columns[pair[1]] as TextColumn;
	const different = first.levels.length - 1;
	if (first.level !== different || last.level !== different) return 0;
	const a = first.crossSimilarity(last, i, j);
	const b = last.crossSimilarity(first, i, j);
	if (a < first.min || b < last.min) return 0;
	const before = first.weights[different] + last.weights[different];
	first.level = different - 1;
	last.level = different - 1;
	first.similarity = a;
	last.similarity = b;
	return first.weights[different - 1] + last.weights[different - 1] - before;
}
