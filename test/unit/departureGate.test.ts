import { DepartureGate } from '../../lib/sender/departureGate';

/** A clock that jumps to the earliest sleeper's wake-up time: seconds of traffic in milliseconds. */
function virtualClock() {
	let now = 1_800_000_000_000;
	const sleepers: Array<{ at: number; wake: () => void }> = [];
	return {
		now: () => now,
		sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
		/** Lets everything runnable run, then advances time to the next sleeper until none is left. */
		async drain() {
			for (;;) {
				for (let i = 0; i < 20; i++) await Promise.resolve();
				if (sleepers.length === 0) return;
				sleepers.sort((a, b) => a.at - b.at);
				const next = sleepers.shift()!;
				now = Math.max(now, next.at);
				next.wake();
			}
		},
	};
}

function maxInAnySecond(times: number[]): number {
	let max = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		max = Math.max(max, i - j + 1);
	}
	return max;
}

describe('DepartureGate', () => {
	it.each([20, 80, 1000])(
		'lets a burst of late senders leave at no more than %d per rolling second, with a margin',
		async (perSecond) => {
			const clock = virtualClock();
			const gate = new DepartureGate(clock);
			const departures: number[] = [];
			const senders = Array.from({ length: perSecond * 3 }, () =>
				gate.pass('110000000000001', perSecond).then(() => departures.push(clock.now())),
			);
			await clock.drain();
			await Promise.all(senders);
			expect(departures).toHaveLength(perSecond * 3);
			expect(maxInAnySecond(departures)).toBeLessThan(perSecond);
			// The margin is small: the burst still leaves at close to the number's rate.
			expect(maxInAnySecond(departures)).toBeGreaterThanOrEqual(Math.floor(perSecond * 0.95));
			// Evenly spaced, never a burst: late arrivals of a burst would spill into the next second.
			const gaps = departures.slice(1).map((at, i) => at - departures[i]);
			expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(1000 / perSecond));
		},
	);

	it.each([1, 2, 5, 10])(
		'keeps a slow pace of %d per second close to it, never above it',
		async (perSecond) => {
			const clock = virtualClock();
			const gate = new DepartureGate(clock);
			const departures: number[] = [];
			const senders = Array.from({ length: perSecond * 4 }, () =>
				gate.pass('110000000000001', perSecond).then(() => departures.push(clock.now())),
			);
			await clock.drain();
			await Promise.all(senders);
			expect(maxInAnySecond(departures)).toBeLessThanOrEqual(perSecond);
			// A whole message of margin would halve a pace of 2 a second: the margin stays within 5 %.
			const perSecondSeen =
				((departures.length - 1) * 1000) / (departures[departures.length - 1] - departures[0]);
			expect(perSecondSeen).toBeGreaterThan(perSecond * 0.94);
			expect(perSecondSeen).toBeLessThan(perSecond);
		},
	);

	it('keeps numbers apart and lets everything through when the limit is off', async () => {
		const clock = virtualClock();
		const gate = new DepartureGate(clock);
		await gate.pass('a', 20);
		await gate.pass('b', 20);
		await Promise.all(Array.from({ length: 500 }, () => gate.pass('c', 0)));
		expect(clock.now()).toBe(1_800_000_000_000);
	});
});
