/**
 * The Salesforce adapter against the loopback Salesforce simulator: real HTTP, no mocked functions.
 */
import { axiosTransport } from '../../../lib/http/transport';
import { createSalesforceAdapter, soqlString } from '../../../lib/crm/salesforce/adapter';
import type { SalesforceAdapterOptions } from '../../../lib/crm/salesforce/adapter';
import { CrmApiError } from '../../../lib/crm/types';
import type { MessageLog } from '../../../lib/crm/types';
import { upsertContacts } from '../../../lib/crm/upsert';
import {
	parseSoql,
	SALESFORCE_SIM_TOKEN,
	startSalesforceSimulator,
} from '../../../devkit/simulators/crm/salesforce';
import type {
	SalesforceSimulator,
	SalesforceSimulatorOptions,
} from '../../../devkit/simulators/crm/salesforce';

const START = Date.parse('2026-05-01T00:00:00Z');
const V = '/services/data/v62.0';

function fakeClock(start = START) {
	let t = start;
	return {
		now: () => t,
		sleep: async (ms: number) => {
			t += ms;
		},
		advance: (ms: number) => {
			t += ms;
		},
	};
}

let sim: SalesforceSimulator;
let clock: ReturnType<typeof fakeClock>;

async function setup(
	simOpts: SalesforceSimulatorOptions = {},
	adapterOpts: Partial<SalesforceAdapterOptions> = {},
	token = SALESFORCE_SIM_TOKEN,
	timeoutMs = 5000,
) {
	clock = fakeClock();
	sim = await startSalesforceSimulator({ now: clock.now, ...simOpts });
	return createSalesforceAdapter({
		transport: axiosTransport({ bearerToken: token, timeoutMs }),
		baseUrl: sim.baseUrl,
		clock,
		...adapterOpts,
	});
}

afterEach(async () => {
	await sim?.close();
});

const ids = (contacts: Array<{ id: string }> | undefined) =>
	(contacts ?? []).map((c) => c.id).sort();
const contact = (n: number) => `003SIM00000000${n}AAA`;

describe('finding contacts', () => {
	test('SOSL finds one number in every format and field; normalising drops the Singapore number with the same digits', async () => {
		const adapter = await setup();
		const found = await adapter.findByPhone(['+85291234567', '+85261234567', '+85290000000'], {
			defaultCountry: 'HK',
		});
		expect(ids(found.get('+85291234567'))).toEqual([contact(1), contact(2), contact(3)]);
		expect(ids(found.get('+85261234567'))).toEqual([contact(5)]);
		expect(found.get('+85290000000')).toEqual([]);
		// One SOSL call for all three numbers, digits only (nothing to escape), phone fields only.
		expect(sim.state.searches).toHaveLength(1);
		expect(sim.state.searches[0]).toMatch(
			/^FIND \{85291234567 OR 91234567 OR .*\} IN PHONE FIELDS RETURNING Contact\(Id, LastModifiedDate, Phone, MobilePhone, HomePhone, OtherPhone/,
		);
		const mei = found.get('+85291234567')!.find((c) => c.id === contact(1))!;
		expect(mei).toMatchObject({
			modifiedAt: START,
			phones: [{ field: 'Phone', value: '+852 9123 4567' }],
		});
		expect(mei.properties).not.toHaveProperty('attributes');
	});

	test('email by SOQL, case-insensitive and with the apostrophe escaped; other fields exactly', async () => {
		const adapter = await setup();
		const found = await adapter.findByEmail([
			"O'Neil.Ho@Example.com",
			'MEI.CHAN@example.com',
			'nobody@example.com',
		]);
		expect(ids(found.get("o'neil.ho@example.com"))).toEqual([contact(5)]);
		expect(ids(found.get('mei.chan@example.com'))).toEqual([contact(1)]);
		expect(found.get('nobody@example.com')).toEqual([]);
		expect(sim.state.queries[0]).toContain(
			"Email IN ('o\\'neil.ho@example.com', 'mei.chan@example.com', 'nobody@example.com')",
		);
		const byUser = await adapter.findByField('WhatsApp_User_ID__c', [
			'US.1000000000000001',
			'us.1000000000000001',
		]);
		expect(ids(byUser.get('US.1000000000000001'))).toEqual([contact(8)]);
		// SOQL's = ignores case; an id must not.
		expect(byUser.get('us.1000000000000001')).toEqual([]);
		await expect(adapter.findByField("Email' OR Name != '", ['x'])).rejects.toThrow(
			/not a Salesforce field/,
		);
	});

	test('SOQL string literals are escaped so that a value can never end the string', () => {
		expect(soqlString("it's \\ 'quoted'\n")).toBe("'it\\'s \\\\ \\'quoted\\'\\n'");
		expect(parseSoql(`SELECT Id FROM Contact WHERE Email = ${soqlString("a'b\\c")}`).where).toEqual(
			{ op: '=', field: 'Email', value: "a'b\\c" },
		);
	});

	test('the search index lags behind writes; the external id field does not', async () => {
		const withKey = await setup({ searchLagMs: 60_000 }, { externalIdField: 'WhatsApp_E164__c' });
		const [created] = await withKey.upsertMany([
			{
				ref: 0,
				key: { field: 'WhatsApp_E164__c', value: '+85298765432' },
				properties: { LastName: 'New', MobilePhone: '+85298765432' },
			},
		]);
		expect(created).toMatchObject({ ok: true, created: true });
		const found = await withKey.findByPhone(['+85298765432']);
		expect(ids(found.get('+85298765432'))).toEqual([created.ok ? created.id : '']);
		// Told not to use the number's field, the adapter has only the lagging search index.
		const withoutKey = createSalesforceAdapter({
			transport: axiosTransport({ bearerToken: SALESFORCE_SIM_TOKEN }),
			baseUrl: sim.baseUrl,
			clock,
			fieldNames: { whatsappE164: undefined },
		});
		const byDefault = createSalesforceAdapter({
			transport: axiosTransport({ bearerToken: SALESFORCE_SIM_TOKEN }),
			baseUrl: sim.baseUrl,
			clock,
		});
		expect(ids((await byDefault.findByPhone(['+85298765432'])).get('+85298765432'))).toEqual([
			created.ok ? created.id : '',
		]);
		expect((await withoutKey.findByPhone(['+85298765432'])).get('+85298765432')).toEqual([]);
		clock.advance(60_000);
		expect((await withoutKey.findByPhone(['+85298765432'])).get('+85298765432')).toHaveLength(1);
	});

	test('listContacts follows nextRecordsUrl', async () => {
		const adapter = await setup();
		await adapter.upsertMany(
			Array.from({ length: 250 }, (_, i) => ({ ref: i, properties: { LastName: `L${i}` } })),
		);
		const first = await adapter.listContacts({ limit: 200 });
		expect(first.contacts).toHaveLength(200);
		expect(first.after).toMatch(/^\/services\/data\/v62\.0\/query\//);
		const second = await adapter.listContacts({ after: first.after, limit: 200 });
		expect(second.contacts).toHaveLength(58);
		expect(second.after).toBeUndefined();
	});
});

describe('writing contacts', () => {
	test('a partly failed collection reports each record in order; the good ones are saved', async () => {
		const adapter = await setup();
		const results = await adapter.upsertMany([
			{
				ref: 0,
				properties: { LastName: 'Ng', MobilePhone: '+85298765432', Customer_Code__c: 'C-1' },
			},
			{ ref: 1, properties: { FirstName: 'No last name' } },
			{ ref: 2, properties: { LastName: 'Bad', Email: 'not-an-email' } },
			{ ref: 3, properties: { LastName: 'Clash', Customer_Code__c: 'c-1' } },
			{ ref: 4, id: contact(2), properties: { Email: 'may.chan@example.com' } },
			{ ref: 5, id: '003SIM999999999AAA', properties: { Email: 'gone@example.com' } },
		]);
		expect(results.map((r) => r.ref)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(results[0]).toMatchObject({ ok: true, created: true });
		expect(results[1]).toMatchObject({
			ok: false,
			error: { code: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] },
		});
		expect(results[2]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] },
		});
		expect(results[3]).toMatchObject({ ok: false, error: { code: 'DUPLICATE_VALUE' } });
		expect(results[4]).toMatchObject({ ok: true, id: contact(2), created: false });
		expect(results[5]).toMatchObject({ ok: false, error: { code: 'ENTITY_IS_DELETED' } });
		expect(sim.state.contacts.get(contact(2))!.Email).toBe('may.chan@example.com');
	});

	test('an unknown field fails its whole collection (Salesforce reads the request first), and only that one', async () => {
		const adapter = await setup();
		const results = await adapter.upsertMany([
			{ ref: 0, properties: { LastName: 'A', Nope__c: 1 } },
			{ ref: 1, properties: { LastName: 'B' } },
			{ ref: 2, id: contact(1), properties: { FirstName: 'Mei-Mei' } },
		]);
		expect(results[0]).toMatchObject({ ok: false, error: { code: 'INVALID_FIELD', status: 400 } });
		expect(results[1]).toMatchObject({ ok: false, error: { code: 'INVALID_FIELD' } });
		expect(!results[0].ok && results[0].error.message).toMatch(/No such column 'Nope__c'/);
		expect(results[2]).toMatchObject({ ok: true });
	});

	test('collections of 200; keyed writes are true upserts; a shared external id is reported as ambiguous with its records', async () => {
		const adapter = await setup({}, { externalIdField: 'WhatsApp_E164__c' });
		const writes = Array.from({ length: 250 }, (_, i) => ({
			ref: i,
			key: { field: 'WhatsApp_E164__c', value: `+8529${String(1000000 + i).slice(-7)}` },
			properties: { LastName: `C${i}` },
		}));
		writes.push({
			ref: 999,
			key: { field: 'WhatsApp_E164__c', value: '+85251234567' },
			properties: { LastName: 'Whoever' },
		});
		const first = await adapter.upsertMany(writes);
		expect(sim.state.calls[`PATCH ${V}/composite/sobjects/Contact/WhatsApp_E164__c`]).toBe(2);
		expect(first.slice(0, 250).every((r) => r.ok && r.created)).toBe(true);
		const ambiguous = first[250];
		expect(ambiguous).toMatchObject({
			ref: 999,
			ok: false,
			error: { code: 'AMBIGUOUS_EXTERNAL_ID', status: 300, fields: ['WhatsApp_E164__c'] },
		});
		expect(!ambiguous.ok && ambiguous.error.message).toContain(`(${contact(6)}, ${contact(7)})`);
		expect(sim.state.calls[`PATCH ${V}/sobjects/Contact/WhatsApp_E164__c/%2B85251234567`]).toBe(1);
		const again = await adapter.upsertMany(writes.slice(0, 250));
		expect(again.every((r) => r.ok && !r.created)).toBe(true);
		expect(sim.state.contacts.size).toBe(8 + 250);
	});

	test('before API version 46.0 a single upsert that updates answers 204 without a body: the record id is read back, never "undefined"', async () => {
		const adapter = await setup(
			{ apiVersion: 'v45.0' },
			{ externalIdField: 'WhatsApp_E164__c', apiVersion: 'v45.0' },
		);
		// The same new key twice in one collection: refused there, then sent alone, create then update.
		const key = { field: 'WhatsApp_E164__c', value: '+85263339999' };
		const results = await adapter.upsertMany([
			{ ref: 0, key, properties: { LastName: 'Wong' } },
			{ ref: 1, key, properties: { LastName: 'Wong', FirstName: 'Ka Yan' } },
		]);
		expect(
			sim.state.calls[
				'PATCH /services/data/v45.0/sobjects/Contact/WhatsApp_E164__c/%2B85263339999'
			],
		).toBe(2);
		const [created, updated] = results;
		expect(created).toMatchObject({ ok: true, created: true });
		expect(updated).toMatchObject({ ok: true, created: false });
		const ids = results.map((r) => (r.ok ? r.id : 'failed'));
		expect(ids[0]).toMatch(/^003/);
		expect(ids[1]).toBe(ids[0]);
		expect(sim.state.contacts.get(ids[0])).toMatchObject({ FirstName: 'Ka Yan' });
	});

	test('running the same input twice changes nothing the second time (shared upsert logic)', async () => {
		const adapter = await setup({}, { externalIdField: 'WhatsApp_E164__c' });
		const inputs = [
			{ ref: 0, phone: '+852 6123 4567', email: "o'neil.ho@example.com" },
			{ ref: 1, phone: '5987 6543', name: 'Kelvin Lau' },
		];
		const opts = {
			defaultCountry: 'HK',
			matchOrder: ['phone' as const, 'email' as const],
			useUniqueKey: true,
			now: START,
		};
		const first = await upsertContacts(adapter, inputs, opts);
		expect(first[1]).toMatchObject({ outcome: 'upserted', action: 'created' });
		const before = { ...sim.state.calls };
		const size = sim.state.contacts.size;
		const second = await upsertContacts(adapter, inputs, opts);
		expect(second.map((o) => o.outcome === 'upserted' && o.action)).toEqual([
			'unchanged',
			'unchanged',
		]);
		expect(sim.state.contacts.size).toBe(size);
		for (const key of Object.keys(sim.state.calls).filter((k) => !k.startsWith('GET')))
			expect(sim.state.calls[key]).toBe(before[key]);
	});
});

describe('the WhatsApp custom fields', () => {
	test('tags, last interaction and count are kept in their fields, typed as Salesforce returns them', async () => {
		const adapter = await setup({ contacts: [] });
		const at = Date.parse('2026-11-20T08:00:00Z');
		await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', userId: 'HK.1', tags: ['vip'], interactionAt: at }],
			{ now: START },
		);
		await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', tags: ['price_inquiry'], interactionAt: at + 60_000 }],
			{ now: START },
		);
		const [record] = [...sim.state.contacts.values()];
		expect(sim.state.contacts.size).toBe(1);
		expect(record).toMatchObject({
			WhatsApp_E164__c: '+85298765432',
			WhatsApp_User_ID__c: 'HK.1',
			WhatsApp_Tags__c: 'vip;price_inquiry',
			WhatsApp_Interactions__c: 2,
			WhatsApp_Last_Interaction__c: '2026-11-20T08:01:00.000+0000',
			LeadSource: 'WhatsApp',
		});
		expect(sim.state.rejected.validation).toBe(0);
	});

	test('a value of the wrong type is refused for its record alone, naming the field', async () => {
		const adapter = await setup();
		const results = await adapter.upsertMany([
			{ ref: 0, properties: { LastName: 'A', WhatsApp_Interactions__c: 'many' } },
			{ ref: 1, properties: { LastName: 'B', WhatsApp_Last_Interaction__c: '20/11/2026' } },
			{ ref: 2, properties: { LastName: 'C', WhatsApp_Interactions__c: 3 } },
		]);
		expect(results[0]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['WhatsApp_Interactions__c'] },
		});
		expect(results[1]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['WhatsApp_Last_Interaction__c'] },
		});
		expect(results[2]).toMatchObject({ ok: true, created: true });
	});

	test('in an org without them, nothing reads or writes them, and describe names each one missing', async () => {
		const adapter = await setup({ withoutWhatsAppFields: true });
		const [outcome] = await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', userId: 'HK.1', tags: ['vip'], interactionAt: START }],
			{ now: START },
		);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		expect([...sim.state.queries, ...sim.state.searches].join('\n')).not.toMatch(/WhatsApp_/);
		const { missing } = await adapter.checkFields!();
		expect(missing.map((m) => m.field).sort()).toEqual([
			'WhatsApp_E164__c',
			'WhatsApp_Interactions__c',
			'WhatsApp_Last_Interaction__c',
			'WhatsApp_Marketing_Consent__c',
			'WhatsApp_Tags__c',
			'WhatsApp_User_ID__c',
		]);
		expect(missing.find((m) => m.field === 'WhatsApp_E164__c')!.message).toMatch(
			/External ID and Unique/,
		);
	});
});

describe('logging messages as Tasks', () => {
	const log = (ref: number, messageId: string, contactId = contact(1)): MessageLog => ({
		ref,
		contactId,
		messageId,
		direction: 'outbound',
		at: START,
		body: `Your order ${ref} has shipped`,
		customer: { e164: '+85291234567', name: 'Mei Chan' },
	});

	test('completed Tasks, one per wamid, found by the Subject marker before creating', async () => {
		const adapter = await setup();
		const first = await adapter.logMessages([
			log(0, 'wamid.HBg_1%'),
			log(1, 'wamid.HBg_2'),
			log(2, 'wamid.HBg_1%'),
			log(3, 'wamid.HBg_3', contact(2)),
		]);
		expect(first.map((r) => r.ok && r.duplicate)).toEqual([false, false, true, false]);
		expect(sim.state.tasks.size).toBe(3);
		const task = [...sim.state.tasks.values()][0];
		expect(task).toMatchObject({
			WhoId: contact(1),
			Status: 'Completed',
			TaskSubtype: 'Task',
			ActivityDate: '2026-05-01',
			Subject: 'WhatsApp to Mei Chan [wamid:wamid.HBg_1%]',
		});
		expect(String(task.Description)).toMatch(/^Your order 0 has shipped/);
		const again = await adapter.logMessages([
			log(0, 'wamid.HBg_1%'),
			log(1, 'wamid.HBg_2'),
			log(3, 'wamid.HBg_3', contact(2)),
		]);
		expect(again.every((r) => r.ok && r.duplicate)).toBe(true);
		expect(sim.state.tasks.size).toBe(3);
		// LIKE's wildcards in a wamid are taken literally: "wamid.HBg_1%" does not find "wamid.HBgX1…".
		expect(sim.state.queries.at(-1)).toContain("Subject LIKE '%:wamid.HBg\\_1\\%]%'");
	});

	test('a Task logged with the older marker [wa:…] is found, not logged again', async () => {
		const adapter = await setup();
		sim.state.tasks.set('00TSIMLEGACY000001', {
			Id: '00TSIMLEGACY000001',
			WhoId: contact(1),
			Subject: 'WhatsApp to Mei Chan [wa:wamid.LEGACY]',
			Status: 'Completed',
		});
		const [again] = await adapter.logMessages([log(0, 'wamid.LEGACY')]);
		expect(again).toMatchObject({ ok: true, duplicate: true, id: '00TSIMLEGACY000001' });
		expect(sim.state.tasks.size).toBe(1);
	});

	test('with a Task external id the log is an upsert on it', async () => {
		const adapter = await setup({}, { taskExternalIdField: 'WhatsApp_Message_Id__c' });
		const first = await adapter.logMessages([log(0, 'wamid.E1'), log(1, 'wamid.E2')]);
		const again = await adapter.logMessages([log(0, 'wamid.E1')]);
		expect(first.map((r) => r.ok && r.duplicate)).toEqual([false, false]);
		expect(again[0]).toMatchObject({
			ok: true,
			duplicate: true,
			id: first[0].ok ? first[0].id : '',
		});
		expect(sim.state.tasks.size).toBe(2);
		expect(sim.state.calls[`GET ${V}/query`]).toBeUndefined();
	});

	test('a Task for a missing contact fails alone', async () => {
		const adapter = await setup();
		const results = await adapter.logMessages([
			log(0, 'wamid.OK'),
			log(1, 'wamid.NO', '003SIM999999999AAA'),
		]);
		expect(results[0]).toMatchObject({ ok: true });
		expect(results[1]).toMatchObject({
			ok: false,
			error: { code: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhoId'] },
		});
	});
});

describe('limits and failures', () => {
	test('5xx and 429 are retried with backoff; a read that times out is asked again', async () => {
		const adapter = await setup({}, {}, SALESFORCE_SIM_TOKEN, 300);
		sim.setFault({ status: 503, count: 2, match: '/query' });
		sim.setFault({ status: 429, count: 1, headers: { 'Retry-After': '7' }, match: '/search' });
		sim.setFault({ kind: 'timeout', holdMs: 1000, count: 1, match: '/search' });
		expect(
			ids((await adapter.findByEmail(['mei.chan@example.com'])).get('mei.chan@example.com')),
		).toEqual([contact(1)]);
		const before = clock.now();
		expect(
			ids(
				(await adapter.findByPhone(['+85261234567'], { defaultCountry: 'HK' })).get('+85261234567'),
			),
		).toEqual([contact(5)]);
		expect(clock.now() - before).toBeGreaterThanOrEqual(7000);
		expect(sim.state.rejected.faults).toBe(4);
	});

	test('the adapter stops before the daily allocation, keeping the reserve, with a clear error', async () => {
		const adapter = await setup({ dailyLimit: 100, apiUsage: 90 }, { apiReserve: 5 });
		let calls = 0;
		let error: unknown;
		for (; calls < 20; calls++) {
			error = await adapter.describeFields().then(
				() => undefined,
				(e: unknown) => e,
			);
			if (error) break;
		}
		expect(calls).toBe(5);
		expect((error as CrmApiError).info).toMatchObject({
			code: 'API_LIMIT_RESERVE',
			retryable: false,
		});
		expect((error as CrmApiError).message).toMatch(/95 of the org's 100 requests/);
		expect(sim.state.apiUsage()).toBe(95);
		expect(sim.state.rejected.limit).toBe(0);
	});

	test('REQUEST_LIMIT_EXCEEDED is not retried and says why', async () => {
		const adapter = await setup({ dailyLimit: 10, apiUsage: 10 });
		const error = (await adapter.describeFields().catch((e: unknown) => e)) as CrmApiError;
		expect(error.info).toMatchObject({
			code: 'REQUEST_LIMIT_EXCEEDED',
			status: 403,
			retryable: false,
		});
		expect(error.message).toMatch(/allocation/);
		expect(sim.state.rejected.limit).toBe(1);
		await expect(
			adapter.upsertMany([{ ref: 0, properties: { LastName: 'X' } }]),
		).rejects.toBeInstanceOf(CrmApiError);
	});

	test('an expired session is a clear error without the token, and is not retried', async () => {
		const secret = '00DSIM!expiredSECRETtoken';
		const adapter = await setup({}, {}, secret);
		const error = (await adapter
			.findByEmail(['mei.chan@example.com'])
			.catch((e: unknown) => e)) as CrmApiError;
		expect(error).toBeInstanceOf(CrmApiError);
		expect(error.info).toMatchObject({ code: 'INVALID_SESSION_ID', status: 401, retryable: false });
		expect(error.message).toMatch(/expired or was revoked/);
		expect(JSON.stringify(error.info) + error.message).not.toContain(secret);
		expect(sim.state.rejected.auth).toBe(1);
	});

	test('the simulator refuses more than 200 records and answers every call with Sforce-Limit-Info', async () => {
		await setup({ dailyLimit: 500 });
		const response = await fetch(`${sim.baseUrl}${V}/composite/sobjects`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${SALESFORCE_SIM_TOKEN}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				allOrNone: false,
				records: Array.from({ length: 201 }, () => ({
					attributes: { type: 'Contact' },
					LastName: 'x',
				})),
			}),
		});
		expect(response.status).toBe(400);
		expect(response.headers.get('sforce-limit-info')).toBe('api-usage=1/500');
		const allOrNone = await fetch(`${sim.baseUrl}${V}/composite/sobjects`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${SALESFORCE_SIM_TOKEN}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				allOrNone: true,
				records: [
					{ attributes: { type: 'Contact' }, LastName: 'ok' },
					{ attributes: { type: 'Contact' } },
				],
			}),
		});
		expect(
			((await allOrNone.json()) as Array<{ errors: Array<{ statusCode: string }> }>)[0].errors[0]
				.statusCode,
		).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
		expect(sim.state.contacts.size).toBe(8);
	});
});

describe('metadata and merge', () => {
	test('describeFields maps the Contact describe', async () => {
		const adapter = await setup();
		const fields = new Map((await adapter.describeFields()).map((f) => [f.name, f]));
		expect(fields.get('LastName')).toMatchObject({
			type: 'string',
			required: true,
			readOnly: false,
		});
		expect(fields.get('Customer_Code__c')).toMatchObject({ unique: true, custom: true });
		expect(fields.get('WhatsApp_E164__c')).toMatchObject({ unique: false, custom: true });
		expect(fields.get('LeadSource')).toMatchObject({ type: 'options' });
		expect(fields.get('LeadSource')!.options).toContainEqual({
			name: 'WhatsApp',
			value: 'WhatsApp',
		});
		expect(fields.get('LastModifiedDate')).toMatchObject({
			type: 'dateTime',
			readOnly: true,
			required: false,
		});
		expect(fields.get('WhatsApp_Interactions__c')!.type).toBe('number');
	});

	test('REST cannot merge: every id gets a clear error and nothing is sent or changed', async () => {
		const adapter = await setup();
		const result = await adapter.merge(contact(1), [contact(2), contact(3)]);
		expect(result.merged.map((m) => m.ok)).toEqual([false, false]);
		expect(result.merged[0]).toMatchObject({
			ok: false,
			error: { code: 'MERGE_NOT_SUPPORTED', retryable: false },
		});
		expect(!result.merged[0].ok && result.merged[0].error.message).toMatch(/SOAP merge\(\)|Apex/);
		expect(Object.keys(sim.state.calls)).toHaveLength(0);
		expect(sim.state.contacts.size).toBe(8);
	});

	test('with an Apex REST merge resource, contacts merge two at a time and their Tasks follow', async () => {
		const adapter = await setup(
			{ apexMerge: true },
			{ mergeApexPath: '/services/apexrest/scrm/merge' },
		);
		await adapter.logMessages([
			{
				ref: 0,
				contactId: contact(3),
				messageId: 'wamid.T',
				direction: 'inbound',
				at: START,
				body: 'hi',
			},
		]);
		const result = await adapter.merge(contact(1), [
			contact(2),
			contact(3),
			contact(5),
			'003SIM999999999AAA',
		]);
		expect(result.merged).toEqual([
			{ id: contact(2), ok: true },
			{ id: contact(3), ok: true },
			{ id: contact(5), ok: true },
			{
				id: '003SIM999999999AAA',
				ok: false,
				error: expect.objectContaining({ code: 'ENTITY_IS_DELETED' }),
			},
		]);
		expect(sim.state.calls['POST /services/apexrest/scrm/merge']).toBe(2);
		expect([...sim.state.tasks.values()][0].WhoId).toBe(contact(1));
		expect(sim.state.contacts.has(contact(2))).toBe(false);
	});
});

describe('OAuth scopes and sessions', () => {
	test('a connected app without the api scope: 401 "not valid for use with the REST API", and the error names the scope and says to reconnect', async () => {
		const adapter = await setup({ scopes: ['refresh_token'] });
		const error = (await adapter
			.findByEmail(['mei.chan@example.com'])
			.catch((e: unknown) => e)) as CrmApiError;
		expect(error).toBeInstanceOf(CrmApiError);
		expect(error.info).toMatchObject({ code: 'MISSING_SCOPES', status: 401, retryable: false });
		expect(error.message).toContain('"api"');
		expect(error.message).toMatch(/reconnect the Salesforce credential/i);
		expect(sim.state.rejected.scope).toBe(1);
	});

	test('a session ends after the inactivity timeout, not while in use, and the token endpoint renews it; without refresh_token there is nothing to renew', async () => {
		let t = START;
		const timeout = 2 * 3600_000;
		await setup({ tokenClock: () => t });
		const read = (token: string) =>
			fetch(`${sim.baseUrl}${V}/sobjects/Contact/describe`, {
				headers: { Authorization: `Bearer ${token}` },
			});
		for (let i = 0; i < 4; i++) {
			t += timeout / 2;
			expect((await read(SALESFORCE_SIM_TOKEN)).status).toBe(200);
		}
		t += timeout;
		const ended = await read(SALESFORCE_SIM_TOKEN);
		expect(ended.status).toBe(401);
		expect(await ended.json()).toEqual([
			{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
		]);
		const renewed = await fetch(sim.tokenUrl, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				Authorization: `Basic ${Buffer.from('client:secret').toString('base64')}`,
			},
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sim.refreshToken }),
		});
		const body = (await renewed.json()) as Record<string, unknown>;
		expect(renewed.status).toBe(200);
		expect(body).toMatchObject({ token_type: 'Bearer', instance_url: sim.baseUrl });
		expect(body).not.toHaveProperty('expires_in');
		expect((await read(String(body.access_token))).status).toBe(200);

		sim.grant.setScopes(['api']);
		const refused = await fetch(sim.tokenUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: sim.refreshToken }),
		});
		expect(refused.status).toBe(400);
		expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
	});
});

describe("the org's limits", () => {
	test('every request waits on the concurrency limiter of its account, named by accountKey', async () => {
		const asked: Array<{ key: string; concurrency?: number }> = [];
		let acquired = 0;
		const adapter = await setup(
			{},
			{
				accountKey: 'cred-7',
				limiters: (key, limit) => {
					asked.push({ key, concurrency: limit.concurrency });
					return {
						acquire: async () => {
							acquired++;
							return () => undefined;
						},
					};
				},
			},
		);
		await adapter.describeFields();
		await adapter.findByEmail(['mei.chan@example.com']);
		expect(asked).toEqual([
			{ key: `salesforce|${sim.baseUrl}|cred-7|concurrent`, concurrency: 25 },
		]);
		expect(acquired).toBe(
			Object.values(sim.state.calls as Record<string, number>).reduce((a, b) => a + b, 0),
		);
	});
});
