/**
 * The Contact Dedup's parameters: what the editor shows (how contacts are matched, the
 * thresholds, the options) and how the node reads them into the engine's options, with errors a
 * person can act on.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DedupOptions, FieldRule } from '../../lib/dedup';
import { defaultCountryOption } from '../shared/phone';

interface FieldParameter {
	field?: string;
	method?: FieldRule['method'];
	weight?: number;
}

/** The "Options" collection as the node reads it. */
export interface DedupNodeOptions {
	defaultCountry?: string;
	survivor?: DedupOptions['survivor'];
	productMap?: { entry?: Array<{ from?: string; to?: string }> };
	dedupIndex?: string;
	relearn?: boolean;
}

export const properties: INodeProperties[] = [
	{
		displayName:
			"One item per contact in; out: each merged customer (Merged), each absorbed contact with its survivor (Merge Map), doubtful pairs (Review), every other contact (Unique), and one item with the learned model and the run's figures (Model)",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'ID Field',
		name: 'idField',
		type: 'string',
		default: 'id',
		required: true,
		description: "The field holding each contact's unique ID (e.g. the CRM's record ID)",
	},
	{
		displayName: 'Match On',
		name: 'matchOn',
		type: 'options',
		noDataExpression: true,
		default: 'defaults',
		options: [
			{
				name: 'WhatsApp CRM Defaults',
				value: 'defaults',
				description:
					'Phones (any format), WhatsApp user ID, email, name, products bought within 90 days',
			},
			{
				name: 'Fields I Choose',
				value: 'custom',
				description: 'Pick fields, how to compare them and how much each counts',
			},
		],
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { matchOn: ['custom'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Name',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'name',
					},
					{
						displayName: 'Compare As',
						name: 'method',
						type: 'options',
						default: 'levenshtein',
						options: [
							{ name: 'Date', value: 'date', description: 'Same day, whatever the format' },
							{ name: 'Dice (Word Pairs)', value: 'dice' },
							{ name: 'Email', value: 'email', description: 'Case-insensitive address' },
							{ name: 'Exact', value: 'exact' },
							{ name: 'Jaro-Winkler (Names)', value: 'jaroWinkler' },
							{ name: 'Levenshtein (Spelling)', value: 'levenshtein' },
							{
								name: 'Phone',
								value: 'phone',
								description: 'E.164 after normalising any format',
							},
							{
								name: 'Purchases',
								value: 'purchases',
								description: 'The same product bought within 90 days',
							},
						],
					},
					{
						displayName: 'Weight',
						name: 'weight',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 2 },
						default: 0,
						description:
							'Evidence of agreement on this field in bits (log2 of the likelihood ratio); 0 uses the weight the engine learns from the data',
					},
				],
			},
		],
	},
	{
		displayName: 'Merge Threshold',
		name: 'threshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0,
		description:
			"Pairs whose match probability is at least this merge automatically; 0 uses the engine's default (0.9)",
	},
	{
		displayName: 'Review Threshold',
		name: 'reviewThreshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0,
		description:
			"Pairs at least this likely (but below the merge threshold) go to Review; 0 uses the engine's default (0.3)",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description:
			'None added: numbers without a country code are read as written, products are compared as written, and the most complete contact survives',
		options: [
			{
				displayName: 'Dedup Index',
				name: 'dedupIndex',
				type: 'string',
				default: '',
				placeholder: 'nightly.json',
				description:
					"A file in n8n's user folder (.n8n/whatsapp-scrm/dedup-index/) that keeps what the last run learned and decided: the next run decides with the same learned model and marks each group and review pair new or not (newSinceLastRun). Empty: every run learns afresh.",
			},
			{
				displayName: 'Learn Again',
				name: 'relearn',
				type: 'boolean',
				default: false,
				description:
					'Whether to learn the model afresh even when the Dedup Index has one (it is learned again anyway when the options changed or more than 20 % of the contacts did)',
			},
			defaultCountryOption(),
			{
				displayName: 'Product Codes',
				name: 'productMap',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Product',
				default: {},
				description: 'Product names standardised to one code before purchases are compared',
				options: [
					{
						displayName: 'Product',
						name: 'entry',
						values: [
							{
								displayName: 'As Written',
								name: 'from',
								type: 'string',
								default: '',
								placeholder: 'iPhone15 Pro Max',
							},
							{
								displayName: 'Code',
								name: 'to',
								type: 'string',
								default: '',
								placeholder: 'APL-IP15PM',
							},
						],
					},
				],
			},
			{
				displayName: 'Survivor',
				name: 'survivor',
				type: 'options',
				default: 'mostComplete',
				description:
					'Which record of a group keeps its ID; field values still come from the most recently modified record',
				options: [
					{ name: 'Most Complete', value: 'mostComplete' },
					{ name: 'Most Recently Updated', value: 'mostRecent' },
					{ name: 'Oldest', value: 'oldest' },
				],
			},
		],
	},
];

export function readOptions(fn: IExecuteFunctions): DedupOptions {
	const opts: DedupOptions = {};
	const threshold = fn.getNodeParameter('threshold', 0, 0) as number;
	const reviewThreshold = fn.getNodeParameter('reviewThreshold', 0, 0) as number;
	if (threshold > 0) opts.threshold = threshold;
	if (reviewThreshold > 0) opts.reviewThreshold = reviewThreshold;
	if (
		opts.threshold !== undefined &&
		opts.reviewThreshold !== undefined &&
		opts.reviewThreshold > opts.threshold
	) {
		throw new NodeOperationError(
			fn.getNode(),
			'Review Threshold must not be above Merge Threshold: pairs between them go to Review',
		);
	}
	if ((fn.getNodeParameter('matchOn', 0) as string) === 'custom') {
		const fields = (fn.getNodeParameter('fields.field', 0, []) as FieldParameter[]).map(
			(rule, index) => {
				const field = (rule.field ?? '').trim();
				if (!field)
					throw new NodeOperationError(fn.getNode(), `Field ${index + 1} under Fields has no name`);
				return {
					field,
					method: rule.method ?? 'levenshtein',
					...(rule.weight ? { weight: rule.weight } : {}),
				};
			},
		);
		if (fields.length === 0)
			throw new NodeOperationError(
				fn.getNode(),
				'Add at least one field to match on, or choose WhatsApp CRM Defaults',
			);
		opts.fields = fields;
	}
	const options = fn.getNodeParameter('options', 0, {}) as DedupNodeOptions;
	if (options.defaultCountry) opts.defaultCountry = options.defaultCountry.trim().toUpperCase();
	if (options.survivor) opts.survivor = options.survivor;
	const entries = options.productMap?.entry ?? [];
	if (entries.length > 0) {
		opts.productMap = Object.fromEntries(
			entries
				.filter((entry) => entry.from && entry.to)
				.map((entry) => [entry.from!.trim(), entry.to!.trim()]),
		);
	}
	return opts;
}
