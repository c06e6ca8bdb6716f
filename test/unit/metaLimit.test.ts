/**
 * The messaging limit read from Meta (issue 14.2): the tier names and webhook counts Meta documents,
 * read once per number and hour through the Graph API simulator, never once per message.
 */
import { axiosTransport } from '../../lib/http/transport';
import {
	capabilityUpdates,
	messagingLimitFromCapabilityUpdate,
	MessagingLimitCache,
	messagingLimitOf,
} from '../../lib/quota';
import { GraphClient } from '../../lib/whatsapp/graphClient';
import { metaLimits, noteCapabilityUpdates } from '../../nodes/shared/quotaLedger';
import { SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';

describe('messaging limit values', () => {
	it.each([
		['TIER_250', 250],
		['TIER_2K', 2000],
		['TIER_10K', 10000],
		['TIER_100K', 100000],
		['TIER_UNLIMITED', 0],
		[2000, 2000],
		[-1, 0],
		['-1', 0],
	])('reads %j as %j (0 = unlimited)', (value, limit) => {
		expect(messagingLimitOf(value)).toBe(limit);
	});

	it.each([['TIER_HUGE'], [''], [0], [-2], [1.5], [null], [{}], ['1e9'], [Number.NaN]])(
		'does not guess from %j',
		(value) => {
			expect(messagingLimitOf(value)).toBeUndefined();
		},
	);

	it('reads business_capability_update as Meta documents it', () => {
		// The example of https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update/
		expect(
			messagingLimitFromCapabilityUpdate({
				max_daily_conversations_per_business: 2000,
				max_phone_numbers_per_waba: 25,
			}),
		).toBe(2000);
		expect(messagingLimitFromCapabilityUpdate({ max_daily_conversations_per_business: -1 })).toBe(
			0,
		);
		expect(messagingLimitFromCapabilityUpdate({ max_daily_conversation_per_phone: 250 })).toBe(250);
		expect(messagingLimitFromCapabilityUpdate({ max_phone_numbers_per_waba: 25 })).toBeUndefined();
		expect(messagingLimitFromCapabilityUpdate('2000')).toBeUndefined();
	});
});

describe('MessagingLimitCache against the Graph API simulator', () => {
	let sim: GraphApiSimulator;
	let client: GraphClient;
	beforeAll(async () => {
		sim = await startGraphApiSimulator();
		client = new GraphClient({
			transport: axiosTransport({ bearerToken: SIM.token }),
			baseUrl: sim.url,
			version: 'v23.0',
		});
	});
	afterAll(async () => sim?.stop());

	const reads = () => sim.state.requests['GET /{phone_number_id}'] ?? 0;

	it('reads each number once per hour however many messages ask', async () => {
		let now = 0;
		const cache = new MessagingLimitCache({ clock: () => now });
		const before = reads();
		const limits = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				cache.get(i % 2 ? SIM.secondPhoneNumberId : SIM.phoneNumberId, () =>
					client.getMessagingLimitTier(i % 2 ? SIM.secondPhoneNumberId : SIM.phoneNumberId),
				),
			),
		);
		expect(new Set(limits)).toEqual(new Set([250]));
		expect(reads() - before).toBe(2);
		sim.state.setMessagingLimit('TIER_10K');
		try {
			now = 3_599_999;
			expect(
				await cache.get(SIM.phoneNumberId, () => client.getMessagingLimitTier(SIM.phoneNumberId)),
			).toBe(250);
			now = 3_600_000;
			expect(
				await cache.get(SIM.phoneNumberId, () => client.getMessagingLimitTier(SIM.phoneNumberId)),
			).toBe(10000);
			expect(reads() - before).toBe(3);
		} finally {
			sim.state.setMessagingLimit('TIER_250');
		}
	});

	it('takes a limit Meta announced at once, and reads again after a failed read', async () => {
		let now = 0;
		const cache = new MessagingLimitCache({ clock: () => now });
		expect(
			await cache.get(SIM.phoneNumberId, () => Promise.reject(new Error('Graph API down'))),
		).toBeUndefined();
		now = 60_000;
		expect(
			await cache.get(SIM.phoneNumberId, () => client.getMessagingLimitTier(SIM.phoneNumberId)),
		).toBe(250);
		cache.set('all', 2000);
		expect(await cache.get(SIM.phoneNumberId, () => Promise.resolve('TIER_250'))).toBe(2000);
		cache.invalidate();
		expect(await cache.get(SIM.phoneNumberId, () => Promise.resolve('TIER_100K'))).toBe(100000);
	});
});

describe('business_capability_update in a delivery', () => {
	it('names each update and its limit, whatever else the body holds', () => {
		const body = {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '524126980791429',
					time: 1739321024,
					changes: [
						{
							field: 'business_capability_update',
							value: {
								max_daily_conversations_per_business: 10000,
								max_phone_numbers_per_waba: 25,
							},
						},
						{ field: 'messages', value: {} },
					],
				},
				{ id: 7, changes: [{ field: 'business_capability_update', value: 'x' }] },
				null,
				{ changes: 'none' },
			],
		};
		expect(capabilityUpdates(body)).toEqual([
			{ wabaId: '524126980791429', limit: 10000 },
			{ wabaId: '' },
		]);
		for (const hostile of [null, 'x', { entry: {} }, { entry: [1, 'a', []] }])
			expect(capabilityUpdates(hostile)).toEqual([]);
	});

	it("makes every number's next send read Meta's limit again", async () => {
		let reads = 0;
		const read = async () => (++reads, 'TIER_2K');
		expect(await metaLimits.get('110000000000001', read)).toBe(2000);
		expect(await metaLimits.get('110000000000001', read)).toBe(2000);
		expect(noteCapabilityUpdates({ entry: [{ changes: [{ field: 'messages' }] }] })).toBe(false);
		expect(await metaLimits.get('110000000000001', read)).toBe(2000);
		expect(reads).toBe(1);
		expect(
			noteCapabilityUpdates({
				entry: [{ id: '1', changes: [{ field: 'business_capability_update', value: {} }] }],
			}),
		).toBe(true);
		expect(await metaLimits.get('110000000000001', read)).toBe(2000);
		expect(reads).toBe(2);
	});
});
