/**
 * The SQLite ledger's tables and statements, and `node:sqlite` itself (loaded only where it exists).
 * Rows: one record and one reach time per customer, a row per booked slot and outstanding
 * reservation, a kept count per reach scope (a number's own or its portfolio's).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- node:sqlite is loaded at run time (absent on Node 20) */
export type Database = any;
export type Statement = any;
/* eslint-enable @typescript-eslint/no-explicit-any */

let sqliteModule: { DatabaseSync: new (file: string) => Database } | null | undefined;

/** `node:sqlite`, if this runtime has it (Node ≥ 22.5), else undefined. */
export function loadSqlite(): { DatabaseSync: new (file: string) => Database } | undefined {
	if (sqliteModule === undefined) {
		try {
			// Loaded lazily: Node 20 (and 22 before 22.13, without a flag) has no such module.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			sqliteModule = require('node:sqlite') as typeof sqliteModule;
		} catch {
			sqliteModule = null;
		}
	}
	return sqliteModule ?? undefined;
}

/** Whether the `sqlite` store can run here (n8n on Node 24 yes; Node 20 no: use the file store). */
export function sqliteAvailable(): boolean {
	return loadSqlite() !== undefined;
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS customers (number TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,
	keep_until INTEGER, PRIMARY KEY (number, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS customers_keep ON customers (keep_until);
CREATE TABLE IF NOT EXISTS reached (scope TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY (scope, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reached_at ON reached (scope, at);
CREATE TABLE IF NOT EXISTS reach_counts (scope TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slots (number TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY (number, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS slots_at ON slots (number, at);
CREATE TABLE IF NOT EXISTS reservations (number TEXT NOT NULL, id TEXT NOT NULL, portfolio TEXT NOT NULL,
	expires_at INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (number, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (number, portfolio, expires_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/** Whose reach a query counts: its portfolio's or its number's own (ids cannot contain ':'-prefixes of the other). */
export const scopeOf = (number: string, portfolioId: string | undefined): string =>
	portfolioId ? `p:${portfolioId}` : `n:${number}`;

export function prepare(db: Database): Record<string, Statement> {
	const statements: Record<string, string> = {
		reservation: 'SELECT body FROM reservations WHERE number = ? AND id = ?',
		expired:
			'SELECT id, body FROM reservations WHERE number = ? AND portfolio = ? AND expires_at <= ? ORDER BY expires_at LIMIT ?',
		customer: 'SELECT record FROM customers WHERE number = ? AND id = ?',
		reachedOne: 'SELECT at FROM reached WHERE scope = ? AND id = ?',
		count: 'SELECT count FROM reach_counts WHERE scope = ?',
		countSince: 'SELECT count(*) AS count FROM reached WHERE scope = ? AND at > ?',
		kthSince: 'SELECT at FROM reached WHERE scope = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?',
		slots: 'SELECT id, at FROM slots WHERE number = ? AND at >= ?',
		putCustomer:
			'INSERT INTO customers (number, id, record, keep_until) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET record = excluded.record, keep_until = excluded.keep_until',
		deleteCustomer: 'DELETE FROM customers WHERE number = ? AND id = ?',
		insertReached: 'INSERT OR IGNORE INTO reached (scope, id, at) VALUES (?, ?, ?)',
		updateReached: 'UPDATE reached SET at = ? WHERE scope = ? AND id = ?',
		deleteReached: 'DELETE FROM reached WHERE scope = ? AND id = ?',
		addCount:
			'INSERT INTO reach_counts (scope, count) VALUES (?1, ?2) ON CONFLICT DO UPDATE SET count = count + ?2',
		putSlot:
			'INSERT INTO slots (number, id, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at',
		deleteSlot: 'DELETE FROM slots WHERE number = ? AND id = ?',
		pruneSlots: 'DELETE FROM slots WHERE number = ? AND at < ?',
		putReservation:
			'INSERT INTO reservations (number, id, portfolio, expires_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET portfolio = excluded.portfolio, expires_at = excluded.expires_at, body = excluded.body',
		deleteReservation: 'DELETE FROM reservations WHERE number = ? AND id = ?',
		getMeta: 'SELECT value FROM meta WHERE key = ?',
		setMeta:
			'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
		pruneReached: 'DELETE FROM reached WHERE at <= ?',
		recount:
			'UPDATE reach_counts SET count = (SELECT count(*) FROM reached WHERE reached.scope = reach_counts.scope)',
		dropEmptyCounts: 'DELETE FROM reach_counts WHERE count <= 0',
		pruneCustomers: 'DELETE FROM customers WHERE keep_until IS NOT NULL AND keep_until <= ?',
		pruneAllSlots: 'DELETE FROM slots WHERE at < ?',
	};
	const prepared: Record<string, Statement> = {};
	for (const [name, text] of Object.entries(statements)) prepared[name] = db.prepare(text);
	return prepared;
}

export function isBusy(error: unknown): boolean {
	const e = error as { errcode?: unknown; message?: unknown };
	return (
		e?.errcode === 5 ||
		e?.errcode === 6 ||
		(typeof e?.message === 'string' && /database is (locked|busy)/i.test(e.message))
	);
}
