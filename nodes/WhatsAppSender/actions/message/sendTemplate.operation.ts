import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { relativeTime, templateMessage } from '../../../../lib/sender';
import type { MessageCategory, TemplateValues } from '../../../../lib/sender';
import type { Build } from './common';
import { showFor } from './common';
import { sendMessages } from './sendMessages';

const parameterValues = (
	name: string,
	displayName: string,
	description: string,
): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	displayOptions: showFor('sendTemplate'),
	description,
	options: [
		{
			displayName: 'Parameter',
			name: 'parameter',
			values: [
				{
					displayName: 'Placeholder Name',
					name: 'name',
					type: 'string',
					default: '',
					// Said at the field, not only in a tooltip: an empty name is not a missing one.
					placeholder: 'Empty for {{1}}, {{2}} … in order',
					hint: 'A named template ({{customer_name}}) takes the placeholder name; positional ones ({{1}}, {{2}} …) leave it empty and are filled in the order listed',
				},
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				{
					displayName: 'Render as Relative Time',
					name: 'relative',
					type: 'boolean',
					default: false,
					description:
						'Whether the value is a date to show as "3 days ago" in the template\'s language (3天前, 3 дня назад …)',
				},
			],
		},
	],
});

export const option = {
	name: 'Send Template',
	value: 'sendTemplate',
	action: 'Send a template',
	description: 'An approved template: the only kind allowed outside the service window',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Template Name or ID',
		name: 'template',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTemplates' },
		default: '',
		required: true,
		displayOptions: showFor('sendTemplate'),
		description:
			'An approved template of the WhatsApp Business Account, in one language. Choose from the list, or specify "name::language" using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	parameterValues(
		'headerParameters',
		'Header Parameters',
		'Values for the placeholders of a text header',
	),
	{
		displayName: 'Header Media Link or ID',
		name: 'headerMedia',
		type: 'string',
		default: '',
		displayOptions: showFor('sendTemplate'),
		description: 'For an image, video or document header: a public HTTPS link, or a media ID',
	},
	parameterValues(
		'bodyParameters',
		'Body Parameters',
		'Values for the placeholders of the body; the count is checked before sending',
	),
	{
		displayName: 'Button Parameters',
		name: 'buttonParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: showFor('sendTemplate'),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Button Position',
						name: 'position',
						type: 'number',
						default: 1,
						typeOptions: { minValue: 1 },
					},
					{
						displayName: 'Link Value',
						name: 'text',
						type: 'string',
						default: '',
						description: 'For a URL button with a placeholder',
					},
					{ displayName: 'Quick Reply Payload', name: 'payload', type: 'string', default: '' },
				],
			},
		],
	},
];

function values(
	fn: IExecuteFunctions,
	itemIndex: number,
	name: string,
	language: string,
): TemplateValues | undefined {
	const entries = fn.getNodeParameter(`${name}.parameter`, itemIndex, []) as Array<{
		name: string;
		value: string;
		relative: boolean;
	}>;
	if (entries.length === 0) return undefined;
	const rendered = entries.map((entry) =>
		entry.relative ? relativeTime(entry.value, language) : entry.value,
	);
	if (entries.some((entry) => entry.name))
		return Object.fromEntries(entries.map((entry, i) => [entry.name, rendered[i]]));
	return rendered;
}

export const build: Build = async ({ fn, itemIndex, envelope, findTemplate }) => {
	const template = await findTemplate(fn.getNodeParameter('template', itemIndex) as string);
	const media = fn.getNodeParameter('headerMedia', itemIndex, '') as string;
	const buttons = fn.getNodeParameter('buttonParameters.button', itemIndex, []) as Array<{
		position: number;
		text: string;
		payload: string;
	}>;
	const message = templateMessage(envelope, {
		template,
		header: {
			text: values(fn, itemIndex, 'headerParameters', template.language),
			media: media ? (/^https?:\/\//.test(media) ? { link: media } : { id: media }) : undefined,
		},
		body: values(fn, itemIndex, 'bodyParameters', template.language),
		buttons: buttons.map((button) => ({
			index: button.position - 1,
			text: button.text || undefined,
			payload: button.payload || undefined,
		})),
	});
	return {
		message,
		request: {
			category: (template.category || 'marketing').toLowerCase() as MessageCategory,
			template: template.name,
		},
	};
};

export const execute = sendMessages(build);
