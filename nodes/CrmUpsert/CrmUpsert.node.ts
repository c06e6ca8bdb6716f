import type {
	IExecuteFunctions,
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
import { route } from './actions/router';
import { getContactFields } from './methods/resourceMapping';
import { CREDENTIAL_OF } from './transport/adapter';
import { WHATSAPP_CREDENTIAL } from '../shared/graph';
import { REDIS_CREDENTIAL, redisConnectionTest } from '../shared/redis';

export class CrmUpsert implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Upsert',
		name: 'scrmCrmUpsert',
		icon: { light: 'file:crmUpsert.svg', dark: 'file:crmUpsert.dark.svg' },
		group: ['output'],
		version: 1,
		// The CRM and the operation as the panel labels them, not their stored values.
		subtitle:
			'={{ ({"hubspot":"HubSpot","salesforce":"Salesforce","zoho":"Zoho CRM"}[$parameter["crm"]] || $parameter["crm"]) + ": " + ({"addTags":"Add Tags or Set Lifecycle","getByPhone":"Get by Phone","getMany":"Get Many","merge":"Merge","upsert":"Upsert Contact","attachMedia":"Attach Media","logMessage":"Log Message"}[$parameter["operation"]] || $parameter["operation"]) }}',
		description:
			'Keeps WhatsApp customers as exactly one HubSpot, Zoho CRM or Salesforce contact each, matched by phone in any format, with every message on the timeline',
		defaults: { name: 'CRM Upsert' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Upserted', 'Review', 'Failed'],
		usableAsTool: true,
		credentials: [
			{
				name: CREDENTIAL_OF.hubspot,
				required: true,
				displayOptions: { show: { crm: ['hubspot'] } },
			},
			{ name: CREDENTIAL_OF.zoho, required: true, displayOptions: { show: { crm: ['zoho'] } } },
			{
				name: CREDENTIAL_OF.salesforce,
				required: true,
				displayOptions: { show: { crm: ['salesforce'] } },
			},
			// Only Attach Media downloading from WhatsApp needs the Graph API.
			{
				name: WHATSAPP_CREDENTIAL,
				required: true,
				displayOptions: { show: { operation: ['attachMedia'], mediaSource: ['whatsApp'] } },
			},
			{
				name: REDIS_CREDENTIAL,
				required: true,
				testedBy: 'redisConnectionTest',
				displayOptions: { show: { rateLimitStore: ['redis'] } },
			},
		],
		properties: [
			{
				displayName: 'CRM',
				name: 'crm',
				type: 'options',
				noDataExpression: true,
				default: 'hubspot',
				options: [
					{ name: 'HubSpot', value: 'hubspot' },
					{ name: 'Salesforce', value: 'salesforce' },
					{ name: 'Zoho CRM', value: 'zoho' },
				],
			},
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
						description:
							'Create or update the customer, matched by WhatsApp user ID, phone or email',
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
						name: 'Log',
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
		],
	};

	methods = { resourceMapping: { getContactFields }, credentialTest: { redisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
