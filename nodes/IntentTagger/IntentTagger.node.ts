import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { BUILT_IN_TAGS, createTagger, escalate, tierCustomer } from '../../lib/intent';
import type { TagResult } from '../../lib/intent';
import { connectedChatModel, readPath, readRules, readText } from './parameters';

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
		// An optional chat model, as n8n's Text Classifier takes one: only unsure messages go to it.
		inputs: [
			NodeConnectionTypes.Main,
			{
				type: NodeConnectionTypes.AiLanguageModel,
				displayName: 'Chat Model',
				required: false,
				maxConnections: 1,
			},
		],
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
					'The field that receives tags, intents with confidence and evidence, language, sentiment with the words that decided it, certainty and tier',
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
						displayName: 'Ask Chat Model Below Certainty',
						name: 'chatModelBelowCertainty',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
						default: 0.5,
						description:
							'With a chat model connected, messages the tagger is less sure of than this (0..1) are asked to it; the rest are tagged offline',
					},
					{
						displayName: 'Chat Model Calls Per Run',
						name: 'chatModelCallLimit',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 20,
						description:
							'Most distinct messages asked per execution (each text once); beyond it, the offline result is kept and noted',
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

		// First every item offline; then, if a chat model is connected, the unsure ones through it.
		const done: ({ text: string; result: TagResult } | { error: Error })[] = items.map(
			(_item, itemIndex) => {
				const text = readText(this.getNodeParameter('text', itemIndex, '') as unknown);
				if (text === null)
					return {
						error: new NodeOperationError(
							this.getNode(),
							'Text must be text: point it at the message body, e.g. {{ $json.text }}',
							{ itemIndex },
						),
					};
				return { text, result: tagger.tag(text) };
			},
		);
		const model = await connectedChatModel(this);
		const decided = new Set<number>();
		const notes = new Map<number, string>();
		let calls = 0;
		if (model) {
			const tagged = done.flatMap((d, i) => ('result' in d ? [{ i, ...d }] : []));
			const run = await escalate(
				model,
				tagged.map((t) => t.text),
				tagged.map((t) => t.result),
				{
					below: this.getNodeParameter('options.chatModelBelowCertainty', 0, 0.5) as number,
					limit: this.getNodeParameter('options.chatModelCallLimit', 0, 20) as number,
					tags: tagger.tags,
				},
			);
			calls = run.calls;
			run.escalated.forEach((e, k) => {
				const i = tagged[k].i;
				done[i] = { text: tagged[k].text, result: e.result };
				if (e.decidedByModel) decided.add(i);
				if (e.note) notes.set(i, e.note);
			});
		}

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const entry = done[itemIndex];
				if ('error' in entry) throw entry.error;
				const { result } = entry;
				const resultField = this.getNodeParameter('resultField', itemIndex) as string;
				const historyField = this.getNodeParameter('options.historyField', itemIndex, '') as string;
				const tagged: IDataObject = {
					tags: result.intents.map((intent) => intent.tag),
					intents: result.intents as unknown as IDataObject[],
					language: result.language,
					sentiment: result.sentiment,
					sentimentEvidence: result.sentimentEvidence,
					certainty: result.certainty,
				};
				if (model) {
					tagged.decidedBy = decided.has(itemIndex) ? 'chat model' : 'tagger';
					tagged.chatModelCalls = calls;
					if (notes.has(itemIndex)) tagged.chatModelNote = notes.get(itemIndex);
				}
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
