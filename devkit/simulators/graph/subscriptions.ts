/**
 * Webhook subscriptions and overrides: POST/GET/DELETE /{waba_id}/subscribed_apps (with a
 * WABA-level override), POST /{phone_number_id} webhook_configuration (a number's override), each
 * checked with Meta's verification handshake, and the configuration a number reports.
 */
import { SimFailure, fbtrace, invalidParameter } from './errors';
import { phoneOr, wabaOr } from './lookup';
import { checkCallback } from './outbound';
import type { GraphApiSimulatorState } from './state';
import { isObject, type Answer, type RequestContext, type Simulation } from './wire';

/** Meta's GET handshake towards a callback; a failure to answer with, or undefined. */
async function verify(
	sim: Simulation,
	callbackUrl: string,
	verifyToken: string,
): Promise<SimFailure | undefined> {
	if (!sim.verifyCallbacks) return undefined;
	const outcome = await checkCallback(sim.state, callbackUrl, verifyToken);
	if (outcome.ok) return undefined;
	const reason = outcome.error
		? `Couldn't connect to server (${outcome.error})`
		: outcome.status === 200
			? 'The challenge was not echoed back'
			: `HTTP Status Code = ${outcome.status}`;
	// Assumption: Graph reports a failed handshake as code 2200 with HTTP 400, as it does for app
	// subscriptions ("(#2200) callback verification failed"); Meta's WhatsApp pages do not show it.
	return new SimFailure(400, {
		error: {
			message: `(#2200) Callback verification failed with the following errors: ${reason}`,
			type: 'OAuthException',
			code: 2200,
			fbtrace_id: fbtrace(),
		},
	});
}

function checkOverride(callbackUrl: unknown, verifyToken: unknown): { url: string; token: string } {
	if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl)) {
		throw invalidParameter('Param override_callback_uri must be a valid URL');
	}
	if (callbackUrl.length > 200)
		throw invalidParameter('Param override_callback_uri must be at most 200 characters long');
	if (typeof verifyToken !== 'string' || verifyToken === '')
		throw invalidParameter('The parameter verify_token is required.');
	return { url: callbackUrl, token: verifyToken };
}

/** Where Meta delivers a number's webhooks, per level (GET /{phone_number_id} webhook_configuration). */
export function webhookConfiguration(
	state: GraphApiSimulatorState,
	phoneNumberId: string,
): Record<string, string> {
	const config: Record<string, string> = {};
	const phoneOverride = state.phoneCallbacks.get(phoneNumberId);
	if (phoneOverride) config.phone_number = phoneOverride.callbackUrl;
	const wabaId = state.phoneNumbers.get(phoneNumberId)?.wabaId;
	const wabaOverride = wabaId ? state.subscriptions.get(wabaId)?.overrideCallbackUrl : undefined;
	if (wabaOverride) config.whatsapp_business_account = wabaOverride;
	if (state.appCallbackUrl) config.application = state.appCallbackUrl;
	return config;
}

export async function phoneNodePost(
	sim: Simulation,
	ctx: RequestContext,
	id: string,
): Promise<Answer> {
	const { state } = sim;
	phoneOr(state, id, 'POST');
	const body = isObject(ctx.body) ? ctx.body : {};
	const config = body.webhook_configuration;
	if (!isObject(config)) throw invalidParameter('The parameter webhook_configuration is required.');
	if (config.override_callback_uri === '') {
		state.phoneCallbacks.delete(id);
		return { status: 200, json: { success: true } };
	}
	const override = checkOverride(config.override_callback_uri, config.verify_token);
	const wabaId = state.phoneNumbers.get(id)!.wabaId;
	// Assumption: Meta lists "app subscribed to the WABA" as a requirement for both override levels.
	if (sim.overrideRequiresSubscription && !state.subscriptions.has(wabaId)) {
		throw invalidParameter(
			'Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account.',
		);
	}
	const failure = await verify(sim, override.url, override.token);
	if (failure) throw failure;
	state.phoneCallbacks.set(id, {
		callbackUrl: override.url,
		verifyToken: override.token,
		at: state.now(),
	});
	return { status: 200, json: { success: true } };
}

export async function subscribedApps(
	sim: Simulation,
	ctx: RequestContext,
	wabaId: string,
): Promise<Answer> {
	const { state } = sim;
	wabaOr(state, wabaId, ctx.method);
	if (ctx.method === 'GET') {
		const subscription = state.subscriptions.get(wabaId);
		const data = subscription
			? [
					{
						whatsapp_business_api_data: { ...state.app },
						...(subscription.overrideCallbackUrl
							? { override_callback_uri: subscription.overrideCallbackUrl }
							: {}),
					},
				]
			: [];
		return { status: 200, json: { data } };
	}
	if (ctx.method === 'DELETE') {
		state.subscriptions.delete(wabaId);
		return { status: 200, json: { success: true } };
	}
	const body = isObject(ctx.body) ? ctx.body : {};
	if (body.override_callback_uri === undefined && body.verify_token === undefined) {
		// A subscribe without body also removes a WABA-level override.
		state.subscriptions.set(wabaId, { appId: state.app.id, at: state.now() });
		return { status: 200, json: { success: true } };
	}
	const override = checkOverride(body.override_callback_uri, body.verify_token);
	if (sim.overrideRequiresSubscription && !state.subscriptions.has(wabaId)) {
		throw invalidParameter(
			'Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account.',
		);
	}
	const failure = await verify(sim, override.url, override.token);
	if (failure) throw failure;
	state.subscriptions.set(wabaId, {
		appId: state.app.id,
		overrideCallbackUrl: override.url,
		verifyToken: override.token,
		at: state.now(),
	});
	return { status: 200, json: { success: true } };
}
