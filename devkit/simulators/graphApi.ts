/**
 * A loopback simulator of the WhatsApp Cloud API's Graph endpoints, following Meta's documented
 * contract closely enough that clients, nodes and benchmarks can be tested without Meta:
 * bearer auth, sends with validation, templates, rate limits, the customer-service window,
 * webhook subscriptions and overrides (with Meta's verification handshake), media, paging,
 * scripted faults, and signed webhook deliveries towards a receiver.
 *
 * Plain node:http/node:https and node:crypto; no framework. Where Meta's behaviour is not
 * documented, the choice made here is marked "Assumption". One file per concept in ./graph/:
 * server (composition), router, auth, messages, templates, limits, media, subscriptions,
 * outbound (webhooks out), business (WABA and number nodes), paging, errors, state, seeds.
 * Webhook bodies to deliver come from devkit/payloads/whatsappPayloads.ts.
 */
export { httpStatusFor, type ScriptedError } from './graph/errors';
export { DEFAULT_LIMITS, type SimulatorLimits, type SimulatorOptions } from './graph/options';
export type { WebhookPostOptions, WebhookPostResult } from './graph/outbound';
export { SIM, SIM_MEDIA_BYTES, defaultWabas } from './graph/seeds';
export { startGraphApiSimulator, type GraphApiSimulator } from './graph/server';
export {
	GraphApiSimulatorState,
	type FaultScope,
	type RequestLogEntry,
	type SentMessage,
} from './graph/state';
export {
	authenticationTemplates,
	campaignTemplates,
	defaultTemplates,
} from './graph/templateSeeds';
export { templateExpectations } from './graph/templates';
export type {
	SimMedia,
	SimMessagingLimit,
	SimPhoneNumber,
	SimPhoneNumberSeed,
	SimTemplate,
	SimTemplateComponent,
	SimTemplateSeed,
	SimWaba,
	SimWabaSeed,
} from './graph/types';
