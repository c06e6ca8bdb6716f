/** Template seeds: the default set, and the authentication and campaign templates tests add. */
import type { SimTemplate } from './types';

/** Positional and named parameters, text and image headers, URL and quick-reply buttons, and non-approved states. */
export function defaultTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000001',
			name: 'hello_world',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'TEXT', text: 'Hello World' },
				{
					type: 'BODY',
					text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification.',
				},
				{ type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
			],
		},
		{
			id: '140000000000002',
			name: 'order_update',
			language: 'en_US',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'HEADER',
					format: 'TEXT',
					text: 'Order {{1}}',
					example: { header_text: ['A-1001'] },
				},
				{
					type: 'BODY',
					text: 'Hi {{1}}, your order {{2}} has shipped and arrives on {{3}}.',
					example: { body_text: [['Mei', 'A-1001', '3 May']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{
					type: 'BUTTONS',
					buttons: [
						{ type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' },
						{ type: 'QUICK_REPLY', text: 'Talk to us' },
					],
				},
			],
		},
		{
			id: '140000000000003',
			name: 'order_update',
			language: 'zh_HK',
			status: 'APPROVED',
			category: 'UTILITY',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: '{{1}} 你好，你的訂單 {{2}} 已寄出。',
					example: { body_text: [['陳小姐', 'A-1001']] },
				},
			],
		},
		{
			id: '140000000000004',
			name: 'welcome_named',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'NAMED',
			components: [
				{
					type: 'BODY',
					text: 'Hello {{customer_name}}, welcome to {{shop_name}}!',
					example: {
						body_text_named_params: [
							{ param_name: 'customer_name', example: 'Mei' },
							{ param_name: 'shop_name', example: 'Acme' },
						],
					},
				},
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
		{
			id: '140000000000005',
			name: 'spring_sale',
			language: 'zh_HK',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
				{ type: 'BODY', text: '春季優惠：全單 {{1}} 折！', example: { body_text: [['8']] } },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: '了解更多' }] },
			],
		},
		{
			id: '140000000000006',
			name: 'pending_offer',
			language: 'en_US',
			status: 'PENDING',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'A new offer for {{1}}' }],
		},
		{
			id: '140000000000007',
			name: 'paused_offer',
			language: 'en_US',
			status: 'PAUSED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [{ type: 'BODY', text: 'Paused offer for {{1}}' }],
		},
	];
}

/**
 * An authentication template with a copy-code button (Meta's shape: body `{{1}}` is the code, one
 * OTP button whose code goes in a `url` button parameter). Source:
 * https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates
 * Not in the default seed: add it with `state.addTemplate(SIM.wabaId, template)`.
 */
export function authenticationTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000020',
			name: 'login_code',
			language: 'en_US',
			status: 'APPROVED',
			category: 'AUTHENTICATION',
			parameter_format: 'POSITIONAL',
			components: [
				{ type: 'BODY', text: '{{1}} is your verification code.' },
				{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
			],
		},
	];
}

/**
 * Marketing templates of the offer and win-back example workflows. Not in the default seed (whose
 * counts other tests rely on): add them with `state.addTemplate(SIM.wabaId, template)`.
 */
export function campaignTemplates(): SimTemplate[] {
	return [
		{
			id: '140000000000008',
			name: 'discount_offer',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: 'Hi {{1}}, thanks for your questions! Here is {{2}} off your order: use code {{3}} at checkout within 7 days.',
					example: { body_text: [['Mei', '10%', 'WA10']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
		{
			id: '140000000000009',
			name: 'win_back',
			language: 'en_US',
			status: 'APPROVED',
			category: 'MARKETING',
			parameter_format: 'POSITIONAL',
			components: [
				{
					type: 'BODY',
					text: 'We miss you, {{1}}! It has been a while, so here is {{2}} off your next order with code {{3}}.',
					example: { body_text: [['Mei', '15%', 'BACK15']] },
				},
				{ type: 'FOOTER', text: 'Reply STOP to opt out' },
				{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
			],
		},
	];
}
