/**
 * Where an item leaves the Sender and what it says: every item leaves on exactly one output (Sent,
 * Deferred or Failed) with a report a person can act on.
 */
import { GraphApiError } from '../whatsapp/errors';
import { MessageInputError } from '../whatsapp/messages';
import { TemplateUnavailableError } from './templates';

export type SenderOutput = 'sent' | 'deferred' | 'failed';

export interface ItemReport {
	output: SenderOutput;
	/** What the item carries out under `whatsapp`. */
	report: Record<string, unknown>;
}

/**
 * The report for an error the Sender knows: a paused template is deferred, the user's input and
 * Meta's refusals fail the item. Undefined for anything else (the caller decides: n8n's
 * continueOnFail, or a failed execution).
 */
export function knownFailure(error: unknown): ItemReport | undefined {
	if (error instanceof TemplateUnavailableError)
		return {
			output: 'deferred',
			report: {
				outcome: 'deferred',
				rule: 'templatePaused',
				reason: error.message,
				retryAt: null,
				template: error.template,
				templateStatus: error.status,
			},
		};
	if (error instanceof MessageInputError)
		return {
			output: 'failed',
			report: { outcome: 'failed', reason: error.message, retryable: false, attempts: 0 },
		};
	if (error instanceof GraphApiError)
		return {
			output: 'failed',
			report: {
				outcome: 'failed',
				reason: error.message,
				code: error.code,
				title: error.title,
				retryable: error.retryable,
				attempts: 1,
			},
		};
	return undefined;
}

/** What the caller makes of an error the Sender does not know: a report, or a throw. */
export type Unexpected = (error: unknown, itemIndex: number) => ItemReport;

/** Runs one item's work; a known error becomes its report, anything else goes to `unexpected`. */
export async function settle(
	itemIndex: number,
	work: () => Promise<ItemReport>,
	unexpected: Unexpected,
): Promise<ItemReport> {
	try {
		return await work();
	} catch (error) {
		return knownFailure(error) ?? unexpected(error, itemIndex);
	}
}

/** An error the Sender does not know, reported on Failed (n8n's continueOnFail). */
export function unexpectedFailure(error: unknown): ItemReport {
	return {
		output: 'failed',
		report: { outcome: 'failed', reason: (error as Error).message, retryable: false, attempts: 0 },
	};
}

/** The number a message goes from, or why there is none. */
export function requirePhoneNumberId(phoneNumberId: string): string {
	if (!phoneNumberId) throw new MessageInputError('Choose the business phone number to send from');
	return phoneNumberId;
}
