import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { operations } from './message/Message.resource';

/** Runs the chosen operation of the Message resource (the Sender's only resource). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const chosen = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
	if (!chosen)
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	return await chosen.execute.call(this);
}
