/**
 * The ledger as a JSON file, durable across restarts and shared by the processes of one host.
 *
 * - Atomic writes: a temporary file is written, flushed and renamed over the ledger, then the folder
 *   is flushed, so a crash leaves either the old or the new ledger, never half of one.
 * - Processes: a lock file created exclusively (O_EXCL) around read, decide, write. It names its
 *   owner (host, pid); a lock whose owner died, or older than `staleLockMs`, is taken over.
 * - In-process: steps wait in a queue; the queue's steps run in batches under one lock and one
 *   write, and resolve only after that write is on disk (group commit).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Slice, SliceQuery } from '../ledger';
import type { LedgerDocument } from './document';
import { emptyDocument, pruneDocument, upgradeDocument } from './document';
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

export class FileQuotaStore implements QuotaStore {
	private readonly jobs: Job[] = [];
	private draining: Promise<void> | undefined;
	private readonly lockPath: string;
	private readonly breakPath: string;
	private readonly staleLockMs: number;
	private readonly lockWaitMs: number;

	constructor(
		private readonly file: string,
		private readonly options: FileStoreOptions,
	) {
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
			await fs.mkdir(path.dirname(this.file), { recursive: true });
			token = await this.lock();
		} catch (error) {
			return failAll(error);
		}
		const settle: Array<() => void> = [];
		try {
			const doc = await this.read();
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
				pruneDocument(doc, Math.max(...batch.map((job) => job.query.now)), this.options.lookbackMs)
			)
				changed = true;
			if (changed) await this.write(doc);
		} catch (error) {
			// Nothing of this batch reached the disk: no step in it happened.
			settle.splice(0, settle.length, () => failAll(error));
		} finally {
			await this.unlock(token).catch(() => undefined);
		}
		settle.forEach((done) => done());
	}

	private async read(): Promise<LedgerDocument> {
		let text: string;
		try {
			text = await fs.readFile(this.file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyDocument();
			throw error;
		}
		try {
			return upgradeDocument(JSON.parse(text));
		} catch (error) {
			// Never start over on a damaged ledger: that would forget what was sent.
			throw new QuotaStoreError(
				`quota ledger ${this.file} is unreadable (${(error as Error).message}); move it aside to start a new one`,
			);
		}
	}

	private async write(doc: LedgerDocument): Promise<void> {
		const temporary = `${this.file}.${randomUUID()}.tmp`;
		try {
			const handle = await fs.open(temporary, 'w');
			try {
				await handle.writeFile(JSON.stringify(doc));
				await handle.sync();
			} finally {
				await handle.close();
			}
			await fs.rename(temporary, this.file);
		} catch (error) {
			await fs.rm(temporary, { force: true }).catch(() => undefined);
			throw error;
		}
		// The rename itself is durable once the folder is flushed.
		const folder = await fs.open(path.dirname(this.file), 'r');
		try {
			await folder.sync();
		} finally {
			await folder.close();
		}
	}

	private async lock(): Promise<string> {
		const token = randomUUID();
		const owner = JSON.stringify({ host: os.hostname(), pid: process.pid, token });
		const deadline = Date.now() + this.lockWaitMs;
		for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
			try {
				await fs.writeFile(this.lockPath, owner, { flag: 'wx' });
				return token;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			if (await this.breakStaleLock()) continue;
			if (Date.now() > deadline)
				throw new QuotaStoreError(
					`quota ledger ${this.file} stayed locked for ${this.lockWaitMs / 1000} s (${this.lockPath})`,
				);
			// Jitter: processes that lost the race do not all come back at once.
			await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
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
		try {
			await fs.writeFile(this.breakPath, String(process.pid), { flag: 'wx' });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// A breaker that died mid-break (a few milliseconds of work) must not block everyone.
			const breaker = await readOptional(this.breakPath);
			if (breaker && Date.now() - breaker.mtimeMs > this.staleLockMs)
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
		try {
			const owner = JSON.parse(lock.text) as { host?: string; pid?: number };
			return (
				owner.host === os.hostname() && typeof owner.pid === 'number' && !processAlive(owner.pid)
			);
		} catch {
			// Still being written, or not ours: only its age can tell.
			return false;
		}
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
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
