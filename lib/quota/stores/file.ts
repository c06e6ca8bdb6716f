/**
 * The ledger as JSON files, durable across restarts and shared by the processes of one host.
 *
 * - Generations, never replaced: each write creates the next generation `<path>.gen-<n>` with a hard
 *   link from a flushed temporary file. link(2) fails when the name exists, so of two writers that
 *   read generation n only one creates n + 1; the other re-reads and runs its steps again. The
 *   current ledger is the highest generation, so a writer that stalled (a GC pause, a frozen VM, a
 *   slow disk) past the lock's stale time and then writes can never put an older document over a
 *   newer one: its generation is already taken, or lower than the highest. The generation before
 *   the current one is kept, the rest removed. A crash leaves the old or the new ledger, never half.
 * - Processes: a lock file around read, decide, write keeps writers from running their steps twice;
 *   correctness does not depend on it. It names its owner (host, pid) and appears with its content
 *   (link again), so a lock without an owner is a leftover and taken over at once; a lock whose owner
 *   died, or older than `staleLockMs`, is taken over too.
 * - Leftovers: temporary files of processes that died, or older than `staleLockMs`, are removed.
 * - `<path>` itself is read once, as a ledger written by an earlier version, and removed once its
 *   content lives on as generation 1. A file there that is not a ledger is never read as one, never
 *   changed and never removed.
 * - In-process: steps wait in a queue; the queue's steps run in batches under one lock and one
 *   write, and resolve only after that write is on disk (group commit).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sleep } from '../../clock';

import type { Slice, SliceQuery } from '../ledger';
import type { LedgerDocument } from './document';
import { emptyDocument, isLedgerDocument, pruneDocument, upgradeDocument } from './document';
import { runOnDocument } from './memory';
import type { QuotaStore } from './store';
import { QuotaStoreError, storeError } from './store';

interface Job {
	query: SliceQuery;
	step: (slice: Slice) => unknown;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

export interface FileStoreOptions {
	lookbackMs: number;
	/** A lock older than this belonged to a process that hung or died (default 30 s; steps take milliseconds). */
	staleLockMs?: number;
	/** How long to wait for the lock before failing closed (default 30 s). */
	lockWaitMs?: number;
}

/** Steps per batch: bounds the time one process holds the lock. */
const MAX_BATCH = 500;

/** A generation that another writer took first, or that is lower than the current one. */
class Superseded extends Error {}

export class FileQuotaStore implements QuotaStore {
	private readonly jobs: Job[] = [];
	private draining: Promise<void> | undefined;
	private readonly folder: string;
	private readonly base: string;
	private readonly lockPath: string;
	private readonly breakPath: string;
	private readonly staleLockMs: number;
	private readonly lockWaitMs: number;

	constructor(
		private readonly file: string,
		private readonly options: FileStoreOptions,
	) {
		this.folder = path.dirname(file);
		this.base = path.basename(file);
		this.lockPath = `${file}.lock`;
		this.breakPath = `${file}.lock.break`;
		this.staleLockMs = options.staleLockMs ?? 30_000;
		this.lockWaitMs = options.lockWaitMs ?? 30_000;
	}

	transact<T>(query: SliceQuery, step: (slice: Slice) => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.jobs.push({ query, step, resolve: resolve as (value: unknown) => void, reject });
			this.draining ??= this.drain();
		});
	}

	async close(): Promise<void> {
		await this.draining;
	}

	private async drain(): Promise<void> {
		while (this.jobs.length > 0) await this.runBatch(this.jobs.splice(0, MAX_BATCH));
		// Same tick as the emptiness check: a step queued from now on starts a new drain.
		this.draining = undefined;
	}

	private async runBatch(batch: Job[]): Promise<void> {
		const failAll = (error: unknown) =>
			batch.forEach((job) => job.reject(storeError(`quota ledger ${this.file}`, error)));
		let token: string;
		try {
			await fs.mkdir(this.folder, { recursive: true });
			token = await this.lock();
		} catch (error) {
			return failAll(error);
		}
		let settle: Array<() => void> = [];
		const deadline = Date.now() + this.lockWaitMs;
		try {
			for (;;) {
				const { generation, doc, legacy } = await this.read();
				settle = [];
				let changed = false;
				for (const job of batch) {
					try {
						const outcome = runOnDocument(doc, job.query, job.step);
						changed ||= outcome.changed;
						settle.push(() => job.resolve(outcome.result));
					} catch (error) {
						// A failing step changed nothing in the document: only its caller hears of it.
						settle.push(() => job.reject(error));
					}
				}
				if (
					pruneDocument(
						doc,
						Math.max(...batch.map((job) => job.query.now)),
						this.options.lookbackMs,
					)
				)
					changed = true;
				if (!changed) break;
				try {
					await this.write(doc, generation, legacy);
					break;
				} catch (error) {
					if (!(error instanceof Superseded)) throw error;
					// Another writer got there first (our lock was taken over while we stalled):
					// read what it wrote and decide every step again on it.
					if (Date.now() > deadline)
						throw new QuotaStoreError(
							`quota ledger ${this.file} kept changing under this process for ${this.lockWaitMs / 1000} s`,
						);
				}
			}
		} catch (error) {
			// Nothing of this batch reached the disk: no step in it happened.
			settle = [() => failAll(error)];
		} finally {
			await this.unlock(token).catch(() => undefined);
		}
		settle.forEach((done) => done());
	}

	private generationPath(generation: number): string {
		return `${this.file}.gen-${generation}`;
	}

	/** The generations in the folder, highest first; removes temporary files nobody will link. */
	private async generations(): Promise<number[]> {
		const names = await fs.readdir(this.folder);
		const found: number[] = [];
		const prefix = `${this.base}.`;
		const leftovers: string[] = [];
		for (const name of names) {
			if (!name.startsWith(prefix)) continue;
			const rest = name.slice(prefix.length);
			const generation = /^gen-([1-9]\d{0,15})$/.exec(rest);
			if (generation) found.push(Number(generation[1]));
			else if (rest.endsWith('.tmp')) leftovers.push(name);
		}
		await Promise.all(leftovers.map((name) => this.removeLeftover(name)));
		return found.sort((a, b) => b - a);
	}

	/** A temporary file whose writer died, or that nobody linked for the stale time, is garbage. */
	private async removeLeftover(name: string): Promise<void> {
		const file = path.join(this.folder, name);
		const owner = /\.(\d+)\.[0-9a-f-]{36}\.tmp$/.exec(name);
		const dead = owner !== null && !processAlive(Number(owner[1]));
		try {
			if (!dead && Date.now() - (await fs.stat(file)).mtimeMs <= this.staleLockMs) return;
			await fs.rm(file, { force: true });
		} catch {
			// Gone already, or not ours to remove: the next listing tries again.
		}
	}

	/** The current ledger: the highest generation, else a ledger an earlier version wrote at `<path>`. */
	private async read(): Promise<{ generation: number; doc: LedgerDocument; legacy: boolean }> {
		for (let attempt = 0; ; attempt++) {
			const [highest] = await this.generations();
			const file = highest === undefined ? this.file : this.generationPath(highest);
			let text: string;
			try {
				text = await fs.readFile(file, 'utf8');
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
				if (highest === undefined) return { generation: 0, doc: emptyDocument(), legacy: false };
				// Removed after a newer one appeared: list again.
				if (attempt < 20) continue;
				throw error;
			}
			let raw: unknown;
			try {
				raw = JSON.parse(text);
			} catch (error) {
				// Never start over on a damaged ledger: that would forget what was sent.
				throw new QuotaStoreError(
					`quota ledger ${file} is unreadable (${(error as Error).message}); move it aside to start a new one`,
				);
			}
			if (!isLedgerDocument(raw))
				throw new QuotaStoreError(
					`${file} is not a quota ledger: it is left as it is. Choose another Ledger File`,
				);
			return { generation: highest ?? 0, doc: upgradeDocument(raw), legacy: highest === undefined };
		}
	}

	/** Writes `doc` as the generation after `base`; throws Superseded if that is not the newest. */
	private async write(doc: LedgerDocument, base: number, legacy: boolean): Promise<void> {
		const next = this.generationPath(base + 1);
		const temporary = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
		try {
			const handle = await fs.open(temporary, 'wx');
			try {
				await handle.writeFile(JSON.stringify(doc));
				await handle.sync();
			} finally {
				await handle.close();
			}
			try {
				await fs.link(temporary, next);
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				// EEXIST: another writer made this generation. ENOENT: our temporary file was taken for
				// a leftover while we stalled. Either way, read again.
				if (code === 'EEXIST' || code === 'ENOENT') throw new Superseded();
				if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP')
					throw new QuotaStoreError(
						`quota ledger ${this.file}: this folder's file system has no hard links, which the ledger needs; choose a folder on a local disk or use Redis`,
					);
				throw error;
			}
		} finally {
			await fs.rm(temporary, { force: true }).catch(() => undefined);
		}
		// Our generation was free, but an old one is free again once removed: a newer one must not exist.
		const listed = await this.generations();
		if (listed[0] !== undefined && listed[0] > base + 1) {
			await fs.rm(next, { force: true });
			throw new Superseded();
		}
		// The link itself is durable once the folder is flushed.
		const folder = await fs.open(this.folder, 'r');
		try {
			await folder.sync();
		} finally {
			await folder.close();
		}
		// Keep the generation before this one; a reader that listed it a moment ago may still read it.
		await Promise.all(
			listed
				.filter((generation) => generation < base)
				.map((generation) => fs.rm(this.generationPath(generation), { force: true })),
		);
		// The earlier version's file lives on as generation 1 (it was read as a ledger to get there).
		if (legacy) await fs.rm(this.file, { force: true });
	}

	private async lock(): Promise<string> {
		const token = randomUUID();
		const owner = JSON.stringify({ host: os.hostname(), pid: process.pid, token });
		const deadline = Date.now() + this.lockWaitMs;
		for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
			if (await this.createWithContent(this.lockPath, owner)) return token;
			if (await this.breakStaleLock()) continue;
			if (Date.now() > deadline)
				throw new QuotaStoreError(
					`quota ledger ${this.file} stayed locked for ${this.lockWaitMs / 1000} s (${this.lockPath})`,
				);
			// Jitter: processes that lost the race do not all come back at once.
			await sleep(wait * (0.5 + Math.random()));
		}
	}

	/** Creates `file` with `text` in one step (it never exists empty); false if it exists. */
	private async createWithContent(file: string, text: string): Promise<boolean> {
		const temporary = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
		try {
			await fs.writeFile(temporary, text, { flag: 'wx' });
			await fs.link(temporary, file);
			return true;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			// ENOENT: our temporary file was taken for a leftover while this process stalled; try again.
			if (code === 'EEXIST' || code === 'ENOENT') return false;
			throw error;
		} finally {
			await fs.rm(temporary, { force: true }).catch(() => undefined);
		}
	}

	private async unlock(token: string): Promise<void> {
		const held = await readOptional(this.lockPath);
		if (held?.text.includes(token)) await fs.rm(this.lockPath, { force: true });
	}

	/**
	 * Removes the lock if its owner is gone. Breakers take turns (a second exclusive file) and re-read
	 * the lock under it, so a breaker never removes a fresh lock another process just took.
	 * Returns whether the lock may now be free.
	 */
	private async breakStaleLock(): Promise<boolean> {
		const seen = await readOptional(this.lockPath);
		if (!seen) return true;
		if (!this.isStale(seen)) return false;
		if (!(await this.createWithContent(this.breakPath, String(process.pid)))) {
			// A breaker that died mid-break (a few milliseconds of work) must not block everyone.
			const breaker = await readOptional(this.breakPath);
			if (breaker && (!breaker.text || Date.now() - breaker.mtimeMs > this.staleLockMs))
				await fs.rm(this.breakPath, { force: true });
			return false;
		}
		try {
			const again = await readOptional(this.lockPath);
			if (again && again.text === seen.text && again.mtimeMs === seen.mtimeMs)
				await fs.rm(this.lockPath, { force: true });
		} finally {
			await fs.rm(this.breakPath, { force: true });
		}
		return true;
	}

	private isStale(lock: { text: string; mtimeMs: number }): boolean {
		if (Date.now() - lock.mtimeMs > this.staleLockMs) return true;
		let owner: { host?: unknown; pid?: unknown };
		try {
			owner = JSON.parse(lock.text) as { host?: unknown; pid?: unknown };
		} catch {
			// Locks appear with their owner in them: one without is a leftover (a crash mid-write of an
			// earlier version, a full disk, a person's `touch`), and waiting for it to age stalls every send.
			return true;
		}
		if (typeof owner !== 'object' || owner === null || typeof owner.pid !== 'number') return true;
		return owner.host === os.hostname() && !processAlive(owner.pid);
	}
}

async function readOptional(file: string): Promise<{ text: string; mtimeMs: number } | undefined> {
	try {
		const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
		return { text, mtimeMs: stat.mtimeMs };
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function processAlive(pid: number): boolean {
	if (!Number.isSafeInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
