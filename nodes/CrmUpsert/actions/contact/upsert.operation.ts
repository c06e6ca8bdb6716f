import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactInput, UpsertOutcome } from '../../../../lib/crm';
import { marketingConsentOf, upsertContacts } from '../../../../lib/crm';
import type { CrmAdapter, MatchField } from '../../../../lib/crm';
import type { CrmAdapterBehaviour, Outputs } from '../common';
import {
	FAILED,
	REVIEW,
	DONE,
	identityProperties,
	millis,
	tagList,
	text,
	withCrm,
} from '../common';
import { defaultCountryOption } from '../../../shared/phone';
import { contactByPhone, phoneInput } from '../contactByPhone';

const show = { show: { operation: ['upsert', 'addTags'] } };

export const description: INodeProperties[] = [
	...identityProperties(['upsert', 'addTags']),
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '={{ $json.customer?.name }}',
		displayOptions: { show: { operation: ['upsert'] } },
		description:
			"The customer's WhatsApp profile name: fills empty name fields, never overwrites a name in the CRM",
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '={{ $json.intent?.tags?.join(",") }}',
		displayOptions: show,
		description: "Tags to add, separated by commas; the contact's existing tags are kept",
	},
	{
		displayName: 'Lifecycle Stage',
		name: 'lifecycle',
		type: 'string',
		default: '',
		placeholder: 'lead',
		displayOptions: { show: { operation: ['addTags'] } },
		description:
			"The value to set in the CRM's lifecycle field (HubSpot lifecyclestage; Zoho and Salesforce: the field set under Options)",
	},
	{
		displayName: 'Interaction Time',
		name: 'interactionAt',
		type: 'string',
		default: '={{ $json.timestamp }}',
		displayOptions: { show: { operation: ['upsert'] } },
		description:
			"The customer's message time; moves the last interaction forward and counts it once",
	},
	{
		displayName: 'Marketing Consent',
		name: 'marketingConsent',
		type: 'options',
		default: 'fromItem',
		displayOptions: { show: { operation: ['upsert'] } },
		options: [
			{
				name: 'From the Item',
				value: 'fromItem',
				description:
					'A trigger Preference event (stop or resume marketing) or a Sender Deferred item with rule optOut (error 131050) sets it; other items leave it as it is',
			},
			{ name: 'Opted In', value: 'opted_in' },
			{ name: 'Opted Out', value: 'opted_out' },
			{ name: "Don't Write", value: 'none' },
		],
		description:
			"What to write to the contact's WhatsApp marketing consent field (opted_in or opted_out)",
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		typeOptions: {
			loadOptionsDependsOn: ['crm'],
			resourceMapper: {
				resourceMapperMethod: 'getContactFields',
				mode: 'add',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: true,
				// getContactFields says in a notice why it has none (no credential yet) instead.
				hideNoDataError: true,
			},
		},
		displayOptions: { show: { operation: ['upsert'] } },
	},
	{
		displayName: 'Options',
		name: 'upsertOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			'None added: matched by WhatsApp user ID, then phone, then email; new contacts get lead source WhatsApp',
		displayOptions: show,
		options: [
			{
				displayName: 'Create Missing WhatsApp Properties',
				name: 'createMissingProperties',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/crm': ['hubspot'] } },
				description:
					'Whether to create the whatsapp_* contact properties the HubSpot portal lacks (in a "WhatsApp SCRM" group) on the first run, so tags, the last interaction, its count, the WhatsApp number, user ID and marketing consent are kept. The token needs the crm.schemas.contacts.write scope.',
			},
			{
				displayName: 'Data Updated At',
				name: 'updatedAt',
				type: 'string',
				default: '',
				description:
					'When the input data was last changed (ISO-8601 or epoch ms). A CRM field modified later keeps its value and the item goes to Review. Empty means now.',
			},
			defaultCountryOption('in the input and in the CRM'),
			{
				displayName: 'Lead Source',
				name: 'leadSource',
				type: 'string',
				default: 'WhatsApp',
				description: 'Written on contacts this node creates; empty writes none',
			},
			{
				displayName: 'Lifecycle Field',
				name: 'lifecycleField',
				type: 'string',
				default: '',
				description: "The CRM field for Lifecycle Stage, if not the CRM's usual one",
			},
			{
				displayName: 'Match Order',
				name: 'matchOrder',
				type: 'options',
				default: 'userId,phone,email',
				options: [
					{ name: 'WhatsApp User ID, Phone, Email', value: 'userId,phone,email' },
					{ name: 'Phone, WhatsApp User ID, Email', value: 'phone,userId,email' },
					{ name: 'Phone, Email', value: 'phone,email' },
					{ name: 'Email, Phone', value: 'email,phone' },
				],
			},
			{
				displayName: 'Unique Key Field',
				name: 'uniqueKeyField',
				type: 'string',
				default: '',
				placeholder: 'whatsapp_e164',
				description:
					"A CRM field with unique values that holds the E.164 number (HubSpot: a property with unique values; Salesforce: an external ID field). New contacts are then created through the CRM's own upsert on it, so concurrent runs cannot create duplicates.",
			},
		],
	},
];

interface UpsertNodeOptions {
	createMissingProperties?: boolean;
	updatedAt?: string;
	defaultCountry?: string;
	leadSource?: string;
	lifecycleField?: string;
	matchOrder?: string;
	uniqueKeyField?: string;
}

export const doneOutput = 'Upserted';

/** Only the operations that write contacts may create the WhatsApp properties they write. */
export function adapterBehaviour(fn: IExecuteFunctions): CrmAdapterBehaviour {
	return {
		createMissingProperties:
			fn.getNodeParameter('upsertOptions.createMissingProperties', 0, false) === true,
	};
}

export async function execute(fn: IExecuteFunctions, adapter: CrmAdapter): Promise<Outputs> {
	return await writeContacts(fn, adapter, 'upsert');
}

/** Upsert Contact, and Add Tags / Set Lifecycle (the same, for existing contacts only). */
export async function writeContacts(
	fn: IExecuteFunctions,
	adapter: CrmAdapter,
	operation: 'upsert' | 'addTags',
): Promise<Outputs> {
	const items = fn.getInputData();
	const options = fn.getNodeParameter('upsertOptions', 0, {}) as UpsertNodeOptions;
	const outputs: Outputs = [[], [], []];
	const inputs: ContactInput[] = [];
	const defaultCountry = options.defaultCountry?.trim().toUpperCase() || undefined;
	const phones = contactByPhone(fn, adapter, defaultCountry);

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const itemOptions = fn.getNodeParameter('upsertOptions', itemIndex, {}) as UpsertNodeOptions;
			const properties: Record<string, unknown> = {};
			if (operation === 'upsert') {
				const mapped = fn.getNodeParameter('fields', itemIndex, {
					value: null,
				}) as ResourceMapperValue;
				for (const [field, value] of Object.entries(mapped.value ?? {}))
					if (value !== null && value !== '') properties[field] = value;
			} else {
				const lifecycle = text(fn, 'lifecycle', itemIndex);
				const lifecycleField = itemOptions.lifecycleField || adapter.fieldNames.lifecycle;
				if (lifecycle && lifecycleField) properties[lifecycleField] = lifecycle;
			}
			inputs.push({
				ref: itemIndex,
				...phoneInput(phones.read('phone', itemIndex)),
				userId: text(fn, 'userId', itemIndex),
				email: text(fn, 'email', itemIndex),
				name: operation === 'upsert' ? text(fn, 'name', itemIndex) : undefined,
				tags: tagList(fn, 'tags', itemIndex),
				marketingConsent: operation === 'upsert' ? consent(fn, items, itemIndex) : undefined,
				interactionAt: operation === 'upsert' ? millis(fn, 'interactionAt', itemIndex) : undefined,
				updatedAt: itemOptions.updatedAt
					? millis(fn, 'upsertOptions.updatedAt', itemIndex)
					: undefined,
				properties,
			});
		} catch (error) {
			if (!fn.continueOnFail())
				throw new NodeOperationError(fn.getNode(), error as Error, { itemIndex });
			outputs[FAILED].push(
				withCrm(
					items[itemIndex],
					{ outcome: 'failed', error: (error as Error).message },
					itemIndex,
				),
			);
		}
	}

	const order = (options.matchOrder ?? 'userId,phone,email')
		.split(',')
		.map((key) => (key === 'userId' ? 'whatsappUserId' : key)) as MatchField[];
	const outcomes = await upsertContacts(adapter, inputs, {
		matchOrder: order,
		defaultCountry,
		leadSource: options.leadSource ?? 'WhatsApp',
		useUniqueKey: Boolean(options.uniqueKeyField),
		uniqueKeyField: options.uniqueKeyField || undefined,
		createMissing: operation === 'upsert',
	});
	for (const outcome of outcomes) route(outputs, items[outcome.ref], outcome, adapter.crm);
	await hintMissingFields(fn, adapter, options.createMissingProperties === true);
	return outputs;
}

/** The item's marketing consent, as the Marketing Consent parameter says to read it. */
function consent(
	fn: IExecuteFunctions,
	items: ReturnType<IExecuteFunctions['getInputData']>,
	itemIndex: number,
): ContactInput['marketingConsent'] {
	const mode = fn.getNodeParameter('marketingConsent', itemIndex, 'fromItem') as string;
	if (mode === 'opted_in' || mode === 'opted_out') return mode;
	if (mode === 'fromItem') return marketingConsentOf(items[itemIndex].json);
	return undefined;
}

/** Once per run: the WhatsApp fields the CRM lacks, so what is not kept is visible, not silent. */
async function hintMissingFields(
	fn: IExecuteFunctions,
	adapter: CrmAdapter,
	creating: boolean,
): Promise<void> {
	if (!adapter.checkFields) return;
	let missing: Awaited<ReturnType<NonNullable<CrmAdapter['checkFields']>>>['missing'];
	try {
		// Answered for this adapter during the upsert: no further request once describe succeeded.
		({ missing } = await adapter.checkFields());
	} catch {
		// The check failed as the upsert did; each item already carries the reason.
		return;
	}
	if (missing.length === 0) return;
	const offer =
		adapter.crm === 'hubspot' && !creating && missing.some((field) => field.absent)
			? ' Or turn on Options › Create Missing WhatsApp Properties and the node creates the absent ones on its next run (the HubSpot token needs the crm.schemas.contacts.write scope).'
			: '';
	fn.addExecutionHints({
		type: 'warning',
		location: 'outputPane',
		message: missing.map((field) => field.message).join(' ') + offer,
	});
	fn.logger.warn(
		`CRM Upsert: ${missing.map((field) => field.field).join(', ')} not found on the ${adapter.crm} contact object; not written`,
	);
}

function route(
	outputs: Outputs,
	item: Parameters<typeof withCrm>[0],
	outcome: UpsertOutcome,
	crm: string,
): void {
	const { ref, ...rest } = outcome;
	const report = { system: crm, ...rest } as unknown as IDataObject;
	if (outcome.outcome === 'failed') report.reason = outcome.error.message;
	const output =
		outcome.outcome === 'upserted' ? DONE : outcome.outcome === 'review' ? REVIEW : FAILED;
	outputs[output].push(withCrm(item, report, ref));
}
