/**
 * One request to the Trigger's webhook: Meta's GET handshake, or a POSTed delivery. The decision
 * (verify, filter, drop repeats, what to emit) is lib/whatsapp's decideDelivery; this reads the
 * node's parameters, writes the answer or the items, and settles the claims once n8n has answered.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerVerification, decideDelivery } from '../../../lib/whatsapp';
import { whatsAppCredential } from '../../shared/graph';
import { noteCapabilityUpdates } from '../../shared/quotaLedger';
import { settleWhenAnswered } from '../transport/answerSettlement';
import { deliveryStore } from '../transport/deliveryStore';
import type { TriggerOptions } from './versionDescription';

export async function receiveWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credential = await whatsAppCredential(this);
	const response = this.getResponseObject();

	if (this.getWebhookName() === 'setup') {
		const answer = answerVerification(
			this.getQueryData() as Record<string, unknown>,
			credential.verifyToken,
		);
		if (answer.status === 200) response.status(200).type('text/plain').send(answer.challenge);
		else response.status(403).json({ error: answer.reason });
		return { noWebhookResponse: true };
	}

	const request = this.getRequestObject() as unknown as { rawBody?: Buffer };
	const signature = this.getHeaderData()['x-hub-signature-256'];
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const afterRun = this.getNodeParameter('acknowledge', 'immediately') === 'afterRun';
	const decision = await decideDelivery(
		{
			rawBody: request.rawBody,
			signature: Array.isArray(signature) ? signature[0] : signature,
			appSecret: credential.appSecret,
		},
		{
			filter: {
				kinds: this.getNodeParameter('events', []) as string[],
				phoneNumberIds: this.getNodeParameter('phoneNumberIds', []) as string[],
				messageTypes: this.getNodeParameter('messageTypes', []) as string[],
				statuses: this.getNodeParameter('statuses', []) as string[],
			},
			dedupWindowMs: (options.dedupWindowMinutes ?? 1440) * 60_000,
			holdUntilAnswered: afterRun
				? { forMs: (options.processingWindowSeconds ?? 300) * 1000 }
				: undefined,
			includeRaw: options.includeRaw === true,
		},
		{
			store: async () => await deliveryStore(this, credential.wabaId),
			onVerified: (rawBody) => {
				// Meta changed the portfolio's messaging limit: Senders read it again (issue 14.2).
				// The body was parsed (and its signature checked) already; this reads it for one field only.
				if (rawBody.includes('business_capability_update'))
					noteCapabilityUpdates(JSON.parse(rawBody.toString('utf8')) as unknown);
			},
		},
	);
	if (!decision.emit) {
		response.status(decision.status).json(decision.body);
		return { noWebhookResponse: true };
	}
	if (decision.settle) settleWhenAnswered(response, decision.settle);
	return { workflowData: [decision.events.map((event) => ({ json: event as IDataObject }))] };
}
