/**
 * The ledger in an SQLite database through `node:sqlite` (Node ≥ 22.5; n8n 2.x runs on Node 24),
 * durable and shared by every process of one host. Chosen over an append-only journal because
 * SQLite already is one (its write-ahead log) with the compaction (checkpoints), the cross-process
 * lock and the crash recovery written and tested: a decision reads and writes only the rows it names,
 * so its cost does not grow with the ledger (docs/benchmarks.md has the figures).
 *
 * - Crash safety: WAL mode. A transaction is in the log before its promise resolves; a process killed
 *   at any point leaves every committed step and none of the one in flight. `synchronous = NORMAL`:
 *   a power cut may lose the last steps, never corrupt (SQLite's documented WAL guarantee).
 * - Processes: each batch is one `BEGIN IMMEDIATE` transaction, so reading, deciding and writing of
 *   two processes never interleave (the lost-update rule). A busy database is waited for without
 *   blocking the event loop for long: a short busy timeout, then asynchronous retries.
 * - In-process: steps queued in the same tick run in one transaction (group commit).
 * - Size: rows per customer (one record, one reach time), bounded by the rules' lookback: a customer
 *   whose record can no longer matter is deleted at the once-a-minute prune.
 * - `importJson`: the JSON ledger (generations `<path>.gen-<n>`) an earlier version kept; read once
 *   into the empty database, so an upgrade forgets nobody. It is left in place.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { CustomerRecord, Reservation, Slice, SliceQuery, Writes } from '../ledger';
import {
	cloneSlice,
	customerKeepUntil,
	diffSlice,
	hasWrites,
	MAX_EXPIRED_PER_STEP,
	reachWindowStart,
} from '../ledger';
import { sleep } from '../../clock';
import { LIMIT_WINDOW_MS } from '../config';
import type { LedgerDocument } from './document';
import { isLedgerDocument, upgradeDocument } from './document';
import type { QuotaStore } from './store';
import { QuotaStoreError, storeError } from './store';
import type { Database, Statement } from './sqliteTables';
import { isBusy, loadSqlite, prepare, SCHEMA, scopeOf } from './sqliteTables';

export interface SqliteStoreOptions {
	lookbackMs: number;
	/** How long to wait for another process's transaction before failing closed (default 30 s). */
	lockWaitMs?: number;
	/** A JSON ledger of an earlier version to import into a new database. */
	importJson?: string;
}

interface Job {
	query: SliceQuery;
	step: (slice: Slice) => unknown;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

const MAX_BATCH = 500;
const PRUNE_EVERY_MS = 60_000;
/** As the document store: slots this much older than the oldest that can matter are dropped on write. */
const SLOT_PRUNE_MARGIN_MS = 100;
/** SQLite waits this long itself (blocking) before the store retries asynchronously. */
const BUSY_TIMEOUT_MS = 20;

export class SqliteQuotaStore implements QuotaStore {
	private readonly jobs: Job[] = [];
	private draining: Promise<void> | undefined;
	private db: Database | undefined;
	private sql!: Record<string, Statement>;
	private readonly lockWaitMs: number;

	constructor(
		private readonly file: string,
		private readonly options: SqliteStoreOptions,
	) {
		this.lockWaitMs = options.lockWaitMs ?? 30_000;
	}

	transact<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.jobs.push({ query, step, resolve: resolve as (value: unknown) => void, reject });
			// A microtask later: steps queued in the same tick share one transaction.
			this.draining ??= Promise.resolve().then(() => this.drain());
		});
	}

	async close(): Promise<void> {
		await this.draining;
		this.db?.close();
		this.db = undefined;
	}

	private async drain(): Promise<void> {
		while (this.jobs.length > 0) await this.runBatch(this.jobs.splice(0, MAX_BATCH));
		this.draining = undefined;
	}

	private async runBatch(batch: Job[]): Promise<void> {
		const settle: Array<() => void> = [];
		try {
			const db = this.open();
			await this.begin(db);
			try {
				for (const job of batch) {
					try {
						const result = this.runStep(job.query, job.step);
						settle.push(() => job.resolve(result));
					} catch (error) {
						if (error instanceof QuotaStoreError) throw error;
						// A failing step wrote nothing: only its caller hears of it.
						settle.push(() => job.reject(error));
					}
				}
				this.prune(Math.max(...batch.map((job) => job.query.now)));
				db.exec('COMMIT');
			} catch (error) {
				db.exec('ROLLBACK');
				throw error;
			}
		} catch (error) {
			// Nothing of this batch was committed: no step in it happened.
			const failure = storeError(`quota ledger ${this.file}`, error);
			return batch.forEach((job) => job.reject(failure));
		}
		settle.forEach((done) => done());
	}

	/** Takes the write lock; another process holding it is waited for asynchronously. */
	private async begin(db: Database): Promise<void> {
		const deadline = Date.now() + this.lockWaitMs;
		for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
			try {
				db.exec('BEGIN IMMEDIATE');
				return;
			} catch (error) {
				if (!isBusy(error)) throw error;
				if (Date.now() > deadline)
					throw new QuotaStoreError(
						`quota ledger ${this.file} stayed locked for ${this.lockWaitMs / 1000} s`,
					);
				await sleep(wait * (0.5 + Math.random()));
			}
		}
	}

	private open(): Database {
		if (this.db) return this.db;
		const sqlite = loadSqlite();
		if (!sqlite)
			throw new QuotaStoreError(
				'this Node.js has no node:sqlite (Node ≥ 22.5): use the JSON file store',
			);
		fs.mkdirSync(path.dirname(this.file), { recursive: true });
		const db = new sqlite.DatabaseSync(this.file);
		try {
			db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
			db.exec('PRAGMA journal_mode = WAL');
			db.exec('PRAGMA synchronous = NORMAL');
			db.exec(SCHEMA);
			this.sql = prepare(db);
			if (this.options.importJson) this.importOnce(db, this.options.importJson);
		} catch (error) {
			db.close();
			throw error;
		}
		this.db = db;
		return db;
	}

	private runStep<T>(query: SliceQuery, step: (slice: Slice) => T): T {
		const slice = this.loadSlice(query);
		const loaded = cloneSlice(slice);
		const result = step(slice);
		const writes = diffSlice(loaded, slice);
		if (hasWrites(writes)) this.apply(query, writes);
		return result;
	}

	private loadSlice(query: SliceQuery): Slice {
		const { sql } = this;
		const number = query.phoneNumberId;
		const scope = scopeOf(number, query.portfolioId);
		const since = reachWindowStart(query.now);

		const reservations: Record<string, Reservation> = Object.create(null);
		for (const id of query.reservations) {
			const row = sql.reservation.get(number, id);
			if (row) reservations[id] = JSON.parse(row.body) as Reservation;
		}
		// Giving one back changes its portfolio's count: only a step on that count may.
		let expired = 0;
		for (const row of sql.expired.all(
			number,
			query.portfolioId ?? '',
			query.now,
			MAX_EXPIRED_PER_STEP + query.reservations.length,
		)) {
			if (expired >= MAX_EXPIRED_PER_STEP) break;
			if (row.id in reservations) continue;
			reservations[row.id] = JSON.parse(row.body) as Reservation;
			expired++;
		}

		const customers: Record<string, CustomerRecord> = Object.create(null);
		const reached: Record<string, number> = Object.create(null);
		for (const id of [...query.customers, ...Object.values(reservations).map((r) => r.to)]) {
			if (id in customers) continue;
			const row = sql.customer.get(number, id);
			if (row) customers[id] = JSON.parse(row.record) as CustomerRecord;
			const at = sql.reachedOne.get(scope, id)?.at as number | undefined;
			if (at !== undefined && at > since) reached[id] = at;
		}

		const kept = (sql.count.get(scope)?.count as number | undefined) ?? 0;
		const slice: Slice = { customers, reached, reachedCount: kept, slots: {}, reservations };
		// The kept count includes customers who aged out since the last prune: it only ever
		// overstates, so count exactly when it could make a difference.
		if (query.exactCount || (query.messagingLimit > 0 && kept >= query.messagingLimit)) {
			slice.reachedCount = sql.countSince.get(scope, since).count as number;
			if (query.messagingLimit > 0 && slice.reachedCount >= query.messagingLimit) {
				const kth = sql.kthSince.get(scope, since, slice.reachedCount - query.messagingLimit);
				slice.limitFreesAt = (kth.at as number) + LIMIT_WINDOW_MS;
			}
		}
		for (const row of sql.slots.all(number, query.slotsFrom)) slice.slots[row.id] = row.at;
		return slice;
	}

	private apply(query: SliceQuery, writes: Writes): void {
		const { sql } = this;
		const number = query.phoneNumberId;
		const scope = scopeOf(number, query.portfolioId);
		for (const [id, record] of Object.entries(writes.customers)) {
			if (record)
				sql.putCustomer.run(
					number,
					id,
					JSON.stringify(record),
					customerKeepUntil(record, this.options.lookbackMs) ?? null,
				);
			else sql.deleteCustomer.run(number, id);
		}
		let delta = 0;
		for (const [id, at] of Object.entries(writes.reached)) {
			if (at === null) delta -= Number(sql.deleteReached.run(scope, id).changes);
			else if (Number(sql.insertReached.run(scope, id, at).changes) === 1) delta++;
			else sql.updateReached.run(at, scope, id);
		}
		if (delta !== 0) sql.addCount.run(scope, delta);
		for (const [id, at] of Object.entries(writes.slots)) {
			if (at === null) sql.deleteSlot.run(number, id);
			else sql.putSlot.run(number, id, at);
		}
		if (Object.keys(writes.slots).length > 0)
			sql.pruneSlots.run(number, query.slotsFrom - SLOT_PRUNE_MARGIN_MS);
		for (const [id, reservation] of Object.entries(writes.reservations)) {
			if (reservation)
				sql.putReservation.run(
					number,
					id,
					reservation.portfolioId ?? '',
					reservation.expiresAt,
					JSON.stringify(reservation),
				);
			else sql.deleteReservation.run(number, id);
		}
	}

	/** At most once a minute (ledger time): what no rule can look at any more. */
	private prune(now: number): void {
		const { sql } = this;
		const last = Number(sql.getMeta.get('prunedAt')?.value ?? -Infinity);
		if (last > now - PRUNE_EVERY_MS) return;
		sql.setMeta.run('prunedAt', String(now));
		sql.pruneReached.run(reachWindowStart(now));
		sql.recount.run();
		sql.dropEmptyCounts.run();
		sql.pruneCustomers.run(now);
		sql.pruneAllSlots.run(now - PRUNE_EVERY_MS);
	}

	/** Reads an earlier version's JSON ledger into a database that never imported one. */
	private importOnce(db: Database, jsonPath: string): void {
		db.exec('BEGIN IMMEDIATE');
		try {
			if (!this.sql.getMeta.get('imported')) {
				const doc = readJsonLedger(jsonPath);
				if (doc) this.importDocument(doc);
				this.sql.setMeta.run('imported', doc ? jsonPath : '');
			}
			db.exec('COMMIT');
		} catch (error) {
			db.exec('ROLLBACK');
			throw error;
		}
	}

	private importDocument(doc: LedgerDocument): void {
		const { sql } = this;
		const reach = (scope: string, reached: Record<string, number>) => {
			for (const [id, at] of Object.entries(reached)) sql.insertReached.run(scope, id, at);
			sql.addCount.run(scope, Object.keys(reached).length);
		};
		for (const [number, content] of Object.entries(doc.numbers)) {
			for (const [id, record] of Object.entries(content.customers))
				sql.putCustomer.run(
					number,
					id,
					JSON.stringify(record),
					customerKeepUntil(record, this.options.lookbackMs) ?? null,
				);
			reach(scopeOf(number, undefined), content.reached);
			for (const [id, at] of Object.entries(content.slots)) sql.putSlot.run(number, id, at);
			for (const [id, reservation] of Object.entries(content.reservations))
				sql.putReservation.run(
					number,
					id,
					reservation.portfolioId ?? '',
					reservation.expiresAt,
					JSON.stringify(reservation),
				);
		}
		for (const [id, portfolio] of Object.entries(doc.portfolios ?? {}))
			reach(scopeOf('', id), portfolio.reached);
	}
}

/** The current generation of a JSON ledger (or its legacy file), if it is one. */
function readJsonLedger(file: string): LedgerDocument | undefined {
	const folder = path.dirname(file);
	const prefix = `${path.basename(file)}.gen-`;
	let names: string[];
	try {
		names = fs.readdirSync(folder);
	} catch {
		return undefined;
	}
	const generations = names
		.filter((name) => name.startsWith(prefix) && /^[1-9]\d{0,15}$/.test(name.slice(prefix.length)))
		.map((name) => Number(name.slice(prefix.length)))
		.sort((a, b) => b - a);
	const current = generations.length > 0 ? `${file}.gen-${generations[0]}` : file;
	let text: string;
	try {
		text = fs.readFileSync(current, 'utf8');
	} catch {
		return undefined;
	}
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		throw new QuotaStoreError(
			`quota ledger ${current} is unreadable (${(error as Error).message}); move it aside to start a new one`,
		);
	}
	// A file that is not a ledger (n8n's config, say) is never read as one, nor is a ledger started
	// beside it: the Ledger File named the wrong file (as the JSON file store says too).
	if (!isLedgerDocument(raw))
		throw new QuotaStoreError(
			`${current} is not a quota ledger: it is left as it is. Choose another Ledger File`,
		);
	return upgradeDocument(raw);
}
