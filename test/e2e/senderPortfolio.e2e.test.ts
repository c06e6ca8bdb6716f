/**
 * The Sender's messaging limit in a real n8n (issue 14.2): two numbers of one business portfolio
 * share one count; the limit is the one Meta reports on the number, read once, unless set by hand;
 * a ledger outage is Deferred with a retry time (issue 15.9).
 */
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	broadcastCampaign,
	nodeOfType,
	ownerSession,
	simulatedWhatsApp,
} from '../../devkit/n8n/workflowRuns';
import { freePort } from '../../devkit/servers/redisServer';

jest.setTimeout(120_000);

let n8n: N8nApi;
let graph: GraphApiSimulator;
let whatsApp: { id: string; name: string };
/** Numbers of this suite only: the Sender's process-wide cache of Meta's limits never saw them. */
const BRANCH_A = '110000000000141';
const BRANCH_B = '110000000000142';
const PORTFOLIO = '524126980791429';

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	for (const id of [BRANCH_A, BRANCH_B]) graph.state.addPhoneNumber(SIM.wabaId, { id });
	whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp portfolio e2e');
});

afterAll(async () => graph?.stop());

/** The broadcast workflow, its Sender sending from the item's `number`, on its own webhook path. */
async function campaign(
	pathName: string,
	webhookId: string,
	parameters: Record<string, unknown>,
	credentials: Record<string, unknown> = {},
) {
	const { run, stop } = await broadcastCampaign(
		n8n,
		whatsApp,
		pathName,
		{
			phoneNumberId: '={{ $json.number }}',
			to: '={{ $json.customer?.e164 ?? $json.phone }}',
			...parameters,
		},
		{
			webhookId,
			configure: (sender) => (sender.credentials = { ...sender.credentials, ...credentials }),
		},
	);
	return { run, stop };
}

describe('a business portfolio with two numbers', () => {
	it('shares one count, under the limit Meta reports (read once per number), shown in the report', async () => {
		graph.state.setMessagingLimit('TIER_2K');
		const reads = () => graph.state.requests['GET /{phone_number_id}'] ?? 0;
		const before = reads();
		const shop = await campaign('scrm-portfolio', '5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e1', {
			ledgerStore: 'memory',
			quotaGuard: { quietHoursStart: '', portfolioId: PORTFOLIO },
		});
		try {
			const result = await shop.run([
				{ number: BRANCH_A, phone: '+85261230001', discount: '8' },
				{ number: BRANCH_B, phone: '+85261230002', discount: '8' },
				{ number: BRANCH_A, phone: '+85261230003', discount: '8' },
				{ number: BRANCH_B, phone: '+85261230004', discount: '8' },
			]);
			expect(result.failed).toEqual([]);
			expect(result.sent).toHaveLength(4);
			// Both branches report the portfolio's one count of 4, against Meta's 2,000.
			for (const item of result.sent)
				expect(item.json.whatsapp).toMatchObject({
					quota: {
						uniqueCustomers24h: 4,
						messagingLimit: 2000,
						remaining: 1996,
						messagingLimitSource: 'meta',
						portfolioId: PORTFOLIO,
					},
				});
			// One read of Meta's limit per number, not one per message.
			expect(reads() - before).toBe(2);
		} finally {
			await shop.stop();
			graph.state.setMessagingLimit('TIER_250');
		}
	});

	it('counts a number on its own without a portfolio, and takes a limit set by hand over Meta', async () => {
		const shop = await campaign('scrm-no-portfolio', '5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e2', {
			ledgerStore: 'memory',
			quotaGuard: { quietHoursStart: '', messagingLimit: 10000 },
		});
		try {
			const result = await shop.run([
				{ number: BRANCH_A, phone: '+85261230011', discount: '8' },
				{ number: BRANCH_B, phone: '+85261230012', discount: '8' },
			]);
			expect(result.sent.map((item) => item.json.whatsapp)).toEqual([
				expect.objectContaining({
					quota: expect.objectContaining({
						uniqueCustomers24h: 1,
						messagingLimit: 10000,
						messagingLimitSource: 'manual',
					}),
				}),
				expect.objectContaining({
					quota: expect.objectContaining({ uniqueCustomers24h: 1, messagingLimit: 10000 }),
				}),
			]);
		} finally {
			await shop.stop();
		}
	});
});

describe("Meta's business_capability_update", () => {
	it("makes the next send read the portfolio's new limit at once, not an hour later", async () => {
		const BRANCH_C = '110000000000143';
		graph.state.addPhoneNumber(SIM.wabaId, { id: BRANCH_C });
		const reads = () => graph.state.requests['GET /{phone_number_id}'] ?? 0;
		const inbound = await activeWorkflow(
			n8n,
			'whatsapp-inbound-log.json',
			{ whatsAppScrmApi: whatsApp },
			(json) => {
				const trigger = nodeOfType(json, 'whatsAppScrmTrigger');
				trigger.webhookId = '5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e4';
			},
		);
		const shop = await campaign('scrm-capability', '5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e5', {
			ledgerStore: 'memory',
			quotaGuard: { quietHoursStart: '', portfolioId: PORTFOLIO },
		});
		try {
			const before = reads();
			const first = await shop.run([{ number: BRANCH_C, phone: '+85261230031', discount: '8' }]);
			expect(first.sent[0].json.whatsapp).toMatchObject({ quota: { messagingLimit: 250 } });
			graph.state.setMessagingLimit('TIER_10K');
			// The payload of https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update/
			const answer = await graph.postWebhook(
				`${readHostState().url}/webhook/5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e4/webhook`,
				{
					object: 'whatsapp_business_account',
					entry: [
						{
							id: SIM.wabaId,
							time: Math.floor(Date.now() / 1000),
							changes: [
								{
									field: 'business_capability_update',
									value: {
										max_daily_conversations_per_business: 10000,
										max_phone_numbers_per_waba: 25,
									},
								},
							],
						},
					],
				},
			);
			expect(answer.status).toBe(200);
			const second = await shop.run([{ number: BRANCH_C, phone: '+85261230032', discount: '8' }]);
			expect(second.sent[0].json.whatsapp).toMatchObject({
				quota: { messagingLimit: 10000, messagingLimitSource: 'meta' },
			});
			expect(reads() - before).toBe(2);
		} finally {
			await shop.stop();
			await inbound.stop();
			graph.state.setMessagingLimit('TIER_250');
		}
	});
});

describe('a ledger outage', () => {
	it('defers with a time to try again, not "never as it is" (issue 15.9)', async () => {
		const closed = await freePort();
		const redis = await n8n.createCredential('scrmRedis', 'Redis down e2e', {
			host: '127.0.0.1',
			port: closed,
			user: '',
			password: '',
			database: 0,
			ssl: false,
		});
		const shop = await campaign(
			'scrm-ledger-down',
			'5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4e3',
			{ ledgerStore: 'redis', quotaGuard: { quietHoursStart: '' } },
			{ scrmRedis: { id: redis.id, name: redis.name } },
		);
		try {
			const before = Date.now();
			const result = await shop.run([
				// The trigger's item: the Sender records the customer's message in the ledger first.
				{
					number: BRANCH_A,
					kind: 'message',
					id: 'wamid.in-down',
					timestamp: new Date().toISOString(),
					customer: { e164: '+85261230021' },
					type: 'text',
					text: 'hi',
					discount: '8',
				},
				{ number: BRANCH_A, phone: '+85261230022', discount: '8' },
			]);
			expect(result.sent).toEqual([]);
			expect(result.deferred).toHaveLength(2);
			for (const item of result.deferred) {
				const whatsapp = item.json.whatsapp as { rule: string; retryAt: string | null };
				expect(whatsapp.rule).toBe('store');
				expect(whatsapp.retryAt).not.toBeNull();
				expect(Date.parse(whatsapp.retryAt!)).toBeGreaterThan(before);
			}
		} finally {
			await shop.stop();
		}
	});
});
