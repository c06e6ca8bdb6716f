/**
 * A day of customer conversations for the sandbox: customers from Hong Kong, Taiwan, mainland China,
 * Thailand, Russia and Singapore, each writing one to three messages in their own language, at the
 * hours shops see (a lunchtime and an evening peak). Texts come from the intent tagger's labelled
 * messages, so what the tagger and the report find can be checked against the labels.
 * Deterministic for a seed.
 */
import { normalizePhone } from '../lib/phone';
import { loadIntentDataset } from '../devkit/datasets/intentDataset';
import type { LabelledMessage } from '../devkit/datasets/intentDataset';
import { seededRandom } from '../devkit/generators/seededRandom';

export interface SandboxCustomer {
	/** wa_id: the phone number as digits, as Meta sends it. */
	waId: string;
	name: string;
	lang: string;
}

export interface SandboxMessage {
	customer: SandboxCustomer;
	text: string;
	/** The labels the text carries in the dataset. */
	tags: string[];
	/** When the customer wrote it: milliseconds after the start of the day. */
	offsetMs: number;
}

interface Market {
	lang: string;
	/** Country code and the mobile prefixes numbers start with. */
	countryCode: string;
	prefixes: string[];
	digits: number;
	names: string[];
	/** Share of the day's customers. */
	weight: number;
}

const MARKETS: Market[] = [
	{
		lang: 'zh-Hant',
		countryCode: '852',
		prefixes: ['5', '6', '9'],
		digits: 8,
		names: ['陳大文', 'Wong Siu Ming', '李嘉欣', 'Cheung Ka Yan', '何美玲', 'Kelvin Lau'],
		weight: 0.22,
	},
	{
		lang: 'zh-Hant',
		countryCode: '886',
		prefixes: ['91', '93', '97'],
		digits: 9,
		names: ['林志明', '張雅婷', 'Tsai Yi-Chen', '黃俊傑'],
		weight: 0.14,
	},
	{
		lang: 'zh-Hans',
		countryCode: '86',
		prefixes: ['138', '139', '186'],
		digits: 11,
		names: ['王芳', '刘洋', '张伟', '李娜', 'Zhao Lei'],
		weight: 0.2,
	},
	{
		lang: 'th',
		countryCode: '66',
		prefixes: ['8', '9'],
		digits: 9,
		names: ['สมชาย ใจดี', 'นภา ศรีสุข', 'Anong P.', 'วิชัย'],
		weight: 0.16,
	},
	{
		lang: 'ru',
		countryCode: '7',
		prefixes: ['91', '92', '98'],
		digits: 10,
		names: ['Анна Иванова', 'Дмитрий', 'Ольга Смирнова', 'Sergey K.'],
		weight: 0.14,
	},
	{
		lang: 'en',
		countryCode: '65',
		prefixes: ['8', '9'],
		digits: 8,
		names: ['Rachel Tan', 'Marcus Lim', 'Priya N.', 'Jason Ong'],
		weight: 0.14,
	},
];

/**
 * Customers the HubSpot simulator already holds, their numbers typed in messy formats
 * (defaultHubSpotContacts in devkit/simulators/crm/hubspot.ts): when they write in, CRM Upsert
 * finds them by phone instead of creating a second contact. (Contact 104, "+65 9123 4567", is left
 * out: contact 102's "91234567" reads as that Singapore number too, so it would go to Review.)
 */
export const RETURNING_CUSTOMERS: readonly SandboxCustomer[] = [
	{ waId: '85261234567', name: "Wing O'Neil", lang: 'zh-Hant' }, // contact 105, "6123-4567"
	{ waId: '886912345678', name: '林美玲', lang: 'zh-Hant' }, // contact 106, "0912 345 678"
];

/** The customer with a username the sandbox plays: a business-scoped user id and no phone number. */
export const SANDBOX_USERNAME_CUSTOMER = { userId: 'HK.1502576394655843', username: 'tai_man' };

/** Relative chance of a message starting in each hour of the day (local time of the shop). */
const HOURLY = [
	0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 2.2, 2.6, 2.8, 3.4, 3.2, 2.5, 2.3, 2.4, 2.6, 2.9,
	3.5, 3.8, 3.3, 2.2, 0.9,
];

function pick<T>(
	rand: () => number,
	items: readonly T[],
	weight: (item: T) => number = () => 1,
): T {
	const total = items.reduce((sum, item) => sum + weight(item), 0);
	let at = rand() * total;
	for (const item of items) {
		at -= weight(item);
		if (at < 0) return item;
	}
	return items[items.length - 1];
}

/**
 * `customers` customers' conversations over one day, in the order they were written; the first
 * customers are the returning ones.
 */
export function dayOfConversations(customers: number, seed = 7): SandboxMessage[] {
	const rand = seededRandom(seed);
	const byLanguage = new Map<string, LabelledMessage[]>();
	for (const row of loadIntentDataset('dev')) {
		// Opt-outs would silence the rest of the sandbox's day for that customer: keep them rare.
		if (row.tags.includes('opt_out') && rand() > 0.15) continue;
		byLanguage.set(row.lang, [...(byLanguage.get(row.lang) ?? []), row]);
	}
	const hours = HOURLY.map((weight, hour) => ({ hour, weight }));
	const messages: SandboxMessage[] = [];
	const taken = new Set<string>();
	for (let i = 0; i < customers; i++) {
		const market = pick(rand, MARKETS, (m) => m.weight);
		let waId: string;
		do {
			const prefix = pick(rand, market.prefixes);
			let rest = '';
			while (prefix.length + rest.length < market.digits) rest += Math.floor(rand() * 10);
			waId = `${market.countryCode}${prefix}${rest}`;
			// Meta only delivers from real WhatsApp numbers: keep to ranges the numbering plan assigns.
		} while (taken.has(waId) || !normalizePhone(`+${waId}`).ok);
		taken.add(waId);
		const customer: SandboxCustomer = RETURNING_CUSTOMERS[i] ?? {
			waId,
			name: pick(rand, market.names),
			lang: market.lang,
		};
		taken.add(customer.waId);
		const pool = byLanguage.get(customer.lang) ?? [];
		let offsetMs = (pick(rand, hours, (h) => h.weight).hour * 60 + rand() * 60) * 60_000;
		const count = 1 + Math.floor(rand() * rand() * 3);
		for (let n = 0; n < count && offsetMs < 86_400_000; n++) {
			const row = pick(rand, pool);
			messages.push({ customer, text: row.text, tags: row.tags, offsetMs: Math.floor(offsetMs) });
			// The next message of the conversation: seconds to a quarter of an hour later.
			offsetMs += 10_000 + rand() * 15 * 60_000;
		}
	}
	return messages.sort((a, b) => a.offsetMs - b.offsetMs);
}
