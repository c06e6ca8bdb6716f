/**
 * Template lifecycle fields: a template approved, paused, disabled, re-rated or re-categorised.
 */
import type { WhatsAppTemplateEvent } from './webhookEvents';
import { boundedKey, readTime, str } from './webhookReaders';
import type { Json, Receipt } from './webhookReaders';

export const TEMPLATE_FIELDS = new Set([
	'message_template_status_update',
	'message_template_quality_update',
	'template_category_update',
]);

/** Meta pauses a template whose quality dropped and disables one paused too often (132015 / 132016). */
const BLOCKED_TEMPLATE_STATUSES = new Set(['PAUSED', 'DISABLED']);

/**
 * `message_template_status_update`: `{ event, message_template_id, message_template_name,
 * message_template_language, reason, message_template_category? }`;
 * `message_template_quality_update`: `{ previous_quality_score, new_quality_score,
 * message_template_id, message_template_name, message_template_language }`;
 * `template_category_update`: `{ message_template_id, message_template_name,
 * message_template_language, previous_category, new_category }`; the time is `entry[].time`.
 * Sources: the three reference pages on WhatsAppTemplateEvent.
 */
export function readTemplateChange(
	field: string,
	value: Json,
	wabaId: string,
	entry: Json,
	receivedAt: Receipt,
): WhatsAppTemplateEvent | undefined {
	const time = readTime(entry.time, receivedAt);
	const change: WhatsAppTemplateEvent['change'] =
		field === 'message_template_status_update'
			? 'status'
			: field === 'message_template_quality_update'
				? 'quality'
				: 'category';
	const templateId = str(value.message_template_id);
	const name = str(value.message_template_name);
	const language = str(value.message_template_language);
	if (templateId === undefined && name === undefined) return undefined;
	const event: WhatsAppTemplateEvent = {
		kind: 'template',
		id: '',
		field,
		wabaId,
		phoneNumberId: '',
		timestamp: time.iso,
		customer: {},
		change,
	} as WhatsAppTemplateEvent;
	if (time.estimated) event.timestampEstimated = true;
	if (templateId !== undefined) event.templateId = templateId;
	if (name !== undefined) event.name = name;
	if (language !== undefined) event.language = language;
	let state = '';
	if (change === 'status') {
		const status = str(value.event);
		if (status !== undefined) {
			event.status = status;
			event.blocked = BLOCKED_TEMPLATE_STATUSES.has(status);
			state = status;
		}
		const reason = str(value.reason);
		if (reason !== undefined) event.reason = reason;
		const category = str(value.message_template_category);
		if (category !== undefined) event.category = category.toLowerCase();
	} else if (change === 'quality') {
		const previous = str(value.previous_quality_score);
		const quality = str(value.new_quality_score);
		if (previous !== undefined) event.previousQuality = previous;
		if (quality !== undefined) event.quality = quality;
		state = quality ?? '';
	} else {
		const previous = str(value.previous_category);
		const category = str(value.new_category);
		if (previous !== undefined) event.previousCategory = previous.toLowerCase();
		if (category !== undefined) event.category = category.toLowerCase();
		state = category ?? '';
	}
	event.id = boundedKey(
		'template',
		`template:${wabaId}:${templateId ?? `${name ?? ''}:${language ?? ''}`}:${change}:${state}:${time.estimated ? '' : time.iso}`,
	);
	event.raw = value;
	return event;
}
