/**
 * A contact's HubSpot timeline: WhatsApp messages logged as communications
 * (`hs_communication_channel_type: WHATS_APP`, associated with HUBSPOT_DEFINED type 81), once per
 * message. What is already there is read through the contact's v4 associations and a batch read,
 * both consistent at once, unlike search (which lags, so a quick re-run would log twice); the
 * record's marker (marker.ts) says which message it holds.
 */
import { chunks } from '../http';
import { markedMessages, messageMarker } from '../marker';
import { loggedPerContact, logOncePerMessage } from '../messageLog';
import type { LogResult, MessageLog } from '../types';
import { hubspotBatches } from './batch';
import type { BatchSpec } from './batch';
import type { HubSpotContext } from './context';
import { callError, isFatal } from './errors';
import {
	ASSOCIATIONS_PAGE,
	COMMUNICATION_TO_CONTACT,
	COMMUNICATIONS,
	escapeHtml,
	HUBSPOT_BATCH_SIZE,
} from './wire';
import type { BatchAnswer, HubSpotObject } from './wire';

const BODY_MAX = 60_000;

/** The records of one type associated with a contact whose `bodyProperty` carries markers, by message id. */
export async function markedRecords(
	ctx: HubSpotContext,
	contactId: string,
	objectType: 'communications' | 'notes',
	bodyProperty: string,
	alsoRead: string[] = [],
): Promise<Map<string, HubSpotObject>> {
	const ids: string[] = [];
	let after: string | undefined;
	do {
		const response = await ctx.call<{
			results?: Array<{ toObjectId?: number | string }>;
			paging?: { next?: { after?: string } };
		}>({
			method: 'GET',
			path: `/crm/v4/objects/contacts/${encodeURIComponent(contactId)}/associations/${objectType}`,
			qs: { limit: ASSOCIATIONS_PAGE, ...(after ? { after } : {}) },
		});
		for (const association of response.body?.results ?? [])
			if (association.toObjectId !== undefined) ids.push(String(association.toObjectId));
		after = response.body?.paging?.next?.after;
	} while (after);
	const marked = new Map<string, HubSpotObject>();
	for (const batch of chunks(ids, HUBSPOT_BATCH_SIZE)) {
		const response = await ctx.call<BatchAnswer>({
			method: 'POST',
			path: `/crm/v3/objects/${objectType}/batch/read`,
			body: { inputs: batch.map((id) => ({ id })), properties: [bodyProperty, ...alsoRead] },
			accept: [207],
			repeatable: true,
		});
		for (const record of response.body?.results ?? [])
			for (const messageId of markedMessages(record.properties?.[bodyProperty]))
				marked.set(messageId, record);
	}
	return marked;
}

export function hubspotTimeline(ctx: HubSpotContext) {
	const { settle } = hubspotBatches(ctx);

	async function loggedMessages(contactId: string): Promise<Map<string, string>> {
		const records = await markedRecords(ctx, contactId, 'communications', 'hs_communication_body');
		return new Map([...records].map(([messageId, record]) => [messageId, String(record.id)]));
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const steps = { isFatal, errorOf: callError };
		const spec: BatchSpec<object> = {
			path: `${COMMUNICATIONS}/batch/create`,
			creates: true,
			traced: true,
		};
		return logOncePerMessage(logs, {
			...steps,
			existing: await loggedPerContact(logs, loggedMessages, steps),
			batchSize: HUBSPOT_BATCH_SIZE,
			write: async (batch) =>
				(await settle(spec, batch.map(communication))).map((outcome) =>
					outcome.ok ? { ok: true as const, id: String(outcome.result.id) } : outcome,
				),
		});
	}

	return { logMessages };
}

/** A communication on the contact's timeline; the marker makes logging idempotent. */
function communication(log: MessageLog): object {
	const when = new Date(log.at).toISOString();
	const who = [log.customer?.name, log.customer?.e164].filter(Boolean).join(' ') || 'customer';
	const marker = `<p>WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${escapeHtml(who)} · ${when} ${escapeHtml(messageMarker(log.messageId))}</p>`;
	const text = escapeHtml(log.body).replace(/\r?\n/g, '<br>');
	return {
		properties: {
			hs_communication_channel_type: 'WHATS_APP',
			hs_communication_logged_from: 'CRM',
			hs_communication_body: `<p>${text.slice(0, BODY_MAX - marker.length - 7)}</p>${marker}`,
			hs_timestamp: when,
		},
		associations: [
			{
				to: { id: log.contactId },
				types: [
					{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: COMMUNICATION_TO_CONTACT },
				],
			},
		],
	};
}
