/**
 * What the CRM simulators share: a loopback node:http server, JSON bodies, and scripted faults
 * (the next N matching requests answer an error status, or never answer until the client gives up).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SimFault {
	/** An HTTP status to answer (e.g. 500, 503, 429) — or `timeout`: hold the request, then drop the socket. */
	kind?: 'status' | 'timeout';
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** How many matching requests it applies to. Default 1. */
	count?: number;
	/** Only requests whose "METHOD /path" contains this. */
	match?: string;
	/** For `timeout`: how long the request is held before the socket is destroyed. Default 5 s. */
	holdMs?: number;
}

export class FaultQueue {
	private faults: Array<SimFault & { remaining: number }> = [];

	add(fault: SimFault): void {
		this.faults.push({ ...fault, remaining: fault.count ?? 1 });
	}

	clear(): void {
		this.faults = [];
	}

	take(key: string): SimFault | undefined {
		const index = this.faults.findIndex((f) => !f.match || key.includes(f.match));
		if (index < 0) return undefined;
		const fault = this.faults[index];
		if (--fault.remaining <= 0) this.faults.splice(index, 1);
		return fault;
	}
}

export interface Incoming {
	method: string;
	url: URL;
	headers: http.IncomingHttpHeaders;
	raw: string;
	/** The parsed body; `undefined` when empty, the `Error` when it is not JSON. */
	json: unknown;
}

export type Handler = (req: Incoming, res: http.ServerResponse) => Promise<void>;

export async function listen(handler: Handler): Promise<{ baseUrl: string; close(): Promise<void> }> {
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let json: unknown;
			try {
				json = raw === '' ? undefined : JSON.parse(raw);
			} catch (error) {
				json = error as Error;
			}
			const incoming: Incoming = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://sim'), headers: req.headers, raw, json };
			handler(incoming, res).catch((error: Error) => {
				if (!res.headersSent) send(res, 500, { message: `simulator bug: ${error.message}` });
			});
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

export function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
	if (res.writableEnded) return;
	if (body === undefined) {
		res.writeHead(status, headers).end();
		return;
	}
	res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

/** Answers a scripted fault; true when one applied. */
export function answerFault(fault: SimFault | undefined, res: http.ServerResponse, defaultBody: (status: number) => unknown): boolean {
	if (!fault) return false;
	if (fault.kind === 'timeout') {
		setTimeout(() => res.socket?.destroy(), fault.holdMs ?? 5000).unref();
		return true;
	}
	const status = fault.status ?? 500;
	send(res, status, fault.body ?? defaultBody(status), fault.headers);
	return true;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function digits(value: unknown): string {
	return String(value ?? '').replace(/\D/g, '');
}
