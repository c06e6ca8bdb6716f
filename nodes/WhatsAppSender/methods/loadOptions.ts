import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { credentialChosen, heldChoices } from '../../shared/editorCredential';
import { WHATSAPP_CREDENTIAL } from '../../shared/credentialNames';
import { graphClient, whatsAppCredential } from '../../shared/graph';
import { graphNodeError } from '../../shared/graphNodeError';

export async function getTemplates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	if (!credentialChosen(this, WHATSAPP_CREDENTIAL))
		return heldChoices(
			this,
			'Set up a WhatsApp SCRM credential to list your templates',
			'template',
		);
	const credential = await whatsAppCredential(this);
	try {
		const templates = await graphClient(this, credential).listTemplates(credential.wabaId, {
			status: 'APPROVED',
		});
		return templates
			.map((template) => ({
				name: `${template.name} (${template.language}, ${template.category.toLowerCase()})`,
				value: `${template.name}::${template.language}`,
			}))
			.sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		throw graphNodeError(this, error);
	}
}

export { getPhoneNumbers } from '../../shared/loadOptions';
