import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmAdapter, crmNodeError } from '../transport/adapter';
import { operations } from './versionDescription';

/** Runs the chosen operation for all items at once, so the CRM gets batches rather than one call per item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const chosen = this.getNodeParameter('operation', 0) as string;
	const operation = Object.hasOwn(operations, chosen) ? operations[chosen] : undefined;
	if (!operation)
		throw new NodeOperationError(this.getNode(), `"${chosen}" is not an operation of CRM Upsert`);
	const adapter = await crmAdapter(this, operation.adapterBehaviour?.(this));
	try {
		return await operation.execute(this, adapter);
	} catch (error) {
		throw crmNodeError(this, error);
	}
}
