/**
 * The dedup index on disk: one JSON file, replaced whole (written beside it, then renamed, so a run
 * that dies mid-write leaves the previous index). The caller confines the path (the node keeps it
 * inside n8n's user folder, like the quota ledger's file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { DedupIndex } from './incremental';

/** Larger files are not read (a million contacts make about 60 MB). */
export const MAX_INDEX_BYTES = 512 * 1024 * 1024;

/** The parsed file; undefined when there is none yet; `null` when it is not JSON or too large. */
export async function loadIndexFile(file: string): Promise<unknown> {
	let stat;
	try {
		stat = await fs.stat(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	if (!stat.isFile() || stat.size > MAX_INDEX_BYTES) return null;
	try {
		return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
	} catch {
		return null;
	}
}

export async function saveIndexFile(file: string, index: DedupIndex): Promise<void> {
	await fs.mkdir(path.dirname(file), { recursive: true });
	const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
	try {
		await fs.writeFile(temporary, JSON.stringify(index), { flag: 'wx' });
		await fs.rename(temporary, file);
	} catch (error) {
		await fs.rm(temporary, { force: true });
		throw error;
	}
}
