import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmAdapter, CrmContact } from '../../../../lib/crm';
import type { Outputs } from '../common';
import { DONE } from '../common';

const show = { show: { operation: ['getMany'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { operation: ['getMany'], returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Extra Fields',
		name: 'extraFields',
		type: 'string',
		default: '',
		placeholder: 'city, zip',
		displayOptions: show,
		description:
			'CRM fields to read besides names, phones, email and the WhatsApp fields, separated by commas',
	},
];

export const doneOutput = 'Contacts';

/** Every contact (or the first Limit), one item each: the export step of a nightly dedup. */
export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const returnAll = fn.getNodeParameter('returnAll', 0, false) as boolean;
	const limit = returnAll ? Infinity : (fn.getNodeParameter('limit', 0, 50) as number);
	const properties = String(fn.getNodeParameter('extraFields', 0, '') ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	const outputs: Outputs = [[], [], []];
	let after: string | undefined;
	do {
		const page = await adapter.listContacts({
			after,
			limit: Math.min(limit - outputs[DONE].length, 100),
			properties,
		});
		for (const contact of page.contacts) {
			if (outputs[DONE].length >= limit) break;
			outputs[DONE].push({ json: view(adapter, contact), pairedItem: { item: 0 } });
		}
		after = page.after;
	} while (after && outputs[DONE].length < limit);
	return outputs;
}

/** A contact with the canonical fields Contact Dedup reads (id, name, phones, email, userId, updatedAt) and the CRM's own. */
function view(adapter: CrmAdapter, contact: CrmContact): IDataObject {
	const names = adapter.fieldNames;
	const get = (field?: string) => (field ? contact.properties[field] : undefined);
	const name = [get(names.firstName), get(names.lastName)]
		.filter((part) => typeof part === 'string' && part.trim())
		.join(' ');
	return {
		id: contact.id,
		name: name || undefined,
		phones: contact.phones.map((phone) => phone.value),
		email: (get(names.email) as string | undefined) || undefined,
		userId: (get(names.whatsappUserId) as string | undefined) || undefined,
		updatedAt: new Date(contact.modifiedAt).toISOString(),
		system: adapter.crm,
		properties: contact.properties as IDataObject,
	};
}
