import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/** The `X-Hub-Signature-256` value Meta sends for a body: HMAC-SHA256 of the raw bytes with the app secret. */
export function signBody(rawBody: string | Buffer, appSecret: string): string {
	return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Whether `header` is Meta's signature of exactly these bytes. Compares in constant time and never
 * throws: a missing, malformed or wrong header, or an empty secret, is simply false.
 */
export function verifySignature(rawBody: string | Buffer, header: string | undefined, appSecret: string): boolean {
	if (typeof header !== 'string' || !appSecret || (typeof rawBody !== 'string' && !Buffer.isBuffer(rawBody))) return false;
	const match = HEADER_PATTERN.exec(header.trim());
	if (!match) return false;
	const given = Buffer.from(match[1].toLowerCase(), 'hex');
	const expected = createHmac('sha256', appSecret).update(rawBody).digest();
	return given.length === expected.length && timingSafeEqual(given, expected);
}
