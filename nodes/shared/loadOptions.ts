import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { WHATSAPP_CREDENTIAL } from './credentialNames';
import { credentialChosen, heldChoices } from './editorCredential';
import { graphClient, whatsAppCredential } from './graph';
import { graphNodeError } from './graphNodeError';

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
