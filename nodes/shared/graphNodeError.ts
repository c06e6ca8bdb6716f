import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { GraphApiError } from '../../lib/whatsapp/errors';

/** A Graph API failure as n8n shows it: Meta's meaning first, the trace id for Meta's support. */
export function graphNodeError(context: { getNode(): INode }, error: unknown): NodeApiError {
	if (error instanceof GraphApiError) {
		return new NodeApiError(
			context.getNode(),
			{ message: error.message, code: error.code } as JsonObject,
			{
				message: error.title,
				description: `${error.message}${error.fbtraceId ? ` (fbtrace_id ${error.fbtraceId})` : ''}`,
				httpCode: String(error.httpStatus),
			},
		);
	}
	return new NodeApiError(context.getNode(), {
		message: (error as Error).message ?? String(error),
	} as JsonObject);
}
