import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { CrmAdapterOptions } from '../../../lib/crm';

type HttpTransport = CrmAdapterOptions['transport'];

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** Per credential: how many refreshes have finished, and the one under way (shared by concurrent calls). */
const refreshes = new Map<string, { generation: number; pending?: Promise<void> }>();

/**
 * Keeps an OAuth2 credential's calls going across a token expiry. n8n refreshes the token (through the
 * credential's token URL, saving the new one) only when a request made through
 * `httpRequestWithAuthentication` *throws* a 401, and the engine's transport resolves every status to
 * read the vendor's error itself. So on a 401 this asks n8n once, by an idempotent GET (`probePath`,
 * relative to `baseUrl`) that lets statuses throw: n8n sees the 401, refreshes and retries it. Then the
 * call that met the 401 is sent again, once: a 401 is refused before the vendor does anything
 * (authentication comes first, for a write too), so nothing is repeated. Concurrent calls that met
 * the same expiry wait on one refresh. A token that cannot be refreshed leaves the 401 to the
 * adapter, which says to reconnect.
 */
export function refreshingOAuth2(
	fn: Context,
	credentialType: string,
	baseUrl: string,
	probePath: string,
	transport: HttpTransport,
): HttpTransport {
	const key = `${credentialType}:${fn.getNode().credentials?.[credentialType]?.id ?? fn.getNode().name}`;
	let entry = refreshes.get(key);
	if (!entry) refreshes.set(key, (entry = { generation: 0 }));
	const state = entry;

	async function refresh(): Promise<void> {
		try {
			await fn.helpers.httpRequestWithAuthentication.call(fn, credentialType, {
				method: 'GET',
				url: `${baseUrl.replace(/\/+$/, '')}${probePath}`,
				json: true,
				timeout: 30_000,
			});
		} catch {
			// The probe's own answer does not matter (a refresh that failed shows as the 401 again).
		}
		state.generation++;
	}

	return async (request) => {
		const sentIn = state.generation;
		const response = await transport(request);
		if (response.status !== 401) return response;
		if (state.generation === sentIn) {
			state.pending ??= refresh().finally(() => {
				state.pending = undefined;
			});
			await state.pending;
		}
		return transport(request);
	};
}
