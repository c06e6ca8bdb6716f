/**
 * A contact's Salesforce timeline: WhatsApp messages as Tasks (WhoId the Contact), once per
 * message. With a Task external id field the log is an upsert on it, which cannot race; without,
 * the message's marker (marker.ts) ends the Subject and is looked up by SOQL before creating
 * (long text such as Description cannot be filtered).
 */
import { chunks } from '../http';
import { markerSearchText, messageMarker, trailingMarker } from '../marker';
import { logOncePerMessage } from '../messageLog';
import type { LogResult, MessageLog } from '../types';
import type { SalesforceContext } from './context';
import { callError, isFatal } from './errors';
import {
	DESCRIPTION_MAX,
	LOGS_PER_QUERY,
	SALESFORCE_BATCH_SIZE,
	soqlContains,
	soqlString,
	SUBJECT_MAX,
} from './wire';
import type { salesforceWrites } from './writes';

export function salesforceTimeline(
	ctx: SalesforceContext,
	{ collection }: Pick<ReturnType<typeof salesforceWrites>, 'collection'>,
) {
	const { query, data, opts } = ctx;

	/** Tasks already logged for these messages, by wamid, found by the marker in their Subject. */
	async function loggedTasks(logs: MessageLog[]): Promise<Map<string, string>> {
		const found = new Map<string, string>();
		await Promise.all(
			chunks(logs, LOGS_PER_QUERY).map(async (group) => {
				const who = [...new Set(group.map((l) => l.contactId))].map(soqlString).join(', ');
				const likes = [...new Set(group.map((l) => l.messageId))].map(
					// Both marker forms ([wamid:…], and [wa:…] of Tasks logged before) end in `:<id>]`.
					(id) => `Subject LIKE ${soqlContains(markerSearchText(id))}`,
				);
				const { records } = await query(
					`SELECT Id, Subject, WhoId FROM Task WHERE WhoId IN (${who}) AND (${likes.join(' OR ')})`,
				);
				for (const record of records) {
					const messageId = trailingMarker(record.Subject);
					if (messageId) found.set(`${String(record.WhoId)}|${messageId}`, String(record.Id));
				}
			}),
		);
		return found;
	}

	async function logMessages(logs: MessageLog[]): Promise<LogResult[]> {
		const taskExtId = opts.taskExternalIdField;
		let existing = new Map<string, string>();
		if (!taskExtId) {
			try {
				existing = await loggedTasks(logs);
			} catch (error) {
				if (isFatal(error)) throw error;
				const info = callError(error, false);
				return logs.map((log) => ({ ref: log.ref, ok: false, error: info }));
			}
		}
		return logOncePerMessage(logs, {
			existing: (log) => existing.get(`${log.contactId}|${log.messageId}`),
			batchSize: SALESFORCE_BATCH_SIZE,
			write: async (batch) => {
				const records = batch.map((log) =>
					taskRecord(log, opts.taskStatus ?? 'Completed', taskExtId),
				);
				const outcomes = taskExtId
					? await collection(
							'PATCH',
							`${data}/composite/sobjects/Task/${taskExtId}`,
							records,
							(r) => r.created === true,
						)
					: await collection('POST', `${data}/composite/sobjects`, records, () => true);
				return outcomes.map((outcome) =>
					outcome.ok ? { ok: true as const, id: outcome.id, duplicate: !outcome.created } : outcome,
				);
			},
			isFatal,
			errorOf: callError,
		});
	}

	return { logMessages };
}

function taskRecord(
	log: MessageLog,
	status: string,
	taskExtId: string | undefined,
): Record<string, unknown> {
	const who = log.customer?.name || log.customer?.e164 || 'customer';
	const tail = ` ${messageMarker(log.messageId)}`;
	const head = `WhatsApp ${log.direction === 'inbound' ? 'from' : 'to'} ${who}`.slice(
		0,
		Math.max(0, SUBJECT_MAX - tail.length),
	);
	const when = new Date(log.at).toISOString();
	const footer = `\n\n— WhatsApp ${log.direction} message, ${when}, id ${log.messageId}`;
	const record: Record<string, unknown> = {
		attributes: { type: 'Task' },
		WhoId: log.contactId,
		// The marker at the end of the Subject is what the SOQL lookup finds (long text cannot be filtered).
		Subject: `${head}${tail}`,
		Description: `${log.body.slice(0, DESCRIPTION_MAX - footer.length)}${footer}`,
		ActivityDate: when.slice(0, 10),
		Status: status,
	};
	// A message is neither a call nor an email. TaskSubtype can only be set on create, so an upsert
	// that finds the Task would be refused with it: in that mode Salesforce's default applies.
	if (taskExtId) record[taskExtId] = log.messageId;
	else record.TaskSubtype = 'Task';
	return record;
}
