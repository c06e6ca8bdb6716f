import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { markMessageRead, settle } from '../../../../lib/sender';
import type { ItemReport } from '../../../../lib/sender';
import { graphClient, whatsAppCredential } from '../../../shared/graph';
import { showFor, toOutputs, unexpectedError } from './common';

/** Mark as Read messages no one: no customer, no options, no quota guard. */
export const option = {
	name: 'Mark as Read',
	value: 'markRead',
	action: 'Mark a message as read',
	description: "Show the customer's message as read (blue ticks)",
};

export const description: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'readMessageId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: showFor('markRead'),
		description: "The customer's message (wamid) to mark as read",
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const client = graphClient(this, await whatsAppCredential(this));
	const unexpected = unexpectedError(this);
	const reports: ItemReport[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++)
		reports.push(
			await settle(
				itemIndex,
				async () =>
					await markMessageRead(
						client,
						this.getNodeParameter('phoneNumberId', itemIndex) as string,
						this.getNodeParameter('readMessageId', itemIndex) as string,
					),
				unexpected,
			),
		);
	return toOutputs(items, reports);
}
