/**
 * Salesforce's error bodies (`[{message, errorCode, fields}]`, per record `{statusCode, message,
 * fields}`) as something a user can act on, and which errors stop a run.
 */
import type { HttpResponse } from '../../http/transport';
import { callErrorOf, fatalErrors } from '../errors';
import type { CrmErrorInfo } from '../types';
import type { SfError } from './wire';

/** 401 / INVALID_SESSION_ID, and the org's 24-hour allocation (REQUEST_LIMIT_EXCEEDED) or its reserve. */
export const isFatal = fatalErrors();
export const callError = callErrorOf('salesforce');

/** Salesforce's error body (`[{message, errorCode, fields}]`) as something a user can act on. */
export function describeSalesforceError(response: HttpResponse): CrmErrorInfo {
	const list = Array.isArray(response.body)
		? (response.body as SfError[])
		: response.body && typeof response.body === 'object'
			? [response.body as SfError]
			: [];
	const first = list[0] ?? {};
	const code = first.errorCode ?? first.statusCode ?? `HTTP_${response.status}`;
	const fields = list.flatMap((e) => e.fields ?? []);
	// Salesforce answers a token whose connected app lacks the `api` scope with this 401
	// (https://help.salesforce.com/s/articleView?id=005226515).
	if (
		code === 'INVALID_SESSION_ID' &&
		/not valid for use with the REST API/i.test(first.message ?? '')
	) {
		return {
			code: 'MISSING_SCOPES',
			status: response.status,
			retryable: false,
			message:
				'Salesforce refused the session for the REST API: the connected app was authorized without the scope "api" (Manage user data via APIs). Add it (and "refresh_token", Perform requests at any time) to the connected app\'s Selected OAuth Scopes, then reconnect the Salesforce credential so the new token carries it.',
		};
	}
	if (response.status === 401 || code === 'INVALID_SESSION_ID') {
		return {
			code,
			status: response.status,
			retryable: false,
			message: `Salesforce refused the session (${code}): the access token expired or was revoked, and n8n could not refresh it. Reconnect the credential.`,
		};
	}
	if (code === 'REQUEST_LIMIT_EXCEEDED') {
		return {
			code,
			status: response.status,
			retryable: false,
			message: `Salesforce's API request allocation for the last 24 hours is used up (${first.message ?? code}): every integration of the org is refused until usage drops. Retrying now cannot help.`,
		};
	}
	return {
		code,
		status: response.status,
		retryable:
			response.status >= 500 ||
			response.status === 429 ||
			code === 'SERVER_UNAVAILABLE' ||
			code === 'UNABLE_TO_LOCK_ROW',
		fields: fields.length > 0 ? fields : undefined,
		message: `Salesforce: ${
			list
				.map((e) => e.message)
				.filter(Boolean)
				.join('; ') || code
		}`,
	};
}

export function itemError(errors: SfError[]): CrmErrorInfo {
	const first = errors[0] ?? {};
	const code = first.statusCode ?? first.errorCode ?? 'UNKNOWN';
	const fields = [...new Set(errors.flatMap((e) => e.fields ?? []))];
	return {
		code,
		retryable: code === 'UNABLE_TO_LOCK_ROW',
		fields: fields.length > 0 ? fields : undefined,
		message: `Salesforce refused the record: ${errors.map((e) => `${e.message ?? e.statusCode}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`).join('; ') || code}`,
	};
}
