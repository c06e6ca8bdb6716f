/** Which handler a method and path go to, and the endpoint key requests are counted under. */
import { getNode, phoneNumbersEdge } from './business';
import { invalidParameter, unsupported } from './errors';
import { mediaDelete, mediaDownload, uploadMedia } from './media';
import { sendMessage } from './messages';
import { phoneNodePost, subscribedApps } from './subscriptions';
import { templatesEdge } from './templates';
import type { Answer, RequestContext, Simulation } from './wire';

export interface Route {
	/** e.g. `POST /{phone_number_id}/messages`: what requests, faults and rejections are keyed by. */
	endpoint: string;
	handle: (ctx: RequestContext) => Promise<Answer> | Answer;
	/** The media download host needs the token but is not a versioned Graph path. */
	auth: boolean;
}

export function route(sim: Simulation, method: string, path: string): Route {
	const { state } = sim;
	if (path === '/whatsapp_business/attachments/' || path === '/whatsapp_business/attachments') {
		return {
			endpoint: `${method} /media-download`,
			auth: true,
			handle: (ctx) => (method === 'GET' ? mediaDownload(sim, ctx) : unsupported(method, path)),
		};
	}
	const match = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
	if (!match) {
		return {
			endpoint: `${method} unknown`,
			auth: true,
			handle: () => {
				throw invalidParameter(`Unknown path components: ${path}`);
			},
		};
	}
	const id = decodeURIComponent(match[2]);
	const edge = match[3];
	if (!edge) {
		const kind = state.wabas.has(id)
			? '{waba_id}'
			: state.phoneNumbers.has(id)
				? '{phone_number_id}'
				: state.media.has(id)
					? '{media_id}'
					: '{id}';
		const endpoint = `${method} /${kind}`;
		if (method === 'GET') return { endpoint, auth: true, handle: (ctx) => getNode(sim, ctx, id) };
		if (method === 'POST' && kind === '{phone_number_id}')
			return { endpoint, auth: true, handle: (ctx) => phoneNodePost(sim, ctx, id) };
		if (method === 'DELETE' && kind === '{media_id}')
			return { endpoint, auth: true, handle: () => mediaDelete(sim, id) };
		return { endpoint, auth: true, handle: () => unsupported(method, id) };
	}
	const edges: Record<
		string,
		{
			owner: string;
			methods: string[];
			handle: (ctx: RequestContext) => Promise<Answer> | Answer;
		}
	> = {
		messages: {
			owner: '{phone_number_id}',
			methods: ['POST'],
			handle: (ctx) => sendMessage(sim, ctx, id),
		},
		media: {
			owner: '{phone_number_id}',
			methods: ['POST'],
			handle: (ctx) => uploadMedia(sim, ctx, id),
		},
		message_templates: {
			owner: '{waba_id}',
			methods: ['GET'],
			handle: (ctx) => templatesEdge(sim, ctx, id),
		},
		phone_numbers: {
			owner: '{waba_id}',
			methods: ['GET'],
			handle: (ctx) => phoneNumbersEdge(sim, ctx, id),
		},
		subscribed_apps: {
			owner: '{waba_id}',
			methods: ['GET', 'POST', 'DELETE'],
			handle: (ctx) => subscribedApps(sim, ctx, id),
		},
	};
	const known = edges[edge];
	if (!known) {
		return {
			endpoint: `${method} /{id}/${edge}`,
			auth: true,
			handle: () => {
				throw invalidParameter(`Unknown path components: /${edge}`);
			},
		};
	}
	const endpoint = `${method} /${known.owner}/${edge}`;
	if (!known.methods.includes(method))
		return { endpoint, auth: true, handle: () => unsupported(method, id) };
	return { endpoint, auth: true, handle: known.handle };
}
