/**
 * Fuzz: hostile values (devkit/generators/hostileInputs) in every field of the message builders
 * that a workflow item fills. Each call ends in a defined outcome: a message that serialises to
 * JSON with text where Meta takes text, or a MessageInputError whose reason is short (a hostile
 * value is never echoed whole), never another exception, never a changed Object.prototype.
 * Untimed, as the rest of test/fuzz.
 */
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
import type { Envelope } from '../../lib/whatsapp/messages';
import { defaultTemplates } from '../../devkit/simulators/graphApi';
import { hostileStrings, hostileValues } from '../../devkit/generators/hostileInputs';

const templates = defaultTemplates() as unknown as MessageTemplate[];
const template = (name: string) =>
	templates.find((t) => t.name === name && t.language === 'en_US')!;
const to = '85291234567';

/** Item values arrive typed as strings but may be anything an expression returns. */
const any = <T>(value: unknown) => value as T;

const builders: Array<[string, (value: unknown) => unknown]> = [
	['template body parameter', (v) => order({ body: ['Mei', v, 'Fri'] })],
	['template body list', (v) => order({ body: any<unknown[]>(v) })],
	['template header parameter', (v) => order({ header: { text: [v] } })],
	['template URL button value', (v) => order({ buttons: [{ index: 0, text: v }] })],
	[
		'template quick-reply payload',
		(v) =>
			order({
				buttons: [
					{ index: 0, text: 'A-1' },
					{ index: 1, payload: v },
				],
			}),
	],
	[
		'template named parameter',
		(v) =>
			templateMessage(
				{ to },
				{ template: template('welcome_named'), body: { customer_name: v, shop_name: 'Acme' } },
			),
	],
	[
		'template named values',
		(v) => templateMessage({ to }, { template: template('welcome_named'), body: any(v) }),
	],
	[
		'template header media',
		(v) =>
			templateMessage({ to }, { template: mediaTemplate, header: { media: { link: any(v) } } }),
	],
	['text body', (v) => textMessage({ to }, any(v))],
	['recipient', (v) => textMessage({ to: any(v) }, 'hi')],
	['reply-to id', (v) => textMessage({ to, replyTo: any(v) }, 'hi')],
	['correlation data', (v) => textMessage({ to, bizOpaqueCallbackData: any(v) }, 'hi')],
	['media link', (v) => mediaMessage({ to }, 'document', { link: any(v) })],
	[
		'media caption',
		(v) => mediaMessage({ to }, 'document', { id: '1', caption: any(v), filename: any(v) }),
	],
	['button title', (v) => buttonsMessage({ to }, 'Pick', [{ id: 'a', title: any(v) }])],
	['button id', (v) => buttonsMessage({ to }, 'Pick', [{ id: any(v), title: 'A' }])],
	['buttons list', (v) => buttonsMessage({ to }, 'Pick', any(v))],
	['buttons footer', (v) => buttonsMessage({ to }, any(v), [{ id: 'a', title: 'A' }], any(v))],
	[
		'list row',
		(v) =>
			listMessage({ to }, 'Pick', 'Open', [
				{ title: any(v), rows: [{ id: any(v), title: any(v), description: any(v) }] },
			]),
	],
	['list sections', (v) => listMessage({ to }, 'Pick', any(v), any(v))],
	['list rows', (v) => listMessage({ to }, 'Pick', 'Open', [{ rows: any(v) }])],
	['reaction', (v) => reactionMessage({ to }, any(v), any(v))],
];

const mediaTemplate = {
	name: 'media_header',
	language: 'en_US',
	components: [{ type: 'HEADER', format: 'IMAGE' }],
} as unknown as MessageTemplate;

function order(input: Partial<Parameters<typeof templateMessage>[1]>): unknown {
	const envelope: Envelope = { to };
	return templateMessage(envelope, {
		template: template('order_update'),
		header: { text: ['A-1'] },
		body: ['Mei', 'A-1', 'Fri'],
		buttons: [{ index: 0, text: 'A-1' }],
		...input,
	});
}

/** Every string in a built message, the leaves Meta reads. */
function leaves(value: unknown, out: unknown[] = []): unknown[] {
	if (Array.isArray(value)) for (const item of value) leaves(item, out);
	else if (typeof value === 'object' && value !== null)
		for (const item of Object.values(value)) leaves(item, out);
	else out.push(value);
	return out;
}

function expectDefinedOutcome(where: string, build: () => unknown): 'built' | 'refused' {
	let message: unknown;
	try {
		message = build();
	} catch (error) {
		if (!(error instanceof MessageInputError))
			throw new Error(`${where}: ${(error as Error)?.name ?? 'a non-error'} escaped the builder`);
		expect(error.message.length).toBeGreaterThan(0);
		expect(error.message.length).toBeLessThanOrEqual(300);
		return 'refused';
	}
	expect(() => JSON.stringify(message)).not.toThrow();
	for (const leaf of leaves(message)) expect(['string', 'boolean']).toContain(typeof leaf);
	return 'built';
}

afterAll(() => {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('fuzz: message builders', () => {
	it(`ends every hostile value in each of ${builders.length} fields in a message or a clear error`, () => {
		const outcomes = { built: 0, refused: 0 };
		for (const value of hostileValues())
			for (const [where, build] of builders)
				outcomes[expectDefinedOutcome(where, () => build(value))]++;
		// Both outcomes were exercised: numbers and strings build, objects and lists are refused.
		expect(outcomes.built).toBeGreaterThan(0);
		expect(outcomes.refused).toBeGreaterThan(0);
	});

	it('ends every hostile string, up to 20,000 characters, in a message or a short error', () => {
		for (const [family, size, text] of hostileStrings([0, 1, 64, 20_000]))
			for (const [where, build] of builders)
				expectDefinedOutcome(`${where} (${family}, ${size})`, () => build(text));
	});
});
