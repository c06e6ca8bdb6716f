import { redisConnectionTest } from '../../shared/redis';
import { getContactFields } from './resourceMapping';

export const resourceMapping = { getContactFields };
export const credentialTest = { redisConnectionTest };
