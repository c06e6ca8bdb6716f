import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { credentialChosen } from '../../shared/editorCredential';
import { graphClient, WHATSAPP_CREDENTIAL, whatsAppCredential } from '../../shared/graph';
import { graphNodeError } from '../../shared/loadOptions';

export async function getTemplates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	if (!credentialChosen(this, WHATSAPP_CREDENTIAL)) return [];
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
