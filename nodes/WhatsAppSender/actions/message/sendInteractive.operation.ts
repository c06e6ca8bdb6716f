import type { INodeProperties } from 'n8n-workflow';

import { buttonsMessage, listMessage } from '../../../../lib/sender';
import type { Build } from './common';
import { sessionRequest, showFor } from './common';
import { sendMessages } from './sendMessages';

export const option = {
	name: 'Send Buttons or List',
	value: 'sendInteractive',
	action: 'Send reply buttons or a list',
	description: 'Interactive message within the service window',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'interactiveKind',
		type: 'options',
		default: 'buttons',
		displayOptions: showFor('sendInteractive'),
		options: [
			{ name: 'Reply Buttons (up to 3)', value: 'buttons' },
			{ name: 'List (up to 10 Rows)', value: 'list' },
		],
	},
	{
		displayName: 'Body',
		name: 'interactiveBody',
		type: 'string',
		default: '',
		required: true,
		displayOptions: showFor('sendInteractive'),
	},
	{
		displayName: 'Footer',
		name: 'interactiveFooter',
		type: 'string',
		default: '',
		displayOptions: { show: { operation: ['sendInteractive'], interactiveKind: ['buttons'] } },
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: { show: { operation: ['sendInteractive'], interactiveKind: ['buttons'] } },
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description: 'Comes back in the reply as reply.ID',
					},
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Up to 20 characters',
					},
				],
			},
		],
	},
	{
		displayName: 'Button Text',
		name: 'listButton',
		type: 'string',
		default: 'Choose',
		displayOptions: { show: { operation: ['sendInteractive'], interactiveKind: ['list'] } },
	},
	{
		displayName: 'Rows',
		name: 'rows',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: { show: { operation: ['sendInteractive'], interactiveKind: ['list'] } },
		options: [
			{
				displayName: 'Row',
				name: 'row',
				values: [
					{ displayName: 'Section', name: 'section', type: 'string', default: '' },
					{ displayName: 'ID', name: 'id', type: 'string', default: '' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '' },
					{ displayName: 'Description', name: 'description', type: 'string', default: '' },
				],
			},
		],
	},
];

export const build: Build = async ({ fn, itemIndex, envelope }) => {
	const body = fn.getNodeParameter('interactiveBody', itemIndex) as string;
	if (fn.getNodeParameter('interactiveKind', itemIndex) === 'buttons') {
		const buttons =
			(fn.getNodeParameter('buttons.button', itemIndex, []) as Array<{
				id: string;
				title: string;
			}>) ?? [];
		const footer = (fn.getNodeParameter('interactiveFooter', itemIndex, '') as string) || undefined;
		return {
			message: buttonsMessage(envelope, body, buttons, footer),
			request: sessionRequest(fn, itemIndex),
		};
	}
	const rows = fn.getNodeParameter('rows.row', itemIndex, []) as Array<{
		section: string;
		id: string;
		title: string;
		description: string;
	}>;
	const sections: Array<{
		title?: string;
		rows: Array<{ id: string; title: string; description?: string }>;
	}> = [];
	for (const row of rows) {
		let section = sections.find((candidate) => candidate.title === (row.section || undefined));
		if (!section) sections.push((section = { title: row.section || undefined, rows: [] }));
		section.rows.push({
			id: row.id,
			title: row.title,
			...(row.description ? { description: row.description } : {}),
		});
	}
	return {
		message: listMessage(
			envelope,
			body,
			fn.getNodeParameter('listButton', itemIndex) as string,
			sections,
		),
		request: sessionRequest(fn, itemIndex),
	};
};

export const execute = sendMessages(build);
