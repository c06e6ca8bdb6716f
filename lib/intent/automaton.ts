/**
 * Aho-Corasick over folded UTF-16 code units: every phrase of every pack found in one left-to-right
 * pass, whatever the language mix, with no tokenising (Chinese and Thai have no spaces). The
 * root's transitions are a dense table; deeper states keep small maps.
 */
export class Automaton {
	private readonly root = new Int32Array(0x10000).fill(-1);
	private readonly edges: Map<number, number>[] = [new Map()];
	private readonly fail: Int32Array;
	/** Entry ids ending at each state, its fail chain's included. */
	readonly outputs: (readonly number[] | undefined)[];

	constructor(phrases: readonly string[]) {
		const own: number[][] = [[]];
		phrases.forEach((phrase, id) => {
			let state = 0;
			for (let i = 0; i < phrase.length; i++) {
				const c = phrase.charCodeAt(i);
				let next = state === 0 ? this.root[c] : (this.edges[state].get(c) ?? -1);
				if (next < 0) {
					next = this.edges.length;
					this.edges.push(new Map());
					own.push([]);
					if (state === 0) this.root[c] = next;
					else this.edges[state].set(c, next);
				}
				state = next;
			}
			own[state].push(id);
		});
		this.fail = new Int32Array(this.edges.length);
		const queue: number[] = [];
		for (let c = 0; c < 0x10000; c++) if (this.root[c] >= 0) queue.push(this.root[c]);
		const outputs: number[][] = own.map((ids) => ids.slice());
		for (let head = 0; head < queue.length; head++) {
			const state = queue[head];
			for (const [c, child] of this.edges[state]) {
				this.fail[child] = this.step(this.fail[state], c);
				outputs[child].push(...outputs[this.fail[child]]);
				queue.push(child);
			}
		}
		this.outputs = outputs.map((ids) => (ids.length ? ids : undefined));
	}

	/** The state after reading `c` in `state`, following fail links (amortised O(1) per character). */
	step(state: number, c: number): number {
		let s = state;
		for (;;) {
			if (s === 0) {
				const next = this.root[c];
				return next < 0 ? 0 : next;
			}
			const next = this.edges[s].get(c);
			if (next !== undefined) return next;
			s = this.fail[s];
		}
	}
}
