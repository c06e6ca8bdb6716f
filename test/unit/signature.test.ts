import { createHmac } from 'node:crypto';

import { signBody, verifySignature } from '../../lib/whatsapp/signature';

const SECRET = 'the-app-secret';
const body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}';
const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

describe('verifySignature', () => {
	it("accepts Meta's header for the exact bytes, as string or Buffer", () => {
		expect(signBody(body, SECRET)).toBe(expected);
		expect(verifySignature(body, expected, SECRET)).toBe(true);
		expect(verifySignature(Buffer.from(body), expected, SECRET)).toBe(true);
		expect(verifySignature(body, expected.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
	});

	it('refuses another secret, a tampered byte or re-serialised JSON', () => {
		expect(verifySignature(body, expected, 'other-secret')).toBe(false);
		expect(verifySignature(body.replace('"1"', '"2"'), expected, SECRET)).toBe(false);
		const reserialised = JSON.stringify(JSON.parse(body), null, 1);
		expect(verifySignature(reserialised, expected, SECRET)).toBe(false);
	});

	it.each([
		['a missing header', undefined],
		['an empty header', ''],
		['another algorithm', expected.replace('sha256=', 'sha1=')],
		['no prefix', expected.slice('sha256='.length)],
		['non-hex digits', `sha256=${'z'.repeat(64)}`],
		['a shorter digest', expected.slice(0, -2)],
		['a longer digest', `${expected}00`],
	])('refuses %s without throwing', (_, header) => {
		expect(verifySignature(body, header, SECRET)).toBe(false);
	});

	it('refuses everything when no app secret is configured', () => {
		expect(verifySignature(body, signBody(body, ''), '')).toBe(false);
	});
});
