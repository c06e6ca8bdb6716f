/**
 * What the CRM simulators share: a loopback node:http server, JSON bodies, and scripted faults
 * (the next N matching requests answer an error status, or never answer until the client gives up).
 */
import http from 'node:http';
import https from 'node:https';
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
	/** The body's bytes, for multipart uploads (`raw` is them read as UTF-8). */
	bytes: Buffer;
	/** The parsed body; `undefined` when empty, the `Error` when it is not JSON (or multipart). */
	json: unknown;
}

export interface FormPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

/**
 * The parts of a multipart/form-data body (RFC 7578), or why it is not one. Every vendor parses
 * uploads this way; a malformed body is what the simulators refuse.
 */
export function parseMultipart(req: Pick<Incoming, 'headers' | 'bytes'>): FormPart[] | Error {
	const type = String(req.headers['content-type'] ?? '');
	if (!/^multipart\/form-data/i.test(type))
		return new Error(`expected multipart/form-data, got "${type || 'no Content-Type'}"`);
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
	if (!boundary) return new Error('multipart/form-data without a boundary');
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2].trim()}`);
	const parts: FormPart[] = [];
	let at = req.bytes.indexOf(delimiter);
	if (at < 0) return new Error('multipart body without its boundary');
	for (;;) {
		at += delimiter.length;
		if (req.bytes.subarray(at, at + 2).toString('latin1') === '--') return parts;
		if (req.bytes.subarray(at, at + 2).toString('latin1') !== '\r\n')
			return new Error('malformed multipart boundary line');
		const headerEnd = req.bytes.indexOf('\r\n\r\n', at + 2);
		const next = req.bytes.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
		if (headerEnd < 0 || next < 0)
			return new Error('multipart body ends inside a part (no closing boundary)');
		const headers = req.bytes.subarray(at + 2, headerEnd).toString('utf8');
		const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) return new Error('multipart part without a name');
		const encodedName = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition)?.[1];
		const fileName = encodedName
			? decodeURIComponent(encodedName)
			: /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1].trim();
		parts.push({
			name,
			...(fileName !== undefined ? { fileName } : {}),
			...(contentType ? { contentType } : {}),
			data: req.bytes.subarray(headerEnd + 4, next),
		});
		at = next + 2;
	}
}

export type Handler = (req: Incoming, res: http.ServerResponse) => Promise<void>;

/** Where and how a simulator listens; the defaults are a free loopback port over plain HTTP. */
export interface ListenOptions {
	port?: number;
	host?: string;
	tls?: { key: string | Buffer; cert: string | Buffer };
	/** The body of the 500 answered when the handler throws (a simulator bug), in the vendor's error shape. */
	bugBody?: (message: string) => unknown;
}

/** The one loopback server of the CRM simulators: reads the body, parses JSON, hands it to `handler`. */
export async function listen(
	handler: Handler,
	options: ListenOptions = {},
): Promise<{ baseUrl: string; close(): Promise<void> }> {
	const { port = 0, host = '127.0.0.1', tls } = options;
	const bugBody = options.bugBody ?? ((message: string) => ({ message }));
	const sockets = new Set<Socket>();
	const listener: http.RequestListener = (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const bytes = Buffer.concat(chunks);
			const raw = bytes.toString('utf8');
			let json: unknown;
			try {
				json = raw === '' ? undefined : JSON.parse(raw);
			} catch (error) {
				json = error as Error;
			}
			const incoming: Incoming = {
				method: req.method ?? 'GET',
				url: new URL(req.url ?? '/', 'http://sim'),
				headers: req.headers,
				raw,
				bytes,
				json,
			};
			handler(incoming, res).catch((error: Error) => {
				if (!res.headersSent) send(res, 500, bugBody(`simulator bug: ${error.message}`));
			});
		});
	};
	const server = tls
		? https.createServer({ key: tls.key, cert: tls.cert }, listener)
		: http.createServer(listener);
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const address = server.address() as AddressInfo;
	return {
		baseUrl: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

export function send(
	res: http.ServerResponse,
	status: number,
	body?: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.writableEnded) return;
	if (body === undefined) {
		res.writeHead(status, headers).end();
		return;
	}
	res
		.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
		.end(JSON.stringify(body));
}

/** Answers a scripted fault; true when one applied. */
export function answerFault(
	fault: SimFault | undefined,
	res: http.ServerResponse,
	defaultBody: (status: number) => unknown,
): boolean {
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
