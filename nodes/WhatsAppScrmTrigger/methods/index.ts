import { getPhoneNumbers } from '../../shared/loadOptions';
import { redisConnectionTest } from '../../shared/redis';

/** The phone numbers to pick from, and the Redis credential's connection test. */
export const methods = {
	loadOptions: { getPhoneNumbers },
	credentialTest: { redisConnectionTest },
};
