/**
 * How every adapter logs WhatsApp messages on contacts' timelines: a message already there is
 * reported as a duplicate with its record, the same message twice in one call is written once (the
 * second takes the first's result), the rest is written in the CRM's batches, and every log gets
 * exactly one result. Reading what is there and writing a batch are each CRM's own.
 */
import { chunks } from './http';
import type { CrmErrorInfo, LogResult, MessageLog } from './types';

export interface LogSteps {
	/** The record already holding this message, undefined when there is none, or why that could not be read. */
	existing(log: MessageLog): string | undefined | CrmErrorInfo;
	batchSize: number;
	/** Writes one batch, answering per log in order (`duplicate` when the CRM's own key found it there). */
	write(
		batch: MessageLog[],
	): Promise<
		Array<{ ok: true; id: string; duplicate?: boolean } | { ok: false; error: CrmErrorInfo }>
	>;
	/** Errors that stop the whole run (authentication, a spent daily allowance). */
	isFatal(error: unknown): boolean;
	errorOf(error: unknown, write: boolean): CrmErrorInfo;
}

export async function logOncePerMessage(logs: MessageLog[], crm: LogSteps): Promise<LogResult[]> {
	const results: LogResult[] = new Array(logs.length);
	const keyOf = (log: MessageLog) => `${log.contactId}|${log.messageId}`;
	const firstOfMessage = new Map<string, number>();
	const toWrite: number[] = [];
	logs.forEach((log, index) => {
		const existing = crm.existing(log);
		if (typeof existing === 'string')
			results[index] = { ref: log.ref, ok: true, id: existing, duplicate: true };
		else if (existing !== undefined) results[index] = { ref: log.ref, ok: false, error: existing };
		else if (!firstOfMessage.has(keyOf(log))) {
			firstOfMessage.set(keyOf(log), index);
			toWrite.push(index);
		}
	});
	await Promise.all(
		chunks(toWrite, crm.batchSize).map(async (batch) => {
			try {
				const outcomes = await crm.write(batch.map((i) => logs[i]));
				outcomes.forEach((outcome, k) => {
					const ref = logs[batch[k]].ref;
					results[batch[k]] = outcome.ok
						? { ref, ok: true, id: outcome.id, duplicate: outcome.duplicate === true }
						: { ref, ok: false, error: outcome.error };
				});
			} catch (error) {
				if (crm.isFatal(error)) throw error;
				const info = crm.errorOf(error, true);
				for (const i of batch) results[i] = { ref: logs[i].ref, ok: false, error: info };
			}
		}),
	);
	logs.forEach((log, index) => {
		if (results[index]) return;
		const first = results[firstOfMessage.get(keyOf(log))!];
		results[index] = first.ok
			? { ref: log.ref, ok: true, id: first.id, duplicate: true }
			: { ...first, ref: log.ref };
	});
	return results;
}

/**
 * What each contact's timeline already holds (message id → record id), read once per contact, in
 * parallel; a contact whose timeline cannot be read carries the reason instead.
 */
export async function loggedPerContact(
	logs: MessageLog[],
	read: (contactId: string) => Promise<Map<string, string>>,
	crm: Pick<LogSteps, 'isFatal' | 'errorOf'>,
): Promise<(log: MessageLog) => string | undefined | CrmErrorInfo> {
	const byContact = new Map<string, Map<string, string> | CrmErrorInfo>();
	await Promise.all(
		[...new Set(logs.map((log) => log.contactId))].map(async (contactId) => {
			try {
				byContact.set(contactId, await read(contactId));
			} catch (error) {
				if (crm.isFatal(error)) throw error;
				byContact.set(contactId, crm.errorOf(error, false));
			}
		}),
	);
	return (log) => {
		const logged = byContact.get(log.contactId)!;
		return logged instanceof Map ? logged.get(log.messageId) : logged;
	};
}
