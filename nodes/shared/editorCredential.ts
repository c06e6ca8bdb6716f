import type {
	ICredentialsDisplayOptions,
	ILoadOptionsFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

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

/**
 * A credential's display condition "only while each named parameter holds one of these values",
 * written as n8n's `hide` of every other choice of those parameters.
 *
 * Not as `show`: n8n's editor takes every parameter that a credential's `show` names for an
 * authentication field. One whose choices all pick some credential (here: the CRM) it takes for
 * the node's main authentication field: it leaves that parameter out of the panel (offering it
 * in the credential dialog instead), and with it every parameter that the authentication fields'
 * own display conditions name (Resource and Operation, through Attach Media's Media Source). It
 * also puts the credential slot after the last parameter a `show` names. `hide` is read by n8n
 * only to decide whether the credential applies, which is all it should do; and it means the
 * same as the `show` it stands for, because an options parameter always holds one of its
 * choices (its default when unset). The choices come from the node's own parameters, so a new
 * choice is covered without editing this condition.
 */
export function credentialShownWhile(
	properties: INodeProperties[],
	conditions: Record<string, string[]>,
): ICredentialsDisplayOptions {
	const hide: Record<string, string[]> = {};
	for (const [name, shownFor] of Object.entries(conditions)) {
		const choices = new Set<string>();
		for (const property of properties)
			if (property.name === name && property.type === 'options')
				for (const option of (property.options ?? []) as INodePropertyOptions[])
					choices.add(String(option.value));
		for (const value of shownFor)
			if (!choices.has(value)) throw new Error(`${name} has no choice ${value}`);
		const others = [...choices].filter((choice) => !shownFor.includes(choice));
		if (others.length > 0) hide[name] = others;
	}
	return { hide };
}
