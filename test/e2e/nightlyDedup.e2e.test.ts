/**
 * The nightly dedup example workflow in a real n8n against the HubSpot simulator: contacts are
 * exported, duplicates found across phone formats and name orders, sure ones merged with HubSpot's
 * own merge, doubtful ones listed for review, and a family sharing one number left apart.
 */
import fs from 'node:fs';
import path from 'node:path';

import { createHubSpotAdapter } from '../../lib/crm/hubspot/adapter';
import type { CrmAdapter } from '../../lib/crm/types';
import { axiosTransport } from '../../lib/http/transport';
import { startHubSpotSimulator } from '../../devkit/simulators/crm/hubspot';
import { readHostState } from '../../devkit/n8n/n8nHost';
import type { N8nApi } from '../../devkit/n8n/n8nHost';
import {
	activeWorkflow,
	executionOf,
	ownerSession,
	simulatedHubSpot,
	startByWebhook,
} from '../../devkit/n8n/workflowRuns';

jest.setTimeout(120_000);

const PATH = 'scrm-nightly-dedup-e2e';
/** Where the workflow's Dedup Index lives in this n8n's user folder. */
const INDEX_FILE = () =>
	path.join(
		readHostState().userFolder,
		'.n8n',
		'whatsapp-scrm',
		'dedup-index',
		'nightly-contact-dedup.json',
	);

let n8n: N8nApi;
let hubspot: Awaited<ReturnType<typeof startHubSpotSimulator>>;
let crm: CrmAdapter;
let workflow: { id: string; versionId: string };

beforeAll(async () => {
	n8n = await ownerSession();
	hubspot = await startHubSpotSimulator({ contacts: [] });
	crm = createHubSpotAdapter({
		transport: axiosTransport({ bearerToken: hubspot.token }),
		baseUrl: hubspot.baseUrl,
	});
	const credential = await simulatedHubSpot(n8n, hubspot, 'HubSpot nightly dedup e2e');
	fs.rmSync(INDEX_FILE(), { force: true });
	({ workflow } = await activeWorkflow(
		n8n,
		'nightly-contact-dedup.json',
		{ hubSpotScrmApi: credential },
		(json) => {
			// The test cannot wait for 02:00: the same pipeline, started by a webhook instead.
			startByWebhook(
				json,
				'Every Night at 02:00',
				PATH,
				'8e4b2d91-3c5a-4e6f-a0b1-2c3d4e5f6a77',
				'onReceived',
			);
		},
	));
});

afterAll(async () => {
	if (workflow) await n8n.deactivate(workflow).catch(() => undefined);
	await hubspot?.close();
});

async function seed(contacts: Array<Record<string, string>>): Promise<string[]> {
	const results = await crm.upsertMany(contacts.map((properties, ref) => ({ ref, properties })));
	return results.map((result) => {
		if (!result.ok) throw new Error(result.error.message);
		return result.id;
	});
}

it('merges the same customer stored twice, reviews a doubtful pair, and keeps a shared family number apart', async () => {
	const [chan, chanAgain, lee, leeTypo, motherWong, sonWong, other] = await seed([
		{
			firstname: 'Tai Man',
			lastname: 'Chan',
			phone: '+852 9123 4567',
			email: 'taiman@example.com',
		},
		{ firstname: 'Chan', lastname: 'Tai Man', mobilephone: '91234567' },
		// HubSpot keeps emails unique, but not Gmail's dots: the same inbox twice.
		{ firstname: 'Mei Ling', lastname: 'Lee', email: 'mei.ling.lee@gmail.com' },
		{
			firstname: 'Meiling',
			lastname: 'Lee',
			email: 'meilinglee@gmail.com',
			phone: '(852) 6333 1111',
		},
		{ firstname: 'Siu Fong', lastname: 'Wong', phone: '+852 6444 2222' },
		{ firstname: 'Ka Ho', lastname: 'Wong', phone: '64442222' },
		{ firstname: 'Somchai', lastname: 'Jaidee', phone: '+66 81 234 5678' },
	]);
	const newest = await executionOf(n8n, workflow.id, async () => {
		expect((await fetch(`${readHostState().url}/webhook/${PATH}`, { method: 'POST' })).status).toBe(
			200,
		);
	});
	expect(newest.status).toBe('success');

	const [merged, mergeMap, , unique] = await n8n.nodeOutput(newest.id, 'Contact Dedup');
	const pairs = (mergeMap ?? []).map((item) => [item.json.id, item.json.survivorId].sort());
	expect(pairs).toEqual(expect.arrayContaining([[chan, chanAgain].sort(), [lee, leeTypo].sort()]));
	// Mother and son share a number but are different people.
	expect(pairs.flat()).not.toContain(motherWong);
	expect(pairs.flat()).not.toContain(sonWong);
	expect((merged ?? []).length).toBe(pairs.length);
	const uniqueIds = (unique ?? []).map((item) => item.json.id);
	expect(uniqueIds).toEqual(expect.arrayContaining([motherWong, sonWong, other]));

	const [done, , failed] = await n8n.nodeOutput(newest.id, 'Merge in CRM');
	expect(failed ?? []).toEqual([]);
	expect(done.map((item) => item.json.crm.outcome)).toEqual(pairs.map(() => 'merged'));
	// HubSpot now holds one contact for Chan Tai Man, reachable by both numbers' formats.
	const found = await crm.findByPhone(['+85291234567']);
	expect(found.get('+85291234567')).toHaveLength(1);
	const remaining = (await crm.listContacts({ limit: 100 })).contacts.map((c) => c.id);
	expect(remaining).toHaveLength(7 - pairs.length);
	otherId = other;

	// The Model output shows what was learned, per field and level.
	const [model] = (await n8n.nodeOutput(newest.id, 'Contact Dedup'))[4] ?? [];
	const fields = (model.json.model as { fields: Array<{ field: string }> }).fields;
	expect(fields.map((f) => f.field)).toEqual(expect.arrayContaining(['phones', 'name']));
	expect(fs.existsSync(INDEX_FILE())).toBe(true);
});

let otherId = '';

it('the next night decides with the model the index kept, and marks only the new duplicate new', async () => {
	const [again] = await seed([
		{ firstname: 'Somchai', lastname: 'Jaidee', mobilephone: '+66812345678' },
	]);
	const next = await executionOf(n8n, workflow.id, async () => {
		expect((await fetch(`${readHostState().url}/webhook/${PATH}`, { method: 'POST' })).status).toBe(
			200,
		);
	});
	expect(next.status).toBe('success');
	const [, mergeMap, , , [model]] = await n8n.nodeOutput(next.id, 'Contact Dedup');
	expect(model.json.dedupIndex).toMatchObject({
		model: 'reused',
		added: 1,
		removed: 2,
		newGroups: 1,
	});
	const entries = (mergeMap ?? []).map((item) => ({
		pair: [item.json.id, item.json.survivorId].sort(),
		isNew: item.json.newSinceLastRun,
	}));
	expect(entries).toEqual([{ pair: [otherId, again].sort(), isNew: true }]);
});
