/**
 * Reading message input that comes from workflow items: text is taken as it is, a finite number is
 * written in decimal, anything else is refused with where it was and what it was, never converted.
 */

/** A message the user's input cannot make; nothing was sent. */
export class MessageInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MessageInputError';
	}
}

/**
 * A value where Meta takes text. A string is taken as it is and a finite number is written in
 * decimal; anything else (an object, a list, a boolean, NaN) is refused with where it was, and
 * nothing on it is called: an item's object with a hostile `toString` gives this error, not a crash.
 */
export function textOf(where: string, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value.toString(10);
	if (typeof value === 'bigint') return value.toString(10);
	throw new MessageInputError(`${where} must be text or a number, got ${kindOf(value)}`);
}

/** textOf for an optional field: nothing (undefined, null) stays undefined. */
export function optionalTextOf(where: string, value: unknown): string | undefined {
	return value === undefined || value === null ? undefined : textOf(where, value);
}

/** An item's text in an error, cut short: a hostile value is never echoed whole. */
export function echo(text: string, max = 40): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** How a refused value is named in an error, without converting it. */
export function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'an infinite number';
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
