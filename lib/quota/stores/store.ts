/**
 * What every ledger store offers the guard: run one step on a slice of one phone number's ledger
 * with no other step in between, and keep what it changed. The rules never see which store runs them.
 */
import type { Slice, SliceQuery } from '../ledger';

export interface QuotaStore {
	/**
	 * Loads the slice `query` names, runs `step` on it and saves what it changed, atomically.
	 * `step` must be synchronous and depend only on the slice: a store may run it again after a conflict.
	 */
	transact<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T>;
	close(): Promise<void>;
}

/** The store could not be read or written: the guard fails closed on it. */
export class QuotaStoreError extends Error {
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'QuotaStoreError';
	}
}

export function storeError(what: string, error: unknown): QuotaStoreError {
	if (error instanceof QuotaStoreError) return error;
	return new QuotaStoreError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
		cause: error,
	});
}

/** Runs async tasks one after another. */
export class Queue {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(task: () => Promise<T>): Promise<T> {
		const next = this.tail.then(task, task);
		this.tail = next.catch(() => undefined);
		return next;
	}
}
