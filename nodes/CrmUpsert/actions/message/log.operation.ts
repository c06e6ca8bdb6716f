import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactInput, CrmAdapter, MessageLog } from '../../../../lib/crm';
import { upsertContacts } from '../../../../lib/crm';
import type { Outputs } from '../common';
import { FAILED, REVIEW, DONE, millis, text, withCrm } from '../common';
import { contactByPhone, phoneInput } from '../contactByPhone';

const show = { show: { operation: ['logMessage'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		default: '={{ $json.crm?.id }}',
		displayOptions: show,
		description:
			'The CRM contact to log on, e.g. from an Upsert Contact step; when empty the contact is found (or created) by phone',
	},
	{
		displayName: 'Phone',
		name: 'logPhone',
		type: 'string',
		default: '={{ $json.customer?.e164 }}',
		displayOptions: show,
		description: 'Used when Contact ID is empty',
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: show,
		description:
			'The WhatsApp message ID (wamid): a message is logged once, however often it arrives',
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		default: 'inbound',
		displayOptions: show,
		options: [
			{ name: 'From the Customer', value: 'inbound' },
			{ name: 'To the Customer', value: 'outbound' },
		],
	},
	{
		displayName: 'Message Text',
		name: 'body',
		type: 'string',
		default:
			'={{ $json.text ?? ("[" + $json.type + "]" + ($json.caption ? " " + $json.caption : "")) }}',
		displayOptions: show,
	},
	{
		displayName: 'Message Time',
		name: 'at',
		type: 'string',
		default: '={{ $json.timestamp }}',
		displayOptions: show,
		description: 'ISO-8601 or epoch seconds/milliseconds; empty means now',
	},
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		default: '={{ $json.customer?.name }}',
		displayOptions: show,
	},
];

export const doneOutput = 'Logged';

/**
 * The trigger's coexistence events say who wrote: an echo (typed in the WhatsApp Business app) is
 * outbound, a history message inbound or outbound by its `direction`; other items take Direction.
 */
function directionOf(json: IDataObject, chosen: 'inbound' | 'outbound'): 'inbound' | 'outbound' {
	if (json.kind === 'echo') return 'outbound';
	if (json.kind === 'history' && (json.direction === 'inbound' || json.direction === 'outbound'))
		return json.direction;
	return chosen;
}

/** Logs each message on its contact's timeline, once per wamid. */
export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const items = fn.getInputData();
	const outputs: Outputs = [[], [], []];
	const logs: MessageLog[] = [];
	const needContact: ContactInput[] = [];
	const phones = contactByPhone(fn, adapter, undefined);
	const fail = (itemIndex: number, reason: string) =>
		outputs[FAILED].push(
			withCrm(items[itemIndex], { system: adapter.crm, outcome: 'failed', reason }, itemIndex),
		);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const messageId = text(fn, 'messageId', itemIndex);
			if (!messageId)
				throw new NodeOperationError(
					fn.getNode(),
					'Message ID is empty: logging needs the WhatsApp message ID so a message is never logged twice',
					{ itemIndex },
				);
			const log: MessageLog = {
				ref: itemIndex,
				contactId: text(fn, 'contactId', itemIndex) ?? '',
				messageId,
				direction: directionOf(
					items[itemIndex].json,
					fn.getNodeParameter('direction', itemIndex) as 'inbound' | 'outbound',
				),
				at: millis(fn, 'at', itemIndex) ?? Date.now(),
				body: text(fn, 'body', itemIndex) ?? '',
				customer: {
					e164: text(fn, 'logPhone', itemIndex),
					name: text(fn, 'customerName', itemIndex),
				},
			};
			if (!log.contactId)
				needContact.push({ ref: itemIndex, ...phoneInput(phones.read('logPhone', itemIndex)) });
			logs.push(log);
		} catch (error) {
			if (!fn.continueOnFail())
				throw new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
			fail(itemIndex, (error as Error).message);
		}
	}

	// Messages without a contact ID: find or create the contact by phone first.
	const unresolved = new Set<number>();
	if (needContact.length > 0) {
		const outcomes = await upsertContacts(adapter, needContact);
		for (const outcome of outcomes) {
			const log = logs.find((l) => l.ref === outcome.ref)!;
			if (outcome.outcome === 'upserted') log.contactId = outcome.id;
			else {
				unresolved.add(outcome.ref);
				const report = { system: adapter.crm, ...outcome } as unknown as IDataObject;
				if (outcome.outcome === 'review')
					outputs[REVIEW].push(withCrm(items[outcome.ref], report, outcome.ref));
				else fail(outcome.ref, `No contact to log on: ${outcome.error.message}`);
			}
		}
	}

	const ready = logs.filter((log) => !unresolved.has(log.ref));
	const results = ready.length > 0 ? await adapter.logMessages(ready) : [];
	results.forEach((result, index) => {
		const log = ready[index];
		if (result.ok) {
			outputs[DONE].push(
				withCrm(
					items[log.ref],
					{
						system: adapter.crm,
						outcome: 'logged',
						id: result.id,
						contactId: log.contactId,
						duplicate: result.duplicate,
					},
					log.ref,
				),
			);
		} else fail(log.ref, result.error.message);
	});
	return outputs;
}
