import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmAdapter } from '../../../../lib/crm';
import type { Outputs } from '../common';
import { FAILED, DONE, text, withCrm } from '../common';

const show = { show: { operation: ['merge'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Surviving Contact ID',
		name: 'survivorId',
		type: 'string',
		default: '={{ $json.survivorId }}',
		required: true,
		displayOptions: show,
		description: "The contact that stays, e.g. from Contact Dedup's Merge Map output",
	},
	{
		displayName: 'Merged Contact ID',
		name: 'absorbedId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: show,
		description:
			"The duplicate merged into it, with the CRM's own merge (its activities and associations move over)",
	},
];

export const doneOutput = 'Merged';

export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const items = fn.getInputData();
	const outputs: Outputs = [[], [], []];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const survivorId = text(fn, 'survivorId', itemIndex);
		const absorbedId = text(fn, 'absorbedId', itemIndex);
		if (!survivorId || !absorbedId || survivorId === absorbedId) {
			const reason =
				!survivorId || !absorbedId
					? 'Both contact IDs are needed to merge'
					: 'A contact cannot be merged into itself';
			outputs[FAILED].push(
				withCrm(items[itemIndex], { system: adapter.crm, outcome: 'failed', reason }, itemIndex),
			);
			continue;
		}
		const result = await adapter.merge(survivorId, [absorbedId]);
		const merged = result.merged[0];
		if (merged?.ok)
			outputs[DONE].push(
				withCrm(
					items[itemIndex],
					{ system: adapter.crm, outcome: 'merged', id: result.survivorId, mergedId: absorbedId },
					itemIndex,
				),
			);
		else {
			const reason =
				merged && !merged.ok ? merged.error.message : 'The CRM did not report the merge';
			outputs[FAILED].push(
				withCrm(
					items[itemIndex],
					{ system: adapter.crm, outcome: 'failed', mergedId: absorbedId, reason },
					itemIndex,
				),
			);
		}
	}
	return outputs;
}
