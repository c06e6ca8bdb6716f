/**
 * The WhatsApp → CRM sync example workflow in a real n8n, against the Graph API and HubSpot
 * simulators: customers become exactly one contact each, found by phone whatever format HubSpot
 * holds, tagged by intent, with every message on the contact's timeline once.
 */
import { createHubSpotAdapter } from '../../lib/crm/hubspot/adapter';
import type { CrmAdapter } from '../../lib/crm/types';
import { axiosTransport } from '../../lib/http/transport';
import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { SIM, SIM_MEDIA_BYTES, startGraphApiSimulator } from '../../devkit/simulators/graphApi';
import type { GraphApiSimulator } from '../../devkit/simulators/graphApi';
import {
	combine,
	envelopeFor,
	mediaMessage,
	textMessage,
} from '../../devkit/payloads/whatsappPayloads';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	ownerSession,
	SIM_BUSINESS,
	simulatedHubSpot,
	simulatedWhatsApp,
	triggerWebhookUrl,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const WEBHOOK_ID = 'c41d8a2f-6e0b-4f3a-9b27-1d5e8c3a7f10';

let n8n: N8nApi;
let graph: GraphApiSimulator;
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let crm: CrmAdapter;
let workflow: { id: string; versionId: string };
let webhookUrl: string;

beforeAll(async () => {
	n8n = await ownerSession();
	graph = await startGraphApiSimulator({});
	hubspot = await startHubSpotSimulator({ contacts: [] });
	crm = createHubSpotAdapter({
		transport: axiosTransport({ bearerToken: hubspot.token }),
		baseUrl: hubspot.baseUrl,
	});
	const whatsApp = await simulatedWhatsApp(n8n, graph, 'WhatsApp CRM sync e2e');
	const hubSpot = await simulatedHubSpot(n8n, hubspot, 'HubSpot CRM sync e2e');
	({ workflow } = await activeWorkflow(n8n, 'whatsapp-crm-sync.json', {
		whatsAppScrmApi: whatsApp,
		hubSpotScrmApi: hubSpot,
	}));
	webhookUrl = triggerWebhookUrl(WEBHOOK_ID);
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await graph?.stop();
	await hubspot?.close();
});

const now = Math.floor(Date.now() / 1000);
const business = SIM_BUSINESS;
const message = (from: string, name: string, text: string, seed: string, at = now) =>
	textMessage({ ...business, from, name, text, id: `wamid.e2e-crm-${seed}-${now}`, timestamp: at });

it('puts each customer into HubSpot once, matched by phone in any format, with tags and every message logged', async () => {
	// A customer the shop already typed into HubSpot, in its own format.
	const [existing] = await crm.upsertMany([
		{ ref: 0, properties: { firstname: 'Siu Ming', lastname: 'Wong', phone: '(852) 6222-0002' } },
	]);
	if (!existing.ok) throw new Error(existing.error.message);

	const delivery = envelopeFor(
		SIM.wabaId,
		combine(
			message('85262220001', '陳大文', '幾錢呀? 有冇得送貨去沙田', 'new-1', now - 5),
			message('85262220001', '陳大文', '有冇discount?', 'new-2', now - 2),
			message('85262220002', 'Ming', 'where is my parcel?? ordered last week', 'known'),
		),
	);
	const newest = await executionOf(n8n, workflow.id, async () => {
		expect((await graph.postWebhook(webhookUrl, delivery)).status).toBe(200);
	});
	expect(newest.status).toBe('success');

	const [upserted, review, failed] = await n8n.nodeOutput(newest.id, 'Upsert Contact');
	expect(review ?? []).toEqual([]);
	expect(failed ?? []).toEqual([]);
	expect(upserted).toHaveLength(3);
	const [first, second, known] = upserted.map((item) => item.json.crm);
	expect(first).toMatchObject({
		system: 'hubspot',
		outcome: 'upserted',
		action: 'created',
		e164: '+85262220001',
	});
	// The second message of the same new customer joined the same contact, not a new one.
	expect(second.id).toBe(first.id);
	expect(known).toMatchObject({ id: existing.id, matchedBy: 'phone', action: 'updated' });

	const [logged, , logFailed] = await n8n.nodeOutput(newest.id, 'Log Message');
	expect(logFailed ?? []).toEqual([]);
	expect(logged.map((item) => item.json.crm)).toEqual([
		expect.objectContaining({ outcome: 'logged', contactId: first.id, duplicate: false }),
		expect.objectContaining({ outcome: 'logged', contactId: first.id, duplicate: false }),
		expect.objectContaining({ outcome: 'logged', contactId: existing.id, duplicate: false }),
	]);

	const found = await crm.findByPhone(['+85262220001', '+85262220002']);
	expect(found.get('+85262220001')).toHaveLength(1);
	expect(found.get('+85262220002')?.map((c) => c.id)).toEqual([existing.id]);
	const created = found.get('+85262220001')![0].properties;
	expect(created).toMatchObject({ lastname: '陳大文' });
	expect(String(created[crm.fieldNames.tags!]).split(';').sort()).toEqual(
		expect.arrayContaining(['discount_inquiry', 'price_inquiry']),
	);
	// The name the shop typed stays; WhatsApp's profile name only fills blanks.
	expect(found.get('+85262220002')![0].properties).toMatchObject({
		firstname: 'Siu Ming',
		lastname: 'Wong',
	});
});

it('attaches a photo the customer sends to their contact and leaves text messages alone', async () => {
	const from = '85262220003';
	const photo = mediaMessage('image', {
		...business,
		from,
		name: 'Ka Yan',
		id: `wamid.e2e-crm-photo-${now}`,
		timestamp: now,
		mediaId: SIM.mediaId,
		mimeType: 'image/png',
		caption: 'the parcel arrived broken',
	});
	const text = textMessage({
		...business,
		from,
		name: 'Ka Yan',
		text: 'see the photo',
		id: `wamid.e2e-crm-photo-text-${now}`,
		timestamp: now,
	});
	const first = await executionOf(n8n, workflow.id, async () => {
		expect(
			(await graph.postWebhook(webhookUrl, envelopeFor(SIM.wabaId, combine(photo, text)))).status,
		).toBe(200);
	});
	expect(first.status).toBe('success');
	const [attached, , attachFailed] = await n8n.nodeOutput(first.id, 'Attach Media');
	expect(attachFailed ?? []).toEqual([]);
	// Only the photo reaches Attach Media; the text message is logged and nothing more.
	expect(attached).toHaveLength(1);
	const contactId = (await crm.findByPhone(['+85262220003'])).get('+85262220003')![0].id;
	expect(attached[0].json.crm).toMatchObject({
		outcome: 'attached',
		contactId,
		duplicate: false,
		bytes: SIM_MEDIA_BYTES.length,
		reEncoded: false,
	});
	const notes = [...hubspot.state.notes.values()].filter((note) =>
		note.contactIds.includes(contactId),
	);
	expect(notes).toHaveLength(1);
	const file = hubspot.state.files.get(String(notes[0].properties.hs_attachment_ids));
	expect(file?.data.equals(SIM_MEDIA_BYTES)).toBe(true);
});
