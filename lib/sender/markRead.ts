/** Mark as Read: shows the customer's message as read (blue ticks). It messages no one, so no quota. */
import type { GraphClient } from '../whatsapp/graphClient';
import { MessageInputError } from '../whatsapp/messages';
import type { ItemReport } from './itemReport';
import { requirePhoneNumberId } from './itemReport';

export async function markMessageRead(
	client: GraphClient,
	phoneNumberId: string,
	messageId: string,
): Promise<ItemReport> {
	requirePhoneNumberId(phoneNumberId);
	if (!messageId)
		throw new MessageInputError('Mark as read needs the id of a message the customer sent');
	await client.markRead(phoneNumberId, messageId);
	return { output: 'sent', report: { outcome: 'read', messageId } };
}
