/** The WABA or phone number a path names, or Graph's unknown-object error. */
import { unknownObject } from './errors';
import type { GraphApiSimulatorState } from './state';

export function phoneOr(state: GraphApiSimulatorState, id: string, method: string) {
	const entry = state.phoneNumbers.get(id);
	if (!entry) throw unknownObject(method, id);
	return entry;
}

export function wabaOr(state: GraphApiSimulatorState, id: string, method: string) {
	const waba = state.wabas.get(id);
	if (!waba) throw unknownObject(method, id);
	return waba;
}
