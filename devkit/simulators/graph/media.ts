/**
 * Media: POST /{phone_number_id}/media (multipart upload), GET /{media_id} (a download link that
 * expires), the download host, and DELETE /{media_id}.
 */
import { createHmac } from 'node:crypto';

import { invalidParameter, unknownObject } from './errors';
import { phoneOr } from './lookup';
import { parseMultipart, type Answer, type RequestContext, type Simulation } from './wire';

export function uploadMedia(sim: Simulation, ctx: RequestContext, phoneNumberId: string): Answer {
	const { state } = sim;
	phoneOr(state, phoneNumberId, 'POST');
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctx.contentType);
	if (!ctx.contentType.startsWith('multipart/form-data') || !boundary) {
		throw invalidParameter('Media upload needs a multipart/form-data body');
	}
	const parts = parseMultipart(ctx.rawBody, boundary[1] ?? boundary[2]);
	const field = (name: string) => parts.find((p) => p.name === name);
	if (field('messaging_product')?.data.toString('utf8') !== 'whatsapp')
		throw invalidParameter('The parameter messaging_product is required.');
	const file = field('file');
	if (!file || !file.filename) throw invalidParameter('The parameter file is required.');
	const mimeType =
		field('type')?.data.toString('utf8') || file.contentType || 'application/octet-stream';
	const id = state.addMedia({ data: Buffer.from(file.data), mimeType, phoneNumberId });
	return { status: 200, json: { id } };
}

/** GET /{media_id}: the file's metadata and a signed download URL valid for mediaUrlTtlMs; undefined when no such media. */
export function mediaNode(sim: Simulation, ctx: RequestContext, id: string): Answer | undefined {
	const { state } = sim;
	const media = state.media.get(id);
	if (!media) return undefined;
	const ext = Math.floor((state.now() + sim.mediaUrlTtlMs) / 1000);
	const hash = mediaHash(sim.mediaSecret, media.id, ext);
	return {
		status: 200,
		json: {
			url: `${ctx.base}/whatsapp_business/attachments/?mid=${media.id}&ext=${ext}&hash=${hash}`,
			mime_type: media.mimeType,
			sha256: media.sha256,
			file_size: media.data.length,
			id: media.id,
			messaging_product: 'whatsapp',
		},
	};
}

export function mediaDownload(sim: Simulation, ctx: RequestContext): Answer {
	const { state } = sim;
	const qs = ctx.url.searchParams;
	const id = qs.get('mid') ?? '';
	const ext = Number(qs.get('ext'));
	const media = state.media.get(id);
	const valid =
		media && Number.isFinite(ext) && qs.get('hash') === mediaHash(sim.mediaSecret, id, ext);
	if (!media || !valid || state.now() / 1000 > ext) {
		// The download host answers an expired or unknown link with 404, not a Graph error.
		return { status: 404, raw: Buffer.from('Not Found'), contentType: 'text/plain' };
	}
	return { status: 200, raw: media.data, contentType: media.mimeType };
}

export function mediaDelete(sim: Simulation, id: string): Answer {
	if (!sim.state.media.delete(id)) throw unknownObject('DELETE', id);
	return { status: 200, json: { success: true } };
}

function mediaHash(secret: Buffer, id: string, ext: number): string {
	return createHmac('sha256', secret).update(`${id}:${ext}`).digest('base64url').slice(0, 22);
}
