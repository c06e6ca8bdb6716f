/**
 * Groups from pair decisions, without chaining strangers through one bad link.
 *
 * Connected components over merge-level edges are only a first cut: A–B and B–C can each be
 * convincing while A and C are plainly different people (a parent and child sharing a phone, each
 * linked to a record that mentions both). So a component of three or more is re-clustered by
 * average linkage on the pair weights of all its members (computed for every pair, not only the
 * candidate edges): two groups join only while the average evidence between all their members
 * reaches the merge threshold. One strong link cannot outvote several strong disagreements, yet
 * a member missing a field (no evidence either way) does not break an otherwise solid group.
 */

export interface Edges {
	a: Int32Array;
	b: Int32Array;
	length: number;
}

/** Weights are clipped before averaging so one extreme pair does not decide a group alone. */
const CLIP = 30;
/** Components above this size are first cut by stronger edges; average linkage is cubic. */
const MAX_LINKAGE = 300;

export interface ClusterResult {
	clusters: number[][];
	split: number;
}

export function clusterEdges(
	n: number,
	edges: Edges,
	weights: Float64Array,
	mergeBits: number,
	score: (i: number, j: number) => number,
): ClusterResult {
	const clusters: number[][] = [];
	let split = 0;
	const components = components_(n, edges, weights, mergeBits);
	const queue: Array<{ members: number[]; floor: number }> = components.map((members) => ({
		members,
		floor: mergeBits,
	}));
	// An index walks the queue: shift() would make a million components quadratic.
	for (let next = 0; next < queue.length; next++) {
		const { members, floor } = queue[next];
		if (members.length === 2) {
			clusters.push(members);
			continue;
		}
		if (members.length > MAX_LINKAGE) {
			// Too big to compare every pair: keep only stronger edges inside it and look again.
			const local = new Set(members);
			const strong = floor + 5;
			const sub = { a: new Int32Array(edges.length), b: new Int32Array(edges.length), length: 0 };
			const subWeights = new Float64Array(edges.length);
			for (let e = 0; e < edges.length; e++) {
				if (weights[e] >= strong && local.has(edges.a[e])) {
					sub.a[sub.length] = edges.a[e];
					sub.b[sub.length] = edges.b[e];
					subWeights[sub.length++] = weights[e];
				}
			}
			split++;
			for (const part of components_(n, sub, subWeights, strong))
				queue.push({ members: part, floor: strong });
			continue;
		}
		const groups = averageLinkage(members, mergeBits, score);
		if (groups.length !== 1 || groups[0].length !== members.length) split++;
		for (const group of groups) if (group.length >= 2) clusters.push(group);
	}
	for (const cluster of clusters) cluster.sort((x, y) => x - y);
	clusters.sort((x, y) => x[0] - y[0]);
	return { clusters, split };
}

/** Union-find over edges at or above `floor`; components of two or more, members ascending. */
function components_(n: number, edges: Edges, weights: Float64Array, floor: number): number[][] {
	const parent = new Int32Array(n);
	for (let i = 0; i < n; i++) parent[i] = i;
	const find = (x: number): number => {
		while (parent[x] !== x) {
			parent[x] = parent[parent[x]];
			x = parent[x];
		}
		return x;
	};
	const touched: number[] = [];
	for (let e = 0; e < edges.length; e++) {
		if (weights[e] < floor) continue;
		const ra = find(edges.a[e]);
		const rb = find(edges.b[e]);
		if (ra === rb) continue;
		// The smaller index roots the set, so results do not depend on edge order.
		if (ra < rb) parent[rb] = ra;
		else parent[ra] = rb;
		touched.push(edges.a[e], edges.b[e]);
	}
	const byRoot = new Map<number, number[]>();
	const seen = new Set<number>();
	touched.sort((x, y) => x - y);
	for (const i of touched) {
		if (seen.has(i)) continue;
		seen.add(i);
		const root = find(i);
		let group = byRoot.get(root);
		if (!group) byRoot.set(root, (group = []));
		group.push(i);
	}
	return [...byRoot.values()].filter((group) => group.length >= 2);
}

/** Agglomerative average linkage over every pair of `members`; ties go to the lowest indices. */
function averageLinkage(
	members: number[],
	mergeBits: number,
	score: (i: number, j: number) => number,
): number[][] {
	const k = members.length;
	const sum = new Float64Array(k * k);
	let complete = true;
	for (let x = 0; x < k; x++) {
		for (let y = x + 1; y < k; y++) {
			const w = Math.max(-CLIP, Math.min(CLIP, score(members[x], members[y])));
			if (w < mergeBits) complete = false;
			sum[x * k + y] = w;
			sum[y * k + x] = w;
		}
	}
	if (complete) return [members.slice()];
	const size = new Int32Array(k).fill(1);
	const alive = new Uint8Array(k).fill(1);
	const groups: number[][] = members.map((m) => [m]);
	for (;;) {
		let best = Number.NEGATIVE_INFINITY;
		let bx = -1;
		let by = -1;
		for (let x = 0; x < k; x++) {
			if (!alive[x]) continue;
			for (let y = x + 1; y < k; y++) {
				if (!alive[y]) continue;
				const average = sum[x * k + y] / (size[x] * size[y]);
				if (average > best) {
					best = average;
					bx = x;
					by = y;
				}
			}
		}
		if (bx < 0 || best < mergeBits) break;
		for (let z = 0; z < k; z++) {
			sum[bx * k + z] += sum[by * k + z];
			sum[z * k + bx] = sum[bx * k + z];
		}
		size[bx] += size[by];
		alive[by] = 0;
		groups[bx].push(...groups[by]);
	}
	return groups.filter((_, x) => alive[x] === 1);
}
