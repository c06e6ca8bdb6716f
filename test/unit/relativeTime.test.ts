import { relativeTime } from '../../lib/sender/relativeTime';
import { MessageInputError } from '../../lib/whatsapp/messages';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const threeDaysAgo = '2026-11-19T12:00:00Z';

describe('relativeTime', () => {
	it.each([
		// Unicode CLDR's wording per region, as customers there read it.
		['zh_HK', '3 日前'],
		['zh_TW', '3 天前'],
		['zh_CN', '3天前'],
		['en_US', '3 days ago'],
		['ru', '3 дня назад'],
		['th', '3 วันที่ผ่านมา'],
	])('renders in %s', (language, expected) => {
		expect(relativeTime(threeDaysAgo, language, now)).toBe(expected);
	});

	it('reads milliseconds and future dates', () => {
		expect(relativeTime(now + 2 * 3600_000, 'en', now)).toBe('in 2 hours');
	});

	it('refuses what is not a date', () => {
		expect(() => relativeTime('next week', 'en', now)).toThrow(MessageInputError);
		expect(() => relativeTime('next week', 'en', now)).toThrow(/not a date/);
	});
});
