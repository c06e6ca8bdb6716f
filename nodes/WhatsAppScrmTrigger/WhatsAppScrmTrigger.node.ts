import { randomUUID } from 'node:crypto';

import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { deliveryKey, MemoryDeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import type { ClaimResult, DeliveryDedupStore } from '../../lib/whatsapp/deliveryDedup';
import { answerVerification, filterEvents, receiveDelivery } from '../../lib/whatsapp/receive';
import { REDIS_CREDENTIAL, WHATSAPP_CREDENTIAL } from '../shared/credentialNames';
import { credentialShownWhile } from '../shared/editorCredential';
import { graphClient, whatsAppCredential } from '../shared/graph';
import { getPhoneNumbers, graphNodeError } from '../shared/loadOptions';
import { noteCapabilityUpdates } from '../shared/quotaLedger';
import { redisConnectionTest, redisUrl } from '../shared/redis';
import { listSubtitle } from '../shared/subtitle';

/** One delivery store per trigger node (memory) or per Redis and node (Redis), for the life of the process. */
const deliveryStores = new Map<string, DeliveryDedupStore>();

interface TriggerOptions {
	dedupWindowMinutes?: number;
	processingWindowSeconds?: number;
	includeRaw?: boolean;
	subscribeApp?: boolean;
	overrideCallback?: boolean;
}

/** What activation set on Meta's side, so deactivation removes exactly that. */
interface ActivationState {
	subscribedApp?: boolean;
	overriddenPhoneNumberIds?: string[];
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

export class WhatsAppScrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp SCRM Trigger',
		name: 'whatsAppScrmTrigger',
		icon: { light: 'file:whatsAppScrmTrigger.svg', dark: 'file:whatsAppScrmTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: listSubtitle('events', {
			message: 'Customer Messages',
			status: 'Delivery Statuses',
			error: 'Account Errors',
			preference: 'Marketing Preferences',
			echo: 'Business App Echoes',
			history: 'Chat History',
			contact: 'Business App Contacts',
			call: 'Calls',
			template: 'Template Changes',
		}),
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

	methods = { loadOptions: { getPhoneNumbers }, credentialTest: { redisConnectionTest } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const options = this.getNodeParameter('options', {}) as TriggerOptions;
				if (!options.subscribeApp && !options.overrideCallback) return true;
				const credential = await whatsAppCredential(this);
				const client = graphClient(this, credential);
				const url = this.getNodeWebhookUrl('default');
				try {
					if (
						options.subscribeApp &&
						(await client.listSubscribedApps(credential.wabaId)).length === 0
					)
						return false;
					if (options.overrideCallback) {
						for (const phoneNumberId of selectedPhoneNumbers(this)) {
							const callback = await client.getPhoneNumberCallback(phoneNumberId);
							if (callback.overrideCallbackUrl !== url) return false;
						}
					}
				} catch (error) {
					throw graphNodeError(this, error);
				}
				return true;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const options = this.getNodeParameter('options', {}) as TriggerOptions;
				const credential = await whatsAppCredential(this);
				const client = graphClient(this, credential);
				const state = this.getWorkflowStaticData('node') as ActivationState;
				const url = this.getNodeWebhookUrl('default');
				if (!url)
					throw new NodeOperationError(this.getNode(), 'n8n gave this trigger no webhook URL');
				const phoneNumberIds = options.overrideCallback ? selectedPhoneNumbers(this) : [];
				if (options.overrideCallback && phoneNumberIds.length === 0) {
					throw new NodeOperationError(
						this.getNode(),
						'Select the phone numbers whose callback should point here',
						{
							description:
								'The option "Set Phone Number Callback on Activation" needs at least one phone number in "Phone Number Names or IDs".',
						},
					);
				}
				try {
					if (
						options.subscribeApp &&
						(await client.listSubscribedApps(credential.wabaId)).length === 0
					) {
						await client.subscribeApp(credential.wabaId);
						state.subscribedApp = true;
					}
					const overridden = new Set(state.overriddenPhoneNumberIds ?? []);
					for (const phoneNumberId of phoneNumberIds) {
						// Meta calls the URL back with the verify token before accepting it.
						await client.setPhoneNumberCallback(phoneNumberId, {
							callbackUrl: url,
							verifyToken: credential.verifyToken,
						});
						overridden.add(phoneNumberId);
						state.overriddenPhoneNumberIds = [...overridden];
					}
				} catch (error) {
					throw graphNodeError(this, error);
				}
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const credential = await whatsAppCredential(this);
				const client = graphClient(this, credential);
				const state = this.getWorkflowStaticData('node') as ActivationState;
				const url = this.getNodeWebhookUrl('default');
				try {
					for (const phoneNumberId of state.overriddenPhoneNumberIds ?? []) {
						// Another workflow may have taken the number over since: leave its callback alone.
						const callback = await client.getPhoneNumberCallback(phoneNumberId);
						if (callback.overrideCallbackUrl === url)
							await client.clearPhoneNumberCallback(phoneNumberId);
					}
					delete state.overriddenPhoneNumberIds;
					if (state.subscribedApp) {
						await client.unsubscribeApp(credential.wabaId);
						delete state.subscribedApp;
					}
				} catch (error) {
					throw graphNodeError(this, error);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credential = await whatsAppCredential(this);
		const response = this.getResponseObject();

		if (this.getWebhookName() === 'setup') {
			const answer = answerVerification(
				this.getQueryData() as Record<string, unknown>,
				credential.verifyToken,
			);
			if (answer.status === 200) response.status(200).type('text/plain').send(answer.challenge);
			else response.status(403).json({ error: answer.reason });
			return { noWebhookResponse: true };
		}

		const request = this.getRequestObject() as unknown as { rawBody?: Buffer };
		const signature = this.getHeaderData()['x-hub-signature-256'];
		const outcome = receiveDelivery(
			request.rawBody,
			Array.isArray(signature) ? signature[0] : signature,
			credential.appSecret,
		);
		if (outcome.status !== 200) {
			response.status(outcome.status).json({ error: outcome.reason });
			return { noWebhookResponse: true };
		}
		// Meta changed the portfolio's messaging limit: Senders read it again (issue 14.2).
		// The body was parsed (and its signature checked) above; this reads it for one field only.
		if (request.rawBody?.includes('business_capability_update'))
			noteCapabilityUpdates(JSON.parse(request.rawBody.toString('utf8')) as unknown);

		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const events = filterEvents(outcome.events, {
			kinds: this.getNodeParameter('events', []) as string[],
			phoneNumberIds: this.getNodeParameter('phoneNumberIds', []) as string[],
			messageTypes: this.getNodeParameter('messageTypes', []) as string[],
			statuses: this.getNodeParameter('statuses', []) as string[],
		});

		const windowMs = (options.dedupWindowMinutes ?? 1440) * 60_000;
		const afterRun = this.getNodeParameter('acknowledge', 'immediately') === 'afterRun';
		let fresh = events;
		if (windowMs > 0 && events.length > 0) {
			const keys = events.map((event) => `${event.phoneNumberId}:${deliveryKey(event)}`);
			const owner = randomUUID();
			let store: DeliveryDedupStore;
			let claims: ClaimResult[];
			try {
				store = await deliveryStore(this, credential.wabaId);
				const inProgress = afterRun ? { owner, forMs: processingWindowMs(options) } : undefined;
				claims = await store.claim(keys, windowMs, { inProgress });
			} catch (error) {
				// Neither emit (it could be a duplicate) nor drop: Meta redelivers what is not answered 200.
				response.status(503).json({
					error: `duplicate store unavailable, deliver again later: ${(error as Error).message}`,
				});
				return { noWebhookResponse: true };
			}
			if (claims.includes('in-progress')) {
				// Another run holds some of these events (and nothing was claimed): answering 200 now
				// would lose them if that run fails.
				response.status(503).json({
					error:
						'these events are still being processed by an earlier delivery; deliver again later',
				});
				return { noWebhookResponse: true };
			}
			const claimed = keys.filter((_, index) => claims[index] === 'claimed');
			if (afterRun && claimed.length > 0) {
				// Retried: a settle lost to a Redis outage would leave Meta's repeats waiting out the whole window.
				settleWhenAnswered(
					response,
					async (handled) =>
						await retryFor(
							processingWindowMs(options),
							async () => await store.settle(claimed, owner, handled, windowMs),
						),
				);
			}
			fresh = events.filter((_, index) => claims[index] === 'claimed');
		}

		if (fresh.length === 0) {
			// Answer 200 so Meta stops redelivering, and start no execution.
			response.status(200).json({ received: events.length, emitted: 0 });
			return { noWebhookResponse: true };
		}

		const items: INodeExecutionData[] = fresh.map((event) => {
			const { raw, ...json } = event as typeof event & { raw?: unknown };
			return {
				json: (options.includeRaw && raw !== undefined ? { ...json, raw } : json) as IDataObject,
			};
		});
		return { workflowData: [items] };
	}
}

/**
 * Settles the claims with n8n's answer to Meta once n8n gives it: 2xx means the run finished. Read
 * from the call that writes the answer, because Meta may have hung up before a slow run ended and
 * the answer still tells how the run went. No answer at all (the worker died and n8n lost the job)
 * leaves the claims to expire after the processing window.
 */
function settleWhenAnswered(
	response: ReturnType<IWebhookFunctions['getResponseObject']>,
	settle: (handled: boolean) => Promise<void>,
): void {
	const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
	let settled = false;
	response.end = ((...args: unknown[]) => {
		if (!settled) {
			settled = true;
			void settle(response.statusCode >= 200 && response.statusCode < 300 && !neverRan(args[0]));
		}
		return end(...args);
	}) as typeof response.end;
}

/**
 * n8n answers 200 with this message when an execution could not even start (its run data is
 * missing, e.g. a credential the workflow may not use); a run that did start answers an empty body.
 */
function neverRan(body: unknown): boolean {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	return text.includes('no data was returned');
}

const processingWindowMs = (options: TriggerOptions) =>
	(options.processingWindowSeconds ?? 300) * 1000;

/**
 * Tries again with a growing pause (1 s, 2 s, … at most 10 s) until it works or `forMs` has passed;
 * then gives up quietly, since the claims it could not settle lapse with the processing window.
 */
async function retryFor(forMs: number, attempt: () => Promise<void>): Promise<void> {
	const deadline = Date.now() + forMs;
	for (let pause = 1000; ; pause = Math.min(pause * 2, 10_000)) {
		try {
			return await attempt();
		} catch {
			if (Date.now() + pause > deadline) return;
			await new Promise((resolve) => setTimeout(resolve, pause));
		}
	}
}

function selectedPhoneNumbers(context: IHookFunctions): string[] {
	return (context.getNodeParameter('phoneNumberIds', []) as string[]).filter(Boolean);
}

async function deliveryStore(
	context: IWebhookFunctions,
	wabaId: string,
): Promise<DeliveryDedupStore> {
	const node = `${context.getWorkflow().id}:${context.getNode().id}`;
	if ((context.getNodeParameter('dedupStore', 'memory') as string) !== 'redis') {
		let store = deliveryStores.get(node);
		if (!store) deliveryStores.set(node, (store = new MemoryDeliveryDedupStore()));
		return store;
	}
	const url = redisUrl(await context.getCredentials(REDIS_CREDENTIAL));
	const key = `${url}|${node}`;
	let store = deliveryStores.get(key);
	if (!store) {
		// Loaded only when chosen, so single-process users never load a Redis client.
		const { RedisDeliveryDedupStore } =
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			require('../../lib/whatsapp/redisDeliveryDedup') as typeof import('../../lib/whatsapp/redisDeliveryDedup');
		// Namespaced per Meta account and trigger; each key also names the business phone number.
		store = new RedisDeliveryDedupStore(url, { keyPrefix: `scrm:dedup:{${wabaId}}:${node}:` });
		deliveryStores.set(key, store);
	}
	return store;
}
