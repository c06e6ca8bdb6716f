/**
 * Zoho CRM's error bodies (`{code, details, message, status}`, or `{data: [that]}`) as something a
 * user can act on, and which errors stop a run.
 */
import type { HttpResponse } from '../../http/transport';
import { callErrorOf, fatalErrors } from '../errors';
import type { CrmErrorInfo } from '../types';
import { zohoScopesFor } from './scopes';
import type { ZohoItem } from './wire';

/** 401, and the dailyCredits this process may spend (CREDITS_EXHAUSTED): retrying other batches cannot help. */
export const isFatal = fatalErrors();
export const callError = callErrorOf('zoho');

/** Zoho's error body (`{code, details, message, status}`, or `{data: [that]}`) as something a user can act on. */
export function describeZohoError(
	response: HttpResponse,
	request?: { method: string; path: string },
): CrmErrorInfo {
	const body = (
		response.body && typeof response.body === 'object' ? response.body : {}
	) as ZohoItem & { data?: ZohoItem[]; merge?: ZohoItem[] };
	const item: ZohoItem = body.code ? body : (body.data?.[0] ?? body.merge?.[0] ?? {});
	const code = item.code ?? `HTTP_${response.status}`;
	if (code === 'OAUTH_SCOPE_MISMATCH') {
		// Zoho names no scope; the endpoint says which it needs.
		const needed = zohoScopesFor(request?.path ?? '');
		const [missing, ...with_] = needed.scopes;
		return {
			code: 'MISSING_SCOPES',
			status: response.status,
			retryable: false,
			message: `Zoho CRM refused ${needed.call} (OAUTH_SCOPE_MISMATCH): the credential's token was granted without the scope ${missing}${with_.length ? `, which this call needs besides ${with_.join(' and ')}` : ''}. The credential asks for it now: reconnect the Zoho CRM credential (open it and sign in to Zoho again) and Zoho grants it; a token granted before keeps its old scopes.`,
		};
	}
	if (response.status === 401) {
		return {
			code,
			status: 401,
			retryable: false,
			message: `Zoho CRM rejected the access token (${code}): it was revoked, belongs to another data centre, or expired and could not be refreshed. Reconnect the credential.`,
		};
	}
	if (response.status === 429 || code === 'TOO_MANY_REQUESTS') {
		return {
			code: 'TOO_MANY_REQUESTS',
			status: response.status,
			retryable: true,
			message: `Zoho CRM's API limit was reached: too many concurrent calls for the edition, or the org's API credits for the rolling 24 hours are used up${item.message ? ` (${item.message})` : ''}`,
		};
	}
	const info = itemError(item);
	return {
		...info,
		code,
		status: response.status,
		retryable: response.status >= 500 || info.retryable,
	};
}

/** One record's error, e.g. `{code: 'DUPLICATE_DATA', details: {api_name: 'Email', duplicate_record: {id}}}`. */
export function itemError(item: ZohoItem): CrmErrorInfo {
	const code = item.code ?? 'UNKNOWN';
	const details = item.details ?? {};
	const field = typeof details.api_name === 'string' ? details.api_name : undefined;
	const fields = field ? [field] : undefined;
	switch (code) {
		case 'DUPLICATE_DATA': {
			const other = (details.duplicate_record as { id?: string } | undefined)?.id ?? details.id;
			const more = details.more_records ? ' (and more)' : '';
			return {
				code,
				fields,
				retryable: false,
				message: `Another contact${other ? ` (${String(other)})` : ''}${more} already has this ${field ?? 'value'}, which must be unique: match on it or merge the contacts`,
			};
		}
		case 'MANDATORY_NOT_FOUND':
			return {
				code,
				fields,
				retryable: false,
				message: `Zoho CRM requires ${field ?? 'a field'} that was not given${field === 'Last_Name' ? ' (map a name, or a default last name)' : ''}`,
			};
		case 'INVALID_DATA': {
			const why = details.expected_data_type
				? `expected ${String(details.expected_data_type)}`
				: details.maximum_length
					? `longer than ${String(details.maximum_length)} characters`
					: (item.message ?? 'invalid data');
			return {
				code,
				fields,
				retryable: false,
				message: `Zoho CRM refused ${field ? `field ${field}` : 'the record'}: ${why}${item.message && !why.includes(item.message) ? ` (${item.message})` : ''}`,
			};
		}
		case 'MULTIPLE_OR_MULTI_ERRORS': {
			const errors = ((details.errors as ZohoItem[] | undefined) ?? []).map(itemError);
			return {
				code,
				retryable: false,
				fields: errors.flatMap((e) => e.fields ?? []),
				message: errors.map((e) => e.message).join('; ') || (item.message ?? 'several errors'),
			};
		}
		default:
			return {
				code,
				fields,
				retryable: code === 'INTERNAL_ERROR',
				message: `Zoho CRM: ${item.message ?? code}${field ? ` (${field})` : ''}`,
			};
	}
}
