/**
 * A deterministic, realistic mix of WhatsApp Cloud API webhook deliveries for benchmarks: mostly
 * single text messages and delivery statuses, some media, replies and batched deliveries, customers
 * from HK, TW, CN, TH and RU.
 */
const COUNTRIES = ['852', '886', '86', '66', '7'];
const NATIONAL = ['9', '9', '13', '8', '9'];
const TEXTS = ['有冇discount?', '幾錢呀', 'How much is this?', 'ราคาเท่าไหร่คะ', 'Сколько стоит доставка?', '我想退货', 'where is my parcel 😡', '👍'];
const STATUSES = ['sent', 'delivered', 'read', 'delivered', 'read', 'failed'];

/** Park-Miller: the same seed gives the same deliveries on every machine. */
function random(seed: number): () => number {
	let state = seed % 2147483647 || 1;
	return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/** `customers` distinct senders and recipients: a shop's day has regulars, not a new number per event. */
export function realisticDeliveries(count: number, seed: number, customers = 5_000): { bodies: object[]; events: number } {
	const next = random(seed);
	const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
	const pool = Array.from({ length: customers }, () => {
		const country = Math.floor(next() * COUNTRIES.length);
		return `${COUNTRIES[country]}${NATIONAL[country]}${String(Math.floor(next() * 1e8)).padStart(country === 2 ? 9 : 8, '0')}`;
	});
	const bodies: object[] = [];
	let events = 0;
	for (let i = 0; i < count; i++) {
		const waId = pick(pool);
		const timestamp = String(1795300000 + i);
		const roll = next();
		const value: Record<string, unknown> = {
			messaging_product: 'whatsapp',
			metadata: { display_phone_number: '85255550000', phone_number_id: '106540352242922' },
		};
		if (roll < 0.45) {
			const batch = next() < 0.1 ? 3 : 1;
			value.contacts = [{ profile: { name: pick(['陳大文', 'Lin Mei', 'สมชาย', 'Иван', 'Chan Tai Man']) }, wa_id: waId, user_id: `HK.${1500000000000000 + i}` }];
			value.messages = Array.from({ length: batch }, (_, k) => {
				const media = next() < 0.15;
				const reply = next() < 0.2 ? { context: { from: '85255550000', id: `wamid.out${i}` } } : {};
				return media
					? { from: waId, id: `wamid.in${i}.${k}`, timestamp, type: 'image', image: { id: `media${i}`, mime_type: 'image/jpeg', sha256: 'x', caption: pick(TEXTS) }, ...reply }
					: { from: waId, id: `wamid.in${i}.${k}`, timestamp, type: 'text', text: { body: pick(TEXTS) }, ...reply };
			});
			events += batch;
		} else {
			const status = pick(STATUSES);
			value.statuses = [
				{
					id: `wamid.out${i}`,
					status,
					timestamp,
					recipient_id: waId,
					...(status === 'failed'
						? { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } }] }
						: {
								conversation: { id: `conv${i % 500}`, origin: { type: 'marketing' } },
								pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
							}),
				},
			];
			events += 1;
		}
		bodies.push({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] });
	}
	return { bodies, events };
}
