/**
 * Message bodies for the Cloud API's send endpoint, checked before they are sent: a template gets
 * exactly the parameters its approved text asks for, so the user reads which ones are missing
 * instead of Meta's error 132000.
 */
import type { MessageTemplate, OutboundMessage } from './graphClient';
import { recipientFields } from './recipient';

/** A message the user's input cannot make; nothing was sent. */
export class MessageInputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MessageInputError';
	}
}

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export interface MediaRef {
	/** A public HTTPS URL, or an uploaded media id. */
	link?: string;
	id?: string;
	caption?: string;
	filename?: string;
}

/** Parameters by position (`{{1}}`, `{{2}}` …) or by name (`{{customer_name}}`). */
export type TemplateValues = string[] | Record<string, string>;

export interface TemplateInput {
	template: Pick<MessageTemplate, 'name' | 'language' | 'components'>;
	header?: { text?: TemplateValues; media?: MediaRef };
	body?: TemplateValues;
	/** Values for URL buttons with a placeholder, and payloads for quick replies, by button index. */
	buttons?: Array<{ index: number; text?: string; payload?: string }>;
}

export interface Envelope {
	/**
	 * The customer: a phone number (sent as `to`) or a business-scoped user id / parent id such as
	 * `HK.1502576394655843` (sent as `recipient`, for customers with a username and no number).
	 */
	to: string;
	/** Quote this message: the reply shows it above (`context.message_id`). */
	replyTo?: string;
	/** Echoed in this message's status webhooks: a correlation id (≤ 512 bytes). */
	bizOpaqueCallbackData?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholders of a text, in order of first appearance. */
export function placeholders(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(PLACEHOLDER))
		if (!names.includes(match[1])) names.push(match[1]);
	return names;
}

export function textMessage(envelope: Envelope, body: string, previewUrl = false): OutboundMessage {
	if (!body.trim()) throw new MessageInputError('The text is empty');
	if (body.length > 4096)
		throw new MessageInputError(`The text has ${body.length} characters; WhatsApp allows 4,096`);
	return wrap(envelope, { type: 'text', text: { body, preview_url: previewUrl } });
}

export function mediaMessage(
	envelope: Envelope,
	type: MediaType,
	media: MediaRef,
): OutboundMessage {
	if (!media.link && !media.id)
		throw new MessageInputError(`The ${type} needs a link or a media id`);
	const part: Record<string, string> = media.id ? { id: media.id } : { link: media.link! };
	if (media.caption && type !== 'audio' && type !== 'sticker') part.caption = media.caption;
	if (media.filename && type === 'document') part.filename = media.filename;
	return wrap(envelope, { type, [type]: part });
}

export function buttonsMessage(
	envelope: Envelope,
	body: string,
	buttons: Array<{ id: string; title: string }>,
	footer?: string,
): OutboundMessage {
	if (buttons.length < 1 || buttons.length > 3)
		throw new MessageInputError(`Reply buttons: 1 to 3 allowed, got ${buttons.length}`);
	for (const button of buttons) {
		if (!button.title || button.title.length > 20)
			throw new MessageInputError(`Button "${button.title}" needs a title of 1 to 20 characters`);
	}
	return wrap(envelope, {
		type: 'interactive',
		interactive: {
			type: 'button',
			body: { text: body },
			...(footer ? { footer: { text: footer } } : {}),
			action: {
				buttons: buttons.map((button) => ({
					type: 'reply',
					reply: { id: button.id, title: button.title },
				})),
			},
		},
	});
}

export function listMessage(
	envelope: Envelope,
	body: string,
	buttonText: string,
	sections: Array<{
		title?: string;
		rows: Array<{ id: string; title: string; description?: string }>;
	}>,
): OutboundMessage {
	const rows = sections.reduce((sum, section) => sum + section.rows.length, 0);
	if (rows < 1 || rows > 10)
		throw new MessageInputError(`A list holds 1 to 10 rows in all, got ${rows}`);
	return wrap(envelope, {
		type: 'interactive',
		interactive: { type: 'list', body: { text: body }, action: { button: buttonText, sections } },
	});
}

export function reactionMessage(
	envelope: Envelope,
	messageId: string,
	emoji: string,
): OutboundMessage {
	if (!messageId)
		throw new MessageInputError('A reaction needs the id of the message it reacts to');
	return wrap(envelope, { type: 'reaction', reaction: { message_id: messageId, emoji } });
}

/** A template message with its parameters checked against the approved template's placeholders. */
export function templateMessage(envelope: Envelope, input: TemplateInput): OutboundMessage {
	const { template } = input;
	const label = `Template "${template.name}" (${template.language})`;
	const components: Array<Record<string, unknown>> = [];
	const find = (type: string) =>
		template.components.find((component) => component.type.toUpperCase() === type);

	const header = find('HEADER');
	if (header) {
		const format = (header.format ?? 'TEXT').toUpperCase();
		if (format === 'TEXT') {
			const parameters = textParameters(`${label} header`, header.text, input.header?.text);
			if (parameters.length) components.push({ type: 'header', parameters });
		} else if (format !== 'LOCATION') {
			const media = input.header?.media;
			const type = format.toLowerCase();
			if (!media?.link && !media?.id)
				throw new MessageInputError(`${label} has a ${type} header: give its link or media id`);
			components.push({
				type: 'header',
				parameters: [{ type, [type]: media.id ? { id: media.id } : { link: media.link } }],
			});
		}
	} else if (input.header?.text || input.header?.media) {
		throw new MessageInputError(`${label} has no header, but header values were given`);
	}

	const bodyParameters = textParameters(`${label} body`, find('BODY')?.text, input.body);
	if (bodyParameters.length) components.push({ type: 'body', parameters: bodyParameters });

	const buttons = (find('BUTTONS')?.buttons ?? []) as Array<Record<string, unknown>>;
	buttons.forEach((button, index) => {
		const given = input.buttons?.find((candidate) => candidate.index === index);
		const kind = String(button.type ?? '').toUpperCase();
		if (kind === 'URL' && placeholders(String(button.url ?? '')).length) {
			if (!given?.text)
				throw new MessageInputError(
					`${label} button ${index + 1} ("${String(button.text)}") needs the value for its link`,
				);
			components.push({
				type: 'button',
				sub_type: 'url',
				index: String(index),
				parameters: [{ type: 'text', text: given.text }],
			});
		} else if (kind === 'OTP') {
			// An authentication template's one-time-password button takes the code as a url parameter:
			// https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates
			if (!given?.text)
				throw new MessageInputError(
					`${label} button ${index + 1} ("${String(button.text)}") needs the one-time code as its value`,
				);
			components.push({
				type: 'button',
				sub_type: 'url',
				index: String(index),
				parameters: [{ type: 'text', text: given.text }],
			});
		} else if (kind === 'QUICK_REPLY' && given?.payload) {
			components.push({
				type: 'button',
				sub_type: 'quick_reply',
				index: String(index),
				parameters: [{ type: 'payload', payload: given.payload }],
			});
		}
	});

	return wrap(envelope, {
		type: 'template',
		template: {
			name: template.name,
			language: { code: template.language },
			...(components.length ? { components } : {}),
		},
	});
}

/** Text parameters for one component, by position or by name, exactly as many as it has placeholders. */
function textParameters(
	where: string,
	text: string | undefined,
	values: TemplateValues | undefined,
): Array<Record<string, string>> {
	const expected = placeholders(text);
	const named = expected.some((name) => !/^\d+$/.test(name));
	if (expected.length === 0) {
		const given =
			values === undefined ? 0 : Array.isArray(values) ? values.length : Object.keys(values).length;
		if (given > 0) throw new MessageInputError(`${where} takes no parameters, got ${given}`);
		return [];
	}
	if (named) {
		const byName = Array.isArray(values)
			? Object.fromEntries(expected.map((name, i) => [name, values[i]]))
			: (values ?? {});
		const missing = expected.filter((name) => isBlank(byName[name]));
		if (missing.length)
			throw new MessageInputError(
				`${where} needs ${describe(expected)}; missing ${missing.map((n) => `{{${n}}}`).join(', ')}`,
			);
		const extra = Array.isArray(values)
			? []
			: Object.keys(byName).filter((name) => !expected.includes(name));
		if (extra.length)
			throw new MessageInputError(
				`${where} has no ${extra.map((n) => `{{${n}}}`).join(', ')}; it needs ${describe(expected)}`,
			);
		return expected.map((name) => ({ type: 'text', parameter_name: name, text: byName[name] }));
	}
	const list = Array.isArray(values) ? values : expected.map((name) => values?.[name]);
	if (list.length !== expected.length || list.some(isBlank)) {
		const given = list.filter((value) => !isBlank(value)).length;
		throw new MessageInputError(
			`${where} needs ${expected.length} parameter${expected.length === 1 ? '' : 's'} (${describe(expected)}), got ${given}`,
		);
	}
	return list.map((value) => ({ type: 'text', text: String(value) }));
}

function describe(names: string[]): string {
	return names.map((name) => `{{${name}}}`).join(', ');
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || String(value).trim() === '';
}

function wrap(envelope: Envelope, message: Record<string, unknown>): OutboundMessage {
	if (!envelope.to) throw new MessageInputError('The recipient (to) is empty');
	if (envelope.bizOpaqueCallbackData && Buffer.byteLength(envelope.bizOpaqueCallbackData) > 512) {
		throw new MessageInputError(
			'The correlation data (biz_opaque_callback_data) is longer than 512 bytes',
		);
	}
	return {
		recipient_type: 'individual',
		...recipientFields(envelope.to),
		...(envelope.replyTo ? { context: { message_id: envelope.replyTo } } : {}),
		...(envelope.bizOpaqueCallbackData
			? { biz_opaque_callback_data: envelope.bizOpaqueCallbackData }
			: {}),
		...message,
	} as OutboundMessage;
}
