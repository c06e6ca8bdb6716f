import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { REDIS_CREDENTIAL, WHATSAPP_CREDENTIAL } from '../shared/credentialNames';
import { credentialShownWhile } from '../shared/editorCredential';
import { redisConnectionTest } from '../shared/redis';
import { choiceSubtitle } from '../shared/subtitle';
import { router } from './actions/router';
import { getPhoneNumbers, getTemplates } from './methods/loadOptions';
import * as message from './actions/message/Message.resource';

const { operationProperty, sendingOperations } = message;

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'message',
		options: [{ name: 'Message', value: 'message' }],
	},
	...message.description,
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
					operation: sendingOperations,
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
		return await router.call(this);
	}
}
