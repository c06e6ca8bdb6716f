import { homedir } from 'node:os';
import path from 'node:path';

import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

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
	return { type: 'file', path: filePath || defaultLedgerPath() };
}

/** Beside n8n's own data, so the ledger survives restarts like the workflows do. */
export function defaultLedgerPath(): string {
	const userFolder = process.env.N8N_USER_FOLDER ?? homedir();
	return path.join(userFolder, '.n8n', 'whatsapp-scrm', 'quota-ledger.json');
}
