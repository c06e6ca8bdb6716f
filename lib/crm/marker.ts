/**
 * The one marker that says "this message is already logged / its media already attached": the
 * wamid in brackets, `[wamid:<id>]`, at the end of the record's text (HubSpot communication and
 * note body, Zoho note content, Salesforce Task subject and ContentVersion description). CRMs
 * without a unique key on those records are asked for it before anything is written, so logging
 * and attaching stay idempotent. Where a file name must carry the message, it carries its short
 * tag instead (media.ts `mediaTag`): a wamid may hold `/`, `+` and `=`.
 *
 * Salesforce records written before the marker was one carry `[wa:<id>]`: they are still read.
 */

/** The marker of a message id. */
export function messageMarker(messageId: string): string {
	return `[wamid:${messageId}]`;
}

/** `[wamid:…]`, and the older Salesforce `[wa:…]`. Ids end at `]`, whitespace or `<` (HTML bodies escape it). */
const MARKER = /\[(?:wamid|wa):([^\]\s<]+)\]/g;

/** Every message id marked in a text, in order. */
export function markedMessages(text: unknown): string[] {
	return [...String(text ?? '').matchAll(MARKER)].map((match) => match[1]);
}

/** The message id a text ends with (Salesforce's Subject, where the marker is the last thing). */
export function trailingMarker(text: unknown): string | undefined {
	return /\[(?:wamid|wa):([^\]\s<]+)\]\s*$/.exec(String(text ?? ''))?.[1];
}

/**
 * What both marker forms of a message share, `:<id>]`, for a text search (Salesforce SOQL LIKE)
 * that must find records of either form; the caller confirms with `markedMessages`.
 */
export function markerSearchText(messageId: string): string {
	return `:${messageId}]`;
}
