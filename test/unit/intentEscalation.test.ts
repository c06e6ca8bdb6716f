/**
 * The chat-model escalation's rules, on the engine's side: who is asked, how often, and how an
 * answer is read. (The real path, n8n's OpenAI Chat Model node against the OpenAI simulator, is
 * test/e2e/intentChatModel.e2e.test.ts.)
 */
import { escalate, INTENT_TAGS, readVerdict, tagMessage } from '../../lib/intent';
import type { ChatModel } from '../../lib/intent';

/** A chat model answering from a table, recording what it was asked. */
function tableModel(answers: Record<string, string | Error>): ChatModel & { asked: string[] } {
	const asked: string[] = [];
	return {
		asked,
		invoke: async (messages) => {
			const text = messages[messages.length - 1][1];
			asked.push(text);
			const answer = answers[text] ?? '{"tags": [], "sentiment": 0.5}';
			if (answer instanceof Error) throw answer;
			return { content: answer };
		},
	};
}

const UNSURE = 'the thing from last week does the blinking again after the update';
const opts = { below: 0.5, limit: 2, tags: INTENT_TAGS };

it('asks only about unsure results, each text once, up to the limit', async () => {
	const texts = [
		'how much?',
		UNSURE,
		UNSURE,
		'my other gadget from the shop keeps humming at night',
		'the lamp from the market flickers since the patch today',
	];
	const model = tableModel({
		[UNSURE]: '{"tags": ["complaint"], "sentiment": 0.2, "evidence": ["blinking again"]}',
	});
	const { escalated, calls } = await escalate(
		model,
		texts,
		texts.map((t) => tagMessage(t)),
		opts,
	);
	expect(calls).toBe(2);
	expect(model.asked).toEqual([UNSURE, texts[3]]);
	expect(escalated.map((e) => e.decidedByModel)).toEqual([false, true, true, true, false]);
	expect(escalated[4].note).toMatch(/limit/);
	expect(escalated[1].result.intents).toEqual([
		{ tag: 'complaint', confidence: 0.8, evidence: ['blinking again'] },
	]);
	expect(escalated[1].result.sentiment).toBe(0.2);
});

it('keeps the offline result when the model fails or answers something else', async () => {
	const model = tableModel({
		[UNSURE]: new Error('503 overloaded'),
		other: 'I think it is a complaint.',
	});
	const offline = [tagMessage(UNSURE), { ...tagMessage('other'), certainty: 0.1 }];
	const { escalated } = await escalate(model, [UNSURE, 'other'], offline, opts);
	expect(escalated[0]).toMatchObject({ decidedByModel: false, result: offline[0] });
	expect(escalated[0].note).toMatch(/503 overloaded/);
	expect(escalated[1]).toMatchObject({ decidedByModel: false, result: offline[1] });
	expect(escalated[1].note).toMatch(/not the JSON/);
});

it("reads only the tagger's own tags and a sentiment in 0..1 from an answer", () => {
	const offline = tagMessage(UNSURE);
	const verdict = readVerdict(
		{ content: [{ type: 'text', text: 'Sure: {"tags": ["opt_out", "weather"], "sentiment": 7}' }] },
		offline,
		INTENT_TAGS,
	);
	expect(verdict?.intents.map((i) => i.tag)).toEqual(['opt_out']);
	expect(verdict?.sentiment).toBe(offline.sentiment);
	expect(readVerdict('no json here', offline, INTENT_TAGS)).toBeUndefined();
});
