/**
 * The Quota Guard settings of the sending operations (the ledger and Meta's rules, each changeable)
 * and the guard they configure, one per configuration for the life of the process.
 */
import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createQuotaGuard, DEFAULT_RULES, throughputFor } from '../../../../lib/quota';
import type { QuotaGuard } from '../../../../lib/quota';
import type { GuardedSending } from '../../../../lib/sender';
import type { LedgerChoice } from '../../../shared/quotaLedger';
import {
	LedgerPathError,
	ledgerStoreOptions,
	ledgerStoreProperty,
	metaLimits,
} from '../../../shared/quotaLedger';

interface GuardSettings {
	filePath?: string;
	portfolioId?: string;
	messagingLimit?: number;
	headroom?: number;
	throughputPerSecond?: number;
	pairRateSeconds?: number;
	windowHours?: number;
	humanTakeoverHours?: number;
	optOut?: boolean;
	usMarketing?: boolean;
	quietHoursStart?: string;
	quietHoursEnd?: string;
	frequencyRules?: string;
	coexistence?: boolean;
}

/** The ledger choice and the Quota Guard collection, shown while `displayOptions` hold. */
export const quotaGuardProperties = (displayOptions: IDisplayOptions): INodeProperties[] => [
	ledgerStoreProperty({ displayOptions }),
	{
		displayName: 'Quota Guard',
		name: 'quotaGuard',
		type: 'collection',
		placeholder: 'Change a Rule',
		default: {},
		displayOptions,
		description: "Meta's rules, on by default with Meta's values. 0 switches a numeric rule off.",
		options: [
			{
				displayName: 'Coexistence Number',
				name: 'coexistence',
				type: 'boolean',
				default: false,
				description:
					'Whether the number is also used in the WhatsApp Business app: Meta allows it 20 messages per second, so the Sender paces it at 20/s unless Throughput says otherwise',
			},
			{
				displayName: 'Customer-Service Window (Hours)',
				name: 'windowHours',
				type: 'number',
				default: 24,
				description:
					"Free-form messages only within this many hours of the customer's last message",
			},
			{
				displayName: 'Frequency Rules (JSON)',
				name: 'frequencyRules',
				type: 'json',
				default: '',
				description:
					'Per-customer caps replacing the defaults (marketing 1 per 24 h without a reply, same template 5 per 30 days, promotions 1 per week, same service event 6 h apart)',
			},
			{
				displayName: 'Headroom',
				name: 'headroom',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.8,
				description: 'Share of the messaging limit past which the node reports batch mode',
			},
			{
				displayName: 'Human Takeover (Hours)',
				name: 'humanTakeoverHours',
				type: 'number',
				default: 12,
				description: 'Automation to a customer pauses this long after an agent replied',
			},
			{
				displayName: 'Business Portfolio ID',
				name: 'portfolioId',
				type: 'string',
				default: '',
				placeholder: '524126980791429',
				description:
					"Meta counts the messaging limit once per business portfolio, shared by all its numbers: give every Sender of the portfolio's numbers the same business ID so they share one count. Empty: this number counts on its own.",
			},
			{
				displayName: 'Ledger File',
				name: 'filePath',
				type: 'string',
				default: '',
				placeholder: '~/.n8n/whatsapp-scrm/quota.json',
				description:
					"Where the file store keeps its ledger, inside .n8n/whatsapp-scrm in n8n's user folder (~ is the user folder; a bare name goes in that folder). Every workflow sending from the same number should share it.",
			},
			{
				displayName: 'Messaging Limit',
				name: 'messagingLimit',
				type: 'options',
				default: 250,
				description:
					"Your business portfolio's limit: unique customers reached by business-initiated messages per rolling 24 h. Not added: the limit Meta reports for the number (read once an hour).",
				options: [
					{ name: '250', value: 250 },
					{ name: '2,000', value: 2000 },
					{ name: '10,000', value: 10000 },
					{ name: '100,000', value: 100000 },
					{ name: 'Unlimited', value: 0 },
				],
			},
			{
				displayName: 'Opt-Outs',
				name: 'optOut',
				type: 'boolean',
				default: true,
				description: 'Whether customers who opted out never receive marketing',
			},
			{
				displayName: 'Pair Rate (Seconds)',
				name: 'pairRateSeconds',
				type: 'number',
				default: 6,
				description: 'At least this long between messages to the same customer',
			},
			{
				displayName: 'Quiet Hours End',
				name: 'quietHoursEnd',
				type: 'string',
				default: '09:00',
				description:
					"End of quiet hours in the customer's local time (country from the phone number)",
			},
			{
				displayName: 'Quiet Hours Start',
				name: 'quietHoursStart',
				type: 'string',
				default: '21:00',
				description:
					"Start of quiet hours in the customer's local time; marketing waits until they end. Empty switches this off.",
			},
			{
				displayName: 'Throughput (Messages per Second)',
				name: 'throughputPerSecond',
				type: 'number',
				default: 80,
				description:
					'Per phone number, shared by all executions: 80 by default, 20 for numbers shared with the WhatsApp Business app, up to 1,000',
			},
			{
				displayName: 'US Marketing Block',
				name: 'usMarketing',
				type: 'boolean',
				default: true,
				description:
					'Whether marketing to +1 (United States) numbers is deferred before any request: Meta has not delivered marketing templates to US numbers since April 2025 (error 131049)',
			},
		],
	},
];

/** One guard per configuration, for the life of the process: the memory store must outlive executions. */
const guards = new Map<string, QuotaGuard>();

/** The guard the item's Quota Guard settings configure (read from the first item). */
export async function quotaGuardFromSettings(fn: IExecuteFunctions): Promise<GuardedSending> {
	const settings = fn.getNodeParameter('quotaGuard', 0, {}) as GuardSettings;
	let frequency: unknown;
	if (settings.frequencyRules) {
		try {
			frequency =
				typeof settings.frequencyRules === 'string'
					? JSON.parse(settings.frequencyRules)
					: settings.frequencyRules;
		} catch (error) {
			throw new NodeOperationError(
				fn.getNode(),
				`Frequency Rules is not valid JSON: ${(error as Error).message}`,
			);
		}
	}
	const throughputPerSecond = throughputFor(settings);
	const ledger = fn.getNodeParameter('ledgerStore', 0, 'file') as LedgerChoice;
	let store: Awaited<ReturnType<typeof ledgerStoreOptions>>;
	try {
		store = await ledgerStoreOptions(fn, ledger, settings.filePath);
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), error as Error, {
			description:
				error instanceof LedgerPathError
					? 'Change Quota Guard → Ledger File, or leave it empty for the default ledger'
					: undefined,
		});
	}
	const rules = {
		...(settings.windowHours !== undefined ? { windowHours: settings.windowHours } : {}),
		...(settings.messagingLimit !== undefined ? { messagingLimit: settings.messagingLimit } : {}),
		...(settings.headroom !== undefined ? { headroom: settings.headroom } : {}),
		...(throughputPerSecond !== undefined ? { throughputPerSecond } : {}),
		...(settings.pairRateSeconds !== undefined
			? { pairRateSeconds: settings.pairRateSeconds }
			: {}),
		...(settings.humanTakeoverHours !== undefined
			? { humanTakeoverHours: settings.humanTakeoverHours }
			: {}),
		...(settings.optOut !== undefined ? { optOut: settings.optOut } : {}),
		...(settings.usMarketing !== undefined ? { usMarketing: settings.usMarketing } : {}),
		...(settings.quietHoursStart !== undefined || settings.quietHoursEnd !== undefined
			? {
					quietHours: settings.quietHoursStart
						? { start: settings.quietHoursStart, end: settings.quietHoursEnd || '09:00' }
						: false,
				}
			: {}),
		...(frequency !== undefined ? { frequency } : {}),
	};
	const key = JSON.stringify({ store, rules });
	let guard = guards.get(key);
	if (!guard) {
		guard = createQuotaGuard({ store, rules } as Parameters<typeof createQuotaGuard>[0]);
		guards.set(key, guard);
	}
	const portfolioId = settings.portfolioId?.trim() || undefined;
	if (portfolioId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(portfolioId))
		throw new NodeOperationError(
			fn.getNode(),
			`Business Portfolio ID "${portfolioId.slice(0, 80)}" is not an ID: use the business ID from Meta Business Suite (digits)`,
		);
	const manual = settings.messagingLimit !== undefined;
	return {
		guard,
		throughputPerSecond: throughputPerSecond ?? DEFAULT_RULES.throughputPerSecond,
		async scopeFor(phoneNumberId, client) {
			if (manual) return { portfolioId, messagingLimitSource: 'manual' };
			const limit = await metaLimits.get(phoneNumberId, () =>
				client.getMessagingLimitTier(phoneNumberId),
			);
			return limit === undefined
				? { portfolioId, messagingLimitSource: 'default' }
				: { portfolioId, messagingLimit: limit, messagingLimitSource: 'meta' };
		},
	};
}
