import { confineLedgerPath, ledgerFolder, LedgerPathError } from '../shared/quotaLedger';

/** A plain file name: letters, digits, dot, dash, underscore; no folders. */
const INDEX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Where a Dedup Index named by the user lives: a file directly in the dedup-index folder beside the
 * quota ledger's, confined the same way (no `..`, no absolute path, no symbolic link out). A name
 * that cannot be one gives `problem`, the sentence to show.
 */
export function dedupIndexPath(name: string): { file: string } | { problem: string } {
	const folder = `${ledgerFolder()}/dedup-index`;
	if (!INDEX_NAME.test(name) || name.includes('..'))
		return {
			problem: `Dedup Index "${name}" is not a plain file name: use letters, digits, ".", "-" or "_" (for example "nightly.json"); the file is kept in ${folder}`,
		};
	const file = name.endsWith('.json') ? name : `${name}.json`;
	try {
		return { file: confineLedgerPath(`dedup-index/${file}`) };
	} catch (error) {
		// The ledger's wording names the ledger: say it for the index.
		const why =
			error instanceof LedgerPathError
				? (/" ([^:]+):/.exec(error.message)?.[1] ?? 'cannot be used')
				: `cannot be used (${(error as Error).message})`;
		return { problem: `Dedup Index "${name}" ${why}: the file is kept in ${folder}` };
	}
}
