/**
 * The Intent Tagger's tags as a reader of the report calls them, in the report's language:
 * "Product question" rather than `product_question`. Tags of custom rules are shown as written,
 * underscores read as spaces.
 */
type Names = Record<string, string>;

const EN: Names = {
	price_inquiry: 'Price question',
	discount_inquiry: 'Discount question',
	price_objection: 'Too expensive',
	purchase_intent: 'Wants to buy',
	product_question: 'Product question',
	quote_request: 'Quote request',
	order_status: 'Order status',
	shipping_info: 'Shipping',
	return_exchange: 'Return or exchange',
	payment: 'Payment',
	store_location: 'Store location',
	complaint: 'Complaint',
	human_handoff: 'Wants a person',
	opt_out: 'Opt-out',
};

const ZH_HANS: Names = {
	price_inquiry: '询价',
	discount_inquiry: '问优惠',
	price_objection: '嫌贵',
	purchase_intent: '想购买',
	product_question: '产品咨询',
	quote_request: '要报价',
	order_status: '订单状态',
	shipping_info: '物流配送',
	return_exchange: '退换货',
	payment: '付款',
	store_location: '门店地址',
	complaint: '投诉',
	human_handoff: '要人工客服',
	opt_out: '退订',
};

const ZH_HANT: Names = {
	price_inquiry: '詢價',
	discount_inquiry: '問優惠',
	price_objection: '嫌貴',
	purchase_intent: '想購買',
	product_question: '產品查詢',
	quote_request: '要報價',
	order_status: '訂單狀態',
	shipping_info: '物流送貨',
	return_exchange: '退換貨',
	payment: '付款',
	store_location: '門市地址',
	complaint: '投訴',
	human_handoff: '要真人客服',
	opt_out: '退訂',
};

const TH: Names = {
	price_inquiry: 'ถามราคา',
	discount_inquiry: 'ถามส่วนลด',
	price_objection: 'ว่าแพง',
	purchase_intent: 'อยากซื้อ',
	product_question: 'ถามเรื่องสินค้า',
	quote_request: 'ขอใบเสนอราคา',
	order_status: 'สถานะคำสั่งซื้อ',
	shipping_info: 'การจัดส่ง',
	return_exchange: 'คืนหรือเปลี่ยนสินค้า',
	payment: 'การชำระเงิน',
	store_location: 'ที่ตั้งร้าน',
	complaint: 'ร้องเรียน',
	human_handoff: 'ขอคุยกับพนักงาน',
	opt_out: 'ยกเลิกรับข้อความ',
};

const RU: Names = {
	price_inquiry: 'Вопрос о цене',
	discount_inquiry: 'Вопрос о скидке',
	price_objection: 'Дорого',
	purchase_intent: 'Хочет купить',
	product_question: 'Вопрос о товаре',
	quote_request: 'Запрос цены',
	order_status: 'Статус заказа',
	shipping_info: 'Доставка',
	return_exchange: 'Возврат или обмен',
	payment: 'Оплата',
	store_location: 'Адрес магазина',
	complaint: 'Жалоба',
	human_handoff: 'Просит оператора',
	opt_out: 'Отписка',
};

/** The names for a BCP 47 locale: traditional Chinese for Hong Kong, Taiwan, Macau and `Hant`. */
function namesFor(locale: string): Names {
	const [language, ...rest] = locale.toLowerCase().split('-');
	if (language === 'zh')
		return rest.some((part) => ['hant', 'hk', 'tw', 'mo'].includes(part)) ? ZH_HANT : ZH_HANS;
	if (language === 'th') return TH;
	if (language === 'ru') return RU;
	return EN;
}

export function intentName(tag: string, locale: string): string {
	const names = namesFor(locale);
	if (Object.prototype.hasOwnProperty.call(names, tag)) return names[tag];
	const spaced = tag.replace(/_+/g, ' ').trim();
	return spaced ? spaced.charAt(0).toUpperCase() + spaced.slice(1) : tag;
}
