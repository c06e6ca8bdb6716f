/**
 * scripts/queue-mode.sh driven from TypeScript, for the queue-mode test and benchmark: the same
 * deployment users start, with its processes started, stopped, SIGKILLed and restarted one by one.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { ROOT } from './n8nHost';

const run = promisify(execFile);

export interface QueueDeploymentOptions {
	/** main's port; workers, Redis and PostgreSQL take the ports after it (see the script). */
	port: number;
	workers: number;
	/** Executions per worker. */
	concurrency?: number;
	version: string;
	/** Further settings for every n8n process (QUEUE_*, EXECUTIONS_*, N8N_*). */
	env?: Record<string, string>;
}

export type QueueProcess = 'redis' | 'postgres' | 'main' | `worker${number}`;

export class QueueDeployment {
	readonly url: string;
	readonly redisPort: number;
	readonly stateDir: string;

	constructor(readonly options: QueueDeploymentOptions) {
		this.url = `http://localhost:${options.port}`;
		this.redisPort = options.port + 7;
		this.stateDir = path.join(ROOT, '.host', 'queue', `${options.port}-${options.workers}w`);
	}

	/** Starts every process from an empty state folder and waits until all are ready. */
	async startFresh(): Promise<void> {
		await this.script('reset');
		await this.script('start');
	}

	start(process?: QueueProcess): Promise<string> {
		return this.script('start', ...(process ? [process] : []));
	}

	stop(process?: QueueProcess): Promise<string> {
		return this.script('stop', ...(process ? [process] : []));
	}

	/** SIGKILL: no shutdown, no lock released, as when a machine dies. */
	kill(process: QueueProcess): Promise<string> {
		return this.script('kill', process);
	}

	restart(process: QueueProcess): Promise<string> {
		return this.script('restart', process);
	}

	status(): Promise<string> {
		return this.script('status');
	}

	logFile(process: QueueProcess): string {
		return path.join(this.stateDir, 'log', `${process}.log`);
	}

	private async script(...args: string[]): Promise<string> {
		const { stdout } = await run('bash', [path.join(ROOT, 'scripts/queue-mode.sh'), ...args], {
			cwd: ROOT,
			maxBuffer: 16 * 1024 * 1024,
			env: {
				...process.env,
				// jest sets NODE_ENV=test, under which n8n exits silently; the script sets production.
				NODE_ENV: 'production',
				SCRM_N8N_VERSION: this.options.version,
				SCRM_QUEUE_PORT: String(this.options.port),
				SCRM_QUEUE_WORKERS: String(this.options.workers),
				SCRM_QUEUE_CONCURRENCY: String(this.options.concurrency ?? 10),
				SCRM_QUEUE_DIR: this.stateDir,
				...this.options.env,
			},
		});
		return stdout;
	}
}
