/**
 * The engine never performs HTTP itself: callers hand it a transport.
 * Inside n8n that is `this.helpers.httpRequestWithAuthentication` (see nodes/shared/transport.ts);
 * outside n8n it is `axiosTransport` below. A transport resolves for every HTTP status and
 * rejects only when no response arrived (network error, timeout).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
	method: HttpMethod;
	url: string;
	headers?: Record<string, string>;
	qs?: Record<string, string | number | boolean>;
	/** Sent as JSON unless it is a string or Buffer. */
	body?: unknown;
	timeoutMs?: number;
	/** `arraybuffer` for binary downloads (media): the response body is then a Buffer. */
	responseType?: 'json' | 'arraybuffer';
}

export interface HttpResponse<T = unknown> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Raised by a transport when no HTTP response arrived; `sent` tells whether the request may have reached the server. */
export class TransportError extends Error {
	readonly sent: boolean;

	constructor(
		request: Pick<HttpRequest, 'method' | 'url'>,
		readonly code?: string,
	) {
		// The path only: a query string could carry a secret.
		super(`${request.method} ${new URL(request.url).pathname} failed: ${code ?? 'network error'}`);
		this.name = 'TransportError';
		// A refused connection or a failed DNS lookup happens before anything is sent; a timeout
		// or a reset may come after the server acted on the request.
		this.sent = !(code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN');
	}
}

export interface AxiosTransportOptions {
	/** Sent as `Authorization: Bearer …`; never logged or echoed in errors. */
	bearerToken?: string;
	timeoutMs?: number;
}

/** A transport for library use outside n8n (scripts, benchmarks, the Code node). */
export function axiosTransport(options: AxiosTransportOptions = {}): HttpTransport {
	// Loaded lazily so that nodes running inside n8n never pay for it.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const axios = require('axios') as typeof import('axios').default;
	return async (request) => {
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		if (options.bearerToken) headers.Authorization = `Bearer ${options.bearerToken}`;
		try {
			const response = await axios.request({
				method: request.method,
				url: request.url,
				params: request.qs,
				data: request.body,
				headers,
				timeout: request.timeoutMs ?? options.timeoutMs ?? 30_000,
				validateStatus: () => true,
				responseType: request.responseType ?? 'json',
			});
			const flatHeaders: Record<string, string> = {};
			for (const [name, value] of Object.entries(response.headers ?? {})) {
				if (value !== undefined && value !== null) flatHeaders[name.toLowerCase()] = String(value);
			}
			const body =
				request.responseType === 'arraybuffer'
					? Buffer.from(response.data as ArrayBuffer)
					: response.data;
			return { status: response.status, headers: flatHeaders, body };
		} catch (error) {
			throw new TransportError(request, (error as { code?: string }).code);
		}
	};
}
