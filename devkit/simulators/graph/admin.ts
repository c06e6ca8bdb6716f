/** The admin surface of the standalone simulator (benchmarks, sandbox): not part of Meta's API. */
import { digits } from './ids';
import { DEFAULT_LIMITS, type SimulatorLimits } from './options';
import type { GraphApiSimulatorState } from './state';
import { isObject, type Answer } from './wire';

/** Answers /__sim/… paths; undefined for every other path. */
export function admin(
	state: GraphApiSimulatorState,
	method: string,
	path: string,
	body: unknown,
): Answer | undefined {
	if (!path.startsWith('/__sim/')) return undefined;
	const input = isObject(body) ? body : {};
	if (method === 'GET' && path === '/__sim/state') return { status: 200, json: state.snapshot() };
	if (method === 'GET' && path === '/__sim/sent') return { status: 200, json: state.sent };
	if (method === 'POST' && path === '/__sim/reset') {
		state.resetCounters();
		return { status: 200, json: { ok: true } };
	}
	if (method === 'POST' && path === '/__sim/inbound') {
		state.recordInbound(
			String(input.phoneNumberId),
			digits(String(input.waId)),
			typeof input.at === 'number' ? input.at : undefined,
		);
		return { status: 200, json: { ok: true } };
	}
	if (method === 'POST' && path === '/__sim/limits') {
		for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof SimulatorLimits>) {
			if (typeof input[key] === 'number') state.limits[key] = input[key] as number;
		}
		if (typeof input.latencyMs === 'number') state.latencyMs = input.latencyMs;
		return { status: 200, json: { limits: state.limits, latencyMs: state.latencyMs } };
	}
	if (method === 'POST' && path === '/__sim/faults') {
		const n = typeof input.n === 'number' ? input.n : 1;
		const scope = typeof input.endpoint === 'string' ? input.endpoint : undefined;
		if (input.kind === 'drop')
			state.dropNext(n, { endpoint: scope, afterProcessing: input.afterProcessing === true });
		else if (input.kind === 'stall')
			state.stallNext(n, {
				endpoint: scope,
				ms: typeof input.ms === 'number' ? input.ms : undefined,
			});
		else
			state.failNext(
				n,
				{
					code: Number(input.code ?? 131000),
					httpStatus: typeof input.httpStatus === 'number' ? input.httpStatus : undefined,
				},
				{ endpoint: scope },
			);
		return { status: 200, json: { ok: true } };
	}
	return { status: 404, json: { error: 'unknown simulator admin path' } };
}
