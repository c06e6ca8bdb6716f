/**
 * The CRM wing's errors in one place: one wording and one code per condition, whichever CRM met
 * it. Vendor error bodies are read in each vendor's own errors file (hubspot/errors.ts, …); what
 * is the same for all of them (no answer, a contact that is not there, a merge into itself,
 * which errors stop a whole run) is written here once.
 */
import { TransportError } from '../http/transport';
import { CrmApiError } from './types';
import type { CrmErrorInfo, CrmName } from './types';

/** The CRM's name as a user reads it. */
export const CRM_LABEL: Record<CrmName, string> = {
	hubspot: 'HubSpot',
	zoho: 'Zoho CRM',
	salesforce: 'Salesforce',
};

/** The codes the package itself gives (the vendors' own codes pass through as they are). */
export const CRM_ERROR = {
	/** The transport got no answer. */
	network: 'NETWORK_ERROR',
	/** Anything else that is no CrmApiError (a bug, an unexpected throw). */
	requestFailed: 'REQUEST_FAILED',
	contactNotFound: 'CONTACT_NOT_FOUND',
	mergeIntoItself: 'MERGE_INTO_ITSELF',
	/** The CRM accepted a call but its answer lacks what it documents (an id, a per-record result). */
	unexpectedResponse: 'UNEXPECTED_RESPONSE',
} as const;

/** Codes that stop a whole run, whatever the CRM: other calls would meet them too. */
const FATAL_CODES = new Set([
	// HubSpot's daily allowance, Salesforce's 24-hour allocation and the reserve kept of it, Zoho's credits.
	'RATE_LIMIT_DAILY',
	'REQUEST_LIMIT_EXCEEDED',
	'API_LIMIT_RESERVE',
	'CREDITS_EXHAUSTED',
	'INVALID_SESSION_ID',
]);

/**
 * Whether an error stops a whole run: authentication (401), the vendor's spent allowance, and the
 * statuses a vendor adds (HubSpot's 403 means the token lacks access to everything of that kind).
 */
export function fatalErrors(extraStatuses: number[] = []): (error: unknown) => boolean {
	const statuses = new Set([401, ...extraStatuses]);
	return (error) =>
		error instanceof CrmApiError &&
		((error.info.status !== undefined && statuses.has(error.info.status)) ||
			FATAL_CODES.has(error.info.code));
}

/** A failed call as one result's error; `write` says whether a call that timed out may have been applied. */
export function callErrorOf(crm: CrmName): (error: unknown, write: boolean) => CrmErrorInfo {
	return (error, write) => {
		if (error instanceof CrmApiError) return error.info;
		if (error instanceof TransportError) {
			return {
				code: error.code ?? CRM_ERROR.network,
				retryable: true,
				message: `No answer from ${CRM_LABEL[crm]} (${error.code ?? 'network error'})${write && error.sent ? '; the call may have been applied, so look before writing again' : ''}`,
			};
		}
		return { code: CRM_ERROR.requestFailed, message: (error as Error).message, retryable: true };
	};
}

/** An attachment for a contact the CRM does not have. */
export function contactNotFound(crm: CrmName, contactId: string, status?: number): CrmApiError {
	return new CrmApiError(crm, {
		code: CRM_ERROR.contactNotFound,
		...(status !== undefined ? { status } : {}),
		retryable: false,
		message: `${CRM_LABEL[crm]} has no contact ${contactId} (wrong ID, or deleted): nothing was attached`,
	});
}

/** The guard every merge keeps before calling the CRM. */
export const MERGE_INTO_ITSELF: CrmErrorInfo = {
	code: CRM_ERROR.mergeIntoItself,
	message: 'A contact cannot be merged into itself',
	retryable: false,
};

/** An answer without what the vendor documents it carries. */
export function unexpectedResponse(crm: CrmName, what: string, status?: number): CrmApiError {
	return new CrmApiError(crm, {
		code: CRM_ERROR.unexpectedResponse,
		...(status !== undefined ? { status } : {}),
		retryable: false,
		message: `${CRM_LABEL[crm]} ${what}`,
	});
}
