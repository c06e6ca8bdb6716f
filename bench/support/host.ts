/**
 * Starting and always stopping what a benchmark starts: n8n (its own process group, via
 * devkit/n8n/n8nHost) and local servers. Stops by process group id only, never by name; on Ctrl-C or
 * SIGTERM it stops the process groups of this process's own children before exiting.
 */
import fs from 'node:fs';
import net from 'node:net';

import { sleep, startN8n, stopN8n, tail } from '../../devkit/n8n/n8nHost';
import type { HostState, StartOptions } from '../../devkit/n8n/n8nHost';

const running = new Set<number>();
const closers = new Set<() => Promise<void>>();
let installed = false;

function alive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The process groups of this process's direct children (startN8n spawns detached bash → n8n). */
function childProcessGroups(): number[] {
	const groups = new Set<number>(running);
	try {
		for (const entry of fs.readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				// pid (comm) state ppid pgrp …; comm may contain spaces, so read after the last ')'.
				const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
				const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
				if (Number(ppid) === process.pid && Number(pgrp) === Number(entry))
					groups.add(Number(entry));
			} catch {
				// gone meanwhile
			}
		}
	} catch {
		// no /proc: only the groups we know
	}
	return [...groups];
}

function installSignalHandlers(): void {
	if (installed) return;
	installed = true;
	const onSignal = (signal: NodeJS.Signals) => {
		console.error(`\nbench: ${signal}, stopping the n8n and servers it started`);
		for (const pgid of childProcessGroups()) {
			try {
				process.kill(-pgid, 'SIGTERM');
			} catch {
				// already gone
			}
		}
		void Promise.race([
			Promise.allSettled([...closers].map((close) => close())),
			sleep(3_000),
		]).then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	process.once('exit', () => {
		for (const pgid of running) {
			try {
				process.kill(-pgid, 'SIGTERM');
			} catch {
				// already gone
			}
		}
	});
}

/** Registers a server's stop() so an interrupt closes it too; returns the unregistering stop. */
export function track(stop: () => Promise<void>): () => Promise<void> {
	installSignalHandlers();
	closers.add(stop);
	return async () => {
		closers.delete(stop);
		await stop();
	};
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.setTimeout(1_000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * startN8n (its error carries the log's tail when n8n does not come up), refusing first when the
 * port or its task-runner broker port (port + 10000, see scripts/n8n.sh) is taken: readiness
 * would otherwise be read from whatever already listens there.
 */
export async function startBenchN8n(options: StartOptions): Promise<HostState> {
	installSignalHandlers();
	for (const port of [options.port, options.port + 10_000]) {
		if (await portInUse(port)) {
			throw new Error(
				`port ${port} is already in use on 127.0.0.1; stop what listens there or choose another port (SCRM_BENCH_PORT for benchmarks, --port for the sandbox)`,
			);
		}
	}
	const host = await startN8n(options);
	running.add(host.pid);
	return host;
}

/** SIGTERM to n8n's process group, then SIGKILL if it is still there after `graceMs`. */
export async function stopBenchN8n(host: HostState, graceMs = 20_000): Promise<void> {
	stopN8n(host);
	const deadline = Date.now() + graceMs;
	while (alive(host.pid) && Date.now() < deadline) await sleep(200);
	if (alive(host.pid)) {
		console.error(
			`bench: n8n (process group ${host.pid}) ignored SIGTERM for ${graceMs / 1000} s; killing it`,
		);
		try {
			process.kill(-host.pid, 'SIGKILL');
		} catch {
			// gone meanwhile
		}
	}
	running.delete(host.pid);
}

/** A time budget for a whole benchmark: loops call check() and stop with a clear error when it is spent. */
export class Budget {
	private readonly deadline: number;

	constructor(
		readonly label: string,
		readonly seconds: number,
	) {
		this.deadline = Date.now() + seconds * 1000;
	}

	check(doing: string): void {
		if (Date.now() > this.deadline)
			throw new Error(`${this.label}: time budget of ${this.seconds} s spent while ${doing}`);
	}

	get remainingMs(): number {
		return Math.max(0, this.deadline - Date.now());
	}
}

/** The last lines of an n8n log, indented, for error reports. */
export function logTail(host: Pick<HostState, 'logFile'>, lines = 30): string {
	return tail(host.logFile, lines)
		.split('\n')
		.map((line) => `    | ${line}`)
		.join('\n');
}
