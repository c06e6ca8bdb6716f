/**
 * A run of the Sender: every item through the quota guard and the Graph API, a few at a time,
 * each leaving on exactly one output with its report. The caller reads each item (in n8n, its
 * parameters) and builds its message; everything decided about sending is decided here: what the
 * item tells the guard first, a ledger out of reach, the fallback template outside the service
 * window, batch mode past the messaging limit's headroom, and the limit each number ends the run at.
 */
import type { QuotaGuard, QuotaUsage } from '../quota';
import { storeRetryAt } from '../quota';
import type { Envelope } from '../whatsapp/envelope';
import type { GraphClient, OutboundMessage } from '../whatsapp/graphClient';
import { templateMessage } from '../whatsapp/messages';
import { readRecipient } from '../whatsapp/recipient';
import type { ItemReport, Unexpected } from './itemReport';
import { requirePhoneNumberId, settle } from './itemReport';
import { learnFromItem } from './learn';
import type { MessageCategory, SendOutcome, SendRequest } from './send';
import { sendThroughGuard } from './send';
import type { FindTemplate } from './templates';

/** Whose count a number's requests use and under which limit, and where that limit came from. */
export interface LimitScope {
	portfolioId?: string;
	/** Meta's current limit (0 = unlimited); absent: the rules' (set by hand, or Meta could not say). */
	messagingLimit?: number;
	/** `manual`: set in Quota Guard; `meta`: read from Meta; `default`: Meta could not be read, 250 assumed. */
	messagingLimitSource: 'manual' | 'meta' | 'default';
}

/** The guard and the number's throughput, which the Sender also keeps at the moment requests leave. */
export interface GuardedSending {
	guard: QuotaGuard;
	throughputPerSecond: number;
	/** The portfolio and limit for a number's requests: at most one Graph call per number and hour. */
	scopeFor(phoneNumberId: string, client: GraphClient): Promise<LimitScope>;
}

/** What an operation makes of one item: the message, and how the quota guard should see it. */
export interface BuiltMessage {
	message: OutboundMessage;
	request: SendRequest;
}

/** One item's options, as the user set them (all optional). */
export interface ItemSendOptions {
	replyTo?: string;
	correlationId?: string;
	dryRun?: boolean;
	retries?: number;
	defaultCountry?: string;
	serviceEvent?: string;
	idempotencyKey?: string;
	/** "name::language": sent instead when the service window is closed. */
	fallbackTemplate?: string;
	/** The fallback template's body parameters, comma-separated. */
	fallbackValues?: string;
}

export interface ItemToSend {
	phoneNumberId: string;
	/** The customer as given: a phone number in any format or a business-scoped user id. */
	to: unknown;
	options: ItemSendOptions;
	/** The item itself: what the trigger and the tagger say about the customer. */
	json: Record<string, unknown>;
	/** The message for the customer; called only once the guard knows what the item says. */
	build(envelope: Envelope): Promise<BuiltMessage>;
}

export interface SendItemsOptions {
	count: number;
	client: GraphClient;
	guarded: GuardedSending;
	/** Messages waiting for Meta's answer at once (at least 1); 1 past the headroom. */
	parallel: number;
	/** The first item's number: past its headroom the whole run sends one at a time. */
	firstPhoneNumberId?: string;
	/** Reads item `index`; a MessageInputError fails that item alone. */
	item(index: number): Promise<ItemToSend> | ItemToSend;
	/** The fallback template's lookup (one template list per run). */
	findTemplate: FindTemplate;
	unexpected: Unexpected;
}

export async function sendItems(options: SendItemsOptions): Promise<ItemReport[]> {
	const { client, guarded } = options;
	const guard = guarded.guard;

	// Past the messaging limit's headroom Meta advises sending in batches and watching quality:
	// one message at a time, and every item says so.
	const usageByNumber = new Map<string, QuotaUsage>();
	// Whose count and which limit (Meta's, read at most once an hour per number): never a Graph call per item.
	const scopes = new Map<string, Promise<LimitScope>>();
	const scopeOf = (phoneNumberId: string): Promise<LimitScope> => {
		let scope = scopes.get(phoneNumberId);
		if (!scope) scopes.set(phoneNumberId, (scope = guarded.scopeFor(phoneNumberId, client)));
		return scope;
	};
	const usageOf = async (phoneNumberId: string) => {
		let usage = usageByNumber.get(phoneNumberId);
		const scope = await scopeOf(phoneNumberId);
		if (!usage)
			usageByNumber.set(
				phoneNumberId,
				(usage = await guard.usage(phoneNumberId, undefined, scope)),
			);
		return usage;
	};
	const batchMode = options.firstPhoneNumberId
		? Boolean((await usageOf(options.firstPhoneNumberId).catch(() => undefined))?.headroomReached)
		: false;
	const parallel = batchMode ? 1 : Math.max(1, options.parallel);

	const sendItem = async (itemIndex: number): Promise<ItemReport> => {
		const item = await options.item(itemIndex);
		const phoneNumberId = requirePhoneNumberId(item.phoneNumberId);
		const itemOptions = item.options;
		const to = readRecipient(item.to, itemOptions.defaultCountry);
		const unreachable = await learnFromItem(guard, phoneNumberId, to, item.json);
		if (unreachable) {
			// The ledger is out of reach (a Redis restart): send nothing, as reserve would, and say so
			// on Deferred instead of failing the whole execution and every other item with it.
			return {
				output: 'deferred',
				report: {
					outcome: 'deferred',
					rule: 'store',
					reason: `Quota ledger unavailable, nothing was sent: ${unreachable.message}`,
					// Not "never as it is": the same message goes once the ledger is back (issue 15.9).
					retryAt: new Date(storeRetryAt()).toISOString(),
					to,
					phoneNumberId,
				},
			};
		}
		const envelope: Envelope = {
			to,
			replyTo: itemOptions.replyTo || undefined,
			bizOpaqueCallbackData: itemOptions.correlationId || undefined,
		};
		const built = await item.build(envelope);
		const scope = await scopeOf(phoneNumberId);
		const send = (message: OutboundMessage, request: SendRequest) =>
			sendThroughGuard({
				client,
				guard,
				phoneNumberId,
				message,
				request: {
					...request,
					...(scope.portfolioId ? { portfolioId: scope.portfolioId } : {}),
					...(scope.messagingLimit !== undefined ? { messagingLimit: scope.messagingLimit } : {}),
					...(itemOptions.serviceEvent ? { event: itemOptions.serviceEvent } : {}),
					...(itemOptions.idempotencyKey ? { idempotencyKey: itemOptions.idempotencyKey } : {}),
				},
				retries: itemOptions.retries ?? 2,
				dryRun: itemOptions.dryRun ?? false,
				throughputPerSecond: guarded.throughputPerSecond,
			});
		let outcome: SendOutcome = await send(built.message, built.request);
		let fallback: string | undefined;
		if (
			outcome.outcome === 'deferred' &&
			outcome.rule === 'window' &&
			itemOptions.fallbackTemplate
		) {
			// Outside the service window only a template may go: the one the user chose for it.
			const template = await options.findTemplate(itemOptions.fallbackTemplate);
			const values = (itemOptions.fallbackValues ?? '')
				.split(',')
				.map((value) => value.trim())
				.filter(Boolean);
			const message = templateMessage(envelope, {
				template,
				body: values.length ? values : undefined,
			});
			outcome = await send(message, {
				category: template.category.toLowerCase() as MessageCategory,
				template: template.name,
			});
			fallback = `${template.name}::${template.language}`;
		}
		const report = {
			...outcome,
			to,
			phoneNumberId,
			...(fallback ? { fallbackTemplate: fallback } : {}),
		};
		if (outcome.outcome === 'sent' || outcome.outcome === 'wouldSend')
			return { output: 'sent', report };
		return { output: outcome.outcome === 'deferred' ? 'deferred' : 'failed', report };
	};

	// A few sends in flight keep the number busy while each waits for Meta's answer; the guard
	// still decides every one, so the throughput limit holds however many run at once.
	const results: ItemReport[] = new Array(options.count);
	let next = 0;
	const worker = async () => {
		while (next < options.count) {
			const itemIndex = next++;
			results[itemIndex] = await settle(itemIndex, () => sendItem(itemIndex), options.unexpected);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, options.count) }, worker));

	// The limit after this run, per number: how close the next campaign is to Meta's cap.
	usageByNumber.clear();
	for (const { report } of results) {
		const phoneNumberId = report.phoneNumberId as string | undefined;
		const usage = phoneNumberId ? await usageOf(phoneNumberId).catch(() => undefined) : undefined;
		const scope = phoneNumberId ? await scopeOf(phoneNumberId) : undefined;
		if (usage)
			report.quota = {
				...usage,
				batchMode,
				messagingLimitSource: scope?.messagingLimitSource,
				...(scope?.portfolioId ? { portfolioId: scope.portfolioId } : {}),
			};
	}
	return results;
}
