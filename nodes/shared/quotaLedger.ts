import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { capabilityUpdates, MessagingLimitCache, sqliteAvailable } from '../../lib/quota';
import type { StoreOptions } from '../../lib/quota';
import { REDIS_CREDENTIAL, redisUrl } from './redis';

/** Where the quota ledger lives; every node that reads or writes it must name the same one. */
export type LedgerChoice = 'file' | 'memory' | 'redis';

type Context = IExecuteFunctions | IWebhookFunctions | IHookFunctions;

/** The ledger selector, shared so that every node offers the same places with the same words. */
export function ledgerStoreProperty(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Quota Ledger',
		name: 'ledgerStore',
		type: 'options',
		noDataExpression: true,
		default: 'file',
		description:
			'Where the quota guard keeps what was sent; every workflow sending from the same number must share it',
		options: [
			{
				name: 'File (Durable, One Host)',
				value: 'file',
				description: 'Survives restarts; shared by executions and processes on this host',
			},
			{
				name: 'Memory (This Process Only)',
				value: 'memory',
				description: 'Forgotten on restart; for trials',
			},
			{
				name: 'Redis (Queue Mode, Several Hosts)',
				value: 'redis',
				description: "Shared by n8n's main process and all workers, through the Redis credential",
			},
		],
		...overrides,
	};
}

/** The store a ledger choice names: the Redis credential for Redis, the ledger file for the file store. */
export async function ledgerStoreOptions(
	fn: Context,
	choice: LedgerChoice,
	filePath?: string,
): Promise<StoreOptions> {
	if (choice === 'memory') return { type: 'memory' };
	if (choice === 'redis')
		return { type: 'redis', url: redisUrl(await fn.getCredentials(REDIS_CREDENTIAL)) };
	const ledger = filePath ? confineLedgerPath(filePath) : defaultLedgerPath();
	// The file ledger is SQLite beside the named file where Node has it (n8n 2.x: Node 24): its cost
	// does not grow with the ledger. It carries over a JSON ledger an earlier version kept there.
	// Node 20 keeps the JSON generations (docs/known-limits.md).
	if (sqliteAvailable()) return { type: 'sqlite', path: `${ledger}.sqlite`, importJson: ledger };
	return { type: 'file', path: ledger };
}

/** n8n's user folder: where n8n keeps its own `.n8n` folder. */
export function n8nUserFolder(): string {
	return process.env.N8N_USER_FOLDER || homedir();
}

/** Every ledger file lives here (issue 15.3): a Ledger File can never reach n8n's config or anything else. */
export function ledgerFolder(userFolder = n8nUserFolder()): string {
	return path.join(userFolder, '.n8n', 'whatsapp-scrm');
}

/** Beside n8n's own data, so the ledger survives restarts like the workflows do. */
export function defaultLedgerPath(userFolder = n8nUserFolder()): string {
	return path.join(ledgerFolder(userFolder), 'quota-ledger.json');
}

/** A Ledger File that would leave the ledger folder, or that cannot name a file. */
export class LedgerPathError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LedgerPathError';
	}
}

/**
 * Where a Ledger File the user typed may live: `~` is n8n's user folder, a relative path is taken
 * inside the ledger folder, and whatever the spelling (`..`, an absolute path, a symbolic link on the
 * way) the result must be inside the ledger folder, or it is refused with the folder to use.
 */
export function confineLedgerPath(input: string, userFolder = n8nUserFolder()): string {
	const folder = ledgerFolder(userFolder);
	const typed = typeof input === 'string' ? input.trim() : '';
	const refuse = (why: string) =>
		new LedgerPathError(
			`Ledger File "${typed}" ${why}: a ledger must be a file inside ${folder} (for example "shop-a.json" or "~/.n8n/whatsapp-scrm/shop-a.json")`,
		);
	if (typed === '' || typed.includes('\0')) throw refuse('is not a file name');
	let wanted: string;
	if (typed === '~' || typed.startsWith('~/') || typed.startsWith(`~${path.sep}`))
		wanted = path.join(userFolder, typed.slice(1));
	else if (typed.startsWith('~')) throw refuse("names another user's home folder");
	else wanted = path.resolve(folder, typed);
	if (!inside(folder, wanted)) throw refuse('leaves the ledger folder');
	// A symbolic link inside the folder could still point outside it: compare real paths, of the
	// deepest folder on the way that exists, before creating the rest.
	fs.mkdirSync(folder, { recursive: true });
	const realFolder = fs.realpathSync(folder);
	let existing = path.dirname(wanted);
	while (!fs.existsSync(existing)) existing = path.dirname(existing);
	const real = path.join(fs.realpathSync(existing), path.relative(existing, wanted));
	if (!inside(realFolder, real)) throw refuse('leads out of the ledger folder through a link');
	fs.mkdirSync(path.dirname(real), { recursive: true });
	let stat: fs.Stats | undefined;
	try {
		stat = fs.lstatSync(real);
	} catch {
		stat = undefined;
	}
	if (stat?.isSymbolicLink()) throw refuse('is a symbolic link');
	if (stat?.isDirectory()) throw refuse('is a folder');
	return real;
}

/** Whether `file` is strictly below `folder`. */
function inside(folder: string, file: string): boolean {
	const relative = path.relative(folder, file);
	return (
		relative !== '' &&
		relative !== '..' &&
		!relative.startsWith(`..${path.sep}`) &&
		!path.isAbsolute(relative)
	);
}

/**
 * Meta's messaging limits per number, for the life of the process: the Sender reads them (at most
 * once per number and hour), the trigger forgets them when Meta announces a change.
 */
export const metaLimits = new MessagingLimitCache();

/**
 * A delivery with a `business_capability_update` (Meta changed the portfolio's limit): the next
 * send of every number reads its limit again. Returns whether the delivery carried one.
 */
export function noteCapabilityUpdates(body: unknown): boolean {
	if (capabilityUpdates(body).length === 0) return false;
	metaLimits.invalidate();
	return true;
}
