/**
 * The business side of the Graph API: WABA and phone number nodes (GET /{id} with `fields=`), and
 * GET /{waba_id}/phone_numbers. A number reports its webhook configuration and the portfolio's
 * messaging limit (see types.ts).
 */
import { unknownObject } from './errors';
import { wabaOr } from './lookup';
import { mediaNode } from './media';
import { listPage, project } from './paging';
import { webhookConfiguration } from './subscriptions';
import type { Answer, RequestContext, Simulation } from './wire';

export function phoneNumbersEdge(sim: Simulation, ctx: RequestContext, wabaId: string): Answer {
	const waba = wabaOr(sim.state, wabaId, 'GET');
	return listPage(
		sim,
		ctx,
		waba.phoneNumbers.map((p) => ({ ...p }) as unknown as Record<string, unknown>),
		'pn',
	);
}

/** GET /{id}: a WABA, a phone number or a media file, else Graph's unknown-object error. */
export function getNode(sim: Simulation, ctx: RequestContext, id: string): Answer {
	const { state } = sim;
	const fields = ctx.url.searchParams.get('fields');
	const waba = state.wabas.get(id);
	if (waba) {
		const { phoneNumbers: _p, templates: _t, ...node } = waba;
		return { status: 200, json: project(node, fields ?? 'id,name') };
	}
	const phone = state.phoneNumbers.get(id);
	if (phone) {
		const node = { ...phone.phone, webhook_configuration: webhookConfiguration(state, id) };
		return {
			status: 200,
			json: project(
				node,
				fields ??
					'id,display_phone_number,verified_name,quality_rating,code_verification_status,platform_type,throughput',
			),
		};
	}
	const media = mediaNode(sim, ctx, id);
	if (media) return media;
	throw unknownObject('GET', id);
}
