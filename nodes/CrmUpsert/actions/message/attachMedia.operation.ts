import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { attachMedia, DEFAULT_ATTACHMENT_MAX_BYTES } from '../../../../lib/crm';
import type { CrmAdapter, MediaToAttach } from '../../../../lib/crm';
import { graphClient, whatsAppCredential } from '../../../shared/graph';
import { defaultCountryOption } from '../../../shared/phone';
import { contactByPhone } from '../contactByPhone';
import type { Outputs } from '../common';
import { FAILED, REVIEW, DONE, millis, text, withCrm } from '../common';

const show = { show: { operation: ['attachMedia'] } };
const MB = 1024 * 1024;

export const description: INodeProperties[] = [
	{
		displayName: 'Contact ID',
		name: 'mediaContactId',
		type: 'string',
		default: '={{ $json.crm?.id }}',
		displayOptions: show,
		description:
			'The CRM contact to attach to, e.g. from an Upsert Contact step; when empty the contact is found by phone',
	},
	{
		displayName: 'Phone',
		name: 'mediaPhone',
		type: 'string',
		default: '={{ $json.customer?.e164 }}',
		displayOptions: show,
		description:
			'Used when Contact ID is empty: the contact whose phone fields hold this number, in any format',
	},
	{
		displayName: 'Media Source',
		name: 'mediaSource',
		type: 'options',
		noDataExpression: true,
		default: 'whatsApp',
		displayOptions: show,
		options: [
			{
				name: 'WhatsApp Media ID',
				value: 'whatsApp',
				description:
					"Download the message's media from the Graph API (needs the WhatsApp credential)",
			},
			{
				name: 'Binary Field',
				value: 'binary',
				description: 'A file already on the input item, e.g. from an HTTP Request step',
			},
		],
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '={{ $json.media?.id }}',
		required: true,
		displayOptions: { show: { operation: ['attachMedia'], mediaSource: ['whatsApp'] } },
		description:
			"The media ID in the WhatsApp message (the trigger's media.ID); Meta keeps media for 30 days",
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { operation: ['attachMedia'], mediaSource: ['binary'] } },
		hint: 'The name of the input binary field containing the file to attach',
	},
	{
		displayName: 'Message ID',
		name: 'mediaMessageId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: show,
		description:
			'The WhatsApp message ID (wamid): a message’s media is attached once, however often it arrives',
	},
	{
		displayName: 'File Name',
		name: 'mediaFileName',
		type: 'string',
		default: '={{ $json.media?.filename }}',
		displayOptions: show,
		description:
			'Empty: the binary field’s file name, or "whatsapp-<date>" with the extension of the media type',
	},
	{
		displayName: 'Description',
		name: 'mediaDescription',
		type: 'string',
		default: '={{ $json.media?.caption ?? $json.text }}',
		displayOptions: show,
		description:
			'Shown with the file in the CRM: the note text in HubSpot, the description in Salesforce (Zoho attachments have none)',
	},
	{
		displayName: 'Message Time',
		name: 'mediaAt',
		type: 'string',
		default: '={{ $json.timestamp }}',
		displayOptions: show,
		description: 'ISO-8601 or epoch seconds/milliseconds; empty means now',
	},
	{
		displayName: 'Options',
		name: 'mediaOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		description: 'None added: images over 5 MB are shrunk to fit',
		displayOptions: show,
		options: [
			defaultCountryOption(),
			{
				displayName: 'Max Size (MB)',
				name: 'maxSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: DEFAULT_ATTACHMENT_MAX_BYTES / MB,
				description:
					"Images over it are re-encoded as JPEG (lower quality, then smaller) until they fit; other files over it fail. Capped at the CRM's own limit (HubSpot 300 MB, Zoho CRM 20 MB, Salesforce 2 GB).",
			},
		],
	},
];

export const doneOutput = 'Attached';

interface Pending {
	itemIndex: number;
	messageId: string;
	contactId?: string;
	e164?: string;
}

/** Downloads each item's media (or takes its binary field), fits it to the size limit and attaches it to the contact. */
export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	const items = fn.getInputData();
	const outputs: Outputs = [[], [], []];
	const options = fn.getNodeParameter('mediaOptions', 0, {}) as {
		defaultCountry?: string;
		maxSizeMb?: number;
	};
	const maxBytes = Math.round((options.maxSizeMb ?? DEFAULT_ATTACHMENT_MAX_BYTES / MB) * MB);
	const phones = contactByPhone(fn, adapter, options.defaultCountry);
	const fail = (itemIndex: number, reason: string, extra: IDataObject = {}) =>
		outputs[FAILED].push(
			withCrm(
				items[itemIndex],
				{ system: adapter.crm, outcome: 'failed', reason, ...extra },
				itemIndex,
			),
		);

	const pending: Pending[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const messageId = text(fn, 'mediaMessageId', itemIndex);
			if (!messageId)
				throw new NodeOperationError(
					fn.getNode(),
					'Message ID is empty: attaching needs the WhatsApp message ID so that a file is never attached twice',
					{ itemIndex },
				);
			const contactId = text(fn, 'mediaContactId', itemIndex);
			if (contactId) {
				pending.push({ itemIndex, messageId, contactId });
				continue;
			}
			if (!text(fn, 'mediaPhone', itemIndex))
				throw new NodeOperationError(
					fn.getNode(),
					'Contact ID and Phone are both empty: give the CRM contact ID, or a phone number to find the contact by',
					{ itemIndex },
				);
			const phone = phones.read('mediaPhone', itemIndex);
			if (!phone.ok) throw new NodeOperationError(fn.getNode(), phone.reason, { itemIndex });
			pending.push({ itemIndex, messageId, e164: phone.e164 });
		} catch (error) {
			if (!fn.continueOnFail())
				throw new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
			fail(itemIndex, (error as Error).message);
		}
	}

	// Contacts given by phone: one lookup for all, as Get by Phone does; never created here.
	const contactsOf = await phones.find(pending.flatMap((p) => (p.e164 ? [p.e164] : [])));
	const ready: Pending[] = [];
	for (const entry of pending) {
		if (entry.contactId) {
			ready.push(entry);
			continue;
		}
		const contacts = contactsOf(entry.e164!);
		if (contacts.length === 1) ready.push({ ...entry, contactId: contacts[0].id });
		else if (contacts.length === 0)
			fail(
				entry.itemIndex,
				`No contact holds ${entry.e164}: upsert the contact first (Contact → Upsert), or give its Contact ID`,
				{ e164: entry.e164 },
			);
		else {
			const candidates = contacts.map((c) => ({
				id: c.id,
				modifiedAt: new Date(c.modifiedAt).toISOString(),
			}));
			outputs[REVIEW].push(
				withCrm(
					items[entry.itemIndex],
					{
						system: adapter.crm,
						outcome: 'review',
						reason: 'ambiguous',
						e164: entry.e164,
						candidates,
					},
					entry.itemIndex,
				),
			);
		}
	}

	const source = fn.getNodeParameter('mediaSource', 0) as 'whatsApp' | 'binary';
	const graph =
		source === 'whatsApp' && ready.length > 0
			? graphClient(fn, await whatsAppCredential(fn))
			: undefined;
	// One item at a time: a photo and its decoded pixels take tens of MB, and the CRM takes uploads one by one anyway.
	for (const entry of ready) {
		const { itemIndex } = entry;
		let media: MediaToAttach;
		try {
			const file = await mediaOf(fn, itemIndex, source, graph);
			if ('failed' in file) {
				fail(itemIndex, file.failed, { contactId: entry.contactId });
				continue;
			}
			media = {
				ref: itemIndex,
				contactId: entry.contactId!,
				messageId: entry.messageId,
				fileName: text(fn, 'mediaFileName', itemIndex),
				description: text(fn, 'mediaDescription', itemIndex),
				at: millis(fn, 'mediaAt', itemIndex),
				...file,
			};
		} catch (error) {
			// Parameters that cannot be read (no binary field, an unreadable time): the workflow's to fix.
			if (!fn.continueOnFail())
				throw new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
			fail(itemIndex, (error as Error).message);
			continue;
		}
		const [outcome] = await attachMedia(adapter, [media], { maxBytes });
		if (outcome.ok) {
			const { ref: _ref, ok: _ok, ...result } = outcome;
			outputs[DONE].push(
				withCrm(
					items[itemIndex],
					{
						system: adapter.crm,
						outcome: 'attached',
						contactId: media.contactId,
						...result,
					} as IDataObject,
					itemIndex,
				),
			);
		} else {
			fail(itemIndex, outcome.error.message, {
				code: outcome.error.code,
				contactId: media.contactId,
				...(outcome.originalBytes !== undefined ? { originalBytes: outcome.originalBytes } : {}),
			});
		}
	}
	return outputs;
}

/** The item's file: downloaded from WhatsApp (checked against Meta's SHA-256) or read from its binary field. */
async function mediaOf(
	fn: IExecuteFunctions,
	itemIndex: number,
	source: 'whatsApp' | 'binary',
	graph: ReturnType<typeof graphClient> | undefined,
): Promise<{ data: Buffer; mimeType?: string; fileName?: string } | { failed: string }> {
	if (source === 'binary') {
		const field = text(fn, 'binaryPropertyName', itemIndex) ?? 'data';
		// An item without the file (a text message in the same flow) fails alone; the others still go.
		if (!fn.getInputData()[itemIndex].binary?.[field])
			return {
				failed: `The item has no binary field "${field}" to attach (check Input Binary Field)`,
			};
		const binary = fn.helpers.assertBinaryData(itemIndex, field);
		const data = await fn.helpers.getBinaryDataBuffer(itemIndex, field);
		return {
			data,
			mimeType: binary.mimeType,
			...(text(fn, 'mediaFileName', itemIndex) ? {} : { fileName: binary.fileName }),
		};
	}
	const mediaId = text(fn, 'mediaId', itemIndex);
	if (!mediaId)
		return {
			failed: `The item carries no WhatsApp media to attach (message type ${String(fn.getInputData()[itemIndex].json.type ?? 'unknown')}): Media ID is empty`,
		};
	try {
		const media = await graph!.fetchMedia(mediaId);
		return { data: media.data, mimeType: media.mimeType };
	} catch (error) {
		// Graph and transport errors name no secret: the client never sees the token, and URLs lose their query.
		return {
			failed: `WhatsApp media ${mediaId} could not be downloaded: ${(error as Error).message}`,
		};
	}
}
