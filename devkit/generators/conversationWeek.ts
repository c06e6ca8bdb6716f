/**
 * A week of a Hong Kong shop's WhatsApp as SCRM Analytics reads it: messages in four languages with
 * the Intent Tagger's tags, three agents' replies, statuses, CRM results, a complaint streak, a
 * customer still waiting, and a few items it cannot read. Deterministic.
 */
/** Monday 2026-03-02 09:00 in Hong Kong. */
export const WEEK_START = Date.parse('2026-03-02T01:00:00Z');
const T0 = WEEK_START;
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

export function conversationWeek(): unknown[] {
	const texts = [
		['zh', '請問呢個幾錢呀？有冇現貨'],
		['zh', '我要退款，質量太差了'],
		['zh', '送貨要幾耐？運費幾多'],
		['en', 'How much is the delivery fee to Kowloon?'],
		['en', 'I want a refund, the size is wrong'],
		['th', 'ราคาเท่าไหร่ครับ ส่งฟรีไหม'],
		['ru', 'Сколько стоит доставка в Гонконг?'],
	];
	const tags = [
		['price_inquiry'],
		['complaint'],
		['order_status'],
		['price_inquiry', 'purchase_intent'],
		['complaint', 'human_handoff'],
		['price_inquiry'],
		['order_status'],
	];
	const agents = ['Alice', 'Bob', 'Chan Tai Man'];
	const items: unknown[] = [];
	let n = 0;
	for (let day = 0; day < 7; day++) {
		for (let i = 0; i < 14; i++) {
			n++;
			const who = n % 23;
			const minute = day * 1440 + ((i * 53) % 600) + (day % 3) * 30;
			const [language, text] = texts[n % texts.length];
			// Complaints over 5 % every day from day 2 on: a streak the report must flag.
			const tagList =
				day >= 2 && i === 0
					? ['complaint']
					: tags[n % tags.length].filter((tag) => day < 2 || tag !== 'complaint');
			items.push({
				kind: 'message',
				id: `in-${n}`,
				timestamp: at(minute),
				customer: {
					waId: `8529200${String(who).padStart(4, '0')}`,
					e164: `+8529200${String(who).padStart(4, '0')}`,
					name: who === 7 ? '<script>alert(1)</script>' : `Customer ${who}`,
				},
				type: 'text',
				text,
				intent: {
					tags: n % 11 === 0 ? [...tagList, 'purchased'] : tagList,
					language,
					sentiment: 0.5,
				},
			});
			if (n % 5 === 4) continue; // some go unanswered
			const wamid = `out-${n}`;
			items.push({
				agent: agents[n % agents.length],
				whatsapp: {
					outcome: 'sent',
					messageId: wamid,
					to: `+8529200${String(who).padStart(4, '0')}`,
					attempts: n % 7 === 0 ? 2 : 1,
					sentAt: at(minute + 1 + (n % 9)),
				},
			});
			items.push({
				kind: 'status',
				id: wamid,
				timestamp: at(minute + 2 + (n % 9)),
				status: 'sent',
				customer: { waId: `8529200${String(who).padStart(4, '0')}` },
			});
			if (n % 13 === 0) {
				items.push({
					kind: 'status',
					id: wamid,
					timestamp: at(minute + 3 + (n % 9)),
					status: 'failed',
					customer: { waId: `8529200${String(who).padStart(4, '0')}` },
					errors: [{ code: 131026, title: 'Message undeliverable' }],
				});
				continue;
			}
			items.push({
				kind: 'status',
				id: wamid,
				timestamp: at(minute + 3 + (n % 9)),
				status: 'delivered',
				customer: { waId: `8529200${String(who).padStart(4, '0')}` },
			});
			if (n % 3 !== 0)
				items.push({
					kind: 'status',
					id: wamid,
					timestamp: at(minute + 20),
					status: 'read',
					customer: { waId: `8529200${String(who).padStart(4, '0')}` },
				});
			items.push({
				crm: {
					system: n % 17 === 0 ? 'zoho' : 'hubspot',
					outcome: n % 19 === 0 ? 'failed' : 'upserted',
					...(n % 19 === 0 ? { error: { code: 'RATE_LIMIT' } } : {}),
				},
			});
		}
	}
	// Waiting for a reply when the report is made: the name must show as text, never run.
	items.push({
		kind: 'message',
		id: 'in-last',
		timestamp: at(7 * 1440 - 30),
		customer: { waId: '85292009999', name: '<script>alert(1)</script>' },
		type: 'text',
		text: 'hello?',
	});
	items.push(
		{ whatsapp: { outcome: 'failed', code: 131047, title: 'Re-engagement message', attempts: 1 } },
		{ whatsapp: { outcome: 'deferred', rule: 'window' } },
		null,
		{ kind: 'message', timestamp: 'never', customer: {} },
	);
	return items;
}
