import { labelledSets, quality } from './dedup';
import { dedupeContacts as before } from './baseline/dedup';
const only = process.argv.slice(2);
const base = process.env.BASE === '1';
for (const [name, load, opts, use] of labelledSets()) {
	if (use === 'holdout' && !process.env.HOLDOUT) continue;
	if (only.length && !only.some((o) => name.includes(o))) continue;
	const r = quality(name, load(), opts, base ? before : undefined);
	console.log(name.padEnd(28), `P ${r.precision.toFixed(4)} R ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)} review ${(r.reviewShare*100).toFixed(2)}% sure ${r.sureInReview} ${r.millis.toFixed(0)}ms`);
}
