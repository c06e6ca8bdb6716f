/**
 * Canvas subtitles as the editor labels the user's choices ("Customer Messages, Delivery Statuses"),
 * not as n8n stores them ("message, status"). A subtitle is an n8n expression evaluated in the
 * editor, so the labels travel inside it; a value without a label shows as it is.
 */
export function listSubtitle(parameter: string, labels: Record<string, string>): string {
	const value = `$parameter[${JSON.stringify(parameter)}]`;
	return `={{ (${value} || []).map((value) => (${JSON.stringify(labels)})[value] || value).join(", ") }}`;
}
