/**
 * WhatsApp media on a HubSpot contact. Files go to the file manager (`POST /files/v3/files`,
 * multipart: `file`, `fileName`, `folderPath`, `options` with `access` required; scope `files`),
 * and onto the contact as a note (`POST /crm/v3/objects/notes`, `hs_attachment_ids` separated by
 * `;`, `hs_timestamp` required, `hs_note_body` up to 65,536 characters) associated with
 * HUBSPOT_DEFINED type 202. The note's marker (marker.ts) says which message's media it holds.
 */
import { multipartBody } from '../../http/multipart';
import { contactNotFound, unexpectedResponse } from '../errors';
import { messageMarker } from '../marker';
import { attachOneAtATime, taggedFileName } from '../media';
import type { AttachedFile } from '../media';
import { CrmApiError } from '../types';
import type { AttachResult, FileAttachment } from '../types';
import type { HubSpotContext } from './context';
import { callError, isFatal } from './errors';
import { markedRecords } from './timeline';
import {
	CONTACTS,
	escapeHtml,
	FILES,
	HUBSPOT_DEFAULT_ATTACHMENT_FOLDER,
	NOTE_TO_CONTACT,
	NOTES,
} from './wire';
import type { HubSpotObject } from './wire';

const NOTE_BODY_MAX = 65_536;

export function hubspotFiles(ctx: HubSpotContext) {
	const { call, clock, opts } = ctx;

	/**
	 * The messages whose media are already on a contact, read from its notes' marker through
	 * associations and a batch read, which are consistent at once. The contact is read first, so
	 * that a file is never uploaded for a contact that does not exist.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, AttachedFile>> {
		try {
			await call({
				method: 'GET',
				path: `${CONTACTS}/${encodeURIComponent(contactId)}`,
				qs: { properties: 'hs_object_id' },
			});
		} catch (error) {
			if (error instanceof CrmApiError && error.info.status === 404)
				throw contactNotFound('hubspot', contactId, 404);
			throw error;
		}
		const notes = await markedRecords(ctx, contactId, 'notes', 'hs_note_body', [
			'hs_attachment_ids',
		]);
		const attached = new Map<string, AttachedFile>();
		for (const [messageId, note] of notes) {
			const fileId = String(note.properties?.hs_attachment_ids ?? '')
				.split(';')
				.find(Boolean);
			attached.set(messageId, { id: String(note.id), ...(fileId ? { fileId } : {}) });
		}
		return attached;
	}

	async function uploadFile(file: FileAttachment): Promise<string> {
		const form = multipartBody([
			{
				name: 'file',
				data: file.data,
				fileName: taggedFileName(file.fileName, file.messageId),
				contentType: file.mimeType,
			},
			{ name: 'folderPath', value: opts.attachmentFolder ?? HUBSPOT_DEFAULT_ATTACHMENT_FOLDER },
			// Private: a customer's photo must not be reachable by URL; the note links it for CRM users.
			{
				name: 'options',
				value: JSON.stringify({
					access: 'PRIVATE',
					overwrite: false,
					duplicateValidationStrategy: 'NONE',
					duplicateValidationScope: 'EXACT_FOLDER',
				}),
			},
		]);
		const response = await call<{ id?: string | number }>({
			method: 'POST',
			path: FILES,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		const id = response.body?.id;
		if (id === undefined || id === null || id === '')
			throw unexpectedResponse(
				'hubspot',
				'accepted the file but returned no file id',
				response.status,
			);
		return String(id);
	}

	/** Deletes an uploaded file; what is left to clean up by hand when that fails, else undefined. */
	async function deleteFile(fileId: string): Promise<string | undefined> {
		try {
			await call({
				method: 'DELETE',
				path: `${FILES}/${encodeURIComponent(fileId)}`,
				repeatable: true,
			});
			return undefined;
		} catch {
			return `file ${fileId} was uploaded but is on no note: delete it in HubSpot's files tool`;
		}
	}

	async function createNote(file: FileAttachment, fileId: string): Promise<string> {
		const when = new Date(file.at ?? clock.now()).toISOString();
		const marker = `<p>WhatsApp media · ${escapeHtml(file.fileName)} · ${when} ${escapeHtml(messageMarker(file.messageId))}</p>`;
		const text = file.description
			? `<p>${escapeHtml(file.description)
					.replace(/\r?\n/g, '<br>')
					.slice(0, NOTE_BODY_MAX - marker.length - 7)}</p>`
			: '';
		const response = await call<HubSpotObject>({
			method: 'POST',
			path: NOTES,
			body: {
				properties: {
					hs_timestamp: when,
					hs_note_body: `${text}${marker}`,
					hs_attachment_ids: fileId,
				},
				associations: [
					{
						to: { id: file.contactId },
						types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }],
					},
				],
			},
		});
		return String(response.body?.id);
	}

	/** One file at a time (see attachOneAtATime): the file API counts against the same 10-second window. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: attachedMedia,
			upload: uploadWithNote,
			isFatal,
			errorOf: callError,
		});
	}

	async function uploadWithNote(file: FileAttachment): Promise<AttachedFile> {
		const fileId = await uploadFile(file);
		try {
			return { id: await createNote(file, fileId), fileId };
		} catch (error) {
			// A file no note points to would be found by nothing (attaching again uploads anew): take it back.
			const orphan = await deleteFile(fileId);
			if (!orphan || isFatal(error)) throw error;
			const info = callError(error, true);
			throw new CrmApiError('hubspot', { ...info, message: `${info.message} (${orphan})` });
		}
	}

	return { attachFiles };
}
