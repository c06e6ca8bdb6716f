import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { unexpectedFailure } from '../../../../lib/sender';
import type {
	BuiltMessage,
	Envelope,
	FindTemplate,
	GraphClient,
	ItemReport,
	MessageCategory,
	SenderOutput,
	Unexpected,
} from '../../../../lib/sender';

/** What an operation makes of one item: the message, and how the quota guard should see it. */
export type Built = BuiltMessage;

export interface OperationContext {
	fn: IExecuteFunctions;
	itemIndex: number;
	envelope: Envelope;
	client: GraphClient;
	wabaId: string;
	/** The approved template a "name::language" key names (Meta's list read once per execution). */
	findTemplate: FindTemplate;
}

export type Build = (context: OperationContext) => Promise<Built>;

/** One operation of the Message resource: its entry in the Operation list, its fields, its run. */
export interface Operation {
	option: INodePropertyOptions;
	description: INodeProperties[];
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

export const showFor = (operation: string) => ({ show: { operation: [operation] } });

/** Free-form messages may go only inside the customer-service window; the guard checks it. */
export function sessionRequest(fn: IExecuteFunctions, itemIndex: number): Built['request'] {
	return {
		category: fn.getNodeParameter('category', itemIndex, 'service') as MessageCategory,
		freeForm: true,
	};
}

export const categoryProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Category',
	name: 'category',
	type: 'options',
	default: 'service',
	displayOptions: { show: { operation: operations } },
	description:
		'How the quota guard counts this message: marketing is capped per customer and kept out of quiet hours',
	options: [
		{ name: 'Service (Reply to the Customer)', value: 'service' },
		{ name: 'Utility', value: 'utility' },
		{ name: 'Marketing', value: 'marketing' },
	],
});

/** The Sender's outputs, in the order of the node's output names (Sent, Deferred, Failed). */
const OUTPUT_INDEX: Record<SenderOutput, number> = { sent: 0, deferred: 1, failed: 2 };

/** Each item on its output, with its report under `whatsapp`, paired with the item it came from. */
export function toOutputs(
	items: INodeExecutionData[],
	reports: ItemReport[],
): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], [], []];
	reports.forEach(({ output, report }, itemIndex) => {
		outputs[OUTPUT_INDEX[output]].push({
			json: { ...items[itemIndex].json, whatsapp: report as INodeExecutionData['json'] },
			pairedItem: { item: itemIndex },
		});
	});
	return outputs;
}

/** An error the engine does not know: on Failed with continueOnFail, else the execution fails. */
export function unexpectedError(fn: IExecuteFunctions): Unexpected {
	return (error, itemIndex) => {
		if (fn.continueOnFail()) return unexpectedFailure(error);
		throw new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
	};
}
