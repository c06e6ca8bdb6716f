import { DateTime } from 'luxon';

import { MessageInputError } from '../whatsapp/messages';

/**
 * A date as a customer reads it in their language: "3天前", "3 days ago", "3 дня назад".
 * `language` is a WhatsApp template language (zh_HK, en_US, ru) or a BCP 47 tag.
 */
export function relativeTime(
	value: string | number | Date,
	language: string,
	now: number = Date.now(),
): string {
	const date =
		value instanceof Date
			? DateTime.fromJSDate(value)
			: typeof value === 'number'
				? DateTime.fromMillis(value)
				: DateTime.fromISO(value, { setZone: true });
	if (!date.isValid)
		throw new MessageInputError(
			`"${String(value)}" is not a date (ISO-8601 or milliseconds) to show as relative time`,
		);
	const locale = language.replace('_', '-');
	return date.toRelative({ base: DateTime.fromMillis(now), locale }) ?? date.toISO()!;
}
