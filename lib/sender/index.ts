/**
 * The sending engine: one message through the quota guard and the Graph API (sendThroughGuard), a
 * run of items each leaving on one output (sendItems), Mark as Read, and the message builders and
 * Graph client types a sender needs. The WhatsApp Sender node imports the engine from here.
 */
export { DepartureGate, processDepartureGate } from './departureGate';
export type { DepartureGateClock } from './departureGate';
export { knownFailure, requirePhoneNumberId, settle, unexpectedFailure } from './itemReport';
export type { ItemReport, SenderOutput, Unexpected } from './itemReport';
export { learnFromItem } from './learn';
export { markMessageRead } from './markRead';
export { relativeTime } from './relativeTime';
export { sendThroughGuard } from './send';
export type { MessageCategory, SendGuard, SendOptions, SendOutcome, SendRequest } from './send';
export { sendItems } from './sendItems';
export type {
	BuiltMessage,
	GuardedSending,
	ItemSendOptions,
	ItemToSend,
	LimitScope,
	SendItemsOptions,
} from './sendItems';
export { templateFinder, TemplateUnavailableError } from './templates';
export type { FindTemplate } from './templates';

// What a sender builds and sends with, from lib/whatsapp.
export type { Envelope } from '../whatsapp/envelope';
export type { GraphClient, MessageTemplate, OutboundMessage } from '../whatsapp/graphClient';
export {
	buttonsMessage,
	listMessage,
	mediaMessage,
	MessageInputError,
	reactionMessage,
	templateMessage,
	textMessage,
} from '../whatsapp/messages';
export type { MediaRef, MediaType, TemplateValues } from '../whatsapp/messages';
export { readRecipient } from '../whatsapp/recipient';
