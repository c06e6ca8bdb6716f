import {
	createTagger,
	detectLanguage,
	fold,
	INTENT_TAGS,
	taggerFor,
	tagMessage,
	tierCustomer,
} from '../../lib/intent';
import type { TagResult } from '../../lib/intent';
import { loadIntentDataset, scoreIntents } from '../../devkit/datasets/intentDataset';

const tagsOf = (result: TagResult): string[] => result.intents.map((i) => i.tag);
const tags = (text: string): string[] => tagsOf(tagMessage(text));

describe('every tag in every language', () => {
	// [tag, English, simplified Chinese, traditional Chinese / Cantonese, Thai, Russian]
	const cases: [string, string, string, string, string, string][] = [
		[
			'price_inquiry',
			'how much for this one?',
			'这件衣服多少钱',
			'呢對鞋幾錢呀',
			'ตัวนี้กี่บาทคะ',
			'сколько стоит эта куртка?',
		],
		[
			'discount_inquiry',
			'got any promo code?',
			'有没有优惠码',
			'有冇折扣呀',
			'มีส่วนลดไหมครับ',
			'а скидка есть?',
		],
		['price_objection', 'wah so expensive', '这也太贵了', '好貴呀', 'แพงไปนะคะ', 'ну очень дорого'],
		[
			'purchase_intent',
			'ok I want to buy 2',
			'我要买这个',
			'我想買呢個',
			'อยากได้ค่ะ',
			'хочу купить две',
		],
		[
			'product_question',
			'is it in stock?',
			'还有现货吗',
			'仲有冇貨呀',
			'ยังมีของไหมคะ',
			'есть в наличии?',
		],
		[
			'quote_request',
			'can you send a quotation for our company',
			'请给我们报价',
			'可以出報價單嗎',
			'ขอใบเสนอราคาค่ะ',
			'пришлите коммерческое предложение',
		],
		[
			'order_status',
			'where is my parcel',
			'我的快递到哪了',
			'我嘅訂單到咗未',
			'พัสดุถึงไหนแล้วคะ',
			'где мой заказ?',
		],
		[
			'shipping_info',
			'how much is shipping to macau',
			'运费多少',
			'運費幾錢',
			'ค่าส่งเท่าไหร่คะ',
			'сколько стоит доставка в Казань',
		],
		[
			'return_exchange',
			'can I get a refund',
			'我要退货',
			'可以換貨嗎',
			'ขอคืนเงินค่ะ',
			'хочу вернуть товар',
		],
		[
			'payment',
			'can I pay cash on delivery?',
			'可以货到付款吗',
			'收唔收PayMe',
			'เก็บเงินปลายทางได้ไหม',
			'можно оплатить картой?',
		],
		[
			'store_location',
			'what are your opening hours',
			'你们实体店在哪里',
			'門市幾點開門',
			'ร้านอยู่ที่ไหนคะ',
			'где вы находитесь?',
		],
		[
			'complaint',
			'worst service ever 😡',
			'质量太差了，我要投诉',
			'服務態度好差',
			'ผิดหวังมาก บริการแย่',
			'ужасный сервис',
		],
		[
			'human_handoff',
			'can I talk to a real person',
			'转人工客服',
			'有冇真人',
			'ขอคุยกับพนักงานค่ะ',
			'позовите оператора',
		],
		['opt_out', 'STOP', '退订', '退訂', 'ยกเลิกรับข่าวสาร', 'отписаться'],
	];
	const languages = ['en', 'zh', 'zh', 'th', 'ru'];
	for (const [tag, ...texts] of cases) {
		texts.forEach((text, i) => {
			it(`${tag} in ${languages[i]}: ${text}`, () => {
				const result = tagMessage(text);
				expect(tagsOf(result)).toContain(tag);
				expect(result.language).toBe(languages[i]);
			});
		});
	}

	it('reports only canonical tags by default, with confidence in 0..1, highest first', () => {
		for (const text of [
			'how much and can u ship to TST?',
			'太貴啦，有冇平啲',
			'ของยังไม่มา ทักไปก็ไม่ตอบ',
		]) {
			const { intents } = tagMessage(text);
			expect(intents.length).toBeGreaterThan(1);
			for (const intent of intents) {
				expect(INTENT_TAGS).toContain(intent.tag);
				expect(intent.confidence).toBeGreaterThan(0);
				expect(intent.confidence).toBeLessThanOrEqual(1);
			}
			const confidences = intents.map((i) => i.confidence);
			expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
		}
	});

	it('tags several intents in one message', () => {
		expect(tags('how much and can u ship to TST?').sort()).toEqual([
			'price_inquiry',
			'shipping_info',
		]);
		expect(tags('想买但是太贵了，能便宜点吗').sort()).toEqual([
			'discount_inquiry',
			'price_objection',
			'purchase_intent',
		]);
	});

	it('tags greetings, thanks and "ok" with nothing', () => {
		for (const text of ['hi', 'ok', 'thanks!', '多謝晒', '你好', 'สวัสดีค่ะ', 'спасибо', '👍', ''])
			expect(tags(text)).toEqual([]);
	});
});

describe('negation', () => {
	it.each([
		'不贵',
		'唔貴喎',
		'唔係好貴',
		'不会太贵吧',
		'一点都不贵',
		'not expensive',
		"it's not too expensive",
		"isn't expensive at all",
		'не дорого',
		'недорого',
		'не так уж дорого',
		'ไม่แพง',
		'ไม่ค่อยแพงค่ะ',
		'ไม่ได้แพงเลย',
	])('%s is not a price objection', (text) => expect(tags(text)).not.toContain('price_objection'));

	it.each(['太贵', '好貴', 'too expensive', 'слишком дорого', 'แพงมาก'])('%s is one', (text) => {
		expect(tags(text)).toContain('price_objection');
	});

	it('keeps a negated purchase out', () => {
		expect(tags("I don't want to buy it")).not.toContain('purchase_intent');
		expect(tags('我唔想買')).not.toContain('purchase_intent');
		expect(tags('I want to buy it')).toContain('purchase_intent');
	});

	it('reads "is it expensive?" as a price question, not an objection', () => {
		expect(tags('is it expensive?')).toEqual(['price_inquiry']);
		expect(tags('貴唔貴㗎')).toEqual(['price_inquiry']);
		expect(tags('แพงไหมคะ')).toEqual(['price_inquiry']);
	});

	it('counts negated sentiment words the other way', () => {
		expect(tagMessage('not good').sentiment).toBeLessThan(0.5);
		expect(tagMessage('good').sentiment).toBeGreaterThan(0.5);
		expect(tagMessage('不满意').sentiment).toBeLessThan(0.5);
	});
});

describe('sentiment', () => {
	it('is 0.5 without signals', () => {
		expect(tagMessage('ok').sentiment).toBe(0.5);
		expect(tagMessage('where is my parcel').sentiment).toBe(0.5);
	});

	it('counts emoji', () => {
		for (const emoji of ['😂', '🙏', '👍', '❤️'])
			expect(tagMessage(`ok ${emoji}`).sentiment).toBeGreaterThan(0.5);
		for (const emoji of ['😡', '👎', '💢'])
			expect(tagMessage(`ok ${emoji}`).sentiment).toBeLessThan(0.5);
		expect(tagMessage('😡😡😡').sentiment).toBeLessThan(tagMessage('😡').sentiment);
		expect(tagMessage('👍🏻').sentiment).toBeGreaterThan(0.5); // with a skin tone
	});

	it('reads words in every language and complaints', () => {
		expect(tagMessage('thank you so much ❤️').sentiment).toBeGreaterThan(0.8);
		expect(tagMessage('多謝晒，好正').sentiment).toBeGreaterThan(0.5);
		expect(tagMessage('ขอบคุณมากค่ะ').sentiment).toBeGreaterThan(0.5);
		expect(tagMessage('спасибо, отлично').sentiment).toBeGreaterThan(0.5);
		expect(tagMessage('服務態度好差 😡').sentiment).toBeLessThan(0.2);
		expect(tagMessage('обман!').sentiment).toBeLessThan(0.5);
	});

	it('stays in 0..1', () => {
		expect(tagMessage('😡'.repeat(50)).sentiment).toBeGreaterThanOrEqual(0);
		expect(tagMessage('😍'.repeat(50)).sentiment).toBeLessThanOrEqual(1);
	});
});

describe('language and mixed messages', () => {
	it('finds the dominant language and applies every pack', () => {
		expect(tagMessage('hi 有冇discount?')).toMatchObject({
			language: 'zh',
			intents: [{ tag: 'discount_inquiry' }],
		});
		expect(tagMessage('how much ค่ะ')).toMatchObject({
			language: 'th',
			intents: [{ tag: 'price_inquiry' }],
		});
		expect(tagMessage('привет, how much?')).toMatchObject({
			language: 'ru',
			intents: [{ tag: 'price_inquiry' }],
		});
		expect(tagMessage('Can you deliver to Sukhumvit tomorrow? ขอบคุณค่ะ').language).toBe('en');
	});

	it('says und for other Latin languages and for text without letters', () => {
		expect(detectLanguage('¿Cuánto cuesta? ¿Está disponible en azul?')).toBe('und');
		expect(detectLanguage('Bạn ơi cái này bao nhiêu tiền')).toBe('und');
		expect(detectLanguage('👍👍')).toBe('und');
		expect(detectLanguage('12345')).toBe('und');
	});

	it('matches Thai without spaces, but not inside a longer syllable', () => {
		expect(tags('ราคาเท่าไหร่ส่งฟรีไหมคะ').sort()).toEqual(['price_inquiry', 'shipping_info']);
		expect(tags('สั่งไปตั้งแต่อาทิตย์ที่แล้วยังไม่ได้ของเลยค่ะ')).toContain('order_status');
		expect(tags('สี่ตัว')).not.toContain('product_question'); // สี่ (four) is not สี (colour)
	});

	it('folds full width, case, traditional characters and ё', () => {
		expect(tags('ＨＯＷ ＭＵＣＨ？')).toEqual(['price_inquiry']);
		expect(fold('幾錢 價格 運費')).toBe('几钱 价格 运费');
		expect(tags('Ещё не пришёл заказ')).toContain('order_status');
	});

	it('respects word edges in Latin and Cyrillic', () => {
		expect(tags('this is cod')).toContain('payment');
		expect(tags('recode the file')).not.toContain('payment');
		expect(tags('недорого')).not.toContain('price_objection');
	});
});

describe('evidence', () => {
	it('shows the phrases as the customer wrote them', () => {
		const { intents } = tagMessage('HOW MUCH and can u Ship To TST?');
		expect(intents.find((i) => i.tag === 'price_inquiry')?.evidence).toEqual(['HOW MUCH']);
		expect(intents.find((i) => i.tag === 'shipping_info')?.evidence).toContain('Ship To');
	});

	it('shows whole words for stems and keeps traditional characters', () => {
		expect(tagMessage('бесплатную доставку сделаете?').intents[0].evidence).toContain(
			'бесплатную доставку',
		);
		expect(tagMessage('есть скидочка?').intents[0].evidence).toEqual(['скидочка']);
		expect(tagMessage('運費幾錢').intents[0].evidence).toEqual(['運費']);
	});

	it('does not double count a phrase inside a longer one', () => {
		expect(tags('cash on delivery ok?')).toEqual(['payment']);
		expect(tags('退貨地址係邊?')).toEqual(['return_exchange']);
		expect(tags('no problem, thanks')).toEqual([]);
	});
});

describe('options', () => {
	it('switches built-in tags off', () => {
		const tagger = createTagger({ disable: ['price_inquiry'] });
		expect(tagsOf(tagger.tag('how much and can u ship to TST?'))).toEqual(['shipping_info']);
		expect(tagger.tags).not.toContain('price_inquiry');
		expect(tags('how much and can u ship to TST?')).toContain('price_inquiry');
	});

	it('adds user tags from keywords (folded like built-ins) and patterns', () => {
		const tagger = createTagger({
			rules: [
				{ tag: 'booking', keywords: ['預約', 'appointment*'] },
				{ tag: 'vip_code', patterns: [/\bVIP-\d{4}\b/g, 'member\\s+no\\.?\\s*\\d+'] },
			],
		});
		expect(tagger.tag('想预约明天').intents).toEqual([
			{ tag: 'booking', confidence: 0.9, evidence: ['预约'] },
		]);
		expect(tagsOf(tagger.tag('can I book an appointment?'))).toEqual(['booking']);
		// A global regex must not keep state between messages.
		for (let i = 0; i < 3; i++)
			expect(tagger.tag('my code is VIP-1234').intents[0]).toMatchObject({
				tag: 'vip_code',
				evidence: ['VIP-1234'],
			});
		expect(tagsOf(tagger.tag('Member No. 5521'))).toEqual(['vip_code']);
		expect(tagsOf(tagger.tag('how much'))).toEqual(['price_inquiry']);
	});

	it('limits a rule to a language', () => {
		const tagger = createTagger({
			rules: [{ tag: 'greeting_th', language: 'th', keywords: ['hello'] }],
		});
		expect(tagsOf(tagger.tag('hello ค่ะ สวัสดี'))).toEqual(['greeting_th']);
		expect(tagsOf(tagger.tag('hello there'))).toEqual([]);
	});

	it('adds evidence to a built-in tag', () => {
		const tagger = createTagger({
			rules: [{ tag: 'order_status', keywords: ['where my kiriman'] }],
		});
		expect(tagsOf(tagger.tag('where my kiriman?'))).toEqual(['order_status']);
	});

	it('loads only the packs asked for', () => {
		const tagger = createTagger({ languages: ['en'] });
		expect(tagsOf(tagger.tag('how much'))).toEqual(['price_inquiry']);
		expect(tagsOf(tagger.tag('多少钱'))).toEqual([]);
	});

	it('caches taggers by options, so a loop stays fast', () => {
		const opts = { disable: ['complaint'] };
		expect(tags('terrible')).toContain('complaint');
		expect(tagsOf(tagMessage('terrible', opts))).not.toContain('complaint');
		expect(tagsOf(tagMessage('terrible', { disable: ['complaint'] }))).not.toContain('complaint');
		// One compiled tagger per distinct options, whether the object is reused or rebuilt per call.
		expect(taggerFor(opts)).toBe(taggerFor(opts));
		expect(taggerFor({ disable: ['complaint'] })).toBe(taggerFor(opts));
		expect(taggerFor({ disable: ['product_question'] })).not.toBe(taggerFor(opts));
		expect(taggerFor()).toBe(taggerFor({}));
	});

	it('never throws on odd input', () => {
		expect(tagMessage(undefined as unknown as string)).toEqual({
			language: 'und',
			intents: [],
			sentiment: 0.5,
			sentimentEvidence: [],
			certainty: 1,
		});
		expect(tagMessage('\u0000\uffff\ud83d')).toMatchObject({ intents: [] });
		expect(() => createTagger({ rules: [{ tag: '' }] })).toThrow(/tag/);
	});
});

describe('tierCustomer', () => {
	const now = '2026-03-01T00:00:00Z';
	const daysAgo = (days: number): string =>
		new Date(Date.parse(now) - days * 86_400_000).toISOString();

	it('high intent: 3 product or price questions within 7 days', () => {
		const history = [
			{ at: daysAgo(1), direction: 'inbound' as const, intents: ['price_inquiry'] },
			{ at: daysAgo(3), direction: 'inbound' as const, intents: ['product_question'] },
			{
				at: daysAgo(6),
				direction: 'inbound' as const,
				intents: ['discount_inquiry', 'price_inquiry'],
			},
		];
		const result = tierCustomer(history, now);
		expect(result.tiers).toContain('high_intent');
		expect(result.tiers).not.toContain('potential');
		expect(tierCustomer(history.slice(0, 2), now).tiers).not.toContain('high_intent');
		// One outside the 7 days, or a business message, does not count.
		expect(
			tierCustomer([...history.slice(0, 2), { at: daysAgo(8), intents: ['price_inquiry'] }], now)
				.tiers,
		).not.toContain('high_intent');
		expect(
			tierCustomer(
				[
					...history.slice(0, 2),
					{ at: daysAgo(2), direction: 'outbound', intents: ['price_inquiry'] },
				],
				now,
			).tiers,
		).not.toContain('high_intent');
	});

	it('tags messages that carry only text', () => {
		const history = ['how much?', 'do u have size M?', '有冇黑色'].map((text, i) => ({
			at: daysAgo(i),
			text,
		}));
		expect(tierCustomer(history, now).tiers).toContain('high_intent');
	});

	it('potential: 1 or 2 customer messages in 30 days', () => {
		expect(tierCustomer([{ at: daysAgo(10) }], now).tiers).toEqual(['potential']);
		expect(tierCustomer([{ at: daysAgo(10) }, { at: daysAgo(29) }], now).tiers).toEqual([
			'potential',
		]);
		expect(
			tierCustomer([{ at: daysAgo(1) }, { at: daysAgo(2) }, { at: daysAgo(3) }], now).tiers,
		).toEqual([]);
		expect(tierCustomer([{ at: daysAgo(31) }], now).tiers).toEqual([]);
	});

	it('dormant after 60 days without a customer reply; cold after 6 months without any interaction', () => {
		expect(tierCustomer([{ at: daysAgo(59) }], now).tiers).toEqual([]);
		expect(
			tierCustomer([{ at: daysAgo(61) }, { at: daysAgo(5), direction: 'outbound' }], now).tiers,
		).toEqual(['dormant']);
		const cold = tierCustomer([{ at: daysAgo(200) }], now);
		expect(cold.tiers).toEqual(['dormant', 'cold']);
		expect(cold.daysSinceLastInbound).toBe(200);
		// A recent purchase is an interaction: dormant (no reply) but not cold.
		expect(
			tierCustomer(
				[{ at: daysAgo(200) }, { at: daysAgo(20), purchase: { at: daysAgo(20), amount: 300 } }],
				now,
			).tiers,
		).toEqual(['dormant']);
		// Never replied to our messages.
		expect(tierCustomer([{ at: daysAgo(90), direction: 'outbound' }], now).tiers).toEqual([
			'dormant',
		]);
	});

	it('price-sensitive after 3 discount questions or price objections', () => {
		const history = [
			{ at: daysAgo(40), intents: ['discount_inquiry'] },
			{ at: daysAgo(50), intents: ['price_objection'] },
			{ at: daysAgo(55), intents: [{ tag: 'discount_inquiry' }] },
		];
		expect(tierCustomer(history, now).tiers).toContain('price_sensitive');
		expect(tierCustomer(history.slice(0, 2), now).tiers).not.toContain('price_sensitive');
		expect(tierCustomer(history, now, { priceSensitiveDays: 45 }).tiers).not.toContain(
			'price_sensitive',
		);
	});

	it('value segments from purchases, thresholds configurable', () => {
		expect(tierCustomer([{ at: daysAgo(3) }], now)).toMatchObject({
			segment: 'prospect',
			rfm: { recency: null, frequency: 0, monetary: 0 },
		});
		const purchases = (list: [number, number][]) => ({
			messages: [],
			purchases: list.map(([d, amount]) => ({ at: daysAgo(d), amount })),
		});
		expect(tierCustomer(purchases([[10, 500]]), now).segment).toBe('new');
		expect(
			tierCustomer(
				purchases([
					[10, 500],
					[100, 800],
				]),
				now,
			),
		).toMatchObject({ segment: 'regular', rfm: { recency: 10, frequency: 2, monetary: 1300 } });
		expect(
			tierCustomer(
				purchases([
					[10, 6000],
					[100, 5000],
				]),
				now,
			).segment,
		).toBe('vip');
		expect(
			tierCustomer(
				purchases([
					[5, 100],
					[20, 100],
					[40, 100],
					[60, 100],
					[80, 100],
				]),
				now,
			).segment,
		).toBe('vip');
		expect(tierCustomer(purchases([[200, 50_000]]), now).segment).toBe('lapsed');
		expect(
			tierCustomer(
				purchases([
					[10, 500],
					[100, 800],
				]),
				now,
				{ segment: { vipMonetary: 1000 } },
			).segment,
		).toBe('vip');
		expect(
			tierCustomer(
				purchases([
					[400, 500],
					[10, 500],
				]),
				now,
			),
		).toMatchObject({ segment: 'regular', rfm: { frequency: 1, monetary: 500 } });
	});

	it('reads unix seconds, ms and Date, and explains itself', () => {
		const seconds = String(Math.floor(Date.parse(daysAgo(2)) / 1000));
		const result = tierCustomer(
			[{ at: seconds }, { at: Date.parse(daysAgo(3)) }, { at: new Date(daysAgo(4)) }],
			new Date(now),
		);
		expect(result.daysSinceLastInbound).toBe(2);
		expect(result.reasons.join('\n')).toMatch(/segment prospect/);
		expect(tierCustomer([], now)).toMatchObject({ tiers: [], segment: 'prospect' });
		expect(() => tierCustomer([], 'not a date')).toThrow(/time/);
	});
});

describe('quality on the labelled messages', () => {
	it('dev micro-F1 is at least 0.92', () => {
		const scored = scoreIntents(loadIntentDataset('dev'), (text) => tags(text));
		expect(scored.micro.f1).toBeGreaterThanOrEqual(0.92);
	});

	it('the data sets cover every language and tag', () => {
		const dev = loadIntentDataset('dev');
		expect(dev.length).toBeGreaterThanOrEqual(600);
		for (const lang of ['zh-Hans', 'zh-Hant', 'en', 'th', 'ru'])
			expect(dev.filter((r) => r.lang === lang).length).toBeGreaterThanOrEqual(110);
		for (const tag of INTENT_TAGS)
			expect(dev.filter((r) => r.tags.includes(tag)).length).toBeGreaterThanOrEqual(25);
		expect(loadIntentDataset('holdout').length).toBeGreaterThanOrEqual(250);
	});
});
