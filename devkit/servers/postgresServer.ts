/**
 * A throwaway PostgreSQL for tests: Debian's `postgresql` binaries, a fresh cluster in a temporary
 * folder, a random loopback port, trust authentication, fsync off. Run as root (CI), the server
 * runs as the `postgres` user the Debian package creates, since PostgreSQL refuses to run as root.
 * Missing binaries are a failure naming the package to install, never a silent skip.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './redisServer';

const run = promisify(execFile);

export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	database: string;
	/** Rows of a SELECT as objects (through psql's JSON output; no driver needed). */
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	/** Runs statements, discarding results. */
	exec(sql: string): Promise<void>;
	stop(): Promise<void>;
}

/** The newest Debian PostgreSQL install's bin folder, or the one POSTGRES_BIN_DIR names. */
export function postgresBinDir(): string {
	const explicit = process.env.POSTGRES_BIN_DIR;
	if (explicit && fs.existsSync(path.join(explicit, 'initdb'))) return explicit;
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	const found = versions
		.map((v) => path.join(root, v, 'bin'))
		.find((dir) => fs.existsSync(path.join(dir, 'initdb')));
	if (!found) {
		throw new Error(
			"PostgreSQL is not installed: these tests need Debian's postgresql package " +
				'(apt-get update && apt-get install -y postgresql), or POSTGRES_BIN_DIR pointing at its bin folder',
		);
	}
	return found;
}

/** Runs as `postgres` when we are root; PostgreSQL refuses to run as root. */
function serverUser(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line)
		throw new Error(
			'running as root, but there is no postgres user to run PostgreSQL as (the postgresql package creates it)',
		);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(options: { database?: string } = {}): Promise<PostgresServer> {
	const bin = postgresBinDir();
	const user = serverUser();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-postgres-'));
	if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid!);
	const dataDir = path.join(dir, 'data');
	const asServer = { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' } };
	await run(
		path.join(bin, 'initdb'),
		['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync'],
		asServer,
	);

	let lastError: Error | undefined;
	// A free port can be taken between probing and binding: try a few.
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const child = spawn(
			path.join(bin, 'postgres'),
			[
				'-D',
				dataDir,
				'-p',
				String(port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			],
			{ ...asServer, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let output = '';
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const server = serverOn(port, child, dir, options.database ?? 'postgres');
		try {
			await waitUntilReady(server, child, () => output);
			if (server.database !== 'postgres')
				await psql(port, 'postgres', `CREATE DATABASE "${server.database}"`);
			return server;
		} catch (error) {
			lastError = error as Error;
			await stopServer(child);
		}
	}
	fs.rmSync(dir, { recursive: true, force: true });
	throw lastError ?? new Error('PostgreSQL did not start');
}

function serverOn(
	port: number,
	child: ChildProcess,
	dir: string,
	database: string,
): PostgresServer {
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		async query<T>(sql: string): Promise<T[]> {
			const out = await psql(
				port,
				database,
				`SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`,
			);
			return JSON.parse(out) as T[];
		},
		async exec(sql: string): Promise<void> {
			await psql(port, database, sql);
		},
		async stop(): Promise<void> {
			await stopServer(child);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

async function psql(port: number, database: string, sql: string): Promise<string> {
	const { stdout } = await run(
		'psql',
		[
			'-X',
			'-q',
			'-At',
			'-v',
			'ON_ERROR_STOP=1',
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'postgres',
			'-d',
			database,
			'-c',
			sql,
		],
		{
			maxBuffer: 256 * 1024 * 1024,
		},
	);
	return stdout.trim();
}

async function waitUntilReady(
	server: PostgresServer,
	child: ChildProcess,
	output: () => string,
): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`postgres exited with ${child.exitCode}: ${output().trim()}`);
		try {
			await psql(server.port, 'postgres', 'SELECT 1');
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
	throw new Error(
		`postgres did not accept connections on port ${server.port} within 30 s: ${output().trim()}`,
	);
}

async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	// SIGINT: PostgreSQL's "fast" shutdown (disconnect clients, no waiting for them to leave).
	child.kill('SIGINT');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
