/**
 * The Zoho CRM adapter against the loopback Zoho simulator: real HTTP, no mocked functions.
 */
import { axiosTransport } from '../../../lib/http/transport';
import type { HttpTransport } from '../../../lib/http/transport';
import { createZohoAdapter } from '../../../lib/crm/zoho/adapter';
import type { ZohoAdapterOptions } from '../../../lib/crm/zoho/adapter';
import { CrmApiError } from '../../../lib/crm/types';
import type { MessageLog } from '../../../lib/crm/types';
import { upsertContacts } from '../../../lib/crm/upsert';
import {
	parseCriteria,
	startZohoSimulator,
	ZOHO_SIM_TOKEN,
} from '../../../devkit/simulators/crm/zoho';
import type { ZohoSimulator, ZohoSimulatorOptions } from '../../../devkit/simulators/crm/zoho';

const START = Date.parse('2026-05-01T00:00:00Z');

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

/** Zoho wants `Zoho-oauthtoken`, not `Bearer`: the transport adds it, as n8n's credential does. */
function zohoTransport(token = ZOHO_SIM_TOKEN, timeoutMs = 5000): HttpTransport {
	const base = axiosTransport({ timeoutMs });
	return (request) =>
		base({
			...request,
			headers: { ...(request.headers ?? {}), Authorization: `Zoho-oauthtoken ${token}` },
		});
}

let sim: ZohoSimulator;
let clock: ReturnType<typeof fakeClock>;

async function setup(
	simOpts: ZohoSimulatorOptions = {},
	adapterOpts: Partial<ZohoAdapterOptions> = {},
) {
	clock = fakeClock();
	sim = await startZohoSimulator({ now: clock.now, ...simOpts });
	const adapter = createZohoAdapter({
		transport: zohoTransport(),
		baseUrl: sim.baseUrl,
		clock,
		...adapterOpts,
	});
	return adapter;
}

afterEach(async () => {
	await sim?.close();
});

const ids = (contacts: Array<{ id: string }> | undefined) =>
	(contacts ?? []).map((c) => c.id).sort();

describe('finding contacts', () => {
	test('one number stored three messy ways is found three times, and a foreign number with the same digits is not', async () => {
		const adapter = await setup();
		const found = await adapter.findByPhone(
			['+85291234567', '+85261234567', '+886912345678', '+14155550132', '+85290000000'],
			{ defaultCountry: 'HK' },
		);
		expect(ids(found.get('+85291234567'))).toEqual([
			'5725767000000100001',
			'5725767000000100002',
			'5725767000000100003',
		]);
		expect(
			found
				.get('+85291234567')!
				.map((c) => c.phones[0].value)
				.sort(),
		).toEqual(['(852) 9123-4567', '+852 9123 4567', '91234567']);
		expect(ids(found.get('+85261234567'))).toEqual(['5725767000000100005']);
		// Issue 18: as HubSpot's adapter (one reading for every CRM, lib/crm/phoneMatch.ts), a stored
		// national number that is no Hong Kong number is read in the asked number's own country:
		// "0912 345 678" is Taiwan's +886912345678, "(415) 555-0132" the US's +14155550132.
		expect(ids(found.get('+886912345678'))).toEqual(['5725767000000100006']);
		expect(ids(found.get('+14155550132'))).toEqual(['5725767000000100007']);
		expect(found.get('+85290000000')).toEqual([]);
		const us = await adapter.findByPhone(['+14155550132'], { defaultCountry: 'US' });
		expect(ids(us.get('+14155550132'))).toEqual(['5725767000000100007']);
		const tw = await adapter.findByPhone(['+886912345678'], { defaultCountry: 'TW' });
		expect(ids(tw.get('+886912345678'))).toEqual(['5725767000000100006']);
		// At most 10 criteria a call: 4 phone fields × 5–6 forms is 2–3 searches per number.
		expect(sim.state.calls['GET /crm/v8/Contacts/search']).toBeLessThanOrEqual(7 * 3);
		expect(sim.state.rejected.validation).toBe(0);
	});

	test('contacts carry every phone field, the modification time in ms and the properties read', async () => {
		const adapter = await setup();
		const [mei] = (await adapter.findByPhone(['+85291234567']))
			.get('+85291234567')!
			.filter((c) => c.id.endsWith('1'));
		expect(mei.modifiedAt).toBe(START);
		expect(mei.phones).toEqual([{ field: 'Phone', value: '+852 9123 4567' }]);
		expect(mei.properties.Email).toBe('mei.chan@example.com');
	});

	test('email is matched exactly and case-insensitively, an apostrophe included; fields exactly', async () => {
		const adapter = await setup();
		const found = await adapter.findByEmail([
			'Mei.Chan@Example.com',
			"o'neil.ho@example.com",
			'chan@example.com',
		]);
		expect(ids(found.get('mei.chan@example.com'))).toEqual(['5725767000000100001']);
		expect(ids(found.get("o'neil.ho@example.com"))).toEqual(['5725767000000100005']);
		// Zoho's "equals" contains: mei.chan@example.com contains chan@example.com, but that is no match.
		expect(found.get('chan@example.com')).toEqual([]);
		const byUser = await adapter.findByField('WhatsApp_User_ID', ['US.1000000000000001', 'US.1']);
		expect(ids(byUser.get('US.1000000000000001'))).toEqual(['5725767000000100007']);
		expect(byUser.get('US.1')).toEqual([]);
	});

	test('criteria values with parentheses are escaped as Zoho requires', () => {
		expect(parseCriteria('((Phone:equals:\\(415\\) 555-0132)or(Mobile:equals:a\\,b))')).toEqual({
			join: 'or',
			parts: [
				{ field: 'Phone', op: 'equals', value: '(415) 555-0132' },
				{ field: 'Mobile', op: 'equals', value: 'a,b' },
			],
		});
		expect(() => parseCriteria('(Phone:equals:(415) 555-0132)')).toThrow(/unescaped/);
	});

	test('listContacts pages through everything, oldest first', async () => {
		const adapter = await setup();
		const seen: string[] = [];
		let after: string | undefined;
		do {
			const page = await adapter.listContacts({ after, limit: 3 });
			seen.push(...page.contacts.map((c) => c.id));
			after = page.after;
		} while (after);
		expect(seen).toHaveLength(7);
		expect(new Set(seen).size).toBe(7);
	});
});

describe('writing contacts', () => {
	test('a partly failed batch reports each record, in order; the good ones are written', async () => {
		const adapter = await setup();
		const results = await adapter.upsertMany([
			{ ref: 10, properties: { Last_Name: 'Ng', Mobile: '+85298765432' } },
			{ ref: 11, properties: { First_Name: 'No', Mobile: '+85298765433' } },
			{ ref: 12, properties: { Last_Name: 'Bad', Email: 'not-an-email' } },
			{ ref: 13, properties: { Last_Name: 'Typo', Mobille: '+85298765434' } },
			{ ref: 14, id: '5725767000000100002', properties: { Email: 'may.chan@example.com' } },
		]);
		expect(results.map((r) => r.ref)).toEqual([10, 11, 12, 13, 14]);
		expect(results[0]).toMatchObject({ ok: true, created: true, modifiedAt: START });
		expect(results[1]).toMatchObject({
			ok: false,
			error: { code: 'MANDATORY_NOT_FOUND', fields: ['Last_Name'] },
		});
		expect(results[2]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_DATA', fields: ['Email'] },
		});
		expect(!results[2].ok && results[2].error.message).toMatch(/expected email/);
		expect(results[3]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_DATA', fields: ['Mobille'] },
		});
		expect(results[4]).toMatchObject({ ok: true, id: '5725767000000100002', created: false });
		expect(sim.state.records.get('5725767000000100002')!.Email).toBe('may.chan@example.com');
		expect(sim.state.records.size).toBe(8);
	});

	test('a batch where every record fails (HTTP 400) still answers per record; a unique clash names the other contact', async () => {
		const adapter = await setup();
		await adapter.upsertMany([
			{ ref: 0, properties: { Last_Name: 'First', WhatsApp_E164: '+85298765432' } },
		]);
		const results = await adapter.upsertMany([
			{ ref: 1, properties: { Last_Name: 'Second', WhatsApp_E164: '+85298765432' } },
			{ ref: 2, properties: {} },
		]);
		expect(results[0]).toMatchObject({
			ok: false,
			error: { code: 'DUPLICATE_DATA', fields: ['WhatsApp_E164'], retryable: false },
		});
		expect(!results[0].ok && results[0].error.message).toMatch(
			/Another contact \(\d+\) already has this WhatsApp_E164/,
		);
		expect(results[1]).toMatchObject({ ok: false, error: { code: 'MANDATORY_NOT_FOUND' } });
	});

	test('writes go 100 at a time and keyed writes are true upserts on the unique field', async () => {
		const adapter = await setup();
		const writes = Array.from({ length: 150 }, (_, i) => ({
			ref: i,
			key: { field: 'WhatsApp_E164', value: `+8529${String(1000000 + i).slice(-7)}` },
			properties: { Last_Name: `Customer ${i}` },
		}));
		const first = await adapter.upsertMany(writes);
		expect(first.every((r) => r.ok && r.created)).toBe(true);
		expect(sim.state.calls['POST /crm/v8/Contacts/upsert']).toBe(2);
		const again = await adapter.upsertMany(
			writes.map((w) => ({ ...w, properties: { Last_Name: `Renamed ${w.ref}` } })),
		);
		expect(again.every((r) => r.ok && !r.created)).toBe(true);
		expect(again.map((r) => r.ok && r.id)).toEqual(first.map((r) => r.ok && r.id));
		expect(sim.state.records.size).toBe(7 + 150);
	});

	test('running the same input twice changes nothing the second time (shared upsert logic)', async () => {
		const adapter = await setup();
		const inputs = [
			{ ref: 0, phone: '9123 4567', name: 'Mei Chan' },
			{ ref: 1, phone: '+852 6123 4567', email: 'o.neil@example.com' },
			{ ref: 2, phone: '+852 5987 6543', name: 'Kelvin Lau' },
		];
		const first = await upsertContacts(adapter, inputs, {
			defaultCountry: 'HK',
			matchOrder: ['phone', 'email'],
			now: START,
		});
		// The first number is held by three contacts: a person decides, nothing is picked at random.
		expect(first[0]).toMatchObject({ outcome: 'review', reason: 'ambiguous' });
		expect(first[2]).toMatchObject({ outcome: 'upserted', action: 'created' });
		const writesBefore = JSON.stringify(sim.state.calls);
		const countBefore = sim.state.records.size;
		const second = await upsertContacts(adapter, inputs, {
			defaultCountry: 'HK',
			matchOrder: ['phone', 'email'],
			now: START,
		});
		expect(second[1]).toMatchObject({ outcome: 'upserted', action: 'unchanged' });
		expect(second[2]).toMatchObject({ outcome: 'upserted', action: 'unchanged' });
		expect(sim.state.records.size).toBe(countBefore);
		const calls = JSON.parse(writesBefore) as Record<string, number>;
		expect(sim.state.calls['PUT /crm/v8/Contacts'] ?? 0).toBe(calls['PUT /crm/v8/Contacts'] ?? 0);
		expect(sim.state.calls['POST /crm/v8/Contacts'] ?? 0).toBe(calls['POST /crm/v8/Contacts'] ?? 0);
	});

	test('the WhatsApp fields are written as Zoho types them: DateTime without milliseconds, a Number as a number', async () => {
		const adapter = await setup();
		const [created] = await upsertContacts(
			adapter,
			[
				{
					ref: 0,
					phone: '+85298765432',
					tags: ['vip', 'price_inquiry'],
					interactionAt: Date.parse('2026-11-20T08:00:00.250Z'),
				},
			],
			{ now: START },
		);
		expect(created).toMatchObject({ outcome: 'upserted', action: 'created' });
		const record = [...sim.state.records.values()].find((r) => r.WhatsApp_E164 === '+85298765432')!;
		expect(record).toMatchObject({
			WhatsApp_Last_Interaction: '2026-11-20T16:00:00+08:00',
			WhatsApp_Interactions: 1,
			WhatsApp_Tags: 'vip;price_inquiry',
			Lead_Source: 'WhatsApp',
		});
		// Zoho keeps seconds only: the same message again is not a newer interaction.
		const [again] = await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', interactionAt: Date.parse('2026-11-20T08:00:00.250Z') }],
			{ now: START },
		);
		expect(again).toMatchObject({ outcome: 'upserted', action: 'unchanged' });
		expect(sim.state.rejected.validation).toBe(0);
	});

	test('the simulator refuses what Zoho refuses in these fields, and the adapter says which field and why', async () => {
		const adapter = await setup();
		const results = await adapter.upsertMany([
			{ ref: 0, properties: { Last_Name: 'A', WhatsApp_Interactions: 'many' } },
			{ ref: 1, properties: { Last_Name: 'B', WhatsApp_Last_Interaction: 'yesterday' } },
			{ ref: 2, properties: { Last_Name: 'C', Not_A_Field: 'x' } },
			{
				ref: 3,
				properties: {
					Last_Name: 'D',
					WhatsApp_Interactions: 3,
					WhatsApp_Last_Interaction: '2026-11-20T08:00:00Z',
				},
			},
		]);
		expect(results[0]).toMatchObject({
			ok: false,
			error: {
				code: 'INVALID_DATA',
				fields: ['WhatsApp_Interactions'],
				message: expect.stringContaining('expected integer'),
			},
		});
		expect(results[1]).toMatchObject({
			ok: false,
			error: {
				code: 'INVALID_DATA',
				fields: ['WhatsApp_Last_Interaction'],
				message: expect.stringContaining('expected datetime'),
			},
		});
		expect(results[2]).toMatchObject({
			ok: false,
			error: { code: 'INVALID_DATA', fields: ['Not_A_Field'] },
		});
		expect(results[3]).toMatchObject({ ok: true, created: true });
		expect(sim.state.records.get(results[3].ok ? results[3].id : '')).toMatchObject({
			WhatsApp_Interactions: 3,
			WhatsApp_Last_Interaction: '2026-11-20T16:00:00+08:00',
		});
	});

	test('a WhatsApp field of a type that cannot hold the value is reported, not written, so nothing is refused', async () => {
		const adapter = await setup();
		// An admin made the tags field a multi-select picklist, which takes a JSON array of known values.
		sim.fields.find((f) => f.api_name === 'WhatsApp_Tags')!.data_type = 'multiselectpicklist';
		const [outcome] = await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', tags: ['vip'], interactionAt: START }],
			{ now: START },
		);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		const record = [...sim.state.records.values()].find((r) => r.Mobile === '+85298765432')!;
		expect(record.WhatsApp_Tags).toBeUndefined();
		expect(record.WhatsApp_Interactions).toBe(1);
		expect(sim.state.rejected.validation).toBe(0);
		const { missing } = await adapter.checkFields!();
		expect(missing).toEqual([
			{
				canonical: 'tags',
				field: 'WhatsApp_Tags',
				absent: false,
				message: expect.stringMatching(
					/WhatsApp_Tags is of type array, not string, so tags are not kept: .*Multi-Line \(Small\) field/,
				),
			},
		]);
	});

	test('a failed describe does not stop writes: the standard fields go, the custom ones are reported unchecked, and it is asked again', async () => {
		const adapter = await setup({}, { retries: 0 });
		sim.setFault({ status: 500, match: 'GET /crm/v8/settings/fields', count: 100 });
		const unchecked = await adapter.checkFields!();
		expect(unchecked.missing.map((m) => m.canonical)).toContain('tags');
		expect(unchecked.missing[0].message).toMatch(
			/Could not check whether the contact field WhatsApp_\w+ exists \(.*\), so .* not kept/,
		);
		const [outcome] = await upsertContacts(
			adapter,
			[{ ref: 0, phone: '+85298765432', tags: ['vip'] }],
			{ now: START },
		);
		expect(outcome).toMatchObject({ outcome: 'upserted', action: 'created' });
		const record = [...sim.state.records.values()].find((r) => r.Mobile === '+85298765432')!;
		expect(record.WhatsApp_Tags).toBeUndefined();
		expect(record.Lead_Source).toBe('WhatsApp');
		sim.clearFaults();
		const second = await adapter.checkFields!();
		expect(second.missing).toEqual([]);
		expect(second.fieldNames.tags).toBe('WhatsApp_Tags');
	});
});

describe('logging messages as notes', () => {
	const log = (ref: number, messageId: string, contactId = '5725767000000100001'): MessageLog => ({
		ref,
		contactId,
		messageId,
		direction: 'inbound',
		at: START,
		body: `Hello ${ref}`,
		customer: { e164: '+85291234567', name: 'Mei Chan' },
	});

	test('the same wamid is never noted twice: not on a re-run, not twice in one call', async () => {
		const adapter = await setup();
		const first = await adapter.logMessages([
			log(0, 'wamid.AAA'),
			log(1, 'wamid.BBB'),
			log(2, 'wamid.AAA'),
			log(3, 'wamid.CCC', '5725767000000100002'),
		]);
		expect(first.map((r) => r.ok && r.duplicate)).toEqual([false, false, true, false]);
		expect(first[2].ok && first[0].ok && first[2].id === first[0].id).toBe(true);
		expect(sim.state.notes.size).toBe(3);
		const note = [...sim.state.notes.values()][0];
		expect(note.Note_Title).toMatch(/^WhatsApp from Mei Chan/);
		expect(note.Note_Content).toMatch(/^Hello 0[\s\S]*\[wamid:wamid\.AAA\]$/);
		const again = await adapter.logMessages([
			log(0, 'wamid.AAA'),
			log(1, 'wamid.BBB'),
			log(3, 'wamid.CCC', '5725767000000100002'),
		]);
		expect(again.every((r) => r.ok && r.duplicate)).toBe(true);
		expect(again.map((r) => r.ok && r.id)).toEqual(
			[first[0], first[1], first[3]].map((r) => r.ok && r.id),
		);
		expect(sim.state.notes.size).toBe(3);
	});

	test('a note for a contact that does not exist fails alone', async () => {
		const adapter = await setup();
		const results = await adapter.logMessages([
			log(0, 'wamid.X1'),
			log(1, 'wamid.X2', '5725767999999999999'),
		]);
		expect(results[0]).toMatchObject({ ok: true, duplicate: false });
		expect(results[1]).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
	});
});

describe('limits and failures', () => {
	test('429 and 5xx answers are retried after a backoff and nothing is lost or doubled', async () => {
		const adapter = await setup();
		sim.setFault({ status: 429, count: 2, match: 'search' });
		sim.setFault({ status: 500, count: 1, match: 'POST /crm/v8/Contacts/upsert' });
		const found = await adapter.findByEmail(['mei.chan@example.com']);
		expect(ids(found.get('mei.chan@example.com'))).toEqual(['5725767000000100001']);
		const results = await adapter.upsertMany(
			Array.from({ length: 20 }, (_, i) => ({
				ref: i,
				key: { field: 'WhatsApp_E164', value: `+8525${String(1000000 + i).slice(-7)}` },
				properties: { Last_Name: `R${i}` },
			})),
		);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(sim.state.rejected.faults).toBe(3);
		expect(sim.state.records.size).toBe(27);
		expect(clock.now()).toBeGreaterThan(START);
	});

	test('a read that times out is asked again', async () => {
		clock = fakeClock();
		sim = await startZohoSimulator({ now: clock.now });
		const adapter = createZohoAdapter({
			transport: zohoTransport(ZOHO_SIM_TOKEN, 300),
			baseUrl: sim.baseUrl,
			clock,
		});
		sim.setFault({ kind: 'timeout', holdMs: 1000, match: 'search' });
		const found = await adapter.findByEmail(['mei.chan@example.com']);
		expect(ids(found.get('mei.chan@example.com'))).toEqual(['5725767000000100001']);
	});

	test("the edition's concurrency limit is kept proactively: no 429 at all", async () => {
		const adapter = await setup({ edition: 'free', latencyMs: 40 }, { edition: 'free' });
		const emails = Array.from({ length: 12 }, (_, i) => `nobody${i}@example.com`);
		await Promise.all(emails.map((e) => adapter.findByEmail([e])));
		expect(sim.state.calls['GET /crm/v8/Contacts/search']).toBe(12);
		expect(sim.state.maxInFlight).toBeLessThanOrEqual(5);
		expect(sim.state.rejected.concurrency).toBe(0);
	});

	test('an adapter set for a bigger edition meets 429s, retries them and still gets every answer', async () => {
		// Real time here: the retries must actually wait for the calls in flight to finish.
		const adapter = await setup(
			{ edition: 'free', latencyMs: 40 },
			{ edition: 'enterprise', clock: undefined },
		);
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, i) => adapter.findByEmail([`nobody${i}@example.com`])),
		);
		expect(results).toHaveLength(12);
		expect(sim.state.rejected.concurrency).toBeGreaterThan(0);
	});

	test('with dailyCredits the adapter stops before Zoho refuses, and resumes when the window moves', async () => {
		const adapter = await setup({ credits: 5 }, { dailyCredits: 5 });
		for (let i = 0; i < 5; i++) await adapter.describeFields();
		const error = await adapter.describeFields().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(CrmApiError);
		expect((error as CrmApiError).info).toMatchObject({
			code: 'CREDITS_EXHAUSTED',
			retryable: false,
		});
		expect(sim.state.rejected.credits).toBe(0);
		clock.advance(24 * 60 * 60 * 1000);
		await expect(adapter.describeFields()).resolves.toHaveLength(18);
	});

	test("without dailyCredits, Zoho's 429 for spent credits ends in a clear error after the retries", async () => {
		const adapter = await setup({ credits: 2 }, { retries: 2 });
		await adapter.describeFields();
		await adapter.describeFields();
		const error = (await adapter.describeFields().catch((e: unknown) => e)) as CrmApiError;
		expect(error.info).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429 });
		expect(error.info.message).toMatch(/credits/);
		expect(sim.state.rejected.credits).toBe(3);
	});

	test('a refused token gives a clear error that never contains the token, and stops a write run', async () => {
		clock = fakeClock();
		sim = await startZohoSimulator({ now: clock.now });
		const secret = '1000.wrongwrongwrong.secretsecret';
		const adapter = createZohoAdapter({
			transport: zohoTransport(secret),
			baseUrl: sim.baseUrl,
			clock,
		});
		const error = (await adapter
			.findByEmail(['mei.chan@example.com'])
			.catch((e: unknown) => e)) as CrmApiError;
		expect(error).toBeInstanceOf(CrmApiError);
		expect(error.info).toMatchObject({ code: 'INVALID_TOKEN', status: 401, retryable: false });
		expect(error.message).toMatch(/Reconnect the credential/);
		expect(JSON.stringify(error.info) + error.message).not.toContain(secret);
		await expect(
			adapter.upsertMany([{ ref: 0, properties: { Last_Name: 'X' } }]),
		).rejects.toBeInstanceOf(CrmApiError);
		expect(sim.state.rejected.auth).toBe(2);
	});

	test('the simulator refuses more than 100 records and more than 10 criteria', async () => {
		await setup();
		const headers = {
			Authorization: `Zoho-oauthtoken ${ZOHO_SIM_TOKEN}`,
			'content-type': 'application/json',
		};
		const tooMany = await fetch(`${sim.baseUrl}/crm/v8/Contacts`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ data: Array.from({ length: 101 }, () => ({ Last_Name: 'x' })) }),
		});
		expect(tooMany.status).toBe(400);
		expect(await tooMany.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', status: 'error' });
		const criteria = `(${Array.from({ length: 11 }, (_, i) => `(Phone:equals:${i})`).join('or')})`;
		const search = await fetch(
			`${sim.baseUrl}/crm/v8/Contacts/search?criteria=${encodeURIComponent(criteria)}`,
			{ headers },
		);
		expect(search.status).toBe(400);
		const none = await fetch(
			`${sim.baseUrl}/crm/v8/Contacts/search?criteria=${encodeURIComponent('(Phone:equals:00000)')}`,
			{ headers },
		);
		expect(none.status).toBe(204);
	});
});

describe('metadata and merge', () => {
	test('describeFields maps Zoho field metadata', async () => {
		const adapter = await setup();
		const fields = new Map((await adapter.describeFields()).map((f) => [f.name, f]));
		expect(fields.get('WhatsApp_E164')).toMatchObject({
			type: 'string',
			unique: true,
			custom: true,
			required: false,
		});
		expect(fields.get('Last_Name')).toMatchObject({ required: true, unique: false, custom: false });
		expect(fields.get('Lead_Source')!.options).toContainEqual({
			name: 'WhatsApp',
			value: 'WhatsApp',
		});
		expect(fields.get('Lead_Source')!.type).toBe('options');
		expect(fields.get('Modified_Time')).toMatchObject({ type: 'dateTime', readOnly: true });
		expect(fields.get('WhatsApp_Interactions')!.type).toBe('number');
		expect(fields.get('Tag')!.type).toBe('array');
	});

	test("merge uses Zoho's merge, two children per call; notes follow the survivor", async () => {
		const adapter = await setup();
		await adapter.logMessages([
			{
				ref: 0,
				contactId: '5725767000000100003',
				messageId: 'wamid.M1',
				direction: 'inbound',
				at: START,
				body: 'hi',
			},
		]);
		const result = await adapter.merge('5725767000000100001', [
			'5725767000000100002',
			'5725767000000100003',
			'5725767000000100005',
			'5725767000000100001',
		]);
		expect(result.survivorId).toBe('5725767000000100001');
		expect(result.merged).toEqual([
			{
				id: '5725767000000100001',
				ok: false,
				error: expect.objectContaining({ code: 'MERGE_INTO_ITSELF' }),
			},
			{ id: '5725767000000100002', ok: true },
			{ id: '5725767000000100003', ok: true },
			{ id: '5725767000000100005', ok: true },
		]);
		expect(sim.state.calls['POST /crm/v8/Contacts/5725767000000100001/actions/merge']).toBe(2);
		expect([...sim.state.records.keys()]).not.toContain('5725767000000100002');
		expect([...sim.state.notes.values()][0].Parent_Id.id).toBe('5725767000000100001');
	});

	test('a scheduled merge is polled until Zoho reports it completed; a missing child fails per id', async () => {
		const adapter = await setup({ mergeMode: 'scheduled' });
		const result = await adapter.merge('5725767000000100001', ['5725767000000100002']);
		expect(result.merged).toEqual([{ id: '5725767000000100002', ok: true }]);
		expect(sim.state.calls['GET /crm/v8/Contacts/5725767000000100001/actions/merge']).toBe(1);
		const missing = await adapter.merge('5725767000000100001', ['5725767000000999999']);
		expect(missing.merged[0]).toMatchObject({
			id: '5725767000000999999',
			ok: false,
			error: { code: 'INVALID_DATA' },
		});
	});
});

describe('OAuth scopes and token lifetime', () => {
	test('the credential asks for every scope the simulator checks, the Search API’s ZohoSearch.securesearch.READ included', async () => {
		const { ZohoScrmOAuth2Api } =
			await import('../../../credentials/ZohoScrmOAuth2Api.credentials');
		const scope = String(
			new ZohoScrmOAuth2Api().properties.find((p) => p.name === 'scope')?.default,
		).split(',');
		expect(scope).toEqual(expect.arrayContaining(['ZohoSearch.securesearch.READ']));
	});

	test('a token granted without ZohoSearch.securesearch.READ fails every lookup with 401 OAUTH_SCOPE_MISMATCH, and the error names the scope and says to reconnect', async () => {
		const adapter = await setup({
			scopes: [
				'ZohoCRM.modules.contacts.ALL',
				'ZohoCRM.modules.notes.ALL',
				'ZohoCRM.settings.fields.READ',
			],
		});
		const error = (await adapter
			.findByPhone(['+85291234567'])
			.catch((e: unknown) => e)) as CrmApiError;
		expect(error).toBeInstanceOf(CrmApiError);
		expect(error.info).toMatchObject({ code: 'MISSING_SCOPES', status: 401, retryable: false });
		expect(error.message).toContain('ZohoSearch.securesearch.READ');
		expect(error.message).toContain('OAUTH_SCOPE_MISMATCH');
		expect(error.message).toMatch(/reconnect the Zoho CRM credential/i);
		expect(sim.state.rejected.scope).toBe(1);
		// The module scope alone still reads a record by id: the check is per endpoint.
		const [first] = [...sim.state.records.keys()];
		const read = await fetch(`${sim.baseUrl}/crm/v8/Contacts/${first}`, {
			headers: { Authorization: `Zoho-oauthtoken ${ZOHO_SIM_TOKEN}` },
		});
		expect(read.status).toBe(200);
	});

	test('without the notes scope, logging a message names ZohoCRM.modules.notes.ALL', async () => {
		const adapter = await setup({
			scopes: [
				'ZohoCRM.modules.contacts.ALL',
				'ZohoSearch.securesearch.READ',
				'ZohoCRM.settings.fields.READ',
			],
		});
		const [contactId] = [...sim.state.records.keys()];
		const results = await adapter
			.logMessages([
				{
					ref: 0,
					contactId,
					messageId: 'wamid.scope-1',
					direction: 'inbound',
					at: START,
					body: 'hi',
				},
			])
			.catch((e: unknown) => e);
		const text = JSON.stringify(results instanceof Error ? (results as CrmApiError).info : results);
		expect(text).toContain('ZohoCRM.modules.notes.ALL');
		expect(sim.state.notes.size).toBe(0);
	});

	test('the simulator expires an access token after its lifetime (one hour by default) and its token endpoint mints a new one from the refresh token', async () => {
		let t = START;
		sim = await startZohoSimulator({ tokenClock: () => t });
		const read = (token: string) =>
			fetch(`${sim.baseUrl}/crm/v8/settings/fields?module=Contacts`, {
				headers: { Authorization: `Zoho-oauthtoken ${token}` },
			});
		expect((await read(ZOHO_SIM_TOKEN)).status).toBe(200);
		t += 3600_000;
		const expired = await read(ZOHO_SIM_TOKEN);
		expect(expired.status).toBe(401);
		expect(await expired.json()).toMatchObject({ code: 'INVALID_TOKEN', status: 'error' });
		const bad = await fetch(`${sim.tokenUrl}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope' }),
		});
		expect(bad.status).toBe(400);
		const refreshed = await fetch(sim.tokenUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: sim.refreshToken,
				client_id: 'c',
				client_secret: 's',
			}),
		});
		expect(refreshed.status).toBe(200);
		const body = (await refreshed.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
		expect(String(body.scope)).toContain('ZohoSearch.securesearch.READ');
		expect((await read(String(body.access_token))).status).toBe(200);
		expect((await read(ZOHO_SIM_TOKEN)).status).toBe(401);
		expect(sim.grant.refreshes).toBe(1);
	});
});
