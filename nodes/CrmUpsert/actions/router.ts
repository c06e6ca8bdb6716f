import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { crmAdapter, crmNodeError } from '../transport/adapter';
import type { Execute } from './common';
import * as getByPhone from './contact/getByPhone.operation';
import * as getMany from './contact/getMany.operation';
import * as merge from './contact/merge.operation';
import * as upsert from './contact/upsert.operation';
import * as attachMedia from './message/attachMedia.operation';
import * as logMessage from './message/log.operation';

const operations: Record<string, Execute> = {
	upsert: upsert.execute,
	addTags: upsert.execute,
	getByPhone: getByPhone.execute,
	getMany: getMany.execute,
	merge: merge.execute,
	logMessage: logMessage.execute,
	attachMedia: attachMedia.execute,
};

/** Runs the chosen operation for all items at once, so the CRM gets batches rather than one call per item. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	// Only the operations that write contacts can create the WhatsApp properties they write.
	const writesContacts = operation === 'upsert' || operation === 'addTags';
	const adapter = await crmAdapter(this, {
		createMissingProperties:
			writesContacts &&
			this.getNodeParameter('upsertOptions.createMissingProperties', 0, false) === true,
	});
	try {
		return await operations[operation](this, adapter);
	} catch (error) {
		throw crmNodeError(this, error);
	}
}
