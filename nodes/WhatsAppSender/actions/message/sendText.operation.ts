import type { INodeProperties } from 'n8n-workflow';

import { textMessage } from '../../../../lib/sender';
import type { Build } from './common';
import { sessionRequest, showFor } from './common';
import { sendMessages } from './sendMessages';

export const option = {
	name: 'Send Text',
	value: 'sendText',
	action: 'Send a text message',
	description: 'Free-form text within the 24-hour service window',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: showFor('sendText'),
		description: 'Up to 4,096 characters; only inside the 24-hour customer-service window',
	},
	{
		displayName: 'Show Link Preview',
		name: 'previewUrl',
		type: 'boolean',
		default: false,
		displayOptions: showFor('sendText'),
		description: 'Whether WhatsApp shows a preview of the first link in the text',
	},
];

export const build: Build = async ({ fn, itemIndex, envelope }) => ({
	message: textMessage(
		envelope,
		fn.getNodeParameter('text', itemIndex) as string,
		fn.getNodeParameter('previewUrl', itemIndex, false) as boolean,
	),
	request: sessionRequest(fn, itemIndex),
});

export const execute = sendMessages(build);
