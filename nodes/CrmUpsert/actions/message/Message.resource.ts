import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as attachMedia from './attachMedia.operation';
import * as logMessage from './log.operation';

/** The WhatsApp Message resource: its operations as the panel offers them, then each operation's fields. */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'logMessage',
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Attach Media',
				value: 'attachMedia',
				action: 'Attach a WhatsApp media file to a contact',
				description:
					'Download a message’s photo or document and attach it to the contact, once per message ID; images over the size limit are shrunk',
			},
			{
				name: 'Log Message',
				value: 'logMessage',
				action: 'Log a WhatsApp message',
				description: "Put a message on the contact's timeline, once per message ID",
			},
		],
	},
	...logMessage.description,
	...attachMedia.description,
];

export const operations: Record<string, Operation> = { logMessage, attachMedia };
