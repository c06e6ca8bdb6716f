/**
 * The sending engine behind the WhatsApp Sender node (lib/sender): a run of items, each leaving on
 * exactly one output with its report, and Mark as Read, against the Graph API simulator and a
 * real quota guard (memory store).
 */
import { axiosTransport } from '../../lib/http';
import { createQuotaGuard } from '../../lib/quota';
import type { ItemReport, ItemToSend, GuardedSending } from '../../lib/sender';
import {
	markMessageRead,
	MessageInputError,
	sendItems,
	settle,
	templateFinder,
	textMessage,
	unexpectedFailure,
} from '../../lib/sender';
import { GraphClient } from '../../lib/whatsapp/graphClient';
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';

let sim: GraphApiSimulator;
let client: GraphClient;

beforeAll(async () => {
	sim = await startGraphApiSimulator({ limits: false });
	client = new GraphClient({
		transport: axiosTransport({ bearerToken: SIM.token, timeoutMs: 2000 }),
		baseUrl: sim.url,
		version: 'v26.0',
	});
});
afterAll(() => sim.stop());
beforeEach(() => sim.state.clearFaults());

const failOnUnexpected = (error: unknown): ItemReport => {
	throw error;
};

describe('Mark as Read', () => {
	it('marks the message read and reports it on Sent, sending no message', async () => {
		const before = sim.state.sent.length;
		expect(await markMessageRead(client, SIM.phoneNumberId, 'wamid.customer1')).toEqual({
			output: 'sent',
			report: { outcome: 'read', messageId: 'wamid.customer1' },
		});
		expect(sim.state.reads.map((read) => read.messageId)).toContain('wamid.customer1');
		expect(sim.state.sent).toHaveLength(before);
	});

	it.each([
		['', 'wamid.customer2', 'Choose the business phone number to send from'],
		[SIM.phoneNumberId, '', 'Mark as read needs the id of a message the customer sent'],
	])(
		'fails the item with why, before any request (number %j, message %j)',
		async (phoneNumberId, messageId, reason) => {
			const reads = sim.state.reads.length;
			const report = await settle(
				0,
				() => markMessageRead(client, phoneNumberId, messageId),
				failOnUnexpected,
			);
			expect(report).toEqual({
				output: 'failed',
				report: { outcome: 'failed', reason, retryable: false, attempts: 0 },
			});
			expect(sim.state.reads).toHaveLength(reads);
		},
	);
});

describe('sendItems', () => {
	const guarded = (): GuardedSending => ({
		guard: createQuotaGuard({ store: { type: 'memory' } }),
		throughputPerSecond: 80,
		scopeFor: async () => ({ messagingLimitSource: 'manual' }),
	});
	const wrote = (at: number) => ({
		kind: 'message',
		type: 'text',
		timestamp: new Date(at).toISOString(),
	});

	it('puts every item on exactly one output, in order, with what went wrong said per item', async () => {
		const now = Date.now();
		sim.state.recordInbound(SIM.phoneNumberId, '+85291234567', now);
		const items: ItemToSend[] = [
			{
				phoneNumberId: SIM.phoneNumberId,
				to: '+852 9123 4567',
				options: {},
				json: wrote(now),
				build: async (envelope) => ({
					message: textMessage(envelope, 'Hello'),
					request: { category: 'service', freeForm: true },
				}),
			},
			{
				phoneNumberId: SIM.phoneNumberId,
				to: 'not a number',
				options: {},
				json: {},
				build: async () => {
					throw new Error('never built');
				},
			},
			{
				phoneNumberId: '',
				to: '+85291234567',
				options: {},
				json: {},
				build: async () => {
					throw new Error('never built');
				},
			},
			{
				phoneNumberId: SIM.phoneNumberId,
				to: '+85291234568',
				options: {},
				json: {},
				build: async () => {
					throw new MessageInputError('The text is empty');
				},
			},
			{
				phoneNumberId: SIM.phoneNumberId,
				to: '+85291234569',
				options: {},
				json: {},
				build: async () => {
					throw new Error('a bug');
				},
			},
		];
		const unexpected: Array<[string, number]> = [];
		const reports = await sendItems({
			count: items.length,
			client,
			guarded: guarded(),
			parallel: 8,
			firstPhoneNumberId: SIM.phoneNumberId,
			item: (index) => items[index],
			findTemplate: templateFinder(client, SIM.wabaId),
			unexpected: (error, itemIndex) => {
				unexpected.push([(error as Error).message, itemIndex]);
				return unexpectedFailure(error);
			},
		});
		expect(reports.map((r) => r.output)).toEqual(['sent', 'failed', 'failed', 'failed', 'failed']);
		expect(reports[0].report).toMatchObject({
			outcome: 'sent',
			messageId: expect.stringMatching(/^wamid\./),
			to: '+85291234567',
			phoneNumberId: SIM.phoneNumberId,
			quota: { batchMode: false, messagingLimitSource: 'manual' },
		});
		expect(reports[1].report).toMatchObject({
			outcome: 'failed',
			reason: expect.stringContaining('Recipient "not a number"'),
			attempts: 0,
		});
		expect(reports[2].report).toEqual({
			outcome: 'failed',
			reason: 'Choose the business phone number to send from',
			retryable: false,
			attempts: 0,
		});
		expect(reports[3].report).toEqual({
			outcome: 'failed',
			reason: 'The text is empty',
			retryable: false,
			attempts: 0,
		});
		// Only an error the engine does not know goes to the caller (n8n: continueOnFail or a failed execution).
		expect(unexpected).toEqual([['a bug', 4]]);
		expect(reports[4].report).toEqual({
			outcome: 'failed',
			reason: 'a bug',
			retryable: false,
			attempts: 0,
		});
	});
});
