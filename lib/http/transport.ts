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

	/**
	 * @param detail the low-level error message, read only to tell a TLS handshake failure (EPROTO
	 * "wrong version number", "handshake failure") from an error after the request went out.
	 */
	constructor(
		request: Pick<HttpRequest, 'method' | 'url'>,
		readonly code?: string,
		detail?: string,
	) {
		// The path only: a query string could carry a secret.
		super(`${request.method} ${new URL(request.url).pathname} failed: ${code ?? 'network error'}`);
		this.name = 'TransportError';
		this.sent = !neverLeft(code, detail);
	}
}

/**
 * Connection failures before the request could be written: no socket (refused, unreachable, no
 * address), no address for the name (DNS), or a TLS handshake that failed (the request is written
 * only once the handshake is done). A timeout, a reset or a hang-up may come after the server
 * acted on the request, so they are not here. Codes as Node reports them
 * (https://nodejs.org/api/errors.html#common-system-errors, https://nodejs.org/api/tls.html,
 * OpenSSL's X509_V_ERR_* names for certificate checks).
 */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTDOWN',
	'EADDRNOTAVAIL',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EAI_FAIL',
	'EAI_NONAME',
	'EAI_NODATA',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'ERR_TLS_HANDSHAKE_TIMEOUT',
	'ERR_SSL_WRONG_VERSION_NUMBER',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'CERT_SIGNATURE_FAILURE',
	'CERT_NOT_YET_VALID',
	'CERT_HAS_EXPIRED',
	'CERT_REVOKED',
	'CERT_UNTRUSTED',
	'CERT_REJECTED',
	'INVALID_CA',
	'INVALID_PURPOSE',
	'HOSTNAME_MISMATCH',
]);
/** OpenSSL's words for a handshake that failed; later TLS errors do not use them. */
const HANDSHAKE_FAILURE =
	/wrong version number|handshake failure|unsupported protocol|no protocols available|sslv3 alert/i;

/** Whether a transport error code (and message) means the request never left this host. */
export function neverLeft(code: string | undefined, detail?: string): boolean {
	if (code === undefined) return false;
	if (NOT_SENT_CODES.has(code)) return true;
	return (
		code === 'EPROTO' && typeof detail === 'string' && HANDSHAKE_FAILURE.test(detail.slice(0, 500))
	);
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
			const { code, message } = error as { code?: unknown; message?: unknown };
			throw new TransportError(
				request,
				typeof code === 'string' ? code : undefined,
				typeof message === 'string' ? message : undefined,
			);
		}
	};
}
