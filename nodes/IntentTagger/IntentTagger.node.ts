import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { BUILT_IN_TAGS, createTagger, tierCustomer } from '../../lib/intent';
import type { CustomRule, TagResult } from '../../lib/intent';

/** Output order when routing is on. */
const AGENT = 0;
const BOT = 1;
const OPT_OUT = 2;

const tagOptions = BUILT_IN_TAGS.map((tag) => ({ name: tag, value: tag }));

interface RoutingOptions {
	agentTags?: string[];
	agentBelowSentiment?: number;
	agentTiers?: string[];
}

interface RuleParameter {
	tag?: string;
	language?: string;
	keywords?: string;
	pattern?: string;
}

export class IntentTagger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Intent Tagger',
		name: 'scrmIntentTagger',
		icon: { light: 'file:intentTagger.svg', dark: 'file:intentTagger.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["route"] ? "Tag Intents and Route" : "Tag Intents"}}',
		description:
			'Tags customer messages with intents (price, order status, complaint, opt-out …), language and sentiment, offline, in Chinese, English, Thai and Russian; optionally routes them to an agent or a bot',
		defaults: { name: 'Intent Tagger' },
		inputs: [NodeConnectionTypes.Main],
		// One output, or three when routing is on.
		outputs: `={{ $parameter["route"] ? [{ type: "${NodeConnectionTypes.Main}", displayName: "Agent Now" }, { type: "${NodeConnectionTypes.Main}", displayName: "Bot" }, { type: "${NodeConnectionTypes.Main}", displayName: "Opt-Out" }] : ["${NodeConnectionTypes.Main}"] }}`,
		usableAsTool: true,
		properties: [
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				default: '={{ $json.text }}',
				description:
					"The customer's message. Items without text (statuses, stickers) are passed on with no intents.",
			},
			{
				displayName: 'Put Result In Field',
				name: 'resultField',
				type: 'string',
				default: 'intent',
				required: true,
				description:
					'The field that receives tags, intents with confidence and evidence, language, sentiment and tier',
			},
			{
				displayName: 'Route Items',
				name: 'route',
				type: 'boolean',
				default: false,
				noDataExpression: true,
				description: 'Whether to send each item to one of three outputs: Agent Now, Bot or Opt-Out',
			},
			{
				displayName: 'Routing',
				name: 'routing',
				type: 'collection',
				placeholder: 'Add Rule',
				default: {},
				displayOptions: { show: { route: [true] } },
				description:
					'Opt-outs always go to Opt-Out; an item matching any rule here goes to Agent Now; the rest to Bot',
				options: [
					{
						displayName: 'Agent When Sentiment Below',
						name: 'agentBelowSentiment',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
						default: 0.3,
						description:
							'Sentiment runs from 0 (very negative) to 1 (very positive); 0 turns this rule off',
					},
					{
						displayName: 'Agent When Tagged',
						name: 'agentTags',
						type: 'multiOptions',
						options: tagOptions,
						default: ['complaint', 'human_handoff'],
					},
					{
						displayName: 'Agent When Tier Is',
						name: 'agentTiers',
						type: 'multiOptions',
						options: [
							{ name: 'Cold', value: 'cold' },
							{ name: 'Dormant', value: 'dormant' },
							{ name: 'High Intent', value: 'high_intent' },
							{ name: 'Potential', value: 'potential' },
							{ name: 'Price-Sensitive', value: 'price_sensitive' },
							{ name: 'VIP (Value Segment)', value: 'vip' },
						],
						default: ['vip', 'high_intent'],
						description: 'Needs History Field (under Options) to know the tier',
					},
				],
			},
			{
				displayName: 'Custom Rules',
				name: 'customRules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add Rule',
				default: {},
				description: 'Your own tags, or more phrases for a built-in tag',
				options: [
					{
						displayName: 'Rule',
						name: 'rule',
						values: [
							{
								displayName: 'Tag',
								name: 'tag',
								type: 'string',
								default: '',
								placeholder: 'wholesale',
								description: 'A new tag, or a built-in one to extend',
							},
							{
								displayName: 'Language',
								name: 'language',
								type: 'options',
								options: [
									{ name: 'Any', value: '' },
									{ name: 'Chinese', value: 'zh' },
									{ name: 'English', value: 'en' },
									{ name: 'Russian', value: 'ru' },
									{ name: 'Thai', value: 'th' },
								],
								default: '',
							},
							{
								displayName: 'Keywords',
								name: 'keywords',
								type: 'string',
								default: '',
								placeholder: 'wholesale, 批發, 批发, оптом',
								description:
									'Phrases separated by commas; matched case- and width-insensitively, without needing spaces around them',
							},
							{
								displayName: 'Regular Expression',
								name: 'pattern',
								type: 'string',
								default: '',
								placeholder: '\\b\\d{2,}\\s*(pcs|件)',
							},
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				description: 'None added: every built-in intent is on and no customer tier is computed',
				options: [
					{
						displayName: 'Disabled Built-in Tags',
						name: 'disabledTags',
						type: 'multiOptions',
						options: tagOptions,
						default: [],
					},
					{
						displayName: 'History Field',
						name: 'historyField',
						type: 'string',
						default: '',
						placeholder: 'history',
						description:
							"Field holding the customer's messages ({ at, direction, intents }) and purchases ({ at, amount }), to assign a tier: high intent, potential, dormant, cold, price-sensitive, and a value segment",
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const route = this.getNodeParameter('route', 0, false) as boolean;
		const disabled = this.getNodeParameter('options.disabledTags', 0, []) as string[];
		const rules = readRules(this);
		// Compiled once for all items: user rules are only known per execution.
		const tagger = createTagger({ disable: disabled, rules });
		const outputs: INodeExecutionData[][] = route ? [[], [], []] : [[]];
		const now = Date.now();

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const text = readText(this.getNodeParameter('text', itemIndex, '') as unknown);
				if (text === null) {
					throw new NodeOperationError(
						this.getNode(),
						'Text must be text: point it at the message body, e.g. {{ $json.text }}',
						{ itemIndex },
					);
				}
				const resultField = this.getNodeParameter('resultField', itemIndex) as string;
				const historyField = this.getNodeParameter('options.historyField', itemIndex, '') as string;
				const result = tagger.tag(text);
				const tagged: IDataObject = {
					tags: result.intents.map((intent) => intent.tag),
					intents: result.intents as unknown as IDataObject[],
					language: result.language,
					sentiment: result.sentiment,
				};
				if (historyField) {
					const history = readPath(items[itemIndex].json, historyField);
					if (history !== undefined && history !== null)
						tagged.tier = tierCustomer(history as never, now) as unknown as IDataObject;
				}
				const json = { ...items[itemIndex].json, [resultField]: tagged };
				outputs[route ? chooseOutput(this, itemIndex, result, tagged) : 0].push({
					json,
					pairedItem,
				});
			} catch (error) {
				if (!this.continueOnFail()) {
					throw error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				}
				// With routing, a failed item goes to the agent: a person should see what the bot could not read.
				outputs[route ? AGENT : 0].push({
					json: { ...items[itemIndex].json, error: (error as Error).message },
					pairedItem,
				});
			}
		}
		return outputs;
	}
}

function readRules(fn: IExecuteFunctions): CustomRule[] {
	const raw = (fn.getNodeParameter('customRules.rule', 0, []) as RuleParameter[]) ?? [];
	return raw.map((rule, index) => {
		const tag = (rule.tag ?? '').trim();
		const keywords = (rule.keywords ?? '')
			.split(',')
			.map((keyword) => keyword.trim())
			.filter(Boolean);
		const pattern = (rule.pattern ?? '').trim();
		if (!tag)
			throw new NodeOperationError(
				fn.getNode(),
				`Custom rule ${index + 1} has no tag: name the tag it adds`,
			);
		if (keywords.length === 0 && !pattern) {
			throw new NodeOperationError(
				fn.getNode(),
				`Custom rule "${tag}" has neither keywords nor a regular expression`,
			);
		}
		let patterns: RegExp[] = [];
		if (pattern) {
			try {
				patterns = [new RegExp(pattern, 'iu')];
			} catch (error) {
				throw new NodeOperationError(
					fn.getNode(),
					`Custom rule "${tag}": the regular expression is not valid (${(error as Error).message})`,
				);
			}
		}
		return { tag, language: rule.language || undefined, keywords, patterns };
	});
}

/** Text, or '' for items that carry none; null when the value is something else entirely. */
function readText(value: unknown): string | null {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

function readPath(json: IDataObject, path: string): unknown {
	let value: unknown = json;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

function chooseOutput(
	fn: IExecuteFunctions,
	itemIndex: number,
	result: TagResult,
	tagged: IDataObject,
): number {
	const tags = result.intents.map((intent) => intent.tag);
	if (tags.includes('opt_out')) return OPT_OUT;
	const routing = fn.getNodeParameter('routing', itemIndex, {}) as RoutingOptions;
	const agentTags = routing.agentTags ?? ['complaint', 'human_handoff'];
	const below = routing.agentBelowSentiment ?? 0.3;
	const agentTiers = routing.agentTiers ?? ['vip', 'high_intent'];
	if (tags.some((tag) => agentTags.includes(tag))) return AGENT;
	if (below > 0 && result.sentiment < below) return AGENT;
	const tier = tagged.tier as { tiers?: string[]; segment?: string } | undefined;
	if (
		tier &&
		[...(tier.tiers ?? []), tier.segment].some(
			(name) => name !== undefined && agentTiers.includes(name),
		)
	)
		return AGENT;
	return BOT;
}
