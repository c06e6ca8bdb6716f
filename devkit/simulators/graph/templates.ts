/**
 * Templates: a template send checked against the approved template (name, language, status,
 * parameters per component), and GET /{waba_id}/message_templates.
 */
import { wabaOr } from './lookup';
import { invalidParameter, whatsappError } from './errors';
import { listPage } from './paging';
import type { GraphApiSimulatorState } from './state';
import type { SimTemplate } from './types';
import { isObject, type Answer, type RequestContext, type Simulation } from './wire';

export function checkTemplate(
	state: GraphApiSimulatorState,
	wabaId: string,
	content: Record<string, unknown>,
	toUserId = false,
): SimTemplate {
	const name = content.name;
	const language = isObject(content.language) ? content.language.code : undefined;
	if (typeof name !== 'string' || !name)
		throw invalidParameter("The parameter template['name'] is required.");
	if (typeof language !== 'string' || !language)
		throw invalidParameter("The parameter template['language']['code'] is required.");
	const template = state.wabas
		.get(wabaId)!
		.templates.find((t) => t.name === name && t.language === language);
	if (!template || template.status === 'PENDING' || template.status === 'REJECTED') {
		throw whatsappError(132001, `template name (${name}) does not exist in ${language}`);
	}
	if (template.status === 'PAUSED')
		throw whatsappError(132015, `Template ${name} is paused due to low quality`);
	if (template.status === 'DISABLED')
		throw whatsappError(132016, `Template ${name} is disabled due to low quality`);
	// Authentication templates with one-tap, zero-tap or copy-code buttons need the user's phone
	// number: sent to a business-scoped user id they are refused with 131062. Sources:
	// https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/,
	// https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid
	// Assumption: checked before the parameters (Meta does not document the order).
	if (toUserId && template.category === 'AUTHENTICATION' && needsPhoneNumber(template))
		throw whatsappError(
			131062,
			`Template ${name} has a one-tap, zero-tap or copy-code button and cannot be sent to a business-scoped user ID`,
		);
	const given = Array.isArray(content.components) ? content.components.filter(isObject) : [];
	const expectations = templateExpectations(template);
	for (const component of given) {
		const key = componentKey(component);
		if (optionalButton(template, component)) continue;
		if (!expectations.some((e) => e.key === key)) {
			const count = Array.isArray(component.parameters) ? component.parameters.length : 0;
			throw whatsappError(
				132000,
				`${key}: number of localizable_params (${count}) does not match the expected number of params (0)`,
			);
		}
	}
	const values: string[] = [];
	for (const expected of expectations) {
		const component = given.find((c) => componentKey(c) === expected.key);
		const parameters = Array.isArray(component?.parameters)
			? component.parameters.filter(isObject)
			: [];
		if (parameters.length !== expected.names.length) {
			throw whatsappError(
				132000,
				`${expected.key}: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected.names.length})`,
			);
		}
		for (const parameter of parameters) {
			if (expected.media && parameter.type !== expected.media) {
				throw whatsappError(
					132012,
					`${expected.key}: Format mismatch, expected ${expected.media.toUpperCase()}, received ${String(parameter.type).toUpperCase()}`,
				);
			}
			if (
				!expected.media &&
				(parameter.type === 'image' || parameter.type === 'video' || parameter.type === 'document')
			) {
				throw whatsappError(
					132012,
					`${expected.key}: Format mismatch, expected TEXT, received ${String(parameter.type).toUpperCase()}`,
				);
			}
			if (template.parameter_format === 'NAMED' && !expected.media) {
				const parameterName = parameter.parameter_name;
				if (typeof parameterName !== 'string' || !expected.names.includes(parameterName)) {
					throw whatsappError(
						132000,
						`${expected.key}: parameter name (${String(parameterName)}) is not one of the template's parameters (${expected.names.join(', ')})`,
					);
				}
			}
			if (expected.key === 'body' && typeof parameter.text === 'string')
				values.push(parameter.text);
		}
	}
	const bodyText = template.components.find((c) => c.type === 'BODY')?.text ?? '';
	const filled = bodyText.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, () => values.shift() ?? '');
	if ([...filled].length > 1024)
		throw whatsappError(
			132005,
			'Body text is longer than 1024 characters after the parameters were filled in',
		);
	return template;
}

export function templatesEdge(sim: Simulation, ctx: RequestContext, wabaId: string): Answer {
	const waba = wabaOr(sim.state, wabaId, 'GET');
	const qs = ctx.url.searchParams;
	const filters: Array<[string, string | null]> = [
		['status', qs.get('status')],
		['name', qs.get('name')],
		['language', qs.get('language')],
		['category', qs.get('category')],
	];
	const rows = waba.templates
		.filter((t) =>
			filters.every(
				([field, value]) =>
					!value ||
					value.split(',').includes(String((t as unknown as Record<string, unknown>)[field])),
			),
		)
		.map((t) => ({ ...t }) as unknown as Record<string, unknown>);
	return listPage(sim, ctx, rows, 'tpl');
}

interface Expectation {
	key: string;
	names: string[];
	media?: string;
}

function placeholders(text: string | undefined): string[] {
	const names: string[] = [];
	for (const match of (text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
		if (!names.includes(match[1])) names.push(match[1]);
	}
	return names;
}

/** What a send must supply for each component of a template. */
export function templateExpectations(template: SimTemplate): Expectation[] {
	const expectations: Expectation[] = [];
	for (const component of template.components) {
		if (component.type === 'HEADER') {
			if (component.format && component.format !== 'TEXT') {
				expectations.push({
					key: 'header',
					names: ['media'],
					media: component.format.toLowerCase(),
				});
			} else if (placeholders(component.text).length) {
				expectations.push({ key: 'header', names: placeholders(component.text) });
			}
		} else if (component.type === 'BODY' && placeholders(component.text).length) {
			expectations.push({ key: 'body', names: placeholders(component.text) });
		} else if (component.type === 'BUTTONS') {
			(component.buttons ?? []).forEach((button, index) => {
				if (button.type === 'URL' && placeholders(button.url).length) {
					expectations.push({ key: `button[${index}]`, names: placeholders(button.url) });
				}
				// An OTP button takes the code as its one (url) parameter.
				if (button.type === 'OTP') expectations.push({ key: `button[${index}]`, names: ['code'] });
			});
		}
	}
	return expectations;
}

/** Authentication templates whose OTP button is one-tap, zero-tap or copy-code. */
function needsPhoneNumber(template: SimTemplate): boolean {
	return template.components.some((component) =>
		(component.buttons ?? []).some(
			(button) =>
				button.type === 'COPY_CODE' ||
				(button.type === 'OTP' &&
					['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(String(button.otp_type ?? 'COPY_CODE'))),
		),
	);
}

/**
 * Button parameters a template takes but does not require: a quick-reply button's `payload`
 * (returned in the customer's reply), a catalog button's `action` (the thumbnail product) and a
 * flow button's `action` (flow_token, flow_action_data). Sources:
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates (quick_reply
 * `{ type: "payload", payload }`),
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/catalogs/catalog-template-messages
 * (`sub_type: "CATALOG"`, `{ type: "action", action: { thumbnail_product_retailer_id } }`),
 * https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow (`sub_type: "flow"`,
 * `{ type: "action", action: { flow_token, flow_action_data } }`).
 * Throws 132012 when the parameter has the wrong type for its button; false when the component is
 * not such a button (the usual checks then apply).
 */
function optionalButton(template: SimTemplate, component: Record<string, unknown>): boolean {
	if (String(component.type ?? '').toLowerCase() !== 'button') return false;
	const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
	const index = Number(component.index ?? 0);
	const button = Number.isInteger(index) ? buttons[index] : undefined;
	const subType = String(component.sub_type ?? '').toLowerCase();
	const wanted =
		button?.type === 'QUICK_REPLY'
			? { subType: 'quick_reply', parameter: 'payload' }
			: button?.type === 'CATALOG'
				? { subType: 'catalog', parameter: 'action' }
				: button?.type === 'FLOW'
					? { subType: 'flow', parameter: 'action' }
					: undefined;
	if (!wanted || subType !== wanted.subType) return false;
	const parameters = Array.isArray(component.parameters) ? component.parameters : [];
	const key = componentKey(component);
	if (parameters.length !== 1)
		throw whatsappError(
			132000,
			`${key}: number of localizable_params (${parameters.length}) does not match the expected number of params (1)`,
		);
	const parameter = parameters[0];
	const value = isObject(parameter) ? parameter[wanted.parameter] : undefined;
	const ok =
		isObject(parameter) &&
		parameter.type === wanted.parameter &&
		(wanted.parameter === 'payload'
			? typeof value === 'string' && value !== '' && value.length <= 1000
			: isObject(value));
	if (!ok)
		throw whatsappError(
			132012,
			`${key}: Format mismatch, expected ${wanted.parameter.toUpperCase()}, received ${String(isObject(parameter) ? parameter.type : typeof parameter).toUpperCase()}`,
		);
	return true;
}

function componentKey(component: Record<string, unknown>): string {
	const type = String(component.type ?? '').toLowerCase();
	return type === 'button' ? `button[${String(component.index ?? '0')}]` : type;
}
