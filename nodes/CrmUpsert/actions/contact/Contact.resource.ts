import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import * as addTags from './addTags.operation';
import * as getByPhone from './getByPhone.operation';
import * as getMany from './getMany.operation';
import * as merge from './merge.operation';
import * as upsert from './upsert.operation';

/** The Contact resource: its operations as the panel offers them, then each operation's fields. */
export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'upsert',
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Add Tags or Set Lifecycle',
				value: 'addTags',
				action: 'Add tags or set the lifecycle stage',
				description: 'Update existing contacts found by WhatsApp user ID, phone or email',
			},
			{
				name: 'Get by Phone',
				value: 'getByPhone',
				action: 'Get a contact by phone',
				description: 'Find the contact whose phone fields hold a number, in any format',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many contacts',
				description: 'Export contacts, e.g. for a nightly dedup',
			},
			{
				name: 'Merge',
				value: 'merge',
				action: 'Merge two contacts',
				description: "Merge a duplicate into the surviving contact with the CRM's own merge",
			},
			{
				name: 'Upsert',
				value: 'upsert',
				action: 'Create or update a contact',
				description: 'Create or update the customer, matched by WhatsApp user ID, phone or email',
			},
		],
	},
	...upsert.description,
	...addTags.description,
	...getByPhone.description,
	...getMany.description,
	...merge.description,
];

export const operations: Record<string, Operation> = {
	upsert,
	addTags,
	getByPhone,
	getMany,
	merge,
};
