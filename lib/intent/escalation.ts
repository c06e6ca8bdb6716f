/**
 * Asking a chat model about the messages the offline tagger is unsure of (certainty below a
 * threshold): the prompt, and reading the model's answer back into a TagResult. The node passes any
 * chat model with `invoke(messages)` (n8n's chat-model sub-nodes are LangChain models); this file
 * knows nothing of n8n or LangChain. Each distinct text is asked once per run, and at most `limit`
 * texts are asked; the rest keep the offline result.
 */
import type { Intent, TagResult } from './types';

/** What the node needs of a chat model: LangChain's `invoke` with [role, content] pairs. */
export interface ChatModel {
	invoke(messages: [string, string][]): Promise<{ content?: unknown } | string>;
}

export interface EscalationOptions {
	/** Messages with a certainty below this go to the model. */
	below: number;
	/** Distinct texts asked at most, per run. */
	limit: number;
	/** The tags the model may answer with. */
	tags: readonly string[];
}

export interface Escalated {
	result: TagResult;
	/** Whether the model's answer replaced the offline result. */
	decidedByModel: boolean;
	/** Why not, when it did not: over the limit, or an answer that could not be read. */
	note?: string;
}

const SYSTEM = [
	'You classify one customer message sent to a shop on WhatsApp.',
	'Answer with JSON only, no prose: {"tags": [...], "sentiment": number, "evidence": [...]}.',
	'"tags": zero or more of the allowed tags below that the message clearly asks or says; [] for',
	'small talk or anything else. "sentiment": 0 very negative, 0.5 neutral, 1 very positive.',
	'"evidence": the few words of the message that decided, copied as written.',
].join(' ');

export function promptFor(text: string, tags: readonly string[]): [string, string][] {
	return [
		['system', `${SYSTEM}\nAllowed tags: ${tags.join(', ')}.`],
		['human', text],
	];
}

function contentOf(answer: unknown): string {
	if (typeof answer === 'string') return answer;
	const content = (answer as { content?: unknown } | null)?.content;
	if (typeof content === 'string') return content;
	// Some models answer in parts: [{ type: 'text', text }].
	if (Array.isArray(content))
		return content
			.map((part) => (typeof part === 'string' ? part : ((part as { text?: unknown })?.text ?? '')))
			.join('');
	return '';
}

/** The model's verdict as a TagResult, or undefined when the answer is not the JSON asked for. */
export function readVerdict(
	answer: unknown,
	offline: TagResult,
	tags: readonly string[],
): TagResult | undefined {
	const content = contentOf(answer);
	const start = content.indexOf('{');
	const end = content.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(content.slice(start, end + 1));
	} catch {
		return undefined;
	}
	if (parsed === null || typeof parsed !== 'object') return undefined;
	const verdict = parsed as { tags?: unknown; sentiment?: unknown; evidence?: unknown };
	if (!Array.isArray(verdict.tags)) return undefined;
	const evidence = Array.isArray(verdict.evidence)
		? verdict.evidence.filter((e): e is string => typeof e === 'string').slice(0, 5)
		: [];
	const chosen = [
		...new Set(verdict.tags.filter((t): t is string => typeof t === 'string')),
	].filter((t) => tags.includes(t));
	const intents: Intent[] = chosen.map((tag) => ({
		tag,
		confidence: 0.8,
		evidence: evidence.length ? evidence : ['(chat model)'],
	}));
	const sentiment =
		typeof verdict.sentiment === 'number' && verdict.sentiment >= 0 && verdict.sentiment <= 1
			? Math.round(verdict.sentiment * 1000) / 1000
			: offline.sentiment;
	return {
		language: offline.language,
		intents,
		sentiment,
		sentimentEvidence: sentiment === offline.sentiment ? offline.sentimentEvidence : evidence,
		certainty: 0.8,
	};
}

/**
 * Escalates the unsure results of one run: `results[i]` for `texts[i]`. Returns one entry per
 * result and the number of model calls made. A failing call leaves that result offline, noted.
 */
export async function escalate(
	model: ChatModel,
	texts: readonly string[],
	results: readonly TagResult[],
	opts: EscalationOptions,
): Promise<{ escalated: Escalated[]; calls: number }> {
	const asked = new Map<string, Promise<unknown>>();
	const out: Escalated[] = [];
	for (let i = 0; i < results.length; i++) {
		const offline = results[i];
		const text = texts[i];
		if (offline.certainty >= opts.below || text.trim() === '') {
			out.push({ result: offline, decidedByModel: false });
			continue;
		}
		let answer = asked.get(text);
		if (!answer) {
			if (asked.size >= opts.limit) {
				out.push({ result: offline, decidedByModel: false, note: 'chat model call limit reached' });
				continue;
			}
			answer = model.invoke(promptFor(text, opts.tags)).catch((error: unknown) => error);
			asked.set(text, answer);
		}
		const reply = await answer;
		if (reply instanceof Error) {
			out.push({
				result: offline,
				decidedByModel: false,
				note: `chat model failed: ${reply.message}`,
			});
			continue;
		}
		const verdict = readVerdict(reply, offline, opts.tags);
		out.push(
			verdict
				? { result: verdict, decidedByModel: true }
				: {
						result: offline,
						decidedByModel: false,
						note: 'chat model answer was not the JSON asked for',
					},
		);
	}
	return { escalated: out, calls: asked.size };
}
