/**
 * Template messages, checked before they are sent: a template gets exactly the parameters its
 * approved text asks for, so the user reads which ones are missing instead of Meta's error 132000.
 */
import { isObject } from '../json';
import type { Envelope } from './envelope';
import { wrap } from './envelope';
import type { MediaRef, MessageTemplate, OutboundMessage } from './graphTypes';
import { echo, kindOf, MessageInputError, optionalTextOf, textOf } from './messageValues';

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

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholders of a text, in order of first appearance. */
export function placeholders(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(PLACEHOLDER))
		if (!names.includes(match[1])) names.push(match[1]);
	return names;
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

/** A template field from the Graph API: text, or undefined for anything else. */
function field(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function upper(value: unknown): string {
	return typeof value === 'string' ? value.toUpperCase() : '';
}
