import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CrmAdapter } from '../../../lib/crm';

/**
 * Every operation has the same three outputs in the same order, so that workflows keep their
 * connections whichever operation a node runs; only the first one's name is the operation's own.
 */
export const DONE = 0;
export const REVIEW = 1;
export const FAILED = 2;

export type Outputs = [INodeExecutionData[], INodeExecutionData[], INodeExecutionData[]];

export type Execute = (fn: IExecuteFunctions, adapter: CrmAdapter) => Promise<Outputs>;

/** One operation file: its fields, the name of its first output, and what it does. */
export interface Operation {
	description: INodeProperties[];
	/** The first output's name on the canvas (Upserted, Logged, …); Review and Failed follow. */
	doneOutput: string;
	execute: Execute;
	/** What the operation needs of the adapter beyond the node's CRM and credential. */
	adapterBehaviour?: (fn: IExecuteFunctions) => CrmAdapterBehaviour;
}

export interface CrmAdapterBehaviour {
	/** Create the WhatsApp properties a HubSpot portal lacks (only operations that write contacts). */
	createMissingProperties?: boolean;
}

/** Which CRM the node talks to; its credential follows from it. */
export const crmProperty: INodeProperties = {
	displayName: 'CRM',
	name: 'crm',
	type: 'options',
	noDataExpression: true,
	default: 'hubspot',
	options: [
		{ name: 'HubSpot', value: 'hubspot' },
		{ name: 'Salesforce', value: 'salesforce' },
		{ name: 'Zoho CRM', value: 'zoho' },
	],
};

/** The customer's identity, shared by every operation that finds a contact. */
export function identityProperties(operations: string[]): INodeProperties[] {
	const show = { show: { operation: operations } };
	return [
		{
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			default: '={{ $json.customer?.e164 ?? $json.phone }}',
			displayOptions: show,
			description:
				'Any format; compared with every phone field of the CRM after normalising to E.164',
		},
		{
			displayName: 'WhatsApp User ID',
			name: 'userId',
			type: 'string',
			default: '={{ $json.customer?.userId }}',
			displayOptions: show,
			description:
				"WhatsApp's business-scoped user ID (BSUID); customers with a username may have no phone number",
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			displayOptions: show,
		},
	];
}

/** Reads a text parameter; undefined when empty or unset. */
export function text(fn: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	if (value === undefined || value === null) return undefined;
	const s = String(value).trim();
	return s === '' ? undefined : s;
}

/** A time in any form n8n items carry (ISO text, epoch seconds or ms, DateTime) as epoch ms. */
export function millis(fn: IExecuteFunctions, name: string, itemIndex: number): number | undefined {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
	const asNumber = Number(value);
	if (typeof value === 'string' && /^\d+$/.test(value.trim()))
		return asNumber < 1e11 ? asNumber * 1000 : asNumber;
	const parsed = Date.parse(String(value));
	if (Number.isNaN(parsed)) {
		throw new NodeOperationError(
			fn.getNode(),
			`"${String(value)}" in ${name} is not a time: use ISO-8601 or epoch seconds/milliseconds`,
			{ itemIndex },
		);
	}
	return parsed;
}

export function tagList(fn: IExecuteFunctions, name: string, itemIndex: number): string[] {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((tag) => String(tag).trim()).filter(Boolean);
}

/** The item as it came in, with the CRM's answer under `crm`. */
export function withCrm(
	item: INodeExecutionData,
	crm: IDataObject,
	itemIndex: number,
): INodeExecutionData {
	return { json: { ...item.json, crm }, pairedItem: { item: itemIndex } };
}
