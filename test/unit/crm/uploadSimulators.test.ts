/**
 * The CRM simulators' upload endpoints keep their vendors' contracts, so that the adapters' media
 * tests mean something: raw HTTP against each, no adapter involved.
 */
import { multipartBody } from '../../../lib/http/multipart';
import type { MultipartPart } from '../../../lib/http/multipart';
import { axiosTransport } from '../../../lib/http/transport';
import type { HttpResponse } from '../../../lib/http/transport';
import { startHubSpotSimulator } from '../../../devkit/simulators/crm/hubspot';
import { startSalesforceSimulator } from '../../../devkit/simulators/crm/salesforce';
import { startZohoSimulator } from '../../../devkit/simulators/crm/zoho';

jest.setTimeout(30_000);

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const close of closers.splice(0)) await close();
});

const file: MultipartPart = {
	name: 'file',
	data: Buffer.from('%PDF-1.7 tiny'),
	fileName: 'quote.pdf',
	contentType: 'application/pdf',
};

async function send(
	url: string,
	auth: string,
	parts: MultipartPart[] | object,
	method: 'GET' | 'POST' = 'POST',
): Promise<HttpResponse<Body>> {
	const transport = axiosTransport();
	if (!Array.isArray(parts))
		return (await transport({
			method,
			url,
			headers: { Authorization: auth },
			body: method === 'GET' ? undefined : parts,
		})) as HttpResponse<Body>;
	const form = multipartBody(parts);
	return (await transport({
		method,
		url,
		headers: { Authorization: auth, 'Content-Type': form.contentType },
		body: form.body,
	})) as HttpResponse<Body>;
}

describe('HubSpot files and notes', () => {
	async function start(maxFileBytes?: number) {
		const sim = await startHubSpotSimulator({
			contacts: [{ id: '501', properties: { lastname: 'Lee' } }],
			maxFileBytes,
		});
		closers.push(() => sim.close());
		const upload = (parts: MultipartPart[]) =>
			send(`${sim.baseUrl}/files/v3/files`, `Bearer ${sim.token}`, parts);
		const note = (body: object) =>
			send(`${sim.baseUrl}/crm/v3/objects/notes`, `Bearer ${sim.token}`, body);
		return { sim, upload, note };
	}
	const options = { name: 'options', value: JSON.stringify({ access: 'PRIVATE' }) };
	const folder = { name: 'folderPath', value: '/WhatsApp SCRM' };

	it('stores a private file and answers 201 with its id and no public URL', async () => {
		const { sim, upload } = await start();
		const answer = await upload([file, folder, options]);
		expect(answer.status).toBe(201);
		expect(answer.body).toMatchObject({
			id: expect.any(String),
			name: 'quote',
			extension: 'pdf',
			size: 13,
			access: 'PRIVATE',
			path: '/WhatsApp SCRM/quote.pdf',
		});
		expect(answer.body.url).toBeUndefined();
		expect(sim.state.files.get(answer.body.id)?.data.toString()).toBe('%PDF-1.7 tiny');
	});

	it('refuses an upload without options.access, without a folder, with both folder fields, or over the size limit', async () => {
		const { sim, upload } = await start(10);
		expect((await upload([file, folder])).body.message).toMatch(/options is required/);
		expect(
			(await upload([file, folder, { name: 'options', value: '{"access":"OPEN"}' }])).body.message,
		).toMatch(/options.access must be one of/);
		expect((await upload([file, options])).body.message).toMatch(
			/folderId or folderPath is required/,
		);
		expect(
			(await upload([file, folder, options, { name: 'folderId', value: '7' }])).body.message,
		).toMatch(/not both/);
		const large = await upload([file, folder, options]);
		expect(large.status).toBe(413);
		expect(sim.state.files.size).toBe(0);
	});

	it('takes a note with attachments on a contact by type 202 only, and only for files it holds', async () => {
		const { sim, upload, note } = await start();
		const { body: stored } = await upload([file, folder, options]);
		const association = (typeId: number, id = '501') => [
			{
				to: { id },
				types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
			},
		];
		const properties = {
			hs_timestamp: '2026-11-23T00:00:00Z',
			hs_note_body: 'quote',
			hs_attachment_ids: stored.id,
		};
		expect((await note({ properties, associations: association(81) })).status).toBe(400);
		expect(
			(await note({ properties, associations: association(202, '999') })).body.message,
		).toMatch(/contact 999 does not exist/);
		expect(
			(
				await note({
					properties: { ...properties, hs_attachment_ids: '404404' },
					associations: association(202),
				})
			).body.message,
		).toMatch(/file 404404 does not exist/);
		expect(
			(await note({ properties: { hs_note_body: 'no time' }, associations: association(202) }))
				.status,
		).toBe(400);
		const created = await note({ properties, associations: association(202) });
		expect(created.status).toBe(201);
		expect(sim.state.notes.get(created.body.id)).toMatchObject({
			contactIds: ['501'],
			properties: { hs_attachment_ids: stored.id },
		});
		const listed = await send(
			`${sim.baseUrl}/crm/v4/objects/contacts/501/associations/notes`,
			`Bearer ${sim.token}`,
			{},
			'GET',
		);
		expect(listed.body.results).toEqual([
			{
				toObjectId: Number(created.body.id),
				associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 203, label: null }],
			},
		]);
	});

	it('wants the files scope for uploads', async () => {
		const { sim, upload } = await start();
		sim.setScopes(['crm.objects.contacts.read', 'crm.objects.contacts.write']);
		const answer = await upload([file, folder, options]);
		expect(answer.status).toBe(403);
		expect(answer.body.category).toBe('MISSING_SCOPES');
	});
});

describe('Zoho CRM attachments', () => {
	async function start(maxAttachmentBytes?: number) {
		const sim = await startZohoSimulator({
			contacts: [{ id: '5725767000000300001', Last_Name: 'Lee' }],
			maxAttachmentBytes,
		});
		closers.push(() => sim.close());
		const at = (id: string) => `${sim.baseUrl}/crm/v8/Contacts/${id}/Attachments`;
		return { sim, at, auth: `Zoho-oauthtoken ${sim.token}` };
	}

	it('stores a file part and answers with Zoho’s per-record SUCCESS; lists it with fields, 204 when none', async () => {
		const { sim, at, auth } = await start();
		expect(
			(await send(`${at('5725767000000300001')}?fields=id,File_Name`, auth, {}, 'GET')).status,
		).toBe(204);
		const answer = await send(at('5725767000000300001'), auth, [file]);
		expect(answer.status).toBe(200);
		expect(answer.body.data[0]).toMatchObject({
			code: 'SUCCESS',
			status: 'success',
			message: 'attachment uploaded successfully',
			details: { id: expect.any(String) },
		});
		const listed = await send(
			`${at('5725767000000300001')}?fields=id,File_Name,Size`,
			auth,
			{},
			'GET',
		);
		expect(listed.body.data).toEqual([
			{ id: answer.body.data[0].details.id, File_Name: 'quote.pdf', Size: '13' },
		]);
		expect((await send(at('5725767000000300001'), auth, {}, 'GET')).body).toMatchObject({
			code: 'REQUIRED_PARAM_MISSING',
			details: { param: 'fields' },
		});
		expect(sim.state.attachments.size).toBe(1);
	});

	it('refuses an unknown record, a body without a file part, and a file over the limit', async () => {
		const { sim, at, auth } = await start(10);
		expect((await send(at('5725767000009999999'), auth, [file])).body).toMatchObject({
			code: 'INVALID_DATA',
			message: 'the related id given seems to be invalid',
		});
		expect(
			(await send(at('5725767000000300001'), auth, [{ name: 'other', value: 'x' }])).body,
		).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param: 'file' } });
		expect((await send(at('5725767000000300001'), auth, [file])).body).toMatchObject({
			code: 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE',
			status: 'error',
		});
		expect(sim.state.attachments.size).toBe(0);
	});
});

describe('Salesforce ContentVersion', () => {
	async function start(maxFileBytes?: number) {
		const sim = await startSalesforceSimulator({ contacts: [{ LastName: 'Lee' }], maxFileBytes });
		closers.push(() => sim.close());
		const contactId = [...sim.state.contacts.keys()][0];
		return {
			sim,
			contactId,
			url: `${sim.baseUrl}/services/data/v62.0/sobjects/ContentVersion`,
			auth: `Bearer ${sim.token}`,
		};
	}
	const entity = (fields: object): MultipartPart => ({
		name: 'entity_content',
		contentType: 'application/json',
		value: JSON.stringify(fields),
	});
	const blob: MultipartPart = {
		name: 'VersionData',
		data: Buffer.from('%PDF-1.7 tiny'),
		fileName: 'quote.pdf',
		contentType: 'application/pdf',
	};

	it('inserts from multipart or base64 JSON, linked by FirstPublishLocationId, and SOQL reads it back without the bytes', async () => {
		const { sim, contactId, url, auth } = await start();
		const multipart = await send(url, auth, [
			entity({
				PathOnClient: 'quote.pdf',
				Description: 'a quote',
				FirstPublishLocationId: contactId,
			}),
			blob,
		]);
		expect(multipart).toMatchObject({
			status: 201,
			body: { id: expect.any(String), success: true, errors: [] },
		});
		const json = await send(url, auth, {
			PathOnClient: 'note.txt',
			VersionData: Buffer.from('hello').toString('base64'),
			FirstPublishLocationId: contactId,
		});
		expect(json.status).toBe(201);
		expect((sim.state.contentVersions.get(json.body.id)?.VersionData as Buffer).toString()).toBe(
			'hello',
		);
		const q = encodeURIComponent(
			`SELECT Id, Description, ContentSize FROM ContentVersion WHERE FirstPublishLocationId = '${contactId}'`,
		);
		const found = await send(`${sim.baseUrl}/services/data/v62.0/query?q=${q}`, auth, {}, 'GET');
		expect(found.body.records.map((r: Body) => [r.Id, r.ContentSize])).toEqual([
			[multipart.body.id, 13],
			[json.body.id, 5],
		]);
		expect(JSON.stringify(found.body)).not.toContain('VersionData');
	});

	it('refuses a missing PathOnClient or VersionData, an unknown FirstPublishLocationId, and a file over the limit', async () => {
		const { sim, contactId, url, auth } = await start(10);
		expect(
			(await send(url, auth, [entity({ FirstPublishLocationId: contactId }), blob])).body[0],
		).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['PathOnClient'] });
		expect((await send(url, auth, [entity({ PathOnClient: 'a.pdf' })])).body[0]).toMatchObject({
			errorCode: 'REQUIRED_FIELD_MISSING',
			fields: ['VersionData'],
		});
		expect(
			(
				await send(url, auth, [
					entity({ PathOnClient: 'a.pdf', FirstPublishLocationId: '003SIM999999999AAA' }),
					{ ...blob, data: Buffer.from('x') },
				])
			).body[0],
		).toMatchObject({
			errorCode: 'FIELD_INTEGRITY_EXCEPTION',
		});
		const large = await send(url, auth, [
			entity({ PathOnClient: 'a.pdf', FirstPublishLocationId: contactId }),
			blob,
		]);
		expect(large.status).toBe(413);
		expect(sim.state.contentVersions.size).toBe(0);
	});
});
