/**
 * The WhatsApp SCRM Trigger as the editor shows it: what it listens for, where it remembers
 * deliveries, when it answers Meta, and what activation changes at Meta.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { REDIS_CREDENTIAL, WHATSAPP_CREDENTIAL } from '../../shared/credentialNames';
import { credentialShownWhile } from '../../shared/editorCredential';

/** The "Options" collection as the node reads it. */
export interface TriggerOptions {
	dedupWindowMinutes?: number;
	processingWindowSeconds?: number;
	includeRaw?: boolean;
	subscribeApp?: boolean;
	overrideCallback?: boolean;
}

/** Where deliveries are remembered; the Redis one takes the Redis credential. */
const dedupStoreProperty: INodeProperties = {
	displayName: 'Remember Deliveries In',
	name: 'dedupStore',
	type: 'options',
	noDataExpression: true,
	default: 'memory',
	description:
		"Where the trigger remembers the deliveries it has emitted, so Meta's re-deliveries start nothing",
	options: [
		{
			name: 'Memory (One n8n Process)',
			value: 'memory',
			description: 'Forgotten on restart',
		},
		{
			name: 'Redis (Queue Mode, Several Processes)',
			value: 'redis',
			description: 'Shared by every n8n process and kept across restarts',
		},
	],
};

/** Everything but what the canvas shows (icon and subtitle), which the node file names beside its SVG files. */
export const versionDescription: INodeTypeDescription = {
	displayName: 'WhatsApp SCRM Trigger',
	name: 'whatsAppScrmTrigger',
	group: ['trigger'],
	version: 1,
	description:
		'Starts the workflow when WhatsApp Cloud API messages or delivery statuses arrive: signature-checked, de-duplicated, one item per event',
	defaults: { name: 'WhatsApp SCRM Trigger' },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: [
		{ name: WHATSAPP_CREDENTIAL, required: true },
		{
			name: REDIS_CREDENTIAL,
			required: true,
			testedBy: 'redisConnectionTest',
			// See credentialShownWhile for why this is not written as `show`.
			displayOptions: credentialShownWhile([dedupStoreProperty], { dedupStore: ['redis'] }),
		},
	],
	webhooks: [
		{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
		{
			name: 'default',
			httpMethod: 'POST',
			// Answering after the run lets n8n's own answer (200, or 500 when the run failed) reach Meta.
			responseMode: '={{$parameter["acknowledge"] === "afterRun" ? "lastNode" : "onReceived"}}',
			responseData: 'noData',
			path: 'webhook',
		},
	],
	properties: [
		{
			displayName:
				'Paste this node\'s production URL as the callback URL of your Meta app (WhatsApp → Configuration), with the verify token from the credential, and subscribe the "messages" field. Or let activation set a per-number override below.',
			name: 'setupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Trigger On',
			name: 'events',
			type: 'multiOptions',
			required: true,
			default: ['message', 'status'],
			options: [
				{
					name: 'Customer Messages',
					value: 'message',
					description: 'Inbound messages of any type',
				},
				{
					name: 'Delivery Statuses',
					value: 'status',
					description: 'Sent, delivered, read and failed updates of messages you sent',
				},
				{
					name: 'Account Errors',
					value: 'error',
					description: 'Errors Meta reports outside any message',
				},
				{
					name: 'Marketing Preferences',
					value: 'preference',
					description:
						'A customer stopped or resumed marketing messages in WhatsApp (subscribe the "user_preferences" field)',
				},
				{
					name: 'Business App Echoes',
					value: 'echo',
					description:
						'Messages the business typed in the WhatsApp Business app on a coexistence number (subscribe "smb_message_echoes")',
				},
				{
					name: 'Chat History',
					value: 'history',
					description:
						'Past chats of a coexistence number, shared once when the business agrees (subscribe "history")',
				},
				{
					name: 'Business App Contacts',
					value: 'contact',
					description:
						'Contacts added, edited or removed in the WhatsApp Business app (subscribe "smb_app_state_sync")',
				},
				{
					name: 'Calls',
					value: 'call',
					description:
						'WhatsApp calls connected, ended (missed ones flagged), ringing, and call permission answers (subscribe "calls")',
				},
				{
					name: 'Template Changes',
					value: 'template',
					description:
						'A template approved, paused, disabled, re-rated or re-categorised (subscribe the "message_template_…" and "template_category_update" fields)',
				},
			],
		},
		// Where n8n puts the credential slot: above the numbers listed through it.
		{ displayName: '', name: 'credentials', type: 'credentials', default: '' },
		{
			displayName: 'Phone Number Names or IDs',
			name: 'phoneNumberIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getPhoneNumbers' },
			default: [],
			description:
				'Only events for these business phone numbers; none selected means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Message Types',
			name: 'messageTypes',
			type: 'multiOptions',
			default: [],
			displayOptions: { show: { events: ['message'] } },
			description: 'Only these message types; none selected means all',
			options: [
				'audio',
				'button',
				'contacts',
				'document',
				'image',
				'interactive',
				'location',
				'order',
				'reaction',
				'sticker',
				'system',
				'text',
				'unsupported',
				'video',
			].map((type) => ({ name: type.charAt(0).toUpperCase() + type.slice(1), value: type })),
		},
		{
			displayName: 'Statuses',
			name: 'statuses',
			type: 'multiOptions',
			default: [],
			displayOptions: { show: { events: ['status'] } },
			description: 'Only these delivery statuses; none selected means all',
			options: [
				{ name: 'Deleted', value: 'deleted' },
				{ name: 'Delivered', value: 'delivered' },
				{ name: 'Failed', value: 'failed' },
				{ name: 'Read', value: 'read' },
				{ name: 'Sent', value: 'sent' },
			],
		},
		dedupStoreProperty,
		{
			displayName: 'Answer Meta',
			name: 'acknowledge',
			type: 'options',
			noDataExpression: true,
			default: 'immediately',
			description:
				'When Meta hears that a delivery arrived. Meta delivers again what it was not answered 200.',
			options: [
				{
					name: 'Right Away',
					value: 'immediately',
					description:
						'Fastest, as Meta asks; an execution that fails or dies with its n8n worker is not delivered again',
				},
				{
					name: 'When the Workflow Finishes',
					value: 'afterRun',
					description:
						'Nothing is lost: a run that fails, or dies with a queue-mode worker, is answered with an error or not at all, and Meta delivers it again. Keep the workflow fast and its steps idempotent.',
				},
			],
		},
		{
			displayName:
				"Meta expects an answer within a second or so and backs off from slow endpoints. Make every step safe to repeat (the CRM log and the Sender's Idempotency Key are): a failed run comes again.",
			name: 'afterRunNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { acknowledge: ['afterRun'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			description:
				"None added: Meta's repeats are dropped for 24 hours, items carry no raw change, and activation changes nothing at Meta",
			options: [
				{
					displayName: 'Duplicate Window (Minutes)',
					name: 'dedupWindowMinutes',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 1440,
					description:
						'Meta redelivers events it believes were not received. An event seen again within this window starts no execution. 0 turns this off.',
				},
				{
					displayName: 'Processing Window (Seconds)',
					name: 'processingWindowSeconds',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 300,
					displayOptions: { show: { '/acknowledge': ['afterRun'] } },
					description:
						"How long a delivery counts as being processed when n8n never answers it (a killed worker). Meta's repeats meanwhile are asked to come again later; after it, the next repeat runs again. Longer than your slowest run.",
				},
				{
					displayName: 'Include Raw Change',
					name: 'includeRaw',
					type: 'boolean',
					default: false,
					description: "Whether to add Meta's original change object to each item as raw",
				},
				{
					displayName: 'Subscribe App to WABA on Activation',
					name: 'subscribeApp',
					type: 'boolean',
					default: false,
					description:
						"Whether to subscribe the credential's app to the WhatsApp Business Account when the workflow is activated (POST subscribed_apps); deactivation removes a subscription it created",
				},
				{
					displayName: 'Set Phone Number Callback on Activation',
					name: 'overrideCallback',
					type: 'boolean',
					default: false,
					description:
						"Whether to point the selected phone numbers' webhook override at this workflow when it is activated, so several workflows and numbers share one Meta app; deactivation removes it",
				},
			],
		},
	],
};
