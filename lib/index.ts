/**
 * n8n-nodes-whatsapp-scrm's engine: plain TypeScript with no n8n imports, usable from scripts,
 * n8n's Code node or other tools. The nodes in this package are thin adapters over it.
 */
export { normalizePhone, createPhoneNormalizer } from './phone';
export type { PhoneResult, PhoneOptions, PhoneNormalizerOptions } from './phone';

export { verifySignature, signBody } from './whatsapp/signature';
export { EVENT_KINDS, parseWebhook, WebhookPayloadError } from './whatsapp/webhook';
export type {
	WhatsAppEvent,
	WhatsAppMessageEvent,
	WhatsAppStatusEvent,
	WhatsAppErrorEvent,
	WhatsAppPreferenceEvent,
	WhatsAppCustomer,
} from './whatsapp/webhook';
export { graphError, GraphApiError } from './whatsapp/errors';
export type { GraphErrorInfo, GraphErrorAction } from './whatsapp/errors';
export { GraphClient } from './whatsapp/graphClient';
export {
	isBusinessScopedUserId,
	isParentUserId,
	isUserIdRecipient,
	recipientFields,
} from './whatsapp/recipient';
export { answerVerification, receiveDelivery, filterEvents } from './whatsapp/receive';
export type { DeliveryOutcome, EventFilter } from './whatsapp/receive';
export { MemoryDeliveryDedupStore, deliveryKey } from './whatsapp/deliveryDedup';
export type { ClaimOptions, ClaimResult, DeliveryDedupStore } from './whatsapp/deliveryDedup';

export { createQuotaGuard, DEFAULT_RULES as DEFAULT_QUOTA_RULES } from './quota';
export type {
	QuotaGuard,
	QuotaGuardOptions,
	QuotaRequest,
	QuotaRules,
	FrequencyRule,
	ReserveResult,
} from './quota';
export { sendThroughGuard } from './sender/send';
export type { SendOutcome } from './sender/send';
export { relativeTime } from './sender/relativeTime';
export {
	templateMessage,
	textMessage,
	mediaMessage,
	buttonsMessage,
	listMessage,
	reactionMessage,
	MessageInputError,
} from './whatsapp/messages';

export { axiosTransport, TransportError } from './http/transport';
export type { HttpTransport, HttpRequest, HttpResponse } from './http/transport';

export { tagMessage, createTagger, tierCustomer, detectLanguage, BUILT_IN_TAGS } from './intent';
export type {
	TagResult,
	Intent,
	Tagger,
	TaggerOptions,
	TaggerRule,
	TierResult,
	TierOptions,
	CustomerHistory,
} from './intent';

export { dedupeContacts, DEFAULT_FIELDS as DEFAULT_DEDUP_FIELDS } from './dedup';
export type {
	Contact,
	DedupOptions,
	DedupResult,
	FieldRule,
	MergedContact,
	PairExplanation,
} from './dedup';

export { analyzeConversations, renderReportHtml, unansweredConversations } from './analytics';
export type { ConversationReport, UnansweredConversation, UnansweredOptions } from './analytics';

export {
	createCrmAdapter,
	createHubSpotAdapter,
	createZohoAdapter,
	createSalesforceAdapter,
	upsertContacts,
	CrmApiError,
	attachMedia,
	fitMedia,
} from './crm';
export type {
	CrmAdapter,
	CrmContact,
	CrmField,
	ContactInput,
	FieldCheck,
	MissingField,
	UpsertOptions,
	UpsertOutcome,
	AttachMediaOutcome,
	FittedMedia,
	MediaToAttach,
} from './crm';
