/**
 * How the public intent sets map onto the tagger's tags, and the register measures of issue 19:
 * micro-F1 on plain requests, recall on colloquial and misspelt ones, the share of off-topic
 * messages given any tag, opt-out recall, and subscribe requests wrongly taken for opt-outs.
 */
import type { IntentRow } from './publicSets';
import type { RegisterRow } from './sentimentScoring';
import { f1Of } from './intentDataset';
import type { Counts, F1 } from './intentDataset';

/** Bitext's intents that one of our tags clearly covers; the rest (accounts, addresses, fees, reviews) are left out. */
const BITEXT_TAGS: Readonly<Record<string, string>> = {
	cancel_order: 'return_exchange',
	check_refund_policy: 'return_exchange',
	get_refund: 'return_exchange',
	track_refund: 'return_exchange',
	complaint: 'complaint',
	contact_customer_service: 'human_handoff',
	contact_human_agent: 'human_handoff',
	delivery_options: 'shipping_info',
	delivery_period: 'shipping_info',
	track_order: 'order_status',
	place_order: 'purchase_intent',
	check_payment_methods: 'payment',
	payment_issue: 'payment',
	check_invoice: 'payment',
	get_invoice: 'payment',
};

/**
 * Bitext's `newsletter_subscription` holds both "sign me up" and "unsubscribe me": the wording
 * decides which (checked by reading the rows: every leaving verb Bitext uses is here).
 */
const LEAVING =
	/\b(?:un-?sub\w*|cancel\w*|stop\w*|remove|opt(?:ing)?[- ]?out|quit\w*|leave|leaving|delete|get off|take me off|no longer|don'?t want|do not want|end\w*)\b/i;

export function bitextTags(row: IntentRow): string[] | undefined {
	if (row.intent === 'newsletter_subscription') return LEAVING.test(row.text) ? ['opt_out'] : [];
	const tag = BITEXT_TAGS[row.intent];
	return tag ? [tag] : undefined;
}

/** CLINC150's domains that are not a shop's business (banking, cards, home orders and meta are left out). */
const CLINC_OFF_TOPIC_DOMAINS: readonly string[] = [
	// utility
	'weather',
	'alarm',
	'date',
	'find_phone',
	'share_location',
	'timer',
	'make_call',
	'calculator',
	'definition',
	'measurement_conversion',
	'flip_coin',
	'spelling',
	'time',
	'roll_dice',
	'text',
	// small talk (not are_you_a_bot: asking for a person is a handoff)
	'who_made_you',
	'meaning_of_life',
	'who_do_you_work_for',
	'do_you_have_pets',
	'what_are_your_hobbies',
	'fun_fact',
	'what_is_your_name',
	'where_are_you_from',
	'goodbye',
	'thank_you',
	'greeting',
	'tell_joke',
	'how_old_are_you',
	'what_can_i_ask_you',
	// travel, commuting, cooking, work
	'plug_type',
	'travel_notification',
	'translate',
	'flight_status',
	'international_visa',
	'timezone',
	'exchange_rate',
	'travel_suggestion',
	'travel_alert',
	'vaccines',
	'book_flight',
	'book_hotel',
	'carry_on',
	'car_rental',
	'current_location',
	'oil_change_when',
	'oil_change_how',
	'uber',
	'traffic',
	'tire_pressure',
	'schedule_maintenance',
	'gas',
	'mpg',
	'distance',
	'directions',
	'last_maintenance',
	'gas_type',
	'tire_change',
	'jump_start',
	'food_last',
	'how_busy',
	'ingredients_list',
	'calories',
	'nutrition_info',
	'recipe',
	'restaurant_reviews',
	'meal_suggestion',
	'restaurant_suggestion',
	'ingredient_substitution',
	'cook_time',
	'pto_request_status',
	'next_holiday',
	'insurance_change',
	'insurance',
	'meeting_schedule',
	'payday',
	'taxes',
	'income',
	'rollover_401k',
	'pto_balance',
	'pto_request',
	'w2',
	'schedule_meeting',
	'direct_deposit',
	'pto_used',
	'oos',
];

export function isOffTopic(row: IntentRow): boolean {
	return CLINC_OFF_TOPIC_DOMAINS.includes(row.intent);
}

export interface RegisterScore {
	/** Micro-F1 over the plain requests' tags. */
	plain: F1;
	/** Recall on colloquial requests (Bitext flag Q / our register "colloquial"). */
	colloquialRecall: F1;
	/** Recall on misspelt requests (Bitext flag Z / our register "typo"). */
	typoRecall: F1;
	/** Off-topic messages given any tag, of all off-topic ones. */
	offTopicTagged: number;
	offTopic: number;
	/** Opt-out requests tagged opt_out. */
	optOutRecall: F1;
	/** Requests that are not opt-outs (subscribe requests among them) tagged opt_out. */
	wrongOptOuts: number;
	subscribeAsOptOut: number;
}

interface Scorable {
	text: string;
	tags: string[];
	register: 'plain' | 'colloquial' | 'typo' | 'offtopic';
	subscribe?: boolean;
}

export function registerRowsFromBitext(rows: IntentRow[]): Scorable[] {
	const out: Scorable[] = [];
	for (const row of rows) {
		const tags = bitextTags(row);
		if (!tags) continue;
		const flags = row.flags ?? '';
		const register = flags.includes('Z') ? 'typo' : flags.includes('Q') ? 'colloquial' : 'plain';
		out.push({
			text: row.text,
			tags,
			register,
			subscribe: row.intent === 'newsletter_subscription' && tags.length === 0,
		});
	}
	return out;
}

export function registerRowsFromClinc(rows: IntentRow[]): Scorable[] {
	return rows.filter(isOffTopic).map((row) => ({ text: row.text, tags: [], register: 'offtopic' }));
}

export function registerRowsFromOwn(rows: RegisterRow[]): Scorable[] {
	return rows.map((row) => ({
		text: row.text,
		tags: row.tags,
		register: row.register as Scorable['register'],
		subscribe:
			row.tags.length === 0 && /subscri|订阅|訂閱|สมัคร|подпис|sign (?:me )?up/i.test(row.text),
	}));
}

export function scoreRegisters(
	rows: Scorable[],
	predict: (text: string) => string[],
): RegisterScore {
	const plain: Counts = { tp: 0, fp: 0, fn: 0 };
	const colloquial: Counts = { tp: 0, fp: 0, fn: 0 };
	const typo: Counts = { tp: 0, fp: 0, fn: 0 };
	const optOut: Counts = { tp: 0, fp: 0, fn: 0 };
	let offTopic = 0;
	let offTopicTagged = 0;
	let wrongOptOuts = 0;
	let subscribeAsOptOut = 0;
	for (const row of rows) {
		const predicted = predict(row.text);
		if (row.register === 'offtopic') {
			offTopic++;
			if (predicted.length) offTopicTagged++;
		} else {
			const counts =
				row.register === 'plain' ? plain : row.register === 'colloquial' ? colloquial : typo;
			for (const t of predicted) counts[row.tags.includes(t) ? 'tp' : 'fp']++;
			for (const t of row.tags) if (!predicted.includes(t)) counts.fn++;
		}
		const isOptOut = row.tags.includes('opt_out');
		const saysOptOut = predicted.includes('opt_out');
		if (isOptOut) optOut[saysOptOut ? 'tp' : 'fn']++;
		else if (saysOptOut) {
			wrongOptOuts++;
			if (row.subscribe) subscribeAsOptOut++;
		}
	}
	return {
		plain: f1Of(plain),
		colloquialRecall: f1Of(colloquial),
		typoRecall: f1Of(typo),
		offTopicTagged,
		offTopic,
		optOutRecall: f1Of(optOut),
		wrongOptOuts,
		subscribeAsOptOut,
	};
}
