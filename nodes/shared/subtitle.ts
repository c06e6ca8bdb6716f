import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * Canvas subtitles as the editor labels the user's choices ("Customer Messages, Delivery Statuses",
 * "Mark as Read"), not as n8n stores them ("message, status", "markRead"). A subtitle is an n8n
 * expression evaluated in the editor, so the labels travel inside it; a value without a label
 * shows as it is.
 */

/** The panel's label of every choice of the options parameters named `name` among `properties`. */
export function choiceLabels(properties: INodeProperties[], name: string): Record<string, string> {
	// The choices are the node's own, but a null prototype keeps lookups of odd values honest.
	const labels: Record<string, string> = Object.create(null);
	for (const property of properties) {
		if (property.name !== name || (property.type !== 'options' && property.type !== 'multiOptions'))
			continue;
		for (const option of (property.options ?? []) as INodePropertyOptions[])
			labels[String(option.value)] = option.name;
	}
	if (Object.keys(labels).length === 0) throw new Error(`no choices named ${name} to label`);
	return labels;
}

const parameterValue = (parameter: string): string => `$parameter[${JSON.stringify(parameter)}]`;

/**
 * The label of a single choice as an expression (without the `={{ }}`), to combine into a subtitle:
 * `={{ ${choiceLabel('crm', …)} + ": " + ${choiceLabel('operation', …)} }}`.
 */
export function choiceLabel(parameter: string, labels: Record<string, string>): string {
	const value = parameterValue(parameter);
	return `((${JSON.stringify(labels)})[${value}] || ${value})`;
}

/** A subtitle naming one choice of the options parameter `parameter` among `properties`. */
export function choiceSubtitle(parameter: string, properties: INodeProperties[]): string {
	return `={{ ${choiceLabel(parameter, choiceLabels(properties, parameter))} }}`;
}

/** A subtitle naming every choice of a multiple-choice parameter, separated by commas. */
export function listSubtitle(parameter: string, labels: Record<string, string>): string {
	const value = parameterValue(parameter);
	return `={{ (${value} || []).map((value) => (${JSON.stringify(labels)})[value] || value).join(", ") }}`;
}
