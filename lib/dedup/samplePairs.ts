/** The random pairs u is measured on: every pair of a short list, else `max` drawn deterministically. */
/** Deterministic random pairs (mulberry32), each a < b. */
export function samplePairs(n: number, max: number): Int32Array {
	if (n < 2) return new Int32Array(0);
	const all = (n * (n - 1)) / 2;
	if (all <= max) {
		const out = new Int32Array(all * 2);
		let k = 0;
		for (let i = 0; i < n; i++) {
			for (let j = i + 1; j < n; j++) {
				out[k++] = i;
				out[k++] = j;
			}
		}
		return out;
	}
	const out = new Int32Array(max * 2);
	let state = 0x9e3779b9;
	const random = () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	for (let k = 0; k < max; k++) {
		const a = Math.floor(random() * n);
		let b = Math.floor(random() * (n - 1));
		if (b >= a) b++;
		out[2 * k] = a;
		out[2 * k + 1] = b;
	}
	return out;
}
