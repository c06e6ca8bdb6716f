import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MessageCategory, ReserveRequest } from '../../../../lib/sender/send';
import type { GraphClient, OutboundMessage } from '../../../../lib/whatsapp/graphClient';
import type { Envelope } from '../../../../lib/whatsapp/messages';

/** What an operation makes of one item: the message, and how the quota guard should see it. */
export interface Built {
	message: OutboundMessage;
	request: Omit<ReserveRequest, 'phoneNumberId' | 'to'>;
}

export interface OperationContext {
	fn: IExecuteFunctions;
	itemIndex: number;
	envelope: Envelope;
	client: GraphClient;
	wabaId: string;
}

export type Build = (context: OperationContext) => Promise<Built>;

export const showFor = (operation: string) => ({ show: { operation: [operation] } });

/** Free-form messages may go only inside the customer-service window; the guard checks it. */
export function sessionRequest(fn: IExecuteFunctions, itemIndex: number): Built['request'] {
	return {
		category: fn.getNodeParameter('category', itemIndex, 'service') as MessageCategory,
		freeForm: true,
	};
}

export const categoryProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Category',
	name: 'category',
	type: 'options',
	default: 'service',
	displayOptions: { show: { operation: operations } },
	description:
		'How the quota guard counts this message: marketing is capped per customer and kept out of quiet hours',
	options: [
		{ name: 'Service (Reply to the Customer)', value: 'service' },
		{ name: 'Utility', value: 'utility' },
		{ name: 'Marketing', value: 'marketing' },
	],
});
