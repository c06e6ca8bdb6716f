/**
 * One HubSpot batch call (`/batch/create`, `/batch/update`, `/batch/upsert`), answered per input
 * whatever happened. Batch writes take 100 inputs. `batch/create` reports per input (207) when each
 * input carries an `objectWriteTraceId`; otherwise one bad input fails the batch. Results are not
 * promised in input order, so they are matched by trace id, id or key.
 */
import { CRM_ERROR } from '../errors';
import type { CrmErrorInfo } from '../types';
import type { HubSpotContext } from './context';
import {
	callError,
	contextList,
	describeHubSpotBody,
	describeHubSpotError,
	existingIdOf,
	isFatal,
} from './errors';
import type { BatchAnswer, HubSpotObject } from './wire';

export type ItemOutcome =
	{ ok: true; result: HubSpotObject } | { ok: false; error: CrmErrorInfo; existingId?: string };

export interface BatchSpec<I> {
	path: string;
	/** Writes that create (no way to repeat them safely after a timeout). */
	creates: boolean;
	/** Adds an objectWriteTraceId per input, for per-input answers. */
	traced: boolean;
	/** How an input and a result are recognised as the same record (ids, keys). */
	keyOf?: (input: I) => string;
	resultKey?: (result: HubSpotObject) => string;
}

export function hubspotBatches(ctx: HubSpotContext) {
	const { call } = ctx;

	/**
	 * One batch call, answered per input whatever happened. A batch HubSpot refuses as a whole
	 * (one bad input fails it, and nothing of it is written) is halved until the culprit stands alone,
	 * so the good inputs still go and the bad one gets its own reason.
	 */
	async function runBatch<I extends object>(
		spec: BatchSpec<I>,
		inputs: I[],
	): Promise<ItemOutcome[]> {
		const body = {
			inputs: spec.traced
				? inputs.map((input, pos) => ({ ...input, objectWriteTraceId: String(pos) }))
				: inputs,
		};
		const response = await call<BatchAnswer>({
			method: 'POST',
			path: spec.path,
			body,
			accept: [207, 400, 404, 409],
			repeatable: !spec.creates,
		});
		const out: Array<ItemOutcome | undefined> = new Array(inputs.length);
		const answer = (
			response.body && typeof response.body === 'object' ? response.body : {}
		) as BatchAnswer;

		if (response.status >= 400) {
			const info = describeHubSpotError(response);
			if (inputs.length === 1)
				return [{ ok: false, error: info, existingId: existingIdOf(answer.message) }];
			// Inputs the error names fail; the others are sent again.
			const named = new Set(contextList(answer.context, 'ids'));
			const culprits = spec.keyOf
				? inputs
						.map((input, pos) => (named.has(spec.keyOf!(input)) ? pos : -1))
						.filter((pos) => pos >= 0)
				: [];
			if (culprits.length > 0 && culprits.length < inputs.length) {
				const rest = inputs.filter((_, pos) => !culprits.includes(pos));
				const again = await runBatch(spec, rest);
				let k = 0;
				return inputs.map((_, pos) =>
					culprits.includes(pos) ? { ok: false as const, error: info } : again[k++],
				);
			}
			if (culprits.length === inputs.length || info.code === 'INVALID_UPSERT_KEY')
				return inputs.map(() => ({ ok: false as const, error: info }));
			const mid = Math.ceil(inputs.length / 2);
			const [first, second] = await Promise.all([
				runBatch(spec, inputs.slice(0, mid)),
				runBatch(spec, inputs.slice(mid)),
			]);
			return [...first, ...second];
		}

		const leftovers: HubSpotObject[] = [];
		for (const result of answer.results ?? []) {
			let pos = -1;
			if (spec.traced && result.objectWriteTraceId !== undefined)
				pos = Number(result.objectWriteTraceId);
			else if (spec.keyOf && spec.resultKey) {
				const key = spec.resultKey(result);
				pos = inputs.findIndex((input, p) => !out[p] && spec.keyOf!(input) === key);
			}
			if (Number.isInteger(pos) && pos >= 0 && pos < inputs.length && !out[pos])
				out[pos] = { ok: true, result };
			else leftovers.push(result);
		}
		for (const error of answer.errors ?? []) {
			const info = describeHubSpotBody(response.status, error);
			const traces = contextList(error.context, 'objectWriteTraceId').map(Number);
			const ids = new Set(contextList(error.context, 'ids'));
			const targets =
				traces.length > 0
					? traces
					: ids.size > 0 && spec.keyOf
						? inputs
								.map((input, pos) => (ids.has(spec.keyOf!(input)) ? pos : -1))
								.filter((pos) => pos >= 0)
						: inputs.map((_, pos) => pos);
			for (const pos of targets)
				if (pos >= 0 && pos < inputs.length && !out[pos])
					out[pos] = { ok: false, error: info, existingId: existingIdOf(error.message) };
		}
		// A result under another id (an absorbed contact answers as its survivor) pairs with what is left.
		const open = out.map((o, pos) => (o ? -1 : pos)).filter((pos) => pos >= 0);
		if (open.length > 0 && open.length === leftovers.length)
			open.forEach((pos, k) => (out[pos] = { ok: true, result: leftovers[k] }));
		return out.map(
			(o) =>
				o ?? {
					ok: false as const,
					error: {
						code: CRM_ERROR.unexpectedResponse,
						retryable: false,
						message:
							'HubSpot accepted the batch but reported nothing for this record: look it up before writing it again',
					},
				},
		);
	}

	/** Runs a batch and turns call failures into per-input errors, unless they stop the whole run. */
	async function settle<I extends object>(spec: BatchSpec<I>, inputs: I[]): Promise<ItemOutcome[]> {
		try {
			return await runBatch(spec, inputs);
		} catch (error) {
			if (isFatal(error)) throw error;
			const info = callError(error, spec.creates);
			return inputs.map(() => ({ ok: false as const, error: info }));
		}
	}

	return { settle };
}

/** Splits items so that no key appears twice in one round (HubSpot refuses duplicate ids in a batch). */
export function rounds<T>(items: T[], keyOf: (item: T) => string): T[][] {
	const out: Array<{ keys: Set<string>; items: T[] }> = [];
	for (const item of items) {
		const key = keyOf(item);
		let round = out.find((r) => !r.keys.has(key));
		if (!round) out.push((round = { keys: new Set(), items: [] }));
		round.keys.add(key);
		round.items.push(item);
	}
	return out.map((r) => r.items);
}
