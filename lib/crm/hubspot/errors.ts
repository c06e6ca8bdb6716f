/**
 * HubSpot's error bodies as something a user can act on. HubSpot answers
 * `{status: 'error', message, correlationId, category, errors?: [{message, code, context}], context?}`,
 * packs property problems into the message as JSON ("Property values were not valid: [...]"), and
 * answers rate limits with `{errorType: 'RATE_LIMIT', policyName}`. Every field is optional.
 */
import type { HttpResponse } from '../../http/transport';
import { callErrorOf, fatalErrors } from '../errors';
import type { CrmErrorInfo } from '../types';

/** Errors that stop a whole run: other batches would meet them too (HubSpot's 403: the token lacks access). */
export const isFatal = fatalErrors([403]);
export const callError = callErrorOf('hubspot');

export interface HubSpotErrorBody {
	status?: string;
	message?: string;
	correlationId?: string;
	category?: string;
	subCategory?: unknown;
	errorType?: string;
	policyName?: string;
	errors?: Array<{
		message?: string;
		code?: string;
		in?: string;
		context?: Record<string, unknown>;
	}>;
	context?: Record<string, unknown>;
}

interface PropertyProblem {
	name?: string;
	error?: string;
	message?: string;
}

/** The contact a CONFLICT names ("Contact already exists. Existing ID: 123"). */
export function existingIdOf(message: unknown): string | undefined {
	return /Existing ID:\s*(\d+)/i.exec(String(message ?? ''))?.[1];
}

/** Strings HubSpot lists in `context` (e.g. `ids`, `objectWriteTraceId`, `propertyName`). */
export function contextList(context: Record<string, unknown> | undefined, key: string): string[] {
	const value = context?.[key];
	return Array.isArray(value)
		? value.map(String)
		: value === undefined || value === null
			? []
			: [String(value)];
}

export function describeHubSpotError(response: HttpResponse): CrmErrorInfo {
	return describeHubSpotBody(response.status, response.body);
}

/** One error (a whole answer's body, or one entry of a batch's `errors`) as a CrmErrorInfo. */
export function describeHubSpotBody(status: number | undefined, raw: unknown): CrmErrorInfo {
	const body = (raw && typeof raw === 'object' ? raw : {}) as HubSpotErrorBody;
	const said = scrub(body.message ?? (typeof raw === 'string' ? raw.slice(0, 300) : ''));
	const category = body.category ?? (body.errorType === 'RATE_LIMIT' ? 'RATE_LIMIT' : undefined);
	const base = { status, retryable: false };
	const ref = body.correlationId ? ` (HubSpot correlation ID ${body.correlationId})` : '';

	if (
		status === 401 ||
		category === 'INVALID_AUTHENTICATION' ||
		category === 'EXPIRED_AUTHENTICATION'
	) {
		const expired = category === 'EXPIRED_AUTHENTICATION' || /expired/i.test(said);
		return {
			...base,
			code: category ?? 'UNAUTHORIZED',
			message: expired
				? `HubSpot refused the access token: it expired. Reconnect the HubSpot credential${said ? ` (HubSpot: ${said})` : ''}`
				: `HubSpot refused the access token: it is wrong, revoked, or belongs to another account. Paste a current private app token or service key into the HubSpot credential${ref}`,
		};
	}
	if (category === 'MISSING_SCOPES' || (status === 403 && /scope/i.test(said))) {
		const scopes = [
			...new Set(
				(body.errors ?? []).flatMap((e) => [
					...contextList(e.context, 'requiredGranularScopes'),
					...contextList(e.context, 'requiredScopes'),
				]),
			),
		];
		return {
			...base,
			code: 'MISSING_SCOPES',
			message: `The HubSpot token lacks a scope this call needs${scopes.length ? `: ${scopes.join(' or ')}` : ''}. Add it to the app's scopes in HubSpot and update the credential with the new token${ref}`,
		};
	}
	if (status === 403) {
		return {
			...base,
			code: category ?? 'FORBIDDEN',
			message: `HubSpot refused access: ${said || 'forbidden'}${ref}`,
		};
	}
	if (status === 429 || category === 'RATE_LIMIT') {
		const policy = body.policyName ?? 'rate';
		if (policy === 'DAILY') {
			return {
				...base,
				code: 'RATE_LIMIT_DAILY',
				message:
					"HubSpot's daily API limit for this account is used up; it resets at midnight in the account's time zone",
			};
		}
		return {
			...base,
			code: 'RATE_LIMIT',
			retryable: true,
			message: `HubSpot's ${policy} limit was reached (${policy === 'TEN_SECONDLY_ROLLING' ? '100 requests per 10 s on Free and Starter, 190 on Professional and Enterprise, shared by every integration of the app' : 'the search endpoints allow about 5 requests per second'})`,
		};
	}
	if (status !== undefined && status >= 500) {
		return {
			...base,
			code: category ?? `HTTP_${status}`,
			retryable: true,
			message: `HubSpot had an internal error (${status})${said ? `: ${said}` : ''}; try again${ref}`,
		};
	}
	switch (category) {
		case 'VALIDATION_ERROR':
			return { ...base, ...validation(said, body) };
		case 'CONFLICT': {
			const id = existingIdOf(said);
			const field =
				contextList(body.context, 'propertyName')[0] ??
				/\b(\w+) "[^"]*" already exists/.exec(said)?.[1];
			return {
				...base,
				code: 'CONFLICT',
				fields: field ? [field] : ['email'],
				message: id
					? `A HubSpot contact with this ${field ?? 'email'} already exists (ID ${id}): match on it, or merge the contacts`
					: `HubSpot refused a duplicate: ${said}`,
			};
		}
		case 'OBJECT_NOT_FOUND': {
			const ids = contextList(body.context, 'ids');
			return {
				...base,
				code: 'OBJECT_NOT_FOUND',
				message: ids.length
					? `HubSpot has no record ${ids.join(', ')}: it was deleted, or merged into another`
					: `HubSpot found no such record: ${said || 'not found'}`,
			};
		}
		default:
			return {
				...base,
				code: category ?? (status ? `HTTP_${status}` : 'UNKNOWN'),
				message: `HubSpot: ${said || `answered ${String(status)}`}${ref}`,
			};
	}
}

/** A VALIDATION_ERROR that names its properties and says what to change. */
function validation(
	said: string,
	body: HubSpotErrorBody,
): Omit<CrmErrorInfo, 'status' | 'retryable'> {
	const nonUnique = /non-unique \S+ property\s+"?([\w-]+)"?/i.exec(said);
	if (nonUnique) {
		return {
			code: 'INVALID_UPSERT_KEY',
			fields: [nonUnique[1]],
			message: `HubSpot upserts only by email or by a property with unique values, and "${nonUnique[1]}" is neither (phone numbers cannot be an upsert key): create a unique property such as whatsapp_e164 and use it as the unique key`,
		};
	}
	const problems = propertyProblems(said, body);
	if (problems.length === 0)
		return { code: 'VALIDATION_ERROR', message: `HubSpot refused the request: ${said}` };
	const fields = [...new Set(problems.map((p) => p.name).filter((n): n is string => !!n))];
	const reasons = problems.map((p) => {
		const name = p.name ?? 'a property';
		switch (p.error) {
			case 'PROPERTY_DOESNT_EXIST':
				return `HubSpot has no contact property "${name}": create it in HubSpot (Settings → Properties) or change the field mapping`;
			case 'READ_ONLY_VALUE':
				return `HubSpot property "${name}" is read-only: remove it from the field mapping`;
			case 'INVALID_OPTION':
				return `HubSpot property "${name}" takes only its defined options: ${p.message ?? ''}`.trim();
			case 'INVALID_EMAIL':
				return `HubSpot refused the email in "${name}": ${p.message ?? 'not an address'}`;
			default:
				return `HubSpot refused property "${name}"${p.error ? ` (${p.error})` : ''}: ${p.message ?? 'invalid value'}`;
		}
	});
	const codes = [...new Set(problems.map((p) => p.error).filter(Boolean))];
	return {
		code: codes.length === 1 ? codes[0]! : 'VALIDATION_ERROR',
		fields,
		message: reasons.join('; '),
	};
}

/** Property problems from `errors[]` (code, context.propertyName) or the JSON packed into the message. */
function propertyProblems(said: string, body: HubSpotErrorBody): PropertyProblem[] {
	const start = said.indexOf('[');
	if (start >= 0) {
		try {
			const parsed = JSON.parse(said.slice(start)) as PropertyProblem[];
			if (Array.isArray(parsed) && parsed.some((p) => p && typeof p === 'object' && 'name' in p))
				return parsed;
		} catch {
			// Not the packed form: fall through to `errors`.
		}
	}
	return (body.errors ?? [])
		.filter((e) => e.code || e.context?.propertyName)
		.map((e) => ({
			name: contextList(e.context, 'propertyName')[0],
			error: e.code,
			message: e.message,
		}));
}

/** HubSpot never echoes the token, but a proxy might: drop anything that looks like one. */
export function scrub(text: string): string {
	return text
		.replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
		.replace(/\bpat-[\w-]{8,}/gi, '[redacted]');
}
