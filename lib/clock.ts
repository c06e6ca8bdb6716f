/**
 * The one clock the engine waits on. Code that paces or retries takes a `Clock` so that tests and
 * benchmarks can hand it a fake one; everything else uses `systemClock`.
 */
export interface Clock {
	/** Milliseconds since the Unix epoch, as Date.now. */
	now(): number;
	/** Resolves after `ms` milliseconds. */
	sleep(ms: number): Promise<void>;
}

/** Resolves after `ms` milliseconds (a timer; 0 or less resolves on the next turn). */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The machine's clock and timers. */
export const systemClock: Clock = { now: () => Date.now(), sleep };
