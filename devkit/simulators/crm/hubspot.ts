/**
 * A loopback simulator of HubSpot's CRM API v3/v4 (contacts, their properties, search, batch
 * writes, merge, communications and their associations), following HubSpot's documented contract
 * closely enough to test the adapter without HubSpot:
 * - bearer auth with HubSpot's 401 bodies, and 403 MISSING_SCOPES for a token without a scope;
 * - property validation (unknown → PROPERTY_DOESNT_EXIST, read-only, types, options, email);
 *   reads ignore properties the portal lacks, as HubSpot documents; `withoutWhatsAppFields` is a
 *   portal where nobody created the package's `whatsapp_*` properties;
 * - property and property group creation (`POST /crm/v3/properties/contacts[/groups]`, scope
 *   `crm.schemas.contacts.write`): 409 for a name taken, type and fieldType checked together;
 * - batch writes of at most 100 inputs; `batch/create` all-or-nothing, or per input (207) when
 *   every input carries an `objectWriteTraceId`; `batch/upsert` only by `email` or a property with
 *   `hasUniqueValue`; 409 CONFLICT "Contact already exists. Existing ID: …"; results in no
 *   particular order (HubSpot does not promise input order, so the simulator rotates them);
 * - search: at most 5 filterGroups, 6 filters per group and 18 in all, 200 per page, paging by
 *   `after` up to 10,000 results, EQ/IN on the stored string (case-insensitive), and eventual
 *   consistency (a write becomes searchable `searchLagMs` later);
 * - rate limits: a rolling 10 s window per app (100 Free/Starter, 190 Professional/Enterprise) with
 *   the `X-HubSpot-RateLimit-*` headers, the search endpoints' own limit (5 per second), an
 *   optional daily limit, all answering 429 `{status, message, errorType: 'RATE_LIMIT', policyName}`;
 * - merge (`hs_merged_object_ids`, absorbed ids keep resolving to the survivor);
 * - communications (WhatsApp channel), association type 81/82, v4 association listing;
 * - files (`POST /files/v3/files`, multipart with `file`, `options.access` required, `folderPath`
 *   or `folderId`, scope `files`; over `maxFileBytes` 413) and notes with `hs_attachment_ids`,
 *   associated to contacts with type 202 (203 back), listed through v4 associations;
 * - scripted faults (status, or a held request dropped as a timeout);
 * - the legacy v1 `POST /contacts/v1/contact/createOrUpdate/email/{email}`, which n8n's built-in
 *   HubSpot node (v2) still calls, sharing the contact store and the limits.
 *
 * Plain node:http, or node:https when given a key and certificate. Where HubSpot does not document a behaviour, the choice made is marked "Assumption".
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

import { answerFault, FaultQueue, listen, parseMultipart, send, sleep } from './common';
import type { Incoming, SimFault } from './common';
import { OAuthGrant, refreshRequestOf } from './oauth';

export type HubSpotSimTier = 'free' | 'starter' | 'professional' | 'enterprise';

/** Requests per rolling 10 s per app, by subscription (HubSpot's API usage guidelines). */
export const HUBSPOT_SIM_TEN_SECONDLY: Record<HubSpotSimTier, number> = {
	free: 100,
	starter: 100,
	professional: 190,
	enterprise: 190,
};
export const HUBSPOT_SIM_TOKEN = 'pat-na1-00000000-sim0-4000-8000-hubspotsim000';
/** The scopes the package asks users for (creating properties needs `crm.schemas.contacts.write` besides). */
export const HUBSPOT_SIM_SCOPES = [
	'crm.objects.contacts.read',
	'crm.objects.contacts.write',
	'crm.schemas.contacts.read',
	'files',
];
/** The fieldTypes HubSpot's forms offer for each property type. */
const FIELD_TYPES: Record<HubSpotSimProperty['type'], string[]> = {
	string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
	phone_number: ['phonenumber'],
	number: ['number', 'calculation_equation'],
	date: ['date'],
	datetime: ['date'],
	enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
	bool: ['booleancheckbox'],
};
export const HUBSPOT_SIM_PORTAL_ID = 24681357;

const BATCH_MAX = 100;
const SEARCH_PAGE_MAX = 200;
const SEARCH_RESULTS_MAX = 10_000;
const LIST_PAGE_MAX = 100;
const ASSOCIATIONS_PAGE_MAX = 500;
/** Assumption: HubSpot documents no ceiling for IN; 100 values per filter is what the simulator takes. */
const IN_VALUES_MAX = 100;
/** Communication → contact; the reverse direction is 82. */
export const COMMUNICATION_TO_CONTACT = 81;
export const CONTACT_TO_COMMUNICATION = 82;
/** Note → contact; the reverse direction is 203. */
export const NOTE_TO_CONTACT = 202;
export const CONTACT_TO_NOTE = 203;
/**
 * Assumption: HubSpot's file size limits live in its Knowledge Base, not the API reference; the
 * simulator refuses files over 300 MB (or `maxFileBytes`) with 413.
 */
export const HUBSPOT_SIM_MAX_FILE_BYTES = 300 * 1024 * 1024;
const FILE_ACCESS = [
	'PUBLIC_INDEXABLE',
	'PUBLIC_NOT_INDEXABLE',
	'HIDDEN_INDEXABLE',
	'HIDDEN_NOT_INDEXABLE',
	'HIDDEN_PRIVATE',
	'HIDDEN_SENSITIVE',
	'PRIVATE',
	'SENSITIVE',
];
const SEARCH_DEFAULT_PROPERTIES = [
	'createdate',
	'email',
	'firstname',
	'hs_object_id',
	'lastmodifieddate',
	'lastname',
];
const LIST_DEFAULT_PROPERTIES = [
	'createdate',
	'email',
	'firstname',
	'hs_object_id',
	'lastmodifieddate',
	'lastname',
];

export interface HubSpotSimProperty {
	name: string;
	label: string;
	/** HubSpot's data type. */
	type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number';
	/** How HubSpot's forms show it: text, textarea, phonenumber, number, date, select, radio, checkbox, booleancheckbox, calculation_equation. */
	fieldType: string;
	groupName: string;
	description?: string;
	options?: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>;
	hasUniqueValue?: boolean;
	hubspotDefined?: boolean;
	hidden?: boolean;
	calculated?: boolean;
	readOnlyValue?: boolean;
}

export interface HubSpotSimRecord {
	id: string;
	/** As HubSpot stores them: strings (empty values absent). */
	properties: Record<string, string>;
	createdAt: number;
	updatedAt: number;
}

export interface HubSpotSimCommunication extends HubSpotSimRecord {
	/** Contacts it is associated with (type 81). */
	contactIds: string[];
}

export interface HubSpotSimFile {
	id: string;
	name: string;
	extension: string;
	size: number;
	/** As uploaded (the part's Content-Type). */
	contentType: string;
	access: string;
	folderPath: string;
	data: Buffer;
	createdAt: number;
}

export interface HubSpotSimNote extends HubSpotSimRecord {
	/** Contacts it is associated with (type 202). */
	contactIds: string[];
}

export interface HubSpotSimulatorOptions {
	/** Default an ephemeral port on 127.0.0.1. */
	port?: number;
	host?: string;
	/** Accepted bearer token. Default HUBSPOT_SIM_TOKEN. */
	token?: string;
	/** Scopes granted to the token. Default HUBSPOT_SIM_SCOPES. */
	scopes?: string[];
	/**
	 * Tokens of an OAuth app instead of a private app's (which never expire): they live 30 minutes
	 * ("expires_in": 1800) and are renewed at `POST /oauth/v1/token` with `grant_type=refresh_token`
	 * (https://developers.hubspot.com/docs/api/oauth/tokens).
	 */
	oauth?: {
		lifetimeMs?: number;
		/** The clock tokens expire by. Default Date.now. */
		tokenClock?: () => number;
		clientId?: string;
		clientSecret?: string;
	};
	/** Sets the rolling 10 s limit. Default 'free' (100). */
	tier?: HubSpotSimTier;
	/** Overrides the tier's window (small windows keep tests fast); `false` turns it off. */
	rateLimit?: { max: number; windowMs: number } | false;
	/** The search endpoints' own limit. Default 5 per 1,000 ms; `false` turns it off. */
	searchRateLimit?: { max: number; windowMs: number } | false;
	/** Requests per day (HubSpot: 250,000 to 1,000,000 by subscription); default unlimited. */
	dailyLimit?: number;
	/** Search filter limits. Default 5 groups, 6 filters per group, 18 in all. */
	searchLimits?: { filterGroups: number; filtersPerGroup: number; filters: number };
	/** Time spent on each request before answering, so that requests overlap. Default 0. */
	latencyMs?: number;
	/** Serve over TLS (e.g. as api.hubapi.com for n8n's built-in node, whose host is hard-coded). */
	tls?: { key: string | Buffer; cert: string | Buffer };
	/** How long a write takes to become searchable (HubSpot's search is eventually consistent). Default 0. */
	searchLagMs?: number;
	/** Contacts to start with; default `defaultHubSpotContacts()`. */
	seed?: Array<{ id?: string; properties: Record<string, unknown> }>;
	/** The same as `seed` (the other CRM simulators' name). */
	contacts?: Array<{ id?: string; properties: Record<string, unknown> }>;
	/** Further property definitions (custom properties). */
	properties?: HubSpotSimProperty[];
	/** A new portal: none of the `whatsapp_*` custom contact properties exist (seed values of them are dropped). */
	withoutWhatsAppFields?: boolean;
	/** Clock for windows, lag and timestamps. Default Date.now. */
	now?: () => number;
	/** The largest file the files API takes. Default HUBSPOT_SIM_MAX_FILE_BYTES. */
	maxFileBytes?: number;
}

export interface HubSpotSimState {
	contacts: Map<string, HubSpotSimRecord>;
	/** Absorbed contact id → the id it was merged into. */
	merged: Map<string, string>;
	communications: Map<string, HubSpotSimCommunication>;
	files: Map<string, HubSpotSimFile>;
	notes: Map<string, HubSpotSimNote>;
	/** Requests by "METHOD /path" (ids replaced by `{id}`). */
	calls: Record<string, number>;
	/** 429 answers from the limits (not scripted faults). */
	rateLimited: number;
	/**
	 * Property values received as JSON numbers or booleans. HubSpot's spec types every property
	 * value as a string (SimplePublicObjectInput.properties: `additionalProperties: {type: string}`,
	 * HubSpot/HubSpot-public-api-spec-collection, CRM Contacts v3); HubSpot reads such values
	 * (Assumption), so they are counted for tests to forbid rather than refused.
	 */
	nonStringValues: number;
	rejected: {
		auth: number;
		scope: number;
		rateLimit: number;
		searchLimit: number;
		faults: number;
		validation: number;
		conflict: number;
		notFound: number;
		tooLarge: number;
	};
	/** Most requests the rolling window ever held at once (compare with the limit). */
	peakInWindow: number;
	peakSearchInWindow: number;
	properties: HubSpotSimProperty[];
	/** Searchable copies of contacts as of now (eventual consistency made visible). */
	searchable(): HubSpotSimRecord[];
}

export interface HubSpotSimulator {
	baseUrl: string;
	token: string;
	/** With `oauth`: the grant's refresh token and access tokens. */
	refreshToken?: string;
	tokenUrl?: string;
	grant?: OAuthGrant;
	state: HubSpotSimState;
	limits: { max: number; windowMs: number } | false;
	setFault(fault: SimFault): void;
	clearFaults(): void;
	/** Changes the scopes of the token at runtime (e.g. to provoke MISSING_SCOPES). */
	setScopes(scopes: string[]): void;
	close(): Promise<void>;
}

/** Messy phone formats as people typed them; 101–103 are one customer stored three ways. */
export function defaultHubSpotContacts(): Array<{
	id: string;
	properties: Record<string, string>;
}> {
	return [
		{
			id: '101',
			properties: {
				firstname: 'Mei',
				lastname: 'Chan',
				phone: '+852 9123 4567',
				email: 'mei.chan@example.com',
			},
		},
		{ id: '102', properties: { firstname: 'May', lastname: 'Chan', mobilephone: '91234567' } },
		{ id: '103', properties: { lastname: '陳大文', phone: '(852) 9123-4567' } },
		{ id: '104', properties: { firstname: 'Wei', lastname: 'Lim', mobilephone: '+65 9123 4567' } },
		{
			id: '105',
			properties: {
				firstname: 'Wing',
				lastname: "O'Neil",
				phone: '6123-4567',
				email: "o'neil.ho@example.com",
			},
		},
		{ id: '106', properties: { lastname: '林美玲', mobilephone: '0912 345 678' } },
		{
			id: '107',
			properties: {
				firstname: 'Ann',
				lastname: 'Lee',
				phone: '(415) 555-0132',
				whatsapp_user_id: 'US.1000000000000001',
			},
		},
		{
			id: '108',
			properties: {
				firstname: 'Somchai',
				lastname: 'Dee',
				mobilephone: '081 234 5678',
				whatsapp_e164: '+66812345678',
			},
		},
	];
}

export function defaultHubSpotProperties(): HubSpotSimProperty[] {
	const std = (
		name: string,
		label: string,
		type: HubSpotSimProperty['type'],
		fieldType: string,
		extra: Partial<HubSpotSimProperty> = {},
	): HubSpotSimProperty => ({
		name,
		label,
		type,
		fieldType,
		groupName: 'contactinformation',
		hubspotDefined: true,
		...extra,
	});
	const custom = (
		name: string,
		label: string,
		type: HubSpotSimProperty['type'],
		fieldType: string,
		extra: Partial<HubSpotSimProperty> = {},
	): HubSpotSimProperty => ({
		name,
		label,
		type,
		fieldType,
		groupName: 'whatsapp',
		...extra,
	});
	const readOnly = { readOnlyValue: true };
	return [
		std('email', 'Email', 'string', 'text'),
		std('firstname', 'First Name', 'string', 'text'),
		std('lastname', 'Last Name', 'string', 'text'),
		std('phone', 'Phone Number', 'string', 'phonenumber'),
		std('mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'),
		// Assumption: the property HubSpot's own WhatsApp integration fills; not in the public API reference.
		std('hs_whatsapp_phone_number', 'WhatsApp Phone Number', 'string', 'phonenumber'),
		std('company', 'Company Name', 'string', 'text'),
		std('jobtitle', 'Job Title', 'string', 'text'),
		std('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', {
			options: [
				'subscriber',
				'lead',
				'marketingqualifiedlead',
				'salesqualifiedlead',
				'opportunity',
				'customer',
				'evangelist',
				'other',
			].map((value, i) => ({
				label:
					value === 'marketingqualifiedlead'
						? 'Marketing Qualified Lead'
						: value === 'salesqualifiedlead'
							? 'Sales Qualified Lead'
							: value[0].toUpperCase() + value.slice(1),
				value,
				displayOrder: i,
			})),
		}),
		std('hs_lead_status', 'Lead Status', 'enumeration', 'radio', {
			options: [
				'NEW',
				'OPEN',
				'IN_PROGRESS',
				'OPEN_DEAL',
				'UNQUALIFIED',
				'ATTEMPTED_TO_CONTACT',
				'CONNECTED',
				'BAD_TIMING',
			].map((value, i) => ({ label: value, value, displayOrder: i })),
		}),
		std('createdate', 'Create Date', 'datetime', 'date', readOnly),
		std('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', readOnly),
		std('hs_object_id', 'Record ID', 'number', 'number', readOnly),
		std('hs_merged_object_ids', 'Merged Contact IDs', 'enumeration', 'checkbox', {
			...readOnly,
			options: [],
		}),
		std(
			'hs_searchable_calculated_phone_number',
			'Phone Number (digits)',
			'string',
			'calculation_equation',
			{ ...readOnly, calculated: true, hidden: true },
		),
		custom('whatsapp_e164', 'WhatsApp Number (E.164)', 'string', 'text', {
			hasUniqueValue: true,
			description: "The customer's WhatsApp number in E.164, unique per contact",
		}),
		custom('whatsapp_user_id', 'WhatsApp User ID', 'string', 'text'),
		custom('whatsapp_tags', 'WhatsApp Tags', 'string', 'textarea'),
		custom('whatsapp_last_interaction', 'Last WhatsApp Message', 'datetime', 'date'),
		custom('whatsapp_interaction_count', 'WhatsApp Messages', 'number', 'number'),
		custom('whatsapp_marketing_consent', 'WhatsApp Marketing Consent', 'string', 'text'),
		custom('whatsapp_opt_in', 'WhatsApp Opt-in', 'bool', 'booleancheckbox', {
			options: [
				{ label: 'Yes', value: 'true' },
				{ label: 'No', value: 'false' },
			],
		}),
		custom('whatsapp_language', 'WhatsApp Language', 'enumeration', 'select', {
			options: [
				{ label: 'English', value: 'en' },
				{ label: '中文', value: 'zh' },
				{ label: 'ไทย', value: 'th' },
				{ label: 'Русский', value: 'ru' },
			],
		}),
	];
}

const NOTE_PROPERTIES: HubSpotSimProperty[] = [
	{
		name: 'hs_note_body',
		label: 'Note body',
		type: 'string',
		fieldType: 'html',
		groupName: 'note',
		hubspotDefined: true,
	},
	{
		name: 'hs_timestamp',
		label: 'Timestamp',
		type: 'datetime',
		fieldType: 'date',
		groupName: 'note',
		hubspotDefined: true,
	},
	{
		name: 'hs_attachment_ids',
		label: 'Attached file IDs',
		type: 'string',
		fieldType: 'text',
		groupName: 'note',
		hubspotDefined: true,
	},
	{
		name: 'hubspot_owner_id',
		label: 'Owner',
		type: 'enumeration',
		fieldType: 'select',
		groupName: 'note',
		hubspotDefined: true,
		options: [],
	},
];

const COMMUNICATION_PROPERTIES: HubSpotSimProperty[] = [
	{
		name: 'hs_communication_channel_type',
		label: 'Channel type',
		type: 'enumeration',
		fieldType: 'select',
		groupName: 'communication',
		hubspotDefined: true,
		options: ['SMS', 'WHATS_APP', 'LINKEDIN_MESSAGE'].map((value) => ({ label: value, value })),
	},
	{
		name: 'hs_communication_logged_from',
		label: 'Logged from',
		type: 'enumeration',
		fieldType: 'select',
		groupName: 'communication',
		hubspotDefined: true,
		options: [{ label: 'CRM', value: 'CRM' }],
	},
	{
		name: 'hs_communication_body',
		label: 'Body',
		type: 'string',
		fieldType: 'html',
		groupName: 'communication',
		hubspotDefined: true,
	},
	{
		name: 'hs_timestamp',
		label: 'Timestamp',
		type: 'datetime',
		fieldType: 'date',
		groupName: 'communication',
		hubspotDefined: true,
	},
	{
		name: 'hubspot_owner_id',
		label: 'Owner',
		type: 'enumeration',
		fieldType: 'select',
		groupName: 'communication',
		hubspotDefined: true,
		options: [],
	},
];

interface PropertyProblem {
	name: string;
	error: string;
	message: string;
}

interface Answer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

class HubSpotError {
	constructor(
		readonly status: number,
		readonly category: string,
		readonly message: string,
		readonly extra: Record<string, unknown> = {},
	) {}
}

export async function startHubSpotSimulator(
	opts: HubSpotSimulatorOptions = {},
): Promise<HubSpotSimulator> {
	const now = opts.now ?? Date.now;
	const token = opts.token ?? HUBSPOT_SIM_TOKEN;
	let scopes = new Set(opts.scopes ?? HUBSPOT_SIM_SCOPES);
	const refreshToken = 'na1-simu-0000-0000-0000-refresh00000';
	const grant = opts.oauth
		? new OAuthGrant({
				accessToken: token,
				refreshToken,
				clientId: opts.oauth.clientId,
				clientSecret: opts.oauth.clientSecret,
				scopes: [...scopes],
				lifetimeMs: opts.oauth.lifetimeMs ?? 1800_000,
				now: opts.oauth.tokenClock ?? Date.now,
				mint: (n) => `CJSimOAuth${String(n).padStart(8, '0')}`,
			})
		: undefined;
	const tier = opts.tier ?? 'free';
	const limits =
		opts.rateLimit === false
			? false
			: (opts.rateLimit ?? { max: HUBSPOT_SIM_TEN_SECONDLY[tier], windowMs: 10_000 });
	const searchLimits =
		opts.searchRateLimit === false ? false : (opts.searchRateLimit ?? { max: 5, windowMs: 1000 });
	const filterLimits = opts.searchLimits ?? { filterGroups: 5, filtersPerGroup: 6, filters: 18 };
	const searchLagMs = opts.searchLagMs ?? 0;
	const properties = [
		...defaultHubSpotProperties().filter(
			(p) => !(opts.withoutWhatsAppFields && p.name.startsWith('whatsapp_')),
		),
		...(opts.properties ?? []),
	];
	const propertyByName = new Map(properties.map((p) => [p.name, p]));
	const propertyGroups = new Map<string, { name: string; label: string; displayOrder: number }>(
		[...new Set(['contactinformation', ...properties.map((p) => p.groupName)])].map((name, i) => [
			name,
			{ name, label: name, displayOrder: i },
		]),
	);
	const faults = new FaultQueue();

	const contacts = new Map<string, HubSpotSimRecord>();
	const merged = new Map<string, string>();
	const communications = new Map<string, HubSpotSimCommunication>();
	const files = new Map<string, HubSpotSimFile>();
	const notes = new Map<string, HubSpotSimNote>();
	const maxFileBytes = opts.maxFileBytes ?? HUBSPOT_SIM_MAX_FILE_BYTES;
	/** What search sees: per contact, versions that become visible at `at` (null = removed). */
	const index = new Map<string, Array<{ at: number; record: HubSpotSimRecord | null }>>();
	const window: number[] = [];
	const searchWindow: number[] = [];
	const daily: number[] = [];
	let nextId = 1001;
	let rotation = 0;

	const state: HubSpotSimState = {
		contacts,
		merged,
		communications,
		files,
		notes,
		calls: {},
		rateLimited: 0,
		nonStringValues: 0,
		rejected: {
			auth: 0,
			scope: 0,
			rateLimit: 0,
			searchLimit: 0,
			faults: 0,
			validation: 0,
			conflict: 0,
			notFound: 0,
			tooLarge: 0,
		},
		peakInWindow: 0,
		peakSearchInWindow: 0,
		properties,
		searchable: () =>
			[...index.keys()].map(visible).filter((r): r is HubSpotSimRecord => r !== null),
	};

	const newId = () => String(nextId++);
	const iso = (ms: number) => new Date(ms).toISOString();

	function reindex(record: HubSpotSimRecord | null, id: string): void {
		const versions = index.get(id) ?? [];
		versions.push({
			at: now() + searchLagMs,
			record: record && { ...record, properties: { ...record.properties } },
		});
		index.set(id, versions);
	}

	function visible(id: string): HubSpotSimRecord | null {
		const versions = index.get(id) ?? [];
		const t = now();
		let current: HubSpotSimRecord | null = null;
		for (const version of versions) if (version.at <= t) current = version.record;
		return current;
	}

	function store(record: HubSpotSimRecord): void {
		record.properties.hs_object_id = record.id;
		record.properties.createdate = iso(record.createdAt);
		record.properties.lastmodifieddate = iso(record.updatedAt);
		const digits = (record.properties.phone ?? '').replace(/\D/g, '');
		if (digits) record.properties.hs_searchable_calculated_phone_number = digits;
		else delete record.properties.hs_searchable_calculated_phone_number;
		contacts.set(record.id, record);
		reindex(record, record.id);
	}

	for (const seed of opts.seed ?? opts.contacts ?? defaultHubSpotContacts()) {
		const id = seed.id ?? newId();
		const at = now();
		const props: Record<string, string> = {};
		for (const [name, value] of Object.entries(seed.properties)) {
			if (opts.withoutWhatsAppFields && !propertyByName.has(name)) continue;
			if (value !== undefined && value !== null && value !== '') props[name] = String(value);
		}
		// Seeds are searchable at once: they were written long before the test.
		store({ id, properties: props, createdAt: at, updatedAt: at });
		index.set(id, [
			{ at: 0, record: { ...contacts.get(id)!, properties: { ...props, hs_object_id: id } } },
		]);
		if (Number(id) >= nextId) nextId = Number(id) + 1;
	}

	/** A contact by id, following merges as HubSpot does for absorbed ids. */
	function resolve(id: string): HubSpotSimRecord | undefined {
		let current = id;
		for (let hops = 0; hops < 10 && merged.has(current); hops++) current = merged.get(current)!;
		return contacts.get(current);
	}

	function findBy(property: string, value: string, except?: string): HubSpotSimRecord | undefined {
		const wanted = property === 'email' ? value.toLowerCase() : value;
		for (const record of contacts.values()) {
			if (record.id === except) continue;
			const held = record.properties[property];
			if (held !== undefined && (property === 'email' ? held.toLowerCase() : held) === wanted)
				return record;
		}
		return undefined;
	}

	// -----------------------------------------------------------------------------------------
	// Validation
	// -----------------------------------------------------------------------------------------

	/** Values as HubSpot stores them, or the problems HubSpot would name. */
	function validate(
		input: unknown,
		defs: Map<string, HubSpotSimProperty>,
	): { values: Record<string, string | null>; problems: PropertyProblem[] } {
		const values: Record<string, string | null> = {};
		const problems: PropertyProblem[] = [];
		if (input === undefined || input === null) return { values, problems };
		if (typeof input !== 'object' || Array.isArray(input)) {
			problems.push({
				name: 'properties',
				error: 'INVALID_INPUT',
				message: 'properties must be an object',
			});
			return { values, problems };
		}
		for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
			const def = defs.get(name);
			const problem = (error: string, message: string) => problems.push({ name, error, message });
			if (!def) {
				problem('PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`);
				continue;
			}
			if (def.readOnlyValue || def.calculated) {
				problem('READ_ONLY_VALUE', `"${name}" is a read only property; its value cannot be set.`);
				continue;
			}
			if (raw === null || raw === '') {
				values[name] = null;
				continue;
			}
			if (typeof raw === 'object') {
				problem('INVALID_INPUT', `${JSON.stringify(raw)} is not a valid value for ${name}`);
				continue;
			}
			if (typeof raw !== 'string') state.nonStringValues++;
			const text = String(raw);
			switch (def.type) {
				case 'number':
					if (!Number.isFinite(Number(text)))
						problem('INVALID_FLOAT', `${text} is not a valid number.`);
					else values[name] = String(Number(text));
					break;
				case 'bool':
					if (!['true', 'false'].includes(text.toLowerCase()))
						problem('INVALID_BOOLEAN', `${text} is not a valid boolean value; use true or false.`);
					else values[name] = text.toLowerCase();
					break;
				case 'datetime':
				case 'date': {
					const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
					if (Number.isNaN(ms))
						problem('INVALID_DATE', `${text} was not a valid long or ISO 8601 date.`);
					else if (def.type === 'date' && ms % 86_400_000 !== 0)
						problem('INVALID_DATE', `${text} is not at midnight UTC.`);
					else values[name] = iso(ms);
					break;
				}
				case 'enumeration': {
					const allowed = new Set((def.options ?? []).map((o) => o.value));
					const chosen = def.fieldType === 'checkbox' ? text.split(';').filter(Boolean) : [text];
					const bad = chosen.filter((v) => !allowed.has(v));
					if (bad.length > 0)
						problem(
							'INVALID_OPTION',
							`${bad.join(';')} was not one of the allowed options: ${[...allowed].join(', ')}`,
						);
					else values[name] = chosen.join(';');
					break;
				}
				default:
					if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text))
						problem('INVALID_EMAIL', `Email address ${text} is invalid`);
					else if (text.length > 65_536)
						problem('MAX_LENGTH', `${name} is longer than 65536 characters`);
					else values[name] = text;
			}
		}
		return { values, problems };
	}

	function validationError(
		problems: PropertyProblem[],
		extra: Record<string, unknown> = {},
	): HubSpotError {
		// HubSpot packs the property results into the message as JSON, and names them in `errors`.
		const results = problems.map((p) => ({
			isValid: false,
			message: p.message,
			error: p.error,
			name: p.name,
			localizedErrorMessage: p.message,
			portalId: HUBSPOT_SIM_PORTAL_ID,
		}));
		return new HubSpotError(
			400,
			'VALIDATION_ERROR',
			`Property values were not valid: ${JSON.stringify(results)}`,
			{
				errors: problems.map((p) => ({
					message: p.message,
					code: p.error,
					context: { propertyName: [p.name] },
				})),
				...extra,
			},
		);
	}

	/** Unique values (email and hasUniqueValue properties) that another contact already holds. */
	function uniqueClash(
		values: Record<string, string | null>,
		self?: string,
	): HubSpotError | undefined {
		for (const [name, value] of Object.entries(values)) {
			if (value === null) continue;
			if (name === 'email') {
				const other = findBy('email', value, self);
				if (other)
					return new HubSpotError(
						409,
						'CONFLICT',
						`Contact already exists. Existing ID: ${other.id}`,
					);
			} else if (propertyByName.get(name)?.hasUniqueValue) {
				const other = findBy(name, value, self);
				// Assumption: HubSpot does not document this body; the simulator answers like the email conflict.
				if (other)
					return new HubSpotError(
						409,
						'CONFLICT',
						`Contact with ${name} "${value}" already exists. Existing ID: ${other.id}`,
						{ context: { propertyName: [name] } },
					);
			}
		}
		return undefined;
	}

	function apply(record: HubSpotSimRecord, values: Record<string, string | null>): void {
		for (const [name, value] of Object.entries(values)) {
			if (value === null) delete record.properties[name];
			else record.properties[name] = value;
		}
	}

	function createContact(values: Record<string, string | null>): HubSpotSimRecord {
		const at = now();
		const record: HubSpotSimRecord = { id: newId(), properties: {}, createdAt: at, updatedAt: at };
		apply(record, values);
		store(record);
		return record;
	}

	function updateContact(record: HubSpotSimRecord, values: Record<string, string | null>): void {
		apply(record, values);
		record.updatedAt = Math.max(now(), record.updatedAt + 1);
		store(record);
	}

	/** The contact properties a read asks for that exist: HubSpot ignores the others. */
	const existingProperties = (names: string[]) => names.filter((name) => propertyByName.has(name));

	/** A record as the API shows it, with the properties asked for (or all that are set). */
	function view(
		record: HubSpotSimRecord,
		names?: string[],
		extra: Record<string, unknown> = {},
	): Record<string, unknown> {
		const props: Record<string, string | null> = {};
		if (names) for (const name of names) props[name] = record.properties[name] ?? null;
		else Object.assign(props, record.properties);
		return {
			id: record.id,
			properties: props,
			createdAt: iso(record.createdAt),
			updatedAt: iso(record.updatedAt),
			archived: false,
			...extra,
		};
	}

	function batchInputs(body: unknown): Array<Record<string, unknown>> {
		const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
		if (!Array.isArray(inputs) || inputs.length === 0)
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'inputs must be a non-empty array');
		// Assumption: HubSpot's wording for an oversized batch is not documented.
		if (inputs.length > BATCH_MAX)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Too many inputs: ${inputs.length}; a batch takes at most ${BATCH_MAX}`,
				{ context: { limit: [String(BATCH_MAX)] } },
			);
		return inputs as Array<Record<string, unknown>>;
	}

	/** Results in no particular order, as HubSpot gives them. */
	function unordered<T>(items: T[]): T[] {
		if (items.length < 2) return items;
		const k = ++rotation % items.length;
		return [...items.slice(k), ...items.slice(0, k)];
	}

	const batchBody = (results: unknown[], errors: unknown[], started: number) => ({
		status: 'COMPLETE',
		results: unordered(results),
		...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
		startedAt: iso(started),
		completedAt: iso(now()),
	});

	// -----------------------------------------------------------------------------------------
	// Contacts
	// -----------------------------------------------------------------------------------------

	const contactDefs = propertyByName;

	function batchCreate(body: unknown): Answer {
		const started = now();
		const inputs = batchInputs(body);
		// With an objectWriteTraceId on every input, HubSpot reports per input (207) instead of failing all.
		const multiStatus = inputs.every(
			(input) => typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId !== '',
		);
		const checked = inputs.map((input) => validate(input.properties, contactDefs));
		if (!multiStatus) {
			const bad = checked.flatMap((c) => c.problems);
			if (bad.length > 0) throw validationError(bad);
			// Within the batch too: two inputs with one email (or one unique value) collide.
			const seen = new Map<string, number>();
			for (const [i, c] of checked.entries()) {
				const clash = uniqueClash(c.values);
				if (clash) throw clash;
				for (const [name, value] of Object.entries(c.values)) {
					if (value === null || (name !== 'email' && !propertyByName.get(name)?.hasUniqueValue))
						continue;
					const key = `${name}=${name === 'email' ? value.toLowerCase() : value}`;
					// Assumption: HubSpot's wording for two inputs of one batch colliding.
					if (seen.has(key))
						throw new HubSpotError(
							409,
							'CONFLICT',
							`Duplicate ${name} in batch input: ${value} (inputs ${seen.get(key)} and ${i})`,
						);
					seen.set(key, i);
				}
			}
			const results = checked.map((c) => view(createContact(c.values)));
			return { status: 201, body: batchBody(results, [], started) };
		}
		const results: unknown[] = [];
		const errors: unknown[] = [];
		for (const [i, c] of checked.entries()) {
			const traceId = String(inputs[i].objectWriteTraceId);
			const fail = (error: HubSpotError) =>
				errors.push({
					status: 'error',
					category: error.category,
					message: error.message,
					context: { objectWriteTraceId: [traceId], ...((error.extra.context as object) ?? {}) },
					...(error.extra.errors ? { errors: error.extra.errors } : {}),
				});
			if (c.problems.length > 0) {
				fail(validationError(c.problems));
				continue;
			}
			const clash = uniqueClash(c.values);
			if (clash) {
				fail(clash);
				continue;
			}
			results.push(view(createContact(c.values), undefined, { objectWriteTraceId: traceId }));
		}
		state.rejected.validation += errors.length;
		return { status: errors.length > 0 ? 207 : 201, body: batchBody(results, errors, started) };
	}

	function batchUpdate(body: unknown): Answer {
		const started = now();
		const inputs = batchInputs(body);
		const ids = inputs.map((input) => String(input.id ?? ''));
		const dup = ids.find((id, i) => ids.indexOf(id) !== i);
		if (dup !== undefined)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Duplicate IDs found in batch input: [${dup}]. IDs must be unique`,
			);
		const checked = inputs.map((input) => validate(input.properties, contactDefs));
		const bad = checked.flatMap((c) => c.problems);
		// Assumption: like batch create without trace ids, one invalid input fails the whole batch.
		if (bad.length > 0) throw validationError(bad);
		const missing = ids.filter((id) => !resolve(id));
		for (const [i, c] of checked.entries()) {
			const record = resolve(ids[i]);
			if (!record) continue;
			const clash = uniqueClash(c.values, record.id);
			if (clash) throw clash;
		}
		const results = inputs.flatMap((_, i) => {
			const record = resolve(ids[i]);
			if (!record) return [];
			updateContact(record, checked[i].values);
			return [view(record)];
		});
		// Assumption: ids that do not exist are reported together (207), the others are written.
		const errors = missing.length
			? [
					{
						status: 'error',
						category: 'OBJECT_NOT_FOUND',
						message:
							'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
						context: { ids: missing },
					},
				]
			: [];
		state.rejected.notFound += missing.length;
		return { status: errors.length > 0 ? 207 : 200, body: batchBody(results, errors, started) };
	}

	function batchUpsert(body: unknown): Answer {
		const started = now();
		const inputs = batchInputs(body);
		const checked = inputs.map((input) => validate(input.properties, contactDefs));
		const keys: string[] = [];
		for (const input of inputs) {
			const idProperty = String(input.idProperty ?? '');
			const def = propertyByName.get(idProperty);
			if (!idProperty)
				throw new HubSpotError(400, 'VALIDATION_ERROR', 'idProperty is required for upsert');
			if (!def)
				throw validationError([
					{
						name: idProperty,
						error: 'PROPERTY_DOESNT_EXIST',
						message: `Property "${idProperty}" does not exist`,
					},
				]);
			if (idProperty !== 'email' && !def.hasUniqueValue)
				throw new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`Unable to perform update/upsert by non-unique 0-1 property ${idProperty}`,
				);
			const id = String(input.id ?? '');
			if (!id) throw new HubSpotError(400, 'VALIDATION_ERROR', 'id is required for upsert');
			keys.push(`${idProperty}=${idProperty === 'email' ? id.toLowerCase() : id}`);
		}
		const dup = keys.find((key, i) => keys.indexOf(key) !== i);
		if (dup !== undefined)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Duplicate IDs found in batch input: [${dup.split('=').slice(1).join('=')}]. IDs must be unique`,
			);
		const bad = checked.flatMap((c) => c.problems);
		if (bad.length > 0) throw validationError(bad);
		// Check everything first: HubSpot applies an upsert batch entirely or not at all (assumption).
		const plans = inputs.map((input, i) => {
			const idProperty = String(input.idProperty);
			const id = String(input.id);
			const values = { ...checked[i].values, [idProperty]: id };
			const existing = findBy(idProperty, id);
			const clash = uniqueClash(values, existing?.id);
			if (clash) throw clash;
			return { existing, values };
		});
		const results = plans.map(({ existing, values }) => {
			if (existing) {
				updateContact(existing, values);
				return view(existing, undefined, { new: false });
			}
			return view(createContact(values), undefined, { new: true });
		});
		return { status: 200, body: batchBody(results, [], started) };
	}

	/**
	 * The legacy create-or-update by email: body `{properties: [{property, value}]}`, answer
	 * `{vid, isNew}`. Validation as for v3; errors carry v1's `validationResults` beside v3's fields.
	 */
	function legacyCreateOrUpdate(email: string, body: unknown): Answer {
		const list = (body as { properties?: unknown } | undefined)?.properties ?? [];
		if (!Array.isArray(list))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				'properties must be a list of {property, value}',
			);
		const input: Record<string, unknown> = {};
		for (const entry of list as Array<{ property?: unknown; value?: unknown }>) {
			if (typeof entry?.property !== 'string')
				throw new HubSpotError(400, 'VALIDATION_ERROR', 'every property needs a "property" name');
			input[entry.property] = entry.value;
		}
		// The address in the path is the key and wins over one in the body.
		const { values, problems } = validate({ ...input, email }, contactDefs);
		if (problems.length > 0) {
			const error = validationError(problems);
			const validationResults = problems.map((p) => ({
				isValid: false,
				message: p.message,
				error: p.error,
				name: p.name,
			}));
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'Property values were not valid', {
				...error.extra,
				validationResults,
			});
		}
		const existing = findBy('email', email);
		const clash = uniqueClash(values, existing?.id);
		if (clash) throw clash;
		if (existing) {
			updateContact(existing, values);
			return { status: 200, body: { vid: Number(existing.id), isNew: false } };
		}
		return { status: 200, body: { vid: Number(createContact(values).id), isNew: true } };
	}

	function batchRead(
		body: unknown,
		records: (id: string) => HubSpotSimRecord | undefined,
		objectName: string,
	): Answer {
		const started = now();
		const inputs = batchInputs(body);
		const names = (body as { properties?: string[] }).properties;
		const found: unknown[] = [];
		const missing: string[] = [];
		for (const input of inputs) {
			const record = records(String(input.id));
			if (record)
				found.push(
					view(
						record,
						names && names.length
							? objectName === 'CONTACT'
								? existingProperties(names)
								: names
							: undefined,
					),
				);
			else missing.push(String(input.id));
		}
		const errors = missing.length
			? [
					{
						status: 'error',
						category: 'OBJECT_NOT_FOUND',
						message: `Could not get some ${objectName} objects, they may be deleted or not exist. Check that ids are valid.`,
						context: { ids: missing },
					},
				]
			: [];
		return { status: errors.length ? 207 : 200, body: batchBody(found, errors, started) };
	}

	function search(body: unknown): Answer {
		const request = (body ?? {}) as {
			filterGroups?: Array<{
				filters?: Array<{
					propertyName?: string;
					operator?: string;
					value?: unknown;
					values?: unknown[];
					highValue?: unknown;
				}>;
			}>;
			properties?: string[];
			limit?: number;
			after?: string | number;
			sorts?: Array<string | { propertyName: string; direction?: string }>;
			query?: string;
		};
		const groups = request.filterGroups ?? [];
		if (groups.length > filterLimits.filterGroups)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`There was a problem with the request: too many filterGroups (${groups.length}); at most ${filterLimits.filterGroups}`,
			);
		let total = 0;
		for (const group of groups) {
			const n = group.filters?.length ?? 0;
			if (n > filterLimits.filtersPerGroup)
				throw new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`There was a problem with the request: too many filters in a filterGroup (${n}); at most ${filterLimits.filtersPerGroup}`,
				);
			total += n;
		}
		if (total > filterLimits.filters)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`There was a problem with the request: too many filters (${total}); at most ${filterLimits.filters} in all`,
			);
		const limit = request.limit ?? 10;
		if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_PAGE_MAX)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`limit must be between 1 and ${SEARCH_PAGE_MAX}`,
			);
		const offset = request.after === undefined ? 0 : readSearchCursor(request.after);
		if (!Number.isInteger(offset) || offset < 0)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`after must be a paging cursor returned by a previous search`,
			);
		if (offset + limit > SEARCH_RESULTS_MAX)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Search returns at most ${SEARCH_RESULTS_MAX} results; narrow the filters`,
			);
		for (const group of groups) {
			for (const filter of group.filters ?? []) {
				if (!filter.propertyName || !propertyByName.has(filter.propertyName)) {
					// Assumption: HubSpot's wording; it refuses filters on properties that do not exist.
					throw new HubSpotError(
						400,
						'VALIDATION_ERROR',
						`There was a problem with the request: property ${String(filter.propertyName)} does not exist`,
					);
				}
				if (
					(filter.operator === 'IN' || filter.operator === 'NOT_IN') &&
					(!Array.isArray(filter.values) || filter.values.length > IN_VALUES_MAX)
				) {
					throw new HubSpotError(
						400,
						'VALIDATION_ERROR',
						`There was a problem with the request: ${filter.operator} takes 1 to ${IN_VALUES_MAX} values`,
					);
				}
			}
		}
		const matches = (record: HubSpotSimRecord) =>
			groups.length === 0 ||
			groups.some((group) =>
				(group.filters ?? []).every((filter) =>
					matchFilter(
						record.properties[filter.propertyName!],
						filter,
						propertyByName.get(filter.propertyName!)!,
					),
				),
			);
		const query = request.query?.trim().toLowerCase();
		let hits = state
			.searchable()
			.filter(
				(record) =>
					matches(record) &&
					(!query || Object.values(record.properties).some((v) => v.toLowerCase().includes(query))),
			);
		const sort = request.sorts?.[0];
		const sortName = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
		const descending =
			typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
		hits = hits.sort((a, b) => {
			if (!sortName || sortName === 'hs_object_id') return Number(a.id) - Number(b.id);
			return String(a.properties[sortName] ?? '').localeCompare(
				String(b.properties[sortName] ?? ''),
			);
		});
		if (descending) hits.reverse();
		const names = existingProperties([
			...new Set([...SEARCH_DEFAULT_PROPERTIES, ...(request.properties ?? [])]),
		]);
		const page = hits.slice(offset, offset + limit);
		const next =
			offset + limit < Math.min(hits.length, SEARCH_RESULTS_MAX)
				? { paging: { next: { after: searchCursor(offset + limit) } } }
				: {};
		return {
			status: 200,
			body: { total: hits.length, results: page.map((r) => view(r, names)), ...next },
		};
	}

	function list(url: URL): Answer {
		const limit = Number(url.searchParams.get('limit') ?? 10);
		if (!Number.isInteger(limit) || limit < 1 || limit > LIST_PAGE_MAX)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`limit must be between 1 and ${LIST_PAGE_MAX}`,
			);
		const after = url.searchParams.get('after');
		const names = existingProperties([
			...new Set([
				...LIST_DEFAULT_PROPERTIES,
				...(url.searchParams.get('properties') ?? '').split(',').filter(Boolean),
			]),
		]);
		const all = [...contacts.values()]
			.sort((a, b) => Number(a.id) - Number(b.id))
			.filter((r) => !after || Number(r.id) >= Number(after));
		const page = all.slice(0, limit);
		const next =
			all.length > limit
				? {
						paging: {
							next: { after: all[limit].id, link: `${url.pathname}?after=${all[limit].id}` },
						},
					}
				: {};
		return { status: 200, body: { results: page.map((r) => view(r, names)), ...next } };
	}

	function mergeContacts(body: unknown): Answer {
		const { primaryObjectId, objectIdToMerge } = (body ?? {}) as {
			primaryObjectId?: unknown;
			objectIdToMerge?: unknown;
		};
		if (primaryObjectId === undefined || objectIdToMerge === undefined)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				'primaryObjectId and objectIdToMerge are required',
			);
		const primary = resolve(String(primaryObjectId));
		const absorbed = resolve(String(objectIdToMerge));
		if (!primary || !absorbed)
			throw new HubSpotError(
				404,
				'OBJECT_NOT_FOUND',
				`Could not find contact ${!primary ? String(primaryObjectId) : String(objectIdToMerge)}`,
			);
		if (primary.id === absorbed.id)
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself');
		// The primary's values win; its blanks take the absorbed contact's (HubSpot keeps the most recent
		// value for some properties; the simulator keeps it simple).
		for (const [name, value] of Object.entries(absorbed.properties)) {
			if (['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_merged_object_ids'].includes(name))
				continue;
			if (primary.properties[name] === undefined) primary.properties[name] = value;
		}
		const mergedIds = new Set(
			(primary.properties.hs_merged_object_ids ?? '').split(';').filter(Boolean),
		);
		mergedIds.add(absorbed.id);
		for (const id of (absorbed.properties.hs_merged_object_ids ?? '').split(';').filter(Boolean))
			mergedIds.add(id);
		primary.properties.hs_merged_object_ids = [...mergedIds].join(';');
		for (const communication of communications.values()) {
			if (communication.contactIds.includes(absorbed.id)) {
				communication.contactIds = [
					...new Set(communication.contactIds.map((id) => (id === absorbed.id ? primary.id : id))),
				];
			}
		}
		contacts.delete(absorbed.id);
		reindex(null, absorbed.id);
		merged.set(absorbed.id, primary.id);
		primary.updatedAt = Math.max(now(), primary.updatedAt + 1);
		store(primary);
		// Assumption: the survivor keeps the primary's id (HubSpot may assign a new one; the adapter follows the answer).
		return { status: 200, body: view(primary) };
	}

	// -----------------------------------------------------------------------------------------
	// Communications
	// -----------------------------------------------------------------------------------------

	const communicationDefs = new Map(COMMUNICATION_PROPERTIES.map((p) => [p.name, p]));

	function createCommunication(
		input: Record<string, unknown>,
	): HubSpotSimCommunication | HubSpotError {
		const { values, problems } = validate(input.properties, communicationDefs);
		if (problems.length > 0) return validationError(problems);
		if (!values.hs_timestamp)
			return validationError([
				{ name: 'hs_timestamp', error: 'REQUIRED', message: 'hs_timestamp is required' },
			]);
		const contactIds: string[] = [];
		for (const association of (input.associations as
			| Array<{
					to?: { id?: unknown };
					types?: Array<{ associationCategory?: string; associationTypeId?: number }>;
			  }>
			| undefined) ?? []) {
			const type = association.types?.[0];
			if (
				type?.associationCategory !== 'HUBSPOT_DEFINED' ||
				type.associationTypeId !== COMMUNICATION_TO_CONTACT
			) {
				return new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`Association type ${String(type?.associationCategory)}/${String(type?.associationTypeId)} is not valid from communications to contacts (HUBSPOT_DEFINED ${COMMUNICATION_TO_CONTACT})`,
				);
			}
			const contact = resolve(String(association.to?.id ?? ''));
			if (!contact)
				return new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`One or more associations are invalid: contact ${String(association.to?.id)} does not exist`,
					{ context: { ids: [String(association.to?.id)] } },
				);
			contactIds.push(contact.id);
		}
		const at = now();
		const record: HubSpotSimCommunication = {
			id: newId(),
			properties: {},
			createdAt: at,
			updatedAt: at,
			contactIds,
		};
		apply(record, values);
		record.properties.hs_object_id = record.id;
		record.properties.hs_createdate = iso(at);
		record.properties.hs_lastmodifieddate = iso(at);
		communications.set(record.id, record);
		return record;
	}

	function communicationsBatchCreate(body: unknown): Answer {
		const started = now();
		const inputs = batchInputs(body);
		const multiStatus = inputs.every(
			(input) => typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId !== '',
		);
		if (!multiStatus) {
			// All or nothing: check every input before creating any (assumption, as for contacts).
			for (const input of inputs) {
				const { problems } = validate(input.properties, communicationDefs);
				if (problems.length > 0) throw validationError(problems);
			}
		}
		const results: unknown[] = [];
		const errors: unknown[] = [];
		for (const input of inputs) {
			const created = createCommunication(input);
			if (created instanceof HubSpotError) {
				if (!multiStatus) throw created;
				errors.push({
					status: 'error',
					category: created.category,
					message: created.message,
					context: { objectWriteTraceId: [String(input.objectWriteTraceId)] },
				});
				continue;
			}
			results.push(
				view(
					created,
					undefined,
					multiStatus ? { objectWriteTraceId: input.objectWriteTraceId } : {},
				),
			);
		}
		return { status: errors.length ? 207 : 201, body: batchBody(results, errors, started) };
	}

	function associations(
		contactId: string,
		url: URL,
		kind: 'communications' | 'notes' = 'communications',
	): Answer {
		const contact = resolve(contactId);
		if (!contact)
			throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Contact ${contactId} does not exist`);
		const linked: Map<string, { id: string; contactIds: string[] }> =
			kind === 'notes' ? notes : communications;
		const typeId = kind === 'notes' ? CONTACT_TO_NOTE : CONTACT_TO_COMMUNICATION;
		const limit = Number(url.searchParams.get('limit') ?? ASSOCIATIONS_PAGE_MAX);
		if (!Number.isInteger(limit) || limit < 1 || limit > ASSOCIATIONS_PAGE_MAX)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`limit must be between 1 and ${ASSOCIATIONS_PAGE_MAX}`,
			);
		const after = Number(url.searchParams.get('after') ?? 0);
		const ids = [...linked.values()]
			.filter((c) => c.contactIds.includes(contact.id))
			.map((c) => c.id)
			.sort((a, b) => Number(a) - Number(b));
		const page = ids.slice(after, after + limit);
		const next =
			after + limit < ids.length
				? {
						paging: {
							next: {
								after: String(after + limit),
								link: `${url.pathname}?after=${after + limit}`,
							},
						},
					}
				: {};
		return {
			status: 200,
			body: {
				results: page.map((id) => ({
					toObjectId: Number(id),
					associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }],
				})),
				...next,
			},
		};
	}

	// -----------------------------------------------------------------------------------------
	// Files and notes
	// -----------------------------------------------------------------------------------------

	function uploadFile(req: Incoming): Answer {
		const parts = parseMultipart(req);
		if (parts instanceof Error)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Invalid multipart request: ${parts.message}`,
			);
		const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
		if (!file) throw new HubSpotError(400, 'VALIDATION_ERROR', 'file is required');
		const field = (name: string) =>
			parts
				.find((part) => part.name === name && part.fileName === undefined)
				?.data.toString('utf8');
		let options: { access?: string; ttl?: string };
		try {
			options = JSON.parse(field('options') ?? '');
		} catch {
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				'options is required: a JSON object with access',
			);
		}
		if (!options || !FILE_ACCESS.includes(String(options.access)))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`options.access must be one of ${FILE_ACCESS.join(', ')}`,
			);
		const folderPath = field('folderPath');
		const folderId = field('folderId');
		if (folderPath && folderId)
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'Provide folderId or folderPath, not both');
		if (!folderPath && !folderId)
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'folderId or folderPath is required');
		if (file.data.length > maxFileBytes) {
			state.rejected.tooLarge++;
			// Assumption: HubSpot's body for an oversized upload is not documented.
			return {
				status: 413,
				body: errorBody(
					413,
					'VALIDATION_ERROR',
					`File is ${file.data.length} bytes; the maximum is ${maxFileBytes}`,
				),
			};
		}
		const name = field('fileName') || file.fileName || 'file';
		const dot = name.lastIndexOf('.');
		const at = now();
		const stored: HubSpotSimFile = {
			id: newId(),
			name: dot > 0 ? name.slice(0, dot) : name,
			extension: dot > 0 ? name.slice(dot + 1).toLowerCase() : '',
			size: file.data.length,
			contentType: file.contentType ?? 'application/octet-stream',
			access: String(options.access),
			folderPath: folderPath ?? `/folder-${folderId}`,
			data: Buffer.from(file.data),
			createdAt: at,
		};
		files.set(stored.id, stored);
		return { status: 201, body: fileView(stored) };
	}

	function fileView(file: HubSpotSimFile): Record<string, unknown> {
		const isPublic = file.access.startsWith('PUBLIC');
		return {
			id: file.id,
			name: file.name,
			extension: file.extension,
			size: file.size,
			type: file.contentType.startsWith('image/')
				? 'IMG'
				: file.contentType.startsWith('video/')
					? 'MOVIE'
					: file.contentType.startsWith('audio/')
						? 'AUDIO'
						: 'OTHER',
			access: file.access,
			path: `${file.folderPath.replace(/\/+$/, '')}/${file.name}${file.extension ? `.${file.extension}` : ''}`,
			parentFolderId: '1',
			createdAt: iso(file.createdAt),
			updatedAt: iso(file.createdAt),
			archived: false,
			isUsableInContent: isPublic,
			// Private files have no public URL; HubSpot signs one on request.
			...(isPublic ? { url: `https://files.example.invalid/${file.id}` } : {}),
		};
	}

	const noteDefs = new Map(NOTE_PROPERTIES.map((p) => [p.name, p]));

	function createNote(input: Record<string, unknown>): HubSpotSimNote {
		const { values, problems } = validate(input.properties, noteDefs);
		if (problems.length > 0) throw validationError(problems);
		if (!values.hs_timestamp)
			throw validationError([
				{ name: 'hs_timestamp', error: 'REQUIRED', message: 'hs_timestamp is required' },
			]);
		for (const fileId of (values.hs_attachment_ids ?? '').split(';').filter(Boolean)) {
			// Assumption: HubSpot's wording for an attachment id that names no file.
			if (!files.has(fileId))
				throw new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`hs_attachment_ids: file ${fileId} does not exist`,
				);
		}
		const contactIds: string[] = [];
		for (const association of (input.associations as
			| Array<{
					to?: { id?: unknown };
					types?: Array<{ associationCategory?: string; associationTypeId?: number }>;
			  }>
			| undefined) ?? []) {
			const type = association.types?.[0];
			if (
				type?.associationCategory !== 'HUBSPOT_DEFINED' ||
				type.associationTypeId !== NOTE_TO_CONTACT
			) {
				throw new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`Association type ${String(type?.associationCategory)}/${String(type?.associationTypeId)} is not valid from notes to contacts (HUBSPOT_DEFINED ${NOTE_TO_CONTACT})`,
				);
			}
			const contact = resolve(String(association.to?.id ?? ''));
			if (!contact)
				throw new HubSpotError(
					400,
					'VALIDATION_ERROR',
					`One or more associations are invalid: contact ${String(association.to?.id)} does not exist`,
					{ context: { ids: [String(association.to?.id)] } },
				);
			contactIds.push(contact.id);
		}
		const at = now();
		const note: HubSpotSimNote = {
			id: newId(),
			properties: {},
			createdAt: at,
			updatedAt: at,
			contactIds,
		};
		apply(note, values);
		note.properties.hs_object_id = note.id;
		note.properties.hs_createdate = iso(at);
		note.properties.hs_lastmodifieddate = iso(at);
		notes.set(note.id, note);
		return note;
	}

	// -----------------------------------------------------------------------------------------
	// Routing, auth and limits
	// -----------------------------------------------------------------------------------------

	/** `multipart`: the body is form data, not JSON. */
	type Route = {
		method: string;
		pattern: RegExp;
		scope?: string;
		search?: boolean;
		multipart?: boolean;
		handle: (req: Incoming, match: RegExpMatchArray) => Answer;
	};
	const C = '/crm/v3/objects/contacts';
	const routes: Route[] = [
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/search$`),
			scope: 'crm.objects.contacts.read',
			search: true,
			handle: (req) => search(req.json),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/batch/create$`),
			scope: 'crm.objects.contacts.write',
			handle: (req) => batchCreate(req.json),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/batch/update$`),
			scope: 'crm.objects.contacts.write',
			handle: (req) => batchUpdate(req.json),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/batch/upsert$`),
			scope: 'crm.objects.contacts.write',
			handle: (req) => batchUpsert(req.json),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/batch/read$`),
			scope: 'crm.objects.contacts.read',
			handle: (req) => batchRead(req.json, resolve, 'CONTACT'),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}/merge$`),
			scope: 'crm.objects.contacts.write',
			handle: (req) => mergeContacts(req.json),
		},
		{
			method: 'GET',
			pattern: new RegExp(`^${C}$`),
			scope: 'crm.objects.contacts.read',
			handle: (req) => list(req.url),
		},
		{
			method: 'POST',
			pattern: new RegExp(`^${C}$`),
			scope: 'crm.objects.contacts.write',
			handle: (req) => {
				const answer = batchCreate({
					inputs: [{ properties: (req.json as { properties?: unknown })?.properties ?? {} }],
				});
				return { status: 201, body: (answer.body as { results: unknown[] }).results[0] };
			},
		},
		{
			method: 'GET',
			pattern: new RegExp(`^${C}/([^/]+)$`),
			scope: 'crm.objects.contacts.read',
			handle: (req, m) => {
				const record = resolve(decodeURIComponent(m[1]));
				if (!record) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
				const names = req.url.searchParams.get('properties')?.split(',').filter(Boolean);
				return {
					status: 200,
					body: view(
						record,
						names?.length
							? existingProperties([...new Set([...LIST_DEFAULT_PROPERTIES, ...names])])
							: LIST_DEFAULT_PROPERTIES,
					),
				};
			},
		},
		{
			method: 'PATCH',
			pattern: new RegExp(`^${C}/([^/]+)$`),
			scope: 'crm.objects.contacts.write',
			handle: (req, m) => {
				const answer = batchUpdate({
					inputs: [
						{
							id: decodeURIComponent(m[1]),
							properties: (req.json as { properties?: unknown })?.properties ?? {},
						},
					],
				});
				const results = (answer.body as { results: unknown[] }).results;
				if (results.length === 0)
					throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
				return { status: 200, body: results[0] };
			},
		},
		{
			method: 'POST',
			pattern: /^\/contacts\/v1\/contact\/createOrUpdate\/email\/([^/]+)$/,
			scope: 'crm.objects.contacts.write',
			handle: (req, m) => legacyCreateOrUpdate(decodeURIComponent(m[1]), req.json),
		},
		{
			method: 'GET',
			pattern: /^\/crm\/v3\/properties\/contacts$/,
			scope: 'crm.schemas.contacts.read',
			handle: () => ({ status: 200, body: { results: properties.map(propertyView) } }),
		},
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/properties\/contacts$/,
			scope: 'crm.schemas.contacts.write',
			handle: (req) => createProperty(req.json),
		},
		{
			method: 'GET',
			pattern: /^\/crm\/v3\/properties\/contacts\/groups$/,
			scope: 'crm.schemas.contacts.read',
			handle: () => ({
				status: 200,
				body: { results: [...propertyGroups.values()].map((g) => ({ ...g, archived: false })) },
			}),
		},
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/properties\/contacts\/groups$/,
			scope: 'crm.schemas.contacts.write',
			handle: (req) => createPropertyGroup(req.json),
		},
		// Assumption: communications take the contacts scopes (HubSpot lists several alternatives).
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/objects\/communications$/,
			scope: 'crm.objects.contacts.write',
			handle: (req) => {
				const created = createCommunication((req.json ?? {}) as Record<string, unknown>);
				if (created instanceof HubSpotError) throw created;
				return { status: 201, body: view(created) };
			},
		},
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/objects\/communications\/batch\/create$/,
			scope: 'crm.objects.contacts.write',
			handle: (req) => communicationsBatchCreate(req.json),
		},
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/objects\/communications\/batch\/read$/,
			scope: 'crm.objects.contacts.read',
			handle: (req) => batchRead(req.json, (id) => communications.get(id), 'COMMUNICATION'),
		},
		{
			method: 'GET',
			pattern: /^\/crm\/v4\/objects\/contacts\/([^/]+)\/associations\/communications$/,
			scope: 'crm.objects.contacts.read',
			handle: (req, m) => associations(decodeURIComponent(m[1]), req.url),
		},
		{
			method: 'POST',
			pattern: /^\/files\/v3\/files$/,
			scope: 'files',
			multipart: true,
			handle: (req) => uploadFile(req),
		},
		{
			method: 'GET',
			pattern: /^\/files\/v3\/files\/([^/]+)$/,
			scope: 'files',
			handle: (_req, m) => {
				const file = files.get(decodeURIComponent(m[1]));
				if (!file) throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'File not found');
				return { status: 200, body: fileView(file) };
			},
		},
		{
			method: 'DELETE',
			pattern: /^\/files\/v3\/files\/([^/]+)$/,
			scope: 'files',
			handle: (_req, m) => {
				if (!files.delete(decodeURIComponent(m[1])))
					throw new HubSpotError(404, 'OBJECT_NOT_FOUND', 'File not found');
				return { status: 204 };
			},
		},
		// Assumption: as for communications, notes take the contacts scopes.
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/objects\/notes$/,
			scope: 'crm.objects.contacts.write',
			handle: (req) => ({
				status: 201,
				body: view(createNote((req.json ?? {}) as Record<string, unknown>)),
			}),
		},
		{
			method: 'POST',
			pattern: /^\/crm\/v3\/objects\/notes\/batch\/read$/,
			scope: 'crm.objects.contacts.read',
			handle: (req) => batchRead(req.json, (id) => notes.get(id), 'NOTE'),
		},
		{
			method: 'GET',
			pattern: /^\/crm\/v4\/objects\/contacts\/([^/]+)\/associations\/notes$/,
			scope: 'crm.objects.contacts.read',
			handle: (req, m) => associations(decodeURIComponent(m[1]), req.url, 'notes'),
		},
	];

	function createPropertyGroup(body: unknown): Answer {
		const { name, label, displayOrder } = (body ?? {}) as {
			name?: unknown;
			label?: unknown;
			displayOrder?: unknown;
		};
		if (typeof name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(name))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				'name is required: lowercase letters, digits and underscores, starting with a letter',
			);
		if (typeof label !== 'string' || label === '')
			throw new HubSpotError(400, 'VALIDATION_ERROR', 'label is required');
		// Assumption: HubSpot's wording for a group name taken.
		if (propertyGroups.has(name))
			throw new HubSpotError(409, 'CONFLICT', `A property group named '${name}' already exists.`);
		const group = {
			name,
			label,
			displayOrder: typeof displayOrder === 'number' ? displayOrder : -1,
		};
		propertyGroups.set(name, group);
		return { status: 201, body: { ...group, archived: false } };
	}

	function createProperty(body: unknown): Answer {
		const input = (body ?? {}) as Partial<
			Record<'name' | 'label' | 'type' | 'fieldType' | 'groupName' | 'description', unknown>
		> & { hasUniqueValue?: unknown };
		const { name, label, type, fieldType, groupName } = input;
		if (typeof name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(name))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				'name is required: lowercase letters, digits and underscores, starting with a letter',
			);
		for (const [key, value] of Object.entries({ label, type, fieldType, groupName }))
			if (typeof value !== 'string' || value === '')
				throw new HubSpotError(400, 'VALIDATION_ERROR', `${key} is required`);
		const allowed = FIELD_TYPES[type as HubSpotSimProperty['type']];
		if (!allowed)
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`type ${String(type)} is not one of ${Object.keys(FIELD_TYPES).join(', ')}`,
			);
		if (!allowed.includes(String(fieldType)))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`fieldType ${String(fieldType)} is not valid for type ${String(type)}`,
			);
		// Assumption: HubSpot's wording for an unknown group.
		if (!propertyGroups.has(String(groupName)))
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`Property group ${String(groupName)} does not exist`,
			);
		if (propertyByName.has(name))
			throw new HubSpotError(409, 'CONFLICT', `Property named '${name}' already exists.`);
		const property: HubSpotSimProperty = {
			name,
			label: String(label),
			type: type as HubSpotSimProperty['type'],
			fieldType: String(fieldType),
			groupName: String(groupName),
			...(typeof input.description === 'string' ? { description: input.description } : {}),
			...(input.hasUniqueValue === true ? { hasUniqueValue: true } : {}),
		};
		properties.push(property);
		propertyByName.set(name, property);
		return { status: 201, body: propertyView(property) };
	}

	function propertyView(p: HubSpotSimProperty): Record<string, unknown> {
		return {
			name: p.name,
			label: p.label,
			type: p.type,
			fieldType: p.fieldType,
			description: p.description ?? '',
			groupName: p.groupName,
			options: (p.options ?? []).map((o, i) => ({
				label: o.label,
				value: o.value,
				displayOrder: o.displayOrder ?? i,
				hidden: o.hidden ?? false,
			})),
			createdAt: '2020-01-01T00:00:00Z',
			updatedAt: '2020-01-01T00:00:00Z',
			displayOrder: -1,
			calculated: p.calculated ?? false,
			externalOptions: false,
			hasUniqueValue: p.hasUniqueValue ?? false,
			hidden: p.hidden ?? false,
			...(p.hubspotDefined ? { hubspotDefined: true } : {}),
			modificationMetadata: {
				archivable: !p.hubspotDefined,
				readOnlyDefinition: p.hubspotDefined ?? false,
				readOnlyValue: p.readOnlyValue ?? p.calculated ?? false,
			},
			formField: !p.readOnlyValue,
		};
	}

	const errorBody = (
		_status: number,
		category: string,
		message: string,
		extra: Record<string, unknown> = {},
	) => ({
		status: 'error',
		message,
		correlationId: randomUUID(),
		category,
		...extra,
	});

	function trim(times: number[], windowMs: number): void {
		const t = now();
		while (times.length > 0 && times[0] <= t - windowMs) times.shift();
	}

	function rateLimitHeaders(): Record<string, string> {
		if (!limits) return {};
		trim(window, limits.windowMs);
		const headers: Record<string, string> = {
			'X-HubSpot-RateLimit-Interval-Milliseconds': String(limits.windowMs),
			'X-HubSpot-RateLimit-Max': String(limits.max),
			'X-HubSpot-RateLimit-Remaining': String(Math.max(0, limits.max - window.length)),
		};
		if (opts.dailyLimit !== undefined) {
			headers['X-HubSpot-RateLimit-Daily'] = String(opts.dailyLimit);
			headers['X-HubSpot-RateLimit-Daily-Remaining'] = String(
				Math.max(0, opts.dailyLimit - daily.length),
			);
		}
		return headers;
	}

	const rateLimitBody = (policyName: string, message: string) => ({
		status: 'error',
		message,
		errorType: 'RATE_LIMIT',
		correlationId: randomUUID(),
		policyName,
		groupName: 'api-calls',
	});

	/** 429 when a limit is reached; otherwise counts the request. */
	function admit(isSearch: boolean): Answer | undefined {
		const t = now();
		if (opts.dailyLimit !== undefined) {
			trim(daily, 86_400_000);
			if (daily.length >= opts.dailyLimit) {
				state.rateLimited++;
				state.rejected.rateLimit++;
				return { status: 429, body: rateLimitBody('DAILY', 'You have reached your daily limit.') };
			}
		}
		if (isSearch && searchLimits) {
			trim(searchWindow, searchLimits.windowMs);
			if (searchWindow.length >= searchLimits.max) {
				state.rateLimited++;
				state.rejected.searchLimit++;
				// Assumption: the search limit's policy name; HubSpot documents the limit, not this body.
				return {
					status: 429,
					body: rateLimitBody('SECONDLY', 'You have reached your secondly limit.'),
				};
			}
		}
		if (limits && !isSearch) {
			trim(window, limits.windowMs);
			if (window.length >= limits.max) {
				state.rateLimited++;
				state.rejected.rateLimit++;
				return {
					status: 429,
					body: rateLimitBody(
						'TEN_SECONDLY_ROLLING',
						'You have reached your ten_secondly_rolling limit.',
					),
					headers: rateLimitHeaders(),
				};
			}
		}
		if (opts.dailyLimit !== undefined) daily.push(t);
		// The search endpoints have their own per-second limit and are exempt from the 10-second
		// window (https://developers.hubspot.com/docs/guides/api/crm/search#limitations: "rate limited
		// to five requests per second", with no X-HubSpot-RateLimit headers).
		if (limits && !isSearch) {
			window.push(t);
			state.peakInWindow = Math.max(state.peakInWindow, window.length);
		}
		if (isSearch && searchLimits) {
			searchWindow.push(t);
			state.peakSearchInWindow = Math.max(state.peakSearchInWindow, searchWindow.length);
		}
		return undefined;
	}

	async function handle(req: Incoming, res: http.ServerResponse): Promise<void> {
		const path = req.url.pathname;
		const key = `${req.method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}').replace(/\/email\/[^/]+$/, '/email/{email}')}`;
		state.calls[key] = (state.calls[key] ?? 0) + 1;
		if (opts.latencyMs) await sleep(opts.latencyMs);

		if (path.startsWith('/__sim/')) {
			if (path === '/__sim/state') {
				send(res, 200, {
					contacts: contacts.size,
					communications: communications.size,
					calls: state.calls,
					rateLimited: state.rateLimited,
					rejected: state.rejected,
					peakInWindow: state.peakInWindow,
				});
				return;
			}
			if (path === '/__sim/faults' && req.method === 'POST') {
				faults.add((req.json ?? {}) as SimFault);
				send(res, 204);
				return;
			}
			send(res, 404, errorBody(404, 'OBJECT_NOT_FOUND', 'unknown simulator control'));
			return;
		}

		if (grant && path === '/oauth/v1/token' && req.method === 'POST') {
			// Refusals: 400 {status: 'BAD_REFRESH_TOKEN' | 'BAD_CLIENT_ID' | 'BAD_GRANT_TYPE', message}
			// (Assumption: HubSpot's OAuth error body as its v1 token endpoint answers it).
			const result = grant.refresh(refreshRequestOf(req));
			if (!result.ok) {
				const status =
					result.why === 'client'
						? 'BAD_CLIENT_ID'
						: result.why === 'grant_type'
							? 'BAD_GRANT_TYPE'
							: 'BAD_REFRESH_TOKEN';
				send(res, 400, { status, message: 'missing or invalid refresh token' });
				return;
			}
			send(res, 200, {
				token_type: 'bearer',
				refresh_token: refreshToken,
				access_token: result.accessToken,
				expires_in: result.expiresInS ?? 1800,
			});
			return;
		}

		const fault = faults.take(`${req.method} ${path}`);
		if (fault) {
			state.rejected.faults++;
			answerFault(fault, res, (status) =>
				status === 429
					? rateLimitBody(
							'TEN_SECONDLY_ROLLING',
							'You have reached your ten_secondly_rolling limit.',
						)
					: errorBody(status, 'INTERNAL_ERROR', 'Internal error'),
			);
			return;
		}

		const auth = req.headers.authorization;
		if (!auth || !/^Bearer\s+/i.test(auth)) {
			state.rejected.auth++;
			send(
				res,
				401,
				errorBody(
					401,
					'INVALID_AUTHENTICATION',
					'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
				),
			);
			return;
		}
		const presented = auth.replace(/^Bearer\s+/i, '').trim();
		if (grant && grant.check(presented) === 'expired') {
			// An expired OAuth token: 401 EXPIRED_AUTHENTICATION
			// (https://developers.hubspot.com/docs/api/error-handling, "Authentication errors").
			state.rejected.auth++;
			send(
				res,
				401,
				errorBody(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.'),
			);
			return;
		}
		if (grant ? grant.check(presented) !== 'valid' : presented !== token) {
			state.rejected.auth++;
			send(
				res,
				401,
				errorBody(
					401,
					'INVALID_AUTHENTICATION',
					'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
				),
			);
			return;
		}

		const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
		if (!route) {
			send(res, 404, errorBody(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${path}`));
			return;
		}
		const limited = admit(route.search ?? false);
		if (limited) {
			send(res, limited.status, limited.body, limited.headers);
			return;
		}
		const headers = route.search ? {} : rateLimitHeaders();
		if (route.scope && !scopes.has(route.scope)) {
			state.rejected.scope++;
			send(
				res,
				403,
				errorBody(
					403,
					'MISSING_SCOPES',
					"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
					{
						errors: [
							{
								message: 'One or more of the following scopes are required.',
								context: { requiredGranularScopes: [route.scope] },
							},
						],
						links: { scopes: 'https://developers.hubspot.com/scopes' },
					},
				),
				headers,
			);
			return;
		}
		if (req.json instanceof Error && !route.multipart) {
			state.rejected.validation++;
			send(
				res,
				400,
				errorBody(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${req.json.message}`),
				headers,
			);
			return;
		}
		try {
			const answer = route.handle(req, req.url.pathname.match(route.pattern)!);
			send(res, answer.status, answer.body, { ...headers, ...(answer.headers ?? {}) });
		} catch (error) {
			if (!(error instanceof HubSpotError)) throw error;
			if (error.status === 409) state.rejected.conflict++;
			else if (error.status === 404) state.rejected.notFound++;
			else state.rejected.validation++;
			send(
				res,
				error.status,
				errorBody(error.status, error.category, error.message, error.extra),
				headers,
			);
		}
	}

	const server = await listen(handle, {
		port: opts.port,
		host: opts.host,
		tls: opts.tls,
		bugBody: (message) => ({ status: 'error', message, category: 'INTERNAL_ERROR' }),
	});
	return {
		baseUrl: server.baseUrl,
		token,
		...(grant ? { refreshToken, tokenUrl: `${server.baseUrl}/oauth/v1/token`, grant } : {}),
		state,
		limits,
		setFault: (fault) => faults.add(fault),
		clearFaults: () => faults.clear(),
		setScopes: (next) => {
			scopes = new Set(next);
		},
		close: server.close,
	};
}

function matchFilter(
	held: string | undefined,
	filter: { operator?: string; value?: unknown; values?: unknown[]; highValue?: unknown },
	def: HubSpotSimProperty,
): boolean {
	// String comparisons are case-insensitive; numbers and dates compare as numbers.
	const norm = (v: unknown) =>
		String(v ?? '')
			.trim()
			.toLowerCase();
	const numeric = def.type === 'number' || def.type === 'datetime' || def.type === 'date';
	const num = (v: unknown) =>
		/^-?\d+(\.\d+)?$/.test(String(v)) ? Number(v) : Date.parse(String(v));
	switch (filter.operator) {
		case 'EQ':
			return (
				held !== undefined &&
				(numeric ? num(held) === num(filter.value) : norm(held) === norm(filter.value))
			);
		case 'NEQ':
			return (
				held === undefined ||
				(numeric ? num(held) !== num(filter.value) : norm(held) !== norm(filter.value))
			);
		case 'IN':
			return held !== undefined && (filter.values ?? []).some((v) => norm(v) === norm(held));
		case 'NOT_IN':
			return held === undefined || !(filter.values ?? []).some((v) => norm(v) === norm(held));
		case 'HAS_PROPERTY':
			return held !== undefined;
		case 'NOT_HAS_PROPERTY':
			return held === undefined;
		case 'CONTAINS_TOKEN':
			return held !== undefined && tokens(held).some((t) => wildcard(norm(filter.value), t));
		case 'NOT_CONTAINS_TOKEN':
			return held === undefined || !tokens(held).some((t) => wildcard(norm(filter.value), t));
		case 'GT':
			return held !== undefined && num(held) > num(filter.value);
		case 'GTE':
			return held !== undefined && num(held) >= num(filter.value);
		case 'LT':
			return held !== undefined && num(held) < num(filter.value);
		case 'LTE':
			return held !== undefined && num(held) <= num(filter.value);
		case 'BETWEEN':
			return (
				held !== undefined && num(held) >= num(filter.value) && num(held) <= num(filter.highValue)
			);
		default:
			throw new HubSpotError(
				400,
				'VALIDATION_ERROR',
				`There was a problem with the request: unknown operator ${String(filter.operator)}`,
			);
	}
}

function tokens(value: string): string[] {
	return value
		.toLowerCase()
		.split(/[^\p{L}\p{N}@.]+/u)
		.filter(Boolean);
}

function wildcard(pattern: string, token: string): boolean {
	if (!pattern.includes('*')) return pattern === token;
	const regex = new RegExp(
		`^${pattern
			.split('*')
			.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*')}$`,
	);
	return regex.test(token);
}
/**
 * Search's paging cursor is opaque, as HubSpot's: its reference answers `"after": "NTI1Cg%3D%3D"`
 * (https://developers.hubspot.com/docs/api-reference/crm-contracts-v3/search/post-crm-v3-objects-contracts-search;
 * ForwardPaging.next.after is a string in HubSpot's CRM search OpenAPI). A client that reads it
 * as a number (to stop at the 10,000-result cap) gets nothing sensible from it, as from HubSpot.
 */
function searchCursor(offset: number): string {
	return encodeURIComponent(Buffer.from(`${offset}\n`).toString('base64'));
}

/** The offset a cursor from searchCursor stands for; NaN for anything else. */
function readSearchCursor(after: unknown): number {
	if (typeof after !== 'string') return Number.NaN;
	try {
		const text = Buffer.from(decodeURIComponent(after), 'base64').toString('utf8');
		return /^\d+\n$/.test(text) ? Number(text.trim()) : Number.NaN;
	} catch {
		return Number.NaN;
	}
}
