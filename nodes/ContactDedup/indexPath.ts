import { confineLedgerPath, ledgerFolder } from '../shared/quotaLedger';

/** A plain file name: letters, digits, dot, dash, underscore; no folders. */
const INDEX_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Where a Dedup Index named by the user lives: a file directly in the dedup-index folder beside the
 * quota ledger's, confined the same way (no `..`, no absolute path, no symbolic link out).
 */
export function dedupIndexPath(name: string): string {
	const folder = `${ledgerFolder()}/dedup-index`;
	if (!INDEX_NAME.test(name) || name.includes('..'))
		throw new Error(
			`Dedup Index "${name}" is not a plain file name: use letters, digits, ".", "-" or "_" (for example "nightly.json"); the file is kept in ${folder}`,
		);
	const file = name.endsWith('.json') ? name : `${name}.json`;
	return confineLedgerPath(`dedup-index/${file}`);
}
