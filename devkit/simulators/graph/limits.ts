/**
 * Meta's limits on a send: the customer-service window, the number's throughput and the spacing
 * of messages to one customer. Their sizes are SimulatorLimits; the counters live in the state.
 */
import { whatsappError } from './errors';
import type { GraphApiSimulatorState } from './state';

/** Throws Meta's 131047, 130429 or 131056 when a send to `waId` breaks a limit now. */
export function checkLimits(
	state: GraphApiSimulatorState,
	phoneNumberId: string,
	waId: string,
	type: string,
	now: number,
): void {
	// Assumption (order of checks is not documented): deterministic validation first, then the
	// service window, then throughput and pair rate, so refused requests consume no rate budget.
	const { serviceWindowMs, throughputPerSecond } = state.limits;
	if (type !== 'template' && serviceWindowMs > 0) {
		const last = state.lastInbound(phoneNumberId, waId);
		if (last === undefined || now - last > serviceWindowMs) throw whatsappError(131047);
	}
	if (
		throughputPerSecond > 0 &&
		state.trafficInLastSecond(phoneNumberId, now) >= throughputPerSecond
	) {
		throw whatsappError(130429);
	}
	if (!state.takePairToken(phoneNumberId, waId, now)) throw whatsappError(131056);
}
