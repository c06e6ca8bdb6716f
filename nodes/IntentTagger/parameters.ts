/**
 * What the Intent Tagger reads besides its plain parameters: custom rules (checked, with errors a
 * person can act on), the text and history of an item, and the chat model on its optional input.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { ChatModel, CustomRule } from '../../lib/intent';

interface RuleParameter {
	tag?: string;
	language?: string;
	keywords?: string;
	pattern?: string;
}

/** The chat model on the optional Chat Model input (n8n's LangChain sub-nodes), or none. */
export async function connectedChatModel(fn: IExecuteFunctions): Promise<ChatModel | undefined> {
	let connected: unknown;
	try {
		connected = await fn.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0);
	} catch {
		return undefined; // nothing connected
	}
	const model = Array.isArray(connected) ? connected[0] : connected;
	return model && typeof (model as ChatModel).invoke === 'function'
		? (model as ChatModel)
		: undefined;
}

export function readRules(fn: IExecuteFunctions): CustomRule[] {
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
export function readText(value: unknown): string | null {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

export function readPath(json: IDataObject, path: string): unknown {
	let value: unknown = json;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}
