/**
 * Reading values out of parsed JSON from outside (webhook bodies, Graph API answers, n8n items)
 * without implicit conversions. Each reader says by its name what it accepts; anything else is
 * undefined, never a coerced "undefined" or NaN.
 */

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON number that is finite; text is not read as a number. */
export function finiteNumber(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A finite number given as a number or as text that reads as one (Meta sends some numbers as
 * text, e.g. timestamps); blank text is not 0.
 */
export function numberOrNumericText(value: unknown): number | undefined {
	const n =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: NaN;
	return Number.isFinite(n) ? n : undefined;
}

/** Text as given, or a finite number written as text (ids that arrive as numbers). */
export function textOrNumber(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Text with something in it, trimmed; blank text is undefined. */
export function nonBlankText(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A JSON boolean; "true" as text is not one. */
export function boolean(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}
