/**
 * A real n8n for end-to-end tests: started by the project's own scripts/n8n.sh on a fresh user
 * folder, driven through the same REST API the editor uses.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { parse as parseFlatted } from 'flatted';

/** The repository, whether this runs from test/e2e (jest) or compiled into .build/ (benchmarks). */
export const ROOT = (() => {
	let dir = __dirname;
	while (!fs.existsSync(path.join(dir, 'scripts', 'n8n.sh'))) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`no scripts/n8n.sh above ${__dirname}`);
		dir = parent;
	}
	return dir;
})();
export const E2E_DIR = path.join(ROOT, '.host', 'e2e');
/** The port of the suite's n8n; separate ports keep parallel runs (worktrees, CI) apart. */
export const E2E_PORT = Number(process.env.SCRM_E2E_PORT ?? 5679);
export const STATE_FILE = path.join(E2E_DIR, `state-${E2E_PORT}.json`);

export interface HostState {
	url: string;
	pid: number;
	version: string;
	userFolder: string;
	logFile: string;
}

export interface StartOptions {
	version: string;
	port: number;
	/** Names the user folder and log, so several instances can run side by side (default: e2e). */
	name?: string;
	/** Extra environment for the n8n process. */
	env?: Record<string, string>;
	/** Runs on the fresh user folder before n8n starts, with n8n's environment (e.g. a CLI import). */
	prepare?: (env: NodeJS.ProcessEnv) => void;
}

export async function startN8n(options: StartOptions): Promise<HostState> {
	const name = `${options.name ?? `e2e-${options.port}`}-${options.version}`;
	const userFolder = path.join(E2E_DIR, `user-${name}`);
	fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });
	const logFile = path.join(E2E_DIR, `n8n-${name}.log`);
	const log = fs.openSync(logFile, 'w');
	const url = `http://localhost:${options.port}`;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		// jest sets NODE_ENV=test, under which n8n exits silently.
		NODE_ENV: 'production',
		SCRM_N8N_VERSION: options.version,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(options.port),
		WEBHOOK_URL: `${url}/`,
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		...options.env,
	};
	options.prepare?.(env);
	const child = spawn('bash', [path.join(ROOT, 'scripts/n8n.sh'), 'start'], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', log, log],
		env,
	});
	child.unref();
	const state: HostState = { url, pid: child.pid!, version: options.version, userFolder, logFile };
	const deadline = Date.now() + 300_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) break;
		try {
			// n8n 1.x reports ready before its REST API is mounted: wait for both.
			const ready = await fetch(`${url}/healthz/readiness`);
			const settings = ready.ok ? await fetch(`${url}/rest/settings`) : undefined;
			if (settings?.ok) return state;
		} catch {
			// not listening yet
		}
		await sleep(1000);
	}
	stopN8n(state);
	throw new Error(`n8n ${options.version} did not become ready; see ${logFile}:\n${tail(logFile)}`);
}

export function stopN8n(state: Pick<HostState, 'pid'>): void {
	try {
		process.kill(-state.pid, 'SIGTERM');
	} catch {
		// already gone
	}
}

export function readHostState(): HostState {
	return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as HostState;
}

export function tail(file: string, lines = 40): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

const EXECUTION_STATUSES = [
	'canceled',
	'crashed',
	'error',
	'new',
	'running',
	'success',
	'unknown',
	'waiting',
];

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	workflowId: string;
}

/**
 * Which node types take each credential type: this package's, and the built-in ones the example
 * workflows use (their files leave credentials for the user to pick).
 */
const CREDENTIAL_USERS: Record<string, string[]> = {
	whatsAppScrmApi: [
		'n8n-nodes-whatsapp-scrm.whatsAppScrmTrigger',
		'n8n-nodes-whatsapp-scrm.whatsAppSender',
	],
	hubSpotScrmApi: ['n8n-nodes-whatsapp-scrm.scrmCrmUpsert'],
	zohoScrmOAuth2Api: ['n8n-nodes-whatsapp-scrm.scrmCrmUpsert'],
	salesforceScrmOAuth2Api: ['n8n-nodes-whatsapp-scrm.scrmCrmUpsert'],
	postgres: ['n8n-nodes-base.postgres'],
	httpBasicAuth: ['n8n-nodes-base.webhook'],
	smtp: ['n8n-nodes-base.emailSend'],
};

/** CRM Upsert's Attach Media also takes the WhatsApp credential when it downloads the message's media. */
function downloadsWhatsAppMedia(
	node: { type: string; parameters?: Record<string, unknown> },
	type: string,
): boolean {
	return (
		type === 'whatsAppScrmApi' &&
		node.type === 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert' &&
		node.parameters?.operation === 'attachMedia' &&
		node.parameters?.mediaSource !== 'binary'
	);
}

export interface InstanceOwner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export const TEST_OWNER: InstanceOwner = {
	email: 'owner@scrm.test',
	firstName: 'Scrm',
	lastName: 'Tester',
	password: 'Scrm-e2e-Passw0rd',
};

/** The editor's REST API, signed in as the instance owner. */
export class N8nApi {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	/**
	 * Signs in as the owner (setting the owner up on a fresh instance). The session is kept in a file
	 * beside the host state and reused by later suites: n8n rate-limits /rest/login, and each suite
	 * file runs in a fresh module registry.
	 */
	static async forOwner(baseUrl: string, owner: InstanceOwner = TEST_OWNER): Promise<N8nApi> {
		const api = new N8nApi(baseUrl);
		const sessionFile = path.join(E2E_DIR, `session-${new URL(baseUrl).port}.json`);
		try {
			api.cookie = (JSON.parse(fs.readFileSync(sessionFile, 'utf8')) as { cookie: string }).cookie;
			if ((await api.raw('GET', '/rest/login')).status === 200) return api;
		} catch {
			// no session yet, or another instance's
		}
		api.cookie = '';
		const setup = await api.raw('POST', '/rest/owner/setup', owner);
		if (setup.status !== 200) {
			const login = await api.raw('POST', '/rest/login', {
				emailOrLdapLoginId: owner.email,
				email: owner.email,
				password: owner.password,
			});
			if (login.status !== 200)
				throw new Error(`cannot sign in to n8n: ${login.status} ${JSON.stringify(login.body)}`);
		}
		fs.mkdirSync(E2E_DIR, { recursive: true });
		fs.writeFileSync(sessionFile, JSON.stringify({ cookie: api.cookie }));
		return api;
	}

	async raw(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
		const response = await fetch(`${this.baseUrl}${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'scrm-e2e',
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		const auth = setCookie?.match(/n8n-auth=[^;]+/);
		if (auth) this.cookie = auth[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed };
	}

	async call<T = any>(method: string, route: string, body?: unknown): Promise<T> {
		const response = await this.raw(method, route, body);
		if (response.status >= 300)
			throw new Error(`${method} ${route} → ${response.status}: ${JSON.stringify(response.body)}`);
		return (response.body as { data?: T }).data ?? (response.body as T);
	}

	async createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string }> {
		return this.call('POST', '/rest/credentials', { name, type, data });
	}

	/** Imports a workflow file, pointing every node that needs one of the given credential types at it. */
	async importWorkflow(
		file: string,
		credentials: Record<string, { id: string; name: string }> = {},
		edit?: (workflow: any) => void,
	): Promise<{ id: string; versionId: string; nodes: any[] }> {
		const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', file), 'utf8'));
		edit?.(workflow);
		for (const node of workflow.nodes) {
			for (const [type, credential] of Object.entries(credentials)) {
				if (
					CREDENTIAL_USERS[type]?.includes(node.type) ||
					node.credentials?.[type] ||
					downloadsWhatsAppMedia(node, type)
				) {
					node.credentials = { ...(node.credentials ?? {}), [type]: credential };
				}
			}
		}
		delete workflow.id;
		workflow.active = false;
		// The REST API takes tag ids where a workflow file names its tags (n8n's CLI import finds
		// or creates them by name; this does the same).
		if (Array.isArray(workflow.tags)) workflow.tags = await this.tagIds(workflow.tags);
		return this.call('POST', '/rest/workflows', workflow);
	}

	private async tagIds(tags: Array<{ name: string }>): Promise<string[]> {
		const known = await this.call<Array<{ id: string; name: string }>>('GET', '/rest/tags');
		const ids: string[] = [];
		for (const { name } of tags) {
			const tag =
				known.find((candidate) => candidate.name === name) ??
				(await this.call<{ id: string; name: string }>('POST', '/rest/tags', { name }));
			known.push(tag);
			ids.push(tag.id);
		}
		return ids;
	}

	async activate(workflow: { id: string; versionId: string }): Promise<void> {
		const response = await this.raw('POST', `/rest/workflows/${workflow.id}/activate`, {
			versionId: workflow.versionId,
		});
		if (response.status === 404) {
			// n8n 1.x activates through the workflow itself.
			await this.call('PATCH', `/rest/workflows/${workflow.id}`, {
				active: true,
				versionId: workflow.versionId,
			});
			return;
		}
		if (response.status >= 300)
			throw new Error(`activate → ${response.status}: ${JSON.stringify(response.body)}`);
	}

	async deactivate(workflow: { id: string }): Promise<void> {
		const response = await this.raw('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
		if (response.status === 404) {
			const current = await this.call('GET', `/rest/workflows/${workflow.id}`);
			await this.call('PATCH', `/rest/workflows/${workflow.id}`, {
				active: false,
				versionId: current.versionId,
			});
			return;
		}
		if (response.status >= 300)
			throw new Error(`deactivate → ${response.status}: ${JSON.stringify(response.body)}`);
	}

	/** Every execution of a workflow, newest first, optionally only some statuses (n8n pages by at most 100). */
	async executions(
		workflowId: string,
		status: string[] = EXECUTION_STATUSES,
	): Promise<ExecutionSummary[]> {
		const rows: ExecutionSummary[] = [];
		// With a status filter n8n orders by id, which the lastId paging needs; without one it puts
		// running first and orders the rest by start time, and pages would skip executions.
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status }));
		for (let lastId: string | undefined; ;) {
			const page = await this.call<{ results: ExecutionSummary[] }>(
				'GET',
				`/rest/executions?filter=${filter}&limit=100${lastId ? `&lastId=${lastId}` : ''}`,
			);
			rows.push(...page.results);
			if (page.results.length < 100) return rows;
			lastId = page.results.reduce(
				(min, row) => (Number(row.id) < Number(min) ? row.id : min),
				page.results[0].id,
			);
		}
	}

	/** Waits until the workflow has `count` finished executions, then returns them. */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 30_000,
	): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		let finished: ExecutionSummary[] = [];
		while (Date.now() < deadline) {
			finished = (await this.executions(workflowId)).filter(
				(e) => !['new', 'running', 'waiting'].includes(e.status),
			);
			if (finished.length >= count) return finished;
			await sleep(250);
		}
		throw new Error(
			`expected ${count} executions of workflow ${workflowId}, found ${finished.length}`,
		);
	}

	/**
	 * Posts a contact list to a list workflow's webhook (the broadcast example's shape) and returns
	 * the Sender's three outputs from the run it started.
	 */
	async runContactList(
		workflowId: string,
		url: string,
		contacts: object[],
		senderNode = 'WhatsApp Sender',
	): Promise<Record<'sent' | 'deferred' | 'failed', Array<{ json: any }>>> {
		const before = (await this.executions(workflowId)).length;
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ contacts }),
		});
		if (response.status !== 200)
			throw new Error(`POST ${url} → ${response.status}: ${await response.text()}`);
		const executions = await this.waitForExecutions(workflowId, before + 1);
		const newest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
		const [sent, deferred, failed] = await this.nodeOutput(newest.id, senderNode);
		return { sent: sent ?? [], deferred: deferred ?? [], failed: failed ?? [] };
	}

	/** The items a node emitted in an execution, per output. */
	async nodeOutput(executionId: string, nodeName: string): Promise<Array<Array<{ json: any }>>> {
		const execution = await this.call('GET', `/rest/executions/${executionId}`);
		const data = typeof execution.data === 'string' ? parseFlatted(execution.data) : execution.data;
		const runs = data.resultData.runData[nodeName];
		if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${executionId}`);
		return runs[0].data.main;
	}

	/** The hints (warnings shown in the output pane) a node added in an execution. */
	async nodeHints(
		executionId: string,
		nodeName: string,
	): Promise<Array<{ message: string; type?: string }>> {
		const execution = await this.call('GET', `/rest/executions/${executionId}`);
		const data = typeof execution.data === 'string' ? parseFlatted(execution.data) : execution.data;
		const runs = data.resultData.runData[nodeName];
		if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${executionId}`);
		return runs[0].hints ?? [];
	}
}
