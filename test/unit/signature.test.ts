import { createHmac } from 'node:crypto';

import { signBody, verifySignature } from '../../lib/whatsapp/signature';
import { envelope, textMessage } from '../../devkit/payloads/whatsappPayloads';

const SECRET = 'the-app-secret';
const body = JSON.stringify(envelope(textMessage({ text: '有冇discount? 😀' })));
// Computed here independently of signBody, so a wrong signBody cannot make both sides agree.
const expected = `sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`;

describe('signBody', () => {
	it("gives Meta's header value: sha256= and the hex HMAC-SHA256 of the raw bytes", () => {
		expect(signBody(body, SECRET)).toBe(expected);
		expect(signBody(Buffer.from(body), SECRET)).toBe(expected);
		expect(signBody(body, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
	});
});

describe('verifySignature', () => {
	it("accepts Meta's header for the exact bytes, as a string or a Buffer", () => {
		expect(verifySignature(body, expected, SECRET)).toBe(true);
		expect(verifySignature(Buffer.from(body), expected, SECRET)).toBe(true);
	});

	it('accepts upper-case hex digits and surrounding whitespace in the header', () => {
		expect(verifySignature(body, `sha256=${expected.slice(7).toUpperCase()}`, SECRET)).toBe(true);
		expect(verifySignature(body, ` ${expected} `, SECRET)).toBe(true);
	});

	it('refuses another secret', () => {
		expect(verifySignature(body, expected, 'other-secret')).toBe(false);
	});

	it('refuses a body with one byte changed', () => {
		const bytes = Buffer.from(body);
		for (const index of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
			const tampered = Buffer.from(bytes);
			tampered[index] ^= 0x01;
			expect(verifySignature(tampered, expected, SECRET)).toBe(false);
		}
	});

	it('refuses the same JSON re-serialised with other whitespace or escaping', () => {
		const parsed = JSON.parse(body);
		expect(JSON.stringify(parsed)).toBe(body);
		expect(verifySignature(JSON.stringify(parsed, null, 2), expected, SECRET)).toBe(false);
		// Meta escapes non-ASCII as \uXXXX; the same value written as UTF-8 is other bytes.
		const escaped = body.replace(/[^\x00-\x7f]/gu, (char) =>
			char
				.split('')
				.map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
				.join(''),
		);
		expect(JSON.parse(escaped)).toEqual(parsed);
		expect(verifySignature(escaped, expected, SECRET)).toBe(false);
	});

	it.each([
		['a missing header', undefined],
		['an empty header', ''],
		['only the prefix', 'sha256='],
		['another algorithm', expected.replace('sha256=', 'sha1=')],
		['no prefix', expected.slice('sha256='.length)],
		['a prefix without "="', expected.replace('sha256=', 'sha256:')],
		['non-hex digits', `sha256=${'z'.repeat(64)}`],
		['one non-hex digit at the end', `${expected.slice(0, -1)}g`],
		['a shorter digest', expected.slice(0, -2)],
		['a longer digest', `${expected}00`],
		['two signatures', `${expected},${expected}`],
	])('refuses %s without throwing', (_, header) => {
		expect(() => verifySignature(body, header, SECRET)).not.toThrow();
		expect(verifySignature(body, header, SECRET)).toBe(false);
	});

	it('refuses everything when no app secret is configured', () => {
		expect(verifySignature(body, signBody(body, ''), '')).toBe(false);
		expect(verifySignature(body, expected, undefined as unknown as string)).toBe(false);
	});

	it('refuses a body that is not bytes or text, without throwing', () => {
		for (const notABody of [undefined, null, 42, { object: 'whatsapp_business_account' }]) {
			expect(verifySignature(notABody as unknown as string, expected, SECRET)).toBe(false);
		}
	});

	it('is not fooled by a previous check (the decoded header buffer is reused)', () => {
		expect(verifySignature(body, expected, SECRET)).toBe(true);
		const wrongTail = `${expected.slice(0, -2)}zz`;
		expect(verifySignature(body, wrongTail, SECRET)).toBe(false);
	});
});
