import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { HttpResponse, HttpTransport } from '../../lib/http/transport';
import { TransportError } from '../../lib/http/transport';

type RequestContext =
	IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

/**
 * The engine's HTTP transport inside n8n: n8n adds the credential's authentication, applies its proxy
 * settings and keeps the secret out of the workflow. Every HTTP status resolves; the engine reads it.
 */
export function n8nTransport(context: RequestContext, credentialType: string): HttpTransport {
	return async (request): Promise<HttpResponse> => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			qs: request.qs,
			body: request.body as IDataObject | Buffer | string | undefined,
			json: !(typeof request.body === 'string' || Buffer.isBuffer(request.body)),
			timeout: request.timeoutMs,
			encoding: request.responseType === 'arraybuffer' ? 'arraybuffer' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				credentialType,
				options,
			)) as IN8nHttpFullResponse;
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(response.headers ?? {})) {
				if (value !== undefined) headers[name.toLowerCase()] = String(value);
			}
			return { status: response.statusCode, headers, body: response.body };
		} catch (error) {
			const { code, detail } = lowLevelError(error);
			// The engine needs to know whether the request may have gone out (never re-send blindly);
			// each node turns engine errors into NodeApiError at its own boundary.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw new TransportError(request, code, detail);
		}
	};
}

/** A Node error code ("ECONNREFUSED", "CERT_HAS_EXPIRED"), never an HTTP status ("401"). */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/**
 * The Node error code and message behind what httpRequestWithAuthentication threw. n8n wraps the
 * axios error in a NodeApiError whose `cause` it does not keep (n8n-workflow's ExecutionBaseError
 * declares `cause` as a class field, which resets what Error's constructor set): the code is in
 * `httpCode` (found among the axios error's `code`-like keys) and the original message in
 * `messages`. Checked against n8n 2.23.4 with a real refused port, an unknown host and a
 * self-signed certificate (test/e2e/sender.e2e.test.ts). Plain errors (n8n 1.x, other helpers)
 * keep `code` or `cause.code`.
 */
function lowLevelError(error: unknown): { code?: string; detail?: string } {
	if (typeof error !== 'object' || error === null) return {};
	const err = error as {
		code?: unknown;
		cause?: { code?: unknown; message?: unknown } | null;
		httpCode?: unknown;
		errorResponse?: { code?: unknown } | null;
		messages?: unknown;
		message?: unknown;
	};
	const candidates = [
		err.code,
		typeof err.cause === 'object' && err.cause !== null ? err.cause.code : undefined,
		err.httpCode,
		typeof err.errorResponse === 'object' && err.errorResponse !== null
			? err.errorResponse.code
			: undefined,
	];
	const code = candidates.find(
		(value): value is string => typeof value === 'string' && ERROR_CODE.test(value),
	);
	const messages = Array.isArray(err.messages) ? (err.messages as unknown[]) : [];
	const detail = [
		...messages,
		typeof err.cause === 'object' && err.cause !== null ? err.cause.message : undefined,
		err.message,
	].find((value): value is string => typeof value === 'string' && value !== '');
	return { code, detail };
}
