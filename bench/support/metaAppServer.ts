/**
 * A stand-in for the part of graph.facebook.com that n8n's built-in WhatsApp Trigger calls when it is
 * activated (app access token, `/{app-id}/subscriptions`), served over TLS with a certificate made
 * for the run. Only the benchmark uses it; our own nodes take their base URL from the credential.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

export interface MetaAppServer {
	/** The certificate to trust (NODE_EXTRA_CA_CERTS) in the process that calls it. */
	certFile: string;
	subscriptions: Array<Record<string, string>>;
	stop(): Promise<void>;
}

export function makeCertificate(dir: string): { keyFile: string; certFile: string } {
	fs.mkdirSync(dir, { recursive: true });
	const keyFile = path.join(dir, 'graph.key');
	const certFile = path.join(dir, 'graph.crt');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
		'-keyout', keyFile, '-out', certFile,
		'-subj', '/CN=graph.facebook.com',
		'-addext', 'subjectAltName=DNS:graph.facebook.com',
	], { stdio: 'ignore' });
	return { keyFile, certFile };
}

export async function startMetaAppServer(dir: string, port = 443): Promise<MetaAppServer> {
	const { keyFile, certFile } = makeCertificate(dir);
	const subscriptions: Array<Record<string, string>> = [];
	const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'https://graph.facebook.com');
			const form = Object.fromEntries(new URLSearchParams(raw));
			const send = (status: number, body: unknown) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (url.pathname.endsWith('/oauth/access_token')) return send(200, { access_token: 'app-access-token', token_type: 'bearer' });
			if (/^\/v\d+\.\d+\/[^/]+\/subscriptions$/.test(url.pathname)) {
				if (req.method === 'GET') {
					return send(200, {
						data: subscriptions.map((s) => ({
							object: s.object,
							callback_url: s.callback_url,
							active: true,
							fields: (JSON.parse(s.fields ?? '[]') as string[]).map((name) => ({ name, version: 'v19.0' })),
						})),
					});
				}
				if (req.method === 'POST') {
					subscriptions.splice(0, subscriptions.length, form);
					return send(200, { success: true });
				}
				if (req.method === 'DELETE') {
					subscriptions.splice(0, subscriptions.length);
					return send(200, { success: true });
				}
			}
			send(400, { error: { message: `Unsupported request ${req.method} ${url.pathname}`, type: 'GraphMethodException', code: 100 } });
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	return {
		certFile,
		subscriptions,
		stop: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
