import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmAdapter } from '../../../../lib/crm';
import { createPhoneNormalizer } from '../../../../lib/phone';
import type { Outputs } from '../common';
import { FAILED, REVIEW, DONE, text, withCrm } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Phone',
		name: 'lookupPhone',
		type: 'string',
		default: '={{ $json.customer?.e164 ?? $json.phone }}',
		required: true,
		displayOptions: { show: { operation: ['getByPhone'] } },
		description:
			'Any format; compared with every phone field of the CRM after normalising to E.164',
	},
	{
		displayName: 'Default Country',
		name: 'lookupCountry',
		type: 'string',
		default: '',
		placeholder: 'HK',
		displayOptions: { show: { operation: ['getByPhone'] } },
		description: 'Country for phone numbers written without a country code',
	},
];

/** Every valid number's answer, found or not (`found`); several contacts for one number go to Review. */
export const doneOutput = 'Looked Up';

/** Found contacts go to the first output (with `found: false` when there is none); several go to Review. */
export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const items = fn.getInputData();
	const outputs: Outputs = [[], [], []];
	const country = text(fn, 'lookupCountry', 0)?.toUpperCase();
	const normalize = createPhoneNormalizer({ defaultCountry: country });
	const wanted = new Map<number, string>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const raw = text(fn, 'lookupPhone', itemIndex) ?? '';
		const phone = normalize(raw);
		if (phone.ok) wanted.set(itemIndex, phone.e164);
		else
			outputs[FAILED].push(
				withCrm(
					items[itemIndex],
					{
						system: adapter.crm,
						outcome: 'failed',
						reason: `Phone "${raw}" is not a valid number: ${phone.reason}`,
					},
					itemIndex,
				),
			);
	}
	const found = await adapter.findByPhone([...new Set(wanted.values())], {
		defaultCountry: country,
	});
	for (const [itemIndex, e164] of wanted) {
		const contacts = found.get(e164) ?? [];
		const view = (c: (typeof contacts)[number]) =>
			({
				id: c.id,
				modifiedAt: new Date(c.modifiedAt).toISOString(),
				properties: c.properties,
			}) as IDataObject;
		if (contacts.length > 1) {
			outputs[REVIEW].push(
				withCrm(
					items[itemIndex],
					{
						system: adapter.crm,
						outcome: 'review',
						reason: 'ambiguous',
						e164,
						candidates: contacts.map(view),
					},
					itemIndex,
				),
			);
		} else {
			outputs[DONE].push(
				withCrm(
					items[itemIndex],
					{
						system: adapter.crm,
						found: contacts.length === 1,
						e164,
						...(contacts[0] ? view(contacts[0]) : {}),
					},
					itemIndex,
				),
			);
		}
	}
	return outputs;
}
