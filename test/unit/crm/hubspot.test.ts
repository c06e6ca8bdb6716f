/**
 * The HubSpot adapter against the HubSpot simulator over loopback HTTP: matching across the phone
 * formats people type, search lag, idempotent re-runs, partial batch failures, rate limits and
 * their 429s, retries, errors a user can act on, fields and merge.
 */
import { createHubSpotAdapter, phoneVariants } from '../../../lib/crm/hubspot/adapter';
import type { HubSpotAdapterOptions } from '../../../lib/crm/hubspot/adapter';
import type { Clock } from '../../../lib/crm/http';
import { CrmApiError } from '../../../lib/crm/types';
import type { CrmAdapter, MessageLog } from '../../../lib/crm/types';
import { upsertContacts } from '../../../lib/crm/upsert';
import { axiosTransport } from '../../../lib/http/transport';
import { HUBSPOT_SIM_SCOPES, startHubSpotSimulator } from '../../../devkit/simulators/crm/hubspot';
import type {
	HubSpotSimProperty,
	HubSpotSimulator,
	HubSpotSimulatorOptions,
} from '../../../devkit/simulators/crm/hubspot';

jest.setTimeout(60_000);

let sim: HubSpotSimulator;
let accounts = 0;

async function setup(
	simOpts: HubSpotSimulatorOptions = {},
	adapterOpts: Partial<HubSpotAdapterOptions> = {},
): Promise<CrmAdapter> {
	sim = await startHubSpotSimulator(simOpts);
	return adapterFor(adapterOpts);
}

/** Each test's adapters get their own limiters unless they ask to share an account's. */
function adapterFor(
	adapterOpts: Partial<HubSpotAdapterOptions> = {},
	token = sim.token,
): CrmAdapter {
	return createHubSpotAdapter({
		transport: axiosTransport({ bearerToken: token, timeoutMs: 5000 }),
		baseUrl: sim.baseUrl,
		accountKey: `test-${++accounts}`,
		...adapterOpts,
	});
}

/** Time that passes only when slept: rate-limit waits and backoffs cost nothing. */
function fakeClock(): Clock & { slept: number[] } {
	let now = Date.now();
	const slept: number[] = [];
	return {
		slept,
		now: () => now,
		sleep: async (ms) => {
			slept.push(ms);
			now += ms;
		},
	};
}

afterEach(async () => {
	await sim?.close();
});

const ids = (contacts: Array<{ id: string }> | undefined) =>
	(contacts ?? []).map((c) => c.id).sort();
const log = (contactId: string, messageId: string, body = '幾錢呀?'): MessageLog => ({
	ref: 0,
	contactId,
	messageId,
	direction: 'inbound',
	at: Date.parse('2026-11-20T08:00:00Z'),
	body,
	customer: { e164: '+85291234567', name: 'Mei' },
});

describe('finding contacts', () => {
	it('follows the search cursor as HubSpot gives it (opaque), page after page', async () => {
		const adapter = await setup({
			contacts: Array.from({ length: 450 }, (_, i) => ({
				properties: { lastname: 'Wong', firstname: `W${i}` },
			})),
		});
		const found = await adapter.findByField('lastname', ['Wong']);
		// 450 results are three pages of 200: the cursor is passed back as it came, never read as a number.
		expect(found.get('Wong')).toHaveLength(450);
		expect(sim.state.calls['POST /crm/v3/objects/contacts/search']).toBe(3);
	});

	it('matches one number across the formats HubSpot holds it in, and nothing else', async () => {
		const adapter = await setup();
		const found = await adapter.findByPhone(
			['+85291234567', '+85291234568', '+14155550132', '+886912345678'],
			{ defaultCountry: 'HK' },
		);
		// "+852 9123 4567" (phone), "91234567" (mobilephone), "(852) 9123-4567" (phone); not "+65 9123 4567".
		expect(ids(found.get('+85291234567'))).toEqual(['101', '102', '103']);
		expect(found.get('+85291234568')).toEqual([]);
		expect(ids(found.get('+14155550132'))).toEqual(['107']);
		// "0912 345 678" is no Hong Kong number: it is read in the asked number's country, Taiwan.
		expect(ids(found.get('+886912345678'))).toEqual(['106']);
		// "91234567" is a valid Hong Kong number, so it is not also a Singapore one.
		const singapore = await adapter.findByPhone(['+6591234567'], { defaultCountry: 'HK' });
		expect(ids(singapore.get('+6591234567'))).toEqual(['104']);
		const byOwnCountry = await adapter.findByPhone(['+85291234567']);
		expect(ids(byOwnCountry.get('+85291234567'))).toEqual(['101', '102', '103']);
		const contact = found.get('+85291234567')!.find((c) => c.id === '103')!;
		expect(contact.phones).toEqual([{ field: 'phone', value: '(852) 9123-4567' }]);
		expect(contact.modifiedAt).toBeGreaterThan(0);
		expect(sim.state.rejected.validation).toBe(0);
	});

	it('searches many numbers within the filter limits and the search rate limit', async () => {
		const adapter = await setup({ searchRateLimit: { max: 5, windowMs: 1000 } });
		const numbers = Array.from(
			{ length: 40 },
			(_, i) => `+8526${String(1000000 + i * 37).slice(-7)}`,
		);
		const found = await adapter.findByPhone([...numbers, '+85291234567']);
		expect(found.get('+85291234567')).toHaveLength(3);
		expect(numbers.every((n) => found.get(n)?.length === 0)).toBe(true);
		expect(sim.state.rateLimited).toBe(0);
		expect(sim.state.rejected.validation).toBe(0);
		expect(sim.state.peakSearchInWindow).toBeLessThanOrEqual(5);
	});

	it('keys emails without case and fields by exact value', async () => {
		const adapter = await setup();
		const byEmail = await adapter.findByEmail(['MEI.CHAN@example.com', 'nobody@example.com']);
		expect(ids(byEmail.get('mei.chan@example.com'))).toEqual(['101']);
		expect(byEmail.get('nobody@example.com')).toEqual([]);
		const byField = await adapter.findByField('whatsapp_user_id', ['US.1000000000000001', 'HK.0']);
		expect(ids(byField.get('US.1000000000000001'))).toEqual(['107']);
		expect(byField.get('HK.0')).toEqual([]);
	});

	it('lists every contact page by page', async () => {
		const adapter = await setup();
		const first = await adapter.listContacts({ limit: 5 });
		expect(first.contacts.map((c) => c.id)).toEqual(['101', '102', '103', '104', '105']);
		const second = await adapter.listContacts({ limit: 5, after: first.after });
		expect(second.contacts.map((c) => c.id)).toEqual(['106', '107', '108']);
		expect(second.after).toBeUndefined();
		expect(second.contacts[1].phones).toEqual([{ field: 'phone', value: '(415) 555-0132' }]);
	});

	it('writes every variant it searches as a plausible stored form', () => {
		expect(phoneVariants('+85291234567')).toEqual(
			expect.arrayContaining([
				'+85291234567',
				'+852 9123 4567',
				'91234567',
				'(852) 9123-4567',
				'852-9123-4567',
				'9123 4567',
			]),
		);
		expect(phoneVariants('+14155550132')).toEqual(
			expect.arrayContaining([
				'(415) 555-0132',
				'+1 (415) 555-0132',
				'415-555-0132',
				'14155550132',
			]),
		);
		expect(phoneVariants('+886912345678')).toEqual(
			expect.arrayContaining(['0912 345 678', '0912345678']),
		);
		expect(phoneVariants('+85291234567').length).toBeLessThanOrEqual(20);
	});
});

describe('writing contacts', () => {
	it('creates through a unique key without duplicates while search still lags', async () => {
		const adapter = await setup(
			{ contacts: [], searchLagMs: 60_000 },
			{ uniqueProperty: 'whatsapp_e164' },
		);
		const input = { ref: 0, phone: '+85262220001', name: '陳大文' };
		const [first] = await upsertContacts(adapter, [input], {
			useUniqueKey: true,
			defaultCountry: 'HK',
		});
		expect(first).toMatchObject({ outcome: 'upserted', action: 'created' });
		// Search does not see it yet: a search-then-create flow would make a second contact here.
		expect((await adapter.findByPhone(['+85262220001'])).get('+85262220001')).toEqual([]);
		const [again] = await upsertContacts(adapter, [input], {
			useUniqueKey: true,
			defaultCountry: 'HK',
		});
		expect(again).toMatchObject({ outcome: 'upserted', action: 'updated' });
		if (first.outcome === 'upserted' && again.outcome === 'upserted')
			expect(again.id).toBe(first.id);
		expect(sim.state.contacts.size).toBe(1);
		expect(
			sim.state.contacts.get(first.outcome === 'upserted' ? first.id : '')?.properties,
		).toMatchObject({
			whatsapp_e164: '+85262220001',
			mobilephone: '+85262220001',
			lastname: '陳大文',
		});
	});

	it('reports created from the upsert’s `new`, and modifiedAt', async () => {
		const adapter = await setup({}, { uniqueProperty: 'whatsapp_e164' });
		const results = await adapter.upsertMany([
			{
				ref: 7,
				key: { field: 'whatsapp_e164', value: '+66812345678' },
				properties: { jobtitle: 'Owner' },
			},
			{
				ref: 8,
				key: { field: 'whatsapp_e164', value: '+85262220009' },
				properties: { firstname: 'New' },
			},
		]);
		expect(results).toEqual([
			expect.objectContaining({
				ref: 7,
				ok: true,
				id: '108',
				created: false,
				modifiedAt: expect.any(Number),
			}),
			expect.objectContaining({ ref: 8, ok: true, created: true }),
		]);
	});

	it('changes nothing when the same input runs twice', async () => {
		const adapter = await setup({ contacts: [] });
		const input = {
			ref: 0,
			phone: '+85262220002',
			name: 'Chan Tai Man',
			tags: ['price_inquiry'],
			interactionAt: Date.parse('2026-11-20T08:00:00Z'),
		};
		const [first] = await upsertContacts(adapter, [input], { defaultCountry: 'HK' });
		expect(first).toMatchObject({ outcome: 'upserted', action: 'created' });
		const writes = sim.state.calls['POST /crm/v3/objects/contacts/batch/update'] ?? 0;
		const [again] = await upsertContacts(adapter, [input], { defaultCountry: 'HK' });
		expect(again).toMatchObject({ outcome: 'upserted', action: 'unchanged', changed: [] });
		expect(sim.state.calls['POST /crm/v3/objects/contacts/batch/update'] ?? 0).toBe(writes);
		expect(sim.state.contacts.size).toBe(1);
		const stored = [...sim.state.contacts.values()][0].properties;
		expect(stored).toMatchObject({
			whatsapp_tags: 'price_inquiry',
			whatsapp_interaction_count: '1',
			whatsapp_last_interaction: '2026-11-20T08:00:00.000Z',
		});
	});

	it('reports a partly failed create batch per record, and writes the good ones', async () => {
		const adapter = await setup({ contacts: [] });
		const results = await adapter.upsertMany([
			{ ref: 0, properties: { firstname: 'Good', phone: '+852 6000 0001' } },
			{ ref: 1, properties: { firstname: 'Bad', favourite_colour: 'red' } },
			{ ref: 2, properties: { firstname: 'Also good', email: 'good@example.com' } },
			{ ref: 3, properties: { email: 'not-an-address' } },
		]);
		expect(results.map((r) => r.ok)).toEqual([true, false, true, false]);
		const bad = results[1];
		if (bad.ok) throw new Error('unreachable');
		expect(bad.error).toMatchObject({
			code: 'PROPERTY_DOESNT_EXIST',
			fields: ['favourite_colour'],
		});
		expect(bad.error.message).toMatch(/no contact property "favourite_colour".*create it/);
		expect(sim.state.contacts.size).toBe(2);
		// One call: HubSpot answered per input (207) thanks to the trace ids.
		expect(sim.state.calls['POST /crm/v3/objects/contacts/batch/create']).toBe(1);
	});

	it('isolates the one bad input of an update or upsert batch HubSpot refuses whole', async () => {
		const adapter = await setup({}, { uniqueProperty: 'whatsapp_e164' });
		const updates = await adapter.upsertMany([
			{ ref: 0, id: '101', properties: { jobtitle: 'Buyer' } },
			{ ref: 1, id: '102', properties: { lifecyclestage: 'buyer' } },
			{ ref: 2, id: '103', properties: { jobtitle: 'Owner' } },
			{ ref: 3, id: '999999', properties: { jobtitle: 'Ghost' } },
		]);
		expect(updates.map((r) => r.ok)).toEqual([true, false, true, false]);
		if (!updates[1].ok)
			expect(updates[1].error).toMatchObject({
				code: 'INVALID_OPTION',
				fields: ['lifecyclestage'],
			});
		if (!updates[3].ok)
			expect(updates[3].error).toMatchObject({
				code: 'OBJECT_NOT_FOUND',
				message: expect.stringMatching(/999999/),
			});
		expect(sim.state.contacts.get('101')?.properties.jobtitle).toBe('Buyer');
		expect(sim.state.contacts.get('103')?.properties.jobtitle).toBe('Owner');

		const upserts = await adapter.upsertMany(
			Array.from({ length: 8 }, (_, i) => ({
				ref: i,
				key: { field: 'whatsapp_e164', value: `+8526100000${i}` },
				properties: i === 5 ? { whatsapp_interaction_count: 'many' } : { firstname: `P${i}` },
			})),
		);
		expect(upserts.map((r) => r.ok)).toEqual([true, true, true, true, true, false, true, true]);
		if (!upserts[5].ok) expect(upserts[5].error.message).toMatch(/whatsapp_interaction_count/);
	});

	it('says phone cannot be an upsert key', async () => {
		const adapter = await setup();
		const [result] = await adapter.upsertMany([
			{ ref: 0, key: { field: 'phone', value: '+85291234567' }, properties: {} },
		]);
		expect(result).toMatchObject({
			ok: false,
			error: {
				code: 'INVALID_UPSERT_KEY',
				message: expect.stringMatching(/phone numbers cannot be an upsert key/),
			},
		});
	});

	it('turns a duplicate email on create into an update of the existing contact, or reports it', async () => {
		const adapter = await setup();
		const [merged] = await adapter.upsertMany([
			{ ref: 0, properties: { email: 'Mei.Chan@example.com', jobtitle: 'Buyer' } },
		]);
		expect(merged).toMatchObject({ ok: true, id: '101', created: false });
		expect(sim.state.contacts.get('101')?.properties.jobtitle).toBe('Buyer');
		const strict = adapterFor({ onDuplicate: 'error' });
		const [refused] = await strict.upsertMany([
			{ ref: 0, properties: { email: 'mei.chan@example.com' } },
		]);
		expect(refused).toMatchObject({
			ok: false,
			error: { code: 'CONFLICT', message: expect.stringMatching(/already exists \(ID 101\)/) },
		});
		expect(sim.state.contacts.size).toBe(8);
	});

	it('writes 250 records in batches of 100, one key at most once per batch', async () => {
		const adapter = await setup({ contacts: [] }, { uniqueProperty: 'whatsapp_e164' });
		const writes = Array.from({ length: 250 }, (_, i) => ({
			ref: i,
			key: { field: 'whatsapp_e164', value: `+8536${String(2000000 + i).slice(-7)}` },
			properties: {},
		}));
		writes.push({
			ref: 250,
			key: { field: 'whatsapp_e164', value: writes[0].key.value },
			properties: {},
		});
		const results = await adapter.upsertMany(writes);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(results[250]).toMatchObject({ ok: true, created: false });
		if (results[0].ok && results[250].ok) expect(results[250].id).toBe(results[0].id);
		expect(sim.state.contacts.size).toBe(250);
		expect(sim.state.rejected.validation).toBe(0);
	});
});

describe('logging messages', () => {
	it('logs a WhatsApp communication once per wamid, however often it arrives', async () => {
		const adapter = await setup();
		const [first, sameCall] = await adapter.logMessages([
			log('101', 'wamid.A'),
			{ ...log('101', 'wamid.A'), ref: 1 },
		]);
		expect(first).toMatchObject({ ok: true, duplicate: false });
		expect(sameCall).toMatchObject({ ref: 1, ok: true, duplicate: true });
		const [again] = await adapter.logMessages([log('101', 'wamid.A')]);
		expect(again).toMatchObject({ ok: true, duplicate: true });
		if (first.ok && again.ok) expect(again.id).toBe(first.id);
		expect(sim.state.communications.size).toBe(1);
		const record = [...sim.state.communications.values()][0];
		expect(record.contactIds).toEqual(['101']);
		expect(record.properties).toMatchObject({
			hs_communication_channel_type: 'WHATS_APP',
			hs_communication_logged_from: 'CRM',
			hs_timestamp: '2026-11-20T08:00:00.000Z',
		});
		expect(record.properties.hs_communication_body).toContain('幾錢呀?');
		expect(record.properties.hs_communication_body).toContain('[wamid:wamid.A]');
	});

	it('reports a missing contact per message and logs the rest', async () => {
		const adapter = await setup();
		const results = await adapter.logMessages([
			log('101', 'wamid.B', '<b>bold</b> & more'),
			{ ...log('424242', 'wamid.C'), ref: 1 },
		]);
		expect(results[0]).toMatchObject({ ok: true, duplicate: false });
		expect(results[1]).toMatchObject({ ref: 1, ok: false, error: { code: 'OBJECT_NOT_FOUND' } });
		expect([...sim.state.communications.values()][0].properties.hs_communication_body).toContain(
			'&lt;b&gt;bold&lt;/b&gt; &amp; more',
		);
	});
});

describe('rate limits and failures', () => {
	it('never exceeds the 10-second window, even with concurrent runs on one account', async () => {
		// One virtual time for the simulator's window and every run's limiter: waits cost nothing and
		// nothing depends on how busy the machine is (issue 18).
		const clock = fakeClock();
		const start = clock.now();
		sim = await startHubSpotSimulator({
			contacts: [],
			rateLimit: { max: 100, windowMs: 1000 },
			searchRateLimit: false,
			now: clock.now,
		});
		const shared = {
			rateLimit: { max: 100, windowMs: 1000 },
			accountKey: `storm-${++accounts}`,
			clock,
		};
		const runs = [adapterFor(shared), adapterFor(shared), adapterFor(shared)];
		// 3 runs × 80 reads = 240 requests against 100 per second.
		const answers = await Promise.all(
			runs.map((adapter) =>
				Promise.all(Array.from({ length: 80 }, () => adapter.describeFields())),
			),
		);
		expect(sim.state.rateLimited).toBe(0);
		expect(sim.state.peakInWindow).toBeLessThanOrEqual(100);
		// Every run's every read is answered. The exact number of requests is not the contract (issue
		// 18: a read that timed out on a busy machine is asked again, 244 instead of 240); the window is.
		expect(answers.flat()).toHaveLength(240);
		for (const fields of answers.flat()) expect(fields.length).toBeGreaterThan(0);
		expect(sim.state.calls['GET /crm/v3/properties/contacts']).toBeGreaterThanOrEqual(240);
		// 240 requests at 100 per window need at least two windows of waiting: the runs paced themselves.
		expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
	});

	it("stops at HubSpot's daily limit at once, saying when it resets, instead of retrying", async () => {
		const clock = fakeClock();
		const adapter = await setup({ contacts: [], dailyLimit: 2 }, { clock });
		await adapter.describeFields();
		await adapter.describeFields();
		const before = sim.state.calls['GET /crm/v3/properties/contacts'];
		await expect(adapter.describeFields()).rejects.toThrow(/daily API limit .* resets at midnight/);
		expect(sim.state.calls['GET /crm/v3/properties/contacts'] - before).toBeLessThanOrEqual(1);
		expect(clock.slept).toEqual([]);
	});

	it('retries 429s after Retry-After and loses nothing', async () => {
		const clock = fakeClock();
		const adapter = await setup({ contacts: [] }, { uniqueProperty: 'whatsapp_e164', clock });
		sim.setFault({
			status: 429,
			count: 3,
			match: '/batch/upsert',
			headers: { 'Retry-After': '7' },
		});
		const results = await adapter.upsertMany(
			Array.from({ length: 3 }, (_, i) => ({
				ref: i,
				key: { field: 'whatsapp_e164', value: `+8526200000${i}` },
				properties: { firstname: `R${i}` },
			})),
		);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(clock.slept.filter((ms) => ms === 7000)).toHaveLength(3);
		expect(sim.state.contacts.size).toBe(3);
	});

	it('retries 5xx and a timed-out upsert (idempotent), but never repeats a create that may have landed', async () => {
		const clock = fakeClock();
		const adapter = await setup(
			{ contacts: [] },
			{ uniqueProperty: 'whatsapp_e164', clock, timeoutMs: 300 },
		);
		sim.setFault({ status: 503, count: 2, match: '/batch/upsert' });
		const [upserted] = await adapter.upsertMany([
			{ ref: 0, key: { field: 'whatsapp_e164', value: '+85262300001' }, properties: {} },
		]);
		expect(upserted).toMatchObject({ ok: true, created: true });
		sim.setFault({ kind: 'timeout', holdMs: 1000, match: '/batch/upsert' });
		const [afterTimeout] = await adapter.upsertMany([
			{ ref: 0, key: { field: 'whatsapp_e164', value: '+85262300002' }, properties: {} },
		]);
		expect(afterTimeout).toMatchObject({ ok: true, created: true });
		sim.setFault({ kind: 'timeout', holdMs: 1000, match: '/batch/create' });
		const [create] = await adapter.upsertMany([{ ref: 0, properties: { firstname: 'Maybe' } }]);
		expect(create).toMatchObject({
			ok: false,
			error: { retryable: true, message: expect.stringMatching(/may have been applied/) },
		});
		expect(sim.state.calls['POST /crm/v3/objects/contacts/batch/create']).toBe(1);
		expect(sim.state.contacts.size).toBe(2);
	});

	it('fails a wrong token with a clear error that does not contain it', async () => {
		sim = await startHubSpotSimulator();
		const token = 'pat-na1-11111111-2222-3333-4444-555555555555';
		const adapter = adapterFor({}, token);
		const error = await adapter.findByPhone(['+85291234567']).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(CrmApiError);
		expect((error as CrmApiError).info).toMatchObject({ status: 401, retryable: false });
		expect((error as CrmApiError).message).toMatch(/refused the access token.*credential/);
		expect(JSON.stringify(error) + String(error)).not.toContain(token);
		// Writes stop the run too, rather than failing record by record with the same cause.
		await expect(adapter.upsertMany([{ ref: 0, properties: { firstname: 'X' } }])).rejects.toThrow(
			/access token/,
		);
	});

	it('names the missing scope', async () => {
		const adapter = await setup({ scopes: ['crm.objects.contacts.read'] });
		await expect(adapter.describeFields()).rejects.toThrow(/crm\.schemas\.contacts\.read/);
		await expect(adapter.upsertMany([{ ref: 0, properties: { firstname: 'X' } }])).rejects.toThrow(
			/crm\.objects\.contacts\.write/,
		);
	});
});

describe('fields and merge', () => {
	it('describes contact properties: types, options, unique, read-only, custom', async () => {
		const adapter = await setup();
		const fields = new Map((await adapter.describeFields()).map((f) => [f.name, f]));
		expect(fields.get('whatsapp_e164')).toMatchObject({
			type: 'string',
			unique: true,
			custom: true,
			readOnly: false,
		});
		expect(fields.get('email')).toMatchObject({ type: 'string', unique: false, custom: false });
		expect(fields.get('createdate')).toMatchObject({
			type: 'dateTime',
			readOnly: true,
			custom: false,
		});
		expect(fields.get('whatsapp_interaction_count')).toMatchObject({ type: 'number' });
		expect(fields.get('whatsapp_opt_in')).toMatchObject({ type: 'boolean' });
		expect(fields.get('hs_merged_object_ids')).toMatchObject({ type: 'array' });
		expect(fields.get('whatsapp_language')).toMatchObject({
			type: 'options',
			options: expect.arrayContaining([{ name: '中文', value: 'zh' }]),
		});
		expect(fields.get('lifecyclestage')?.options).toHaveLength(8);
		for (const field of adapter.phoneFields) expect(fields.has(field)).toBe(true);
		// Hidden calculated properties are no mapping targets.
		expect(fields.has('hs_searchable_calculated_phone_number')).toBe(false);
	});

	it('merges absorbed contacts one call each, and reports each', async () => {
		const adapter = await setup();
		await adapter.logMessages([log('103', 'wamid.M')]);
		const result = await adapter.merge('101', ['102', '103', '101', '424242']);
		expect(result.survivorId).toBe('101');
		expect(result.merged).toEqual([
			{ id: '102', ok: true },
			{ id: '103', ok: true },
			{ id: '101', ok: false, error: expect.objectContaining({ code: 'MERGE_INTO_ITSELF' }) },
			{ id: '424242', ok: false, error: expect.objectContaining({ code: 'OBJECT_NOT_FOUND' }) },
		]);
		expect(sim.state.calls['POST /crm/v3/objects/contacts/merge']).toBe(3);
		const found = await adapter.findByPhone(['+85291234567']);
		expect(ids(found.get('+85291234567'))).toEqual(['101']);
		expect(
			found
				.get('+85291234567')![0]
				.phones.map((p) => p.value)
				.sort(),
		).toEqual(['+852 9123 4567', '91234567']);
		// The absorbed contact's timeline moved with it: logging again is a duplicate.
		const [again] = await adapter.logMessages([log('101', 'wamid.M')]);
		expect(again).toMatchObject({ ok: true, duplicate: true });
	});
});

describe('a portal without the WhatsApp properties', () => {
	const WHATSAPP = [
		'whatsapp_e164',
		'whatsapp_user_id',
		'whatsapp_tags',
		'whatsapp_last_interaction',
		'whatsapp_interaction_count',
		'whatsapp_marketing_consent',
	];
	const property = (
		name: string,
		type: HubSpotSimProperty['type'],
		fieldType: string,
		extra: Partial<HubSpotSimProperty> = {},
	): HubSpotSimProperty => ({
		name,
		label: name,
		type,
		fieldType,
		groupName: 'whatsapp',
		...extra,
	});
	const interaction = {
		ref: 0,
		phone: '+85262301111',
		userId: 'HK.3000000000000003',
		tags: ['vip'],
		interactionAt: Date.parse('2026-11-22T10:00:00Z'),
	};

	it('finds all five in a portal that has them, with one look at the properties however often asked', async () => {
		const adapter = await setup({ contacts: [] });
		const checks = await Promise.all([adapter.checkFields!(), adapter.checkFields!()]);
		await upsertContacts(adapter, [interaction]);
		expect(checks[0]).toEqual({ fieldNames: adapter.fieldNames, missing: [] });
		expect(checks[1]).toBe(checks[0]);
		expect(sim.state.calls['GET /crm/v3/properties/contacts']).toBe(1);
		const [contact] = [...sim.state.contacts.values()];
		expect(contact.properties).toMatchObject({
			whatsapp_e164: '+85262301111',
			whatsapp_user_id: 'HK.3000000000000003',
			whatsapp_tags: 'vip',
			whatsapp_interaction_count: '1',
		});
	});

	it('leaves out a property of the wrong type, a date-only one and a read-only one, and says what each needs', async () => {
		const adapter = await setup({
			contacts: [],
			withoutWhatsAppFields: true,
			properties: [
				property('whatsapp_e164', 'string', 'text', { hasUniqueValue: true, hidden: true }),
				property('whatsapp_user_id', 'string', 'text', { readOnlyValue: true }),
				property('whatsapp_tags', 'enumeration', 'checkbox', {
					options: [{ label: 'VIP', value: 'vip' }],
				}),
				property('whatsapp_last_interaction', 'date', 'date'),
				property('whatsapp_interaction_count', 'string', 'text'),
				property('whatsapp_marketing_consent', 'number', 'number'),
			],
		});
		const [outcome] = await upsertContacts(adapter, [
			{ ...interaction, marketingConsent: 'opted_out' },
		]);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		expect(sim.state.rejected.validation).toBe(0);
		const [contact] = [...sim.state.contacts.values()];
		// A hidden property still takes values: only the unusable four are left out.
		expect(contact.properties.whatsapp_e164).toBe('+85262301111');
		for (const name of WHATSAPP.slice(1)) expect(contact.properties).not.toHaveProperty(name);

		const { missing, fieldNames } = await adapter.checkFields!();
		const reasons = new Map(missing.map((m) => [m.field, m.message]));
		expect([...reasons.keys()].sort()).toEqual(WHATSAPP.slice(1).sort());
		expect(fieldNames.whatsappE164).toBe('whatsapp_e164');
		expect(missing.every((m) => !m.absent)).toBe(true);
		expect(reasons.get('whatsapp_user_id')).toMatch(
			/^The HubSpot contact field whatsapp_user_id is read-only/,
		);
		expect(reasons.get('whatsapp_tags')).toMatch(
			/is of type array, not string.*a Multi-line text property with the internal name whatsapp_tags/,
		);
		expect(reasons.get('whatsapp_last_interaction')).toMatch(
			/holds a date only, not a date and time.*Date and time picker/,
		);
		expect(reasons.get('whatsapp_interaction_count')).toMatch(
			/is of type string, not number, so interactions are not counted: .*a Number property/,
		);
		expect(reasons.get('whatsapp_marketing_consent')).toMatch(
			/is of type number, not string, so WhatsApp marketing opt-outs and resumes are not kept: .*a Single-line text property/,
		);
	});

	it('uses a property mapped explicitly as given, and reports HubSpot’s refusal on that item', async () => {
		const adapter = await setup(
			{ contacts: [], withoutWhatsAppFields: true },
			{ fieldNames: { tags: 'whatsapp_tags' } },
		);
		const [outcome] = await upsertContacts(adapter, [interaction]);
		expect(outcome).toMatchObject({
			outcome: 'failed',
			error: { code: 'PROPERTY_DOESNT_EXIST', fields: ['whatsapp_tags'] },
		});
		if (outcome.outcome !== 'failed') throw new Error('unreachable');
		expect(outcome.error.message).toMatch(/HubSpot has no contact property "whatsapp_tags"/);
		const { missing } = await adapter.checkFields!();
		expect(missing.map((m) => m.field).sort()).toEqual([
			'whatsapp_e164',
			'whatsapp_interaction_count',
			'whatsapp_last_interaction',
			'whatsapp_marketing_consent',
			'whatsapp_user_id',
		]);
	});

	it('writes the standard properties when the properties cannot be read, and looks again next time', async () => {
		// One retry: each look at the properties is two requests, both answered 500 while the fault lasts.
		const adapter = await setup({ contacts: [] }, { retries: 1, clock: fakeClock() });
		const unavailable = () =>
			sim.setFault({ status: 500, count: 2, match: 'GET /crm/v3/properties/contacts' });
		unavailable();
		const [outcome] = await upsertContacts(adapter, [interaction]);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		const [contact] = [...sim.state.contacts.values()];
		expect(contact.properties).toMatchObject({ mobilephone: '+85262301111' });
		for (const name of WHATSAPP) expect(contact.properties).not.toHaveProperty(name);
		unavailable();
		const failed = await adapter.checkFields!();
		expect(failed.missing.map((m) => m.field).sort()).toEqual([...WHATSAPP].sort());
		for (const m of failed.missing)
			expect(m.message).toMatch(
				/^Could not check whether the contact field whatsapp_\w+ exists \(HubSpot had an internal error \(500\)/,
			);
		expect((await adapter.checkFields!()).missing).toEqual([]);
		expect(sim.state.calls['GET /crm/v3/properties/contacts']).toBe(5);
	});

	const WRITE_SCOPES = [...HUBSPOT_SIM_SCOPES, 'crm.schemas.contacts.write'];

	it('creates the absent properties when asked, once, even with two runs at the same time', async () => {
		sim = await startHubSpotSimulator({
			contacts: [],
			withoutWhatsAppFields: true,
			scopes: WRITE_SCOPES,
		});
		const runs = [
			adapterFor({ createMissingProperties: true }),
			adapterFor({ createMissingProperties: true }),
		];
		const outcomes = await Promise.all(
			runs.map((adapter, k) =>
				upsertContacts(adapter, [
					{ ...interaction, phone: `+8526230111${k + 2}`, userId: undefined },
				]),
			),
		);
		expect(outcomes.map(([o]) => o.outcome)).toEqual(['upserted', 'upserted']);
		for (const adapter of runs) expect((await adapter.checkFields!()).missing).toEqual([]);
		const created = new Map(
			sim.state.properties.filter((p) => p.name.startsWith('whatsapp_')).map((p) => [p.name, p]),
		);
		expect([...created.keys()].sort()).toEqual([...WHATSAPP].sort());
		expect(created.get('whatsapp_e164')).toMatchObject({
			type: 'string',
			fieldType: 'text',
			hasUniqueValue: true,
			groupName: 'whatsapp_scrm',
		});
		expect(created.get('whatsapp_last_interaction')).toMatchObject({
			type: 'datetime',
			fieldType: 'date',
		});
		expect(created.get('whatsapp_interaction_count')).toMatchObject({
			type: 'number',
			fieldType: 'number',
		});
		expect(created.get('whatsapp_tags')).toMatchObject({ type: 'string', fieldType: 'textarea' });
		for (const contact of sim.state.contacts.values())
			expect(contact.properties).toMatchObject({
				whatsapp_tags: 'vip',
				whatsapp_interaction_count: '1',
			});
		// The first writes already used them: nothing was refused.
		expect(sim.state.rejected.validation).toBe(0);
		// A later run finds them and creates nothing.
		const posts = sim.state.calls['POST /crm/v3/properties/contacts'];
		await upsertContacts(adapterFor({ createMissingProperties: true }), [
			{ ...interaction, phone: '+85262301119' },
		]);
		expect(sim.state.calls['POST /crm/v3/properties/contacts']).toBe(posts);
	});

	it('creates only the absent ones, and leaves a property of another type as the admin made it', async () => {
		const adapter = await setup(
			{
				contacts: [],
				withoutWhatsAppFields: true,
				scopes: WRITE_SCOPES,
				properties: [property('whatsapp_interaction_count', 'string', 'text')],
			},
			{ createMissingProperties: true },
		);
		const { missing } = await adapter.checkFields!();
		expect(missing).toEqual([
			expect.objectContaining({
				field: 'whatsapp_interaction_count',
				absent: false,
				message: expect.stringMatching(/is of type string, not number/),
			}),
		]);
		expect(sim.state.calls['POST /crm/v3/properties/contacts']).toBe(5);
		expect(sim.state.properties.find((p) => p.name === 'whatsapp_interaction_count')).toMatchObject(
			{ type: 'string' },
		);
	});

	it('without the scope to create them, still writes the contacts and says why they were not created', async () => {
		const adapter = await setup(
			{ contacts: [], withoutWhatsAppFields: true },
			{ createMissingProperties: true },
		);
		const [outcome] = await upsertContacts(adapter, [interaction]);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		const { missing } = await adapter.checkFields!();
		expect(missing.map((m) => m.field).sort()).toEqual([...WHATSAPP].sort());
		for (const m of missing) {
			expect(m.absent).toBe(true);
			expect(m.message).toMatch(
				/it could not be created \(The HubSpot token lacks a scope this call needs: crm\.schemas\.contacts\.write/,
			);
			expect(m.message).not.toContain(sim.token);
		}
		// The group was refused first, so no property was attempted.
		expect(sim.state.calls['POST /crm/v3/properties/contacts'] ?? 0).toBe(0);
	});

	it('stops the run on a token HubSpot refuses, rather than writing without the properties', async () => {
		sim = await startHubSpotSimulator({ contacts: [] });
		const adapter = adapterFor({}, 'pat-na1-11111111-2222-3333-4444-555555555555');
		const [outcome] = await upsertContacts(adapter, [interaction]);
		expect(outcome).toMatchObject({ outcome: 'failed', error: { status: 401 } });
		expect(sim.state.contacts.size).toBe(0);
	});
});

describe('attaching files', () => {
	it('takes an uploaded file back when its note cannot be made, so no orphan is left and a retry attaches once', async () => {
		const adapter = await setup({ contacts: [{ id: '601', properties: { lastname: 'Lee' } }] });
		sim.setFault({
			status: 400,
			match: 'POST /crm/v3/objects/notes',
			body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Note refused' },
		});
		const file = {
			ref: 0,
			contactId: '601',
			messageId: 'wamid.orphan',
			fileName: 'quote.pdf',
			mimeType: 'application/pdf',
			data: Buffer.from('%PDF-1.7 tiny'),
		};
		const [failed] = await adapter.attachFiles([file]);
		expect(failed).toMatchObject({
			ok: false,
			error: { message: expect.stringContaining('Note refused') },
		});
		expect(sim.state.files.size).toBe(0);
		const [retried] = await adapter.attachFiles([file]);
		expect(retried).toMatchObject({ ok: true, duplicate: false });
		expect(sim.state.files.size).toBe(1);
		expect(sim.state.notes.size).toBe(1);
	});
});

test('searches spend only the search limit, never the 10-second window’s budget (issue 18)', async () => {
	const spent = { main: 0, search: 0 };
	const counting = (key: keyof typeof spent) => ({
		acquire: async () => {
			spent[key]++;
			return () => undefined;
		},
	});
	const adapter = await setup({}, { limiter: counting('main'), searchLimiter: counting('search') });
	await adapter.findByPhone(['+85291234567', '+85291234568', '+14155550132']);
	await adapter.findByEmail(['mei.chan@example.com']);
	expect(spent.search).toBeGreaterThan(0);
	expect(spent.main).toBe(0);
	// Other calls spend the window's.
	await adapter.describeFields();
	expect(spent.main).toBeGreaterThan(0);
});

test('sends every property value as a string, as HubSpot’s spec types them: counts, dates and tags included (issue 18)', async () => {
	const adapter = await setup({ contacts: [] }, { uniqueProperty: 'whatsapp_e164' });
	const inputs = [
		{
			ref: 0,
			phone: '+85263331234',
			name: 'Chan Tai Man',
			tags: ['price_inquiry'],
			interactionAt: Date.parse('2026-11-20T08:00:00Z'),
		},
	];
	const first = await upsertContacts(adapter, inputs, { defaultCountry: 'HK', useUniqueKey: true });
	expect(first[0]).toMatchObject({ outcome: 'upserted', action: 'created' });
	await upsertContacts(
		adapter,
		[{ ...inputs[0], tags: ['order_status'], interactionAt: Date.parse('2026-11-21T08:00:00Z') }],
		{ defaultCountry: 'HK', useUniqueKey: true },
	);
	const [contact] = [...sim.state.contacts.values()];
	expect(contact.properties).toMatchObject({ whatsapp_interaction_count: '2' });
	expect(sim.state.nonStringValues).toBe(0);
});
