/**
 * A stand-in for the part of graph.facebook.com that n8n's built-in WhatsApp Trigger calls when it
 * is activated and deactivated, served over TLS on 127.0.0.1:443 with a certificate made for the
 * run. Read from n8n-nodes-base's WhatsApp/GenericFunctions.js: every call first fetches an app
 * token (`POST /v19.0/oauth/access_token`, form client_id, client_secret, grant_type), then
 * `GET /v19.0/{app-id}/subscriptions` → `{ data: [{ object, callback_url, active, fields: [{ name }] }] }`,
 * `POST` (object, callback_url, verify_token, fields as a JSON array in a string, include_values) and
 * `DELETE` (object); n8n sends those two bodies as JSON, the token request as a form. Only the benchmark uses it; our own nodes take a base URL from the credential.
 */
import fs from 'node:fs';
import https from 'node:https';

import { makeCertificate } from './tls';
import type { Certificate } from './tls';

export interface MetaAppServer extends Certificate {
	/** The app's current webhook subscriptions, as the built-in trigger set them. */
	subscriptions: Array<Record<string, string>>;
	/** Every request served, e.g. "POST /v19.0/oauth/access_token 200". */
	calls: string[];
	stop(): Promise<void>;
}

export async function startMetaAppServer(dir: string, port = 443): Promise<MetaAppServer> {
	const certificate = makeCertificate(dir);
	const subscriptions: Array<Record<string, string>> = [];
	const calls: string[] = [];
	const server = https.createServer(
		{ key: fs.readFileSync(certificate.keyFile), cert: fs.readFileSync(certificate.certFile) },
		(req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'https://graph.facebook.com');
				const raw = Buffer.concat(chunks).toString('utf8');
				// n8n's httpRequest sends these bodies as JSON (json: true), the token request as a form.
				const form = parseBody(raw, req.headers['content-type']);
				const send = (status: number, body: unknown) => {
					calls.push(`${req.method} ${url.pathname} ${status}`);
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(body));
				};
				if (req.method === 'POST' && /^\/v\d+\.\d+\/oauth\/access_token$/.test(url.pathname)) {
					if (!form.client_id || !form.client_secret)
						return send(400, graphError('Missing client_id or client_secret', 101));
					return send(200, {
						access_token: `${form.client_id}|bench-app-token`,
						token_type: 'bearer',
					});
				}
				if (/^\/v\d+\.\d+\/[^/]+\/subscriptions$/.test(url.pathname)) {
					if (!/^Bearer .+/.test(req.headers.authorization ?? ''))
						return send(400, graphError('An access token is required', 104));
					if (req.method === 'GET') {
						return send(200, {
							data: subscriptions.map((s) => ({
								object: s.object,
								callback_url: s.callback_url,
								active: true,
								fields: parseFields(s.fields).map((name) => ({ name, version: 'v19.0' })),
							})),
						});
					}
					if (req.method === 'POST') {
						if (!form.object || !form.callback_url)
							return send(400, graphError('object and callback_url are required', 100));
						const index = subscriptions.findIndex((s) => s.object === form.object);
						if (index >= 0) subscriptions.splice(index, 1);
						subscriptions.push(form);
						return send(200, { success: true });
					}
					if (req.method === 'DELETE') {
						const index = subscriptions.findIndex((s) => !form.object || s.object === form.object);
						if (index >= 0) subscriptions.splice(index, 1);
						return send(200, { success: true });
					}
				}
				send(400, graphError(`Unsupported ${req.method} request to ${url.pathname}`, 100));
			});
		},
	);
	await new Promise<void>((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			const why =
				error.code === 'EADDRINUSE'
					? `127.0.0.1:${port} is in use (another benchmark's Graph stand-in still running?)`
					: error.code === 'EACCES'
						? `binding 127.0.0.1:${port} needs root or CAP_NET_BIND_SERVICE`
						: error.message;
			reject(new Error(`cannot serve the graph.facebook.com stand-in: ${why}`));
		});
		server.listen(port, '127.0.0.1', resolve);
	});
	return {
		...certificate,
		subscriptions,
		calls,
		stop: () =>
			new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, 5_000);
				server.close(() => {
					clearTimeout(timer);
					resolve();
				});
				// n8n's agent keeps connections alive; close() alone would wait for them.
				server.closeAllConnections();
			}),
	};
}

function graphError(message: string, code: number) {
	return { error: { message, type: 'OAuthException', code, fbtrace_id: 'bench' } };
}

function parseBody(raw: string, contentType = ''): Record<string, string> {
	if (raw.trim() === '') return {};
	if (contentType.includes('json') || raw.trimStart().startsWith('{')) {
		try {
			const parsed = JSON.parse(raw) as Record<string, unknown>;
			return Object.fromEntries(
				Object.entries(parsed).map(([key, value]) => [
					key,
					typeof value === 'string' ? value : JSON.stringify(value),
				]),
			);
		} catch {
			return {};
		}
	}
	return Object.fromEntries(new URLSearchParams(raw));
}

function parseFields(fields: string | undefined): string[] {
	try {
		const parsed = JSON.parse(fields ?? '[]') as unknown;
		return Array.isArray(parsed) ? parsed.map(String) : String(fields).split(',');
	} catch {
		return String(fields).split(',');
	}
}
