/**
 * The follow-up list: customers whose latest messages nobody answered, on conversations worked out
 * by hand. Times are minutes after T0 = Monday 2 March 2026, 09:00 in Hong Kong (01:00 UTC).
 */
import { unansweredConversations } from '../../lib/analytics';

const T0 = Date.parse('2026-03-02T01:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

function message(
	id: string,
	waId: string,
	minute: number,
	text: string,
	extra: Record<string, unknown> = {},
) {
	return {
		kind: 'message',
		id,
		phoneNumberId: 'PN1',
		timestamp: at(minute),
		customer: { waId, e164: `+${waId}` },
		type: 'text',
		text,
		...extra,
	};
}

function reply(messageId: string, to: string, minute: number) {
	return {
		agent: 'Mei',
		whatsapp: {
			outcome: 'sent',
			messageId,
			to,
			phoneNumberId: 'PN1',
			attempts: 1,
			sentAt: at(minute),
		},
	};
}

function status(id: string, waId: string, minute: number, value: string) {
	return {
		kind: 'status',
		id,
		phoneNumberId: 'PN1',
		timestamp: at(minute),
		status: value,
		customer: { waId },
	};
}

describe('unansweredConversations', () => {
	const items = [
		// Answered, then asked again twice: waiting since the first of the two.
		message('a1', '85291000001', 0, 'hello'),
		reply('r-a1', '85291000001', 5),
		message('a2', '85291000001', 60, '幾時有貨?', {
			customer: { waId: '85291000001', e164: '+85291000001', name: '陳大文' },
		}),
		message('a3', '85291000001', 70, '仲有冇貨呀?', {
			intent: { tags: ['stock_inquiry'], language: 'zh-HK' },
		}),
		// Answered: the reply is known only from its statuses (sent from the WhatsApp Business app).
		message('b1', '85291000002', 30, 'price?'),
		status('r-b1', '85291000002', 40, 'delivered'),
		// Failed reply: the customer is still waiting.
		message('c1', '85291000003', 10, 'можно вернуть товар?'),
		status('r-c1', '85291000003', 12, 'failed'),
		// Too fresh to list at minute 100 with a 30-minute wait.
		message('d1', '85291000004', 80, 'hi'),
		// A day and a half ago: listed, but only a template may reach them now.
		message('e1', '85291000005', -36 * 60, 'refund please', {
			intent: { tags: ['complaint', 'refund'], language: 'en' },
		}),
		// Meta's redelivery of e1 counts once.
		message('e1', '85291000005', -36 * 60, 'refund please'),
	];

	it('lists each waiting customer once, longest waiting first, with what an agent needs', () => {
		const list = unansweredConversations(items, { now: at(100), waitMinutes: 30 });
		expect(list.map((entry) => entry.customer)).toEqual([
			'+85291000005',
			'+85291000003',
			'+85291000001',
		]);
		const [refund, returns, stock] = list;
		expect(refund).toMatchObject({
			waitingSince: at(-36 * 60),
			waitingMinutes: 36 * 60 + 100,
			messagesWaiting: 1,
			lastMessage: 'refund please',
			language: 'en',
			intentTags: ['complaint', 'refund'],
			serviceWindowOpen: false,
			serviceWindowClosesAt: at(-12 * 60),
		});
		expect(returns).toMatchObject({
			waitingSince: at(10),
			waitingMinutes: 90,
			language: 'ru',
			serviceWindowOpen: true,
			intentTags: [],
		});
		expect(stock).toMatchObject({
			name: '陳大文',
			waitingSince: at(60),
			waitingMinutes: 40,
			lastMessageAt: at(70),
			lastMessage: '仲有冇貨呀?',
			lastMessageId: 'a3',
			messagesWaiting: 2,
			language: 'zh-HK',
			intentTags: ['stock_inquiry'],
			serviceWindowOpen: true,
			itemIndexes: [2, 3],
		});
	});

	it('lists the fresh ones too when the wait is shorter, and nobody once everyone is answered', () => {
		expect(
			unansweredConversations(items, { now: at(100), waitMinutes: 10 }).map(
				(entry) => entry.customer,
			),
		).toContain('+85291000004');
		const answered = [
			...items,
			reply('r-all-1', '85291000001', 90),
			reply('r-all-3', '+85291000003', 90),
			reply('r-all-4', '85291000004', 90),
			reply('r-all-5', '85291000005', 90),
		];
		expect(unansweredConversations(answered, { now: at(100), waitMinutes: 0 })).toEqual([]);
	});

	it('treats a reply in the same second as an answer, and takes the latest event as now by default', () => {
		expect(
			unansweredConversations(
				[message('x1', '85291000009', 0, 'hi'), reply('r-x1', '85291000009', 0)],
				{ waitMinutes: 0 },
			),
		).toEqual([]);
		// Latest event is minute 80 (d1): c1 has waited 70 minutes.
		const byDefault = unansweredConversations(items, { waitMinutes: 30 });
		expect(byDefault.find((entry) => entry.customer === '+85291000003')?.waitingMinutes).toBe(70);
	});

	it('puts nobody on the list for a reaction, a deleted message or a changed number', () => {
		const thanked = [
			message('t1', '85291000008', 0, 'is it in stock?'),
			reply('r-t1', '85291000008', 2),
			message('t2', '85291000008', 3, '👍', { type: 'reaction' }),
			message('t3', '85291000008', 4, '', { type: 'revoke' }),
			message('t4', '85291000008', 5, 'changed number', { type: 'system' }),
		];
		expect(unansweredConversations(thanked, { now: at(100), waitMinutes: 0 })).toEqual([]);
		// A question after the reaction does wait, and since then only.
		const asked = unansweredConversations(
			[...thanked, message('t5', '85291000008', 6, 'and in blue?')],
			{ now: at(100), waitMinutes: 0 },
		);
		expect(asked).toMatchObject([
			{ waitingSince: at(6), messagesWaiting: 1, lastMessage: 'and in blue?' },
		]);
	});

	it('refuses options that cannot be right, and reads nothing out of nothing', () => {
		expect(() => unansweredConversations(items, { timeZone: 'Mars/Olympus' })).toThrow(RangeError);
		expect(() => unansweredConversations(items, { waitMinutes: -1 })).toThrow(/waitMinutes/);
		expect(() => unansweredConversations(items, { now: 'soon' })).toThrow(/not a time/);
		expect(unansweredConversations([])).toEqual([]);
		expect(unansweredConversations([42, null, { kind: 'message' }])).toEqual([]);
	});
});
