import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizePhone } from '../../../lib/phone';
import { QuotaStoreError, storeRetryAt } from '../../../lib/quota';
import type { QuotaUsage } from '../../../lib/quota';
import type { MessageCategory, SendGuard, SendOutcome } from '../../../lib/sender/send';
import { sendThroughGuard } from '../../../lib/sender/send';
import { GraphApiError } from '../../../lib/whatsapp/errors';
import { MessageInputError, templateMessage } from '../../../lib/whatsapp/messages';
import { isUserIdRecipient } from '../../../lib/whatsapp/recipient';
import { graphClient, whatsAppCredential } from '../../shared/graph';
import type { GuardedSending, LimitScope } from '../transport/guard';
import type { Build } from './message/common';
import * as sendInteractive from './message/sendInteractive.operation';
import * as sendMedia from './message/sendMedia.operation';
import * as sendReaction from './message/sendReaction.operation';
import * as sendTemplate from './message/sendTemplate.operation';
import * as sendText from './message/sendText.operation';

const builders: Record<string, Build> = {
	sendTemplate: sendTemplate.build,
	sendText: sendText.build,
	sendMedia: sendMedia.build,
	sendInteractive: sendInteractive.build,
	sendReaction: sendReaction.build,
};

export const SENT = 0;
export const DEFERRED = 1;
export const FAILED = 2;

interface SendOptions {
	parallelSends?: number;
	replyTo?: string;
	correlationId?: string;
	dryRun?: boolean;
	retries?: number;
	defaultCountry?: string;
	serviceEvent?: string;
	idempotencyKey?: string;
	fallbackTemplate?: string;
	fallbackValues?: string;
}

/**
 * Sends every item and routes it to exactly one output: Sent, Deferred or Failed, paired with the
 * item it came from. `guard` is the quota guard (absent for mark-as-read, which messages no one).
 */
export async function route(
	this: IExecuteFunctions,
	guarded: GuardedSending | undefined,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const credential = await whatsAppCredential(this);
	const client = graphClient(this, credential);
	const operation = this.getNodeParameter('operation', 0) as string;
	const guard = guarded?.guard;
	let parallel =
		operation === 'markRead'
			? 1
			: Math.max(1, (this.getNodeParameter('options.parallelSends', 0, 8) as number) || 1);

	// Past the messaging limit's headroom Meta advises sending in batches and watching quality:
	// one message at a time, and every item says so.
	const usageByNumber = new Map<string, QuotaUsage>();
	// Whose count and which limit (Meta's, read at most once an hour per number): never a Graph call per item.
	const scopes = new Map<string, Promise<LimitScope>>();
	const scopeOf = (phoneNumberId: string): Promise<LimitScope> | undefined => {
		if (!guarded) return undefined;
		let scope = scopes.get(phoneNumberId);
		if (!scope) scopes.set(phoneNumberId, (scope = guarded.scopeFor(phoneNumberId, client)));
		return scope;
	};
	const usageOf = async (phoneNumberId: string) => {
		let usage = usageByNumber.get(phoneNumberId);
		const scope = await scopeOf(phoneNumberId);
		if (!usage && guarded && scope)
			usageByNumber.set(
				phoneNumberId,
				(usage = await guarded.guard.usage(phoneNumberId, undefined, scope)),
			);
		return usage;
	};
	const firstNumber =
		items.length > 0 && guarded ? (this.getNodeParameter('phoneNumberId', 0, '') as string) : '';
	const batchMode = firstNumber
		? Boolean((await usageOf(firstNumber).catch(() => undefined))?.headroomReached)
		: false;
	if (batchMode) parallel = 1;

	const sendItem = async (itemIndex: number): Promise<[number, IDataObject]> => {
		try {
			const phoneNumberId = this.getNodeParameter('phoneNumberId', itemIndex) as string;
			if (!phoneNumberId)
				throw new MessageInputError('Choose the business phone number to send from');

			if (operation === 'markRead') {
				const messageId = this.getNodeParameter('readMessageId', itemIndex) as string;
				if (!messageId)
					throw new MessageInputError('Mark as read needs the id of a message the customer sent');
				await client.markRead(phoneNumberId, messageId);
				return [SENT, { outcome: 'read', messageId }];
			}

			const options = this.getNodeParameter('options', itemIndex, {}) as SendOptions;
			const to = recipient(this.getNodeParameter('to', itemIndex), options.defaultCountry);
			const unreachable = guard
				? await learnFromItem(guard, phoneNumberId, to, items[itemIndex].json)
				: undefined;
			if (unreachable) {
				// The ledger is out of reach (a Redis restart): send nothing, as reserve would, and say so
				// on Deferred instead of failing the whole execution and every other item with it.
				return [
					DEFERRED,
					{
						outcome: 'deferred',
						rule: 'store',
						reason: `Quota ledger unavailable, nothing was sent: ${unreachable.message}`,
						// Not "never as it is": the same message goes once the ledger is back (issue 15.9).
						retryAt: new Date(storeRetryAt()).toISOString(),
						to,
						phoneNumberId,
					},
				];
			}
			const built = await builders[operation]({
				fn: this,
				itemIndex,
				client,
				wabaId: credential.wabaId,
				envelope: {
					to,
					replyTo: options.replyTo || undefined,
					bizOpaqueCallbackData: options.correlationId || undefined,
				},
			});
			const scope = await scopeOf(phoneNumberId);
			const send = (message: typeof built.message, request: typeof built.request) =>
				sendThroughGuard({
					client,
					guard,
					phoneNumberId,
					message,
					request: {
						...request,
						...(scope?.portfolioId ? { portfolioId: scope.portfolioId } : {}),
						...(scope?.messagingLimit !== undefined
							? { messagingLimit: scope.messagingLimit }
							: {}),
						...(options.serviceEvent ? { event: options.serviceEvent } : {}),
						...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
					},
					retries: options.retries ?? 2,
					dryRun: options.dryRun ?? false,
					throughputPerSecond: guarded?.throughputPerSecond,
				});
			let outcome: SendOutcome = await send(built.message, built.request);
			let fallback: string | undefined;
			if (outcome.outcome === 'deferred' && outcome.rule === 'window' && options.fallbackTemplate) {
				// Outside the service window only a template may go: the one the user chose for it.
				const template = await sendTemplate.findTemplate(
					this,
					client,
					credential.wabaId,
					options.fallbackTemplate,
				);
				const values = (options.fallbackValues ?? '')
					.split(',')
					.map((value) => value.trim())
					.filter(Boolean);
				const message = templateMessage(
					{
						to,
						replyTo: options.replyTo || undefined,
						bizOpaqueCallbackData: options.correlationId || undefined,
					},
					{ template, body: values.length ? values : undefined },
				);
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
			} as IDataObject;
			if (outcome.outcome === 'sent' || outcome.outcome === 'wouldSend') return [SENT, report];
			return [outcome.outcome === 'deferred' ? DEFERRED : FAILED, report];
		} catch (error) {
			if (error instanceof sendTemplate.TemplateUnavailableError)
				return [
					DEFERRED,
					{
						outcome: 'deferred',
						rule: 'templatePaused',
						reason: error.message,
						retryAt: null,
						template: error.template,
						templateStatus: error.status,
					},
				];
			if (error instanceof MessageInputError)
				return [
					FAILED,
					{ outcome: 'failed', reason: error.message, retryable: false, attempts: 0 },
				];
			if (error instanceof GraphApiError) {
				return [
					FAILED,
					{
						outcome: 'failed',
						reason: error.message,
						code: error.code,
						title: error.title,
						retryable: error.retryable,
						attempts: 1,
					},
				];
			}
			if (this.continueOnFail())
				return [
					FAILED,
					{ outcome: 'failed', reason: (error as Error).message, retryable: false, attempts: 0 },
				];
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	};

	// A few sends in flight keep the number busy while each waits for Meta's answer; the guard
	// still decides every one, so the throughput limit holds however many run at once.
	const results: Array<[number, IDataObject]> = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const itemIndex = next++;
			results[itemIndex] = await sendItem(itemIndex);
		}
	};
	await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));

	if (guarded) {
		// The limit after this run, per number: how close the next campaign is to Meta's cap.
		usageByNumber.clear();
		for (const [, whatsapp] of results) {
			const phoneNumberId = whatsapp.phoneNumberId as string | undefined;
			const usage = phoneNumberId ? await usageOf(phoneNumberId).catch(() => undefined) : undefined;
			const scope = phoneNumberId ? await scopeOf(phoneNumberId) : undefined;
			if (usage)
				whatsapp.quota = {
					...usage,
					batchMode,
					messagingLimitSource: scope?.messagingLimitSource,
					...(scope?.portfolioId ? { portfolioId: scope.portfolioId } : {}),
				} as unknown as IDataObject;
		}
	}

	const outputs: INodeExecutionData[][] = [[], [], []];
	results.forEach(([output, whatsapp], itemIndex) => {
		outputs[output].push({
			json: { ...items[itemIndex].json, whatsapp },
			pairedItem: { item: itemIndex },
		});
	});
	return outputs;
}

/**
 * What the trigger and the tagger already know about the customer: a message the customer sent
 * opens the service window, an opt-out intent stops marketing.
 */
/** Records what the item says about the customer; returns the store's error if the ledger is out of reach. */
async function learnFromItem(
	guard: SendGuard,
	phoneNumberId: string,
	to: string,
	json: IDataObject,
): Promise<QuotaStoreError | undefined> {
	const storeDown = (error: unknown) =>
		error instanceof QuotaStoreError ? error : Promise.reject(error);
	// A `system` message (a changed number or user id) is Meta's notice, not the customer writing.
	if (json.kind === 'message' && json.type !== 'system' && typeof json.timestamp === 'string') {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordInbound(phoneNumberId, to, at)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// A message the business typed in the WhatsApp Business app (coexistence echo): a person is
	// talking to the customer, so automation pauses for the human-takeover time, as after an agent's reply.
	if (json.kind === 'echo' && typeof json.timestamp === 'string' && guard.recordAgentReply) {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordAgentReply(phoneNumberId, to, at)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// The trigger's marketing-preference events: the customer stopped (or resumed) marketing in WhatsApp.
	if (
		json.kind === 'preference' &&
		json.category === 'marketing_messages' &&
		typeof json.optedOut === 'boolean' &&
		typeof json.timestamp === 'string'
	) {
		const at = Date.parse(json.timestamp);
		if (Number.isFinite(at)) {
			const failed = await guard
				.recordOptOut(phoneNumberId, to, at, json.optedOut)
				.then(() => undefined, storeDown);
			if (failed) return failed;
		}
	}
	// The Intent Tagger writes `intent.tags`; other taggers may put `intents` or `tags` on the item.
	const tagged = (json.intent ?? {}) as IDataObject;
	const intents = [json.intents, json.tags, tagged.tags].flatMap((list) =>
		Array.isArray(list) ? (list as Array<{ tag?: string } | string>) : [],
	);
	if (intents.some((intent) => (typeof intent === 'string' ? intent : intent?.tag) === 'opt_out')) {
		return guard.recordOptOut(phoneNumberId, to, Date.now()).then(() => undefined, storeDown);
	}
	return undefined;
}

/**
 * E.164 for phone numbers in any format people type; a business-scoped user id (`HK.1502576394655843`)
 * or parent id (`US.ENT.…`) passes as it is and goes out in Meta's `recipient` field.
 */
function recipient(raw: unknown, defaultCountry?: string): string {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (isUserIdRecipient(value)) return value;
	if (/^[A-Za-z]{2}\./.test(value))
		throw new MessageInputError(
			`Recipient "${value.slice(0, 140)}" is neither a phone number nor a business-scoped user id (two capital letters, a dot, up to 128 letters and digits, e.g. HK.1502576394655843; parent ids US.ENT.…)`,
		);
	const phone = normalizePhone(value, { defaultCountry: defaultCountry || undefined });
	if (!phone.ok) throw new MessageInputError(`Recipient "${value}": ${phone.reason}`);
	return phone.e164;
}
