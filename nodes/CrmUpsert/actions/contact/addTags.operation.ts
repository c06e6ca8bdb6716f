import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CrmAdapter } from '../../../../lib/crm';
import type { Outputs } from '../common';
import { writeContacts } from './upsert.operation';

/**
 * Add Tags or Set Lifecycle: Upsert's matching and writing, for contacts the CRM already has. Its
 * fields (identity, Tags, Lifecycle Stage, Options) are Upsert's own, shown for both operations in
 * upsert.operation.ts so that the panel keeps one order.
 */
export const description: INodeProperties[] = [];

export const doneOutput = 'Updated';

export { adapterBehaviour } from './upsert.operation';

export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	return await writeContacts(fn, adapter, 'addTags');
}
