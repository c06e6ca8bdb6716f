import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmAdapter } from '../../../../lib/crm';
import { defaultCountryOption } from '../../../shared/phone';
import { contactByPhone } from '../contactByPhone';
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
	// The shared Default Country under the name this operation has always stored it as.
	{
		...defaultCountryOption(),
		name: 'lookupCountry',
		displayOptions: { show: { operation: ['getByPhone'] } },
	},
];

/** Every valid number's answer, found or not (`found`); several contacts for one number go to Review. */
export const doneOutput = 'Looked Up';

/** Found contacts go to the first output (with `found: false` when there is none); several go to Review. */
export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const items = fn.getInputData();
	const outputs: Outputs = [[], [], []];
	const phones = contactByPhone(fn, adapter, text(fn, 'lookupCountry', 0));
	const wanted = new Map<number, string>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const phone = phones.read('lookupPhone', itemIndex);
		if (phone.ok) wanted.set(itemIndex, phone.e164);
		else
			outputs[FAILED].push(
				withCrm(
					items[itemIndex],
					{ system: adapter.crm, outcome: 'failed', reason: phone.reason },
					itemIndex,
				),
			);
	}
	const contactsOf = await phones.find(wanted.values());
	for (const [itemIndex, e164] of wanted) {
		const contacts = contactsOf(e164);
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
