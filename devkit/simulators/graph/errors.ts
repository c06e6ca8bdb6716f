/** Graph API errors in Meta's shape: statuses, titles, and the failures the handlers throw. */
import { randomBytes } from 'node:crypto';

export interface ScriptedError {
	code: number;
	httpStatus?: number;
	message?: string;
	details?: string;
	type?: string;
	subcode?: number;
	/** Graph's `is_transient` flag (https://developers.facebook.com/docs/graph-api/guides/error-handling/). */
	isTransient?: boolean;
}

export interface GraphErrorBody {
	error: {
		message: string;
		type: string;
		code: number;
		error_subcode?: number;
		error_data?: { messaging_product: 'whatsapp'; details: string };
		is_transient?: boolean;
		fbtrace_id: string;
	};
}

export class SimFailure {
	constructor(
		readonly httpStatus: number,
		readonly body: GraphErrorBody,
		readonly headers: Record<string, string> = {},
	) {}
}

export function fbtrace(): string {
	return randomBytes(9).toString('base64').replace(/[+/=]/g, 'A');
}

/**
 * HTTP statuses follow the "HTTP Status Code" column of Meta's Cloud API error-code table:
 * 400 for most errors, 401 for 0/190, 403 for 10 and 200-299, 404 for 132001, 500 for 3/131000,
 * 503 for 2/131016/133004. Throttling: 130429, 131048, 131056 and 80007 come with 400; Meta's
 * table (as mirrored by third parties) gives 429 for code 4, while some integrators report 400.
 */
export function httpStatusFor(code: number): number {
	if (code === 0 || code === 190) return 401;
	if (code === 10 || (code >= 200 && code <= 299)) return 403;
	if (code === 4) return 429;
	if (code === 132001) return 404;
	if (code === 3 || code === 131000) return 500;
	if (code === 2 || code === 131016 || code === 133004) return 503;
	return 400;
}

/** Meta's titles, which it prefixes to `message` as `(#code) Title`. */
const TITLES: Record<number, string> = {
	1: 'An unknown error occurred',
	2: 'Service temporarily unavailable',
	4: 'Application request limit reached',
	100: 'Invalid parameter',
	80007: 'Rate limit issues',
	130429: 'Rate limit hit',
	131000: 'Something went wrong',
	131008: 'Required parameter is missing',
	131009: 'Parameter value is not valid',
	131016: 'Service unavailable',
	131026: 'Message Undeliverable',
	131047: 'Re-engagement message',
	131048: 'Spam rate limit hit',
	131051: 'Unsupported message type',
	131056: '(Business Account, Consumer Account) pair rate limit hit',
	131062: 'Business-scoped user ID not supported for this message',
	132000: 'Number of parameters does not match the expected number of params',
	132001: 'Template name does not exist in the translation',
	132005: 'Translated text too long',
	132012: 'Parameter format does not match format in the created template',
	132015: 'Template is Paused',
	132016: 'Template is Disabled',
	133004: 'Server temporarily unavailable',
	2200: 'Callback verification failed',
};

const DETAILS: Record<number, string> = {
	130429: 'Cloud API message throughput has been reached.',
	131047:
		'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
	131056:
		'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
};

export function whatsappError(
	code: number,
	details?: string,
	message?: string,
	httpStatus = httpStatusFor(code),
): SimFailure {
	return new SimFailure(httpStatus, {
		error: {
			message: message ?? `(#${code}) ${TITLES[code] ?? 'Error'}`,
			type: 'OAuthException',
			code,
			// error_subcode is absent: Meta no longer sends it for WhatsApp errors since v16.0.
			error_data: {
				messaging_product: 'whatsapp',
				details: details ?? DETAILS[code] ?? TITLES[code] ?? 'Error',
			},
			fbtrace_id: fbtrace(),
		},
	});
}

export function invalidParameter(message: string, details?: string): SimFailure {
	return whatsappError(100, details ?? message, `(#100) ${message}`);
}

export function unknownObject(method: string, id: string): SimFailure {
	return new SimFailure(400, {
		error: {
			message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
			type: 'GraphMethodException',
			code: 100,
			error_subcode: 33,
			fbtrace_id: fbtrace(),
		},
	});
}

export function authFailure(message: string, subcode?: number): SimFailure {
	const body: GraphErrorBody = {
		error: { message, type: 'OAuthException', code: 190, fbtrace_id: fbtrace() },
	};
	if (subcode !== undefined) body.error.error_subcode = subcode;
	return new SimFailure(401, body, {
		'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"`,
	});
}

export function scripted(error: ScriptedError): SimFailure {
	const failure = whatsappError(
		error.code,
		error.details,
		error.message,
		error.httpStatus ?? httpStatusFor(error.code),
	);
	if (error.type) failure.body.error.type = error.type;
	if (error.subcode !== undefined) failure.body.error.error_subcode = error.subcode;
	if (error.isTransient !== undefined) failure.body.error.is_transient = error.isTransient;
	return failure;
}

export function unsupported(method: string, id: string): never {
	throw unknownObject(method, id);
}
