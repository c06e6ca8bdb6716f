import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

/**
 * Whether the user has picked a credential of this type on the node yet. The editor asks a node's
 * option loaders as soon as its panel opens, credential or not; without one there is nothing to
 * list, so loaders answer with `heldChoices` instead of throwing, which n8n would log with a stack
 * trace and answer with HTTP 500.
 */
export function credentialChosen(context: ILoadOptionsFunctions, type: string): boolean {
	const chosen = context.getNode().credentials?.[type];
	// Older workflow files name a credential without its id; n8n resolves those by name.
	return Boolean(chosen?.id || chosen?.name);
}

/**
 * The list before a credential exists: only what the node already holds (a preset from an example
 * workflow), so the panel shows it and n8n does not flag it as unsupported; an empty single choice
 * gets one entry whose name is the hint, which the select then shows in place of a red "value not
 * supported". A multiple choice gets no such entry (picking it would filter everything out). The
 * first of the named parameters that the node has is used (loaders serve parameters of several
 * names).
 */
export function heldChoices(
	context: ILoadOptionsFunctions,
	hint: string,
	...parameters: string[]
): INodePropertyOptions[] {
	for (const parameter of parameters) {
		const held = context.getCurrentNodeParameter(parameter);
		if (held === undefined) continue;
		// An expression is not checked against the list.
		const shown = (value: unknown): value is string =>
			typeof value === 'string' && value !== '' && !value.startsWith('=');
		if (Array.isArray(held)) return held.filter(shown).map((value) => ({ name: value, value }));
		if (typeof held !== 'string') return [];
		if (held === '') return [{ name: hint, value: '' }];
		return shown(held) ? [{ name: held, value: held }] : [];
	}
	return [];
}
