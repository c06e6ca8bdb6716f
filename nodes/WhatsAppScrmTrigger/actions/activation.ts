/**
 * Activation and deactivation at Meta, when the options ask for it: subscribe the credential's app
 * to the WABA, point the selected numbers' callback override at this workflow, and on deactivation
 * undo exactly what activation set (remembered in the node's static data).
 */
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { graphClient, whatsAppCredential } from '../../shared/graph';
import { graphNodeError } from '../../shared/graphNodeError';
import type { TriggerOptions } from './versionDescription';

/** What activation set on Meta's side, so deactivation removes exactly that. */
interface ActivationState {
	subscribedApp?: boolean;
	overriddenPhoneNumberIds?: string[];
}

/** n8n's webhook lifecycle for the default (POST) webhook. */
export const activation = {
	/** Whether Meta already points where activation would; false makes n8n call create. */
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		if (!options.subscribeApp && !options.overrideCallback) return true;
		const credential = await whatsAppCredential(this);
		const client = graphClient(this, credential);
		const url = this.getNodeWebhookUrl('default');
		try {
			if (options.subscribeApp && (await client.listSubscribedApps(credential.wabaId)).length === 0)
				return false;
			if (options.overrideCallback) {
				for (const phoneNumberId of selectedPhoneNumbers(this)) {
					const callback = await client.getPhoneNumberCallback(phoneNumberId);
					if (callback.overrideCallbackUrl !== url) return false;
				}
			}
		} catch (error) {
			throw graphNodeError(this, error);
		}
		return true;
	},

	/** Subscribes the app and sets the overrides the options ask for. */
	async create(this: IHookFunctions): Promise<boolean> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const credential = await whatsAppCredential(this);
		const client = graphClient(this, credential);
		const state = this.getWorkflowStaticData('node') as ActivationState;
		const url = this.getNodeWebhookUrl('default');
		if (!url) throw new NodeOperationError(this.getNode(), 'n8n gave this trigger no webhook URL');
		const phoneNumberIds = options.overrideCallback ? selectedPhoneNumbers(this) : [];
		if (options.overrideCallback && phoneNumberIds.length === 0) {
			throw new NodeOperationError(
				this.getNode(),
				'Select the phone numbers whose callback should point here',
				{
					description:
						'The option "Set Phone Number Callback on Activation" needs at least one phone number in "Phone Number Names or IDs".',
				},
			);
		}
		try {
			if (
				options.subscribeApp &&
				(await client.listSubscribedApps(credential.wabaId)).length === 0
			) {
				await client.subscribeApp(credential.wabaId);
				state.subscribedApp = true;
			}
			const overridden = new Set(state.overriddenPhoneNumberIds ?? []);
			for (const phoneNumberId of phoneNumberIds) {
				// Meta calls the URL back with the verify token before accepting it.
				await client.setPhoneNumberCallback(phoneNumberId, {
					callbackUrl: url,
					verifyToken: credential.verifyToken,
				});
				overridden.add(phoneNumberId);
				state.overriddenPhoneNumberIds = [...overridden];
			}
		} catch (error) {
			throw graphNodeError(this, error);
		}
		return true;
	},

	/** Removes what create set; a number another workflow took over since keeps its callback. */
	async delete(this: IHookFunctions): Promise<boolean> {
		const credential = await whatsAppCredential(this);
		const client = graphClient(this, credential);
		const state = this.getWorkflowStaticData('node') as ActivationState;
		const url = this.getNodeWebhookUrl('default');
		try {
			for (const phoneNumberId of state.overriddenPhoneNumberIds ?? []) {
				// Another workflow may have taken the number over since: leave its callback alone.
				const callback = await client.getPhoneNumberCallback(phoneNumberId);
				if (callback.overrideCallbackUrl === url)
					await client.clearPhoneNumberCallback(phoneNumberId);
			}
			delete state.overriddenPhoneNumberIds;
			if (state.subscribedApp) {
				await client.unsubscribeApp(credential.wabaId);
				delete state.subscribedApp;
			}
		} catch (error) {
			throw graphNodeError(this, error);
		}
		return true;
	},
};

function selectedPhoneNumbers(context: IHookFunctions): string[] {
	return (context.getNodeParameter('phoneNumberIds', []) as string[]).filter(Boolean);
}
