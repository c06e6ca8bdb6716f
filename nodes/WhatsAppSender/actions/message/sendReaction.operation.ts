import type { INodeProperties } from 'n8n-workflow';

import { reactionMessage } from '../../../../lib/sender';
import type { Build } from './common';
import { showFor } from './common';
import { sendMessages } from './sendMessages';

export const option = {
	name: 'React',
	value: 'sendReaction',
	action: 'React to a message',
	description: "React with an emoji to a customer's message",
};

export const description: INodeProperties[] = [
	{
		displayName: 'Message ID',
		name: 'reactToMessageId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: showFor('sendReaction'),
		description: "The customer's message (wamid) to react to",
	},
	{
		displayName: 'Emoji',
		name: 'emoji',
		type: 'string',
		default: '👍',
		displayOptions: showFor('sendReaction'),
		description: 'Empty removes the reaction',
	},
];

export const build: Build = async ({ fn, itemIndex, envelope }) => ({
	message: reactionMessage(
		envelope,
		fn.getNodeParameter('reactToMessageId', itemIndex) as string,
		fn.getNodeParameter('emoji', itemIndex, '') as string,
	),
	request: { category: 'service', freeForm: true },
});

export const execute = sendMessages(build);
