import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { REDIS_CREDENTIAL, WHATSAPP_CREDENTIAL } from '../../shared/credentialNames';
import { credentialShownWhile } from '../../shared/editorCredential';
import { CREDENTIAL_OF } from '../transport/adapter';
import type { Operation } from './common';
import { crmProperty } from './common';
import * as contact from './contact/Contact.resource';
import * as message from './message/Message.resource';

/** Every operation by its stored value (unique across resources, as the router finds them). */
export const operations: Record<string, Operation> = {
	...contact.operations,
	...message.operations,
};

export const properties: INodeProperties[] = [
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
	...contact.description,
	...message.description,
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

/**
 * The outputs as an n8n expression of the operation: always three, in the same order (so imported
 * workflows keep their connections), the first named for what the operation did.
 */
function outputsByOperation(): `={{${string}}}` {
	const done: Record<string, string> = Object.create(null);
	for (const [value, operation] of Object.entries(operations)) done[value] = operation.doneOutput;
	const output = (name: string) => `{ "type": "main", "displayName": ${name} }`;
	const first = `((${JSON.stringify(done)})[$parameter["operation"]] || "Done")`;
	return `={{ [${output(first)}, ${output('"Review"')}, ${output('"Failed"')}] }}`;
}

/** The node's description for version 1; the node class adds its icon, canvas subtitle and tool use. */
export const versionDescription: INodeTypeDescription = {
	displayName: 'CRM Upsert',
	name: 'scrmCrmUpsert',
	group: ['output'],
	version: 1,
	description:
		'Keeps WhatsApp customers as exactly one HubSpot, Zoho CRM or Salesforce contact each, matched by phone in any format, with every message on the timeline',
	defaults: { name: 'CRM Upsert' },
	inputs: [NodeConnectionTypes.Main],
	outputs: outputsByOperation(),
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
