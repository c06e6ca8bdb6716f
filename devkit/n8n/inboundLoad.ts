/**
 * What the queue-mode test and benchmark share: the workflow under load (trigger with Redis dedup →
 * Intent Tagger → CRM upsert → CRM log → guarded reply with the Redis ledger), the customer
 * messages, and a webhook poster that behaves like Meta (a delivery not answered 200 is delivered
 * again, with backoff, until it is).
 */
import type { GraphApiSimulator } from '../simulators/graphApi';
import { SIM } from '../simulators/graphApi';
import type { HubSpotSimulator } from '../simulators/crm/hubspot';
import { envelopeFor, textMessage } from '../payloads/whatsappPayloads';
import type { WebhookBody } from '../payloads/whatsappPayloads';
import type { N8nApi } from './n8nHost';
import { sleep } from './n8nHost';
import { SIM_BUSINESS, simulatedWhatsApp } from './workflowRuns';

export const LOAD_WEBHOOK_ID = '3f6c2a9e-8d41-4b7a-a0c5-5e1d9b2f7a64';

/** Imports and activates the workflow under load; returns its production webhook URL. */
export async function deployLoadWorkflow(
	n8n: N8nApi,
	deployment: { url: string; redisPort: number },
	graph: GraphApiSimulator,
	hubspot: HubSpotSimulator,
	options: {
		/** The HubSpot subscription the credential names: our adapter paces itself to its limits, per process. */
		hubSpotTier?: 'free' | 'professional';
		/** The trigger answers Meta after the run, with this processing window (seconds); default: right away. */
		answerAfterRunWithin?: number;
		/** The CRM nodes share HubSpot's limits through Redis (all workers together); default: per process. */
		shareRateLimits?: boolean;
	} = {},
): Promise<{ id: string; webhookUrl: string }> {
	const { hubSpotTier = 'free', answerAfterRunWithin, shareRateLimits = false } = options;
	const crmLimits = shareRateLimits ? { rateLimitStore: 'redis' } : {};
	const answer = answerAfterRunWithin
		? { acknowledge: 'afterRun', options: { processingWindowSeconds: answerAfterRunWithin } }
		: { acknowledge: 'immediately', options: {} };
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp queue mode');
	const hubSpot = await n8n.createCredential('hubSpotScrmApi', 'HubSpot queue mode', {
		accessToken: hubspot.token,
		tier: hubSpotTier,
		useCustomBaseUrl: true,
		baseUrl: hubspot.baseUrl,
	});
	const redis = await n8n.createCredential('scrmRedis', 'Redis queue mode', {
		host: '127.0.0.1',
		port: deployment.redisPort,
		database: 0,
	});
	const node = (
		name: string,
		type: string,
		parameters: object,
		position: [number, number],
		credentials: object = {},
	) => ({
		id: `queue-${name.toLowerCase().replace(/\W+/g, '-')}`,
		name,
		type: `n8n-nodes-whatsapp-scrm.${type}`,
		typeVersion: 1,
		position,
		parameters,
		credentials,
	});
	const workflow = {
		name: 'Queue mode: tag, CRM, reply',
		nodes: [
			{
				...node(
					'WhatsApp SCRM Trigger',
					'whatsAppScrmTrigger',
					{ events: ['message'], dedupStore: 'redis', ...answer },
					[0, 0],
					{
						whatsAppScrmApi: whatsApp,
						scrmRedis: redis,
					},
				),
				webhookId: LOAD_WEBHOOK_ID,
			},
			node(
				'Intent Tagger',
				'scrmIntentTagger',
				{
					text: '={{ $json.text }}',
					resultField: 'intent',
					route: false,
					customRules: {},
					options: {},
				},
				[220, 0],
			),
			node(
				'Upsert Contact',
				'scrmCrmUpsert',
				{
					crm: 'hubspot',
					operation: 'upsert',
					fields: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [] },
					upsertOptions: {},
					...crmLimits,
				},
				[440, 0],
				{ hubSpotScrmApi: hubSpot, ...(shareRateLimits ? { scrmRedis: redis } : {}) },
			),
			node(
				'Log Message',
				'scrmCrmUpsert',
				{
					crm: 'hubspot',
					resource: 'message',
					operation: 'logMessage',
					contactId: '={{ $json.crm.id }}',
					direction: 'inbound',
					...crmLimits,
				},
				[660, 0],
				{ hubSpotScrmApi: hubSpot, ...(shareRateLimits ? { scrmRedis: redis } : {}) },
			),
			node(
				'Reply',
				'whatsAppSender',
				{
					resource: 'message',
					operation: 'sendText',
					phoneNumberId: '={{ $json.phoneNumberId }}',
					to: '={{ $json.customer.e164 }}',
					text: '=Thanks, we got your message ({{ $json.intent.tags.join(", ") || "general" }}).',
					ledgerStore: 'redis',
					// One reply per inbound message, however often the execution runs.
					options: { replyTo: '={{ $json.id }}', idempotencyKey: '=reply:{{ $json.id }}' },
					quotaGuard: { quietHoursStart: '' },
				},
				[880, 0],
				{ whatsAppScrmApi: whatsApp, scrmRedis: redis },
			),
		],
		connections: {
			'WhatsApp SCRM Trigger': { main: [[{ node: 'Intent Tagger', type: 'main', index: 0 }]] },
			'Intent Tagger': { main: [[{ node: 'Upsert Contact', type: 'main', index: 0 }]] },
			'Upsert Contact': { main: [[{ node: 'Log Message', type: 'main', index: 0 }], [], []] },
			'Log Message': { main: [[{ node: 'Reply', type: 'main', index: 0 }], [], []] },
		},
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
		active: false,
	};
	const created = await n8n.call<{ id: string; versionId: string }>(
		'POST',
		'/rest/workflows',
		workflow,
	);
	await n8n.activate(created);
	return { id: created.id, webhookUrl: `${deployment.url}/webhook/${LOAD_WEBHOOK_ID}/webhook` };
}

export interface InboundMessage {
	wamid: string;
	from: string;
	text: string;
}

const TEXTS = [
	'how much is the blue one?',
	'where is my parcel??',
	'有冇discount?',
	'can ship to TST?',
	'I want to return this',
	'hello',
];

/**
 * `count` messages from `customers` customers, round robin, so one customer writes again only after
 * all others did: replies to the same customer stay spaced like real chats, not bunched.
 */
export function inboundMessages(count: number, customers: number, run: string): InboundMessage[] {
	return Array.from({ length: count }, (_, index) => ({
		wamid: `wamid.queue-${run}-${index}`,
		from: `8526${String(1_000_000 + (index % customers)).slice(-7)}`,
		text: TEXTS[index % TEXTS.length],
	}));
}

export function deliveryOf(
	message: InboundMessage,
	at = Math.floor(Date.now() / 1000),
): WebhookBody {
	return envelopeFor(
		SIM.wabaId,
		textMessage({
			...SIM_BUSINESS,
			from: message.from,
			name: `Customer ${message.from.slice(-4)}`,
			text: message.text,
			id: message.wamid,
			timestamp: at,
		}),
	);
}

export interface DeliveryRecord {
	wamid: string;
	/** First attempt (ms epoch). */
	firstAt: number;
	/** When it was answered 200 (ms epoch); undefined if never. */
	acceptedAt?: number;
	attempts: number;
	/** Non-200 answers and connection failures, as seen. */
	failures: string[];
}

/**
 * Delivers like Meta: a delivery answered anything but 200, or not answered, is delivered again
 * with exponential backoff (capped) until accepted or the poster is told to give up.
 */
export class MetaLikePoster {
	readonly deliveries: DeliveryRecord[] = [];
	private inFlight = new Set<Promise<void>>();
	private stopped = false;

	constructor(
		private readonly graph: GraphApiSimulator,
		private readonly url: string,
		private readonly backoff = { firstMs: 500, maxMs: 8_000 },
		/** How long an attempt may take before it counts as failed (Meta, too, gives up on slow endpoints). */
		private readonly timeoutMs = 10_000,
	) {}

	/** Starts delivering (does not wait for acceptance). */
	deliver(message: InboundMessage): DeliveryRecord {
		const record: DeliveryRecord = {
			wamid: message.wamid,
			firstAt: Date.now(),
			attempts: 0,
			failures: [],
		};
		this.deliveries.push(record);
		const body = deliveryOf(message);
		const attempt = async () => {
			let wait = this.backoff.firstMs;
			while (!this.stopped) {
				record.attempts++;
				try {
					const answer = await this.graph.postWebhook(this.url, body, {
						timeoutMs: this.timeoutMs,
					});
					if (answer.status === 200) {
						record.acceptedAt = Date.now();
						return;
					}
					record.failures.push(String(answer.status));
				} catch (error) {
					record.failures.push((error as NodeJS.ErrnoException).code ?? (error as Error).message);
				}
				await sleep(wait);
				wait = Math.min(this.backoff.maxMs, wait * 2);
			}
		};
		const running = attempt().finally(() => this.inFlight.delete(running));
		this.inFlight.add(running);
		return record;
	}

	/** Waits until every delivery was accepted, or until the deadline (then stops retrying). */
	async drain(deadline: number): Promise<void> {
		while (this.inFlight.size > 0 && Date.now() < deadline) await sleep(200);
		this.stopped = true;
		await Promise.allSettled([...this.inFlight]);
	}
}

/** Waits until no execution of the workflow is queued or running. */
export async function waitUntilIdle(
	n8n: N8nApi,
	workflowId: string,
	deadline: number,
): Promise<void> {
	// Idle for 15 s in a row: after a Redis restart, jobs Bull puts back can show up again a few
	// seconds after the list first reads empty.
	let idleSince: number | undefined;
	while (Date.now() < deadline) {
		const busy = (await n8n.executions(workflowId, ['new', 'running', 'waiting'])).length > 0;
		if (busy) idleSince = undefined;
		else if (idleSince === undefined) idleSince = Date.now();
		else if (Date.now() - idleSince >= 15_000) return;
		await sleep(1000);
	}
	throw new Error(`executions of workflow ${workflowId} still queued or running at the deadline`);
}
