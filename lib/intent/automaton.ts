/**
 * Aho-Corasick over folded UTF-16 code units: every phrase of every pack found in one left-to-right
 * pass, whatever the language mix, with no tokenising (Chinese and Thai have no spaces). The
 * root's transitions are a dense table; the others live in one open-addressing hash table keyed by
 * (state, code unit), so a step is a probe or two, not a Map lookup per state on the fail chain.
 */
export class Automaton {
	private readonly root = new Int32Array(0x10000).fill(-1);
	private readonly fail: Int32Array;
	/**
	 * Per state, one bit per (code unit mod 32) of its children: a clear bit means no child for that
	 * code unit, so the step goes straight to the fail link without probing the table.
	 */
	private readonly childBits: Int32Array;
	private readonly keyState: Int32Array;
	private readonly keyCode: Uint16Array;
	private readonly target: Int32Array;
	private readonly mask: number;
	/**
	 * Entry ids ending at each state, its fail chain's included, flat: those of state s are
	 * `outputIds[outputStart[s]]` up to `outputIds[outputStart[s + 1]]` (no array per state to chase).
	 */
	readonly outputStart: Int32Array;
	readonly outputIds: Int32Array;
	/** 1 for the code units some phrase contains: any other one sends every state back to the root. */
	readonly used = new Uint8Array(0x10000);

	constructor(phrases: readonly string[]) {
		// Build as a trie of maps first, then flatten the edges into the hash table.
		const edges: Map<number, number>[] = [new Map()];
		const own: number[][] = [[]];
		phrases.forEach((phrase, id) => {
			let state = 0;
			for (let i = 0; i < phrase.length; i++) {
				const c = phrase.charCodeAt(i);
				this.used[c] = 1;
				let next = state === 0 ? this.root[c] : (edges[state].get(c) ?? -1);
				if (next < 0) {
					next = edges.length;
					edges.push(new Map());
					own.push([]);
					if (state === 0) this.root[c] = next;
					else edges[state].set(c, next);
				}
				state = next;
			}
			own[state].push(id);
		});
		let count = 0;
		for (const map of edges) count += map.size;
		let size = 1024;
		while (size < count * 2) size *= 2;
		this.mask = size - 1;
		this.keyState = new Int32Array(size).fill(-1);
		this.keyCode = new Uint16Array(size);
		this.target = new Int32Array(size);
		edges.forEach((map, state) => {
			for (const [c, child] of map) {
				let slot = this.slotOf(state, c);
				while (this.keyState[slot] >= 0) slot = (slot + 1) & this.mask;
				this.keyState[slot] = state;
				this.keyCode[slot] = c;
				this.target[slot] = child;
			}
		});
		this.childBits = new Int32Array(edges.length);
		edges.forEach((map, state) => {
			for (const c of map.keys()) this.childBits[state] |= 1 << (c & 31);
		});
		this.fail = new Int32Array(edges.length);
		const queue: number[] = [];
		for (let c = 0; c < 0x10000; c++) if (this.root[c] >= 0) queue.push(this.root[c]);
		const outputs: number[][] = own.map((ids) => ids.slice());
		for (let head = 0; head < queue.length; head++) {
			const state = queue[head];
			for (const [c, child] of edges[state]) {
				this.fail[child] = this.step(this.fail[state], c);
				outputs[child].push(...outputs[this.fail[child]]);
				queue.push(child);
			}
		}
		this.outputStart = new Int32Array(outputs.length + 1);
		let total = 0;
		outputs.forEach((ids, state) => {
			this.outputStart[state] = total;
			total += ids.length;
		});
		this.outputStart[outputs.length] = total;
		this.outputIds = Int32Array.from(outputs.flat());
	}

	private slotOf(state: number, c: number): number {
		return ((Math.imul(state, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) >>> 0) & this.mask;
	}

	/** The state after reading `c` in `state`, following fail links (amortised O(1) per character). */
	step(state: number, c: number): number {
		let s = state;
		for (;;) {
			if (s === 0) {
				const next = this.root[c];
				return next < 0 ? 0 : next;
			}
			if ((this.childBits[s] & (1 << (c & 31))) === 0) {
				s = this.fail[s];
				continue;
			}
			let slot = this.slotOf(s, c);
			for (;;) {
				const k = this.keyState[slot];
				if (k < 0) break;
				if (k === s && this.keyCode[slot] === c) return this.target[slot];
				slot = (slot + 1) & this.mask;
			}
			s = this.fail[s];
		}
	}
}
