/**
 * A loopback stand-in for OpenAI's Chat Completions API, for n8n's own OpenAI Chat Model node
 * (whose credential takes a base URL) and through it the Intent Tagger's chat-model escalation.
 * It follows OpenAI's published contract (API reference, "Chat → Create chat completion" and "The
 * chat completion object", https://platform.openai.com/docs/api-reference/chat; "Models → List
 * models", https://platform.openai.com/docs/api-reference/models/list; error codes,
 * https://platform.openai.com/docs/guides/error-codes): Bearer authentication, POST
 * /v1/chat/completions with `model` and `messages`, a `chat.completion` object back. It is no model:
 * the test decides each answer (`answer(lastUserMessage)`), and every request is recorded.
 */
import { listen, send } from './crm/common';

export interface ChatRequest {
	model: string;
	messages: { role: string; content: unknown }[];
}

export interface OpenAiChatSimulator {
	baseUrl: string;
	/** Every chat completion request received, in order. */
	requests: ChatRequest[];
	stop(): Promise<void>;
}

function error(message: string, type: string, code: string | null, param: string | null = null) {
	// OpenAI's error body: { error: { message, type, param, code } }.
	return { error: { message, type, param, code } };
}

export async function startOpenAiChatSimulator(opts: {
	apiKey: string;
	/** The assistant's reply to the last user message. */
	answer: (userMessage: string) => string;
	models?: string[];
}): Promise<OpenAiChatSimulator> {
	const requests: ChatRequest[] = [];
	const models = opts.models ?? ['gpt-4o-mini'];
	let counter = 0;
	const server = await listen(async (req, res) => {
		// Authentication: "Authorization: Bearer OPENAI_API_KEY"; a wrong key is a 401 invalid_api_key.
		if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
			send(
				res,
				401,
				error('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
			);
			return;
		}
		const path = req.url.pathname.replace(/\/+$/, '');
		if (req.method === 'GET' && path === '/v1/models') {
			// List models: { object: "list", data: [{ id, object: "model", created, owned_by }] }.
			send(res, 200, {
				object: 'list',
				data: models.map((id) => ({
					id,
					object: 'model',
					created: 1_700_000_000,
					owned_by: 'system',
				})),
			});
			return;
		}
		if (req.method !== 'POST' || path !== '/v1/chat/completions') {
			send(
				res,
				404,
				error(`Invalid URL (${req.method} ${req.url.pathname})`, 'invalid_request_error', null),
			);
			return;
		}
		const body = req.json as Partial<ChatRequest> | Error | undefined;
		// `model` and a non-empty `messages` array are required; a missing one is a 400.
		if (!body || body instanceof Error || typeof body.model !== 'string') {
			send(
				res,
				400,
				error('you must provide a model parameter', 'invalid_request_error', null, 'model'),
			);
			return;
		}
		if (!Array.isArray(body.messages) || body.messages.length === 0) {
			send(
				res,
				400,
				error("'messages' is a required property", 'invalid_request_error', null, 'messages'),
			);
			return;
		}
		requests.push({ model: body.model, messages: body.messages });
		const user = [...body.messages].reverse().find((m) => m.role === 'user');
		const content = opts.answer(
			typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? ''),
		);
		counter++;
		// The chat completion object: id, object "chat.completion", created (unix seconds), model,
		// choices [{ index, message { role "assistant", content }, finish_reason "stop" }], usage.
		const promptTokens = JSON.stringify(body.messages).length >> 2;
		const completionTokens = content.length >> 2;
		send(res, 200, {
			id: `chatcmpl-sim${counter}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body.model,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content, refusal: null },
					logprobs: null,
					finish_reason: 'stop',
				},
			],
			usage: {
				prompt_tokens: promptTokens,
				completion_tokens: completionTokens,
				total_tokens: promptTokens + completionTokens,
			},
		});
	});
	return { baseUrl: server.baseUrl, requests, stop: () => server.close() };
}
