/**
 * Groups from pair decisions: every pair at or above the merge threshold ends in one group, unless
 * a sure conflict forbids it. Pairs are joined strongest first (Kruskal's order over a union-find);
 * before two groups join, they are checked for
 * - a hard conflict: a field whose values identify one person (a BSUID, a customer number, any
 *   rule with `conflict: true`) holds different values on the two sides and none in common;
 * - a chain of different people: some member of one group and some member of the other disagree
 *   so clearly (their evidence is below `vetoBits`, far under any doubt) that the link joining
 *   them must be a shared family number or a typo'd email, not one person.
 * A refused join leaves the pair out of the group and sends it to Review with that reason. Nothing
 * else splits a group: a member missing a field (no evidence either way) or linked only through
 * others stays in, because every link it has is one the model is sure of.
 */

export interface Edges {
	a: Int32Array;
	b: Int32Array;
	length: number;
}

/** Values that identify a person, per contact (CSR: values[start[i] .. start[i + 1])). */
export interface IdentityColumn {
	field: string;
	start: Int32Array;
	values: Int32Array;
}

export interface ClusterOptions {
	/** Evidence in bits at or above which a pair merges. */
	mergeBits: number;
	/** A cross pair below this is two clearly different people. */
	vetoBits: number;
	identities: readonly IdentityColumn[];
	score: (i: number, j: number) => number;
}

/**
 * Cross pairs compared before a join; beyond this, members are sampled evenly from both sides.
 * 256 keeps a join of two 16-member groups exact and every join O(1) in the group sizes.
 */
const CROSS_LIMIT = 256;

export interface ClusterResult {
	clusters: number[][];
	/** Joins refused, by reason. */
	refused: number;
	/** Why two groups may not join, for an edge between them; '' when they may. */
	conflict: (i: number, j: number) => string;
	groupOf: Int32Array;
}

export function clusterEdges(
	n: number,
	edges: Edges,
	weights: Float64Array,
	opts: ClusterOptions,
): ClusterResult {
	const parent = new Int32Array(n);
	for (let i = 0; i < n; i++) parent[i] = i;
	const find = (x: number): number => {
		while (parent[x] !== x) {
			parent[x] = parent[parent[x]];
			x = parent[x];
		}
		return x;
	};
	// Members per root (only roots of groups of two or more hold a list).
	const members = new Map<number, number[]>();
	const membersOf = (root: number): number[] => members.get(root) ?? [root];

	const order = new Int32Array(edges.length);
	for (let e = 0; e < edges.length; e++) order[e] = e;
	order.sort(
		(x, y) =>
			weights[y] - weights[x] || edges.a[x] - edges.a[y] || edges.b[x] - edges.b[y] || x - y,
	);

	const conflictBetween = (left: number[], right: number[]): string => {
		for (const identity of opts.identities) {
			const reason = identityConflict(identity, left, right);
			if (reason) return reason;
		}
		const pairs = left.length * right.length;
		const stepL = pairs <= CROSS_LIMIT ? 1 : Math.max(1, Math.ceil(left.length / 16));
		const stepR = pairs <= CROSS_LIMIT ? 1 : Math.max(1, Math.ceil(right.length / 16));
		let worst = Number.POSITIVE_INFINITY;
		for (let x = 0; x < left.length; x += stepL) {
			for (let y = 0; y < right.length; y += stepR) {
				const bits = opts.score(left[x], right[y]);
				if (bits < worst) worst = bits;
			}
		}
		return worst < opts.vetoBits
			? `chain: joining would put two clearly different people in one group (a pair inside it scores ${worst.toFixed(1)} bits)`
			: '';
	};

	let refused = 0;
	for (let k = 0; k < order.length; k++) {
		const e = order[k];
		if (weights[e] < opts.mergeBits) continue;
		const ra = find(edges.a[e]);
		const rb = find(edges.b[e]);
		if (ra === rb) continue;
		const left = membersOf(ra);
		const right = membersOf(rb);
		if (conflictBetween(left, right) !== '') {
			refused++;
			continue;
		}
		// Small into large; the smaller index roots a tie so results do not depend on edge order.
		const [big, small] =
			left.length > right.length || (left.length === right.length && ra < rb) ? [ra, rb] : [rb, ra];
		const joined = membersOf(big);
		for (const m of membersOf(small)) joined.push(m);
		members.delete(small);
		members.set(big, joined);
		parent[small] = big;
	}

	const clusters: number[][] = [];
	for (const list of members.values()) {
		list.sort((x, y) => x - y);
		clusters.push(list);
	}
	clusters.sort((x, y) => x[0] - y[0]);
	const groupOf = new Int32Array(n).fill(-1);
	clusters.forEach((list, c) => {
		for (const i of list) groupOf[i] = c;
	});
	const conflict = (i: number, j: number): string => {
		const left = groupOf[i] >= 0 ? clusters[groupOf[i]] : [i];
		const right = groupOf[j] >= 0 ? clusters[groupOf[j]] : [j];
		return conflictBetween(left, right);
	};
	return { clusters, refused, conflict, groupOf };
}

/** Both sides hold values of an identifying field and share none of them. */
function identityConflict(identity: IdentityColumn, left: number[], right: number[]): string {
	const seen = new Set<number>();
	for (const i of left)
		for (let p = identity.start[i]; p < identity.start[i + 1]; p++) seen.add(identity.values[p]);
	if (seen.size === 0) return '';
	let any = false;
	for (const j of right) {
		for (let p = identity.start[j]; p < identity.start[j + 1]; p++) {
			if (seen.has(identity.values[p])) return '';
			any = true;
		}
	}
	return any ? `conflict: two different ${identity.field} values` : '';
}
