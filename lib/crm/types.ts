/**
 * One interface for every CRM. The CRM Upsert node, the shared upsert logic (matching, conflict
 * policy, review) and the dedup merge-back call only this; each CRM is an adapter in its own
 * folder (lib/crm/<crm>/) that speaks the vendor's API, batches and rate limits.
 *
 * Adapters never authenticate themselves: they are handed an HttpTransport that adds the
 * credential (inside n8n, `httpRequestWithAuthentication`), so no adapter can leak a secret.
 */
import type { Clock, LimiterFactory } from './limits';
import type { HttpTransport } from '../http/transport';

export type CrmName = 'hubspot' | 'zoho' | 'salesforce';

/**
 * The contact fields the package itself understands, whatever each CRM calls them. An adapter's
 * `fieldNames` says which CRM field holds each; users can point any of them elsewhere.
 */
export type CanonicalField =
	| 'firstName'
	| 'lastName'
	| 'email'
	| 'phone'
	| 'mobilePhone'
	/** The customer's E.164 number in a field with unique values: the true-upsert key where the CRM has one. */
	| 'whatsappE164'
	/** WhatsApp's business-scoped user id (BSUID). */
	| 'whatsappUserId'
	/** Meta-side marketing consent: `opted_in` or `opted_out` (see marketingConsentOf). */
	| 'marketingConsent'
	| 'leadSource'
	| 'lastInteractionAt'
	| 'interactionCount'
	| 'tags'
	| 'lifecycle';

/** A contact as the CRM holds it. */
export interface CrmContact {
	id: string;
	/** Every property read, by the CRM's field name, as the CRM returned it. */
	properties: Record<string, unknown>;
	/** The CRM's last modification of the record, epoch milliseconds. */
	modifiedAt: number;
	/** Per-field modification times (ms) where the CRM reports them (HubSpot property history). */
	fieldModifiedAt?: Record<string, number>;
	/** The values of every phone field, raw as stored ("+852 9123 4567", "91234567", …). */
	phones: Array<{ field: string; value: string }>;
}

export type MatchField = 'whatsappUserId' | 'phone' | 'email';

/**
 * One record to write. With `id` it updates that contact; without, it creates, or (with `key`)
 * creates-or-updates through the CRM's own upsert on a unique field, which cannot race.
 */
export interface ContactWrite {
	/** The caller's reference (e.g. item index), echoed in the result. */
	ref: number;
	id?: string;
	key?: { field: string; value: string };
	/** By the CRM's field name; only these fields are written. */
	properties: Record<string, unknown>;
}

export type WriteResult =
	| { ref: number; ok: true; id: string; created: boolean; modifiedAt?: number }
	| { ref: number; ok: false; error: CrmErrorInfo };

/** A WhatsApp message to put on a contact's timeline (HubSpot communication, Zoho note, Salesforce Task). */
export interface MessageLog {
	ref: number;
	contactId: string;
	/** The wamid: logging the same message twice must not create a second record. */
	messageId: string;
	direction: 'inbound' | 'outbound';
	/** Epoch milliseconds. */
	at: number;
	/** The text, or a one-line description of media ("[image] caption"). */
	body: string;
	/** The customer's E.164 number and name, for the record's subject line. */
	customer?: { e164?: string; name?: string };
}

export type LogResult =
	| { ref: number; ok: true; id: string; duplicate: boolean }
	| { ref: number; ok: false; error: CrmErrorInfo };

/**
 * A file to put on a contact: a HubSpot file with a note, a Zoho CRM attachment, a Salesforce
 * ContentVersion. Fit it to the CRM's size first (`attachMedia` in media.ts does).
 */
export interface FileAttachment {
	ref: number;
	contactId: string;
	/** The wamid (or media id): attaching the same message's file twice must not add a second one. */
	messageId: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
	/** Shown with the file (note body, description): a caption, who sent it. */
	description?: string;
	/** Epoch milliseconds of the message; default now. */
	at?: number;
}

export type AttachResult =
	| {
			ref: number;
			ok: true;
			/** The record that holds the file on the contact: HubSpot note, Zoho attachment, Salesforce ContentVersion. */
			id: string;
			/** The file where the CRM keeps it apart from that record (HubSpot's file manager). */
			fileId?: string;
			/** The message's file was already there; nothing was added. */
			duplicate: boolean;
	  }
	| { ref: number; ok: false; error: CrmErrorInfo };

export interface CrmField {
	/** The CRM's API name, e.g. `mobilephone`, `Mobile`, `MobilePhone`, `WhatsApp_E164__c`. */
	name: string;
	label: string;
	type: 'string' | 'number' | 'boolean' | 'dateTime' | 'options' | 'array';
	/** A `dateTime` field that keeps a day only (HubSpot `date`: midnight UTC), so refuses a time of day. */
	dateOnly?: boolean;
	options?: Array<{ name: string; value: string }>;
	required?: boolean;
	readOnly?: boolean;
	/** Values must be unique: usable as an upsert key. */
	unique?: boolean;
	custom?: boolean;
}

/** A default custom field the CRM's contact object does not have: the package leaves it unwritten. */
export interface MissingField {
	canonical: CanonicalField;
	/** The API name looked for, e.g. `WhatsApp_Tags__c`. */
	field: string;
	/** What is not kept without it and how to add it, fit to show a user. */
	message: string;
	/** The field does not exist at all (rather than being unusable, or unchecked): creating it is the fix. */
	absent: boolean;
}

/** The field names an adapter can use in this CRM: its defaults, less the custom fields the org lacks. */
export interface FieldCheck {
	fieldNames: Partial<Record<CanonicalField, string>>;
	missing: MissingField[];
}

export interface MergeResult {
	survivorId: string;
	merged: Array<{ id: string; ok: true } | { id: string; ok: false; error: CrmErrorInfo }>;
}

export interface CrmErrorInfo {
	/** The vendor's code (`CONFLICT`, `INVALID_DATA`, `REQUIRED_FIELD_MISSING`, …) or HTTP status. */
	code: string;
	/** What happened and what to do, fit to show a user; never a secret. */
	message: string;
	status?: number;
	retryable: boolean;
	fields?: string[];
}

/** Raised for a whole call that failed (as opposed to one record in a partly failed batch). */
export class CrmApiError extends Error {
	constructor(
		readonly crm: CrmName,
		readonly info: CrmErrorInfo,
	) {
		super(`${crm}: ${info.message}`);
		this.name = 'CrmApiError';
	}
}

export interface CrmAdapter {
	readonly crm: CrmName;
	/** Records per write call: HubSpot 100, Zoho 100, Salesforce 200. */
	readonly batchSize: number;
	/** Which CRM field holds each canonical field by default. */
	readonly fieldNames: Partial<Record<CanonicalField, string>>;
	/** The CRM fields that hold phone numbers (searched and compared after normalising). */
	readonly phoneFields: string[];

	/**
	 * Contacts whose phone fields hold any of these E.164 numbers in whatever format the CRM
	 * stored them; keyed by the E.164 asked for. Candidates are compared after normalisation
	 * (`defaultCountry` reads national numbers), never as strings. The numbers asked for are
	 * already normalised by the caller (the engine's upsert, the node's edge) and taken as given,
	 * never normalised again: one that is not a valid number written in E.164 finds nothing.
	 */
	findByPhone(
		e164s: string[],
		opts?: { defaultCountry?: string },
	): Promise<Map<string, CrmContact[]>>;
	/** Contacts by exact (case-insensitive) email, keyed by the lower-cased email asked for. */
	findByEmail(emails: string[]): Promise<Map<string, CrmContact[]>>;
	/** Contacts whose `field` equals one of the values, keyed by value (BSUID, external ids). */
	findByField(field: string, values: string[]): Promise<Map<string, CrmContact[]>>;
	/**
	 * One page of all contacts (for exports such as the nightly dedup), oldest first where the CRM
	 * allows; pass the returned `after` to get the next page, absent on the last. HubSpot
	 * `GET /crm/v3/objects/contacts?after=`, Zoho `GET /crm/v8/Contacts?page_token=`, Salesforce SOQL
	 * with `nextRecordsUrl`. `properties` adds fields to read beyond the canonical ones.
	 */
	listContacts(opts?: {
		after?: string;
		limit?: number;
		properties?: string[];
	}): Promise<{ contacts: CrmContact[]; after?: string }>;
	/** Writes in batches of `batchSize`; one result per write, in order, whatever failed. */
	upsertMany(writes: ContactWrite[]): Promise<WriteResult[]>;
	/** Logs messages idempotently by `messageId`; one result per log, in order. */
	logMessages(logs: MessageLog[]): Promise<LogResult[]>;
	/** The largest file one attachment may be, in bytes, as the CRM documents it. */
	readonly maxAttachmentBytes: number;
	/**
	 * Attaches files to contacts, idempotently by `messageId`; one result per file, in order. A
	 * contact that does not exist fails its files with a reason, and the others still go.
	 */
	attachFiles(files: FileAttachment[]): Promise<AttachResult[]>;
	/** The contact object's fields, standard and custom, for field mapping. */
	describeFields(): Promise<CrmField[]>;
	/**
	 * Which of the default custom fields (WhatsApp number, user id, tags, last interaction, count)
	 * exist, learned once per adapter from describeFields. Names given explicitly are not checked.
	 * Absent on adapters whose `fieldNames` are used as they are.
	 */
	checkFields?(): Promise<FieldCheck>;
	/** Merges `absorbedIds` into `survivorId` with the CRM's own merge. */
	merge(survivorId: string, absorbedIds: string[]): Promise<MergeResult>;
}

export interface CrmAdapterOptions {
	transport: HttpTransport;
	/** The API root, e.g. `https://api.hubapi.com`, a Zoho data centre's or a Salesforce instance_url; a simulator in tests. */
	baseUrl: string;
	/** Per-request timeout handed to the transport. */
	timeoutMs?: number;
	/** Retries of 429 and 5xx answers (with Retry-After or backoff). Default 5. */
	retries?: number;
	/** Injected for tests and benchmarks; default real time. */
	clock?: Clock;
	/**
	 * Rate limits belong to the CRM account, not to one execution: adapters with the same base URL
	 * and key share them. Use the credential id to keep accounts on one host (HubSpot, a Zoho data
	 * centre) apart.
	 */
	accountKey?: string;
	/**
	 * Where the account's rate limits are kept: default one limiter per account in this process;
	 * `redisLimiters(url)` shares them with every queue-mode worker.
	 */
	limiters?: LimiterFactory;
}
