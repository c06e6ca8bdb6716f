/**
 * WhatsApp media on a Zoho contact: `POST /Contacts/{id}/Attachments` takes one multipart `file`
 * (20 MB at most, as the brief and Zoho's attachment pages state; v2's page says 100 MB, so 20 MB
 * is the safe reading) and needs the scope ZohoCRM.modules.attachments.ALL; `GET` lists them
 * (`fields` required, 200 a page, 204 when none). A message's media is recognised by the tag in
 * its file name (media.ts `taggedFileName`).
 */
import type { HttpResponse } from '../../http/transport';
import { multipartBody } from '../../http/multipart';
import { contactNotFound, unexpectedResponse } from '../errors';
import { attachOneAtATime, mediaTag, taggedFileName } from '../media';
import { CrmApiError } from '../types';
import type { AttachResult, FileAttachment } from '../types';
import type { ZohoContext } from './context';
import { callError, isFatal, itemError } from './errors';
import { MEDIA_TAG, PAGE_SIZE } from './wire';
import type { ZohoItem, ZohoPage } from './wire';

export function zohoFiles(ctx: ZohoContext) {
	const { call, root, moduleName } = ctx;

	/**
	 * The media already attached to a contact, by the message tag in their file names (the
	 * Attachments related list, consistent at once). Zoho refuses the list for a record that does
	 * not exist, so an unknown contact fails here, before any upload.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, string>> {
		const attached = new Map<string, string>();
		for (let page = 1; ; page++) {
			let response: HttpResponse<ZohoPage>;
			try {
				response = await call<ZohoPage>({
					method: 'GET',
					path: `${root}/${moduleName}/${encodeURIComponent(contactId)}/Attachments`,
					qs: { fields: 'id,File_Name,Size', per_page: PAGE_SIZE, page },
				});
			} catch (error) {
				if (
					error instanceof CrmApiError &&
					(error.info.code === 'INVALID_DATA' || error.info.status === 404)
				)
					throw contactNotFound('zoho', contactId, error.info.status);
				throw error;
			}
			const body = response.status === 204 ? undefined : response.body;
			for (const attachment of body?.data ?? []) {
				const tag = MEDIA_TAG.exec(String(attachment.File_Name ?? ''))?.[1];
				if (tag) attached.set(tag, String(attachment.id));
			}
			if (!body?.info?.more_records) return attached;
		}
	}

	async function upload(file: FileAttachment): Promise<string> {
		const form = multipartBody([
			{
				name: 'file',
				data: file.data,
				fileName: taggedFileName(file.fileName, file.messageId),
				contentType: file.mimeType,
			},
		]);
		const response = await call<{ data?: ZohoItem[] }>({
			method: 'POST',
			path: `${root}/${moduleName}/${encodeURIComponent(file.contactId)}/Attachments`,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		const item = response.body?.data?.[0];
		if (item?.code !== 'SUCCESS')
			throw item
				? new CrmApiError('zoho', itemError(item))
				: unexpectedResponse('zoho', 'answered the upload without a result');
		return String(item.details?.id);
	}

	/** One file at a time (see attachOneAtATime): they share the org's concurrency with everything else. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: async (contactId) =>
				new Map([...(await attachedMedia(contactId))].map(([tag, id]) => [tag, { id }])),
			upload: async (file) => ({ id: await upload(file) }),
			keyOf: (file) => mediaTag(file.messageId),
			isFatal,
			errorOf: callError,
		});
	}

	return { attachFiles };
}
