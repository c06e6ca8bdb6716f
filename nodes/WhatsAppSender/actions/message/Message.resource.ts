import type { INodeProperties } from 'n8n-workflow';

import { defaultCountryOption } from '../../../shared/phone';
import { categoryProperty } from './common';
import type { Operation } from './common';
import * as markRead from './markRead.operation';
import { quotaGuardProperties } from './quotaGuardSettings';
import * as sendInteractive from './sendInteractive.operation';
import * as sendMedia from './sendMedia.operation';
import * as sendReaction from './sendReaction.operation';
import * as sendTemplate from './sendTemplate.operation';
import * as sendText from './sendText.operation';

/** The operations that send a message to a customer, through the quota guard. */
const sending = { sendReaction, sendInteractive, sendMedia, sendTemplate, sendText };

/** Every operation of the Message resource, by its value in the Operation list. */
export const operations: Record<string, Operation> = { markRead, ...sending };

/** The operations that message a customer: the customer, the options and the quota guard are theirs. */
export const sendingOperations = Object.keys(sending);

/** Shown while the operation sends a message: the customer, the send options, the quota guard. */
const whileSending = { show: { operation: sendingOperations } };

/** What the Sender does; the canvas subtitle names the choice as this list labels it. */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'sendTemplate',
	displayOptions: { show: { resource: ['message'] } },
	options: Object.values(operations).map((operation) => operation.option),
};

export const description: INodeProperties[] = [
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
		displayOptions: whileSending,
		description:
			'Phone number in any common format (normalised to E.164), or the business-scoped user ID (e.g. HK.1502576394655843) of a customer with a username',
	},
	...markRead.description,
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
		displayOptions: whileSending,
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
	...quotaGuardProperties(whileSending),
];
