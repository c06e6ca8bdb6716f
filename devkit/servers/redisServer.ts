/**
 * A throwaway redis-server for tests: a random loopback port, a temporary folder, no persistence.
 * Missing binary is a failure with the package to install, never a silent skip.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
	url: string;
	port: number;
	/** Set when started with `{ password }` (redis-server --requirepass); not part of `url`. */
	password?: string;
	stop(): Promise<void>;
}

const CANDIDATES = [
	'/usr/bin/redis-server',
	'/usr/local/bin/redis-server',
	'/usr/sbin/redis-server',
];

export function redisServerBinary(): string {
	const fromPath = (process.env.PATH ?? '')
		.split(path.delimiter)
		.map((dir) => path.join(dir, 'redis-server'));
	const found = [process.env.REDIS_SERVER_BIN, ...fromPath, ...CANDIDATES].find(
		(file) => file && isExecutable(file),
	);
	if (!found) {
		throw new Error(
			"redis-server is not installed: the Redis quota store tests need Debian's redis-server package " +
				'(apt-get update && apt-get install -y redis-server), or REDIS_SERVER_BIN pointing at a redis-server binary',
		);
	}
	return found;
}

export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
	const binary = redisServerBinary();
	let lastError: Error | undefined;
	// A free port can be taken between probing and binding: try a few.
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		try {
			return await launch(binary, port, options.password);
		} catch (error) {
			lastError = error as Error;
		}
	}
	throw lastError ?? new Error('redis-server did not start');
}

async function launch(binary: string, port: number, password?: string): Promise<RedisServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-redis-'));
	const child = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--loglevel',
			'warning',
			...(password ? ['--requirepass', password] : []),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const stop = () => stopChild(child, dir);
	try {
		await waitForPort(port, child, () => output);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url: `redis://127.0.0.1:${port}`, port, ...(password ? { password } : {}), stop };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`redis-server exited with ${child.exitCode}: ${output().trim()}`);
		if (await answersPing(port)) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output().trim()}`);
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let reply = '';
		socket.setTimeout(500, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) socket.end();
		});
		// With --requirepass an unauthenticated PING is refused, which still means it is up.
		socket.on('close', () => resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')));
		socket.on('error', () => undefined);
	});
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
	if (child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	}
	fs.rmSync(dir, { recursive: true, force: true });
}

/** A loopback port nobody listens on: the kernel picks one, and it is released again. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function isExecutable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}
