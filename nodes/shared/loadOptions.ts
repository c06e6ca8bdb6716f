import type { ILoadOptionsFunctions, INodePropertyOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { GraphApiError } from '../../lib/whatsapp/errors';
import { credentialChosen, heldChoices } from './editorCredential';
import { graphClient, WHATSAPP_CREDENTIAL, whatsAppCredential } from './graph';

/** The WABA's business phone numbers, for every node that picks one. */
export async function getPhoneNumbers(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	if (!credentialChosen(this, WHATSAPP_CREDENTIAL))
		return heldChoices(
			this,
			'Set up a WhatsApp SCRM credential to list your numbers',
			'phoneNumberId',
			'phoneNumberIds',
		);
	const credential = await whatsAppCredential(this);
	try {
		const numbers = await graphClient(this, credential).listPhoneNumbers(credential.wabaId);
		return numbers.map((number) => ({
			name: `${number.displayPhoneNumber ?? number.id}${number.verifiedName ? ` (${number.verifiedName})` : ''}`,
			value: number.id,
		}));
	} catch (error) {
		throw graphNodeError(this, error);
	}
}

/** A Graph API failure as n8n shows it: Meta's meaning first, the trace id for Meta's support. */
export function graphNodeError(
	context: { getNode: ILoadOptionsFunctions['getNode'] },
	error: unknown,
): NodeApiError {
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
