/**
 * Message bodies for the Cloud API's send endpoint, checked before they are sent: a template gets
 * exactly the parameters its approved text asks for, so the user reads which ones are missing
 * instead of Meta's error 132000.
 */
import { isObject } from '../json';
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

/**
 * Parameters by position (`{{1}}`, `{{2}}` …) or by name (`{{customer_name}}`). Values come from
 * workflow items, so they are read as unknown: text is taken as it is, a finite number is written
 * in decimal, anything else is refused with the parameter's name (see textOf).
 */
export type TemplateValues = unknown[] | Record<string, unknown>;

export interface TemplateInput {
	template: Pick<MessageTemplate, 'name' | 'language' | 'components'>;
	header?: { text?: TemplateValues; media?: MediaRef };
	body?: TemplateValues;
	/** Values for URL buttons with a placeholder, and payloads for quick replies, by button index. */
	buttons?: Array<{ index: number; text?: unknown; payload?: unknown }>;
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

export function textMessage(envelope: Envelope, text: string, previewUrl = false): OutboundMessage {
	const body = textOf('The text', text);
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
	const link = optionalTextOf(`The ${type}'s link`, media.link);
	const id = optionalTextOf(`The ${type}'s media id`, media.id);
	const caption = optionalTextOf(`The ${type}'s caption`, media.caption);
	const filename = optionalTextOf(`The ${type}'s file name`, media.filename);
	if (!link && !id) throw new MessageInputError(`The ${type} needs a link or a media id`);
	const part: Record<string, string> = id ? { id } : { link: link! };
	if (caption && type !== 'audio' && type !== 'sticker') part.caption = caption;
	if (filename && type === 'document') part.filename = filename;
	return wrap(envelope, { type, [type]: part });
}

export function buttonsMessage(
	envelope: Envelope,
	body: string,
	buttons: Array<{ id: string; title: string }>,
	footer?: string,
): OutboundMessage {
	if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
		throw new MessageInputError(
			`Reply buttons: 1 to 3 allowed, got ${Array.isArray(buttons) ? buttons.length : kindOf(buttons)}`,
		);
	const replies = buttons.map((button: unknown, index) => {
		const where = `Button ${index + 1}`;
		if (!isObject(button)) throw new MessageInputError(`${where} is ${kindOf(button)}`);
		const title = textOf(`${where}'s title`, button.title);
		if (!title || title.length > 20)
			throw new MessageInputError(`Button "${echo(title)}" needs a title of 1 to 20 characters`);
		return { type: 'reply', reply: { id: textOf(`${where}'s id`, button.id), title } };
	});
	const footerText = optionalTextOf('The footer', footer);
	return wrap(envelope, {
		type: 'interactive',
		interactive: {
			type: 'button',
			body: { text: textOf('The body', body) },
			...(footerText ? { footer: { text: footerText } } : {}),
			action: { buttons: replies },
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
	if (!Array.isArray(sections))
		throw new MessageInputError(`The list's sections are ${kindOf(sections)}, not a list`);
	let rows = 0;
	sections.forEach((section: unknown, s) => {
		if (!isObject(section) || !Array.isArray(section.rows))
			throw new MessageInputError(`Section ${s + 1} needs a list of rows`);
		rows += section.rows.length;
	});
	if (rows < 1 || rows > 10)
		throw new MessageInputError(`A list holds 1 to 10 rows in all, got ${rows}`);
	const read = (sections as Array<{ title?: unknown; rows: unknown[] }>).map((section, s) => {
		const where = `Section ${s + 1}`;
		const title = optionalTextOf(`${where}'s title`, section.title);
		return {
			...(title !== undefined ? { title } : {}),
			rows: section.rows.map((row, r) => {
				const at = `${where} row ${r + 1}`;
				if (!isObject(row)) throw new MessageInputError(`${at} is ${kindOf(row)}`);
				const description = optionalTextOf(`${at}'s description`, row.description);
				return {
					id: textOf(`${at}'s id`, row.id),
					title: textOf(`${at}'s title`, row.title),
					...(description !== undefined ? { description } : {}),
				};
			}),
		};
	});
	return wrap(envelope, {
		type: 'interactive',
		interactive: {
			type: 'list',
			body: { text: textOf('The body', body) },
			action: { button: textOf("The list's button text", buttonText), sections: read },
		},
	});
}

export function reactionMessage(
	envelope: Envelope,
	messageId: string,
	emoji: string,
): OutboundMessage {
	const id = optionalTextOf('The id of the message to react to', messageId);
	if (!id) throw new MessageInputError('A reaction needs the id of the message it reacts to');
	const reaction = textOf('The reaction emoji', emoji);
	return wrap(envelope, { type: 'reaction', reaction: { message_id: id, emoji: reaction } });
}

/** A template message with its parameters checked against the approved template's placeholders. */
export function templateMessage(envelope: Envelope, input: TemplateInput): OutboundMessage {
	const { template } = input;
	const label = `Template "${template.name}" (${template.language})`;
	const components: Array<Record<string, unknown>> = [];
	// The template's own fields come from the Graph API: read each with its type, never converted.
	const templateComponents = Array.isArray(template.components) ? template.components : [];
	const find = (type: string): Record<string, unknown> | undefined =>
		templateComponents.find(
			(component: unknown) => isObject(component) && upper(component.type) === type,
		);

	const header = find('HEADER');
	if (header) {
		const format = upper(header.format) || 'TEXT';
		if (format === 'TEXT') {
			const parameters = textParameters(`${label} header`, field(header.text), input.header?.text);
			if (parameters.length) components.push({ type: 'header', parameters });
		} else if (format !== 'LOCATION') {
			const media = input.header?.media;
			const type = format.toLowerCase();
			const id = optionalTextOf(`${label} header's media id`, media?.id);
			const link = optionalTextOf(`${label} header's link`, media?.link);
			if (!link && !id)
				throw new MessageInputError(`${label} has a ${type} header: give its link or media id`);
			components.push({
				type: 'header',
				parameters: [{ type, [type]: id ? { id } : { link } }],
			});
		}
	} else if (input.header?.text || input.header?.media) {
		throw new MessageInputError(`${label} has no header, but header values were given`);
	}

	const bodyParameters = textParameters(`${label} body`, field(find('BODY')?.text), input.body);
	if (bodyParameters.length) components.push({ type: 'body', parameters: bodyParameters });

	const listed = find('BUTTONS')?.buttons;
	const buttons: unknown[] = Array.isArray(listed) ? listed : [];
	buttons.forEach((button, index) => {
		if (!isObject(button)) return;
		const given = input.buttons?.find((candidate) => candidate.index === index);
		const kind = upper(button.type);
		const where = `${label} button ${index + 1} ("${field(button.text) ?? ''}")`;
		const value = (key: 'text' | 'payload'): string | undefined => {
			const read = optionalTextOf(`${where}'s value`, given?.[key]);
			return read === undefined || read.trim() === '' ? undefined : read;
		};
		if (kind === 'URL' && placeholders(field(button.url)).length) {
			const text = value('text');
			if (!text) throw new MessageInputError(`${where} needs the value for its link`);
			components.push({
				type: 'button',
				sub_type: 'url',
				index: `${index}`,
				parameters: [{ type: 'text', text }],
			});
		} else if (kind === 'OTP') {
			// An authentication template's one-time-password button takes the code as a url parameter:
			// https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates
			const text = value('text');
			if (!text) throw new MessageInputError(`${where} needs the one-time code as its value`);
			components.push({
				type: 'button',
				sub_type: 'url',
				index: `${index}`,
				parameters: [{ type: 'text', text }],
			});
		} else if (kind === 'QUICK_REPLY') {
			const payload = value('payload');
			if (payload)
				components.push({
					type: 'button',
					sub_type: 'quick_reply',
					index: `${index}`,
					parameters: [{ type: 'payload', payload }],
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
	if (values !== undefined && !Array.isArray(values) && !isObject(values))
		throw new MessageInputError(`${where} parameters are ${kindOf(values)}, not a list`);
	const named = expected.some((name) => !/^\d+$/.test(name));
	if (expected.length === 0) {
		const given =
			values === undefined ? 0 : Array.isArray(values) ? values.length : Object.keys(values).length;
		if (given > 0) throw new MessageInputError(`${where} takes no parameters, got ${given}`);
		return [];
	}
	if (named) {
		// Own keys only: a name such as `constructor` or `__proto__` never reads Object.prototype.
		const byName = new Map<string, unknown>(
			Array.isArray(values)
				? expected.map((name, i) => [name, values[i]])
				: Object.entries(values ?? {}),
		);
		const missing = expected.filter((name) => isBlank(byName.get(name)));
		if (missing.length)
			throw new MessageInputError(
				`${where} needs ${describe(expected)}; missing ${missing.map((n) => `{{${n}}}`).join(', ')}`,
			);
		const extra = Array.isArray(values)
			? []
			: [...byName.keys()].filter((name) => !expected.includes(name));
		if (extra.length)
			throw new MessageInputError(
				`${where} has no ${extra
					.slice(0, 3)
					.map((n) => `{{${echo(n)}}}`)
					.join(
						', ',
					)}${extra.length > 3 ? ` and ${extra.length - 3} more` : ''}; it needs ${describe(expected)}`,
			);
		return expected.map((name) => ({
			type: 'text',
			parameter_name: name,
			text: textOf(`${where} parameter {{${name}}}`, byName.get(name)),
		}));
	}
	const own = (name: string): unknown =>
		values && Object.prototype.hasOwnProperty.call(values, name)
			? (values as Record<string, unknown>)[name]
			: undefined;
	const list = Array.isArray(values) ? values : expected.map(own);
	if (list.length !== expected.length || list.some(isBlank)) {
		const given = list.filter((value) => !isBlank(value)).length;
		throw new MessageInputError(
			`${where} needs ${expected.length} parameter${expected.length === 1 ? '' : 's'} (${describe(expected)}), got ${given}`,
		);
	}
	return list.map((value, i) => ({
		type: 'text',
		text: textOf(`${where} parameter {{${expected[i]}}}`, value),
	}));
}

function describe(names: string[]): string {
	return names.map((name) => `{{${name}}}`).join(', ');
}

/** Missing: nothing, or text of only spaces. A number or an object is a value (checked by textOf). */
function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

/**
 * A value where Meta takes text. A string is taken as it is and a finite number is written in
 * decimal; anything else (an object, a list, a boolean, NaN) is refused with where it was, and
 * nothing on it is called: an item's object with a hostile `toString` gives this error, not a crash.
 */
function textOf(where: string, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value.toString(10);
	if (typeof value === 'bigint') return value.toString(10);
	throw new MessageInputError(`${where} must be text or a number, got ${kindOf(value)}`);
}

/** textOf for an optional field: nothing (undefined, null) stays undefined. */
function optionalTextOf(where: string, value: unknown): string | undefined {
	return value === undefined || value === null ? undefined : textOf(where, value);
}

/** An item's text in an error, cut short: a hostile value is never echoed whole. */
function echo(text: string, max = 40): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** How a refused value is named in an error, without converting it. */
function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'an infinite number';
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A template field from the Graph API: text, or undefined for anything else. */
function field(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function upper(value: unknown): string {
	return typeof value === 'string' ? value.toUpperCase() : '';
}

function wrap(envelope: Envelope, message: Record<string, unknown>): OutboundMessage {
	const to = optionalTextOf('The recipient (to)', envelope.to);
	if (!to) throw new MessageInputError('The recipient (to) is empty');
	const replyTo = optionalTextOf('The message to reply to', envelope.replyTo);
	const correlation = optionalTextOf(
		'The correlation data (biz_opaque_callback_data)',
		envelope.bizOpaqueCallbackData,
	);
	if (correlation && Buffer.byteLength(correlation) > 512) {
		throw new MessageInputError(
			'The correlation data (biz_opaque_callback_data) is longer than 512 bytes',
		);
	}
	return {
		recipient_type: 'individual',
		...recipientFields(to),
		...(replyTo ? { context: { message_id: replyTo } } : {}),
		...(correlation ? { biz_opaque_callback_data: correlation } : {}),
		...message,
	} as OutboundMessage;
}
