/**
 * Meta's WhatsApp Cloud API error catalogue: what a code means and whether sending again can help.
 * Every node that calls the Graph API explains failures through this one table.
 */
export type GraphErrorAction =
	| 'retry' // transient: try again with backoff
	| 'backoff' // a rate limit: wait longer, then try again
	| 'template' // outside the customer-service window: send a template instead
	| 'stop' // fix the request, the template, the account or the recipient first
	| 'later' // per-user limit: try again after more than 24 h
	| 'phone'; // the message needs the customer's phone number: ask for it (REQUEST_CONTACT_INFO)

export interface GraphErrorInfo {
	code: number;
	title: string;
	retryable: boolean;
	action: GraphErrorAction;
}

const CATALOGUE: Record<number, Omit<GraphErrorInfo, 'code'>> = {
	0: {
		title: 'Authentication failed: the access token is invalid or expired',
		retryable: false,
		action: 'stop',
	},
	1: { title: 'Unknown API error (transient)', retryable: true, action: 'retry' },
	2: { title: 'API service temporarily unavailable', retryable: true, action: 'retry' },
	3: {
		title: 'The app lacks the capability or permission for this call',
		retryable: false,
		action: 'stop',
	},
	4: { title: 'Application request limit reached', retryable: true, action: 'backoff' },
	10: {
		title: 'Permission denied: the token lacks a required permission',
		retryable: false,
		action: 'stop',
	},
	100: { title: 'Invalid parameter', retryable: false, action: 'stop' },
	// "An access token is required to request this resource" (OAuthException). Source:
	// https://developers.facebook.com/docs/graph-api/guides/error-handling/
	104: {
		title: 'No access token was sent: check the credential',
		retryable: false,
		action: 'stop',
	},
	190: { title: 'Access token expired or invalid', retryable: false, action: 'stop' },
	200: { title: 'Permission not granted', retryable: false, action: 'stop' },
	368: { title: 'Temporarily blocked for policy violations', retryable: false, action: 'stop' },
	2200: {
		title: 'Callback verification failed: the URL did not echo the challenge for the verify token',
		retryable: false,
		action: 'stop',
	},
	80007: {
		title: 'WhatsApp Business Account rate limit reached',
		retryable: true,
		action: 'backoff',
	},
	130429: {
		title: 'Throughput limit reached: too many messages per second from this number',
		retryable: true,
		action: 'backoff',
	},
	130472: {
		title: "Not sent: the user's number is part of a Meta experiment",
		retryable: false,
		action: 'stop',
	},
	130497: {
		title: 'Business account is restricted from messaging users in this country',
		retryable: false,
		action: 'stop',
	},
	131000: { title: 'Something went wrong (transient)', retryable: true, action: 'retry' },
	131005: {
		title: 'Access denied: permission not granted or removed',
		retryable: false,
		action: 'stop',
	},
	131008: { title: 'Required parameter is missing', retryable: false, action: 'stop' },
	131009: { title: 'Parameter value is not valid', retryable: false, action: 'stop' },
	131016: { title: 'Service temporarily unavailable', retryable: true, action: 'retry' },
	131021: {
		title: 'Recipient is the sender: a number cannot message itself',
		retryable: false,
		action: 'stop',
	},
	131026: {
		title: 'Message undeliverable: not a WhatsApp user, old app, or terms not accepted',
		retryable: false,
		action: 'stop',
	},
	131031: { title: 'Business account locked', retryable: false, action: 'stop' },
	131042: { title: 'Business eligibility payment issue', retryable: false, action: 'stop' },
	131045: {
		title: 'Phone number not registered with the Cloud API',
		retryable: false,
		action: 'stop',
	},
	131047: {
		title: 'More than 24 hours since the customer last replied: only a template can be sent',
		retryable: false,
		action: 'template',
	},
	131048: {
		title: 'Spam rate limit hit: messages were blocked or reported; stop and fix quality',
		retryable: false,
		action: 'stop',
	},
	131049: {
		title: 'Meta chose not to deliver: per-user marketing limit (try again after more than 24 h)',
		retryable: false,
		action: 'later',
	},
	131050: {
		title: 'The customer stopped marketing messages from this business',
		retryable: false,
		action: 'stop',
	},
	131051: { title: 'Unsupported message type', retryable: false, action: 'stop' },
	131052: {
		title: 'Media download error: the media could not be fetched',
		retryable: false,
		action: 'stop',
	},
	131053: {
		title: 'Media upload error: unsupported or damaged media',
		retryable: false,
		action: 'stop',
	},
	131056: {
		title: 'Pair rate limit: too many messages to the same customer in a short time',
		retryable: true,
		action: 'backoff',
	},
	131057: { title: 'Business account is in maintenance mode', retryable: true, action: 'retry' },
	// Since May 2026 a business-scoped user id may be used as `recipient`, but not for every message:
	// e.g. authentication templates with one-tap, zero-tap or copy-code buttons need a phone number.
	// Sources: https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/,
	// https://developer.8x8.com/release-notes/2026-07-21-business-scoped-user-ids-bsuid
	131062: {
		title:
			"This message cannot go to a business-scoped user id: it needs the customer's phone number",
		retryable: false,
		action: 'phone',
	},
	132000: {
		title: "Template parameter count does not match the template's placeholders",
		retryable: false,
		action: 'stop',
	},
	132001: {
		title: 'Template does not exist in this language or is not approved',
		retryable: false,
		action: 'stop',
	},
	132005: {
		title: 'Template text too long after parameters were filled in',
		retryable: false,
		action: 'stop',
	},
	132007: {
		title: "Template content violates WhatsApp's policy",
		retryable: false,
		action: 'stop',
	},
	132012: { title: 'Template parameter has the wrong format', retryable: false, action: 'stop' },
	132015: { title: 'Template is paused for low quality', retryable: false, action: 'stop' },
	132016: { title: 'Template is disabled for low quality', retryable: false, action: 'stop' },
	132068: { title: 'Flow is blocked', retryable: false, action: 'stop' },
	132069: { title: 'Flow is throttled', retryable: true, action: 'backoff' },
	133000: {
		title: 'Incomplete deregistration of the phone number',
		retryable: false,
		action: 'stop',
	},
	133004: { title: 'Server temporarily unavailable', retryable: true, action: 'retry' },
	133010: { title: 'Phone number not registered', retryable: false, action: 'stop' },
	135000: { title: 'Generic user error', retryable: false, action: 'stop' },
};

/** What a Graph API error code means and whether it is worth retrying. Unknown codes are not retried. */
export function graphError(code: number): GraphErrorInfo {
	const known = CATALOGUE[code];
	if (known) return { code, ...known };
	return {
		code,
		title: `Unknown WhatsApp Cloud API error ${code}`,
		retryable: false,
		action: 'stop',
	};
}

/** An error answer from the Graph API, carrying Meta's fields and the catalogue's reading of them. */
export class GraphApiError extends Error {
	readonly code: number;
	readonly subcode?: number;
	readonly httpStatus: number;
	readonly title: string;
	readonly retryable: boolean;
	readonly action: GraphErrorAction;
	/** Meta's own `is_transient` flag, when it sent one. */
	readonly transient?: boolean;
	readonly details?: string;
	readonly fbtraceId?: string;

	constructor(httpStatus: number, body: unknown) {
		const error = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
		const code = typeof error.code === 'number' ? error.code : httpStatus >= 500 ? 1 : 100;
		const info = graphError(code);
		const errorData = error.error_data as { details?: string } | undefined;
		const metaMessage = typeof error.message === 'string' ? error.message : undefined;
		super(
			`WhatsApp Cloud API error ${code}: ${info.title}${metaMessage ? ` (${metaMessage})` : ''}`,
		);
		this.name = 'GraphApiError';
		this.code = code;
		this.subcode = typeof error.error_subcode === 'number' ? error.error_subcode : undefined;
		this.httpStatus = httpStatus;
		this.title = info.title;
		// Meta marks errors worth retrying with `is_transient` (Graph API error handling:
		// https://developers.facebook.com/docs/graph-api/guides/error-handling/); it adds to the
		// catalogue's reading, so a code the catalogue does not know is retried when Meta says so.
		this.transient = typeof error.is_transient === 'boolean' ? error.is_transient : undefined;
		this.retryable =
			info.retryable ||
			this.transient === true ||
			(httpStatus >= 500 && !(code in CATALOGUE) && this.transient !== false);
		this.action = info.action;
		this.details = errorData?.details;
		this.fbtraceId = typeof error.fbtrace_id === 'string' ? error.fbtrace_id : undefined;
	}
}
