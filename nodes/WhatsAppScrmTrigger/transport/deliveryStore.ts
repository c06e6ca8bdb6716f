/**
 * Where the Trigger remembers the deliveries it emitted: a memory store per trigger node, or a
 * Redis store per Redis and node, each kept for the life of the process.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { MemoryDeliveryDedupStore } from '../../../lib/whatsapp';
import type { DeliveryDedupStore } from '../../../lib/whatsapp';
import { REDIS_CREDENTIAL } from '../../shared/credentialNames';
import { redisUrl } from '../../shared/redis';

/** One delivery store per trigger node (memory) or per Redis and node (Redis), for the life of the process. */
const deliveryStores = new Map<string, DeliveryDedupStore>();

export async function deliveryStore(
	context: IWebhookFunctions,
	wabaId: string,
): Promise<DeliveryDedupStore> {
	const node = `${context.getWorkflow().id}:${context.getNode().id}`;
	if ((context.getNodeParameter('dedupStore', 'memory') as string) !== 'redis') {
		let store = deliveryStores.get(node);
		if (!store) deliveryStores.set(node, (store = new MemoryDeliveryDedupStore()));
		return store;
	}
	const url = redisUrl(await context.getCredentials(REDIS_CREDENTIAL));
	const key = `${url}|${node}`;
	let store = deliveryStores.get(key);
	if (!store) {
		// Loaded only when chosen, so single-process users never load a Redis client.
		const { RedisDeliveryDedupStore } =
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			require('../../../lib/whatsapp/redisDeliveryDedup') as typeof import('../../../lib/whatsapp/redisDeliveryDedup');
		// Namespaced per Meta account and trigger; each key also names the business phone number.
		store = new RedisDeliveryDedupStore(url, { keyPrefix: `scrm:dedup:{${wabaId}}:${node}:` });
		deliveryStores.set(key, store);
	}
	return store;
}
