import { parseWebhook, WebhookPayloadError } from '../../lib/whatsapp/webhook';
import type { WhatsAppMessageEvent, WhatsAppStatusEvent } from '../../lib/whatsapp/webhook';

const WABA = '102290129340398';
const PHONE_NUMBER_ID = '106540352242922';

function delivery(value: Record<string, unknown>, field = 'messages') {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: WABA,
				changes: [
					{
						field,
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '85255550000', phone_number_id: PHONE_NUMBER_ID },
							...value,
						},
					},
				],
			},
		],
	};
}

const message = (type: string, part: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	from: '85291234567',
	id: `wamid.${type}`,
	timestamp: '1795300000',
	type,
	[type]: part,
	...extra,
});

function onlyMessage(body: unknown): WhatsAppMessageEvent {
	const events = parseWebhook(body);
	expect(events).toHaveLength(1);
	expect(events[0].kind).toBe('message');
	return events[0] as WhatsAppMessageEvent;
}

describe('parseWebhook: messages', () => {
	it('reads a text message with its customer, in E.164 and ISO time', () => {
		const event = onlyMessage(
			delivery({
				contacts: [{ profile: { name: '陳大文' }, wa_id: '85291234567', user_id: 'HK.1502576394655843' }],
				messages: [message('text', { body: '有冇discount?' })],
			}),
		);
		expect(event).toMatchObject({
			kind: 'message',
			id: 'wamid.text',
			wabaId: WABA,
			phoneNumberId: PHONE_NUMBER_ID,
			displayPhoneNumber: '85255550000',
			timestamp: '2026-11-21T22:26:40.000Z',
			customer: { waId: '85291234567', e164: '+85291234567', name: '陳大文' },
			type: 'text',
			text: '有冇discount?',
		});
	});

	it('reads a customer who has a username and no phone number (BSUID only)', () => {
		const event = onlyMessage(
			delivery({
				contacts: [{ profile: { name: 'Mali' }, user_id: 'TH.8812345678901234' }],
				messages: [{ from_user_id: 'TH.8812345678901234', id: 'wamid.u', timestamp: '1795300000', type: 'text', text: { body: 'สวัสดี' } }],
			}),
		);
		expect(event.customer).toEqual({ userId: 'TH.8812345678901234', name: 'Mali' });
	});

	it.each(['image', 'video', 'audio', 'document', 'sticker'])('reads %s media with id, type and caption', (type) => {
		const event = onlyMessage(
			delivery({ messages: [message(type, { id: 'media-1', mime_type: 'image/jpeg', sha256: 'abc', caption: 'look', filename: 'a.pdf' })] }),
		);
		expect(event.type).toBe(type);
		expect(event.media).toMatchObject({ id: 'media-1', mimeType: 'image/jpeg', sha256: 'abc' });
	});

	it('reads a location, shared contacts and a reaction', () => {
		expect(onlyMessage(delivery({ messages: [message('location', { latitude: 22.3, longitude: 114.17, name: 'Shop' })] })).location).toEqual({
			latitude: 22.3,
			longitude: 114.17,
			name: 'Shop',
		});
		const contacts = [{ name: { formatted_name: 'Amy' }, phones: [{ phone: '+85261234567' }] }];
		expect(
			onlyMessage(delivery({ messages: [{ from: '85291234567', id: 'wamid.c', timestamp: '1', type: 'contacts', contacts }] })).contacts,
		).toEqual(contacts);
		expect(onlyMessage(delivery({ messages: [message('reaction', { message_id: 'wamid.out', emoji: '👍' })] })).reaction).toEqual({
			messageId: 'wamid.out',
			emoji: '👍',
		});
	});

	it('reads interactive replies and template quick-reply buttons as text', () => {
		const button = onlyMessage(
			delivery({ messages: [message('interactive', { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } })] }),
		);
		expect(button.reply).toEqual({ kind: 'button_reply', id: 'yes', title: 'Yes please' });
		expect(button.text).toBe('Yes please');
		const list = onlyMessage(
			delivery({ messages: [message('interactive', { type: 'list_reply', list_reply: { id: 'm', title: 'Size M', description: 'in stock' } })] }),
		);
		expect(list.reply).toMatchObject({ kind: 'list_reply', id: 'm', description: 'in stock' });
		const template = onlyMessage(delivery({ messages: [message('button', { text: 'Stop promotions', payload: 'STOP' })] }));
		expect(template.reply).toEqual({ kind: 'template_button', title: 'Stop promotions', payload: 'STOP' });
	});

	it('reads an order with its items', () => {
		const event = onlyMessage(
			delivery({
				messages: [
					message('order', {
						catalog_id: 'cat',
						text: 'for my mum',
						product_items: [{ product_retailer_id: 'SKU-1', quantity: '2', item_price: '99.5', currency: 'HKD' }],
					}),
				],
			}),
		);
		expect(event.order).toEqual({ catalogId: 'cat', text: 'for my mum', items: [{ productRetailerId: 'SKU-1', quantity: 2, price: 99.5, currency: 'HKD' }] });
	});

	it('reads a number change as a re-key from the old to the new WhatsApp id', () => {
		const event = onlyMessage(
			delivery({
				messages: [message('system', { body: 'User A changed from 85291234567 to 85298765432', wa_id: '85298765432', type: 'user_changed_number' })],
			}),
		);
		expect(event.system).toMatchObject({ type: 'user_changed_number', previousWaId: '85291234567', newWaId: '85298765432' });
	});

	it('keeps reply context, ad referrals and unknown types without failing', () => {
		const event = onlyMessage(
			delivery({
				messages: [
					message('text', { body: 'this one' }, {
						context: { from: '85255550000', id: 'wamid.prev', forwarded: true },
						referral: { source_type: 'ad', source_id: '1201' },
					}),
				],
			}),
		);
		expect(event.context).toEqual({ messageId: 'wamid.prev', from: '85255550000', forwarded: true });
		expect(event.referral).toEqual({ source_type: 'ad', source_id: '1201' });
		const future = onlyMessage(delivery({ messages: [message('hologram', { beam: 1 })] }));
		expect(future.type).toBe('hologram');
		expect(future.raw).toMatchObject({ hologram: { beam: 1 } });
	});
});

describe('parseWebhook: statuses and errors', () => {
	it('reads a failed status with its errors from the catalogue', () => {
		const [event] = parseWebhook(
			delivery({
				statuses: [
					{
						id: 'wamid.out',
						status: 'failed',
						timestamp: '1795300000',
						recipient_id: '886912345678',
						biz_opaque_callback_data: 'campaign-7',
						errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'more than 24 hours' } }],
					},
				],
			}),
		) as WhatsAppStatusEvent[];
		expect(event).toMatchObject({
			kind: 'status',
			id: 'wamid.out',
			status: 'failed',
			customer: { waId: '886912345678', e164: '+886912345678' },
			bizOpaqueCallbackData: 'campaign-7',
			errors: [{ code: 131047, retryable: false, details: 'more than 24 hours' }],
		});
		expect(event.errors?.[0].title).toMatch(/24 hours/);
	});

	it('reads a status that went straight to read, with pricing and conversation', () => {
		const [event] = parseWebhook(
			delivery({
				statuses: [
					{
						id: 'wamid.out2',
						status: 'read',
						timestamp: '1795300000',
						recipient_id: '66812345678',
						conversation: { id: 'conv', origin: { type: 'marketing' }, expiration_timestamp: '1795386400' },
						pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
					},
				],
			}),
		) as WhatsAppStatusEvent[];
		expect(event).toMatchObject({
			status: 'read',
			conversation: { id: 'conv', originType: 'marketing', expiresAt: '2026-11-22T22:26:40.000Z' },
			pricing: { billable: true, pricingModel: 'PMP', category: 'marketing' },
		});
	});

	it('reads account-level errors as one error event', () => {
		const events = parseWebhook(delivery({ errors: [{ code: 131000, title: 'Something went wrong', message: 'boom' }] }));
		expect(events).toEqual([expect.objectContaining({ kind: 'error', errors: [expect.objectContaining({ code: 131000, retryable: true })] })]);
	});

	it('reads every message and status of every entry and change, in order', () => {
		const body = delivery({ messages: [message('text', { body: 'a' })], statuses: [{ id: 's', status: 'sent', timestamp: '1', recipient_id: '85291234567' }] });
		body.entry.push({ ...body.entry[0], id: 'second-waba' });
		expect(parseWebhook(body).map((event) => `${event.wabaId}:${event.kind}`)).toEqual([
			`${WABA}:message`,
			`${WABA}:status`,
			'second-waba:message',
			'second-waba:status',
		]);
	});
});

describe('parseWebhook: what it passes over and what it refuses', () => {
	it('passes over other change fields (template status, account updates) without events', () => {
		expect(parseWebhook(delivery({ event: 'APPROVED', message_template_id: 1 }, 'message_template_status_update'))).toEqual([]);
	});

	it('gives no events for another object type', () => {
		expect(parseWebhook({ object: 'page', entry: 'whatever' })).toEqual([]);
	});

	it.each([
		['a non-object body', 'hello', /not a JSON object/],
		['entry that is not an array', { object: 'whatsapp_business_account', entry: {} }, /"entry" is not an array/],
		['changes that are not an array', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: 'x' }] }, /changes is not an array/],
		['messages that are not an array', delivery({ messages: { id: 'x' } }), /messages is not an array/],
		['a change without a phone number id', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: {} }] }] }, /phone_number_id/],
	])('refuses %s with WebhookPayloadError', (_, body, message) => {
		expect(() => parseWebhook(body)).toThrow(WebhookPayloadError);
		expect(() => parseWebhook(body)).toThrow(message);
	});
});
