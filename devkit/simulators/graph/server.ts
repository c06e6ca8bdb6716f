/**
 * The simulator's HTTP(S) server: reads a request, applies scripted faults, authenticates, routes
 * it, and answers in Graph's shape (with latency when asked). This file composes the others.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { admin } from './admin';
import { authenticate } from './auth';
import { SimFailure, fbtrace, invalidParameter, scripted, whatsappError } from './errors';
import type { SimulatorOptions } from './options';
import {
	checkCallback,
	deliver,
	postWebhook,
	type WebhookPostOptions,
	type WebhookPostResult,
} from './outbound';
import { route } from './router';
import { GraphApiSimulatorState, type RequestLogEntry } from './state';
import { parseBody, safeJson, type Answer, type Simulation } from './wire';

export interface GraphApiSimulator {
	/** e.g. `http://127.0.0.1:41234` */
	url: string;
	port: number;
	state: GraphApiSimulatorState;
	stop(): Promise<void>;
	/** POSTs a webhook delivery signed like Meta: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
	postWebhook(
		url: string,
		body: object | string,
		options?: WebhookPostOptions,
	): Promise<WebhookPostResult>;
	/** Delivers to where Meta would: the number's override, else its WABA's override, else the app callback URL. */
	deliver(
		phoneNumberId: string,
		body: object | string,
		options?: WebhookPostOptions,
	): Promise<WebhookPostResult>;
	/** Meta's GET handshake; true when the challenge came back with 200. */
	verifyCallback(url: string, verifyToken: string): Promise<boolean>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startGraphApiSimulator(
	options: SimulatorOptions = {},
): Promise<GraphApiSimulator> {
	const state = new GraphApiSimulatorState(options);
	const sim: Simulation = {
		state,
		mediaUrlTtlMs: options.mediaUrlTtlMs ?? 5 * 60 * 1000,
		verifyCallbacks: options.verifyCallbacks ?? true,
		overrideRequiresSubscription: options.overrideRequiresSubscription ?? true,
		defaultPageSize: options.defaultPageSize ?? 25,
		tokenInPagingUrls: options.tokenInPagingUrls ?? true,
		mediaSecret: randomBytes(16),
	};
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();

	const later = (ms: number, fn: () => void) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timers.add(timer);
	};

	const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		for await (const chunk of req) {
			size += (chunk as Buffer).length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk as Buffer);
		}
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://simulator.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		const contentType = String(req.headers['content-type'] ?? '');
		const base =
			options.publicUrl?.replace(/\/+$/, '') ??
			`${options.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
		const started = state.now();

		const send = (answer: Answer, extraHeaders: Record<string, string> = {}) => {
			const write = () => {
				if (res.writableEnded || res.destroyed) return;
				const headers: Record<string, string> = { 'x-fb-trace-id': fbtrace(), ...extraHeaders };
				if ('raw' in answer) {
					res.writeHead(answer.status, {
						...headers,
						'content-type': answer.contentType,
						'content-length': String(answer.raw.length),
					});
					res.end(answer.raw);
				} else {
					const text = JSON.stringify(answer.json);
					res.writeHead(answer.status, {
						...headers,
						'content-type': 'application/json; charset=UTF-8',
						'content-length': String(Buffer.byteLength(text)),
					});
					res.end(text);
				}
			};
			if (state.latencyMs > 0) later(state.latencyMs, write);
			else write();
		};

		const adminAnswer = admin(state, method, url.pathname, safeJson(rawBody, contentType));
		if (adminAnswer) return send(adminAnswer);

		const target = route(sim, method, url.pathname);
		state.requests[target.endpoint] = (state.requests[target.endpoint] ?? 0) + 1;
		const logEntry: RequestLogEntry = {
			method,
			path: url.pathname,
			query: url.search,
			endpoint: target.endpoint,
			at: started,
			outcome: 0,
		};
		state.log.push(logEntry);
		const fail = (failure: SimFailure) => {
			state.reject(failure.body.error.code, failure.httpStatus, target.endpoint);
			logEntry.outcome = failure.httpStatus;
			send({ status: failure.httpStatus, json: failure.body }, failure.headers);
		};

		const fault = state.takeFault(target.endpoint);
		if (fault?.kind === 'fail') return fail(scripted(fault.error));
		if (fault?.kind === 'drop' && !fault.afterProcessing) {
			logEntry.outcome = 'dropped';
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'stall') {
			logEntry.outcome = 'stalled';
			if (fault.ms !== undefined) later(fault.ms, () => req.socket.destroy());
			return;
		}

		if (tooLarge) return fail(invalidParameter('Request body is too large'));
		let token: string | undefined;
		if (target.auth) {
			const auth = authenticate(state, req, url, target.endpoint.endsWith(' /media-download'));
			if (auth instanceof SimFailure) return fail(auth);
			token = auth;
		}
		let body: unknown;
		try {
			body = parseBody(rawBody, contentType);
		} catch {
			return fail(invalidParameter('The request body could not be parsed as JSON'));
		}
		try {
			const answer = await target.handle({ method, url, body, rawBody, contentType, token, base });
			if (fault?.kind === 'drop') {
				logEntry.outcome = 'dropped';
				req.socket.destroy();
				return;
			}
			logEntry.outcome = answer.status;
			send(answer);
		} catch (error) {
			if (error instanceof SimFailure) {
				if (fault?.kind === 'drop') {
					logEntry.outcome = 'dropped';
					req.socket.destroy();
					return;
				}
				return fail(error);
			}
			// A bug in the simulator must not look like Meta's answer: say so in the message.
			return fail(
				whatsappError(
					1,
					`simulator error: ${error instanceof Error ? error.message : String(error)}`,
					'(#1) An unknown error occurred',
					500,
				),
			);
		}
	};

	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		onRequest(req, res).catch((error) => {
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`simulator failure: ${error instanceof Error ? error.message : String(error)}`);
			}
		});
	};
	const server = options.tls
		? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
		: http.createServer(handler);
	server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
	const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

	return {
		url,
		port: address.port,
		state,
		postWebhook: (target, body, post) => postWebhook(state, target, body, post),
		deliver: (phoneNumberId, body, post) => deliver(state, phoneNumberId, body, post),
		async verifyCallback(target, verifyToken) {
			return (await checkCallback(state, target, verifyToken)).ok;
		},
		async stop() {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
