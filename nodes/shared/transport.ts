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
			const err = error as { code?: string; cause?: { code?: string } };
			// The engine needs to know whether the request may have gone out (never re-send blindly);
			// each node turns engine errors into NodeApiError at its own boundary.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			throw new TransportError(request, err.code ?? err.cause?.code);
		}
	};
}
