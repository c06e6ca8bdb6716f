import { parseWebhook, WebhookPayloadError } from '../../lib/whatsapp/webhook';
import type {
	WhatsAppChangeEvent,
	WhatsAppErrorEvent,
	WhatsAppEvent,
	WhatsAppMessageEvent,
	WhatsAppStatusEvent,
} from '../../lib/whatsapp/webhook';
import {
	DEFAULT_DISPLAY_PHONE_NUMBER,
	DEFAULT_PHONE_NUMBER_ID,
	DEFAULT_WABA_ID,
	bsuidOnlyMessage,
	combine,
	combineWithEmptyLists,
	contactsMessage,
	editMessage,
	envelope,
	envelopeFor,
	inboundMessage,
	interactiveReply,
	location,
	mediaMessage,
	mergeBodies,
	orderMessage,
	reaction,
	realisticMix,
	revokeMessage,
	statusUpdate,
	systemNumberChange,
	systemUserIdChange,
	templateButtonReply,
	templateStatusUpdate,
	textMessage,
	unsupportedMessage,
	wamid,
	userPreferences,
	webhookErrors,
	callConnect,
	messageEcho,
} from '../../devkit/payloads/whatsappPayloads';
import type { MediaType, WebhookChange } from '../../devkit/payloads/whatsappPayloads';

/** 1795300000 in ISO: the builders' default timestamp. */
const DEFAULT_ISO = '2026-11-21T22:26:40.000Z';

function onlyMessage(change: WebhookChange): WhatsAppMessageEvent {
	const events = parseWebhook(envelope(change));
	expect(events).toHaveLength(1);
	expect(events[0].kind).toBe('message');
	return events[0] as WhatsAppMessageEvent;
}

function onlyStatus(change: WebhookChange): WhatsAppStatusEvent {
	const events = parseWebhook(envelope(change));
	expect(events).toHaveLength(1);
	expect(events[0].kind).toBe('status');
	return events[0] as WhatsAppStatusEvent;
}

/** The first message object of a change, as Meta sent it. */
function messageOf(change: WebhookChange): Record<string, unknown> {
	return (change.value.messages as Array<Record<string, unknown>>)[0];
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null) {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}

describe('parseWebhook: customer messages', () => {
	it('reads a text message with its customer in E.164, the business number and ISO time', () => {
		const change = textMessage({
			from: '85291234567',
			userId: 'HK.1502576394655843',
			name: '陳大文',
			text: '有冇discount?',
			id: 'wamid.text-1',
		});
		const event = onlyMessage(change);
		expect(event).toEqual({
			kind: 'message',
			id: 'wamid.text-1',
			field: 'messages',
			wabaId: DEFAULT_WABA_ID,
			phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
			displayPhoneNumber: DEFAULT_DISPLAY_PHONE_NUMBER,
			timestamp: DEFAULT_ISO,
			customer: {
				waId: '85291234567',
				userId: 'HK.1502576394655843',
				e164: '+85291234567',
				name: '陳大文',
			},
			type: 'text',
			text: '有冇discount?',
			raw: messageOf(change),
		});
		// The raw part is Meta's object itself, not a copy.
		expect(event.raw).toBe(messageOf(change));
	});

	it('reads customers of every market into E.164 from their wa_id', () => {
		const e164 = (from: string) => onlyMessage(textMessage({ from })).customer.e164;
		expect(e164('886912345678')).toBe('+886912345678');
		expect(e164('8613800138000')).toBe('+8613800138000');
		expect(e164('66812345678')).toBe('+66812345678');
		expect(e164('79123456789')).toBe('+79123456789');
		// A wa_id that is not a valid number keeps the id but claims no E.164.
		expect(onlyMessage(textMessage({ from: '85212345678' })).customer).toEqual({
			waId: '85212345678',
			name: 'Customer',
		});
	});

	it('reads a customer with a username and no phone number (BSUID only)', () => {
		const event = onlyMessage(bsuidOnlyMessage({ text: 'สวัสดี' }));
		expect(event.customer).toEqual({
			userId: 'HK.1502576394655843',
			name: 'Tai Man',
			username: 'tai_man',
		});
		expect(event.text).toBe('สวัสดี');
		expect(event.id).toMatch(/^wamid\./);
	});

	it('completes the customer from the matching contacts[] entry, by wa_id or by user_id', () => {
		// The message names only the BSUID; its contact entry also has the phone number.
		const change = textMessage({ from: null, userId: 'TW.88123' });
		(change.value.contacts as Array<Record<string, unknown>>)[0].wa_id = '886912345678';
		expect(onlyMessage(change).customer).toEqual({
			waId: '886912345678',
			userId: 'TW.88123',
			e164: '+886912345678',
			name: 'Customer',
		});

		// Several senders in one change: each message gets its own contact's name.
		const batch = combine(
			textMessage({ from: '85291234567', name: 'Amy' }),
			textMessage({ from: '66812345678', name: 'Nok' }),
			bsuidOnlyMessage({ name: 'Tai Man' }),
		);
		const names = parseWebhook(envelope(batch)).map((event) => event.customer.name);
		expect(names).toEqual(['Amy', 'Nok', 'Tai Man']);
	});

	it.each<[MediaType, Record<string, unknown>]>([
		['image', { caption: 'look', mimeType: 'image/jpeg' }],
		['video', { caption: 'unboxing', mimeType: 'video/mp4' }],
		['audio', { voice: true, mimeType: 'audio/ogg; codecs=opus' }],
		['document', { caption: 'invoice', filename: 'invoice.pdf', mimeType: 'application/pdf' }],
		['sticker', { animated: true, mimeType: 'image/webp' }],
	])('reads %s media with its id, type, hash and details', (type, details) => {
		const change = mediaMessage(type, { mediaId: 'media-1', ...details });
		const event = onlyMessage(change);
		const part = messageOf(change)[type] as Record<string, unknown>;
		expect(event.type).toBe(type);
		expect(event.media).toEqual({ id: 'media-1', sha256: part.sha256, ...details });
		expect(event.text).toBe(details.caption);
	});

	it('reads a location with numeric coordinates, also when Meta sends them as strings', () => {
		expect(
			onlyMessage(
				location({
					latitude: 22.2988,
					longitude: 114.1722,
					placeName: 'Shop',
					address: '1 Nathan Rd',
				}),
			).location,
		).toEqual({
			latitude: 22.2988,
			longitude: 114.1722,
			name: 'Shop',
			address: '1 Nathan Rd',
		});
		expect(
			onlyMessage(inboundMessage('location', { latitude: '13.7563', longitude: '100.5018' }))
				.location,
		).toEqual({ latitude: 13.7563, longitude: 100.5018 });
	});

	it('reads shared contact cards with their numbers in E.164 (no code: the sender\u2019s country)', () => {
		const event = onlyMessage(
			contactsMessage({
				from: '886912345678',
				contacts: [
					{
						name: 'Amy Wong',
						phones: [{ phone: '+852 6123 4567', waId: '85261234567', type: 'CELL' }],
						emails: ['amy@example.com'],
						company: 'Wong Trading',
					},
					{ name: '林美玲', phones: ['0912-000-111', 'not a number'] },
				],
			}),
		);
		expect(event.type).toBe('contacts');
		expect(event.contacts).toEqual([
			{
				name: 'Amy Wong',
				phones: [
					{ phone: '+852 6123 4567', waId: '85261234567', e164: '+85261234567', type: 'CELL' },
				],
				emails: ['amy@example.com'],
				organization: 'Wong Trading',
			},
			{
				name: '林美玲',
				phones: [
					{ phone: '0912-000-111', e164: '+886912000111', type: 'CELL' },
					{ phone: 'not a number', type: 'CELL' },
				],
				emails: [],
			},
		]);
	});

	it('reads interactive button and list replies as text', () => {
		const button = onlyMessage(
			interactiveReply({ kind: 'button_reply', replyId: 'yes', title: 'Yes please' }),
		);
		expect(button.reply).toEqual({ kind: 'button_reply', id: 'yes', title: 'Yes please' });
		expect(button.text).toBe('Yes please');
		const list = onlyMessage(
			interactiveReply({
				kind: 'list_reply',
				replyId: 'm',
				title: 'Size M',
				description: 'in stock',
			}),
		);
		expect(list.reply).toEqual({
			kind: 'list_reply',
			id: 'm',
			title: 'Size M',
			description: 'in stock',
		});
		expect(list.text).toBe('Size M');
	});

	it('reads a flow answer (nfm_reply) as data, not as text', () => {
		const event = onlyMessage(
			interactiveReply({ kind: 'nfm_reply', response: { flow_token: 't-1', size: 'M' } }),
		);
		expect(event.reply).toEqual({
			kind: 'nfm_reply',
			title: 'flow',
			payload: '{"flow_token":"t-1","size":"M"}',
			response: { flow_token: 't-1', size: 'M' },
		});
		expect(event.text).toBeUndefined();
	});

	it("reads a template's quick-reply button with its payload and the template message it answers", () => {
		const event = onlyMessage(
			templateButtonReply({
				text: 'Stop promotions',
				payload: 'STOP',
				replyTo: 'wamid.template-1',
			}),
		);
		expect(event.reply).toEqual({
			kind: 'template_button',
			title: 'Stop promotions',
			payload: 'STOP',
		});
		expect(event.text).toBe('Stop promotions');
		expect(event.context).toEqual({
			messageId: 'wamid.template-1',
			from: DEFAULT_DISPLAY_PHONE_NUMBER,
		});
	});

	it('reads a reaction, and a removed reaction (no emoji)', () => {
		expect(onlyMessage(reaction({ messageId: 'wamid.out', emoji: '❤️' })).reaction).toEqual({
			messageId: 'wamid.out',
			emoji: '❤️',
		});
		expect(onlyMessage(reaction({ messageId: 'wamid.out', emoji: null })).reaction).toEqual({
			messageId: 'wamid.out',
			removed: true,
		});
	});

	it('reads an order with numeric items', () => {
		const change = orderMessage({
			catalogId: 'cat',
			text: 'for my mum',
			items: [{ sku: 'SKU-1', quantity: 2, price: 99.5 }],
		});
		const part = messageOf(change).order as { product_items: Array<Record<string, unknown>> };
		part.product_items.push({
			product_retailer_id: 'SKU-2',
			quantity: '1',
			item_price: '10',
			currency: 'HKD',
		});
		expect(onlyMessage(change).order).toEqual({
			catalogId: 'cat',
			text: 'for my mum',
			items: [
				{ productRetailerId: 'SKU-1', quantity: 2, price: 99.5, currency: 'HKD' },
				{ productRetailerId: 'SKU-2', quantity: 1, price: 10, currency: 'HKD' },
			],
		});
	});

	it('reads a number change as a re-key from the old to the new WhatsApp id and BSUID', () => {
		const event = onlyMessage(
			systemNumberChange({
				from: '85291234567',
				userId: 'HK.111',
				newWaId: '85298765432',
				newUserId: 'HK.222',
			}),
		);
		expect(event.type).toBe('system');
		expect(event.customer).toEqual({ waId: '85291234567', userId: 'HK.111', e164: '+85291234567' });
		expect(event.system).toEqual({
			type: 'user_changed_number',
			body: 'User Customer changed from 85291234567 to 85298765432',
			previousWaId: '85291234567',
			newWaId: '85298765432',
			newE164: '+85298765432',
			previousUserId: 'HK.111',
			newUserId: 'HK.222',
		});
	});

	it('reads a BSUID change (user_changed_user_id) without inventing a number change', () => {
		const event = onlyMessage(
			inboundMessage(
				'system',
				{ body: 'User changed', type: 'user_changed_user_id', user_id: 'HK.999' },
				{ from: null, userId: 'HK.111', noContacts: true },
			),
		);
		expect(event.system).toEqual({
			type: 'user_changed_user_id',
			body: 'User changed',
			previousUserId: 'HK.111',
			newUserId: 'HK.999',
		});
	});

	it("reads Meta's user_changed_user_id message (username-only customer, parent id) as a re-key", () => {
		const event = onlyMessage(
			systemUserIdChange({
				userId: 'HK.1502576394655843',
				newUserId: 'HK.2603687405766954',
				newParentUserId: 'HK.ENT.99',
			}),
		);
		expect(event.customer).toEqual({ userId: 'HK.1502576394655843' });
		expect(event.system).toEqual({
			type: 'user_changed_user_id',
			body: 'User Customer changed from HK.1502576394655843 to HK.2603687405766954',
			previousUserId: 'HK.1502576394655843',
			newUserId: 'HK.2603687405766954',
			newParentUserId: 'HK.ENT.99',
		});
	});

	it("reads a username-only customer's REQUEST_CONTACT_INFO answer as a contacts message with their phone", () => {
		const event = onlyMessage(
			contactsMessage({
				from: null,
				userId: 'HK.1502576394655843',
				contacts: [{ name: 'Tai Man', phones: [{ phone: '+852 6123 4567', waId: '85261234567' }] }],
			}),
		);
		expect(event.customer).toMatchObject({ userId: 'HK.1502576394655843' });
		expect(event.contacts?.[0].phones[0]).toMatchObject({ e164: '+85261234567' });
	});

	it("reads a customer's edit and deletion of an earlier message", () => {
		const edit = onlyMessage(
			editMessage({ originalMessageId: 'wamid.original', text: 'make it two' }),
		);
		expect(edit.edit).toEqual({
			originalMessageId: 'wamid.original',
			type: 'text',
			text: 'make it two',
		});
		expect(edit.text).toBe('make it two');
		const revoke = onlyMessage(revokeMessage({ originalMessageId: 'wamid.original' }));
		expect(revoke.revoke).toEqual({ originalMessageId: 'wamid.original' });
		expect(revoke.text).toBeUndefined();
	});

	it('reads unsupported messages with the kind Meta could not pass on and its error', () => {
		const event = onlyMessage(unsupportedMessage({ unsupportedType: 'poll_creation' }));
		expect(event.type).toBe('unsupported');
		expect(event.unsupportedType).toBe('poll_creation');
		expect(event.errors).toEqual([
			expect.objectContaining({
				code: 131051,
				retryable: false,
				details: 'Message type is currently not supported.',
			}),
		]);
	});

	it('keeps types it does not model, with their raw part, without failing', () => {
		const future = onlyMessage(inboundMessage('hologram', { beam: 1 }));
		expect(future.type).toBe('hologram');
		expect(future.raw).toMatchObject({ hologram: { beam: 1 } });
		expect(future.customer.e164).toBe('+85291234567');
		expect(onlyMessage(inboundMessage('request_welcome', undefined)).type).toBe('request_welcome');
		const untyped = onlyMessage(inboundMessage('text', { body: 'x' }, {}, { type: undefined }));
		expect(untyped.type).toBe('unknown');
	});

	it('keeps reply context, forwarding, referred products and click-to-WhatsApp referrals', () => {
		const change = textMessage({
			text: 'this one',
			replyTo: 'wamid.prev',
			forwarded: true,
			referral: {
				source_url: 'https://fb.me/ad',
				source_id: '1201',
				source_type: 'ad',
				headline: 'Spring sale',
				body: 'Up to 50 % off',
				media_type: 'image',
				image_url: 'https://example.com/ad.jpg',
				ctwa_clid: 'ARAkLkA',
				welcome_message: { text: 'Hi! Ask us anything' },
			},
		});
		(messageOf(change).context as Record<string, unknown>).referred_product = {
			catalog_id: 'cat',
			product_retailer_id: 'SKU-9',
		};
		const event = onlyMessage(change);
		expect(event.context).toEqual({
			messageId: 'wamid.prev',
			from: DEFAULT_DISPLAY_PHONE_NUMBER,
			forwarded: true,
			referredProduct: { catalogId: 'cat', productRetailerId: 'SKU-9' },
		});
		expect(event.referral).toEqual({
			sourceUrl: 'https://fb.me/ad',
			sourceId: '1201',
			sourceType: 'ad',
			headline: 'Spring sale',
			body: 'Up to 50 % off',
			mediaType: 'image',
			imageUrl: 'https://example.com/ad.jpg',
			ctwaClid: 'ARAkLkA',
			welcomeMessage: 'Hi! Ask us anything',
		});
	});

	it('marks messages from a group', () => {
		expect(
			onlyMessage(inboundMessage('text', { body: 'hi all' }, {}, { group_id: 'group-1' })).groupId,
		).toBe('group-1');
	});
});

describe('parseWebhook: delivery statuses', () => {
	it('reads a failed status with its errors from the catalogue and Meta\u2019s own words', () => {
		const event = onlyStatus(
			statusUpdate('failed', {
				id: 'wamid.out',
				recipient: '886912345678',
				bizOpaqueCallbackData: 'campaign-7',
				errors: [
					{
						code: 131047,
						title: 'Re-engagement message',
						details: 'More than 24 hours since the customer last replied.',
					},
				],
			}),
		);
		expect(event).toMatchObject({
			kind: 'status',
			id: 'wamid.out',
			field: 'messages',
			status: 'failed',
			timestamp: DEFAULT_ISO,
			customer: { waId: '886912345678', e164: '+886912345678' },
			bizOpaqueCallbackData: 'campaign-7',
		});
		expect(event.errors).toEqual([
			{
				code: 131047,
				title: expect.stringMatching(/24 hours/),
				retryable: false,
				message: 'Re-engagement message',
				details: 'More than 24 hours since the customer last replied.',
				href: expect.stringMatching(/^https:/),
			},
		]);
		expect(event.pricing).toBeUndefined();
	});

	it('marks transient failures as retryable and unknown codes as not', () => {
		const codes = (code: number) =>
			onlyStatus(statusUpdate('failed', { errors: [{ code }] })).errors![0];
		expect(codes(130429)).toMatchObject({ code: 130429, retryable: true });
		expect(codes(131026)).toMatchObject({ code: 131026, retryable: false });
		expect(codes(999999)).toMatchObject({
			code: 999999,
			retryable: false,
			title: expect.stringMatching(/Unknown/),
		});
	});

	it('reads a status that went straight to read, with pricing and conversation', () => {
		const change = statusUpdate('read', {
			id: 'wamid.out2',
			recipient: '66812345678',
			category: 'marketing',
			conversationId: 'conv',
		});
		const conversation = (
			change.value.statuses as Array<Record<string, Record<string, unknown>>>
		)[0].conversation;
		conversation.expiration_timestamp = '1795386400';
		const event = onlyStatus(change);
		expect(event).toMatchObject({
			status: 'read',
			customer: { waId: '66812345678', e164: '+66812345678' },
			conversation: { id: 'conv', originType: 'marketing', expiresAt: '2026-11-22T22:26:40.000Z' },
			pricing: { billable: true, pricingModel: 'PMP', category: 'marketing', type: 'regular' },
		});
		expect(event.errors).toBeUndefined();
	});

	it('reads the recipient by BSUID, with the name and username from contacts[]', () => {
		const event = onlyStatus(
			statusUpdate('delivered', {
				recipient: null,
				recipientUserId: 'HK.15025',
				withContact: { name: 'Tai Man', username: 'tai_man' },
			}),
		);
		expect(event.customer).toEqual({ userId: 'HK.15025', name: 'Tai Man', username: 'tai_man' });
	});

	it('takes the recipient BSUID from contacts[] when the status only names the phone', () => {
		const change = statusUpdate('delivered', {
			recipient: '85291234567',
			withContact: { name: 'Amy' },
		});
		(change.value.contacts as Array<Record<string, unknown>>)[0].user_id = 'HK.42';
		expect(onlyStatus(change).customer).toEqual({
			waId: '85291234567',
			userId: 'HK.42',
			e164: '+85291234567',
			name: 'Amy',
		});
	});

	it('reads a status of a group message with the group, not a customer', () => {
		const change = statusUpdate('delivered', { recipient: 'group-1' });
		(change.value.statuses as Array<Record<string, unknown>>)[0].recipient_type = 'group';
		const event = onlyStatus(change);
		expect(event.groupId).toBe('group-1');
		expect(event.customer).toEqual({});
	});
});

describe('parseWebhook: account errors, batches and other fields', () => {
	it('reads value.errors as one error event whose id is stable across re-deliveries', () => {
		const body = envelope(webhookErrors([{ code: 131000, details: 'boom' }, { code: 131048 }]));
		const [event] = parseWebhook(body) as WhatsAppErrorEvent[];
		expect(event).toMatchObject({
			kind: 'error',
			field: 'messages',
			wabaId: DEFAULT_WABA_ID,
			phoneNumberId: DEFAULT_PHONE_NUMBER_ID,
			customer: {},
			timestampEstimated: true,
		});
		expect(event.errors).toEqual([
			expect.objectContaining({
				code: 131000,
				retryable: true,
				message: 'Something went wrong',
				details: 'boom',
			}),
			expect.objectContaining({
				code: 131048,
				retryable: false,
				title: expect.stringMatching(/[Ss]pam/),
			}),
		]);
		expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
		expect((parseWebhook(JSON.parse(JSON.stringify(body))) as WhatsAppErrorEvent[])[0].id).toBe(
			event.id,
		);
		const other = parseWebhook(envelope(webhookErrors([{ code: 131000, details: 'else' }])))[0];
		expect(other.id).not.toBe(event.id);
	});

	it('reads every message and status of every entry and change, in order', () => {
		const first = envelopeFor(
			'waba-1',
			textMessage({ id: 'm1' }),
			statusUpdate('sent', { id: 's1' }),
		);
		const second = envelopeFor(
			'waba-2',
			combine(
				textMessage({ id: 'm2' }),
				textMessage({ id: 'm3', from: '66812345678' }),
				statusUpdate('read', { id: 's2' }),
			),
			webhookErrors(),
		);
		const events = parseWebhook(mergeBodies(first, second));
		expect(
			events.map(
				(event) => `${event.wabaId}:${event.kind}:${event.kind === 'error' ? '' : event.id}`,
			),
		).toEqual([
			'waba-1:message:m1',
			'waba-1:status:s1',
			'waba-2:message:m2',
			'waba-2:message:m3',
			'waba-2:status:s2',
			'waba-2:error:',
		]);
	});

	it('passes over other change fields (account updates) without events; template status is a template event', () => {
		const body = envelope(templateStatusUpdate({ event: 'APPROVED' }), textMessage({ id: 'm1' }), {
			field: 'account_update',
			value: { event: 'VERIFIED_ACCOUNT' },
		});
		expect(parseWebhook(body).map((event) => event.kind)).toEqual(['template', 'message']);
		expect(parseWebhook(body)[1].id).toBe('m1');
	});

	it('emits other change fields as change events when asked', () => {
		// Template and call fields have event kinds of their own (test/unit/coexistence.test.ts).
		const template = { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } };
		const body = envelope(template, textMessage({ id: 'm1' }), {
			field: 'phone_number_quality_update',
			value: { metadata: { phone_number_id: 'p-9' }, current_limit: 'TIER_1K' },
		});
		body.entry[0].time = 1795300000;
		const events = parseWebhook(body, { includeOtherFields: true });
		expect(events.map((event) => event.kind)).toEqual(['change', 'message', 'change']);
		const change = events[0] as WhatsAppChangeEvent;
		expect(change).toEqual({
			kind: 'change',
			field: 'account_update',
			wabaId: DEFAULT_WABA_ID,
			timestamp: DEFAULT_ISO,
			value: template.value,
		});
		expect(change.value).toBe(template.value);
		expect((events[2] as WhatsAppChangeEvent).phoneNumberId).toBe('p-9');
	});

	it('gives no events for another object type, whatever its shape', () => {
		expect(parseWebhook({ object: 'page', entry: 'whatever' })).toEqual([]);
		expect(
			parseWebhook({
				object: 'instagram',
				entry: [{ id: '1', changes: [{ field: 'messages', value: {} }] }],
			}),
		).toEqual([]);
		expect(parseWebhook({ entry: [] })).toEqual([]);
	});

	it('gives no events for an empty entry list or a change with no messages, statuses or errors', () => {
		expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual([]);
		expect(
			parseWebhook(
				envelope({
					field: 'messages',
					value: { messaging_product: 'whatsapp', metadata: { phone_number_id: 'p' } },
				}),
			),
		).toEqual([]);
	});

	it('never writes to the body it reads', () => {
		const body = deepFreeze(
			envelope(
				combine(textMessage(), contactsMessage(), systemNumberChange(), statusUpdate('failed')),
				templateStatusUpdate(),
			),
		);
		expect(() => parseWebhook(body, { includeOtherFields: true })).not.toThrow();
	});
});

describe('parseWebhook: what one bad part does to the rest', () => {
	it('keeps a message with an unreadable timestamp, at the time of receipt, and the others untouched', () => {
		const batch = combine(
			textMessage({ id: 'bad', timestamp: 'yesterday' }),
			textMessage({ id: 'good' }),
			textMessage({ id: 'huge', timestamp: '99999999999999999999' }),
		);
		const before = Date.now();
		const events = parseWebhook(envelope(batch));
		expect(events.map((event) => event.id)).toEqual(['bad', 'good', 'huge']);
		expect(events[1]).toMatchObject({ timestamp: DEFAULT_ISO });
		expect(events[1].timestampEstimated).toBeUndefined();
		for (const estimated of [events[0], events[2]]) {
			expect(estimated.timestampEstimated).toBe(true);
			expect(Date.parse(estimated.timestamp)).toBeGreaterThanOrEqual(before - 1000);
		}
	});

	it('skips list items that are not objects and keeps the rest', () => {
		const change = textMessage({ id: 'kept' });
		(change.value.messages as unknown[]).unshift(null, 'text', 42);
		expect(parseWebhook(envelope(change)).map((event) => event.id)).toEqual(['kept']);
	});

	it('gives a message without an id a stable stand-in, so duplicates stay detectable', () => {
		const change = textMessage();
		delete messageOf(change).id;
		const [first] = parseWebhook(envelope(change));
		const [second] = parseWebhook(envelope(change));
		expect(first.id).toMatch(/^nowamid:85291234567:/);
		expect(second.id).toBe(first.id);
	});

	it.each<[string, unknown, RegExp, string | undefined]>([
		['a string body', 'hello', /the body is the string "hello", not a JSON object/, undefined],
		['null', null, /the body is null/, undefined],
		['an array', [], /the body is an array/, undefined],
		[
			'entry that is not an array',
			{ object: 'whatsapp_business_account', entry: {} },
			/"entry" is an object, expected an array/,
			'"entry"',
		],
		['a missing entry', { object: 'whatsapp_business_account' }, /"entry" is missing/, '"entry"'],
		[
			'an entry that is not an object',
			{ object: 'whatsapp_business_account', entry: [null] },
			/entry\[0\] is null/,
			'entry[0]',
		],
		[
			'changes that are not an array',
			{ object: 'whatsapp_business_account', entry: [{ id: '1', changes: 'x' }] },
			/entry\[0\]\.changes is the string "x", expected an array/,
			'entry[0].changes',
		],
		[
			'a change that is not an object',
			{ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [7] }] },
			/entry\[0\]\.changes\[0\] is a number/,
			'entry[0].changes[0]',
		],
		[
			'a messages change without a value',
			{
				object: 'whatsapp_business_account',
				entry: [{ id: '1', changes: [{ field: 'messages' }] }],
			},
			/changes\[0\]\.value is missing/,
			'entry[0].changes[0].value',
		],
		[
			'messages that are not an array',
			envelope({
				field: 'messages',
				value: { metadata: { phone_number_id: 'p' }, messages: { id: 'x' } },
			}),
			/value\.messages is an object, expected an array/,
			'entry[0].changes[0].value.messages',
		],
		[
			'statuses that are not an array',
			envelope({
				field: 'messages',
				value: { metadata: { phone_number_id: 'p' }, statuses: 'sent' },
			}),
			/value\.statuses is the string "sent"/,
			'entry[0].changes[0].value.statuses',
		],
		[
			'a change without a phone number id',
			envelope({ field: 'messages', value: { metadata: {} } }),
			/phone_number_id is missing/,
			'entry[0].changes[0].value.metadata.phone_number_id',
		],
	])('refuses %s with WebhookPayloadError saying where', (_, body, message, path) => {
		let thrown: unknown;
		try {
			parseWebhook(body);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(WebhookPayloadError);
		const error = thrown as WebhookPayloadError;
		expect(error.name).toBe('WebhookPayloadError');
		expect(error.message).toMatch(/^Not a WhatsApp Cloud API webhook payload: /);
		expect(error.message).toMatch(message);
		expect(error.path).toBe(path);
	});
});

describe('whatsappPayloads simulator', () => {
	it('makes wamids in Meta\u2019s shape, the same for the same seed', () => {
		expect(wamid('a')).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
		expect(wamid('a')).toBe(wamid('a'));
		expect(wamid('a')).not.toBe(wamid('b'));
	});

	it('keeps empty lists when asked, and a bare status holds only id, status, timestamp and recipient', () => {
		const status = statusUpdate('delivered', {
			bare: true,
			recipient: '85291234567',
			id: 'wamid.out-1',
			timestamp: 1795300002,
		});
		expect(combineWithEmptyLists(status).value).toEqual({
			messaging_product: 'whatsapp',
			metadata: {
				display_phone_number: DEFAULT_DISPLAY_PHONE_NUMBER,
				phone_number_id: DEFAULT_PHONE_NUMBER_ID,
			},
			contacts: [],
			messages: [],
			statuses: [
				{
					id: 'wamid.out-1',
					status: 'delivered',
					timestamp: '1795300002',
					recipient_id: '85291234567',
				},
			],
		});
		expect(Object.keys(combine(textMessage()).value)).toEqual([
			'messaging_product',
			'metadata',
			'contacts',
			'messages',
		]);
	});

	it('makes the same realistic mix for the same seed, and another for another seed', () => {
		expect(JSON.stringify(realisticMix(300, 7))).toBe(JSON.stringify(realisticMix(300, 7)));
		expect(JSON.stringify(realisticMix(300, 7))).not.toBe(JSON.stringify(realisticMix(300, 8)));
	});

	it('makes a mix the parser reads completely: mostly texts and statuses, some media, batches and BSUID-only users', () => {
		const bodies = realisticMix(3000, 42);
		expect(bodies).toHaveLength(3000);
		const events: WhatsAppEvent[] = bodies.flatMap((body) => parseWebhook(body));
		const count = (predicate: (event: WhatsAppEvent) => boolean) => events.filter(predicate).length;
		const messages = count((event) => event.kind === 'message');
		const statuses = count((event) => event.kind === 'status');
		// The mix's odd template status update is a template event.
		const templates = count((event) => event.kind === 'template');
		expect(messages + statuses + templates).toBe(events.length);
		expect(
			count((event) => event.kind === 'message' && event.type === 'text') / events.length,
		).toBeGreaterThan(0.4);
		expect(statuses / events.length).toBeGreaterThan(0.3);
		expect(
			count(
				(event) =>
					event.kind === 'message' &&
					['image', 'audio', 'video', 'document', 'sticker'].includes(event.type),
			),
		).toBeGreaterThan(50);
		expect(count((event) => event.kind === 'status' && event.status === 'failed')).toBeGreaterThan(
			10,
		);
		expect(
			bodies.some(
				(body) => ((body.entry[0].changes[0].value.messages as unknown[]) ?? []).length > 1,
			),
		).toBe(true);
		expect(bodies.some((body) => body.entry[0].changes[0].field !== 'messages')).toBe(true);
		// Every event names its customer by a valid phone or a BSUID; some only by the BSUID.
		// (Template events belong to the account: no customer, dated by the entry the mix leaves out.)
		const customerEvents = events.filter((event) => event.kind !== 'template');
		expect(
			customerEvents.every(
				(event) => event.customer.e164 !== undefined || event.customer.userId !== undefined,
			),
		).toBe(true);
		expect(count((event) => event.customer.e164 === undefined)).toBeGreaterThan(templates);
		expect(customerEvents.some((event) => event.timestampEstimated)).toBe(false);
	});
});

describe('parseWebhook: hostile fields (issue 15.5, 15.8, 15.9)', () => {
	it('reads a timestamp in milliseconds as milliseconds, flagged estimated', () => {
		const events = parseWebhook(
			envelope(
				combine(
					textMessage({ id: 'ms-string', timestamp: '1795300000123' }),
					textMessage({ id: 'ms-number', timestamp: 1795300000000 as unknown as string }),
					textMessage({ id: 'seconds' }),
					statusUpdate('read', { id: 'status-ms', timestamp: 1795300000000 }),
				),
			),
		);
		expect(events.map((event) => [event.id, event.timestamp, event.timestampEstimated])).toEqual([
			['ms-string', '2026-11-21T22:26:40.123Z', true],
			['ms-number', DEFAULT_ISO, true],
			['seconds', DEFAULT_ISO, undefined],
			['status-ms', DEFAULT_ISO, true],
		]);
	});

	it('never merges two different events that have no usable id, and keeps redeliveries alike', () => {
		const first = textMessage({ id: '', text: 'I want to order' });
		const second = textMessage({ id: '', text: 'cancel my order' });
		const blank = textMessage({ id: '   ', text: 'third' });
		const events = parseWebhook(envelope(combine(first, second, blank)));
		expect(events).toHaveLength(3);
		const ids = events.map((event) => event.id);
		expect(new Set(ids).size).toBe(3);
		for (const event of events) {
			expect(event.id).toMatch(/^nowamid:85291234567:[0-9a-f]{32}$/);
			expect(event.idDerived).toBe(true);
		}
		expect(parseWebhook(envelope(first))[0].id).toBe(ids[0]);
		// Same second, same sender, same type: the old stand-in (sender, time, type) was one id.
		const again = textMessage({ text: 'other words' });
		delete messageOf(again).id;
		const noId = textMessage();
		delete messageOf(noId).id;
		expect(parseWebhook(envelope(again))[0].id).not.toBe(parseWebhook(envelope(noId))[0].id);
		// Statuses too: two failures without an id are two events, not one.
		const statuses = parseWebhook(
			envelope(
				combine(
					statusUpdate('failed', { id: '', recipient: '85291234567' }),
					statusUpdate('failed', { id: '', recipient: '85298765432' }),
				),
			),
		);
		expect(statuses.map((event) => event.id)).toEqual([
			expect.stringMatching(/^nowamid:85291234567:/),
			expect.stringMatching(/^nowamid:85298765432:/),
		]);
		// A real id is used as it is.
		expect(onlyMessage(textMessage({ id: 'wamid.X' }))).not.toHaveProperty('idDerived');
	});

	it('reads a field that is an object with a non-callable toString without converting it', () => {
		const hostile = { toString: 1, valueOf: 1 };
		expect(parseWebhook({ object: hostile, entry: [] })).toEqual([]);
		const change = textMessage();
		const message = messageOf(change);
		delete message.id;
		message.timestamp = hostile;
		message.from = hostile;
		message.type = hostile;
		const [event] = parseWebhook(envelope(change));
		expect(event).toMatchObject({ kind: 'message', type: 'unknown', timestampEstimated: true });
		expect(event.id).toMatch(/^nowamid:unknown:/);
		const status = statusUpdate('failed', { id: 'wamid.S' });
		const entry = (status.value.statuses as Array<Record<string, unknown>>)[0];
		entry.status = hostile;
		entry.errors = [{ code: hostile, message: hostile, error_data: { details: hostile } }];
		expect(() => parseWebhook(envelope(status))).not.toThrow();
		const accountErrors = webhookErrors();
		(accountErrors.value.errors as Array<Record<string, unknown>>)[0].code = hostile;
		expect(() => parseWebhook(envelope(accountErrors))).not.toThrow();
	});
});

describe("parseWebhook: Meta's ids that key duplicate deliveries are bounded (issue 15 follow-up)", () => {
	const long = '1'.repeat(65);
	const refusal = (body: unknown, options: { includeOtherFields?: boolean } = {}) => {
		try {
			parseWebhook(body, options);
		} catch (error) {
			expect(error).toBeInstanceOf(WebhookPayloadError);
			return (error as WebhookPayloadError).message;
		}
		throw new Error('read a body with an over-long id');
	};

	it('refuses an entry id or phone number id longer than 64 characters, naming where', () => {
		expect(refusal(envelopeFor(long, textMessage()))).toBe(
			"Not a WhatsApp Cloud API webhook payload: entry[0].id is 65 characters long; Meta's ids have at most 64",
		);
		expect(refusal(envelope(textMessage({ phoneNumberId: long })))).toBe(
			"Not a WhatsApp Cloud API webhook payload: entry[0].changes[0].value.metadata.phone_number_id is 65 characters long; Meta's ids have at most 64",
		);
		expect(refusal(envelope(userPreferences({ phoneNumberId: long })))).toMatch(
			/phone_number_id is 65 characters long/,
		);
		expect(refusal(envelope(messageEcho({ phoneNumberId: long })))).toMatch(
			/phone_number_id is 65 characters long/,
		);
		expect(refusal(envelope(callConnect({ phoneNumberId: long })))).toMatch(
			/phone_number_id is 65 characters long/,
		);
		const other = envelope({
			field: 'account_update',
			value: { metadata: { phone_number_id: long } },
		} as unknown as Parameters<typeof envelope>[0]);
		expect(refusal(other, { includeOtherFields: true })).toMatch(
			/phone_number_id is 65 characters long/,
		);
		// The refusal echoes the length, never the id itself.
		expect(refusal(envelopeFor('9'.repeat(100_000), textMessage()))).not.toContain('9999');
	});

	it('keeps ids of up to 64 characters as they are', () => {
		const id = '1'.repeat(64);
		const [event] = parseWebhook(envelopeFor(id, textMessage({ phoneNumberId: id })));
		expect(event).toMatchObject({ wabaId: id, phoneNumberId: id });
	});
});
