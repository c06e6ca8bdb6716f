/**
 * How the built-in tags relate: which are negatable, which weak evidence a stronger neighbour
 * explains better, which tag a "how much" next to it belongs to, which tags others override.
 */

/** Tags whose matches a negator in front cancels; other tags say the same with or without "not". */
export const NEGATABLE = new Set<string>(['price_objection', 'purchase_intent', 'complaint']);

/** Weak evidence of a tag does not count when one of these tags is found in the same message. */
export const SUPPRESSED_BY: Readonly<Record<string, readonly string[]>> = {
	price_inquiry: [
		'price_objection',
		'discount_inquiry',
		'quote_request',
		'shipping_info',
		'payment',
		'order_status',
		'return_exchange',
		'purchase_intent',
	],
	discount_inquiry: [
		'quote_request',
		'store_location',
		'payment',
		'shipping_info',
		'order_status',
		'price_objection',
	],
	price_objection: ['discount_inquiry', 'complaint'],
	purchase_intent: [
		'return_exchange',
		'complaint',
		'human_handoff',
		'opt_out',
		'order_status',
		'discount_inquiry',
		'quote_request',
		'product_question',
		'price_inquiry',
		'shipping_info',
		'price_objection',
		'payment',
	],
	product_question: [
		'return_exchange',
		'order_status',
		'discount_inquiry',
		'store_location',
		'payment',
		'shipping_info',
		'quote_request',
		'human_handoff',
		'opt_out',
		'complaint',
		'purchase_intent',
	],
	shipping_info: ['order_status', 'payment', 'return_exchange', 'complaint', 'purchase_intent'],
	order_status: ['return_exchange', 'shipping_info', 'purchase_intent', 'complaint'],
	return_exchange: ['product_question', 'opt_out', 'purchase_intent'],
	payment: ['order_status', 'return_exchange', 'purchase_intent', 'price_inquiry'],
	store_location: ['return_exchange', 'shipping_info', 'order_status', 'quote_request'],
	human_handoff: ['complaint', 'quote_request', 'order_status'],
	opt_out: ['complaint', 'order_status'],
	complaint: ['return_exchange', 'order_status', 'product_question'],
};

/** Tags a "how much" directly after belongs to (运费几钱 is a shipping question, not a price one). */
export const ABSORBS_PRICE = ['shipping_info', 'payment', 'order_status', 'return_exchange'];

/** When the first tag is found, the others are not reported ("no more promos pls" asks for no promotion). */
export const OVERRIDES: Readonly<Record<string, readonly string[]>> = {
	opt_out: ['discount_inquiry', 'purchase_intent', 'product_question', 'shipping_info'],
};

/** Tags an off-topic phrase does not cancel: "stop texting me about taxes" still opts out. */
export const KEPT_OFF_TOPIC: readonly string[] = ['opt_out', 'complaint', 'human_handoff'];

/** How much a tag on its own moves the sentiment score (a complaint is negative even without angry words). */
export const TAG_SENTIMENT: Readonly<Record<string, number>> = {
	complaint: -1,
	price_objection: -0.5,
	opt_out: -0.5,
};
