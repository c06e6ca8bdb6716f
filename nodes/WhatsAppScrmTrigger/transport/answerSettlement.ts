/**
 * n8n's answer to Meta, read from the response object: what settles the claims of a delivery
 * answered after its run.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

/**
 * Settles the claims with n8n's answer to Meta once n8n gives it: 2xx means the run finished. Read
 * from the call that writes the answer, because Meta may have hung up before a slow run ended and
 * the answer still tells how the run went. No answer at all (the worker died and n8n lost the job)
 * leaves the claims to expire after the processing window.
 */
export function settleWhenAnswered(
	response: ReturnType<IWebhookFunctions['getResponseObject']>,
	settle: (handled: boolean) => Promise<void>,
): void {
	const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
	let settled = false;
	response.end = ((...args: unknown[]) => {
		if (!settled) {
			settled = true;
			void settle(response.statusCode >= 200 && response.statusCode < 300 && !neverRan(args[0]));
		}
		return end(...args);
	}) as typeof response.end;
}

/**
 * n8n answers 200 with this message when an execution could not even start (its run data is
 * missing, e.g. a credential the workflow may not use); a run that did start answers an empty body.
 */
function neverRan(body: unknown): boolean {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	return text.includes('no data was returned');
}
