/**
 * CRM Upsert's Attach Media in a real n8n: the node downloads a customer's photo from the Graph API
 * simulator through the WhatsApp credential, shrinks it under the 5 MB default, and attaches it to
 * the HubSpot simulator's contact as a private file with a note, once per message.
 */
import { createHubSpotAdapter } from '../../lib/crm/hubspot/adapter';
import { imageKind, mediaTag } from '../../lib/crm/media';
import { axiosTransport } from '../../lib/http/transport';
import { startHubSpotSimulator } from '../simulators/crm/hubspot';
import { startGraphApiSimulator } from '../simulators/graphApi';
import type { GraphApiSimulator } from '../simulators/graphApi';
import { decode, noiseImage } from '../support/images';
import { N8nApi, readHostState } from './n8nHost';
import { executionOf, simulatedWhatsApp } from './workflowRuns';

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
	n8n = await N8nApi.forOwner(readHostState().url);
	graph = await startGraphApiSimulator({});
	hubspot = await startHubSpotSimulator({ contacts: [] });
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp attach media e2e');
	const hubSpot = await n8n.createCredential('hubSpotScrmApi', 'HubSpot attach media e2e', { accessToken: hubspot.token, tier: 'free', useCustomBaseUrl: true, baseUrl: hubspot.baseUrl });
	const id = (n: number) => `${WEBHOOK_ID.slice(0, 30)}${String(n).padStart(6, '0')}`;
	workflow = await n8n.call('POST', '/rest/workflows', {
		name: 'Attach media e2e',
		active: false,
		nodes: [
			{ id: id(1), name: 'In', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: WEBHOOK_ID, parameters: { httpMethod: 'POST', path: PATH, responseMode: 'lastNode', responseData: 'allEntries', options: {} } },
			{ id: id(2), name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.messages', options: {} } },
			{
				id: id(3),
				name: 'Attach Media',
				type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
				typeVersion: 1,
				position: [400, 0],
				credentials: { hubSpotScrmApi: hubSpot, whatsAppScrmApi: whatsApp },
				// The defaults read the trigger's item: media.id, id (wamid), customer.e164, caption; Max Size left at 5 MB.
				parameters: { crm: 'hubspot', resource: 'message', operation: 'attachMedia', mediaContactId: '', mediaOptions: { defaultCountry: 'HK' } },
			},
		],
		connections: {
			In: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Attach Media', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	});
	await n8n.activate(workflow);
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

async function run(messages: object[]): Promise<Array<Array<{ json: any }>>> {
	const execution = await executionOf(n8n, workflow.id, async () => {
		const response = await fetch(`${readHostState().url}/webhook/${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
		expect(response.status).toBe(200);
	});
	expect(execution.status).toBe('success');
	return n8n.nodeOutput(execution.id, 'Attach Media');
}

it('shrinks a customer’s 6.5 MB photo under 5 MB into HubSpot once, and fails a message from an unknown number with a reason', async () => {
	const crm = createHubSpotAdapter({ transport: axiosTransport({ bearerToken: hubspot.token }), baseUrl: hubspot.baseUrl });
	const [contact] = await crm.upsertMany([{ ref: 0, properties: { lastname: 'Chan', phone: '+852 6333 1234' } }]);
	if (!contact.ok) throw new Error(contact.error.message);

	expect(photo.length).toBeGreaterThan(5.5 * MB);
	const mediaId = graph.state.addMedia({ data: photo, mimeType: 'image/png' });
	const photoMessage = { id: 'wamid.e2e-attach-photo', type: 'image', timestamp: '2026-11-23T02:00:00.000Z', customer: { e164: '+85263331234' }, media: { id: mediaId, mimeType: 'image/png', caption: 'my receipt' } };
	const strangerMessage = { id: 'wamid.e2e-attach-stranger', type: 'image', customer: { e164: '+85263339999' }, media: { id: mediaId } };

	const started = Date.now();
	const [attached, review, failed] = await run([photoMessage, strangerMessage]);
	const seconds = (Date.now() - started) / 1000;

	expect(review ?? []).toHaveLength(0);
	expect(attached).toHaveLength(1);
	const result = attached[0].json.crm;
	expect(result).toMatchObject({ system: 'hubspot', outcome: 'attached', contactId: contact.id, duplicate: false, reEncoded: true, mimeType: 'image/jpeg', originalBytes: photo.length });
	expect(result.bytes).toBeLessThanOrEqual(5 * MB);
	expect(failed).toHaveLength(1);
	expect(failed[0].json.crm.reason).toBe('No contact holds +85263339999: upsert the contact first (Contact → Upsert), or give its Contact ID');

	// HubSpot holds one private file, linked from a note on the contact, and it is still a picture.
	expect(hubspot.state.files.size).toBe(1);
	const file = [...hubspot.state.files.values()][0];
	expect(file).toMatchObject({ id: result.fileId, access: 'PRIVATE', size: result.bytes, name: `whatsapp-2026-11-23 (${mediaTag('wamid.e2e-attach-photo')})` });
	expect(imageKind(file.data)).toBe('jpeg');
	expect(await decode(file.data)).toMatchObject({ width: 1600, height: 1250 });
	await new Promise((resolve) => setTimeout(resolve, 500));
	const note = hubspot.state.notes.get(result.attachmentId)!;
	expect(note.contactIds).toEqual([contact.id]);
	expect(note.properties.hs_attachment_ids).toBe(result.fileId);
	expect(note.properties.hs_note_body).toContain('my receipt');

	// Meta retries the delivery: the photo is not attached a second time.
	const [again] = await run([photoMessage]);
	expect(again[0].json.crm).toMatchObject({ outcome: 'attached', duplicate: true, attachmentId: result.attachmentId, fileId: result.fileId });
	expect(hubspot.state.files.size).toBe(1);
	expect(hubspot.state.notes.size).toBe(1);
	expect(hubspot.state.rejected.validation + hubspot.state.rejected.scope + hubspot.state.rejected.auth).toBe(0);
	console.log(`attach media e2e: ${(photo.length / MB).toFixed(1)} MB PNG → ${(result.bytes / MB).toFixed(2)} MB JPEG attached in ${seconds.toFixed(1)} s (with one lookup miss)`);
});
