/**
 * The last step before a message leaves this process: never more than a number's throughput in
 * any rolling second, counted at the moment requests actually go out.
 *
 * The quota guard books evenly spaced slots (shared by every process), but a process that falls
 * behind (a busy event loop, a slow ledger write) wakes several late senders at once, and their
 * bunched requests can exceed Meta's per-second limit (130429) although each kept its slot. The
 * gate turns that lateness into a short wait instead of a burst.
 */
import type { Clock } from '../clock';
import { systemClock } from '../clock';

/** The gate's clock: the engine's one Clock (lib/clock.ts). */
export type DepartureGateClock = Clock;

export class DepartureGate {
	/** When the next request for each number may leave. */
	private readonly next = new Map<string, number>();

	constructor(private readonly clock: DepartureGateClock = systemClock) {}

	/**
	 * Resolves when one more request for `key` (a business phone number) may leave: requests leave
	 * evenly spaced, a little under `perSecond`, never in a burst. A burst is what breaks the limit
	 * at Meta's end: a few of its requests arriving late land in the next second beside on-time
	 * ones. The margin is about one message a second (Meta's 20, 80 and 1,000 per second leave at
	 * 19, 78 and 975), never more than 5 % of the rate: a pace of 2 a second must not become 1.
	 * 0 lets everything pass.
	 */
	async pass(key: string, perSecond: number): Promise<void> {
		if (!(perSecond > 0)) return;
		const margin = Math.min(Math.ceil(perSecond * 0.025), perSecond * 0.05);
		const spacing = 1000 / (perSecond - margin);
		const now = this.clock.now();
		const at = Math.max(now, this.next.get(key) ?? 0);
		this.next.set(key, at + spacing);
		if (at > now) await this.clock.sleep(at - now);
	}
}

/** One gate per process: every execution sending from a number in this process shares it. */
export const processDepartureGate = new DepartureGate();
