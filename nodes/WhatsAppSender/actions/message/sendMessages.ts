import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { sendItems, templateFinder } from '../../../../lib/sender';
import type { ItemSendOptions } from '../../../../lib/sender';
import { graphClient, whatsAppCredential } from '../../../shared/graph';
import type { Build } from './common';
import { toOutputs, unexpectedError } from './common';
import { quotaGuardFromSettings } from './quotaGuardSettings';

/**
 * The run of a sending operation: its parameters read per item, the message made by `build`, and
 * everything about sending (quota guard, retries, fallback template, outputs) left to the engine.
 */
export function sendMessages(build: Build) {
	return async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const guarded = await quotaGuardFromSettings(this);
		const items = this.getInputData();
		const credential = await whatsAppCredential(this);
		const client = graphClient(this, credential);
		const findTemplate = templateFinder(client, credential.wabaId);
		const reports = await sendItems({
			count: items.length,
			client,
			guarded,
			parallel: Math.max(1, (this.getNodeParameter('options.parallelSends', 0, 8) as number) || 1),
			firstPhoneNumberId:
				items.length > 0 ? (this.getNodeParameter('phoneNumberId', 0, '') as string) : undefined,
			findTemplate,
			item: (itemIndex) => ({
				phoneNumberId: this.getNodeParameter('phoneNumberId', itemIndex) as string,
				to: this.getNodeParameter('to', itemIndex),
				options: this.getNodeParameter('options', itemIndex, {}) as ItemSendOptions,
				json: items[itemIndex].json,
				build: (envelope) =>
					build({
						fn: this,
						itemIndex,
						client,
						wabaId: credential.wabaId,
						envelope,
						findTemplate,
					}),
			}),
			unexpected: unexpectedError(this),
		});
		return toOutputs(items, reports);
	};
}
