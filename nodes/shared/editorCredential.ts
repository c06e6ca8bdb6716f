import type { ILoadOptionsFunctions } from 'n8n-workflow';

/**
 * Whether the user has picked a credential of this type on the node yet. The editor asks a node's
 * option loaders as soon as its panel opens, credential or not; without one there is nothing to
 * list, so loaders answer an empty list (the editor then says "Set up credential to see options")
 * instead of throwing, which n8n would log with a stack trace and answer with HTTP 500.
 */
export function credentialChosen(context: ILoadOptionsFunctions, type: string): boolean {
	const chosen = context.getNode().credentials?.[type];
	// Older workflow files name a credential without its id; n8n resolves those by name.
	return Boolean(chosen?.id || chosen?.name);
}
