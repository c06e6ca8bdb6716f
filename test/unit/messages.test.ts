import { axiosTransport } from '../../lib/http/transport';
import { GraphClient } from '../../lib/whatsapp/graphClient';
import type { MessageTemplate } from '../../lib/whatsapp/graphClient';
import {
	buttonsMessage,
	listMessage,
	mediaMessage,
	MessageInputError,
	reactionMessage,
	templateMessage,
	textMessage,
} from '../../lib/whatsapp/messages';
import { defaultTemplates, SIM, startGraphApiSimulator } from '../../devkit/simulators/graphApi';

const templates = defaultTemplates() as unknown as MessageTemplate[];
const template = (name: string, language = 'en_US') =>
	templates.find((t) => t.name === name && t.language === language)!;
const to = '85291234567';

describe('templateMessage', () => {
	it('fills positional header, body and URL button parameters', () => {
		const message = templateMessage(
			{ to, bizOpaqueCallbackData: 'campaign-1' },
			{
				template: template('order_update'),
				header: { text: ['A-1001'] },
				body: ['Mei', 'A-1001', '3 May'],
				buttons: [{ index: 0, text: 'A-1001' }],
			},
		);
		expect(message).toEqual({
			recipient_type: 'individual',
			to,
			biz_opaque_callback_data: 'campaign-1',
			type: 'template',
			template: {
				name: 'order_update',
				language: { code: 'en_US' },
				components: [
					{ type: 'header', parameters: [{ type: 'text', text: 'A-1001' }] },
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Mei' },
							{ type: 'text', text: 'A-1001' },
							{ type: 'text', text: '3 May' },
						],
					},
					{
						type: 'button',
						sub_type: 'url',
						index: '0',
						parameters: [{ type: 'text', text: 'A-1001' }],
					},
				],
			},
		});
	});

	it('fills named parameters by name', () => {
		const message = templateMessage(
			{ to },
			{ template: template('welcome_named'), body: { shop_name: 'Acme', customer_name: 'Mei' } },
		);
		expect((message.template as { components: unknown[] }).components).toEqual([
			{
				type: 'body',
				parameters: [
					{ type: 'text', parameter_name: 'customer_name', text: 'Mei' },
					{ type: 'text', parameter_name: 'shop_name', text: 'Acme' },
				],
			},
		]);
	});

	it('needs a media header link or id', () => {
		expect(() =>
			templateMessage({ to }, { template: template('spring_sale', 'zh_HK'), body: ['8'] }),
		).toThrow(/image header/);
		const message = templateMessage(
			{ to },
			{
				template: template('spring_sale', 'zh_HK'),
				header: { media: { link: 'https://x/y.jpg' } },
				body: ['8'],
			},
		);
		expect((message.template as { components: unknown[] }).components[0]).toEqual({
			type: 'header',
			parameters: [{ type: 'image', image: { link: 'https://x/y.jpg' } }],
		});
	});

	it.each([
		[
			'too few body parameters',
			{ body: ['Mei', 'A-1001'] },
			/body needs 3 parameters \(\{\{1\}\}, \{\{2\}\}, \{\{3\}\}\), got 2/,
		],
		['too many body parameters', { body: ['a', 'b', 'c', 'd'] }, /body needs 3 parameters/],
		['a blank body parameter', { body: ['Mei', ' ', 'x'] }, /got 2/],
		[
			'no value for the tracking link',
			{ body: ['a', 'b', 'c'], header: { text: ['1'] } },
			/button 1 \("Track"\) needs the value for its link/,
		],
	])('refuses %s before anything is sent', (_, values, message) => {
		expect(() =>
			templateMessage(
				{ to },
				{ template: template('order_update'), header: { text: ['A-1'] }, ...values },
			),
		).toThrow(message);
	});

	it('names the missing and unknown named parameters', () => {
		expect(() =>
			templateMessage(
				{ to },
				{ template: template('welcome_named'), body: { customer_name: 'Mei' } },
			),
		).toThrow(/missing \{\{shop_name\}\}/);
		expect(() =>
			templateMessage(
				{ to },
				{
					template: template('welcome_named'),
					body: { customer_name: 'Mei', shop_name: 'A', coupon: 'X' },
				},
			),
		).toThrow(/has no \{\{coupon\}\}/);
	});

	it('refuses parameters for a template without placeholders', () => {
		expect(() =>
			templateMessage({ to }, { template: template('hello_world'), body: ['x'] }),
		).toThrow(MessageInputError);
		expect(templateMessage({ to }, { template: template('hello_world') }).template).toEqual({
			name: 'hello_world',
			language: { code: 'en_US' },
		});
	});
});

describe('session messages', () => {
	it('builds text with a quoted reply, and refuses empty or overlong text', () => {
		expect(textMessage({ to, replyTo: 'wamid.in' }, 'Hi!')).toMatchObject({
			type: 'text',
			text: { body: 'Hi!' },
			context: { message_id: 'wamid.in' },
		});
		expect(() => textMessage({ to }, '  ')).toThrow(/empty/);
		expect(() => textMessage({ to }, 'x'.repeat(4097))).toThrow(/4,096/);
	});

	it('builds media by link or id and keeps captions where WhatsApp shows them', () => {
		expect(
			mediaMessage({ to }, 'document', { id: 'm1', caption: 'Invoice', filename: 'inv.pdf' }),
		).toMatchObject({
			type: 'document',
			document: { id: 'm1', caption: 'Invoice', filename: 'inv.pdf' },
		});
		expect(
			mediaMessage({ to }, 'audio', { link: 'https://x/a.ogg', caption: 'ignored' }),
		).toMatchObject({ audio: { link: 'https://x/a.ogg' } });
		expect(() => mediaMessage({ to }, 'image', {})).toThrow(/link or a media id/);
	});

	it('builds reply buttons and lists within WhatsApp limits', () => {
		expect(
			buttonsMessage({ to }, 'Did this solve it?', [
				{ id: 'yes', title: 'Yes' },
				{ id: 'no', title: 'No' },
			]),
		).toMatchObject({
			interactive: {
				type: 'button',
				action: {
					buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, expect.anything()],
				},
			},
		});
		expect(() =>
			buttonsMessage(
				{ to },
				'x',
				[1, 2, 3, 4].map((i) => ({ id: `${i}`, title: `${i}` })),
			),
		).toThrow(/1 to 3/);
		expect(() => buttonsMessage({ to }, 'x', [{ id: 'a', title: 'a'.repeat(21) }])).toThrow(
			/20 characters/,
		);
		expect(
			listMessage({ to }, 'Pick a size', 'Sizes', [{ rows: [{ id: 's', title: 'S' }] }]),
		).toMatchObject({ interactive: { type: 'list' } });
		expect(() => listMessage({ to }, 'x', 'y', [{ rows: [] }])).toThrow(/1 to 10 rows/);
	});

	it('builds reactions and refuses a correlation id over 512 bytes', () => {
		expect(reactionMessage({ to }, 'wamid.in', '👍')).toMatchObject({
			type: 'reaction',
			reaction: { message_id: 'wamid.in', emoji: '👍' },
		});
		expect(() => textMessage({ to, bizOpaqueCallbackData: '字'.repeat(200) }, 'hi')).toThrow(
			/512 bytes/,
		);
		expect(() => textMessage({ to: '' }, 'hi')).toThrow(/recipient/);
	});
});

describe('against the Graph API simulator', () => {
	it("is accepted by Meta's contract for every approved template and message kind", async () => {
		const sim = await startGraphApiSimulator({ limits: false });
		try {
			const client = new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: sim.url,
				version: 'v26.0',
			});
			const approved = await client.listTemplates(SIM.wabaId, { status: 'APPROVED' });
			const values: Record<string, Parameters<typeof templateMessage>[1]> = {
				'hello_world/en_US': { template: template('hello_world') },
				'order_update/en_US': {
					template: template('order_update'),
					header: { text: ['A-1'] },
					body: ['Mei', 'A-1', 'Fri'],
					buttons: [{ index: 0, text: 'A-1' }],
				},
				'order_update/zh_HK': {
					template: template('order_update', 'zh_HK'),
					body: ['陳小姐', 'A-1'],
				},
				'welcome_named/en_US': {
					template: template('welcome_named'),
					body: { customer_name: 'Mei', shop_name: 'Acme' },
				},
				'spring_sale/zh_HK': {
					template: template('spring_sale', 'zh_HK'),
					header: { media: { link: 'https://x/y.jpg' } },
					body: ['8'],
				},
			};
			for (const listed of approved) {
				const input = values[`${listed.name}/${listed.language}`];
				expect(input).toBeDefined();
				await expect(
					client.sendMessage(
						SIM.phoneNumberId,
						templateMessage({ to }, { ...input, template: listed }),
					),
				).resolves.toMatchObject({
					messageId: expect.stringMatching(/^wamid\./),
				});
			}
			sim.state.recordInbound(SIM.phoneNumberId, to, Date.now());
			for (const message of [
				textMessage({ to }, 'hi'),
				mediaMessage({ to }, 'image', { link: 'https://x/y.jpg', caption: 'c' }),
				buttonsMessage({ to }, 'ok?', [{ id: 'y', title: 'Yes' }]),
				reactionMessage({ to }, 'wamid.in', '👍'),
			]) {
				await expect(client.sendMessage(SIM.phoneNumberId, message)).resolves.toMatchObject({
					messageId: expect.any(String),
				});
			}
		} finally {
			await sim.stop();
		}
	});
});

describe('recipients: phone numbers in `to`, business-scoped user ids in `recipient`', () => {
	const USER_ID = 'HK.1502576394655843';
	const PARENT = 'US.ENT.11815799212886844830';
	const builders: Array<[string, (to: string) => Record<string, unknown>]> = [
		['text', (to) => textMessage({ to }, 'hi')],
		['media', (to) => mediaMessage({ to }, 'image', { id: '1' })],
		['buttons', (to) => buttonsMessage({ to }, 'ok?', [{ id: 'y', title: 'Yes' }])],
		['list', (to) => listMessage({ to }, 'pick', 'Menu', [{ rows: [{ id: 'a', title: 'A' }] }])],
		['reaction', (to) => reactionMessage({ to }, 'wamid.in', '👍')],
		['template', (to) => templateMessage({ to }, { template: template('hello_world') })],
	];

	it.each(builders)('%s: a user id or parent id goes in recipient, a phone in to', (_, build) => {
		for (const id of [USER_ID, PARENT, 'TW.abcDEF123']) {
			const message = build(id);
			expect(message.recipient).toBe(id);
			expect(message).not.toHaveProperty('to');
		}
		const phone = build('+85291234567');
		expect(phone.to).toBe('+85291234567');
		expect(phone).not.toHaveProperty('recipient');
	});

	it('keeps values that only look like ids in to (Meta then refuses them as numbers)', () => {
		for (const value of ['hk.123', 'HK.', `HK.${'1'.repeat(129)}`, 'HK.12-3', 'HKG.123']) {
			expect(textMessage({ to: value }, 'hi')).toMatchObject({ to: value });
		}
	});

	it('puts the payload of a quick-reply button into a payload parameter the simulator accepts', async () => {
		const message = templateMessage(
			{ to },
			{
				template: template('order_update'),
				header: { text: ['A-1'] },
				body: ['Mei', 'A-1', 'Fri'],
				buttons: [
					{ index: 0, text: 'A-1' },
					{ index: 1, payload: 'talk-to-us:A-1' },
				],
			},
		);
		expect((message.template as { components: unknown[] }).components).toContainEqual({
			type: 'button',
			sub_type: 'quick_reply',
			index: '1',
			parameters: [{ type: 'payload', payload: 'talk-to-us:A-1' }],
		});
		const sim = await startGraphApiSimulator({ limits: false });
		try {
			const client = new GraphClient({
				transport: axiosTransport({ bearerToken: SIM.token }),
				baseUrl: sim.url,
				version: 'v26.0',
			});
			await expect(client.sendMessage(SIM.phoneNumberId, message)).resolves.toMatchObject({
				messageId: expect.stringMatching(/^wamid\./),
			});
			sim.state.recordInbound(SIM.phoneNumberId, USER_ID, Date.now());
			await expect(
				client.sendMessage(SIM.phoneNumberId, textMessage({ to: USER_ID }, 'hi')),
			).resolves.toMatchObject({ userId: USER_ID });
		} finally {
			await sim.stop();
		}
	});
});

describe('authentication templates', () => {
	const loginCode = {
		name: 'login_code',
		language: 'en_US',
		components: [
			{ type: 'BODY', text: '{{1}} is your verification code.' },
			{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
		],
	};

	it('puts the one-time code into the OTP button as Meta asks, and names it when missing', () => {
		const message = templateMessage(
			{ to },
			{ template: loginCode, body: ['123456'], buttons: [{ index: 0, text: '123456' }] },
		);
		expect((message.template as { components: unknown[] }).components).toEqual([
			{ type: 'body', parameters: [{ type: 'text', text: '123456' }] },
			{
				type: 'button',
				sub_type: 'url',
				index: '0',
				parameters: [{ type: 'text', text: '123456' }],
			},
		]);
		expect(() => templateMessage({ to }, { template: loginCode, body: ['123456'] })).toThrow(
			/one-time code/,
		);
	});
});

describe('values from workflow items are type-checked, never converted implicitly', () => {
	/** An item's object whose toString is not callable: String(hostile) throws a TypeError. */
	const hostile = () => ({ toString: 1, valueOf: 1 }) as unknown;
	const order = (
		body: unknown[],
		buttons: Array<{ index: number; text?: unknown; payload?: unknown }> = [
			{ index: 0, text: 'A-1' },
		],
	) =>
		templateMessage(
			{ to },
			{ template: template('order_update'), header: { text: ['A-1'] }, body, buttons },
		);
	const refusal = (build: () => unknown): string => {
		try {
			build();
		} catch (error) {
			expect(error).toBeInstanceOf(MessageInputError);
			return (error as Error).message;
		}
		throw new Error('built a message from a hostile value');
	};

	it('names a body, header or named parameter that is an object, a list or a boolean', () => {
		expect(refusal(() => order(['Mei', hostile(), 'Fri']))).toBe(
			'Template "order_update" (en_US) body parameter {{2}} must be text or a number, got an object',
		);
		expect(refusal(() => order(['Mei', ['A-1'], 'Fri']))).toMatch(/\{\{2\}\}.*got a list$/);
		expect(refusal(() => order([true, 'A-1', 'Fri']))).toMatch(/\{\{1\}\}.*got true$/);
		expect(
			refusal(() =>
				templateMessage(
					{ to },
					{
						template: template('order_update'),
						header: { text: [hostile()] },
						body: ['a', 'b', 'c'],
					},
				),
			),
		).toMatch(/header parameter \{\{1\}\} must be text or a number, got an object$/);
		expect(
			refusal(() =>
				templateMessage(
					{ to },
					{
						template: template('welcome_named'),
						body: { shop_name: 'Acme', customer_name: hostile() },
					},
				),
			),
		).toMatch(/\{\{customer_name\}\} must be text or a number, got an object$/);
		expect(refusal(() => order('Mei' as unknown as unknown[]))).toMatch(
			/body parameters are a string, not a list$/,
		);
	});

	it('names a button value or payload that is an object', () => {
		expect(refusal(() => order(['Mei', 'A-1', 'Fri'], [{ index: 0, text: hostile() }]))).toMatch(
			/button 1 \(".*"\)'s value must be text or a number, got an object$/,
		);
		expect(
			refusal(() =>
				order(
					['Mei', 'A-1', 'Fri'],
					[
						{ index: 0, text: 'A-1' },
						{ index: 1, payload: hostile() },
					],
				),
			),
		).toMatch(/button 2 \(".*"\)'s value must be text or a number, got an object$/);
	});

	it('writes finite numbers in decimal where Meta takes text, and refuses NaN', () => {
		const message = order([7, 1001, 2.5], [{ index: 0, text: 1001 }]);
		const components = (message.template as { components: Array<{ parameters: unknown[] }> })
			.components;
		expect(components[1].parameters).toEqual([
			{ type: 'text', text: '7' },
			{ type: 'text', text: '1001' },
			{ type: 'text', text: '2.5' },
		]);
		expect(components[2].parameters).toEqual([{ type: 'text', text: '1001' }]);
		expect(refusal(() => order(['Mei', NaN, 'Fri']))).toMatch(/\{\{2\}\}.*got NaN$/);
	});

	it('reads a named parameter only from the values own keys', () => {
		// `constructor` is on every object's prototype: it must count as missing, not as a value.
		const named = {
			...template('welcome_named'),
			components: [{ type: 'BODY', text: 'Hi {{constructor}}' }],
		};
		expect(refusal(() => templateMessage({ to }, { template: named, body: {} }))).toMatch(
			/missing \{\{constructor\}\}$/,
		);
	});

	it('reads the template fields from the Graph API by their type', () => {
		const odd = {
			name: 'odd',
			language: 'en_US',
			components: [
				null,
				{ type: 7 },
				{ type: 'BODY', text: { toString: 1 } },
				{ type: 'BUTTONS', buttons: [null, { type: { toString: 1 }, text: 5, url: [] }] },
			],
		} as unknown as MessageTemplate;
		expect(templateMessage({ to }, { template: odd }).template).toEqual({
			name: 'odd',
			language: { code: 'en_US' },
		});
	});

	it('gives session messages a clear error for objects in their text fields', () => {
		expect(refusal(() => textMessage({ to }, hostile() as string))).toBe(
			'The text must be text or a number, got an object',
		);
		expect(refusal(() => textMessage({ to: hostile() as string }, 'hi'))).toMatch(
			/^The recipient \(to\) must be text/,
		);
		expect(
			refusal(() => textMessage({ to, bizOpaqueCallbackData: hostile() as string }, 'hi')),
		).toMatch(/^The correlation data .* got an object$/);
		expect(refusal(() => mediaMessage({ to }, 'image', { link: hostile() as string }))).toMatch(
			/^The image's link must be text/,
		);
		expect(
			refusal(() => buttonsMessage({ to }, 'Pick', [{ id: 'a', title: hostile() as string }])),
		).toMatch(/^Button 1's title must be text/);
		expect(
			refusal(() =>
				listMessage({ to }, 'Pick', 'Open', [{ rows: [{ id: 'a', title: hostile() as string }] }]),
			),
		).toMatch(/^Section 1 row 1's title must be text/);
		expect(refusal(() => listMessage({ to }, 'Pick', 'Open', [{ rows: hostile() as [] }]))).toBe(
			'Section 1 needs a list of rows',
		);
		expect(refusal(() => reactionMessage({ to }, 'wamid.1', hostile() as string))).toMatch(
			/^The reaction emoji must be text/,
		);
	});
});
