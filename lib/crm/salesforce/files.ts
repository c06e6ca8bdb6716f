/**
 * WhatsApp media on a Salesforce contact: `POST /sobjects/ContentVersion` as multipart
 * (`entity_content` JSON, then the bytes as `VersionData`) takes up to 2 GB (JSON with base64 only
 * 37.5 MB); `FirstPublishLocationId` links the new file to the Contact. ContentVersion has no
 * unique key, so the message's marker (marker.ts) is in its Description, read back by SOQL on
 * FirstPublishLocationId before uploading.
 */
import { multipartBody } from '../../http/multipart';
import { contactNotFound } from '../errors';
import { markedMessages, messageMarker } from '../marker';
import { attachOneAtATime, taggedFileName } from '../media';
import { CrmApiError } from '../types';
import type { AttachResult, FileAttachment } from '../types';
import type { SalesforceContext } from './context';
import { callError, isFatal, itemError } from './errors';
import { CONTENT_DESCRIPTION_MAX, CONTENT_TITLE_MAX, soqlString } from './wire';
import type { SfSaveResult } from './wire';

export function salesforceFiles(ctx: SalesforceContext) {
	const { call, query, data } = ctx;

	/**
	 * The media already on a contact (ContentVersions first published there, by the marker
	 *  in their Description, read by SOQL, consistent at once). The Contact is read first so
	 * that an unknown one fails with a reason rather than Salesforce's cross-reference error.
	 */
	async function attachedMedia(contactId: string): Promise<Map<string, string>> {
		const id = soqlString(contactId);
		let found: Array<Record<string, unknown>>;
		try {
			found = (await query(`SELECT Id FROM Contact WHERE Id = ${id}`)).records;
		} catch (error) {
			// Salesforce refuses a malformed id in a filter instead of matching nothing.
			if (!(error instanceof CrmApiError && error.info.code === 'INVALID_QUERY_FILTER_OPERATOR'))
				throw error;
			found = [];
		}
		if (found.length === 0) throw contactNotFound('salesforce', contactId);
		const attached = new Map<string, string>();
		const { records } = await query(
			`SELECT Id, Description FROM ContentVersion WHERE FirstPublishLocationId = ${id}`,
		);
		for (const record of records) {
			for (const messageId of markedMessages(record.Description))
				attached.set(messageId, String(record.Id));
		}
		return attached;
	}

	async function uploadVersion(file: FileAttachment): Promise<string> {
		const pathOnClient = taggedFileName(file.fileName, file.messageId);
		const tag = messageMarker(file.messageId);
		const description = file.description
			? `${file.description.slice(0, CONTENT_DESCRIPTION_MAX - tag.length - 1)}\n${tag}`
			: tag;
		const form = multipartBody([
			{
				name: 'entity_content',
				contentType: 'application/json',
				value: JSON.stringify({
					PathOnClient: pathOnClient,
					Title: file.fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '').slice(0, CONTENT_TITLE_MAX),
					Description: description,
					FirstPublishLocationId: file.contactId,
				}),
			},
			{ name: 'VersionData', data: file.data, fileName: pathOnClient, contentType: file.mimeType },
		]);
		const response = await call<SfSaveResult>({
			method: 'POST',
			path: `${data}/sobjects/ContentVersion`,
			body: form.body,
			headers: { 'Content-Type': form.contentType },
		});
		if (!response.body?.id)
			throw new CrmApiError('salesforce', {
				...itemError(response.body?.errors ?? []),
				status: response.status,
			});
		return String(response.body.id);
	}

	/** One file at a time (see attachOneAtATime): every call counts against the daily allocation. */
	function attachFiles(files: FileAttachment[]): Promise<AttachResult[]> {
		return attachOneAtATime(files, {
			attached: async (contactId) =>
				new Map(
					[...(await attachedMedia(contactId))].map(([messageId, id]) => [messageId, { id }]),
				),
			upload: async (file) => ({ id: await uploadVersion(file) }),
			isFatal,
			errorOf: callError,
		});
	}

	return { attachFiles };
}
