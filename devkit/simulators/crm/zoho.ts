/**
 * A loopback simulator of Zoho CRM's REST API v8 (Contacts, Notes, field metadata, merge),
 * following Zoho's documented contract closely enough to test the adapter without Zoho:
 * `Zoho-oauthtoken` auth and its 401 bodies, 100-record writes with per-record answers
 * (200/201 all good, 207 mixed, 400 all failed), validation (INVALID_DATA, MANDATORY_NOT_FOUND,
 * DUPLICATE_DATA on unique fields), search with at most 10 criteria and 204 when empty, API
 * credits in a rolling 24 h and the concurrency limit by edition (429 TOO_MANY_REQUESTS), merge
 * (immediate or SCHEDULED), attachments (multipart `file`, 20 MB at most, listed with `fields`),
 * and scripted faults.
 *
 * OAuth as Zoho documents it: access tokens live one hour and are renewed at the accounts server's
 * `POST /oauth/v2/token` with `grant_type=refresh_token` (served here on the same port); every
 * endpoint checks the token's scopes and answers 401 OAUTH_SCOPE_MISMATCH without the one it needs.
 *
 * Plain node:http. Where Zoho does not document a behaviour, the choice made is marked "Assumption".
 */
import type http from 'node:http';

import { ZohoScrmOAuth2Api } from '../../../credentials/ZohoScrmOAuth2Api.credentials';
import { answerFault, FaultQueue, listen, parseMultipart, send, sleep } from './common';
import type { Incoming, SimFault } from './common';
import { bearerOf, OAuthGrant, refreshRequestOf } from './oauth';

export type ZohoSimEdition = 'free' | 'standard' | 'professional' | 'enterprise' | 'ultimate';

const CONCURRENCY: Record<ZohoSimEdition, number> = {
	free: 5,
	standard: 10,
	professional: 15,
	enterprise: 20,
	ultimate: 25,
};
/** The base allocation per edition without user licences (Zoho: Free 5,000; others 50,000 + per-user credits). */
const CREDITS: Record<ZohoSimEdition, number> = {
	free: 5000,
	standard: 50_000,
	professional: 50_000,
	enterprise: 50_000,
	ultimate: 50_000,
};
const SUB_CONCURRENCY = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const ROOT = '/crm/v8';
/** Zoho's attachment pages: 20 MB per file (v2's page says 100 MB; the simulator keeps the stricter). */
export const ZOHO_SIM_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface ZohoSimField {
	api_name: string;
	field_label: string;
	data_type: string;
	custom_field: boolean;
	read_only: boolean;
	system_mandatory: boolean;
	length?: number;
	unique?: { casesensitive: string } | null;
	pick_list_values?: Array<{ display_value: string; actual_value: string }>;
}

export type ZohoSimRecord = Record<string, unknown> & { id: string };

export interface ZohoSimNote {
	id: string;
	Note_Title: string;
	Note_Content: string;
	Parent_Id: { module: { api_name: string }; id: string };
	Created_Time: string;
	Modified_Time: string;
}

export interface ZohoSimAttachment {
	id: string;
	File_Name: string;
	Size: string;
	Parent_Id: { module: { api_name: string }; id: string };
	Created_Time: string;
	Modified_Time: string;
	contentType: string;
	data: Buffer;
}

export interface ZohoSimulatorOptions {
	/** Accepted access token. Default `ZOHO_SIM_TOKEN`. */
	token?: string;
	/** The grant's scopes. Default ZOHO_SIM_SCOPES (what the package's credential asks for). */
	scopes?: string[];
	/**
	 * How long an access token lives. Default one hour, as Zoho documents: "access token ... valid
	 * for an hour" (https://www.zoho.com/crm/developer/docs/api/v8/token-validity.html).
	 */
	tokenLifetimeMs?: number;
	/** The clock tokens expire by (apart from `now`, so that credit-window tests keep their tokens). Default Date.now. */
	tokenClock?: () => number;
	/** The OAuth client a refresh must come from; default any. */
	clientId?: string;
	clientSecret?: string;
	/** Sets concurrency and the default credits. Default 'standard'. */
	edition?: ZohoSimEdition;
	concurrency?: number;
	/** API credits per rolling 24 h. */
	credits?: number;
	/** Time spent on each request before answering, so that requests overlap. Default 0. */
	latencyMs?: number;
	/** Clock for the credit window and timestamps. Default Date.now. */
	now?: () => number;
	/** Contacts to start with; default `defaultZohoContacts()`. */
	contacts?: Array<Omit<ZohoSimRecord, 'id'> & { id?: string }>;
	/** 'scheduled' answers merges with SCHEDULED and finishes the job at the first status check. */
	mergeMode?: 'immediate' | 'scheduled';
	/** The largest attachment taken. Default ZOHO_SIM_MAX_ATTACHMENT_BYTES. */
	maxAttachmentBytes?: number;
	/** An org whose admin created none of the WhatsApp custom fields. */
	withoutWhatsAppFields?: boolean;
}

export interface ZohoSimState {
	records: Map<string, ZohoSimRecord>;
	notes: Map<string, ZohoSimNote>;
	attachments: Map<string, ZohoSimAttachment>;
	/** Requests by "METHOD /path" (without the query). */
	calls: Record<string, number>;
	rejected: {
		auth: number;
		concurrency: number;
		credits: number;
		faults: number;
		validation: number;
		/** 401 OAUTH_SCOPE_MISMATCH answers. */
		scope: number;
	};
	/** Credits spent in the current window. */
	creditsUsed(): number;
	inFlight: number;
	maxInFlight: number;
	mergeJobs: Map<
		string,
		{
			status: 'SCHEDULED' | 'RUNNING' | 'COMPLETED' | 'FAILURE';
			master: string;
			children: string[];
		}
	>;
}

export interface ZohoSimulator {
	baseUrl: string;
	token: string;
	/** The refresh token of the grant, for a credential's `oauthTokenData`. */
	refreshToken: string;
	/** Where the accounts server's token endpoint is served (this simulator's port). */
	tokenUrl: string;
	/** Access tokens, their expiry and the grant's scopes. */
	grant: OAuthGrant;
	state: ZohoSimState;
	fields: ZohoSimField[];
	setFault(fault: SimFault): void;
	clearFaults(): void;
	close(): Promise<void>;
}

export const ZOHO_SIM_TOKEN = '1000.zohosimulator0000000000000000.ffffffffffffffffffffffffffffffff';
export const ZOHO_SIM_REFRESH_TOKEN =
	'1000.zohosimrefresh000000000000000.eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';

/** The scopes the package's Zoho credential asks for: what a user who connected it has granted. */
export const ZOHO_SIM_SCOPES: readonly string[] = String(
	new ZohoScrmOAuth2Api().properties.find((p) => p.name === 'scope')?.default ?? '',
)
	.split(/[\s,]+/)
	.filter(Boolean);

type ZohoOp = 'READ' | 'CREATE' | 'UPDATE';

/** The module scopes that allow an operation on Contacts (`ZohoCRM.modules.{module}.{operation}`, or ALL). */
function moduleScopes(op: ZohoOp): string[] {
	// WRITE is documented as an alias for CREATE, UPDATE and DELETE
	// (https://www.zoho.com/crm/developer/docs/api/v8/scopes.html).
	return [
		'ZohoCRM.modules.ALL',
		'ZohoCRM.modules.contacts.ALL',
		`ZohoCRM.modules.contacts.${op}`,
		...(op === 'READ' ? [] : ['ZohoCRM.modules.contacts.WRITE']),
	];
}

/**
 * Each endpoint's scopes, as the v8 reference lists them under "Scope": every group must be granted,
 * any scope of a group does.
 */
function zohoRequiredScopes(method: string, parts: string[]): string[][] {
	const read = method === 'GET';
	if (parts[0] === 'settings' && parts[1] === 'fields')
		// https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
		return [
			['ZohoCRM.settings.ALL', 'ZohoCRM.settings.fields.ALL', 'ZohoCRM.settings.fields.READ'],
		];
	const notes = (op: ZohoOp) => [
		'ZohoCRM.modules.notes.ALL',
		`ZohoCRM.modules.notes.${op}`,
		...(op === 'READ' ? [] : ['ZohoCRM.modules.notes.WRITE']),
	];
	// https://www.zoho.com/crm/developer/docs/api/v8/create-notes.html: the module scope and the notes scope.
	if (parts[0] === 'Notes') return [moduleScopes('CREATE'), notes('CREATE')];
	if (parts[0] !== 'Contacts') return [];
	// https://www.zoho.com/crm/developer/docs/api/v8/search-records.html: "ZohoCRM.modules.{module_name}
	// .{operation_type} (and) ZohoSearch.securesearch.READ".
	if (parts[1] === 'search')
		return [moduleScopes('READ'), ['ZohoSearch.securesearch.ALL', 'ZohoSearch.securesearch.READ']];
	if (parts[1] === 'upsert') return [moduleScopes('CREATE')];
	if (parts[2] === 'Notes')
		return [moduleScopes(read ? 'READ' : 'CREATE'), notes(read ? 'READ' : 'CREATE')];
	if (parts[2] === 'Attachments')
		// https://www.zoho.com/crm/developer/docs/api/v8/upload-attachment.html
		return [
			[
				'ZohoCRM.modules.ALL',
				'ZohoCRM.modules.attachments.ALL',
				`ZohoCRM.modules.attachments.${read ? 'READ' : 'CREATE'}`,
			],
		];
	// https://www.zoho.com/crm/developer/docs/api/v8/merge-records.html (Assumption: UPDATE does too).
	if (parts[2] === 'actions') return [moduleScopes(read ? 'READ' : 'UPDATE')];
	if (read) return [moduleScopes('READ')];
	return [moduleScopes(method === 'POST' ? 'CREATE' : 'UPDATE')];
}

/** Messy phone formats as people typed them; z1–z3 are one customer stored three ways. */
export function defaultZohoContacts(): ZohoSimRecord[] {
	return [
		{
			id: '5725767000000100001',
			First_Name: 'Mei',
			Last_Name: 'Chan',
			Phone: '+852 9123 4567',
			Email: 'mei.chan@example.com',
		},
		{ id: '5725767000000100002', First_Name: 'May', Last_Name: 'Chan', Mobile: '91234567' },
		{ id: '5725767000000100003', Last_Name: '陳大文', Other_Phone: '(852) 9123-4567' },
		{ id: '5725767000000100004', First_Name: 'Wei', Last_Name: 'Lim', Mobile: '+65 9123 4567' },
		{
			id: '5725767000000100005',
			First_Name: 'Wing',
			Last_Name: "O'Neil",
			Home_Phone: '6123-4567',
			Email: "o'neil.ho@example.com",
		},
		{ id: '5725767000000100006', Last_Name: '林美玲', Mobile: '0912 345 678' },
		{
			id: '5725767000000100007',
			First_Name: 'Ann',
			Last_Name: 'Lee',
			Phone: '(415) 555-0132',
			WhatsApp_User_ID: 'US.1000000000000001',
		},
	];
}

export function defaultZohoFields(): ZohoSimField[] {
	const f = (
		api_name: string,
		field_label: string,
		data_type: string,
		extra: Partial<ZohoSimField> = {},
	): ZohoSimField => ({
		api_name,
		field_label,
		data_type,
		custom_field: false,
		read_only: false,
		system_mandatory: false,
		unique: null,
		...extra,
	});
	return [
		f('First_Name', 'First Name', 'text', { length: 40 }),
		f('Last_Name', 'Last Name', 'text', { length: 80, system_mandatory: true }),
		f('Email', 'Email', 'email', { length: 100 }),
		f('Phone', 'Phone', 'phone', { length: 30 }),
		f('Mobile', 'Mobile', 'phone', { length: 30 }),
		f('Home_Phone', 'Home Phone', 'phone', { length: 30 }),
		f('Other_Phone', 'Other Phone', 'phone', { length: 30 }),
		f('Lead_Source', 'Lead Source', 'picklist', {
			pick_list_values: ['-None-', 'Advertisement', 'Web Download', 'WhatsApp'].map((v) => ({
				display_value: v,
				actual_value: v,
			})),
		}),
		f('Description', 'Description', 'textarea', { length: 32000 }),
		f('Tag', 'Tag', 'multiselectpicklist', { pick_list_values: [] }),
		f('WhatsApp_E164', 'WhatsApp E.164', 'text', {
			length: 20,
			custom_field: true,
			unique: { casesensitive: 'false' },
		}),
		f('WhatsApp_User_ID', 'WhatsApp User ID', 'text', { length: 64, custom_field: true }),
		f('WhatsApp_Last_Interaction', 'WhatsApp Last Interaction', 'datetime', { custom_field: true }),
		f('WhatsApp_Interactions', 'WhatsApp Interactions', 'integer', { custom_field: true }),
		f('WhatsApp_Tags', 'WhatsApp Tags', 'textarea', { length: 2000, custom_field: true }),
		f('WhatsApp_Marketing_Consent', 'WhatsApp Marketing Consent', 'text', {
			length: 16,
			custom_field: true,
		}),
		f('Created_Time', 'Created Time', 'datetime', { read_only: true }),
		f('Modified_Time', 'Modified Time', 'datetime', { read_only: true }),
	];
}

interface Item {
	code: string;
	details: Record<string, unknown>;
	message: string;
	status: 'success' | 'error';
	action?: 'insert' | 'update';
	duplicate_field?: string | null;
}

const ZOHO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

const error = (code: string, message: string, details: Record<string, unknown> = {}): Item => ({
	code,
	details,
	message,
	status: 'error',
});

export async function startZohoSimulator(
	options: ZohoSimulatorOptions = {},
): Promise<ZohoSimulator> {
	const token = options.token ?? ZOHO_SIM_TOKEN;
	const grant = new OAuthGrant({
		accessToken: token,
		refreshToken: ZOHO_SIM_REFRESH_TOKEN,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		scopes: options.scopes ?? ZOHO_SIM_SCOPES,
		lifetimeMs: options.tokenLifetimeMs ?? 3600_000,
		now: options.tokenClock ?? Date.now,
		mint: (n) => `1000.zohosimrefreshed${String(n).padStart(12, '0')}.${'a'.repeat(32)}`,
	});
	const edition = options.edition ?? 'standard';
	const concurrency = options.concurrency ?? CONCURRENCY[edition];
	const creditLimit = options.credits ?? CREDITS[edition];
	const now = options.now ?? Date.now;
	const fields = defaultZohoFields().filter(
		(f) => !(options.withoutWhatsAppFields && f.custom_field && f.api_name.startsWith('WhatsApp_')),
	);
	const fieldByName = new Map(fields.map((f) => [f.api_name, f]));
	const faults = new FaultQueue();
	const spent: number[] = [];
	let nextId = 5725767000000200000n;
	const newId = () => String(nextId++);
	let heavyInFlight = 0;

	const state: ZohoSimState = {
		records: new Map(),
		notes: new Map(),
		attachments: new Map(),
		calls: {},
		rejected: { auth: 0, concurrency: 0, credits: 0, faults: 0, validation: 0, scope: 0 },
		creditsUsed: () => {
			prune();
			return spent.length;
		},
		inFlight: 0,
		maxInFlight: 0,
		mergeJobs: new Map(),
	};
	for (const seed of options.contacts ?? defaultZohoContacts()) {
		const at = zohoTime(now());
		const id = seed.id ?? newId();
		state.records.set(id, { ...seed, id, Created_Time: at, Modified_Time: at });
	}

	function prune(): void {
		while (spent.length > 0 && spent[0] <= now() - DAY_MS) spent.shift();
	}

	const server = await listen(async (req, res) => {
		const path = req.url.pathname;
		const key = `${req.method} ${path}`;
		state.calls[key] = (state.calls[key] ?? 0) + 1;

		if (path === '/oauth/v2/token' && req.method === 'POST') return tokenEndpoint(req, res);
		// Auth before anything else; refused calls cost no credits (Assumption).
		const auth = String(req.headers.authorization ?? '');
		if (!auth) {
			state.rejected.auth++;
			return send(res, 401, error('AUTHENTICATION_FAILURE', 'Authentication failed'));
		}
		// Zoho documents `Zoho-oauthtoken`; it also takes `Bearer`, which is what n8n's OAuth2
		// credentials (and n8n's own Zoho CRM node) send. An expired token is answered as an invalid
		// one, 401 INVALID_TOKEN (https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html).
		const presented = bearerOf(req, ['Zoho-oauthtoken', 'Bearer']);
		if (presented === undefined || grant.check(presented) !== 'valid') {
			state.rejected.auth++;
			return send(res, 401, error('INVALID_TOKEN', 'invalid oauth token'));
		}
		if (path.startsWith(`${ROOT}/`)) {
			const parts = path
				.slice(ROOT.length + 1)
				.split('/')
				.map(decodeURIComponent);
			// 401 OAUTH_SCOPE_MISMATCH, which names no scope (Zoho's "Common Errors and Error Handling",
			// https://help.zoho.com/portal/en/community/topic/kaizen-25-zoho-crm-api-common-errors-and-error-handling;
			// zoho/crm-oas v8.0 lists the code among each operation's 401 answers).
			if (!zohoRequiredScopes(req.method, parts).every((group) => grant.hasAny(group))) {
				state.rejected.scope++;
				return send(
					res,
					401,
					error('OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL'),
				);
			}
		}
		if (
			answerFault(faults.take(key), res, (status) =>
				status === 429
					? error('TOO_MANY_REQUESTS', 'too many requests')
					: error('INTERNAL_ERROR', 'Internal Server Error'),
			)
		) {
			state.rejected.faults++;
			return;
		}
		const heavy =
			path.endsWith('/search') ||
			(Array.isArray((req.json as { data?: unknown[] })?.data) &&
				(req.json as { data: unknown[] }).data.length > 10);
		// Assumption: Zoho does not say which limit it checks first or whether a refused call costs credits.
		if (state.inFlight >= concurrency || (heavy && heavyInFlight >= SUB_CONCURRENCY)) {
			state.rejected.concurrency++;
			return send(
				res,
				429,
				error('TOO_MANY_REQUESTS', 'concurrency limit exceeded', {
					limit: heavy ? SUB_CONCURRENCY : concurrency,
				}),
			);
		}
		prune();
		if (spent.length + 1 > creditLimit) {
			state.rejected.credits++;
			return send(
				res,
				429,
				error('TOO_MANY_REQUESTS', 'API credits for the 24-hour window exhausted', {
					limit: creditLimit,
				}),
			);
		}
		spent.push(now());
		state.inFlight++;
		if (heavy) heavyInFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		try {
			if (options.latencyMs) await sleep(options.latencyMs);
			await route(req, res);
		} finally {
			state.inFlight--;
			if (heavy) heavyInFlight--;
		}
	});

	/**
	 * The accounts server's refresh: `POST {accounts}/oauth/v2/token` with refresh_token, client_id,
	 * client_secret and grant_type=refresh_token, answered with access_token, scope, api_domain,
	 * token_type and expires_in (https://www.zoho.com/crm/developer/docs/api/v8/refresh.html).
	 * A wrong refresh token or client answers `{"error": "invalid_code"}` / `invalid_client`
	 * (Assumption: with status 400).
	 */
	function tokenEndpoint(req: Incoming, res: http.ServerResponse): void {
		const result = grant.refresh(refreshRequestOf(req));
		if (!result.ok)
			return send(res, 400, {
				error:
					result.why === 'client'
						? 'invalid_client'
						: result.why === 'grant_type'
							? 'unsupported_grant_type'
							: 'invalid_code',
			});
		send(res, 200, {
			access_token: result.accessToken,
			scope: grant.granted().join(' '),
			api_domain: server.baseUrl,
			token_type: 'Bearer',
			expires_in: result.expiresInS ?? 3600,
		});
	}

	async function route(req: Incoming, res: http.ServerResponse): Promise<void> {
		const path = req.url.pathname;
		const qs = req.url.searchParams;
		if (!path.startsWith(`${ROOT}/`))
			return send(
				res,
				404,
				error('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
			);
		const parts = path
			.slice(ROOT.length + 1)
			.split('/')
			.map(decodeURIComponent);
		const upload = parts.length === 3 && parts[2] === 'Attachments' && req.method === 'POST';
		if (req.json instanceof Error && !upload)
			return send(res, 400, error('INVALID_DATA', 'body is not JSON'));

		if (parts[0] === 'settings' && parts[1] === 'fields' && req.method === 'GET') {
			if (!qs.get('module'))
				return send(
					res,
					400,
					error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
						param: 'module',
					}),
				);
			if (qs.get('module') !== 'Contacts')
				return send(
					res,
					400,
					error('INVALID_MODULE', 'the module name given seems to be invalid', { param: 'module' }),
				);
			return send(res, 200, { fields });
		}
		if (parts[0] === 'Notes' && parts.length === 1 && req.method === 'POST')
			return writeNotes(req, res, undefined);
		if (parts[0] !== 'Contacts')
			return send(
				res,
				400,
				error('INVALID_MODULE', 'the module name given seems to be invalid', {
					resource_path_index: 0,
				}),
			);

		if (parts.length === 1) {
			if (req.method === 'GET') return list(req, res);
			if (req.method === 'POST') return write(req, res, 'insert');
			if (req.method === 'PUT') return write(req, res, 'update');
		}
		if (parts.length === 2 && parts[1] === 'upsert' && req.method === 'POST')
			return write(req, res, 'upsert');
		if (parts.length === 2 && parts[1] === 'search' && req.method === 'GET')
			return search(req, res);
		if (parts.length === 2 && req.method === 'GET') {
			const record = state.records.get(parts[1]);
			return record ? send(res, 200, { data: [record] }) : send(res, 204);
		}
		if (parts.length === 3 && parts[2] === 'Notes') {
			if (!state.records.has(parts[1]))
				return send(
					res,
					400,
					error('INVALID_DATA', 'the related id given seems to be invalid', {
						resource_path_index: 1,
					}),
				);
			if (req.method === 'GET') return relatedNotes(parts[1], req, res);
			if (req.method === 'POST') return writeNotes(req, res, parts[1]);
		}
		if (parts.length === 3 && parts[2] === 'Attachments') {
			if (!state.records.has(parts[1]))
				return send(
					res,
					400,
					error('INVALID_DATA', 'the related id given seems to be invalid', {
						resource_path_index: 1,
					}),
				);
			if (req.method === 'GET') return relatedAttachments(parts[1], req, res);
			if (req.method === 'POST') return uploadAttachment(parts[1], req, res);
		}
		if (parts.length === 4 && parts[2] === 'actions' && parts[3] === 'merge') {
			if (req.method === 'POST') return mergeRecords(parts[1], req, res);
			if (req.method === 'GET') return mergeStatus(parts[1], req, res);
		}
		return send(
			res,
			404,
			error('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
		);
	}

	function pick(
		record: Record<string, unknown>,
		fieldList: string | null,
	): Record<string, unknown> {
		if (!fieldList) return record;
		const out: Record<string, unknown> = { id: record.id };
		for (const name of fieldList.split(',')) if (name) out[name] = record[name] ?? null;
		return out;
	}

	/** Pages of 200 at most; Zoho serves the first 2,000 records by `page`, beyond that by `page_token`. */
	function page(
		res: http.ServerResponse,
		rows: Array<Record<string, unknown>>,
		qs: URLSearchParams,
		tokens: boolean,
	): void {
		const perPage = Math.min(200, Math.max(1, Number(qs.get('per_page') ?? 200)));
		const token = qs.get('page_token');
		const offset = token
			? Number(Buffer.from(token, 'base64url').toString())
			: (Math.max(1, Number(qs.get('page') ?? 1)) - 1) * perPage;
		if (!token && offset >= 2000)
			return send(
				res,
				400,
				error('LIMIT_REACHED', 'Maximum limit reached for fetching records. Use page_token', {
					limit: 2000,
				}),
			);
		const slice = rows.slice(offset, offset + perPage);
		if (slice.length === 0) return send(res, 204);
		const more = offset + perPage < rows.length;
		const info: Record<string, unknown> = {
			per_page: perPage,
			count: slice.length,
			page: Math.floor(offset / perPage) + 1,
			more_records: more,
		};
		if (tokens)
			info.next_page_token = more
				? Buffer.from(String(offset + perPage)).toString('base64url')
				: null;
		send(res, 200, { data: slice.map((r) => pick(r, qs.get('fields'))), info });
	}

	function list(req: Incoming, res: http.ServerResponse): void {
		// v8 wants the fields to read.
		if (!req.url.searchParams.get('fields'))
			return send(
				res,
				400,
				error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
					param: 'fields',
				}),
			);
		if (refusedFields(req, res)) return;
		const rows = [...state.records.values()].sort(
			(a, b) =>
				String(a.Created_Time).localeCompare(String(b.Created_Time)) ||
				String(a.id).localeCompare(String(b.id)),
		);
		page(res, rows, req.url.searchParams, true);
	}

	function search(req: Incoming, res: http.ServerResponse): void {
		const qs = req.url.searchParams;
		let test: (record: ZohoSimRecord) => boolean;
		// Only one of criteria, email, phone, word is used, in that order of preference.
		if (qs.get('criteria')) {
			let parsed: Condition;
			try {
				parsed = parseCriteria(qs.get('criteria')!);
			} catch (e) {
				state.rejected.validation++;
				return send(res, 400, error('INVALID_QUERY', (e as Error).message, { param: 'criteria' }));
			}
			if (countConditions(parsed) > 10) {
				state.rejected.validation++;
				// Assumption: the code for more than 10 criteria is not documented.
				return send(
					res,
					400,
					error('LIMIT_EXCEEDED', 'a maximum of 10 criteria is allowed', {
						param: 'criteria',
						limit: 10,
					}),
				);
			}
			for (const field of conditionFields(parsed)) {
				if (field !== 'id' && !fieldByName.has(field))
					return send(
						res,
						400,
						error('INVALID_QUERY', `invalid field ${field}`, { api_name: field }),
					);
			}
			test = (record) => evaluate(parsed, record);
		} else if (qs.get('email')) {
			const email = qs.get('email')!.toLowerCase();
			test = (record) =>
				fields.some(
					(f) =>
						f.data_type === 'email' && String(record[f.api_name] ?? '').toLowerCase() === email,
				);
		} else if (qs.get('phone')) {
			const phone = qs.get('phone')!;
			test = (record) =>
				fields.some(
					(f) => f.data_type === 'phone' && String(record[f.api_name] ?? '').includes(phone),
				);
		} else if (qs.get('word')) {
			const word = qs.get('word')!.toLowerCase();
			test = (record) =>
				Object.values(record).some((v) =>
					String(v ?? '')
						.toLowerCase()
						.includes(word),
				);
		} else {
			return send(
				res,
				400,
				error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
					param: 'criteria',
				}),
			);
		}
		if (refusedFields(req, res)) return;
		page(res, [...state.records.values()].filter(test), qs, false);
	}

	/** Assumption: Zoho refuses a `fields` list naming a field the module does not have, as it refuses one in a write. */
	function refusedFields(req: Incoming, res: http.ServerResponse): boolean {
		const unknown = (req.url.searchParams.get('fields') ?? '')
			.split(',')
			.find((name) => name && name !== 'id' && !fieldByName.has(name));
		if (unknown === undefined) return false;
		state.rejected.validation++;
		send(res, 400, error('INVALID_DATA', 'invalid data', { api_name: unknown, param: 'fields' }));
		return true;
	}

	function validate(
		data: Record<string, unknown>,
		index: number,
		op: 'insert' | 'update' | 'upsert',
		selfId?: string,
	): Item | undefined {
		for (const [name, value] of Object.entries(data)) {
			if (name === 'id' || name.startsWith('$')) continue;
			const field = fieldByName.get(name);
			const json_path = `$.data[${index}].${name}`;
			if (!field) return error('INVALID_DATA', 'invalid data', { api_name: name, json_path });
			if (field.read_only)
				return error('INVALID_DATA', 'the field is read only', { api_name: name, json_path });
			if (value === null || value === '') continue;
			if (field.data_type === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value)))
				return error('INVALID_DATA', 'invalid data', {
					expected_data_type: 'email',
					api_name: name,
					json_path,
				});
			if (field.data_type === 'multiselectpicklist' && !Array.isArray(value))
				return error('INVALID_DATA', 'invalid data', {
					expected_data_type: 'jsonarray',
					api_name: name,
					json_path,
				});
			if (
				field.data_type === 'integer' &&
				(typeof value === 'boolean' || !Number.isInteger(Number(value)))
			)
				return error('INVALID_DATA', 'invalid data', {
					expected_data_type: 'integer',
					api_name: name,
					json_path,
				});
			// Zoho's DateTime is yyyy-MM-ddTHH:mm:ss with an offset: no milliseconds (Assumption: nor "Z").
			if (
				field.data_type === 'datetime' &&
				!(
					typeof value === 'string' &&
					ZOHO_DATETIME.test(value) &&
					!Number.isNaN(Date.parse(value))
				)
			)
				return error('INVALID_DATA', 'invalid data', {
					expected_data_type: 'datetime',
					api_name: name,
					json_path,
				});
			if (field.length && typeof value === 'string' && value.length > field.length)
				return error('INVALID_DATA', 'invalid data', {
					maximum_length: field.length,
					api_name: name,
					json_path,
				});
			if (field.unique) {
				const other = [...state.records.values()].find(
					(r) =>
						r.id !== selfId && String(r[name] ?? '').toLowerCase() === String(value).toLowerCase(),
				);
				if (other)
					return error('DUPLICATE_DATA', 'duplicate data', {
						api_name: name,
						json_path,
						duplicate_record: { id: other.id },
						id: other.id,
						more_records: false,
					});
			}
		}
		if (op === 'insert' || (op === 'upsert' && !selfId)) {
			for (const field of fields) {
				if (
					field.system_mandatory &&
					(data[field.api_name] === undefined ||
						data[field.api_name] === null ||
						data[field.api_name] === '')
				) {
					return error('MANDATORY_NOT_FOUND', 'required field not found', {
						api_name: field.api_name,
						json_path: `$.data[${index}].${field.api_name}`,
					});
				}
			}
		}
		return undefined;
	}

	function saved(
		record: ZohoSimRecord,
		action: 'insert' | 'update',
		duplicateField?: string | null,
	): Item {
		const by = { name: 'Simulator Admin', id: '5725767000000000001' };
		const item: Item = {
			code: 'SUCCESS',
			details: {
				Modified_Time: record.Modified_Time,
				Modified_By: by,
				Created_Time: record.Created_Time,
				id: record.id,
				Created_By: by,
			},
			message: action === 'insert' ? 'record added' : 'record updated',
			status: 'success',
		};
		return duplicateField === undefined
			? item
			: { ...item, action, duplicate_field: duplicateField };
	}

	function answerItems(res: http.ServerResponse, items: Item[], allGood: number): void {
		const failed = items.filter((i) => i.status === 'error').length;
		state.rejected.validation += failed;
		send(res, failed === 0 ? allGood : failed === items.length ? 400 : 207, { data: items });
	}

	function batchOf(
		req: Incoming,
		res: http.ServerResponse,
	): Array<Record<string, unknown>> | undefined {
		const data = (req.json as { data?: unknown })?.data;
		if (!Array.isArray(data) || data.length === 0) {
			send(
				res,
				400,
				error('MANDATORY_NOT_FOUND', 'required field not found', {
					api_name: 'data',
					json_path: '$.data',
				}),
			);
			return undefined;
		}
		if (data.length > 100) {
			state.rejected.validation++;
			// Assumption: the exact code for more than 100 records is not documented.
			send(
				res,
				400,
				error('LIMIT_EXCEEDED', 'the number of records exceeds the limit', {
					api_name: 'data',
					json_path: '$.data',
					limit: 100,
				}),
			);
			return undefined;
		}
		return data as Array<Record<string, unknown>>;
	}

	function write(
		req: Incoming,
		res: http.ServerResponse,
		op: 'insert' | 'update' | 'upsert',
	): void {
		const data = batchOf(req, res);
		if (!data) return;
		const checkFields = (
			(req.json as { duplicate_check_fields?: string[] }).duplicate_check_fields ??
			fields.filter((f) => f.unique).map((f) => f.api_name)
		).filter(Boolean);
		const items = data.map((input, index): Item => {
			const at = zohoTime(now());
			if (op === 'update') {
				const record = state.records.get(String(input.id ?? ''));
				if (!input.id)
					return error('MANDATORY_NOT_FOUND', 'required field not found', {
						api_name: 'id',
						json_path: `$.data[${index}].id`,
					});
				if (!record)
					return error('INVALID_DATA', 'the id given seems to be invalid', {
						api_name: 'id',
						json_path: `$.data[${index}].id`,
					});
				const problem = validate(input, index, op, record.id);
				if (problem) return problem;
				Object.assign(record, stored(input), { id: record.id, Modified_Time: at });
				return saved(record, 'update');
			}
			let target: ZohoSimRecord | undefined;
			let duplicateField: string | null = null;
			if (op === 'upsert') {
				for (const field of checkFields) {
					const value = input[field];
					if (value === undefined || value === null || value === '') continue;
					const matches = [...state.records.values()].filter(
						(r) => String(r[field] ?? '').toLowerCase() === String(value).toLowerCase(),
					);
					if (matches.length > 1) {
						// Assumption: Zoho does not document an upsert whose duplicate check matches several records.
						return error('DUPLICATE_DATA', 'duplicate data', {
							api_name: field,
							json_path: `$.data[${index}].${field}`,
							duplicate_record: { id: matches[0].id },
							more_records: true,
						});
					}
					if (matches.length === 1) {
						target = matches[0];
						duplicateField = field;
						break;
					}
				}
			}
			const problem = validate(input, index, op, target?.id);
			if (problem) return problem;
			if (target) {
				Object.assign(target, stored(input), { id: target.id, Modified_Time: at });
				return saved(target, 'update', duplicateField);
			}
			const record: ZohoSimRecord = {
				...stored(input),
				id: newId(),
				Created_Time: at,
				Modified_Time: at,
			};
			state.records.set(record.id, record);
			return saved(record, 'insert', op === 'upsert' ? null : undefined);
		});
		answerItems(res, items, op === 'insert' ? 201 : 200);
	}

	/** Values as Zoho returns them: numbers as numbers, DateTime in the org's offset. */
	function stored(input: Record<string, unknown>): Record<string, unknown> {
		const out: Record<string, unknown> = { ...input };
		for (const [name, value] of Object.entries(out)) {
			const type = fieldByName.get(name)?.data_type;
			if (value === null || value === '' || value === undefined) continue;
			if (type === 'integer') out[name] = Number(value);
			if (type === 'datetime') out[name] = zohoTime(Date.parse(String(value)));
		}
		return out;
	}

	function relatedNotes(contactId: string, req: Incoming, res: http.ServerResponse): void {
		if (!req.url.searchParams.get('fields'))
			return send(
				res,
				400,
				error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
					param: 'fields',
				}),
			);
		const rows = [...state.notes.values()].filter((n) => n.Parent_Id.id === contactId);
		page(res, rows as unknown as Array<Record<string, unknown>>, req.url.searchParams, false);
	}

	function relatedAttachments(contactId: string, req: Incoming, res: http.ServerResponse): void {
		if (!req.url.searchParams.get('fields'))
			return send(
				res,
				400,
				error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
					param: 'fields',
				}),
			);
		const rows = [...state.attachments.values()]
			.filter((a) => a.Parent_Id.id === contactId)
			.map(
				({ data: _data, contentType: _type, ...shown }) =>
					shown as unknown as Record<string, unknown>,
			);
		page(res, rows, req.url.searchParams, false);
	}

	function uploadAttachment(contactId: string, req: Incoming, res: http.ServerResponse): void {
		const parts = parseMultipart(req);
		// Assumption: Zoho's wording for a body that is not form data, or has no file part.
		if (parts instanceof Error) {
			state.rejected.validation++;
			return send(
				res,
				400,
				error('INVALID_DATA', `the request is not multipart form data: ${parts.message}`),
			);
		}
		const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
		if (!file) {
			state.rejected.validation++;
			return send(
				res,
				400,
				error('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
					param: 'file',
				}),
			);
		}
		if (file.data.length > (options.maxAttachmentBytes ?? ZOHO_SIM_MAX_ATTACHMENT_BYTES)) {
			state.rejected.validation++;
			// Assumption: the code Zoho's SDKs name for an oversized file; the body shape is Zoho's usual error.
			return send(
				res,
				400,
				error('FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'The file size exceeds the allowed limit', {
					limit: options.maxAttachmentBytes ?? ZOHO_SIM_MAX_ATTACHMENT_BYTES,
				}),
			);
		}
		const at = zohoTime(now());
		const attachment: ZohoSimAttachment = {
			id: newId(),
			File_Name: file.fileName || 'file',
			Size: String(file.data.length),
			Parent_Id: { module: { api_name: 'Contacts' }, id: contactId },
			Created_Time: at,
			Modified_Time: at,
			contentType: file.contentType ?? 'application/octet-stream',
			data: Buffer.from(file.data),
		};
		state.attachments.set(attachment.id, attachment);
		const user = { name: 'Simulated User', id: '5725767000000000001' };
		send(res, 200, {
			data: [
				{
					code: 'SUCCESS',
					details: {
						Modified_Time: at,
						Modified_By: user,
						Created_Time: at,
						id: attachment.id,
						Created_By: user,
					},
					message: 'attachment uploaded successfully',
					status: 'success',
				},
			],
		});
	}

	function writeNotes(req: Incoming, res: http.ServerResponse, parentId: string | undefined): void {
		const data = batchOf(req, res);
		if (!data) return;
		const items = data.map((input, index): Item => {
			const parent =
				(input.Parent_Id as ZohoSimNote['Parent_Id'] | undefined) ??
				(parentId ? { module: { api_name: 'Contacts' }, id: parentId } : undefined);
			if (!parent?.id || parent.module?.api_name !== 'Contacts') {
				return error('MANDATORY_NOT_FOUND', 'required field not found', {
					api_name: 'Parent_Id',
					json_path: `$.data[${index}].Parent_Id`,
				});
			}
			if (!state.records.has(String(parent.id)))
				return error('INVALID_DATA', 'invalid data', {
					api_name: 'Parent_Id',
					json_path: `$.data[${index}].Parent_Id.id`,
				});
			if (!input.Note_Content)
				return error('MANDATORY_NOT_FOUND', 'required field not found', {
					api_name: 'Note_Content',
					json_path: `$.data[${index}].Note_Content`,
				});
			const at = zohoTime(now());
			const note: ZohoSimNote = {
				id: newId(),
				Note_Title: String(input.Note_Title ?? ''),
				Note_Content: String(input.Note_Content),
				Parent_Id: { module: { api_name: 'Contacts' }, id: String(parent.id) },
				Created_Time: at,
				Modified_Time: at,
			};
			state.notes.set(note.id, note);
			return {
				code: 'SUCCESS',
				details: { id: note.id, Created_Time: at, Modified_Time: at },
				message: 'record added',
				status: 'success',
			};
		});
		answerItems(res, items, 201);
	}

	function applyMerge(master: ZohoSimRecord, children: string[]): void {
		for (const childId of children) {
			for (const note of state.notes.values())
				if (note.Parent_Id.id === childId) note.Parent_Id.id = master.id;
			state.records.delete(childId);
		}
		master.Modified_Time = zohoTime(now());
	}

	function mergeRecords(masterId: string, req: Incoming, res: http.ServerResponse): void {
		const master = state.records.get(masterId);
		if (!master)
			return send(
				res,
				400,
				error('INVALID_DATA', 'Master record id is not available', { resource_path_index: 1 }),
			);
		const merges = (
			req.json as {
				merge?: Array<{ data?: Array<{ id?: string; _fields?: Array<{ api_name: string }> }> }>;
			}
		)?.merge;
		if (!Array.isArray(merges) || merges.length !== 1)
			return send(res, 400, error('INVALID_DATA', 'invalid data'));
		const data = merges[0].data ?? [];
		const fail = (item: Item) => send(res, 400, { merge: [item] });
		if (data.length === 0)
			return fail(
				error('INVALID_DATA', ' Atleast one child record id is required to be merged.', {
					api_name: 'data',
					json_path: '$.merge[0].data',
					minimum_length: 1,
				}),
			);
		if (data.length > 2)
			return fail(
				error('INVALID_DATA', ' More than 2 child record ids cannot be merged.', {
					api_name: 'data',
					json_path: '$.merge[0].data',
					maximum_length: 2,
				}),
			);
		for (const [i, child] of data.entries()) {
			if (!child.id)
				return fail(
					error('MANDATORY_NOT_FOUND', 'required id not found', {
						api_name: 'id',
						json_path: `$.merge[0].data[${i}].id`,
					}),
				);
			if (child.id === masterId)
				return fail(
					error('DUPLICATE_DATA', 'Valid record ids need to be given for merging', {
						api_name: 'id',
						json_path: `$.merge[0].data[${i}].id`,
					}),
				);
			if (!state.records.has(child.id))
				return fail(
					error('INVALID_DATA', 'invalid data', {
						api_name: 'id',
						json_path: `$.merge[0].data[${i}].id`,
					}),
				);
		}
		// Named fields take the child's value; all others keep the master's.
		for (const child of data)
			for (const f of child._fields ?? [])
				master[f.api_name] = state.records.get(child.id!)![f.api_name];
		const children = data.map((c) => c.id!);
		if (options.mergeMode === 'scheduled') {
			const jobId = newId();
			state.mergeJobs.set(jobId, { status: 'SCHEDULED', master: masterId, children });
			return send(res, 201, {
				merge: [
					{
						code: 'SCHEDULED',
						details: { job_id: jobId },
						message: 'The records have been scheduled in a scheduler',
						status: 'success',
					},
				],
			});
		}
		applyMerge(master, children);
		send(res, 201, {
			merge: [
				{
					code: 'SUCCESS',
					details: { id: masterId },
					message: 'The records has been merged successfully',
					status: 'success',
				},
			],
		});
	}

	function mergeStatus(masterId: string, req: Incoming, res: http.ServerResponse): void {
		const jobId = req.url.searchParams.get('job_id');
		const jobs = [...state.mergeJobs.entries()].filter(
			([id, job]) => job.master === masterId && (!jobId || id === jobId),
		);
		if (jobs.length === 0) return send(res, 204);
		for (const [, job] of jobs) {
			if (job.status === 'SCHEDULED' || job.status === 'RUNNING') {
				const master = state.records.get(job.master);
				if (master) applyMerge(master, job.children);
				job.status = master ? 'COMPLETED' : 'FAILURE';
			}
		}
		send(res, 200, { merge: jobs.map(([id, job]) => ({ job_id: id, status: job.status })) });
	}

	return {
		baseUrl: server.baseUrl,
		token,
		refreshToken: ZOHO_SIM_REFRESH_TOKEN,
		tokenUrl: `${server.baseUrl}/oauth/v2/token`,
		grant,
		state,
		fields,
		setFault: (fault) => faults.add(fault),
		clearFaults: () => faults.clear(),
		close: server.close,
	};
}

/** Zoho's timestamps carry the org's offset, e.g. `2024-05-01T18:00:00+08:00` (Hong Kong here). */
export function zohoTime(ms: number): string {
	const local = new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
	return `${local}+08:00`;
}

// ---------------------------------------------------------------------------------------------
// Search criteria: ((Field:operator:value)and/or(...)), values escaped with a backslash
// ---------------------------------------------------------------------------------------------

type Condition =
	{ field: string; op: string; value: string } | { join: 'and' | 'or'; parts: Condition[] };

export function parseCriteria(text: string): Condition {
	let pos = 0;
	const expect = (c: string) => {
		if (text[pos] !== c) throw new Error(`invalid criteria: expected "${c}" at ${pos}`);
		pos++;
	};
	const group = (): Condition => {
		expect('(');
		if (text[pos] === '(') {
			const parts = [group()];
			let join: 'and' | 'or' | undefined;
			while (text[pos] !== ')') {
				const word = /^(and|or)/i.exec(text.slice(pos))?.[1]?.toLowerCase() as
					'and' | 'or' | undefined;
				if (!word) throw new Error(`invalid criteria: expected and/or at ${pos}`);
				// Assumption: mixing and/or without grouping is refused.
				if (join && join !== word)
					throw new Error('invalid criteria: group mixed and/or with parentheses');
				join = word;
				pos += word.length;
				parts.push(group());
			}
			expect(')');
			return parts.length === 1 ? parts[0] : { join: join!, parts };
		}
		const field = /^[A-Za-z0-9_$.]+/.exec(text.slice(pos))?.[0];
		if (!field) throw new Error(`invalid criteria: expected a field at ${pos}`);
		pos += field.length;
		expect(':');
		const op = /^[a-z_]+/.exec(text.slice(pos))?.[0];
		if (!op || !['equals', 'starts_with', 'not_equal'].includes(op))
			throw new Error(`invalid criteria: unsupported operator at ${pos}`);
		pos += op.length;
		expect(':');
		let value = '';
		while (pos < text.length && text[pos] !== ')') {
			if (text[pos] === '\\') pos++;
			else if (text[pos] === '(' || text[pos] === ',')
				throw new Error(`invalid criteria: unescaped "${text[pos]}" in a value at ${pos}`);
			value += text[pos++] ?? '';
		}
		expect(')');
		return { field, op, value };
	};
	const result = group();
	if (pos !== text.length) throw new Error(`invalid criteria: unexpected text at ${pos}`);
	return result;
}

function countConditions(c: Condition): number {
	return 'join' in c ? c.parts.reduce((n, p) => n + countConditions(p), 0) : 1;
}

function conditionFields(c: Condition): string[] {
	return 'join' in c ? c.parts.flatMap(conditionFields) : [c.field];
}

/** v8: `equals` behaves like "contains" (case-insensitive); `starts_with` is a prefix. */
function evaluate(c: Condition, record: Record<string, unknown>): boolean {
	if ('join' in c)
		return c.join === 'and'
			? c.parts.every((p) => evaluate(p, record))
			: c.parts.some((p) => evaluate(p, record));
	const stored = String(record[c.field] ?? '').toLowerCase();
	const value = c.value.toLowerCase();
	if (stored === '') return false;
	if (c.op === 'equals') return stored.includes(value);
	if (c.op === 'starts_with') return stored.startsWith(value);
	return !stored.includes(value);
}
