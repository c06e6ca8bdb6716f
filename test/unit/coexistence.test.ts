/**
 * Coexistence with the WhatsApp Business app (echoes, history, app contacts), calls and the
 * template lifecycle, read from Meta's payloads (shapes: devkit/payloads/whatsappPayloads.ts).
 */
import { throughputFor } from '../../lib/quota';
import { DEFAULT_RULES } from '../../lib/quota';
import { filterEvents } from '../../lib/whatsapp/receive';
import { parseWebhook } from '../../lib/whatsapp/webhook';
import type {
	WhatsAppCallEvent,
	WhatsAppContactEvent,
	WhatsAppEchoEvent,
	WhatsAppErrorEvent,
	WhatsAppHistoryEvent,
	WhatsAppTemplateEvent,
} from '../../lib/whatsapp/webhook';
import { deliveryKey } from '../../lib/whatsapp/deliveryDedup';
import {
	DEFAULT_PHONE_NUMBER_ID,
	DEFAULT_TIMESTAMP,
	appContactSync,
	callConnect,
	callPermissionReply,
	callStatus,
	callTerminate,
	envelope,
	envelopeAt,
	historyChunk,
	historyDeclined,
	messageEcho,
	templateCategoryUpdate,
	templateQualityUpdate,
	templateStatusUpdate,
} from '../../devkit/payloads/whatsappPayloads';

const at = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('smb_message_echoes', () => {
	it('is an echo whose customer is the person the business wrote to, in E.164', () => {
		const [event] = parseWebhook(envelope(messageEcho({ to: '85291234567', text: '好，聽日寄' })));
		const echo = event as WhatsAppEchoEvent;
		expect(echo.kind).toBe('echo');
		expect(echo.direction).toBe('outbound');
		expect(echo.customer).toEqual({ waId: '85291234567', e164: '+85291234567' });
		expect(echo.from).toBe('85255550000');
		expect(echo.text).toBe('好，聽日寄');
		expect(echo.type).toBe('text');
		expect(echo.phoneNumberId).toBe(DEFAULT_PHONE_NUMBER_ID);
		expect(echo.timestamp).toBe(at(DEFAULT_TIMESTAMP));
		expect(echo.id).toMatch(/^wamid\./);
		expect(Object.keys(echo).at(-1)).toBe('raw');
	});

	it('reads a customer written with a leading + and never takes the business for the customer', () => {
		const [event] = parseWebhook(envelope(messageEcho({ to: '+16505551234' })));
		expect(event.customer).toEqual({ waId: '16505551234', e164: '+16505551234' });
	});

	it('a customer that is not a phone number gives no phone (no implicit conversion)', () => {
		const change = messageEcho();
		(change.value.message_echoes as Array<Record<string, unknown>>)[0].to = { evil: true };
		const [event] = parseWebhook(envelope(change));
		expect(event.kind).toBe('echo');
		expect(event.customer).toEqual({});
	});

	it('a change without the business number or without its list gives no events', () => {
		const change = messageEcho();
		delete change.value.metadata;
		expect(parseWebhook(envelope(change))).toEqual([]);
		expect(
			parseWebhook(
				envelope({
					field: 'smb_message_echoes',
					value: { metadata: { phone_number_id: '1' }, message_echoes: 'x' },
				}),
			),
		).toEqual([]);
	});
});

describe('history', () => {
	it('gives history events, customer and business messages, never kind message', () => {
		const events = parseWebhook(envelope(historyChunk({ phase: 1, chunkOrder: 2, progress: 40 })));
		expect(events.map((event) => event.kind)).toEqual(['history', 'history']);
		const [inbound, outbound] = events as WhatsAppHistoryEvent[];
		expect(inbound).toMatchObject({
			history: true,
			direction: 'inbound',
			text: '請問幾時到貨？',
			customer: { waId: '85291234567', e164: '+85291234567' },
			phase: 1,
			chunkOrder: 2,
			progress: 40,
			historyStatus: 'READ',
		});
		expect(outbound).toMatchObject({
			history: true,
			direction: 'outbound',
			text: '聽日會到。',
			customer: { waId: '85291234567', e164: '+85291234567' },
			historyStatus: 'READ',
		});
		expect(inbound.timestamp).toBe(at(DEFAULT_TIMESTAMP - 86_400 * 3));
	});

	it('a declined history share is an error event of the history field', () => {
		const [event] = parseWebhook(envelope(historyDeclined()));
		const error = event as WhatsAppErrorEvent;
		expect(error.kind).toBe('error');
		expect(error.field).toBe('history');
		expect(error.errors[0].code).toBe(2593109);
	});
});

describe('smb_app_state_sync', () => {
	it('is a contact event shaped like a customer', () => {
		const [event] = parseWebhook(
			envelope(appContactSync({ phone: '85261234567', fullName: '李小姐', firstName: '小姐' })),
		);
		const contact = event as WhatsAppContactEvent;
		expect(contact).toMatchObject({
			kind: 'contact',
			action: 'add',
			customer: { waId: '85261234567', e164: '+85261234567', name: '李小姐' },
			contact: { name: '李小姐', firstName: '小姐', phone: '85261234567', e164: '+85261234567' },
			timestamp: at(DEFAULT_TIMESTAMP),
		});
		expect(contact.id).toBe(
			`contact:${DEFAULT_PHONE_NUMBER_ID}:85261234567:add:${at(DEFAULT_TIMESTAMP)}`,
		);
	});

	it('a removal has its own id, so the trigger does not drop it as a repeat of the add', () => {
		const [added] = parseWebhook(envelope(appContactSync()));
		const [removed] = parseWebhook(envelope(appContactSync({ action: 'remove' })));
		expect((removed as WhatsAppContactEvent).action).toBe('remove');
		expect(deliveryKey(removed)).not.toBe(deliveryKey(added));
	});

	it('skips state that is not a contact', () => {
		const change = appContactSync();
		(change.value.state_sync as Array<Record<string, unknown>>)[0].type = 'label';
		expect(parseWebhook(envelope(change))).toEqual([]);
	});
});

describe('calls', () => {
	it('a customer call connecting: inbound, caller in E.164', () => {
		const [event] = parseWebhook(
			envelope(callConnect({ customer: '85291234567', name: '陳大文' })),
		);
		const call = event as WhatsAppCallEvent;
		expect(call).toMatchObject({
			kind: 'call',
			event: 'connect',
			direction: 'inbound',
			caller: '+85291234567',
			customer: { waId: '85291234567', e164: '+85291234567', name: '陳大文' },
		});
		expect(call.id).toMatch(/^wacid\./);
		expect(call.missed).toBeUndefined();
	});

	it('a customer call that ended unanswered is missed; one that talked is not, with its duration', () => {
		const [missed] = parseWebhook(
			envelope(callTerminate({ status: 'FAILED' })),
		) as WhatsAppCallEvent[];
		expect(missed).toMatchObject({
			event: 'terminate',
			status: 'FAILED',
			direction: 'inbound',
			missed: true,
		});
		expect(missed.durationSeconds).toBeUndefined();
		const [talked] = parseWebhook(
			envelope(callTerminate({ durationSeconds: 95 })),
		) as WhatsAppCallEvent[];
		expect(talked).toMatchObject({
			status: 'COMPLETED',
			missed: false,
			durationSeconds: 95,
			startedAt: at(DEFAULT_TIMESTAMP),
			endedAt: at(DEFAULT_TIMESTAMP + 95),
		});
	});

	it('a business call: outbound, the customer is the callee, never missed', () => {
		const [event] = parseWebhook(
			envelope(callTerminate({ businessInitiated: true, status: 'FAILED' })),
		);
		const call = event as WhatsAppCallEvent;
		expect(call.direction).toBe('outbound');
		expect(call.caller).toBe('85255550000');
		expect(call.customer.e164).toBe('+85291234567');
		expect(call.missed).toBeUndefined();
	});

	it('a business call ringing then accepted: two events with distinct duplicate keys', () => {
		const [ringing] = parseWebhook(envelope(callStatus('RINGING')));
		const [accepted] = parseWebhook(envelope(callStatus('ACCEPTED')));
		expect(ringing).toMatchObject({
			kind: 'call',
			event: 'status',
			status: 'RINGING',
			direction: 'outbound',
		});
		expect(deliveryKey(ringing)).not.toBe(deliveryKey(accepted));
	});

	it('connect and terminate of one call are not duplicates of each other', () => {
		const [connect] = parseWebhook(envelope(callConnect()));
		const [terminate] = parseWebhook(envelope(callTerminate()));
		expect(connect.id).toBe(terminate.id);
		expect(deliveryKey(connect)).not.toBe(deliveryKey(terminate));
	});

	it('a call permission answer is a call event, not a message', () => {
		const [event] = parseWebhook(envelope(callPermissionReply({ response: 'accept' })));
		const call = event as WhatsAppCallEvent;
		expect(call).toMatchObject({
			kind: 'call',
			event: 'permission',
			status: 'accept',
			direction: 'inbound',
		});
		expect(call.permission).toEqual({
			response: 'accept',
			expiresAt: at(DEFAULT_TIMESTAMP + 7 * 86_400),
			isPermanent: false,
		});
	});

	it('ids a sender chooses stay bounded, and calls without one never share an id', () => {
		const [long] = parseWebhook(envelope(callConnect({ id: 'x'.repeat(5_000) })));
		expect(long.id.length).toBeLessThanOrEqual(256);
		const [first] = parseWebhook(envelope(callTerminate({ id: '', customer: '85291234567' })));
		const [second] = parseWebhook(envelope(callTerminate({ id: '', customer: '85298765432' })));
		expect(first.id).not.toBe('');
		expect(first.id).not.toBe(second.id);
		const [again] = parseWebhook(envelope(callTerminate({ id: '', customer: '85291234567' })));
		expect(again.id).toBe(first.id);
		const [template] = parseWebhook(
			envelopeAt(1_795_400_000, templateCategoryUpdate({ templateName: 'n'.repeat(5_000) })),
		);
		expect(template.id.length).toBeLessThanOrEqual(256);
	});

	it('a duration that is not a number is left out', () => {
		const change = callTerminate({ durationSeconds: 30 });
		(change.value.calls as Array<Record<string, unknown>>)[0].duration = { n: 30 };
		const [event] = parseWebhook(envelope(change)) as WhatsAppCallEvent[];
		expect(event.durationSeconds).toBeUndefined();
		expect(event.missed).toBe(true);
	});
});

describe('template lifecycle', () => {
	const T = 1_795_400_000;
	it('a paused template is a blocked template event dated by the entry', () => {
		const [event] = parseWebhook(
			envelopeAt(T, templateStatusUpdate({ event: 'PAUSED', reason: 'LOW_QUALITY' })),
		);
		const template = event as WhatsAppTemplateEvent;
		expect(template).toMatchObject({
			kind: 'template',
			change: 'status',
			status: 'PAUSED',
			blocked: true,
			reason: 'LOW_QUALITY',
			name: 'spring_sale',
			language: 'zh_HK',
			templateId: '1234567890123456',
			timestamp: at(T),
		});
		const [approved] = parseWebhook(envelopeAt(T, templateStatusUpdate({ event: 'APPROVED' })));
		expect((approved as WhatsAppTemplateEvent).blocked).toBe(false);
		const [disabled] = parseWebhook(envelopeAt(T, templateStatusUpdate({ event: 'DISABLED' })));
		expect((disabled as WhatsAppTemplateEvent).blocked).toBe(true);
	});

	it('quality and category changes', () => {
		const [quality] = parseWebhook(envelopeAt(T, templateQualityUpdate({ quality: 'RED' })));
		expect(quality).toMatchObject({ change: 'quality', previousQuality: 'GREEN', quality: 'RED' });
		const [category] = parseWebhook(envelopeAt(T, templateCategoryUpdate()));
		expect(category).toMatchObject({
			change: 'category',
			name: 'order_update',
			previousCategory: 'utility',
			category: 'marketing',
		});
	});

	it('passes a phone number filter: templates belong to the account', () => {
		const events = parseWebhook(envelopeAt(T, templateStatusUpdate({ event: 'PAUSED' })));
		expect(filterEvents(events, { phoneNumberIds: ['999'], kinds: ['template'] })).toHaveLength(1);
	});

	it('a change naming no template gives no event', () => {
		expect(
			parseWebhook(
				envelopeAt(T, { field: 'message_template_status_update', value: { event: 'PAUSED' } }),
			),
		).toEqual([]);
	});
});

describe('the Sender on a coexistence number', () => {
	it('paces at 20/s unless Throughput says otherwise; other numbers keep the default', () => {
		expect(throughputFor({ coexistence: true })).toBe(20);
		expect(throughputFor({ coexistence: true, throughputPerSecond: 10 })).toBe(10);
		expect(throughputFor({ coexistence: false })).toBeUndefined();
		expect(throughputFor({})).toBeUndefined();
		expect(DEFAULT_RULES.throughputPerSecond).toBe(80);
	});
});
