import type { Slice, SliceQuery } from '../ledger';
import { cloneSlice, diffSlice, hasWrites } from '../ledger';
import type { LedgerDocument } from './document';
import { applyWrites, emptyDocument, loadSlice, pruneDocument } from './document';
import type { QuotaStore } from './store';

/** Runs one step on a document: cut the slice, let the step change it, write back the difference. */
export function runOnDocument<T>(
	doc: LedgerDocument,
	query: SliceQuery,
	step: (slice: Slice) => T,
): { result: T; changed: boolean } {
	const slice = loadSlice(doc, query);
	const loaded = cloneSlice(slice);
	const result = step(slice);
	const writes = diffSlice(loaded, slice);
	if (!hasWrites(writes)) return { result, changed: false };
	applyWrites(doc, query, writes);
	return { result, changed: true };
}

/**
 * One process's memory. A step is synchronous and JavaScript runs one thing at a time, so loading,
 * deciding and writing back cannot interleave with another step: no lock is needed.
 */
export class MemoryQuotaStore implements QuotaStore {
	private readonly doc = emptyDocument();

	constructor(private readonly lookbackMs: number) {}

	async transact<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T> {
		const { result } = runOnDocument(this.doc, query, step);
		pruneDocument(this.doc, query.now, this.lookbackMs);
		return result;
	}

	async close(): Promise<void> {}
}
