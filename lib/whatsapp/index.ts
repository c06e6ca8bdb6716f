/**
 * The WhatsApp Cloud API engine as the nodes use it: the webhook parser and its events, receiving a
 * delivery (handshake, signature, duplicate keys), the Graph API client and its errors, and outbound
 * message building. The Redis duplicate store is left out on purpose: the Trigger loads it only when
 * a Redis store is chosen (lib/whatsapp/redisDeliveryDedup), so single-process users never load a
 * Redis client.
 */
export * from './deliveryDecision';
export * from './deliveryDedup';
export * from './errors';
export * from './graphClient';
export * from './messages';
export * from './receive';
export * from './recipient';
export * from './signature';
export * from './webhook';
