import type {
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { route } from './actions/router';
import * as sendInteractive from './actions/message/sendInteractive.operation';
import * as sendMedia from './actions/message/sendMedia.operation';
import * as sendReaction from './actions/message/sendReaction.operation';
import * as sendTemplate from './actions/message/sendTemplate.operation';
import * as sendText from './actions/message/sendText.operation';
import { categoryProperty } from './actions/message/common';
import { getPhoneNumbers, getTemplates } from './methods/loadOptions';
import { credentialShownWhile } from '../shared/editorCredential';
import { WHATSAPP_CREDENTIAL } from '../shared/graph';
import { REDIS_CREDENTIAL, redisConnectionTest } from '../shared/redis';
import { guardProperties, quotaGuard } from './transport/guard';
import { defaultCountryOption } from '../shared/phone';
import { choiceSubtitle } from '../shared/subtitle';

/** What the Sender does; the canvas subtitle names the choice as this list labels it. */
const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'sendTemplate',
	displayOptions: { show: { resource: ['message'] } },
	options: [
		{
			name: 'Mark as Read',
			value: 'markRead',
			action: 'Mark a message as read',
			description: "Show the customer's message as read (blue ticks)",
		},
		{
			name: 'React',
			value: 'sendReaction',
			action: 'React to a message',
			description: "React with an emoji to a customer's message",
		},
		{
			name: 'Send Buttons or List',
			value: 'sendInteractive',
			action: 'Send reply buttons or a list',
			description: 'Interactive message within the service window',
		},
		{
			name: 'Send Media',
			value: 'sendMedia',
			action: 'Send media',
			description: 'Image, video, audio, document or sticker within the service window',
		},
		{
			name: 'Send Template',
			value: 'sendTemplate',
			action: 'Send a template',
			description: 'An approved template: the only kind allowed outside the service window',
		},
		{
			name: 'Send Text',
			value: 'sendText',
			action: 'Send a text message',
			description: 'Free-form text within the 24-hour service window',
		},
	],
};

/** Every operation but Mark as Read sends a message, through the quota guard. */
const SENDING_OPERATIONS = (operationProperty.options as INodePropertyOptions[])
	.map((option) => String(option.value))
	.filter((value) => value !== 'markRead');

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'message',
		options: [{ name: 'Message', value: 'message' }],
	},
	operationProperty,
	// Where n8n puts the credential slot: under what the node does, above the number it sends from
	// (listed through the credential), so the user meets it first.
	{ displayName: '', name: 'credentials', type: 'credentials', default: '' },
	{
		displayName: 'Business Phone Number Name or ID',
		name: 'phoneNumberId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getPhoneNumbers' },
		default: '',
		required: true,
		description:
			'The number to send from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Customer',
		name: 'to',
		type: 'string',
		default: '={{ $json.customer?.e164 ?? $json.customer?.userId ?? $json.phone }}',
		required: true,
		displayOptions: { hide: { operation: ['markRead'] } },
		description:
			'Phone number in any common format (normalised to E.164), or the business-scoped user ID (e.g. HK.1502576394655843) of a customer with a username',
	},
	{
		displayName: 'Message ID',
		name: 'readMessageId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { show: { operation: ['markRead'] } },
		description: "The customer's message (wamid) to mark as read",
	},
	...sendTemplate.description,
	...sendText.description,
	...sendMedia.description,
	...sendInteractive.description,
	...sendReaction.description,
	categoryProperty(['sendText', 'sendMedia', 'sendInteractive']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			'None added: sends for real, 8 at a time with 2 retries, no fallback template and no idempotency key',
		displayOptions: { hide: { operation: ['markRead'] } },
		options: [
			{
				displayName: 'Correlation ID',
				name: 'correlationId',
				type: 'string',
				default: '',
				description:
					"Echoed in this message's status webhooks (biz_opaque_callback_data), up to 512 bytes",
			},
			defaultCountryOption(),
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only evaluate the quota guard: report what would be sent now and what would be deferred until when, sending nothing',
			},
			{
				displayName: 'Fallback Template Outside the Window',
				name: 'fallbackTemplate',
				type: 'string',
				default: '',
				placeholder: 'we_are_here::en_US',
				description:
					'For text, media and buttons: when the customer has not written for 24 hours, send this approved template ("name::language") instead of deferring. Its body parameters come from Fallback Template Values.',
			},
			{
				displayName: 'Fallback Template Values',
				name: 'fallbackValues',
				type: 'string',
				default: '',
				placeholder: 'Mei, A-1001',
				description: 'Body parameters of the fallback template, in order, separated by commas',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'reply:{{ $json.id }}',
				description:
					'Names this message to this customer: while the quota ledger remembers a send with the same key, it is not sent again and Sent reports the first one (alreadySent). Makes retried and re-run executions safe; in queue mode use the Redis ledger.',
			},
			{
				displayName: 'Parallel Sends',
				name: 'parallelSends',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 64 },
				default: 8,
				description:
					"How many messages may wait for Meta's answer at once; the quota guard's throughput limit holds regardless",
			},
			{
				displayName: 'Reply To Message ID',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Quote this message (wamid) above the reply',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 5 },
				default: 2,
				description: "Retries of Meta's transient errors, with backoff; rate limits wait longer",
			},
			{
				displayName: 'Service Event',
				name: 'serviceEvent',
				type: 'string',
				default: '',
				description:
					'A key for the event this message is about (e.g. an order status): the same event goes to a customer at most once per 6 hours',
			},
		],
	},
	...guardProperties,
];

export class WhatsAppSender implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Sender',
		name: 'whatsAppSender',
		icon: { light: 'file:whatsAppSender.svg', dark: 'file:whatsAppSender.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: choiceSubtitle('operation', [operationProperty]),
		description:
			"Sends WhatsApp templates and messages within Meta's rules: service window, messaging limit, frequency caps, pair rate, throughput, opt-outs and quiet hours",
		defaults: { name: 'WhatsApp Sender' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Sent', 'Deferred', 'Failed'],
		usableAsTool: true,
		credentials: [
			{ name: WHATSAPP_CREDENTIAL, required: true },
			{
				name: REDIS_CREDENTIAL,
				required: true,
				testedBy: 'redisConnectionTest',
				// As the Quota Ledger choice itself: not for Mark as Read. See credentialShownWhile
				// for why this is not written as `show`.
				displayOptions: credentialShownWhile(properties, {
					operation: SENDING_OPERATIONS,
					ledgerStore: ['redis'],
				}),
			},
		],
		properties,
	};

	methods = {
		loadOptions: { getPhoneNumbers, getTemplates },
		credentialTest: { redisConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		return await route.call(this, operation === 'markRead' ? undefined : await quotaGuard(this));
	}
}
