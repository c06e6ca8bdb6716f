import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

/** The Redis credential's type name (written in credentialNames.ts); its nodes show it only when a Redis store is chosen. */
export { REDIS_CREDENTIAL } from './credentialNames';

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
	// ioredis rejects connect() with "Connection is closed." whatever went wrong; the reason is the
	// error it emitted first.
	let first: unknown;
	client.on('error', (error: unknown) => (first ??= error));
	try {
		await client.connect();
		await client.ping();
		return { status: 'OK', message: 'Connected' };
	} catch (error) {
		return { status: 'Error', message: redisFailure(first ?? error, credential.data ?? {}) };
	} finally {
		client.disconnect();
	}
}

/**
 * Which of the usual causes it was, in the credential's words; never the password. Redis answers
 * WRONGPASS for a wrong user or password and NOAUTH when it needs a password and got none
 * (https://redis.io/docs/latest/commands/auth/); connection errors carry Node's codes.
 */
export function redisFailure(error: unknown, credential: ICredentialDataDecryptedObject): string {
	const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
		code?: unknown;
		message?: unknown;
	};
	const text = typeof message === 'string' ? message : '';
	const host =
		typeof credential.host === 'string' && credential.host ? credential.host : 'localhost';
	const port = Number(credential.port) || 6379;
	const where = `${host}:${port}`;
	if (text.startsWith('WRONGPASS') || /invalid password/i.test(text))
		return `Redis at ${where} refused the password: check Password${credential.user ? ' and User' : ''} (Redis answered WRONGPASS)`;
	if (text.startsWith('NOAUTH'))
		return `Redis at ${where} requires a password and the credential has none: set Password (Redis answered NOAUTH)`;
	if (code === 'ECONNREFUSED')
		return `Could not reach Redis at ${where}: connection refused, nothing listens there (check Host, Port and that Redis runs)`;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		return `Could not reach Redis: the host name "${host}" was not found (check Host)`;
	if (code === 'ETIMEDOUT' || /timeout/i.test(text))
		return `Could not reach Redis at ${where}: no answer within 5 s (check Host, Port and any firewall)`;
	return `Could not reach Redis at ${where}: ${text || 'connection failed'}`;
}
