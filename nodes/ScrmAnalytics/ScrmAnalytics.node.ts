import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import {
	analyzeConversations,
	renderReportHtml,
	unansweredConversations,
} from '../../lib/analytics';
import type { AnalyticsOptions, FunnelStage } from '../../lib/analytics';

interface StageParameter {
	name?: string;
	tags?: string;
}

interface AnalyticsNodeOptions {
	binaryPropertyName?: string;
	title?: string;
	locale?: string;
	complaintDays?: number;
	conversationGapHours?: number;
}

export class ScrmAnalytics implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SCRM Analytics',
		name: 'scrmAnalytics',
		icon: { light: 'file:scrmAnalytics.svg', dark: 'file:scrmAnalytics.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["output"] === "unanswered" ? "Unanswered Conversations" : $parameter["includeHtml"] ? "Report with HTML Page" : "Report"}}',
		description:
			'Turns WhatsApp messages, statuses, Sender and CRM results into one report: response times per agent with alerts, busiest hours, hot words, intent mix, complaint rate, delivery and read rates, a conversion funnel and sync health, with an HTML page of charts; or lists the customers still waiting for a reply',
		defaults: { name: 'SCRM Analytics' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties: [
			{
				displayName:
					'Reads messages and statuses from the WhatsApp SCRM Trigger, results of the WhatsApp Sender and CRM Upsert, Intent Tagger output or rows of a CRM export. As a report, all input items make one item, and items it cannot read are listed under skipped.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				noDataExpression: true,
				default: 'report',
				options: [
					{
						name: 'Report',
						value: 'report',
						description: 'One item: the report of all input items, with an HTML page',
					},
					{
						name: 'Unanswered Conversations',
						value: 'unanswered',
						description:
							'One item per customer whose latest messages nobody answered yet, longest waiting first: a follow-up list for agents',
					},
				],
			},
			{
				displayName: 'Waiting At Least (Minutes)',
				name: 'waitMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
				displayOptions: { show: { output: ['unanswered'] } },
				description:
					"List a customer once their first unanswered message is this old. Replies are the Sender's results and the statuses of messages sent to the customer.",
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: 'Asia/Hong_Kong',
				placeholder: 'Asia/Bangkok',
				description:
					'IANA time zone for the busiest-hours heatmap and for days (complaint rate), e.g. Asia/Hong_Kong, Asia/Bangkok, Europe/Moscow, UTC',
			},
			{
				displayName: 'Response Alert (Minutes)',
				name: 'responseAlertMinutes',
				type: 'number',
				displayOptions: { show: { output: ['report'] } },
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 6,
				description: "Alert when an agent's median response time is above this",
			},
			{
				displayName: 'Complaint Alert (%)',
				name: 'complaintRate',
				type: 'number',
				displayOptions: { show: { output: ['report'] } },
				typeOptions: { minValue: 0, maxValue: 99, numberPrecision: 1 },
				default: 5,
				description:
					'Alert when complaints are above this share of tagged messages on consecutive days (three unless changed under Options)',
			},
			{
				displayName: 'Funnel Stages',
				name: 'funnel',
				type: 'fixedCollection',
				displayOptions: { show: { output: ['report'] } },
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add Stage',
				default: {},
				description:
					'Stages from first contact to purchase; none: first contact → purchase_intent → purchased',
				options: [
					{
						displayName: 'Stage',
						name: 'stage',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'Asked for a price',
							},
							{
								displayName: 'Tags',
								name: 'tags',
								type: 'string',
								default: '',
								placeholder: 'price_inquiry, purchase_intent',
								description:
									"A customer reaches the stage when any of their items carries one of these tags (intent tags or the item's tags), separated by commas; empty: every customer",
							},
						],
					},
				],
			},
			{
				displayName: 'Include HTML Report',
				name: 'includeHtml',
				type: 'boolean',
				displayOptions: { show: { output: ['report'] } },
				default: true,
				description:
					'Whether to attach the report as a self-contained HTML page with charts, readable on a phone',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				displayOptions: { show: { output: ['report'] } },
				placeholder: 'Add Option',
				default: {},
				description:
					'None added: an English page titled "WhatsApp conversation report" in the field report; a conversation ends after 24 hours of silence; the complaint alert needs 3 days',
				options: [
					{
						displayName: 'Complaint Alert Days',
						name: 'complaintDays',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 3,
						description: 'Consecutive days above the complaint share before the alert',
					},
					{
						displayName: 'Conversation Gap (Hours)',
						name: 'conversationGapHours',
						type: 'number',
						typeOptions: { minValue: 0.1 },
						default: 24,
						description:
							"Silence after which a customer's message starts a new conversation, and after which an unanswered one counts as missed",
					},
					{
						displayName: 'Put HTML In Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'report',
						description: 'The binary property that receives the HTML report',
					},
					{
						displayName: 'Report Language',
						name: 'locale',
						type: 'string',
						default: 'en',
						placeholder: 'zh-HK',
						description: 'Language tag for numbers, dates and weekday names in the HTML report',
					},
					{
						displayName: 'Report Title',
						name: 'title',
						type: 'string',
						default: 'WhatsApp conversation report',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const options = this.getNodeParameter('options', 0, {}) as AnalyticsNodeOptions;
		const timeZone = (
			(this.getNodeParameter('timeZone', 0, '') as string) || 'Asia/Hong_Kong'
		).trim();
		const now = Date.now();
		if (this.getNodeParameter('output', 0, 'report') === 'unanswered')
			return [unansweredItems(this, items, timeZone, now)];
		const opts: AnalyticsOptions = {
			timeZone,
			responseAlertMinutes: this.getNodeParameter('responseAlertMinutes', 0, 6) as number,
			// The node speaks percent, the engine shares.
			complaintRate: (this.getNodeParameter('complaintRate', 0, 5) as number) / 100,
			complaintDays: options.complaintDays,
			conversationGapHours: options.conversationGapHours,
			funnel: readFunnel(this),
			now,
		};

		let report;
		try {
			// Bad items are the engine's to report; only settings it cannot work with throw.
			report = analyzeConversations(
				items.map((item) => item.json),
				opts,
			);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error, {
				description: 'Check Time Zone, the alert thresholds and the funnel stages',
			});
		}

		const output: INodeExecutionData = {
			json: report as unknown as IDataObject,
			// One report from every item: each input is its origin.
			pairedItem: items.map((_, item) => ({ item })),
		};
		if (this.getNodeParameter('includeHtml', 0, true) as boolean) {
			const html = renderReportHtml(report, { title: options.title, locale: options.locale });
			const date =
				DateTime.fromMillis(now, { zone: timeZone }).toISODate() ??
				new Date(now).toISOString().slice(0, 10);
			const property = options.binaryPropertyName?.trim() || 'report';
			output.binary = {
				[property]: await this.helpers.prepareBinaryData(
					Buffer.from(html, 'utf8'),
					`scrm-report-${date}.html`,
					'text/html',
				),
			};
		}
		return [[output]];
	}
}

function unansweredItems(
	fn: IExecuteFunctions,
	items: INodeExecutionData[],
	timeZone: string,
	now: number,
): INodeExecutionData[] {
	let list;
	try {
		list = unansweredConversations(
			items.map((item) => item.json),
			{ now, timeZone, waitMinutes: fn.getNodeParameter('waitMinutes', 0, 30) as number },
		);
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), error as Error, {
			description: 'Check Time Zone and Waiting At Least (Minutes)',
		});
	}
	return list.map(({ itemIndexes, ...conversation }) => ({
		json: conversation as unknown as IDataObject,
		pairedItem: itemIndexes.map((item) => ({ item })),
	}));
}

function readFunnel(fn: IExecuteFunctions): FunnelStage[] | undefined {
	const stages = (fn.getNodeParameter('funnel.stage', 0, []) as StageParameter[]) ?? [];
	if (stages.length === 0) return undefined;
	return stages.map((stage, index) => {
		const name = (stage.name ?? '').trim();
		if (!name) throw new NodeOperationError(fn.getNode(), `Funnel stage ${index + 1} has no name`);
		const tags = (stage.tags ?? '')
			.split(',')
			.map((tag) => tag.trim())
			.filter(Boolean);
		return { name, tags };
	});
}
