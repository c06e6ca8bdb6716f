/**
 * A self-signed certificate for graph.facebook.com, made at bench time and trusted only by the
 * benchmark's n8n (NODE_EXTRA_CA_CERTS). openssl when the machine has it; otherwise Node's crypto
 * signs a minimal X.509 v3 certificate (P-256, SAN, CA) encoded here in DER.
 */
import { execFileSync } from 'node:child_process';
import {
	createPrivateKey,
	generateKeyPairSync,
	randomBytes,
	sign,
	X509Certificate,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Certificate {
	keyFile: string;
	certFile: string;
	/** How it was made: 'openssl' or 'node'. */
	maker: string;
}

export const CERT_HOST = 'graph.facebook.com';

export function makeCertificate(dir: string, host = CERT_HOST): Certificate {
	fs.mkdirSync(dir, { recursive: true });
	const keyFile = path.join(dir, `${host}.key`);
	const certFile = path.join(dir, `${host}.crt`);
	const useOpenssl = process.env.SCRM_BENCH_CERT !== 'node' && hasOpenssl();
	if (useOpenssl) {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-days',
				'2',
				'-keyout',
				keyFile,
				'-out',
				certFile,
				'-subj',
				`/CN=${host}`,
				'-addext',
				`subjectAltName=DNS:${host}`,
			],
			{ stdio: ['ignore', 'ignore', 'pipe'] },
		);
	} else {
		const { key, cert } = selfSignedWithNode(host);
		fs.writeFileSync(keyFile, key, { mode: 0o600 });
		fs.writeFileSync(certFile, cert);
	}
	// Fails loudly here rather than as a TLS error inside n8n.
	const parsed = new X509Certificate(fs.readFileSync(certFile));
	if (!parsed.checkHost(host))
		throw new Error(`the certificate made in ${dir} does not name ${host}`);
	if (!parsed.checkPrivateKey(createPrivateKey(fs.readFileSync(keyFile))))
		throw new Error(`key and certificate in ${dir} do not match`);
	return { keyFile, certFile, maker: useOpenssl ? 'openssl' : 'node' };
}

function hasOpenssl(): boolean {
	try {
		execFileSync('openssl', ['version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

// ---- a minimal DER writer ----------------------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
	const n = content.length;
	const length =
		n < 0x80
			? Buffer.from([n])
			: n < 0x100
				? Buffer.from([0x81, n])
				: Buffer.from([0x82, n >> 8, n & 0xff]);
	return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const octets = (content: Buffer) => tlv(0x04, content);
const bits = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(bytes: Buffer): Buffer {
	return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
	const [a, b, ...rest] = dotted.split('.').map(Number);
	const out = [40 * a + b];
	for (const arc of rest) {
		const groups = [arc & 0x7f];
		for (let v = arc >> 7; v > 0; v >>= 7) groups.unshift((v & 0x7f) | 0x80);
		out.push(...groups);
	}
	return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
	const iso = date.toISOString(); // 2026-11-22T13:45:00.000Z
	return tlv(
		0x17,
		Buffer.from(
			`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
		),
	);
}

function selfSignedWithNode(host: string): { key: string; cert: string } {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
	const name = seq(set(seq(oid('2.5.4.3'), utf8(host))));
	const now = Date.now();
	const extensions = seq(
		seq(oid('2.5.29.19'), TRUE, octets(seq(TRUE))), // basicConstraints: critical, CA
		seq(oid('2.5.29.17'), octets(seq(tlv(0x82, Buffer.from(host, 'ascii'))))), // subjectAltName: DNS
	);
	const tbs = seq(
		tlv(0xa0, integer(Buffer.from([2]))), // v3
		integer(randomBytes(12)),
		ecdsaWithSha256,
		name,
		seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 2 * 86_400_000))),
		name,
		publicKey.export({ type: 'spki', format: 'der' }),
		tlv(0xa3, extensions),
	);
	const der = seq(tbs, ecdsaWithSha256, bits(sign('sha256', tbs, privateKey)));
	const pem = `-----BEGIN CERTIFICATE-----\n${der
		.toString('base64')
		.replace(/(.{64})/g, '$1\n')
		.replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
	return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pem };
}
