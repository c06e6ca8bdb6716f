import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { relativeTime } from '../../../../lib/sender/relativeTime';
import type { MessageCategory } from '../../../../lib/sender/send';
import type { GraphClient, MessageTemplate } from '../../../../lib/whatsapp/graphClient';
import type { TemplateValues } from '../../../../lib/whatsapp/messages';
import { MessageInputError, templateMessage } from '../../../../lib/whatsapp/messages';
import type { Build } from './common';
import { showFor } from './common';

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

/**
 * Meta paused (quality dropped) or disabled the template: a send would come back 132015 / 132016,
 * so the item is deferred before any request. Meta's `message_template_status_update` webhook
 * (the trigger's template events) announces it; the template list the Sender reads says it.
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing-and-pausing
 */
export class TemplateUnavailableError extends Error {
	constructor(
		readonly template: string,
		readonly status: string,
	) {
		super(
			status === 'PAUSED'
				? `Template "${template}" is paused by Meta (its quality dropped): nothing was sent. Meta lifts a first pause after 3 hours, a second after 6; edit the template or send another meanwhile.`
				: `Template "${template}" is disabled by Meta: nothing was sent. Edit it and submit it again, or send another template.`,
		);
		this.name = 'TemplateUnavailableError';
	}
}

const BLOCKED_STATUSES = new Set(['PAUSED', 'DISABLED']);

/** Templates are read once per execution, not once per item. */
const templateCache = new WeakMap<IExecuteFunctions, Promise<MessageTemplate[]>>();

export async function findTemplate(
	fn: IExecuteFunctions,
	client: GraphClient,
	wabaId: string,
	key: string,
): Promise<MessageTemplate> {
	let templates = templateCache.get(fn);
	if (!templates) {
		// Every status: a paused or disabled template is deferred with the reason, not "not found".
		templates = client.listTemplates(wabaId);
		templateCache.set(fn, templates);
	}
	const [name, language] = key.split('::');
	const named = (await templates).filter(
		(candidate) => candidate.name === name && (!language || candidate.language === language),
	);
	const template = named.find((candidate) => candidate.status === 'APPROVED');
	const blocked = named.find((candidate) => BLOCKED_STATUSES.has(candidate.status));
	if (!template && blocked)
		throw new TemplateUnavailableError(`${blocked.name}::${blocked.language}`, blocked.status);
	if (!template)
		throw new MessageInputError(
			`No approved template "${name}"${language ? ` in ${language}` : ''} in this WhatsApp Business Account`,
		);
	return template;
}

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

export const build: Build = async ({ fn, itemIndex, envelope, client, wabaId }) => {
	const template = await findTemplate(
		fn,
		client,
		wabaId,
		fn.getNodeParameter('template', itemIndex) as string,
	);
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
