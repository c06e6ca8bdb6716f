/**
 * A contact's Zoho timeline: WhatsApp messages as Notes (`POST /crm/v8/Notes`, Parent_Id the
 * contact), once per message. What is there is read from the contact's Notes related list (not the
 * search index, which lags); the note's marker (marker.ts) says which message it holds.
 */
import { markedMessages, messageMarker } from '../marker';
import { loggedPerContact, logOncePerMessage } from '../messageLog';
import type { LogResult, MessageLog } from '../types';
import type { ZohoContext } from './context';
import { callError, isFatal } from './errors';
import { PAGE_SIZE, ZOHO_BATCH_SIZE } from './wire';
import type { ZohoPage } from './wire';
import type { zohoWrites } from './writes';

const NOTE_TITLE_MAX = 120;
const NOTE_CONTENT_MAX = 30_000;

export function zohoTimeline(
	ctx: ZohoContext,
	{ writeBatch }: Pick<ReturnType<typeof zohoWrites>, 'writeBatch'>,
) {
	const { call, root, moduleName } = ctx;

	/** The wamids already noted on a contact, read from its Notes related list (not the search index, which lags). */
	async function notedMessages(contactId: string): Promise<Map<string, string>> {
		const noted = new Map<string, string>();
		for (let page = 1; ; page++) {
			const response = await call<ZohoPage>({
				method: 'GET',
				path: `${root}/${moduleName}/${encodeURIComponent(contactId)}/Notes`,
				qs: { fields: 'Note_Title,Note_Content', per_page: PAGE_SIZE, page },
			});
			const body = response.status === 204 ? undefined : response.body;
			for (const note of body?.data ?? []) {
				for (const messageId of markedMessages(note.Note_Content))
					noted.set(messageId, String(note.id));
			}
			if (!body?.info?.more_records) return noted;
		}
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const steps = { isFatal, errorOf: callError };
		return logOncePerMessage(logs, {
			...steps,
			existing: await loggedPerContact(logs, notedMessages, steps),
			batchSize: ZOHO_BATCH_SIZE,
			write: (batch) =>
				writeBatch(
					'POST',
					`${root}/Notes`,
					batch.map((log) => noteRecord(log, moduleName)),
					{},
					() => true,
				),
		});
	}

	return { logMessages };
}

function noteRecord(log: MessageLog, moduleName: string): Record<string, unknown> {
	const when = new Date(log.at).toISOString();
	const who = log.customer?.name || log.customer?.e164 || 'customer';
	const title = `WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${who} · ${when.slice(0, 16).replace('T', ' ')} UTC`;
	// The marker is what makes logging idempotent: notedMessages() finds it before anything is created.
	const marker = `\n\n— WhatsApp ${log.direction} message, ${when} ${messageMarker(log.messageId)}`;
	return {
		Note_Title: title.length > NOTE_TITLE_MAX ? `${title.slice(0, NOTE_TITLE_MAX - 1)}…` : title,
		Note_Content: `${log.body.slice(0, NOTE_CONTENT_MAX - marker.length)}${marker}`,
		Parent_Id: { module: { api_name: moduleName }, id: log.contactId },
	};
}
