/**
 * What every handler shares: the simulation it runs in, a request as handlers see it, an answer,
 * and the body parsers (JSON, form parameters, multipart).
 */
import type { GraphApiSimulatorState } from './state';

/** The state and the behaviour switches a started simulator runs with. */
export interface Simulation {
	state: GraphApiSimulatorState;
	/** Lifetime of media download URLs (Meta: 5 minutes). */
	mediaUrlTtlMs: number;
	verifyCallbacks: boolean;
	overrideRequiresSubscription: boolean;
	defaultPageSize: number;
	tokenInPagingUrls: boolean;
	/** Signs media download links. */
	mediaSecret: Buffer;
}

export interface RequestContext {
	method: string;
	url: URL;
	body: unknown;
	rawBody: Buffer;
	contentType: string;
	token?: string;
	base: string;
}

export type Answer =
	{ status: number; json: unknown } | { status: number; raw: Buffer; contentType: string };

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseBody(raw: Buffer, contentType: string): unknown {
	if (raw.length === 0 || contentType.startsWith('multipart/')) return undefined;
	if (contentType.includes('application/x-www-form-urlencoded')) {
		// Graph also takes form parameters; JSON-looking values are objects there too.
		const out: Record<string, unknown> = {};
		for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
			out[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
		}
		return out;
	}
	return JSON.parse(raw.toString('utf8'));
}

export function safeJson(raw: Buffer, contentType: string): unknown {
	try {
		return parseBody(raw, contentType);
	} catch {
		return undefined;
	}
}

export function parseMultipart(
	body: Buffer,
	boundary: string,
): Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> {
	const parts: Array<{ name?: string; filename?: string; contentType?: string; data: Buffer }> = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let position = body.indexOf(delimiter);
	while (position !== -1) {
		const start = position + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const next = body.indexOf(delimiter, start);
		if (next === -1) break;
		const part = body.subarray(start + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			parts.push({
				name: /name="([^"]*)"/i.exec(headers)?.[1],
				filename: /filename="([^"]*)"/i.exec(headers)?.[1],
				contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(),
				data: part.subarray(headerEnd + 4),
			});
		}
		position = next;
	}
	return parts;
}
