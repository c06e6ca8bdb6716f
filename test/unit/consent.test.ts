/**
 * Consent Meta already knows: marketing to +1 numbers is refused before any request (Meta has not
 * delivered it since April 2025, error 131049), a 131050 answer becomes a marketing opt-out in the
 * ledger, and the trigger's marketing-preference events (stop / resume) are read from Meta's payload.
 */
import { axiosTransport } from '../../lib/http/transport';
import { createQuotaGuard } from '../../lib/quota';
import type { QuotaRequest } from '../../lib/quota';
import { sendThroughGuard } from '../../lib/sender/send';
import { GraphClient } from '../../lib/whatsapp/graphClient';
import { templateMessage } from '../../lib/whatsapp/messages';
import type { MessageTemplate } from '../../lib/whatsapp/graphClient';
import { parseWebhook } from '../../lib/whatsapp/webhook';
import type { WhatsAppPreferenceEvent } from '../../lib/whatsapp/webhook';
import { defaultTemplates, SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import {
	DEFAULT_PHONE_NUMBER_ID,
	envelope,
	userPreferences,
} from '../../devkit/payloads/whatsappPayloads';

const PN = '106540352242922';
const T0 = Date.UTC(2026, 10, 23, 15, 0, 0);
const request = (to: string, extra: Partial<QuotaRequest> = {}): QuotaRequest => ({
	phoneNumberId: PN,
	to,
	category: 'marketing',
	template: 'spring_sale',
	now: T0,
	...extra,
});

describe('marketing to United States numbers', () => {
	const rules = { quietHours: false as const, pairRateSeconds: 0, frequency: [] };

	it('defers marketing to +1 numbers, +1 WhatsApp ids and US user ids, with the reason', async () => {
		const guard = createQuotaGuard({ rules });
		for (const to of ['+14155550123', '14155550123', '+16135550123', 'US.13491208655302741918']) {
			expect(await guard.reserve(request(to))).toEqual({
				allowed: false,
				rule: 'usMarketing',
				reason: expect.stringContaining('131049'),
				retryAt: null,
			});
		}
		await guard.close();
	});

	it('lets utility and authentication go to +1, and marketing elsewhere', async () => {
		const guard = createQuotaGuard({ rules });
		for (const category of ['utility', 'authentication'] as const)
			expect(await guard.reserve(request('+14155550123', { category }))).toMatchObject({
				allowed: true,
			});
		for (const to of ['+85291234567', 'HK.1502576394655843', '85291234567'])
			expect(await guard.reserve(request(to))).toMatchObject({ allowed: true });
		await guard.close();
	});

	it('sends marketing to +1 when the rule is switched off', async () => {
		const guard = createQuotaGuard({ rules: { ...rules, usMarketing: false } });
		expect(await guard.reserve(request('+14155550123'))).toMatchObject({ allowed: true });
		await guard.close();
	});

	it('never reaches Meta: the simulator sees no request', async () => {
		const sim = await startGraphApiSimulator({ limits: false });
		const guard = createQuotaGuard({ rules });
		try {
			const client = new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: sim.url,
				version: 'v26.0',
			});
			const template = (defaultTemplates() as unknown as MessageTemplate[]).find(
				(t) => t.name === 'hello_world',
			)!;
			const outcome = await sendThroughGuard({
				client,
				guard,
				phoneNumberId: SIM.phoneNumberId,
				message: templateMessage({ to: '+14155550123' }, { template }),
				request: { category: 'marketing', template: 'hello_world' },
			});
			expect(outcome).toMatchObject({ outcome: 'deferred', rule: 'usMarketing', retryAt: null });
			expect(sim.state.requests['POST /{phone_number_id}/messages'] ?? 0).toBe(0);
		} finally {
			await guard.close();
			await sim.stop();
		}
	});
});

describe('a 131050 answer', () => {
	it('records a marketing opt-out in the ledger: the next marketing is deferred before any request', async () => {
		const sim = await startGraphApiSimulator({ limits: false });
		const guard = createQuotaGuard({ rules: { quietHours: false, frequency: [] } });
		try {
			const client = new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: sim.url,
				version: 'v26.0',
			});
			const template = (defaultTemplates() as unknown as MessageTemplate[]).find(
				(t) => t.name === 'hello_world',
			)!;
			const send = () =>
				sendThroughGuard({
					client,
					guard,
					phoneNumberId: SIM.phoneNumberId,
					message: templateMessage({ to: '+85291234567' }, { template }),
					request: { category: 'marketing', template: 'hello_world' },
					sleep: async () => undefined,
				});
			sim.state.failNext(1, { code: 131050 });
			expect(await send()).toMatchObject({ outcome: 'deferred', rule: 'optOut', code: 131050 });
			const requests = sim.state.requests['POST /{phone_number_id}/messages'];
			expect(requests).toBe(1);
			expect(await send()).toMatchObject({
				outcome: 'deferred',
				rule: 'optOut',
				reason: 'The customer opted out of marketing messages: send them none',
			});
			expect(sim.state.requests['POST /{phone_number_id}/messages']).toBe(requests);
		} finally {
			await guard.close();
			await sim.stop();
		}
	});
});

describe('user_preferences webhooks', () => {
	const only = (body: unknown) => {
		const events = parseWebhook(body);
		expect(events).toHaveLength(1);
		expect(events[0].kind).toBe('preference');
		return events[0] as WhatsAppPreferenceEvent;
	};

	it('reads a stop as an opt-out event with the customer, time and detail', () => {
		const event = only(envelope(userPreferences({ value: 'stop', from: '85291234567' })));
		expect(event).toMatchObject({
			kind: 'preference',
			field: 'user_preferences',
			phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
			category: 'marketing_messages',
			value: 'stop',
			optedOut: true,
			detail: 'User requested to stop marketing messages',
			customer: { waId: '85291234567', e164: '+85291234567', name: 'Customer' },
			timestamp: '2026-11-21T22:26:40.000Z',
		});
	});

	it('reads a resume of a username-only customer by user id', () => {
		const event = only(
			envelope(userPreferences({ value: 'resume', from: null, userId: 'HK.1502576394655843' })),
		);
		expect(event.optedOut).toBe(false);
		expect(event.customer).toMatchObject({ userId: 'HK.1502576394655843' });
		expect(event.customer.waId).toBeUndefined();
	});

	it('gives stable ids (re-deliveries are dropped) and different ones for stop and resume', () => {
		const stop = only(envelope(userPreferences({ value: 'stop' })));
		expect(only(envelope(userPreferences({ value: 'stop' }))).id).toBe(stop.id);
		expect(only(envelope(userPreferences({ value: 'resume' }))).id).not.toBe(stop.id);
	});

	it('passes over undocumented values and odd entries without failing the delivery', () => {
		const change = userPreferences({ value: 'later' });
		(change.value.user_preferences as unknown[]).push('not an object', null);
		const event = only(envelope(change));
		expect(event.value).toBe('later');
		expect(event).not.toHaveProperty('optedOut');
		expect(parseWebhook(envelope({ field: 'user_preferences', value: { metadata: {} } }))).toEqual(
			[],
		);
	});
});
