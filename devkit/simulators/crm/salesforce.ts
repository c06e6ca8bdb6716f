/**
 * A loopback simulator of the Salesforce REST API parts the adapter uses, following Salesforce's
 * documented contract: Bearer auth and 401 INVALID_SESSION_ID, SOQL (a subset: SELECT … FROM …
 * WHERE with =, !=, IN, LIKE, AND/OR, ORDER BY, LIMIT; paging by nextRecordsUrl), SOSL phone search
 * that ignores formatting, sObject Collections (≤ 200 records, allOrNone, per-record results),
 * single upsert by external id (300 Multiple Choices), describe, the daily allocation reported
 * in `Sforce-Limit-Info` and 403 REQUEST_LIMIT_EXCEEDED past it, ContentVersion inserts (multipart
 * `entity_content` + `VersionData` up to 2 GB, or JSON with base64 VersionData up to 37.5 MB)
 * linked by FirstPublishLocationId and read back by SOQL, and scripted faults.
 *
 * OAuth as Salesforce documents it: a session ends after the org's inactivity timeout (Session
 * Settings, default two hours) or when an admin ends it, and is renewed at `POST
 * /services/oauth2/token` with `grant_type=refresh_token` (served on the same port, as the instance's
 * own token endpoint is). The REST API takes only tokens whose grant has the `api` (or `full`) scope;
 * a refresh token exists only with `refresh_token` (or `offline_access`).
 *
 * Plain node:http. Where Salesforce does not document a behaviour, the choice made is marked "Assumption".
 */
import { answerFault, digits, FaultQueue, listen, parseMultipart, send } from './common';
import type { Incoming, SimFault } from './common';
import { bearerOf, OAuthGrant, refreshRequestOf } from './oauth';

const DAY_MS = 24 * 60 * 60 * 1000;
/** sObject Basic Information with a multipart body: 2 GB for ContentVersion; JSON with base64: 37.5 MB encoded. */
export const SALESFORCE_SIM_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;
const BASE64_MAX_CHARS = 37.5 * 1024 * 1024;

export interface SfSimField {
	name: string;
	label: string;
	type: string;
	length?: number;
	nillable: boolean;
	createable: boolean;
	updateable: boolean;
	defaultedOnCreate: boolean;
	unique: boolean;
	externalId: boolean;
	custom: boolean;
	picklistValues: Array<{ label: string; value: string; active: boolean; defaultValue: boolean }>;
}

export type SfSimRecord = Record<string, unknown> & { Id: string };

export interface SalesforceSimulatorOptions {
	/** Accepted access token. Default `SALESFORCE_SIM_TOKEN`. */
	token?: string;
	/** The connected app's granted scopes. Default SALESFORCE_SIM_SCOPES (what the package's credential asks). */
	scopes?: string[];
	/**
	 * The org's session timeout, counted from the last use. Default two hours, Salesforce's default
	 * "Timeout value" (https://help.salesforce.com/s/articleView?id=sf.admin_sessions.htm).
	 */
	sessionTimeoutMs?: number;
	/** The clock sessions time out by. Default Date.now. */
	tokenClock?: () => number;
	/** The connected app a refresh must come from; default any. */
	clientId?: string;
	clientSecret?: string;
	apiVersion?: string;
	/** API requests per rolling 24 h. Default 15,000 (Enterprise edition's base). */
	dailyLimit?: number;
	/** Requests already counted at start. */
	apiUsage?: number;
	/** SOSL does not see records written less than this long ago (the search index lags). Default 0. */
	searchLagMs?: number;
	now?: () => number;
	contacts?: Array<Omit<SfSimRecord, 'Id'> & { Id?: string }>;
	/** Serve `POST /services/apexrest/scrm/merge` (an Apex REST resource around Database.merge). */
	apexMerge?: boolean;
	/** The largest ContentVersion taken. Default SALESFORCE_SIM_MAX_FILE_BYTES. */
	maxFileBytes?: number;
	/** An org whose admin created none of the WhatsApp custom fields. */
	withoutWhatsAppFields?: boolean;
}

export interface SalesforceSimState {
	contacts: Map<string, SfSimRecord>;
	tasks: Map<string, SfSimRecord>;
	/** ContentVersions; `VersionData` holds the bytes (never returned by SOQL, as in Salesforce). */
	contentVersions: Map<string, SfSimRecord>;
	calls: Record<string, number>;
	rejected: { auth: number; limit: number; faults: number; validation: number; scope: number };
	apiUsage(): number;
	/** Last SOQL and SOSL texts received. */
	queries: string[];
	searches: string[];
}

export interface SalesforceSimulator {
	baseUrl: string;
	token: string;
	refreshToken: string;
	/** The token endpoint, on this simulator's port. */
	tokenUrl: string;
	/** Sessions, their timeout and the grant's scopes. */
	grant: OAuthGrant;
	/**
	 * After this many more REST requests every session ends (an admin's "end session", or a
	 * policy that logs out at the timeout regardless of use); the refresh token stays valid.
	 */
	endSessionsAfter(requests: number): void;
	state: SalesforceSimState;
	setFault(fault: SimFault): void;
	clearFaults(): void;
	close(): Promise<void>;
}

/** The scopes the package's Salesforce credential asks for. */
export const SALESFORCE_SIM_SCOPES: readonly string[] = ['api', 'refresh_token'];
export const SALESFORCE_SIM_REFRESH_TOKEN = '5Aep861SIMrefreshTOKEN000000000000000000000000000000';

export const SALESFORCE_SIM_TOKEN =
	'00DSIM0000000001!AQ0AQsimulatorSessionToken0000000000000000000000';

export function defaultSalesforceContacts(): SfSimRecord[] {
	return [
		{
			Id: '003SIM000000001AAA',
			FirstName: 'Mei',
			LastName: 'Chan',
			Phone: '+852 9123 4567',
			Email: 'mei.chan@example.com',
		},
		{ Id: '003SIM000000002AAA', FirstName: 'May', LastName: 'Chan', MobilePhone: '91234567' },
		{ Id: '003SIM000000003AAA', LastName: '陳大文', OtherPhone: '(852) 9123-4567' },
		{ Id: '003SIM000000004AAA', FirstName: 'Wei', LastName: 'Lim', MobilePhone: '+65 9123 4567' },
		{
			Id: '003SIM000000005AAA',
			FirstName: 'Wing',
			LastName: "O'Neil",
			HomePhone: '6123-4567',
			Email: "o'neil.ho@example.com",
		},
		{
			Id: '003SIM000000006AAA',
			FirstName: 'Dup',
			LastName: 'One',
			WhatsApp_E164__c: '+85251234567',
		},
		{
			Id: '003SIM000000007AAA',
			FirstName: 'Dup',
			LastName: 'Two',
			WhatsApp_E164__c: '+85251234567',
		},
		{
			Id: '003SIM000000008AAA',
			FirstName: 'Ann',
			LastName: 'Lee',
			Phone: '(415) 555-0132',
			WhatsApp_User_ID__c: 'US.1000000000000001',
		},
	];
}

export function defaultSalesforceFields(): SfSimField[] {
	const f = (
		name: string,
		label: string,
		type: string,
		extra: Partial<SfSimField> = {},
	): SfSimField => ({
		name,
		label,
		type,
		nillable: true,
		createable: true,
		updateable: true,
		defaultedOnCreate: false,
		unique: false,
		externalId: false,
		custom: false,
		picklistValues: [],
		...extra,
	});
	const picklist = (...values: string[]) =>
		values.map((value) => ({ label: value, value, active: true, defaultValue: false }));
	return [
		f('Id', 'Contact ID', 'id', {
			nillable: false,
			createable: false,
			updateable: false,
			defaultedOnCreate: true,
		}),
		f('FirstName', 'First Name', 'string', { length: 40 }),
		f('LastName', 'Last Name', 'string', { length: 80, nillable: false }),
		f('Email', 'Email', 'email', { length: 80 }),
		f('Phone', 'Business Phone', 'phone', { length: 40 }),
		f('MobilePhone', 'Mobile Phone', 'phone', { length: 40 }),
		f('HomePhone', 'Home Phone', 'phone', { length: 40 }),
		f('OtherPhone', 'Other Phone', 'phone', { length: 40 }),
		f('LeadSource', 'Lead Source', 'picklist', {
			length: 255,
			picklistValues: picklist('Web', 'Phone Inquiry', 'Partner Referral', 'WhatsApp'),
		}),
		f('Description', 'Contact Description', 'textarea', { length: 32000 }),
		f('WhatsApp_E164__c', 'WhatsApp E.164', 'string', {
			length: 20,
			externalId: true,
			custom: true,
		}),
		f('Customer_Code__c', 'Customer Code', 'string', {
			length: 20,
			externalId: true,
			unique: true,
			custom: true,
		}),
		f('WhatsApp_User_ID__c', 'WhatsApp User ID', 'string', { length: 64, custom: true }),
		f('WhatsApp_Last_Interaction__c', 'WhatsApp Last Interaction', 'datetime', { custom: true }),
		f('WhatsApp_Interactions__c', 'WhatsApp Interactions', 'double', { custom: true }),
		// A Long Text Area: describe says textarea with its length.
		f('WhatsApp_Tags__c', 'WhatsApp Tags', 'textarea', { length: 32768, custom: true }),
		f('WhatsApp_Marketing_Consent__c', 'WhatsApp Marketing Consent', 'string', {
			length: 16,
			custom: true,
		}),
		f('CreatedDate', 'Created Date', 'datetime', {
			nillable: false,
			createable: false,
			updateable: false,
			defaultedOnCreate: true,
		}),
		f('LastModifiedDate', 'Last Modified Date', 'datetime', {
			nillable: false,
			createable: false,
			updateable: false,
			defaultedOnCreate: true,
		}),
	];
}

const TASK_FIELDS: Record<string, number> = {
	Id: 18,
	WhoId: 18,
	Subject: 255,
	Description: 32000,
	ActivityDate: 10,
	Status: 40,
	TaskSubtype: 40,
	Priority: 40,
	WhatsApp_Message_Id__c: 128,
};
/** ContentVersion fields the simulator knows (VersionData is a blob: writable, never returned by SOQL here). */
const CONTENT_VERSION_FIELDS = [
	'Id',
	'ContentDocumentId',
	'Title',
	'PathOnClient',
	'Description',
	'FirstPublishLocationId',
	'ContentSize',
	'FileExtension',
	'IsLatest',
	'CreatedDate',
	'ContentLocation',
	'ReasonForChange',
];
/** yyyy-MM-ddTHH:mm:ss with optional milliseconds, then Z or an offset (Salesforce's valid dateTime formats). */
const SF_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:?\d\d)$/;
const TASK_SUBTYPES = ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'];

type SfItemError = { statusCode: string; message: string; fields: string[] };
const sfError = (errorCode: string, message: string, fields?: string[]) => [
	{ message, errorCode, ...(fields ? { fields } : {}) },
];

export async function startSalesforceSimulator(
	options: SalesforceSimulatorOptions = {},
): Promise<SalesforceSimulator> {
	const token = options.token ?? SALESFORCE_SIM_TOKEN;
	const grant = new OAuthGrant({
		accessToken: token,
		refreshToken: SALESFORCE_SIM_REFRESH_TOKEN,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		scopes: options.scopes ?? SALESFORCE_SIM_SCOPES,
		lifetimeMs: options.sessionTimeoutMs ?? 2 * 3600_000,
		slidingExpiry: true,
		now: options.tokenClock ?? Date.now,
		mint: (n) => `00DSIM000000001!AQ.refreshed${String(n).padStart(8, '0')}`,
	});
	let sessionsLeft = Number.POSITIVE_INFINITY;
	const version = options.apiVersion ?? 'v62.0';
	const data = `/services/data/${version}`;
	const now = options.now ?? Date.now;
	const dailyLimit = options.dailyLimit ?? 15_000;
	const fields = defaultSalesforceFields().filter(
		(f) => !(options.withoutWhatsAppFields && f.custom && f.name.startsWith('WhatsApp_')),
	);
	const fieldByName = new Map(fields.map((f) => [f.name, f]));
	const faults = new FaultQueue();
	const usage: number[] = Array.from({ length: options.apiUsage ?? 0 }, () => now());
	const indexedAt = new Map<string, number>();
	const cursors = new Map<
		string,
		{ rows: Array<Record<string, unknown>>; offset: number; size: number }
	>();
	let counter = 100;
	const newId = (prefix: string) => `${prefix}SIM${String(counter++).padStart(9, '0')}AAA`;

	const state: SalesforceSimState = {
		contacts: new Map(),
		tasks: new Map(),
		contentVersions: new Map(),
		calls: {},
		rejected: { auth: 0, limit: 0, faults: 0, validation: 0, scope: 0 },
		apiUsage: () => {
			prune();
			return usage.length;
		},
		queries: [],
		searches: [],
	};
	for (const seed of options.contacts ?? defaultSalesforceContacts()) {
		const Id = seed.Id ?? newId('003');
		const at = sfTime(now());
		state.contacts.set(Id, { ...seed, Id, CreatedDate: at, LastModifiedDate: at });
		indexedAt.set(Id, -Infinity);
	}

	function prune(): void {
		while (usage.length > 0 && usage[0] <= now() - DAY_MS) usage.shift();
	}

	const server = await listen(async (req, res) => {
		const key = `${req.method} ${req.url.pathname}`;
		state.calls[key] = (state.calls[key] ?? 0) + 1;
		if (req.url.pathname === '/services/oauth2/token' && req.method === 'POST')
			return tokenEndpoint(req, res);
		if (--sessionsLeft < 0) {
			grant.expireAll();
			sessionsLeft = Number.POSITIVE_INFINITY;
		}
		// An expired or unknown session: 401 INVALID_SESSION_ID "Session expired or invalid"
		// (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
		const presented = bearerOf(req, ['Bearer', 'OAuth']);
		if (presented === undefined || grant.check(presented) !== 'valid') {
			state.rejected.auth++;
			return send(res, 401, sfError('INVALID_SESSION_ID', 'Session expired or invalid'));
		}
		// A token whose connected app lacks the `api` scope ("Manage user data via APIs") is refused by
		// the REST API and Apex REST alike (https://help.salesforce.com/s/articleView?id=005226515).
		if (!grant.hasAny(['api', 'full'])) {
			state.rejected.scope++;
			return send(
				res,
				401,
				sfError('INVALID_SESSION_ID', 'This session is not valid for use with the REST API'),
			);
		}
		prune();
		if (usage.length >= dailyLimit) {
			state.rejected.limit++;
			return send(res, 403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), {
				'Sforce-Limit-Info': `api-usage=${usage.length}/${dailyLimit}`,
			});
		}
		usage.push(now());
		const limitInfo = { 'Sforce-Limit-Info': `api-usage=${usage.length}/${dailyLimit}` };
		if (
			answerFault(faults.take(key), res, (status) =>
				sfError(
					status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION',
					'An unexpected error occurred.',
				),
			)
		) {
			state.rejected.faults++;
			return;
		}
		const reply = (status: number, body?: unknown) => send(res, status, body, limitInfo);
		await route(req, reply);
	});

	type Reply = (status: number, body?: unknown) => void;

	async function route(req: Incoming, reply: Reply): Promise<void> {
		const path = req.url.pathname;
		if (path === `${data}/sobjects/ContentVersion` && req.method === 'POST')
			return insertContentVersion(req, reply);
		if (req.json instanceof Error)
			return reply(400, sfError('JSON_PARSER_ERROR', `Unexpected character: ${req.json.message}`));
		if (path === '/services/apexrest/scrm/merge' && options.apexMerge && req.method === 'POST')
			return apexMerge(req, reply);
		if (!path.startsWith(`${data}/`))
			return reply(404, sfError('NOT_FOUND', 'The requested resource does not exist'));
		const rest = path
			.slice(data.length + 1)
			.split('/')
			.map(decodeURIComponent);
		if (rest[0] === 'query' && req.method === 'GET')
			return rest[1] ? nextPage(rest[1], reply) : soql(req, reply);
		if (rest[0] === 'search' && req.method === 'GET') return sosl(req, reply);
		if (
			rest[0] === 'sobjects' &&
			rest[1] === 'Contact' &&
			rest[2] === 'describe' &&
			req.method === 'GET'
		)
			return reply(200, { name: 'Contact', label: 'Contact', fields });
		if (
			rest[0] === 'sobjects' &&
			rest[1] === 'Contact' &&
			rest.length === 4 &&
			req.method === 'PATCH'
		)
			return upsertSingle(rest[2], rest[3], req, reply);
		// Retrieve a record by external id: the record (`fields` picks them), 300 with the matches'
		// URLs when several share the value, 404 NOT_FOUND when none
		// (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm).
		if (
			rest[0] === 'sobjects' &&
			rest[1] === 'Contact' &&
			rest.length === 4 &&
			req.method === 'GET' &&
			fieldByName.get(rest[2])?.externalId
		) {
			const matches = [...state.contacts.values()].filter(
				(r) => String(r[rest[2]] ?? '').toLowerCase() === rest[3].toLowerCase(),
			);
			if (matches.length > 1)
				return reply(
					300,
					matches.map((r) => `${data}/sobjects/Contact/${r.Id}`),
				);
			if (matches.length === 0)
				return reply(404, sfError('NOT_FOUND', 'The requested resource does not exist'));
			const wanted = req.url.searchParams.get('fields');
			const record = matches[0];
			return reply(200, {
				attributes: { type: 'Contact', url: `${data}/sobjects/Contact/${record.Id}` },
				...(wanted
					? Object.fromEntries(
							['Id', ...wanted.split(',')].map((name) => [name, record[name] ?? null]),
						)
					: record),
			});
		}
		if (rest[0] === 'composite' && rest[1] === 'sobjects') {
			if (rest.length === 2 && req.method === 'POST') return collection(req, reply, 'create');
			if (rest.length === 2 && req.method === 'PATCH') return collection(req, reply, 'update');
			if (rest.length === 4 && req.method === 'PATCH')
				return collection(req, reply, 'upsert', rest[2], rest[3]);
		}
		return reply(404, sfError('NOT_FOUND', 'The requested resource does not exist'));
	}

	function table(object: string): Map<string, SfSimRecord> | undefined {
		return object === 'Contact'
			? state.contacts
			: object === 'Task'
				? state.tasks
				: object === 'ContentVersion'
					? state.contentVersions
					: undefined;
	}

	function knownField(object: string, name: string): boolean {
		if (object === 'ContentVersion') return CONTENT_VERSION_FIELDS.includes(name);
		return object === 'Contact' ? fieldByName.has(name) : name in TASK_FIELDS;
	}

	/** `POST /sobjects/ContentVersion`: multipart (entity_content JSON, then VersionData) or JSON with base64. */
	function insertContentVersion(req: Incoming, reply: Reply): void {
		let entity: Record<string, unknown>;
		let bytes: Buffer;
		if (/^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''))) {
			const parts = parseMultipart(req);
			if (parts instanceof Error) {
				state.rejected.validation++;
				return reply(
					400,
					sfError('MALFORMED_REQUEST', `Unable to parse the multipart request: ${parts.message}`),
				);
			}
			const json = parts.find((part) => part.name.startsWith('entity_'));
			const blob = parts.find((part) => part.name === 'VersionData');
			try {
				entity = JSON.parse(json?.data.toString('utf8') ?? '');
			} catch {
				state.rejected.validation++;
				return reply(
					400,
					sfError(
						'JSON_PARSER_ERROR',
						'The first part of a multipart request must be the record as JSON (entity_content)',
					),
				);
			}
			if (!blob) {
				state.rejected.validation++;
				return reply(
					400,
					sfError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [VersionData]', [
						'VersionData',
					]),
				);
			}
			bytes = blob.data;
		} else {
			if (req.json instanceof Error || typeof req.json !== 'object' || req.json === null)
				return reply(400, sfError('JSON_PARSER_ERROR', 'Unexpected character in the request body'));
			entity = req.json as Record<string, unknown>;
			const encoded = String(entity.VersionData ?? '');
			if (encoded.length > BASE64_MAX_CHARS) {
				state.rejected.validation++;
				// Assumption: the code for a base64 body over 37.5 MB; Salesforce documents the limit, not the error.
				return reply(
					400,
					sfError(
						'STRING_TOO_LONG',
						'VersionData: base64 data over 37.5 MB; send the file as multipart',
						['VersionData'],
					),
				);
			}
			bytes = Buffer.from(encoded, 'base64');
		}
		const missing = ['PathOnClient'].filter((name) => !entity[name]);
		if (bytes.length === 0) missing.push('VersionData');
		if (missing.length > 0) {
			state.rejected.validation++;
			return reply(
				400,
				sfError(
					'REQUIRED_FIELD_MISSING',
					`Required fields are missing: [${missing.join(', ')}]`,
					missing,
				),
			);
		}
		const unknown = Object.keys(entity).filter(
			(name) => name !== 'VersionData' && !CONTENT_VERSION_FIELDS.includes(name),
		);
		if (unknown.length > 0)
			return reply(
				400,
				sfError(
					'INVALID_FIELD',
					`No such column '${unknown[0]}' on sobject of type ContentVersion`,
				),
			);
		if (bytes.length > (options.maxFileBytes ?? SALESFORCE_SIM_MAX_FILE_BYTES)) {
			state.rejected.validation++;
			// Assumption: Salesforce documents the size, not this answer.
			return reply(
				413,
				sfError(
					'REQUEST_ENTITY_TOO_LARGE',
					`The file is ${bytes.length} bytes, over the maximum ContentVersion size of ${options.maxFileBytes ?? SALESFORCE_SIM_MAX_FILE_BYTES}`,
				),
			);
		}
		const location = entity.FirstPublishLocationId;
		if (location !== undefined && !state.contacts.has(String(location))) {
			state.rejected.validation++;
			// Assumption: the wording Salesforce uses for a FirstPublishLocationId that names no record.
			return reply(
				400,
				sfError(
					'FIELD_INTEGRITY_EXCEPTION',
					`First Publish Location ID: id value of incorrect type: ${String(location)}`,
					['FirstPublishLocationId'],
				),
			);
		}
		for (const [name, max] of [
			['Title', 255],
			['PathOnClient', 500],
			['Description', 1000],
		] as const) {
			if (typeof entity[name] === 'string' && (entity[name] as string).length > max)
				return reply(
					400,
					sfError('STRING_TOO_LONG', `${name}: data value too large (max length=${max})`, [name]),
				);
		}
		const Id = newId('068');
		const pathOnClient = String(entity.PathOnClient);
		state.contentVersions.set(Id, {
			Id,
			ContentDocumentId: newId('069'),
			Title: String(entity.Title ?? pathOnClient.replace(/\.[^.]*$/, '')),
			PathOnClient: pathOnClient,
			Description: entity.Description ?? null,
			FirstPublishLocationId: location ?? null,
			ContentSize: bytes.length,
			FileExtension: /\.([^.]+)$/.exec(pathOnClient)?.[1].toLowerCase() ?? null,
			IsLatest: true,
			CreatedDate: sfTime(now()),
			VersionData: Buffer.from(bytes),
		});
		reply(201, { id: Id, success: true, errors: [] });
	}

	function soql(req: Incoming, reply: Reply): void {
		const q = req.url.searchParams.get('q') ?? '';
		state.queries.push(q);
		let query: SoqlQuery;
		try {
			query = parseSoql(q);
		} catch (e) {
			state.rejected.validation++;
			return reply(400, sfError('MALFORMED_QUERY', (e as Error).message));
		}
		const rows = table(query.object);
		if (!rows)
			return reply(
				400,
				sfError('INVALID_TYPE', `sObject type '${query.object}' is not supported.`),
			);
		for (const name of [...query.fields, ...whereFields(query.where), ...query.orderBy]) {
			if (!knownField(query.object, name))
				return reply(
					400,
					sfError('INVALID_FIELD', `No such column '${name}' on entity '${query.object}'.`),
				);
		}
		let result = [...rows.values()].filter((r) => !query.where || evaluate(query.where, r));
		if (query.orderBy.length > 0)
			result.sort(
				(a, b) =>
					query.orderBy
						.map((f) => String(a[f] ?? '').localeCompare(String(b[f] ?? '')))
						.find((c) => c !== 0) ?? 0,
			);
		if (query.limit !== undefined) result = result.slice(0, query.limit);
		const projected = result.map((r) => project(query.object, r, query.fields));
		const size = Math.min(
			2000,
			Math.max(
				200,
				Number(
					/batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''))?.[1] ?? 2000,
				),
			),
		);
		pageOut(projected, 0, size, reply);
	}

	function pageOut(
		rows: Array<Record<string, unknown>>,
		offset: number,
		size: number,
		reply: Reply,
	): void {
		const records = rows.slice(offset, offset + size);
		const done = offset + size >= rows.length;
		const body: Record<string, unknown> = { totalSize: rows.length, done, records };
		if (!done) {
			const cursor = `01gSIM${String(counter++).padStart(9, '0')}-${offset + size}`;
			cursors.set(cursor, { rows, offset: offset + size, size });
			body.nextRecordsUrl = `${data}/query/${cursor}`;
		}
		reply(200, body);
	}

	function nextPage(cursor: string, reply: Reply): void {
		const page = cursors.get(cursor);
		if (!page) return reply(400, sfError('INVALID_QUERY_LOCATOR', 'invalid query locator'));
		cursors.delete(cursor);
		pageOut(page.rows, page.offset, page.size, reply);
	}

	function project(object: string, record: SfSimRecord, names: string[]): Record<string, unknown> {
		const out: Record<string, unknown> = {
			attributes: { type: object, url: `${data}/sobjects/${object}/${record.Id}` },
		};
		for (const name of names) out[name] = record[name] ?? null;
		return out;
	}

	function sosl(req: Incoming, reply: Reply): void {
		const q = req.url.searchParams.get('q') ?? '';
		state.searches.push(q);
		const m =
			/^FIND\s*\{(.*)\}\s+IN\s+(PHONE|EMAIL|ALL)\s+FIELDS\s+RETURNING\s+Contact\s*\(([^)]*)\)(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(
				q,
			);
		if (!m) {
			state.rejected.validation++;
			return reply(
				400,
				sfError(
					'MALFORMED_SEARCH',
					'This subset of SOSL is FIND {…} IN PHONE|EMAIL|ALL FIELDS RETURNING Contact(…) [LIMIT n]',
				),
			);
		}
		const terms = m[1].split(/\s+OR\s+/i).map((t) => t.trim().replace(/^"(.*)"$/, '$1'));
		// The reserved characters must be escaped; unescaped they are operators.
		if (terms.some((t) => /(^|[^\\])[?&|!{}[\]()^~*:"'+-]/.test(t)))
			return reply(
				400,
				sfError('MALFORMED_SEARCH', 'reserved character in the search term must be escaped'),
			);
		if (terms.some((t) => t.replace(/\\/g, '').length < 2))
			return reply(
				400,
				sfError('MALFORMED_SEARCH', 'search term must be longer than one character'),
			);
		const names = m[3]
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
		for (const name of names)
			if (!fieldByName.has(name))
				return reply(
					400,
					sfError('INVALID_FIELD', `No such column '${name}' on entity 'Contact'.`),
				);
		const scope = m[2].toUpperCase();
		const visible = [...state.contacts.values()].filter(
			(r) => now() - (indexedAt.get(r.Id) ?? 0) >= (options.searchLagMs ?? 0),
		);
		const hits = visible.filter((record) =>
			terms.some((term) => {
				const plain = term.replace(/\\/g, '');
				if (scope === 'PHONE') {
					// Assumption: phone search compares the digits, whatever the punctuation, and the whole number.
					const wanted = digits(plain);
					return fields.some(
						(f) => f.type === 'phone' && wanted !== '' && digits(record[f.name]) === wanted,
					);
				}
				const group = fields.filter((f) =>
					scope === 'EMAIL'
						? f.type === 'email'
						: ['string', 'email', 'phone', 'textarea'].includes(f.type),
				);
				return group.some((f) =>
					String(record[f.name] ?? '')
						.toLowerCase()
						.includes(plain.toLowerCase()),
				);
			}),
		);
		const limit = Math.min(2000, Number(m[4] ?? 2000));
		reply(200, { searchRecords: hits.slice(0, limit).map((r) => project('Contact', r, names)) });
	}

	/** The record's errors on create or update, Salesforce style. */
	function validate(
		object: string,
		input: Record<string, unknown>,
		existing?: SfSimRecord,
	): SfItemError[] {
		const errors: SfItemError[] = [];
		if (object === 'Task') {
			const whoId = input.WhoId ?? existing?.WhoId;
			if (!whoId || !state.contacts.has(String(whoId)))
				errors.push({
					statusCode: 'FIELD_INTEGRITY_EXCEPTION',
					message: 'Name ID: id value of incorrect type or not found',
					fields: ['WhoId'],
				});
			for (const [name, max] of Object.entries(TASK_FIELDS)) {
				if (typeof input[name] === 'string' && (input[name] as string).length > max)
					errors.push({
						statusCode: 'STRING_TOO_LONG',
						message: `${name}: data value too large (max length=${max})`,
						fields: [name],
					});
			}
			if (input.TaskSubtype !== undefined && !TASK_SUBTYPES.includes(String(input.TaskSubtype)))
				errors.push({
					statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
					message: `Task Subtype: bad value for restricted picklist field: ${String(input.TaskSubtype)}`,
					fields: ['TaskSubtype'],
				});
			if (existing && input.TaskSubtype !== undefined)
				errors.push({
					statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
					message: 'Unable to create/update fields: TaskSubtype.',
					fields: ['TaskSubtype'],
				});
			return errors;
		}
		for (const [name, value] of Object.entries(input)) {
			const field = fieldByName.get(name)!;
			if (name === 'Id') continue;
			if (!(existing ? field.updateable : field.createable)) {
				errors.push({
					statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
					message: `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
					fields: [name],
				});
				continue;
			}
			if (value === null || value === '') continue;
			if (field.type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value)))
				errors.push({
					statusCode: 'INVALID_EMAIL_ADDRESS',
					message: `Email: invalid email address: ${String(value)}`,
					fields: [name],
				});
			// Assumption: a value of the wrong kind is refused per record; Salesforce may instead refuse the
			// whole request while reading it (JSON_PARSER_ERROR), which the adapter reports the same way.
			if (
				(field.type === 'double' &&
					!Number.isFinite(typeof value === 'boolean' ? NaN : Number(value))) ||
				(field.type === 'datetime' && !SF_DATETIME.test(String(value)))
			)
				errors.push({
					statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
					message: `${field.label}: value not of required type: ${String(value)}`,
					fields: [name],
				});
			if (field.length && typeof value === 'string' && value.length > field.length)
				errors.push({
					statusCode: 'STRING_TOO_LONG',
					message: `${field.label}: data value too large: ${value} (max length=${field.length})`,
					fields: [name],
				});
			if (field.unique) {
				const other = [...state.contacts.values()].find(
					(r) =>
						r.Id !== existing?.Id &&
						String(r[name] ?? '').toLowerCase() === String(value).toLowerCase(),
				);
				if (other)
					errors.push({
						statusCode: 'DUPLICATE_VALUE',
						message: `duplicate value found: ${name} duplicates value on record with id: ${other.Id}`,
						fields: [],
					});
			}
		}
		for (const field of fields) {
			if (!field.nillable && field.createable && !field.defaultedOnCreate) {
				const value = field.name in input ? input[field.name] : existing?.[field.name];
				if (value === undefined || value === null || value === '')
					errors.push({
						statusCode: 'REQUIRED_FIELD_MISSING',
						message: `Required fields are missing: [${field.name}]`,
						fields: [field.name],
					});
			}
		}
		return errors;
	}

	function save(
		object: string,
		input: Record<string, unknown>,
		existing?: SfSimRecord,
	): SfSimRecord {
		const at = sfTime(now());
		const rows = table(object)!;
		const record: SfSimRecord = existing ?? {
			Id: newId(object === 'Contact' ? '003' : '00T'),
			CreatedDate: at,
		};
		Object.assign(record, object === 'Contact' ? stored(input) : input, {
			Id: record.Id,
			LastModifiedDate: at,
		});
		if (object === 'Task' && record.Status === undefined) record.Status = 'Not Started';
		rows.set(record.Id, record);
		indexedAt.set(record.Id, now());
		return record;
	}

	/** Values as Salesforce returns them: numbers as numbers, DateTime in UTC with milliseconds. */
	function stored(input: Record<string, unknown>): Record<string, unknown> {
		const out: Record<string, unknown> = { ...input };
		for (const [name, value] of Object.entries(out)) {
			const type = fieldByName.get(name)?.type;
			if (value === null || value === '' || value === undefined) continue;
			if (type === 'double') out[name] = Number(value);
			if (type === 'datetime')
				out[name] = sfTime(Date.parse(String(value).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
		}
		return out;
	}

	function collection(
		req: Incoming,
		reply: Reply,
		op: 'create' | 'update' | 'upsert',
		object?: string,
		extField?: string,
	): void {
		const body = req.json as
			{ allOrNone?: boolean; records?: Array<Record<string, unknown>> } | undefined;
		const records = body?.records;
		if (!Array.isArray(records) || records.length === 0)
			return reply(400, sfError('INVALID_FIELD', 'records: must not be empty'));
		if (records.length > 200) {
			state.rejected.validation++;
			// Assumption: the code for more than 200 records is not documented.
			return reply(
				400,
				sfError('EXCEEDED_MAX_SIZE_REQUEST', 'Maximum number of records allowed is 200.'),
			);
		}
		// Unknown fields fail the whole request while it is read, before any record is saved.
		for (const record of records) {
			const type = (record.attributes as { type?: string } | undefined)?.type;
			if (!type || !table(type) || (object && type !== object))
				return reply(
					400,
					sfError(
						'INVALID_TYPE',
						`Must send a concrete entity type (attributes.type), got ${String(type)}.`,
					),
				);
			for (const field of Object.keys(record)) {
				if (field !== 'attributes' && !knownField(type, field)) {
					state.rejected.validation += records.length;
					return reply(
						400,
						sfError('INVALID_FIELD', `No such column '${field}' on sobject of type ${type}`),
					);
				}
			}
		}
		if (
			extField &&
			!(object === 'Task' ? extField in TASK_FIELDS : fieldByName.get(extField)?.externalId)
		) {
			return reply(
				400,
				sfError(
					'INVALID_FIELD',
					`Field ${extField} is not an external id field or indexed field for ${String(object)}`,
				),
			);
		}
		const snapshot = new Map([...state.contacts].map(([k, v]) => [k, { ...v }]));
		const taskSnapshot = new Map([...state.tasks].map(([k, v]) => [k, { ...v }]));
		const seenKeys = new Map<string, number>();
		if (extField)
			for (const r of records)
				seenKeys.set(
					String(r[extField] ?? '').toLowerCase(),
					(seenKeys.get(String(r[extField] ?? '').toLowerCase()) ?? 0) + 1,
				);
		const results = records.map((raw) => {
			const { attributes, ...input } = raw;
			const type = (attributes as { type: string }).type;
			const rows = table(type)!;
			const fail = (errors: SfItemError[]) => ({ id: null, success: false, errors });
			if (op === 'update') {
				const existing = rows.get(String(input.Id ?? ''));
				if (!input.Id)
					return fail([
						{
							statusCode: 'MISSING_ARGUMENT',
							message: 'Id not specified in an update call',
							fields: [],
						},
					]);
				if (!existing)
					return fail([
						{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] },
					]);
				const errors = validate(type, input, existing);
				return errors.length
					? fail(errors)
					: { id: save(type, input, existing).Id, success: true, errors: [] };
			}
			if (op === 'upsert') {
				const value = String(input[extField!] ?? '');
				if (!value)
					return fail([
						{ statusCode: 'MISSING_ARGUMENT', message: `${extField} not specified`, fields: [] },
					]);
				if ((seenKeys.get(value.toLowerCase()) ?? 0) > 1)
					return fail([
						{
							statusCode: 'DUPLICATE_EXTERNAL_ID',
							message: `Duplicate external id specified: ${value}`,
							fields: [extField!],
						},
					]);
				const matches = [...rows.values()].filter(
					(r) => String(r[extField!] ?? '').toLowerCase() === value.toLowerCase(),
				);
				// Assumption: several matching records give DUPLICATE_EXTERNAL_ID per record, as SOAP upsert() does.
				if (matches.length > 1)
					return fail([
						{
							statusCode: 'DUPLICATE_EXTERNAL_ID',
							message: `Duplicate external id specified: ${value}`,
							fields: [extField!],
						},
					]);
				const errors = validate(type, input, matches[0]);
				if (errors.length) return fail(errors);
				return {
					id: save(type, input, matches[0]).Id,
					success: true,
					errors: [],
					created: matches.length === 0,
				};
			}
			if (input.Id)
				return fail([
					{
						statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
						message: 'cannot specify Id in an insert call',
						fields: ['Id'],
					},
				]);
			const errors = validate(type, input);
			return errors.length ? fail(errors) : { id: save(type, input).Id, success: true, errors: [] };
		});
		const failed = results.filter((r) => !r.success).length;
		state.rejected.validation += failed;
		if (body!.allOrNone && failed > 0) {
			state.contacts = snapshot;
			state.tasks = taskSnapshot;
			return reply(
				200,
				results.map((r) =>
					r.success
						? {
								id: null,
								success: false,
								errors: [
									{
										statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
										message:
											'Record rolled back because not all records were valid and the request was using AllOrNone header',
										fields: [],
									},
								],
							}
						: r,
				),
			);
		}
		reply(200, results);
	}

	function upsertSingle(extField: string, value: string, req: Incoming, reply: Reply): void {
		if (!fieldByName.get(extField)?.externalId)
			return reply(
				400,
				sfError(
					'NOT_FOUND',
					`Provided external ID field does not exist or is not accessible: ${extField}`,
				),
			);
		const input = (req.json ?? {}) as Record<string, unknown>;
		if (extField in input || 'Id' in input)
			return reply(
				400,
				sfError(
					'INVALID_FIELD',
					`Unable to create/update fields: ${extField in input ? extField : 'Id'}. The external ID or Id must not be in the body.`,
				),
			);
		for (const field of Object.keys(input))
			if (field !== 'attributes' && !fieldByName.has(field))
				return reply(
					400,
					sfError('INVALID_FIELD', `No such column '${field}' on sobject of type Contact`),
				);
		const matches = [...state.contacts.values()].filter(
			(r) => String(r[extField] ?? '').toLowerCase() === value.toLowerCase(),
		);
		if (matches.length > 1)
			return reply(
				300,
				matches.map((r) => `${data}/sobjects/Contact/${r.Id}`),
			);
		const { attributes: _attributes, ...fieldsIn } = input;
		const record = { ...fieldsIn, [extField]: value };
		const errors = validate('Contact', record, matches[0]);
		if (errors.length)
			return reply(
				400,
				errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
			);
		const saved = save('Contact', record, matches[0]);
		// Before API version 46.0 an update answers 204 No Content, and neither answer has `created`
		// (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm).
		if (Number(version.replace(/^v/, '')) < 46) {
			if (matches.length > 0) return reply(204);
			return reply(201, { id: saved.Id, success: true, errors: [] });
		}
		reply(matches.length === 0 ? 201 : 200, {
			id: saved.Id,
			success: true,
			errors: [],
			created: matches.length === 0,
		});
	}

	function apexMerge(req: Incoming, reply: Reply): void {
		const { survivorId, absorbedIds } = (req.json ?? {}) as {
			survivorId?: string;
			absorbedIds?: string[];
		};
		const master = state.contacts.get(String(survivorId));
		if (!master) return reply(400, sfError('INVALID_ID_FIELD', 'master record not found'));
		if (!Array.isArray(absorbedIds) || absorbedIds.length === 0 || absorbedIds.length > 2)
			return reply(
				400,
				sfError('INVALID_FIELD', 'Database.merge takes one or two records to merge'),
			);
		const results = absorbedIds.map((id) => {
			const victim = state.contacts.get(id);
			if (!victim)
				return {
					id,
					success: false,
					errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }],
				};
			for (const task of state.tasks.values()) if (task.WhoId === id) task.WhoId = master.Id;
			// Blank master fields take the victim's value, as the merge UI offers by default.
			for (const [k, v] of Object.entries(victim))
				if (master[k] === undefined || master[k] === null || master[k] === '') master[k] = v;
			state.contacts.delete(id);
			return { id, success: true, errors: [] };
		});
		master.LastModifiedDate = sfTime(now());
		reply(200, { results });
	}

	/**
	 * The refresh token flow: `grant_type=refresh_token`, `refresh_token`, `client_id` (and the secret,
	 * in the body or a Basic header), answered with access_token, signature, scope, instance_url, id,
	 * token_type and issued_at, and no expires_in (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm).
	 * Refusals are 400 `invalid_grant` / `invalid_client`.
	 */
	function tokenEndpoint(req: Incoming, res: import('node:http').ServerResponse): void {
		const result = grant.hasAny(['refresh_token', 'offline_access'])
			? grant.refresh(refreshRequestOf(req))
			: ({ ok: false, why: 'refresh_token' } as const);
		if (!result.ok)
			return send(
				res,
				400,
				result.why === 'client'
					? { error: 'invalid_client', error_description: 'invalid client credentials' }
					: result.why === 'grant_type'
						? { error: 'unsupported_grant_type', error_description: 'grant type not supported' }
						: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
			);
		send(res, 200, {
			access_token: result.accessToken,
			signature: Buffer.from(result.accessToken).toString('base64'),
			scope: grant.granted().join(' '),
			instance_url: server.baseUrl,
			id: `${server.baseUrl}/id/00DSIM000000001/005SIM000000001`,
			token_type: 'Bearer',
			issued_at: String(Date.now()),
		});
	}

	return {
		baseUrl: server.baseUrl,
		token,
		refreshToken: SALESFORCE_SIM_REFRESH_TOKEN,
		tokenUrl: `${server.baseUrl}/services/oauth2/token`,
		grant,
		endSessionsAfter: (requests) => {
			sessionsLeft = requests;
		},
		get state() {
			return state;
		},
		setFault: (fault) => faults.add(fault),
		clearFaults: () => faults.clear(),
		close: server.close,
	};
}

/** Salesforce's timestamps: UTC, milliseconds, offset without a colon (`2024-05-01T10:00:00.000+0000`). */
export function sfTime(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '+0000');
}

// ---------------------------------------------------------------------------------------------
// SOQL subset
// ---------------------------------------------------------------------------------------------

type Where =
	| { op: '=' | '!='; field: string; value: string | null }
	| { op: 'IN'; field: string; values: string[] }
	| { op: 'LIKE'; field: string; pattern: RegExp }
	| { op: 'AND' | 'OR'; parts: Where[] };

interface SoqlQuery {
	fields: string[];
	object: string;
	where?: Where;
	orderBy: string[];
	limit?: number;
}

type Token = { t: 'id' | 'str' | 'num' | 'sym'; v: string };

// Escaped LIKE wildcards, kept apart from real ones until the pattern is built.
const LITERAL_PERCENT = '\uE000';
const LITERAL_UNDERSCORE = '\uE001';

function tokenize(q: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < q.length) {
		const c = q[i];
		if (/\s/.test(c)) i++;
		else if (c === "'") {
			let v = '';
			i++;
			for (;;) {
				if (i >= q.length) throw new Error('unterminated string literal');
				const ch = q[i];
				if (ch === '\\') {
					const next = q[i + 1];
					const map: Record<string, string> = {
						n: '\n',
						r: '\r',
						t: '\t',
						b: '\b',
						f: '\f',
						'"': '"',
						"'": "'",
						'\\': '\\',
						'%': LITERAL_PERCENT,
						_: LITERAL_UNDERSCORE,
					};
					if (!(next in map)) throw new Error(`invalid escape sequence \\${next}`);
					v += map[next];
					i += 2;
				} else if (ch === "'") {
					i++;
					break;
				} else {
					v += ch;
					i++;
				}
			}
			tokens.push({ t: 'str', v });
		} else if (/[A-Za-z_]/.test(c)) {
			const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i))![0];
			tokens.push({ t: 'id', v: m });
			i += m.length;
		} else if (/\d/.test(c)) {
			const m = /^\d+/.exec(q.slice(i))![0];
			tokens.push({ t: 'num', v: m });
			i += m.length;
		} else if (q.startsWith('!=', i)) {
			tokens.push({ t: 'sym', v: '!=' });
			i += 2;
		} else if ('(),='.includes(c)) {
			tokens.push({ t: 'sym', v: c });
			i++;
		} else throw new Error(`unexpected character '${c}'`);
	}
	return tokens;
}

export function parseSoql(q: string): SoqlQuery {
	const tokens = tokenize(q);
	let pos = 0;
	const peek = () => tokens[pos];
	const isWord = (w: string) => peek()?.t === 'id' && peek().v.toUpperCase() === w;
	const word = (w: string) => {
		if (!isWord(w)) throw new Error(`expected ${w} at token ${pos}`);
		pos++;
	};
	const sym = (s: string) => {
		if (peek()?.t !== 'sym' || peek().v !== s) throw new Error(`expected '${s}' at token ${pos}`);
		pos++;
	};
	const ident = () => {
		if (peek()?.t !== 'id') throw new Error(`expected a field name at token ${pos}`);
		return tokens[pos++].v;
	};
	const literal = (): string | null => {
		const tok = tokens[pos++];
		if (tok?.t === 'str') return tok.v;
		if (tok?.t === 'id' && tok.v.toLowerCase() === 'null') return null;
		if (tok?.t === 'num') return tok.v;
		throw new Error(`expected a literal at token ${pos - 1}`);
	};

	word('SELECT');
	const fields = [ident()];
	while (peek()?.v === ',') {
		pos++;
		fields.push(ident());
	}
	word('FROM');
	const object = ident();

	const condition = (): Where => {
		if (peek()?.v === '(') {
			pos++;
			const inner = expression();
			sym(')');
			return inner;
		}
		const field = ident();
		if (peek()?.v === '=' || peek()?.v === '!=') {
			const op = tokens[pos++].v as '=' | '!=';
			return { op, field, value: literal() };
		}
		if (isWord('IN')) {
			pos++;
			sym('(');
			const values = [String(literal())];
			while (peek()?.v === ',') {
				pos++;
				values.push(String(literal()));
			}
			sym(')');
			return { op: 'IN', field, values };
		}
		if (isWord('LIKE')) {
			pos++;
			return { op: 'LIKE', field, pattern: likePattern(String(literal())) };
		}
		throw new Error(`expected an operator after ${field}`);
	};
	const expression = (): Where => {
		const parts = [condition()];
		let join: 'AND' | 'OR' | undefined;
		while (isWord('AND') || isWord('OR')) {
			const next = tokens[pos++].v.toUpperCase() as 'AND' | 'OR';
			// SOQL refuses mixing AND and OR without parentheses.
			if (join && join !== next)
				throw new Error('unexpected token: mix AND and OR only with parentheses');
			join = next;
			parts.push(condition());
		}
		return parts.length === 1 ? parts[0] : { op: join!, parts };
	};

	const query: SoqlQuery = { fields, object, orderBy: [] };
	if (isWord('WHERE')) {
		pos++;
		query.where = expression();
	}
	if (isWord('ORDER')) {
		pos++;
		word('BY');
		query.orderBy.push(ident());
		while (peek()?.v === ',') {
			pos++;
			query.orderBy.push(ident());
		}
	}
	if (isWord('LIMIT')) {
		pos++;
		query.limit = Number(literal());
	}
	if (pos !== tokens.length) throw new Error(`unexpected token '${peek().v}'`);
	return query;
}

function likePattern(value: string): RegExp {
	let source = '';
	for (const ch of value) {
		if (ch === '%') source += '.*';
		else if (ch === '_') source += '.';
		else if (ch === LITERAL_PERCENT) source += '%';
		else if (ch === LITERAL_UNDERSCORE) source += '_';
		else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${source}$`, 'is');
}

function plain(value: string): string {
	return value.replaceAll(LITERAL_PERCENT, '%').replaceAll(LITERAL_UNDERSCORE, '_');
}

function whereFields(where: Where | undefined): string[] {
	if (!where) return [];
	return 'parts' in where ? where.parts.flatMap(whereFields) : [where.field];
}

/** SOQL compares text case-insensitively. */
function evaluate(where: Where, record: Record<string, unknown>): boolean {
	if ('parts' in where)
		return where.op === 'AND'
			? where.parts.every((p) => evaluate(p, record))
			: where.parts.some((p) => evaluate(p, record));
	const stored = record[where.field];
	const text = stored === undefined || stored === null ? null : String(stored).toLowerCase();
	if (where.op === 'LIKE') return text !== null && where.pattern.test(String(stored));
	if (where.op === 'IN')
		return text !== null && where.values.some((v) => plain(v).toLowerCase() === text);
	const value = where.value === null ? null : plain(where.value).toLowerCase();
	return where.op === '=' ? text === value : text !== value;
}
