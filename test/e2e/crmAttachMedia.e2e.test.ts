/**
 * CRM Upsert's Attach Media in a real n8n: the node downloads a customer's photo from the Graph API
 * simulator through the WhatsApp credential, shrinks it under the 5 MB default, and attaches it to
 * the HubSpot simulator's contact as a private file with a note, once per message; and a file
 * posted to a webhook (a binary field) goes to Salesforce as a ContentVersion, and WhatsApp media
 * to a Zoho CRM attachment through its OAuth2 credential.
 */
import { createHubSpotAdapter } from '../../lib/crm/hubspot/adapter';
import { imageKind, mediaTag } from '../../lib/crm/media';
import { axiosTransport } from '../../lib/http/transport';
import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { startSalesforceSimulator } from '../../devkit/simulators/crm/salesforce';
import { startZohoSimulator } from '../../devkit/simulators/crm/zoho';
import { startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import { decode, noiseImage } from '../../devkit/generators/images';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeInlineWorkflow,
	executionOf,
	ownerSession,
	simulatedHubSpot,
	simulatedSalesforce,
	simulatedWhatsApp,
	simulatedZoho,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(180_000);

const WEBHOOK_ID = 'e5a7c3d1-2b4f-4c6e-8a9d-0f1e2d3c4b5a';
const PATH = 'scrm-attach-media';
const MB = 1024 * 1024;

let n8n: N8nApi;
let graph: GraphApiSimulator;
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let workflow: { id: string; versionId: string };
let photo: Buffer;

beforeAll(async () => {
	// The photo first: making it keeps the event loop busy for seconds, during which n8n closes idle
	// keep-alive sockets unseen; a pause lets those closes land before the next request reuses one.
	photo = await noiseImage({ width: 1600, height: 1250, format: 'image/png', seed: 11 });
	await new Promise((resolve) => setTimeout(resolve, 500));
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	hubspot = await startHubSpotSimulator({ contacts: [] });
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp attach media e2e');
	const hubSpot = await simulatedHubSpot(n8n, hubspot, 'HubSpot attach media e2e');
	const id = (n: number) => `${WEBHOOK_ID.slice(0, 30)}${String(n).padStart(6, '0')}`;
	({ workflow } = await activeInlineWorkflow(n8n, {
		name: 'Attach media e2e',
		active: false,
		nodes: [
			{
				id: id(1),
				name: 'In',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: {
					httpMethod: 'POST',
					path: PATH,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: id(2),
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { fieldToSplitOut: 'body.messages', options: {} },
			},
			{
				id: id(3),
				name: 'Attach Media',
				type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
				typeVersion: 1,
				position: [400, 0],
				credentials: { hubSpotScrmApi: hubSpot, whatsAppScrmApi: whatsApp },
				// The defaults read the trigger's item: media.id, id (wamid), customer.e164, caption; Max Size left at 5 MB.
				parameters: {
					crm: 'hubspot',
					resource: 'message',
					operation: 'attachMedia',
					mediaContactId: '',
					mediaOptions: { defaultCountry: 'HK' },
				},
			},
		],
		connections: {
			In: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Attach Media', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	}));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

/** Posts to a webhook and returns what the Attach Media node emitted, per output. */
async function post(
	flow: { id: string },
	path: string,
	init: RequestInit,
): Promise<Array<Array<{ json: any }>>> {
	const execution = await executionOf(n8n, flow.id, async () => {
		const response = await fetch(`${readHostState().url}/webhook/${path}`, {
			method: 'POST',
			...init,
		});
		expect(response.status).toBe(200);
	});
	expect(execution.status).toBe('success');
	return n8n.nodeOutput(execution.id, 'Attach Media');
}

const run = (messages: object[]) =>
	post(workflow, PATH, {
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ messages }),
	});

it('shrinks a customer’s 6.5 MB photo under 5 MB into HubSpot once; an unknown number and a text message fail alone with a reason', async () => {
	const crm = createHubSpotAdapter({
		transport: axiosTransport({ bearerToken: hubspot.token }),
		baseUrl: hubspot.baseUrl,
	});
	const [contact] = await crm.upsertMany([
		{ ref: 0, properties: { lastname: 'Chan', phone: '+852 6333 1234' } },
	]);
	if (!contact.ok) throw new Error(contact.error.message);

	expect(photo.length).toBeGreaterThan(5.5 * MB);
	const mediaId = graph.state.addMedia({ data: photo, mimeType: 'image/png' });
	const photoMessage = {
		id: 'wamid.e2e-attach-photo',
		type: 'image',
		timestamp: '2026-11-23T02:00:00.000Z',
		customer: { e164: '+85263331234' },
		media: { id: mediaId, mimeType: 'image/png', caption: 'my receipt' },
	};
	const strangerMessage = {
		id: 'wamid.e2e-attach-stranger',
		type: 'image',
		customer: { e164: '+85263339999' },
		media: { id: mediaId },
	};
	const textMessage = {
		id: 'wamid.e2e-attach-text',
		type: 'text',
		text: 'thanks!',
		customer: { e164: '+85263331234' },
	};

	const started = Date.now();
	const [attached, review, failed] = await run([photoMessage, strangerMessage, textMessage]);
	const seconds = (Date.now() - started) / 1000;

	expect(review ?? []).toHaveLength(0);
	expect(attached).toHaveLength(1);
	const result = attached[0].json.crm;
	expect(result).toMatchObject({
		system: 'hubspot',
		outcome: 'attached',
		contactId: contact.id,
		duplicate: false,
		reEncoded: true,
		mimeType: 'image/jpeg',
		originalBytes: photo.length,
	});
	expect(result.bytes).toBeLessThanOrEqual(5 * MB);
	expect(failed).toHaveLength(2);
	expect(failed[0].json.crm.reason).toBe(
		'No contact holds +85263339999: upsert the contact first (Contact → Upsert), or give its Contact ID',
	);
	// A text message in the same flow fails alone instead of stopping the run.
	expect(failed[1].json).toMatchObject({
		id: 'wamid.e2e-attach-text',
		crm: {
			outcome: 'failed',
			reason: 'The item carries no WhatsApp media to attach (message type text): Media ID is empty',
		},
	});

	// HubSpot holds one private file, linked from a note on the contact, and it is still a picture.
	expect(hubspot.state.files.size).toBe(1);
	const file = [...hubspot.state.files.values()][0];
	expect(file).toMatchObject({
		id: result.fileId,
		access: 'PRIVATE',
		size: result.bytes,
		name: `whatsapp-2026-11-23 (${mediaTag('wamid.e2e-attach-photo')})`,
	});
	expect(imageKind(file.data)).toBe('jpeg');
	expect(await decode(file.data)).toMatchObject({ width: 1600, height: 1250 });
	await new Promise((resolve) => setTimeout(resolve, 500));
	const note = hubspot.state.notes.get(result.attachmentId)!;
	expect(note.contactIds).toEqual([contact.id]);
	expect(note.properties.hs_attachment_ids).toBe(result.fileId);
	expect(note.properties.hs_note_body).toContain('my receipt');

	// Meta retries the delivery: the photo is not attached a second time.
	const [again] = await run([photoMessage]);
	expect(again[0].json.crm).toMatchObject({
		outcome: 'attached',
		duplicate: true,
		attachmentId: result.attachmentId,
		fileId: result.fileId,
	});
	expect(hubspot.state.files.size).toBe(1);
	expect(hubspot.state.notes.size).toBe(1);
	expect(
		hubspot.state.rejected.validation + hubspot.state.rejected.scope + hubspot.state.rejected.auth,
	).toBe(0);
	console.log(
		`attach media e2e: ${(photo.length / MB).toFixed(1)} MB PNG → ${(result.bytes / MB).toFixed(2)} MB JPEG attached in ${seconds.toFixed(1)} s (beside one lookup miss and one text message)`,
	);
});

it('Salesforce: a file posted to a webhook (binary field) becomes a ContentVersion on the contact, an image shrunk, each once', async () => {
	const sim = await startSalesforceSimulator({
		contacts: [{ LastName: 'Wong', MobilePhone: '+852 6444 0001' }],
	});
	const salesforcePath = 'scrm-attach-media-sf';
	let flow: { id: string; versionId: string } | undefined;
	try {
		const contactId = [...sim.state.contacts.keys()][0];
		const image = await noiseImage({ width: 700, height: 500, format: 'image/png', seed: 13 });
		const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100 * 1024, 0x20)]);
		await new Promise((resolve) => setTimeout(resolve, 500));
		const credential = await simulatedSalesforce(n8n, sim, 'Salesforce attach media e2e');
		const webhookId = 'f6b8d4e2-3c5a-4d7f-9b0e-1a2b3c4d5e6f';
		const id = (n: number) => `${webhookId.slice(0, 30)}${String(n).padStart(6, '0')}`;
		({ workflow: flow } = await activeInlineWorkflow(n8n, {
			name: 'Attach media e2e (Salesforce, binary)',
			active: false,
			nodes: [
				// A body that is not JSON arrives as the binary field "data", named by Content-Disposition.
				{
					id: id(1),
					name: 'In',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId,
					parameters: {
						httpMethod: 'POST',
						path: salesforcePath,
						responseMode: 'lastNode',
						responseData: 'allEntries',
						options: {},
					},
				},
				{
					id: id(2),
					name: 'Attach Media',
					type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
					typeVersion: 1,
					position: [200, 0],
					credentials: { salesforceScrmOAuth2Api: credential },
					parameters: {
						crm: 'salesforce',
						resource: 'message',
						operation: 'attachMedia',
						mediaSource: 'binary',
						binaryPropertyName: 'data',
						mediaContactId: '={{ $json.query.contact }}',
						mediaMessageId: '={{ $json.query.wamid }}',
						mediaFileName: '',
						mediaDescription: '={{ $json.query.caption }}',
						mediaAt: '',
						mediaOptions: { maxSizeMb: 0.5 },
					},
				},
			],
			connections: { In: { main: [[{ node: 'Attach Media', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		}));
		const upload = (wamid: string, file: Buffer, type: string, name: string) =>
			post(
				flow!,
				`${salesforcePath}?contact=${contactId}&wamid=${wamid}&caption=${encodeURIComponent(`${name} from the customer`)}`,
				{
					headers: {
						'content-type': type,
						'content-disposition': `attachment; filename="${name}"`,
					},
					body: new Uint8Array(file),
				},
			);

		const [[photo]] = await upload('wamid.e2e-sf-photo', image, 'image/png', 'shelf.png');
		expect(photo.json.crm).toMatchObject({
			system: 'salesforce',
			outcome: 'attached',
			contactId,
			duplicate: false,
			reEncoded: true,
			fileName: 'shelf.jpg',
			originalBytes: image.length,
		});
		expect(photo.json.crm.bytes).toBeLessThanOrEqual(0.5 * MB);
		const [[document]] = await upload('wamid.e2e-sf-pdf', pdf, 'application/pdf', 'quote.pdf');
		expect(document.json.crm).toMatchObject({
			outcome: 'attached',
			duplicate: false,
			reEncoded: false,
			bytes: pdf.length,
			fileName: 'quote.pdf',
		});
		const [[again]] = await upload('wamid.e2e-sf-photo', image, 'image/png', 'shelf.png');
		expect(again.json.crm).toMatchObject({
			outcome: 'attached',
			duplicate: true,
			attachmentId: photo.json.crm.attachmentId,
		});

		const versions = [...sim.state.contentVersions.values()];
		expect(versions).toHaveLength(2);
		const stored = versions.find((v) => v.Id === photo.json.crm.attachmentId)!;
		expect(stored).toMatchObject({
			FirstPublishLocationId: contactId,
			PathOnClient: `shelf (${mediaTag('wamid.e2e-sf-photo')}).jpg`,
			ContentSize: photo.json.crm.bytes,
		});
		expect(String(stored.Description)).toBe(
			'shelf.png from the customer\n[wamid:wamid.e2e-sf-photo]',
		);
		expect(imageKind(stored.VersionData as Buffer)).toBe('jpeg');
		expect(versions.find((v) => v.Id === document.json.crm.attachmentId)?.VersionData).toEqual(pdf);
		expect(sim.state.rejected).toMatchObject({ auth: 0, validation: 0 });
	} finally {
		if (flow) await n8n.deactivate(flow).catch(() => undefined);
		await sim.close();
	}
});

it('Zoho CRM: WhatsApp media by contact ID through the OAuth2 credential, a document over the limit failing alone', async () => {
	const sim = await startZohoSimulator({
		contacts: [{ id: '5725767000000400001', Last_Name: 'Ho', Mobile: '+852 6555 0001' }],
	});
	const zohoPath = 'scrm-attach-media-zoho';
	let flow: { id: string; versionId: string } | undefined;
	try {
		const photo = await noiseImage({
			width: 500,
			height: 400,
			format: 'image/jpeg',
			quality: 95,
			seed: 17,
		});
		const photoId = graph.state.addMedia({ data: photo, mimeType: 'image/jpeg' });
		const bigPdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * MB, 0x20)]);
		const pdfId = graph.state.addMedia({ data: bigPdf, mimeType: 'application/pdf' });
		await new Promise((resolve) => setTimeout(resolve, 500));
		const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp attach media Zoho e2e');
		const zoho = await simulatedZoho(n8n, sim, 'Zoho attach media e2e');
		const webhookId = 'a7c9e5f3-4d6b-4e8a-8c1f-2b3c4d5e6f70';
		const id = (n: number) => `${webhookId.slice(0, 30)}${String(n).padStart(6, '0')}`;
		({ workflow: flow } = await activeInlineWorkflow(n8n, {
			name: 'Attach media e2e (Zoho)',
			active: false,
			nodes: [
				{
					id: id(1),
					name: 'In',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId,
					parameters: {
						httpMethod: 'POST',
						path: zohoPath,
						responseMode: 'lastNode',
						responseData: 'allEntries',
						options: {},
					},
				},
				{
					id: id(2),
					name: 'Split',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fieldToSplitOut: 'body.messages', options: {} },
				},
				{
					id: id(3),
					name: 'Attach Media',
					type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
					typeVersion: 1,
					position: [400, 0],
					credentials: { zohoScrmOAuth2Api: zoho, whatsAppScrmApi: whatsApp },
					parameters: {
						crm: 'zoho',
						resource: 'message',
						operation: 'attachMedia',
						mediaContactId: '={{ $json.contactId }}',
						mediaOptions: { maxSizeMb: 1 },
					},
				},
			],
			connections: {
				In: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
				Split: { main: [[{ node: 'Attach Media', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		}));
		const messages = [
			{
				id: 'wamid.e2e-zoho-photo',
				type: 'image',
				contactId: '5725767000000400001',
				media: { id: photoId, filename: 'IMG_0042.jpg' },
			},
			{
				id: 'wamid.e2e-zoho-pdf',
				type: 'document',
				contactId: '5725767000000400001',
				media: { id: pdfId, filename: 'catalogue.pdf' },
			},
		];
		const [attached, , failed] = await post(flow!, zohoPath, {
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ messages }),
		});
		expect(attached).toHaveLength(1);
		expect(attached[0].json.crm).toMatchObject({
			system: 'zoho',
			outcome: 'attached',
			duplicate: false,
			reEncoded: false,
			bytes: photo.length,
			fileName: 'IMG_0042.jpg',
		});
		expect(failed).toHaveLength(1);
		expect(failed[0].json.crm).toMatchObject({
			outcome: 'failed',
			code: 'TOO_LARGE',
			originalBytes: bigPdf.length,
		});
		expect(failed[0].json.crm.reason).toBe(
			'"catalogue.pdf" is 2 MB, over the 1 MB limit, and only images can be made smaller (a larger Max Size allows it: Zoho CRM takes files up to 20 MB)',
		);
		const stored = [...sim.state.attachments.values()];
		expect(stored.map((a) => a.File_Name)).toEqual([
			`IMG_0042 (${mediaTag('wamid.e2e-zoho-photo')}).jpg`,
		]);
		expect(stored[0].data.equals(photo)).toBe(true);
		expect(sim.state.rejected.auth).toBe(0);
	} finally {
		if (flow) await n8n.deactivate(flow).catch(() => undefined);
		await sim.close();
	}
});
