import type {
	IExecuteFunctions,
	INodeProperties,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as getByPhone from './actions/contact/getByPhone.operation';
import * as getMany from './actions/contact/getMany.operation';
import * as merge from './actions/contact/merge.operation';
import * as upsert from './actions/contact/upsert.operation';
import * as attachMedia from './actions/message/attachMedia.operation';
import * as logMessage from './actions/message/log.operation';
import { crmProperty } from './actions/common';
import { route } from './actions/router';
import { getContactFields } from './methods/resourceMapping';
import { CREDENTIAL_OF } from './transport/adapter';
import { WHATSAPP_CREDENTIAL } from '../shared/graph';
import { credentialShownWhile } from '../shared/editorCredential';
import { REDIS_CREDENTIAL, redisConnectionTest } from '../shared/redis';
import { choiceLabel, choiceLabels } from '../shared/subtitle';

const properties: INodeProperties[] = [
	crmProperty,
	// Where n8n puts the credential slot: right under the CRM it belongs to.
	{ displayName: '', name: 'credentials', type: 'credentials', default: '' },
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'contact',
		options: [
			{ name: 'Contact', value: 'contact' },
			{ name: 'WhatsApp Message', value: 'message' },
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'upsert',
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Add Tags or Set Lifecycle',
				value: 'addTags',
				action: 'Add tags or set the lifecycle stage',
				description: 'Update existing contacts found by WhatsApp user ID, phone or email',
			},
			{
				name: 'Get by Phone',
				value: 'getByPhone',
				action: 'Get a contact by phone',
				description: 'Find the contact whose phone fields hold a number, in any format',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many contacts',
				description: 'Export contacts, e.g. for a nightly dedup',
			},
			{
				name: 'Merge',
				value: 'merge',
				action: 'Merge two contacts',
				description: "Merge a duplicate into the surviving contact with the CRM's own merge",
			},
			{
				name: 'Upsert',
				value: 'upsert',
				action: 'Create or update a contact',
				description: 'Create or update the customer, matched by WhatsApp user ID, phone or email',
			},
		],
	},
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
	...upsert.description,
	...getByPhone.description,
	...getMany.description,
	...merge.description,
	...logMessage.description,
	...attachMedia.description,
	{
		displayName: 'Share Rate Limits Through',
		name: 'rateLimitStore',
		type: 'options',
		noDataExpression: true,
		default: 'process',
		description:
			"The CRM's rate limits belong to the account, so every execution that calls it waits its turn on the same limits",
		options: [
			{
				name: 'This n8n Process',
				value: 'process',
				description: 'Enough with one n8n process',
			},
			{
				name: 'Redis (Queue Mode, All Workers)',
				value: 'redis',
				description:
					"Workers together stay within the account's allowance instead of each using all of it",
			},
		],
	},
];

export class CrmUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Upsert',
		name: 'scrmCrmUpsert',
		icon: { light: 'file:crmUpsert.svg', dark: 'file:crmUpsert.dark.svg' },
		group: ['output'],
		version: 1,
		// The CRM and the operation as the panel labels them, not their stored values.
		subtitle: `={{ ${choiceLabel('crm', choiceLabels([crmProperty], 'crm'))} + ": " + ${choiceLabel('operation', choiceLabels(properties, 'operation'))} }}`,
		description:
			'Keeps WhatsApp customers as exactly one HubSpot, Zoho CRM or Salesforce contact each, matched by phone in any format, with every message on the timeline',
		defaults: { name: 'CRM Upsert' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Upserted', 'Review', 'Failed'],
		usableAsTool: true,
		// Each credential applies while the node's choices need it; see credentialShownWhile for why
		// these conditions are not written as `show`.
		credentials: [
			{
				name: CREDENTIAL_OF.hubspot,
				required: true,
				displayOptions: credentialShownWhile(properties, { crm: ['hubspot'] }),
			},
			{
				name: CREDENTIAL_OF.zoho,
				required: true,
				displayOptions: credentialShownWhile(properties, { crm: ['zoho'] }),
			},
			{
				name: CREDENTIAL_OF.salesforce,
				required: true,
				displayOptions: credentialShownWhile(properties, { crm: ['salesforce'] }),
			},
			// Only Attach Media downloading from WhatsApp needs the Graph API.
			{
				name: WHATSAPP_CREDENTIAL,
				required: true,
				displayOptions: credentialShownWhile(properties, {
					operation: ['attachMedia'],
					mediaSource: ['whatsApp'],
				}),
			},
			{
				name: REDIS_CREDENTIAL,
				required: true,
				testedBy: 'redisConnectionTest',
				displayOptions: credentialShownWhile(properties, { rateLimitStore: ['redis'] }),
			},
		],
		properties,
	};

	methods = { resourceMapping: { getContactFields }, credentialTest: { redisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
