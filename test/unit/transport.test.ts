/**
 * Whether a failed request may have reached the server (issue 15.4), against real sockets on
 * loopback: a closed port, an unknown host, a certificate nobody trusts, a TLS handshake with a
 * plain-text server, and a server that reads the request and hangs up.
 */
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { makeCertificate } from '../../bench/support/tls';
import { axiosTransport, neverLeft, TransportError } from '../../lib/http/transport';

const servers: net.Server[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-transport-'));
let closedPort: number;
let tlsPort: number;
let plainPort: number;
let hangUpPort: number;
let requestsSeen = 0;

async function listen(server: net.Server): Promise<number> {
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
	const probe = net.createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	closedPort = (probe.address() as net.AddressInfo).port;
	await new Promise((resolve) => probe.close(resolve));
	const certificate = makeCertificate(dir, 'localhost');
	tlsPort = await listen(
		https.createServer(
			{ key: fs.readFileSync(certificate.keyFile), cert: fs.readFileSync(certificate.certFile) },
			(_, response) => response.end('{}'),
		),
	);
	// Answers a TLS hello with plain text: OpenSSL's "wrong version number".
	plainPort = await listen(
		net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad\r\n\r\n'))),
	);
	hangUpPort = await listen(
		net.createServer((socket) =>
			socket.once('data', () => {
				requestsSeen++;
				socket.destroy();
			}),
		),
	);
});

afterAll(async () => {
	for (const server of servers) await new Promise((resolve) => server.close(resolve));
	fs.rmSync(dir, { recursive: true, force: true });
});

async function failure(url: string): Promise<TransportError> {
	const error = await axiosTransport({ timeoutMs: 5000 })({
		method: 'POST',
		url,
		body: { text: 'hello' },
	}).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(TransportError);
	return error as TransportError;
}

describe('TransportError.sent', () => {
	it('is false for a refused connection', async () => {
		expect(await failure(`http://127.0.0.1:${closedPort}/v26.0/1/messages`)).toMatchObject({
			code: 'ECONNREFUSED',
			sent: false,
		});
	});

	it('is false for a host name that does not resolve', async () => {
		const error = await failure('http://scrm-unreachable.invalid/v26.0/1/messages');
		expect(error.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
		expect(error.sent).toBe(false);
	});

	it('is false for a certificate that is not trusted, and for a failed handshake', async () => {
		const untrusted = await failure(`https://localhost:${tlsPort}/v26.0/1/messages`);
		expect(untrusted.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
		expect(untrusted.sent).toBe(false);
		const handshake = await failure(`https://localhost:${plainPort}/v26.0/1/messages`);
		expect(handshake.code).toMatch(/^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)$/);
		expect(handshake.sent).toBe(false);
	});

	it('stays true when the server read the request and hung up', async () => {
		const before = requestsSeen;
		const error = await failure(`http://127.0.0.1:${hangUpPort}/v26.0/1/messages`);
		expect(requestsSeen).toBe(before + 1);
		expect(error.sent).toBe(true);
	});

	it('reads EPROTO as not sent only with OpenSSL handshake words', () => {
		expect(neverLeft('EPROTO', 'write EPROTO …:ssl3_get_record:wrong version number')).toBe(true);
		expect(neverLeft('EPROTO', 'read EPROTO')).toBe(false);
		expect(neverLeft('EPROTO')).toBe(false);
		expect(neverLeft('ECONNRESET')).toBe(false);
		expect(neverLeft('ECONNABORTED')).toBe(false);
		expect(neverLeft('ETIMEDOUT')).toBe(false);
		expect(neverLeft(undefined)).toBe(false);
	});
});
