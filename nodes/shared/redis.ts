import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

/** The Redis credential's type name; its nodes show it only when a Redis store is chosen. */
export const REDIS_CREDENTIAL = 'scrmRedis';

/** A connection URL from the Redis credential; never logged (it can hold the password). */
export function redisUrl(credential: ICredentialDataDecryptedObject): string {
	const user = credential.user ? encodeURIComponent(String(credential.user)) : '';
	const password = credential.password ? encodeURIComponent(String(credential.password)) : '';
	const auth = user || password ? `${user}${password ? `:${password}` : ''}@` : '';
	const host = String(credential.host || 'localhost');
	return `${credential.ssl ? 'rediss' : 'redis'}://${auth}${host}:${Number(credential.port) || 6379}/${Number(credential.database) || 0}`;
}

/** The credential test: connects and sends PING, so a wrong host or password shows before a campaign. */
export async function redisConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const Redis = require('ioredis') as typeof import('ioredis').default;
	const client = new Redis(redisUrl(credential.data ?? {}), {
		lazyConnect: true,
		connectTimeout: 5000,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null,
	});
	// The failure is the test's answer; without a listener ioredis would also log it as unhandled.
	client.on('error', () => undefined);
	try {
		await client.connect();
		await client.ping();
		return { status: 'OK', message: 'Connected' };
	} catch (error) {
		return { status: 'Error', message: `Could not reach Redis: ${(error as Error).message}` };
	} finally {
		client.disconnect();
	}
}
