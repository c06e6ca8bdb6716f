/**
 * The HubSpot simulator keeps HubSpot's documented contract, so that the adapter's tests mean
 * something: raw HTTP against it, no adapter involved.
 */
import { axiosTransport } from '../../../lib/http/transport';
import type { HttpResponse } from '../../../lib/http/transport';
import { sleep } from '../../../devkit/simulators/crm/common';
import { startHubSpotSimulator } from '../../../devkit/simulators/crm/hubspot';
import type {
	HubSpotSimulator,
	HubSpotSimulatorOptions,
} from '../../../devkit/simulators/crm/hubspot';

jest.setTimeout(30_000);

let sim: HubSpotSimulator;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function start(opts: HubSpotSimulatorOptions = {}): Promise<HubSpotSimulator> {
	sim = await startHubSpotSimulator({ searchRateLimit: false, ...opts });
	return sim;
}

afterEach(async () => {
	await sim?.close();
});

const request = async (
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	token: string | null = sim.token,
): Promise<HttpResponse<Body>> =>
	(await axiosTransport(token ? { bearerToken: token } : {})({
		method,
		url: `${sim.baseUrl}${path}`,
		body,
	})) as HttpResponse<Body>;

const search = (body: unknown) => request('POST', '/crm/v3/objects/contacts/search', body);
const eq = (propertyName: string, value: string) => ({
	filters: [{ propertyName, operator: 'EQ', value }],
});

it('wants a bearer token and answers 401 with HubSpot’s body, without echoing the token', async () => {
	await start();
	const none = await request('GET', '/crm/v3/objects/contacts', undefined, null);
	expect(none.status).toBe(401);
	expect(none.body).toMatchObject({
		status: 'error',
		category: 'INVALID_AUTHENTICATION',
		correlationId: expect.any(String),
	});
	const wrong = await request(
		'GET',
		'/crm/v3/objects/contacts',
		undefined,
		'pat-na1-wrong-token-1234',
	);
	expect(wrong.status).toBe(401);
	expect(JSON.stringify(wrong.body)).not.toContain('pat-na1-wrong');
	expect(sim.state.rejected.auth).toBe(2);
});

it('answers 403 MISSING_SCOPES naming the scope', async () => {
	await start({ scopes: ['crm.objects.contacts.read'] });
	const answer = await request('POST', '/crm/v3/objects/contacts/batch/create', {
		inputs: [{ properties: { firstname: 'A' } }],
	});
	expect(answer.status).toBe(403);
	expect(answer.body).toMatchObject({
		category: 'MISSING_SCOPES',
		errors: [{ context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
	});
});

it('searches the stored string (case-insensitively), not a normalised number', async () => {
	await start();
	const stored = await search({
		filterGroups: [eq('phone', '(852) 9123-4567')],
		properties: ['phone'],
	});
	expect(stored.body.results.map((r: Body) => r.id)).toEqual(['103']);
	const e164 = await search({ filterGroups: [eq('phone', '+85291234567')] });
	expect(e164.body.total).toBe(0);
	const email = await search({ filterGroups: [eq('email', 'MEI.CHAN@example.com')] });
	expect(email.body.results.map((r: Body) => r.id)).toEqual(['101']);
	// Default properties come back, plus the ones asked for (null when empty).
	expect(Object.keys(stored.body.results[0].properties).sort()).toEqual([
		'createdate',
		'email',
		'firstname',
		'hs_object_id',
		'lastmodifieddate',
		'lastname',
		'phone',
	]);
	const within = await search({
		filterGroups: [
			{
				filters: [
					{ propertyName: 'mobilephone', operator: 'IN', values: ['91234567', '+65 9123 4567'] },
				],
			},
		],
	});
	expect(within.body.results.map((r: Body) => r.id)).toEqual(['102', '104']);
});

it('keeps the documented search limits: filter groups, filters, page size, IN values, unknown properties', async () => {
	await start();
	const groups = (n: number, filters = 1) =>
		Array.from({ length: n }, () => ({
			filters: Array.from({ length: filters }, () => ({
				propertyName: 'phone',
				operator: 'EQ',
				value: '1',
			})),
		}));
	expect((await search({ filterGroups: groups(5) })).status).toBe(200);
	expect((await search({ filterGroups: groups(6) })).status).toBe(400);
	expect((await search({ filterGroups: groups(1, 7) })).status).toBe(400);
	expect((await search({ filterGroups: groups(4, 5) })).status).toBe(400);
	expect((await search({ limit: 201 })).status).toBe(400);
	expect(
		(
			await search({
				filterGroups: [
					{
						filters: [
							{
								propertyName: 'phone',
								operator: 'IN',
								values: Array.from({ length: 101 }, String),
							},
						],
					},
				],
			})
		).status,
	).toBe(400);
	const unknown = await search({ filterGroups: [eq('no_such_property', 'x')] });
	expect(unknown).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR' } });
});

it('pages search results with `after`', async () => {
	await start();
	const first = await search({ limit: 3 });
	expect(first.body.results).toHaveLength(3);
	// An opaque cursor, as HubSpot's ("NTI1Cg%3D%3D" in its reference), not an offset to count with.
	expect(typeof first.body.paging.next.after).toBe('string');
	expect(Number(first.body.paging.next.after)).toBeNaN();
	expect((await search({ limit: 3, after: '3' })).status).toBe(400);
	const rest = await search({ limit: 200, after: first.body.paging.next.after });
	expect(rest.body.results).toHaveLength(first.body.total - 3);
	expect(rest.body.paging).toBeUndefined();
});

it('makes new and changed contacts searchable only after the search lag', async () => {
	await start({ searchLagMs: 300 });
	const created = await request('POST', '/crm/v3/objects/contacts/batch/create', {
		inputs: [{ properties: { email: 'lag@example.com' } }],
	});
	expect(created.status).toBe(201);
	expect((await search({ filterGroups: [eq('email', 'lag@example.com')] })).body.total).toBe(0);
	// Reading by id is consistent at once.
	expect(
		(await request('GET', `/crm/v3/objects/contacts/${created.body.results[0].id}`)).status,
	).toBe(200);
	await sleep(350);
	expect((await search({ filterGroups: [eq('email', 'lag@example.com')] })).body.total).toBe(1);
});

it('upserts only by email or a property with unique values, and says which records are new', async () => {
	await start();
	const byPhone = await request('POST', '/crm/v3/objects/contacts/batch/upsert', {
		inputs: [{ id: '+85291234567', idProperty: 'phone', properties: {} }],
	});
	expect(byPhone).toMatchObject({
		status: 400,
		body: { category: 'VALIDATION_ERROR', message: expect.stringMatching(/non-unique/) },
	});
	const upsert = await request('POST', '/crm/v3/objects/contacts/batch/upsert', {
		inputs: [
			{ id: '+66812345678', idProperty: 'whatsapp_e164', properties: { firstname: 'Somchai' } },
			{ id: '+85260000001', idProperty: 'whatsapp_e164', properties: { firstname: 'New' } },
		],
	});
	expect(upsert.status).toBe(200);
	const byKey = new Map(upsert.body.results.map((r: Body) => [r.properties.whatsapp_e164, r]));
	expect(byKey.get('+66812345678')).toMatchObject({ id: '108', new: false });
	expect(byKey.get('+85260000001')).toMatchObject({ new: true });
	const twice = await request('POST', '/crm/v3/objects/contacts/batch/upsert', {
		inputs: [
			{ id: '+85260000002', idProperty: 'whatsapp_e164', properties: {} },
			{ id: '+85260000002', idProperty: 'whatsapp_e164', properties: {} },
		],
	});
	expect(twice.status).toBe(400);
});

it("creates or updates by email on the legacy v1 endpoint n8n's built-in node calls, within the same limits", async () => {
	await start({ rateLimit: { max: 4, windowMs: 60_000 } });
	const legacy = (email: string, properties: unknown) =>
		request('POST', `/contacts/v1/contact/createOrUpdate/email/${encodeURIComponent(email)}`, {
			properties,
		});
	const created = await legacy('ng@example.com', [
		{ property: 'firstname', value: 'Ng' },
		{ property: 'phone', value: '+852 9000 0001' },
	]);
	expect(created).toMatchObject({ status: 200, body: { vid: expect.any(Number), isNew: true } });
	expect(sim.state.contacts.get(String(created.body.vid))?.properties).toMatchObject({
		email: 'ng@example.com',
		firstname: 'Ng',
		phone: '+852 9000 0001',
	});
	// The same address in another case is the same contact.
	const updated = await legacy('NG@example.com', [{ property: 'lastname', value: 'Wing' }]);
	expect(updated.body).toEqual({ vid: created.body.vid, isNew: false });
	expect(sim.state.contacts.get(String(created.body.vid))?.properties).toMatchObject({
		firstname: 'Ng',
		lastname: 'Wing',
	});
	const invalid = await legacy('ng2@example.com', [{ property: 'no_such_field', value: 'x' }]);
	expect(invalid).toMatchObject({
		status: 400,
		body: {
			status: 'error',
			validationResults: [
				{ isValid: false, error: 'PROPERTY_DOESNT_EXIST', name: 'no_such_field' },
			],
		},
	});
	expect(sim.state.calls['POST /contacts/v1/contact/createOrUpdate/email/{email}']).toBe(3);
	// One window with the v3 endpoints: the fifth request of either kind is refused.
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
	expect(await legacy('ng3@example.com', [])).toMatchObject({
		status: 429,
		body: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
	});
	expect(sim.state.contacts.size).toBe(9);
});

it('validates properties: unknown, read-only, options, types and email', async () => {
	await start();
	const create = (properties: Record<string, unknown>) =>
		request('POST', '/crm/v3/objects/contacts/batch/create', { inputs: [{ properties }] });
	const unknown = await create({ favourite_colour: 'red' });
	expect(unknown).toMatchObject({
		status: 400,
		body: {
			category: 'VALIDATION_ERROR',
			errors: [{ code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['favourite_colour'] } }],
		},
	});
	expect(unknown.body.message).toMatch(/^Property values were not valid: \[/);
	expect((await create({ createdate: '2026-01-01T00:00:00Z' })).body.errors[0].code).toBe(
		'READ_ONLY_VALUE',
	);
	expect((await create({ lifecyclestage: 'buyer' })).body.errors[0].code).toBe('INVALID_OPTION');
	expect((await create({ whatsapp_interaction_count: 'many' })).body.errors[0].code).toBe(
		'INVALID_FLOAT',
	);
	expect((await create({ whatsapp_last_interaction: 'yesterday' })).body.errors[0].code).toBe(
		'INVALID_DATE',
	);
	expect((await create({ email: 'not-an-address' })).body.errors[0].code).toBe('INVALID_EMAIL');
	expect(sim.state.contacts.size).toBe(8);
});

it('refuses a batch over 100 inputs', async () => {
	await start();
	const inputs = Array.from({ length: 101 }, (_, i) => ({ properties: { firstname: `P${i}` } }));
	expect((await request('POST', '/crm/v3/objects/contacts/batch/create', { inputs })).status).toBe(
		400,
	);
	expect(
		(
			await request('POST', '/crm/v3/objects/contacts/batch/create', {
				inputs: inputs.slice(0, 100),
			})
		).status,
	).toBe(201);
});

it('fails a whole create batch on a duplicate email (409), or reports per input with trace ids (207)', async () => {
	await start();
	const inputs = [
		{ properties: { firstname: 'Fresh' } },
		{ properties: { email: 'MEI.CHAN@example.com' } },
	];
	const whole = await request('POST', '/crm/v3/objects/contacts/batch/create', { inputs });
	expect(whole).toMatchObject({
		status: 409,
		body: { category: 'CONFLICT', message: 'Contact already exists. Existing ID: 101' },
	});
	expect(sim.state.contacts.size).toBe(8);
	const traced = await request('POST', '/crm/v3/objects/contacts/batch/create', {
		inputs: inputs.map((input, i) => ({ ...input, objectWriteTraceId: `t${i}` })),
	});
	expect(traced.status).toBe(207);
	expect(traced.body.results).toEqual([expect.objectContaining({ objectWriteTraceId: 't0' })]);
	expect(traced.body.errors).toEqual([
		expect.objectContaining({ category: 'CONFLICT', context: { objectWriteTraceId: ['t1'] } }),
	]);
	expect(sim.state.contacts.size).toBe(9);
});

it('reports update ids that do not exist (207) and writes the others', async () => {
	await start();
	const answer = await request('POST', '/crm/v3/objects/contacts/batch/update', {
		inputs: [
			{ id: '101', properties: { jobtitle: 'Buyer' } },
			{ id: '999999', properties: { jobtitle: 'Ghost' } },
		],
	});
	expect(answer.status).toBe(207);
	expect(answer.body.errors).toEqual([
		expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } }),
	]);
	expect(sim.state.contacts.get('101')?.properties.jobtitle).toBe('Buyer');
});

it('holds a unique property to one contact', async () => {
	await start();
	const answer = await request('POST', '/crm/v3/objects/contacts/batch/update', {
		inputs: [{ id: '101', properties: { whatsapp_e164: '+66812345678' } }],
	});
	expect(answer).toMatchObject({
		status: 409,
		body: { category: 'CONFLICT', message: expect.stringMatching(/Existing ID: 108/) },
	});
});

it('limits requests per rolling window with HubSpot’s headers and 429 body', async () => {
	await start({ rateLimit: { max: 5, windowMs: 400 } });
	const answers: Array<HttpResponse<Body>> = [];
	for (let i = 0; i < 6; i++) answers.push(await request('GET', '/crm/v3/objects/contacts'));
	expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
	expect(answers[0].headers).toMatchObject({
		'x-hubspot-ratelimit-max': '5',
		'x-hubspot-ratelimit-remaining': '4',
		'x-hubspot-ratelimit-interval-milliseconds': '400',
	});
	expect(answers[5]).toMatchObject({
		status: 429,
		body: {
			status: 'error',
			errorType: 'RATE_LIMIT',
			policyName: 'TEN_SECONDLY_ROLLING',
			correlationId: expect.any(String),
		},
	});
	expect(sim.state.rateLimited).toBe(1);
	await sleep(450);
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
});

it('limits search to about 5 requests per second on its own', async () => {
	await start({ searchRateLimit: { max: 5, windowMs: 1000 } });
	const statuses = await Promise.all(
		Array.from({ length: 7 }, () => search({}).then((a) => a.status)),
	);
	expect(statuses.filter((s) => s === 429)).toHaveLength(2);
	expect(sim.state.rejected.searchLimit).toBe(2);
	// Other endpoints are still open.
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
});

it('does not count searches in the 10-second window, nor refuse them when it is spent (issue 18)', async () => {
	await start({ rateLimit: { max: 3, windowMs: 60_000 } });
	for (let i = 0; i < 3; i++)
		expect((await search(eq('email', `x${i}@example.com`))).status).toBe(200);
	// Three searches spent nothing: the window still admits three other calls, then refuses the fourth.
	for (let i = 0; i < 3; i++)
		expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(429);
	// A spent window does not stop a search.
	expect((await search(eq('email', 'y@example.com'))).status).toBe(200);
	expect(sim.state.peakInWindow).toBe(3);
});

it('serves the tier’s limit: 100 per 10 s on Free, 190 on Professional', async () => {
	expect((await start()).limits).toEqual({ max: 100, windowMs: 10_000 });
	await sim.close();
	expect((await start({ tier: 'professional' })).limits).toEqual({ max: 190, windowMs: 10_000 });
});

it('logs communications associated to a contact (type 81) and lists them through v4 associations', async () => {
	await start();
	const created = await request('POST', '/crm/v3/objects/communications/batch/create', {
		inputs: [
			{
				properties: {
					hs_communication_channel_type: 'WHATS_APP',
					hs_communication_logged_from: 'CRM',
					hs_communication_body: 'hi [wamid:1]',
					hs_timestamp: '2026-11-20T08:00:00Z',
				},
				associations: [
					{
						to: { id: '101' },
						types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }],
					},
				],
			},
		],
	});
	expect(created.status).toBe(201);
	const id = created.body.results[0].id;
	const listed = await request('GET', '/crm/v4/objects/contacts/101/associations/communications');
	expect(listed.body.results).toEqual([
		{
			toObjectId: Number(id),
			associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 82, label: null }],
		},
	]);
	const read = await request('POST', '/crm/v3/objects/communications/batch/read', {
		inputs: [{ id }, { id: '1' }],
		properties: ['hs_communication_body'],
	});
	expect(read.status).toBe(207);
	expect(read.body.results[0].properties.hs_communication_body).toBe('hi [wamid:1]');
	const wrongType = await request('POST', '/crm/v3/objects/communications', {
		properties: {
			hs_communication_channel_type: 'WHATS_APP',
			hs_timestamp: '2026-11-20T08:00:00Z',
		},
		associations: [
			{
				to: { id: '101' },
				types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
			},
		],
	});
	expect(wrongType.status).toBe(400);
	const badChannel = await request('POST', '/crm/v3/objects/communications', {
		properties: { hs_communication_channel_type: 'WHATSAPP', hs_timestamp: '2026-11-20T08:00:00Z' },
	});
	expect(badChannel.body.errors[0].code).toBe('INVALID_OPTION');
});

it('merges two contacts: the absorbed id resolves to the survivor and leaves search', async () => {
	await start();
	await request('POST', '/crm/v3/objects/communications', {
		properties: {
			hs_communication_channel_type: 'WHATS_APP',
			hs_timestamp: '2026-11-20T08:00:00Z',
			hs_communication_body: 'x',
		},
		associations: [
			{
				to: { id: '102' },
				types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }],
			},
		],
	});
	const merged = await request('POST', '/crm/v3/objects/contacts/merge', {
		primaryObjectId: '101',
		objectIdToMerge: '102',
	});
	expect(merged).toMatchObject({
		status: 200,
		body: {
			id: '101',
			properties: { hs_merged_object_ids: '102', mobilephone: '91234567', firstname: 'Mei' },
		},
	});
	expect((await request('GET', '/crm/v3/objects/contacts/102')).body.id).toBe('101');
	expect(
		(await search({ filterGroups: [eq('mobilephone', '91234567')] })).body.results.map(
			(r: Body) => r.id,
		),
	).toEqual(['101']);
	expect(
		(await request('GET', '/crm/v4/objects/contacts/101/associations/communications')).body.results,
	).toHaveLength(1);
	expect(
		(
			await request('POST', '/crm/v3/objects/contacts/merge', {
				primaryObjectId: '101',
				objectIdToMerge: '101',
			})
		).status,
	).toBe(400);
	expect(
		(
			await request('POST', '/crm/v3/objects/contacts/merge', {
				primaryObjectId: '101',
				objectIdToMerge: '424242',
			})
		).status,
	).toBe(404);
});

it('describes contact properties with HubSpot’s fields', async () => {
	await start();
	const answer = await request('GET', '/crm/v3/properties/contacts');
	const byName = new Map(answer.body.results.map((p: Body) => [p.name, p]));
	expect(byName.get('whatsapp_e164')).toMatchObject({
		type: 'string',
		fieldType: 'text',
		hasUniqueValue: true,
		modificationMetadata: { readOnlyValue: false },
	});
	expect(byName.get('whatsapp_e164')).not.toHaveProperty('hubspotDefined');
	expect(byName.get('createdate')).toMatchObject({
		hubspotDefined: true,
		modificationMetadata: { readOnlyValue: true },
	});
});

it('plays scripted faults: statuses for the next requests, and a request that never answers', async () => {
	await start();
	sim.setFault({ status: 503, count: 2, match: '/batch/upsert' });
	const upsert = () =>
		request('POST', '/crm/v3/objects/contacts/batch/upsert', {
			inputs: [{ id: 'fault@example.com', idProperty: 'email', properties: {} }],
		});
	expect((await upsert()).status).toBe(503);
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
	expect((await upsert()).status).toBe(503);
	expect((await upsert()).status).toBe(200);
	sim.setFault({ kind: 'timeout', holdMs: 50 });
	await expect(request('GET', '/crm/v3/objects/contacts')).rejects.toThrow();
});

it('is a portal without the whatsapp_* properties when asked: writes naming one are refused, reads ignore them', async () => {
	await start({
		withoutWhatsAppFields: true,
		contacts: [{ id: '201', properties: { firstname: 'Ann', whatsapp_e164: '+85291234567' } }],
	});
	const names = (await request('GET', '/crm/v3/properties/contacts')).body.results.map(
		(p: Body) => p.name,
	);
	expect(names).toEqual(expect.arrayContaining(['email', 'phone', 'mobilephone']));
	expect(names.filter((name: string) => name.startsWith('whatsapp_'))).toEqual([]);

	// Without trace ids one unknown property fails the whole batch: 400 VALIDATION_ERROR, nothing written.
	const refused = await request('POST', '/crm/v3/objects/contacts/batch/create', {
		inputs: [
			{ properties: { firstname: 'Bo' } },
			{ properties: { firstname: 'Cy', whatsapp_tags: 'vip' } },
		],
	});
	expect(refused.status).toBe(400);
	expect(refused.body).toMatchObject({
		status: 'error',
		category: 'VALIDATION_ERROR',
		message: expect.stringMatching(/^Property values were not valid: \[/),
	});
	const packed = JSON.parse(refused.body.message.slice(refused.body.message.indexOf('[')));
	expect(packed).toEqual([
		expect.objectContaining({
			isValid: false,
			name: 'whatsapp_tags',
			error: 'PROPERTY_DOESNT_EXIST',
			message: 'Property "whatsapp_tags" does not exist',
		}),
	]);
	expect(refused.body.errors).toEqual([
		{
			message: 'Property "whatsapp_tags" does not exist',
			code: 'PROPERTY_DOESNT_EXIST',
			context: { propertyName: ['whatsapp_tags'] },
		},
	]);
	expect(sim.state.contacts.size).toBe(1);
	// An unknown upsert key is refused the same way.
	const keyed = await request('POST', '/crm/v3/objects/contacts/batch/upsert', {
		inputs: [{ id: '+85291234568', idProperty: 'whatsapp_e164', properties: {} }],
	});
	expect(keyed).toMatchObject({
		status: 400,
		body: {
			category: 'VALIDATION_ERROR',
			errors: [{ code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['whatsapp_e164'] } }],
		},
	});

	// Reads name properties the portal lacks without complaint, and return only those that exist.
	const read = await request(
		'GET',
		'/crm/v3/objects/contacts/201?properties=firstname,whatsapp_e164',
	);
	expect(read.status).toBe(200);
	expect(read.body.properties).toMatchObject({ firstname: 'Ann' });
	expect(read.body.properties).not.toHaveProperty('whatsapp_e164');
	const found = await search({
		filterGroups: [eq('firstname', 'Ann')],
		properties: ['firstname', 'whatsapp_tags'],
	});
	expect(found.body.results[0].properties).not.toHaveProperty('whatsapp_tags');
	// Filtering on one is an error, as in HubSpot.
	expect((await search({ filterGroups: [eq('whatsapp_e164', '+85291234567')] })).status).toBe(400);
});

it('creates a contact property in an existing group with the write scope, once, checking type with fieldType', async () => {
	await start({ withoutWhatsAppFields: true });
	const definition = {
		name: 'whatsapp_e164',
		label: 'WhatsApp Number',
		type: 'string',
		fieldType: 'text',
		groupName: 'whatsapp_scrm',
		hasUniqueValue: true,
	};
	expect(await request('POST', '/crm/v3/properties/contacts', definition)).toMatchObject({
		status: 403,
		body: { category: 'MISSING_SCOPES' },
	});
	sim.setScopes([
		'crm.objects.contacts.write',
		'crm.schemas.contacts.read',
		'crm.schemas.contacts.write',
	]);
	expect((await request('POST', '/crm/v3/properties/contacts', definition)).status).toBe(400);
	expect(
		await request('POST', '/crm/v3/properties/contacts/groups', {
			name: 'whatsapp_scrm',
			label: 'WhatsApp SCRM',
			displayOrder: -1,
		}),
	).toMatchObject({ status: 201, body: { name: 'whatsapp_scrm' } });
	expect(
		(
			await request('POST', '/crm/v3/properties/contacts/groups', {
				name: 'whatsapp_scrm',
				label: 'Again',
			})
		).status,
	).toBe(409);
	expect(
		(await request('POST', '/crm/v3/properties/contacts', { ...definition, type: 'datetime' }))
			.status,
	).toBe(400);
	expect(await request('POST', '/crm/v3/properties/contacts', definition)).toMatchObject({
		status: 201,
		body: { name: 'whatsapp_e164', hasUniqueValue: true, groupName: 'whatsapp_scrm' },
	});
	expect(await request('POST', '/crm/v3/properties/contacts', definition)).toMatchObject({
		status: 409,
		body: { category: 'CONFLICT' },
	});
	const write = await request('POST', '/crm/v3/objects/contacts/batch/upsert', {
		inputs: [{ id: '+85291234567', idProperty: 'whatsapp_e164', properties: { firstname: 'Ann' } }],
	});
	expect(write).toMatchObject({
		status: 200,
		body: { results: [{ new: true, properties: { whatsapp_e164: '+85291234567' } }] },
	});
});

it('as an OAuth app: tokens expire after 30 minutes with EXPIRED_AUTHENTICATION and are renewed at /oauth/v1/token', async () => {
	let t = Date.parse('2026-11-23T00:00:00Z');
	await start({ oauth: { tokenClock: () => t } });
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
	t += 30 * 60_000;
	const expired = await request('GET', '/crm/v3/objects/contacts');
	expect(expired).toMatchObject({
		status: 401,
		body: { status: 'error', category: 'EXPIRED_AUTHENTICATION' },
	});
	const renew = (refreshToken: string) =>
		fetch(sim.tokenUrl!, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'refresh_token',
				client_id: 'c',
				client_secret: 's',
				refresh_token: refreshToken,
			}),
		});
	expect((await renew('wrong')).status).toBe(400);
	const renewed = await renew(sim.refreshToken!);
	const body = (await renewed.json()) as Body;
	expect(body).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
	expect(
		(await request('GET', '/crm/v3/objects/contacts', undefined, body.access_token)).status,
	).toBe(200);
	expect(sim.grant!.refreshes).toBe(1);
	// A private app's token never expires.
	await sim.close();
	await start();
	t += 24 * 3600_000;
	expect((await request('GET', '/crm/v3/objects/contacts')).status).toBe(200);
});
