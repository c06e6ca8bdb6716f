/**
 * What the trigger and the tagger already know about the customer, told to the quota guard before
 * a send: a message the customer sent opens the service window, a coexistence echo pauses
 * automation, a marketing-preference event or an opt-out intent stops (or resumes) marketing.
 */
import { QuotaStoreError } from '../quota';
import type { SendGuard } from './send';

/** Records what the item says about the customer; returns the store's error if the ledger is out of reach. */
export async function learnFromItem(
	guard: SendGuard,
	phoneNumberId: string,
	to: string,
	json: Record<string, unknown>,
): Promise<QuotaStoreError | undefined> {
	const storeDown = (error: unknown) =>
		error instanceof QuotaStoreError ? error : Promise.reject(error);
	// A `system` message (a changed number or user id) is Meta's notice, not the customer writing.
	if (json.kind === 'message' && json.type !== 'system' && typeof json.timestamp === 'string') {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordInbound(phoneNumberId, to, at)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// A message the business typed in the WhatsApp Business app (coexistence echo): a person is
	// talking to the customer, so automation pauses for the human-takeover time, as after an agent's reply.
	if (json.kind === 'echo' && typeof json.timestamp === 'string' && guard.recordAgentReply) {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordAgentReply(phoneNumberId, to, at)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// The trigger's marketing-preference events: the customer stopped (or resumed) marketing in WhatsApp.
	if (
		json.kind === 'preference' &&
		json.category === 'marketing_messages' &&
		typeof json.optedOut === 'boolean' &&
		typeof json.timestamp === 'string'
	) {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordOptOut(phoneNumberId, to, at, json.optedOut)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// The Intent Tagger writes `intent.tags`; other taggers may put `intents` or `tags` on the item.
	const tagged = (json.intent ?? {}) as Record<string, unknown>;
	const intents = [json.intents, json.tags, tagged.tags].flatMap((list) =>
		Array.isArray(list) ? (list as Array<{ tag?: string } | string>) : [],
	);
	if (intents.some((intent) => (typeof intent === 'string' ? intent : intent?.tag) === 'opt_out')) {
		return guard.recordOptOut(phoneNumberId, to, Date.now()).then(() => undefined, storeDown);
	}
	return undefined;
}
