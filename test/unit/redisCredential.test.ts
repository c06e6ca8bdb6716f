/**
 * The Redis credential's test against real redis-server processes (issue 15.9): a wrong password,
 * a missing password and a closed port used to read alike ("Connection is closed.").
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';

import { freePort, startRedisServer } from '../../devkit/servers/redisServer';
import type { RedisServer } from '../../devkit/servers/redisServer';
import { redisConnectionTest } from '../../nodes/shared/redis';

const PASSWORD = 'correct horse battery staple';
let locked: RedisServer;

beforeAll(async () => {
	locked = await startRedisServer({ password: PASSWORD });
});
afterAll(async () => {
	await locked?.stop();
});

async function test(data: Record<string, unknown>) {
	const result = await redisConnectionTest.call({} as ICredentialTestFunctions, {
		id: '1',
		name: 'Redis',
		type: 'scrmRedis',
		data: { host: '127.0.0.1', database: 0, ...data },
	});
	expect(JSON.stringify(result)).not.toContain(PASSWORD);
	expect(JSON.stringify(result)).not.toContain('wrong-password');
	return result;
}

describe('the Redis credential test says which problem it is', () => {
	it('passes with the right password', async () => {
		expect(await test({ port: locked.port, password: PASSWORD })).toEqual({
			status: 'OK',
			message: 'Connected',
		});
	});

	it('names a wrong password', async () => {
		expect(await test({ port: locked.port, password: 'wrong-password' })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/refused the password: check Password .*WRONGPASS/),
		});
		expect(
			await test({ port: locked.port, user: 'someone', password: 'wrong-password' }),
		).toMatchObject({ message: expect.stringMatching(/check Password and User/) });
	});

	it('names a missing password', async () => {
		expect(await test({ port: locked.port, password: '' })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/requires a password and the credential has none/),
		});
	});

	it('names a closed port', async () => {
		const port = await freePort();
		expect(await test({ port })).toEqual({
			status: 'Error',
			message: `Could not reach Redis at 127.0.0.1:${port}: connection refused, nothing listens there (check Host, Port and that Redis runs)`,
		});
	});

	it('names a host that does not resolve', async () => {
		expect(await test({ host: 'scrm-redis.invalid', port: 6379 })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/host name "scrm-redis.invalid" was not found/),
		});
	});
});
