import type { FieldType, ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { CrmField } from '../../../lib/crm';
import { crmAdapter, crmNodeError } from '../transport/adapter';

const TYPE_OF: Record<CrmField['type'], FieldType> = {
	string: 'string',
	number: 'number',
	boolean: 'boolean',
	dateTime: 'dateTime',
	options: 'options',
	array: 'array',
};

/** The CRM's contact fields, standard and custom, for the visual field mapping. */
export async function getContactFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	let fields: CrmField[];
	let filledByNode: Set<string>;
	try {
		const adapter = await crmAdapter(this);
		fields = await adapter.describeFields();
		// Names, phones, email and the WhatsApp fields come from the node's own parameters.
		filledByNode = new Set(
			Object.values(adapter.fieldNames).filter((name): name is string => Boolean(name)),
		);
	} catch (error) {
		const wrapped = crmNodeError(this, error);
		throw wrapped instanceof NodeApiError
			? wrapped
			: new NodeApiError(this.getNode(), {}, { message: (error as Error).message });
	}
	return {
		fields: fields
			.filter((field) => !field.readOnly)
			.sort(
				(a, b) =>
					Number(Boolean(b.required)) - Number(Boolean(a.required)) ||
					a.label.localeCompare(b.label),
			)
			.map((field) => ({
				id: field.name,
				displayName: field.custom ? `${field.label} (custom)` : field.label,
				required: Boolean(field.required) && !filledByNode.has(field.name),
				defaultMatch: false,
				canBeUsedToMatch: Boolean(field.unique),
				display: true,
				type: TYPE_OF[field.type] ?? 'string',
				...(field.options ? { options: field.options } : {}),
			})),
	};
}
