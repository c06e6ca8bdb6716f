/**
 * WhatsApp media on a CRM contact: fit a file to the size a CRM attachment may have (mediaFit.ts),
 * then attach it through the adapter (HubSpot file + note, Zoho attachment, Salesforce
 * ContentVersion), once per message.
 */
import { createHash } from 'node:crypto';

import { CRM_LABEL } from './errors';
import { extensionOf, fitMedia, imageKind, megabytes } from './mediaFit';
import type { FittedMedia } from './mediaFit';
import type { AttachResult, CrmAdapter, CrmErrorInfo, FileAttachment } from './types';

export { exifOrientation, fitMedia, imageKind, megabytes } from './mediaFit';
export type { FittedMedia, MediaToFit } from './mediaFit';

export const DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** One piece of media to attach, before fitting. */
export interface MediaToAttach {
	ref: number;
	contactId: string;
	/** The wamid (or media id): attaching the same message twice leaves one attachment. */
	messageId: string;
	data: Buffer;
	mimeType?: string;
	fileName?: string;
	/** A line shown with the file (caption, sender). */
	description?: string;
	/** Epoch ms of the message. */
	at?: number;
}

export type AttachMediaOutcome =
	| {
			ref: number;
			ok: true;
			/** The record that holds the file on the contact: HubSpot note, Zoho attachment, Salesforce ContentVersion. */
			attachmentId: string;
			/** The file itself where the CRM keeps it apart (HubSpot file id). */
			fileId?: string;
			duplicate: boolean;
			fileName: string;
			mimeType: string;
			bytes: number;
			originalBytes: number;
			reEncoded: boolean;
			width?: number;
			height?: number;
	  }
	| { ref: number; ok: false; error: CrmErrorInfo; originalBytes?: number };

export interface AttachMediaOptions {
	/** Files must fit this; images are shrunk to. Default 5 MB. Capped at the CRM's own limit. */
	maxBytes?: number;
}

/** Fits each file to the limit and attaches it; one outcome per input, in order, whatever failed. */
export async function attachMedia(
	adapter: CrmAdapter,
	media: MediaToAttach[],
	opts: AttachMediaOptions = {},
): Promise<AttachMediaOutcome[]> {
	const asked = opts.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
	const limit = Math.min(asked, adapter.maxAttachmentBytes);
	const crmLimit = `${CRM_LABEL[adapter.crm]} takes files up to ${megabytes(adapter.maxAttachmentBytes)}`;
	const outcomes: AttachMediaOutcome[] = new Array(media.length);
	const ready: Array<{
		index: number;
		fitted: Extract<FittedMedia, { ok: true }>;
		file: FileAttachment;
	}> = [];

	// One at a time: a decoded photo takes tens of MB, and jimp's work is synchronous anyway.
	for (let index = 0; index < media.length; index++) {
		const item = media[index];
		const fitted = await fitMedia({
			data: item.data,
			mimeType: item.mimeType,
			fileName: item.fileName || defaultFileName(item),
			maxBytes: limit,
		});
		if (!fitted.ok) {
			const hint =
				fitted.code === 'TOO_LARGE' && limit < adapter.maxAttachmentBytes
					? ` (a larger Max Size allows it: ${crmLimit})`
					: limit < asked
						? ` (${crmLimit})`
						: '';
			outcomes[index] = {
				ref: item.ref,
				ok: false,
				originalBytes: fitted.originalBytes,
				error: { code: fitted.code, message: `${fitted.reason}${hint}`, retryable: false },
			};
			continue;
		}
		ready.push({
			index,
			fitted,
			file: {
				ref: item.ref,
				contactId: item.contactId,
				messageId: item.messageId,
				fileName: fitted.fileName,
				mimeType: fitted.mimeType,
				data: fitted.data,
				description: item.description,
				at: item.at,
			},
		});
	}

	const results: AttachResult[] =
		ready.length > 0 ? await adapter.attachFiles(ready.map((r) => r.file)) : [];
	results.forEach((result, k) => {
		const { index, fitted } = ready[k];
		outcomes[index] = result.ok
			? {
					ref: result.ref,
					ok: true,
					attachmentId: result.id,
					...(result.fileId ? { fileId: result.fileId } : {}),
					duplicate: result.duplicate,
					fileName: fitted.fileName,
					mimeType: fitted.mimeType,
					bytes: fitted.bytes,
					originalBytes: fitted.originalBytes,
					reEncoded: fitted.reEncoded,
					...(fitted.width ? { width: fitted.width, height: fitted.height } : {}),
				}
			: { ref: result.ref, ok: false, error: result.error, originalBytes: fitted.originalBytes };
	});
	return outcomes;
}

/** Where a message's media ended up on a contact: the record holding it, and the file apart from it (HubSpot). */
export interface AttachedFile {
	id: string;
	fileId?: string;
}

/** The CRM-specific steps of attaching files, for `attachOneAtATime`. */
export interface AttachSteps {
	/** The media already on a contact, by `keyOf(file)`; throws CONTACT_NOT_FOUND for an unknown contact. */
	attached(contactId: string): Promise<Map<string, AttachedFile>>;
	upload(file: FileAttachment): Promise<AttachedFile>;
	/** How a message's media is recognised among the attachments; default the message id. */
	keyOf?(file: FileAttachment): string;
	/** Errors that stop the whole run (authentication, a spent daily allowance). */
	isFatal(error: unknown): boolean;
	errorOf(error: unknown, write: boolean): CrmErrorInfo;
}

/**
 * How every adapter attaches: one file at a time (each may be megabytes, and every call counts
 * against the CRM's limits), each contact's attachments read once, and a message's media attached
 * only once however often it is asked for. Every file gets its own result.
 */
export async function attachOneAtATime(
	files: FileAttachment[],
	crm: AttachSteps,
): Promise<AttachResult[]> {
	const results: AttachResult[] = [];
	const byContact = new Map<string, Map<string, AttachedFile> | CrmErrorInfo>();
	for (const file of files) {
		let attached = byContact.get(file.contactId);
		if (!attached) {
			try {
				attached = await crm.attached(file.contactId);
			} catch (error) {
				if (crm.isFatal(error)) throw error;
				attached = crm.errorOf(error, false);
			}
			byContact.set(file.contactId, attached);
		}
		if (!(attached instanceof Map)) {
			results.push({ ref: file.ref, ok: false, error: attached });
			continue;
		}
		const key = crm.keyOf?.(file) ?? file.messageId;
		const existing = attached.get(key);
		if (existing) {
			results.push({ ref: file.ref, ok: true, ...existing, duplicate: true });
			continue;
		}
		try {
			const made = await crm.upload(file);
			attached.set(key, made);
			results.push({ ref: file.ref, ok: true, ...made, duplicate: false });
		} catch (error) {
			if (crm.isFatal(error)) throw error;
			results.push({ ref: file.ref, ok: false, error: crm.errorOf(error, true) });
		}
	}
	return results;
}

/**
 * A short, stable tag of a message id that survives in file names (a wamid is long and may hold
 * `/`, `+` and `=`): what the adapters look for to attach a message's media once.
 */
export function mediaTag(messageId: string): string {
	return `wa-${createHash('sha256').update(messageId).digest('hex').slice(0, 16)}`;
}

/** The file name with the message's tag before the extension: `photo (wa-0123456789abcdef).jpg`. */
export function taggedFileName(fileName: string, messageId: string): string {
	const tag = `(${mediaTag(messageId)})`;
	if (fileName.includes(tag)) return fileName;
	const dot = fileName.lastIndexOf('.');
	return dot > 0 ? `${fileName.slice(0, dot)} ${tag}${fileName.slice(dot)}` : `${fileName} ${tag}`;
}

function defaultFileName(item: MediaToAttach): string {
	const kind = imageKind(item.data);
	return `whatsapp-${(item.at ? new Date(item.at) : new Date()).toISOString().slice(0, 10)}${extensionOf(kind ? `image/${kind}` : (item.mimeType ?? ''))}`;
}
