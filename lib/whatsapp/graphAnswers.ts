/**
 * Reading the Graph API's answers: JSON or bytes, with each field read by its type (never converted
 * to text by accident), and the errors for answers that do not have the shape Meta documents.
 */
import { textOrNumber as str } from '../json';
import type { Json } from '../json';

/** A 2xx answer that does not have the shape Meta documents (never retried: the request may have worked). */
export class GraphResponseError extends Error {
	constructor(
		message: string,
		readonly httpStatus: number,
	) {
		super(message);
		this.name = 'GraphResponseError';
	}
}

/** Downloaded bytes whose SHA-256 differs from the one Meta announced for the media. */
export class MediaIntegrityError extends Error {
	constructor(
		readonly expectedSha256: string,
		readonly actualSha256: string,
	) {
		super(
			`Downloaded media does not match its announced SHA-256 (expected ${expectedSha256}, got ${actualSha256}); ` +
				'the transport may have decoded binary data as text',
		);
		this.name = 'MediaIntegrityError';
	}
}

export type { Json };

export function success(response: { body: Json }): boolean {
	return response.body.success === true;
}

export function parseJson(body: unknown): unknown {
	if (typeof body === 'string' && /^\s*[[{]/.test(body)) {
		try {
			return JSON.parse(body);
		} catch {
			return body;
		}
	}
	if (Buffer.isBuffer(body) && /^\s*[[{]/.test(body.subarray(0, 16).toString('utf8'))) {
		try {
			return JSON.parse(body.toString('utf8'));
		} catch {
			return body;
		}
	}
	return body;
}

export function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	// A transport that parsed a JSON file: hand back its text.
	return Buffer.from(JSON.stringify(body), 'utf8');
}

export function cursorFrom(next: string): string | undefined {
	try {
		return new URL(next).searchParams.get('after') ?? undefined;
	} catch {
		return undefined;
	}
}

export function isObject(value: unknown): value is Json {
	return (
		typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
	);
}

export function firstOf(value: unknown): Json | undefined {
	return Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;
}

/** Answers' ids and names: text, or a finite number written as text. */
export { str };

/**
 * A field a listed object cannot do without (its id, a template's name): text or a number, read
 * by its type; anything else refuses the answer instead of becoming the text "undefined".
 */
export function required(row: Json, key: string, what: string, index: number): string {
	const value = str(row[key]);
	if (value === undefined || value === '')
		throw new GraphResponseError(
			`Graph API listed a ${what} (row ${index + 1}) without a text ${key}`,
			200,
		);
	return value;
}
