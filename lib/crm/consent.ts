import { isObject } from '../json';

/**
 * Meta-side marketing consent, as the CRM keeps it: `opted_out` once the customer stopped marketing
 * messages from the business in WhatsApp, `opted_in` once they resumed. Two items say so:
 * - the trigger's `preference` event (Meta's `user_preferences` webhook, category
 *   `marketing_messages`, value `stop` / `resume`):
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/user_preferences
 * - the Sender's Deferred item with rule `optOut` (Meta refused marketing with error 131050, or the
 *   quota ledger already knew): https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
export type MarketingConsent = 'opted_in' | 'opted_out';

/** What an item says about marketing consent; undefined when it says nothing (most items). */
export function marketingConsentOf(item: unknown): MarketingConsent | undefined {
	if (!isObject(item)) return undefined;
	if (item.kind === 'preference') {
		// Only marketing: another category (none documented yet) says nothing about marketing.
		if (item.category !== 'marketing_messages' || typeof item.optedOut !== 'boolean')
			return undefined;
		return item.optedOut ? 'opted_out' : 'opted_in';
	}
	const sent = item.whatsapp;
	if (isObject(sent) && sent.outcome === 'deferred' && sent.rule === 'optOut') return 'opted_out';
	return undefined;
}
