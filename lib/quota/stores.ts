/**
 * Where the ledger lives. A store runs one read-decide-write step at a time (`transact`): in one
 * process behind a queue, across processes on one host behind a lock file. The rules never see
 * which store they run in.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { Ledger } from './ledger';
import { emptyLedger } from './ledger';

export interface LedgerStore {
	/** Runs `step` on the current ledger with no other step in between, and keeps what it changed. */
	transact<T>(step: (ledger: Ledger) => T): Promise<T>;
	close(): Promise<void>;
}

/** Runs async steps one after another. */
class Queue {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(step: () => Promise<T>): Promise<T> {
		const next = this.tail.then(step, step);
		this.tail = next.catch(() => undefined);
		return next;
	}
}

export class MemoryLedgerStore implements LedgerStore {
	private readonly ledger = emptyLedger();
	private readonly queue = new Queue();

	transact<T>(step: (ledger: Ledger) => T): Promise<T> {
		return this.queue.run(async () => step(this.ledger));
	}

	async close(): Promise<void> {}
}

/**
 * A JSON file, durable across restarts: written to a temporary file, flushed and renamed over the
 * old one, so a crash leaves either the old or the new ledger. A lock file (created exclusively)
 * keeps processes on one host from interleaving; a lock older than `staleLockMs` belonged to a
 * process that died and is taken over.
 */
export class FileLedgerStore implements LedgerStore {
	private readonly queue = new Queue();
	private readonly lockPath: string;

	constructor(
		private readonly file: string,
		private readonly staleLockMs = 10_000,
	) {
		this.lockPath = `${file}.lock`;
	}

	transact<T>(step: (ledger: Ledger) => T): Promise<T> {
		return this.queue.run(async () => {
			await fs.mkdir(path.dirname(this.file), { recursive: true });
			await this.lock();
			try {
				const ledger = await this.read();
				const result = step(ledger);
				await this.write(ledger);
				return result;
			} finally {
				await fs.rm(this.lockPath, { force: true });
			}
		});
	}

	async close(): Promise<void> {
		await this.queue.run(async () => undefined);
	}

	private async lock(): Promise<void> {
		const deadline = Date.now() + 30_000;
		for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
			try {
				const handle = await fs.open(this.lockPath, 'wx');
				await handle.close();
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
			const stat = await fs.stat(this.lockPath).catch(() => undefined);
			if (stat && Date.now() - stat.mtimeMs > this.staleLockMs) {
				await fs.rm(this.lockPath, { force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`quota ledger ${this.file} stayed locked for 30 s`);
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
	}

	private async read(): Promise<Ledger> {
		try {
			return JSON.parse(await fs.readFile(this.file, 'utf8')) as Ledger;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLedger();
			throw new Error(`quota ledger ${this.file} is unreadable: ${(error as Error).message}`);
		}
	}

	private async write(ledger: Ledger): Promise<void> {
		const temporary = `${this.file}.${randomUUID()}.tmp`;
		const handle = await fs.open(temporary, 'w');
		try {
			await handle.writeFile(JSON.stringify(ledger));
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(temporary, this.file);
	}
}
