/**
 * Message bodies for the Cloud API's send endpoint, checked before they are sent: text, media,
 * reply buttons, lists and reactions here; templates in templateMessage.ts.
 */
import { isObject } from '../json';
import type { Envelope } from './envelope';
import { wrap } from './envelope';
import type { MediaRef, MediaType, OutboundMessage } from './graphTypes';
import { echo, kindOf, MessageInputError, optionalTextOf, textOf } from './messageValues';

export type { Envelope } from './envelope';
export type { MediaRef, MediaType } from './graphTypes';
export { MessageInputError } from './messageValues';
export { placeholders, templateMessage } from './templateMessage';
export type { TemplateInput, TemplateValues } from './templateMessage';

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
