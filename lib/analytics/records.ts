/**
 * The records the analyses work on, one kind per thing an item can say: a customer's message, a
 * reply, a delivery status, a sync result, a customer's tags. `readItems` (read.ts) makes them.
 */
import type { SkippedItem } from './types';

export interface InboundRecord {
	index: number;
	id?: string;
	aliases: string[];
	display?: string;
	name?: string;
	time: number;
	/** WhatsApp's message type (text, image, reaction, …), when the item says it. */
	type?: string;
	text?: string;
	/** The Intent Tagger's result, when the item went through it. */
	intent?: { tags: string[]; language?: string };
	tags: string[];
}

export interface OutboundRecord {
	index: number;
	messageId?: string;
	aliases: string[];
	display?: string;
	agent?: string;
	/** Send time when the item says it; else taken from the message's statuses. */
	time?: number;
	/** The time of the event the send answered (the echoed customer message), for latency. */
	eventTime?: number;
}

export interface StatusRecord {
	index: number;
	messageId: string;
	status: string;
	time: number;
	aliases: string[];
	display?: string;
	agent?: string;
	errors: Array<{ code: number | string; title?: string }>;
}

export interface SyncRecord {
	index: number;
	system: string;
	outcome: 'succeeded' | 'failed' | 'deferred' | 'review';
	attempts?: number;
	code?: number | string;
	title?: string;
	rule?: string;
	messageId?: string;
	eventTime?: number;
	doneTime?: number;
}

export interface TagRecord {
	aliases: string[];
	display?: string;
	tags: string[];
}

export interface ReadResult {
	inbound: InboundRecord[];
	outbound: OutboundRecord[];
	statuses: StatusRecord[];
	sync: SyncRecord[];
	tagged: TagRecord[];
	skipped: SkippedItem[];
	notes: Array<{ index: number; note: string }>;
}
