import { dedupeContacts } from '../lib/dedup';
import { labelledSets } from './dedup';
const want = process.argv[2];
for (const [name, load, opts] of labelledSets()) {
	if (!name.includes(want)) continue;
	const data = load();
	const r = dedupeContacts(data.contacts, opts);
	console.log(JSON.stringify(r.stats.model));
	const g = new Map<string, number>();
	r.clusters.forEach((c, k) => c.forEach((id) => g.set(id, k)));
	const byId = new Map(data.contacts.map((c) => [c.id, c]));
	let tp = 0, fp = 0, rvT = 0, rvF = 0;
	for (const p of r.review) { if (data.truth[p.a] === data.truth[p.b]) rvT++; else rvF++; }
	console.log('review true', rvT, 'false', rvF);
	const shown = new Set<string>();
	let k = 0;
	for (const p of r.review) if (data.truth[p.a] === data.truth[p.b] && k++ < 6) console.log('REV', p.score, JSON.stringify(byId.get(p.a)), JSON.stringify(byId.get(p.b)), p.reasons.map(x=>x.field+':'+x.weight).join(' '));
	k = 0;
	for (const c of r.clusters) { const ents = new Set(c.map((id) => data.truth[id])); if (ents.size > 1 && k++ < 4) console.log('FP cluster', c.map((id) => JSON.stringify(byId.get(id))).join('\n  ')); }
	void tp; void fp; void shown; void g;
}
