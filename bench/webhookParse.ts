/**
 * Webhook intake throughput: what our trigger does with each delivery (receiveDelivery: signature
 * over the raw bytes, JSON, Meta's payload into events with E.164 customers) against the floor every
 * receiver pays, HMAC-SHA256 + JSON.parse, measured in the same run over the same pre-serialised,
 * pre-signed bodies (devkit/payloads/whatsappPayloads realisticMix). Rounds alternate the two so both
 * see the same machine noise; each figure is the median of the rounds, after a warm-up.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import { signBody } from '../lib/whatsapp/signature';
import { receiveDelivery } from '../lib/whatsapp/receive';
import { realisticMix } from '../devkit/payloads/whatsappPayloads';
import { int, median, ratio, table, times } from './support/stats';

const SECRET = 'bench-app-secret';

interface Signed {
	raw: Buffer;
	signature: string;
}

export interface WebhookParseOptions {
	deliveries?: number;
	rounds?: number;
	seed?: number;
}

/** Deliveries per second of one pass of `handle` over every delivery. */
function pass(deliveries: Signed[], handle: (delivery: Signed) => void): number {
	const start = process.hrtime.bigint();
	for (const delivery of deliveries) handle(delivery);
	return deliveries.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** The floor: verify the HMAC (constant time, as any receiver must) and parse the JSON, nothing else. */
function floor(delivery: Signed): void {
	const expected = createHmac('sha256', SECRET).update(delivery.raw).digest();
	const given = Buffer.from(delivery.signature.slice(7), 'hex');
	if (given.length !== expected.length || !timingSafeEqual(given, expected))
		throw new Error('bad signature');
	JSON.parse(delivery.raw.toString('utf8'));
}

function ours(delivery: Signed): void {
	const outcome = receiveDelivery(delivery.raw, delivery.signature, SECRET);
	if (outcome.status !== 200) throw new Error(`delivery refused: ${outcome.reason}`);
}

export function runWebhookParseBench(options: WebhookParseOptions = {}): Record<string, unknown> {
	const count = options.deliveries ?? Number(process.env.SCRM_BENCH_PARSE_DELIVERIES ?? 20_000);
	const rounds = options.rounds ?? 7;
	const seed = options.seed ?? 42;

	const deliveries: Signed[] = realisticMix(count, seed).map((body) => {
		const raw = Buffer.from(JSON.stringify(body));
		return { raw, signature: signBody(raw, SECRET) };
	});
	// Every delivery must be accepted, and the event count is what the throughput is counted in.
	let events = 0;
	const kinds: Record<string, number> = {};
	for (const delivery of deliveries) {
		const outcome = receiveDelivery(delivery.raw, delivery.signature, SECRET);
		if (outcome.status !== 200)
			throw new Error(`realisticMix delivery refused (${outcome.status}): ${outcome.reason}`);
		events += outcome.events.length;
		for (const event of outcome.events) kinds[event.kind] = (kinds[event.kind] ?? 0) + 1;
	}
	const eventsPerDelivery = events / deliveries.length;
	const bytes = deliveries.reduce((sum, delivery) => sum + delivery.raw.length, 0);

	// Warm-up: two passes each, so both run optimised code before timing.
	for (let i = 0; i < 2; i++) {
		pass(deliveries, floor);
		pass(deliveries, ours);
	}
	const floorRates: number[] = [];
	const ourRates: number[] = [];
	for (let round = 0; round < rounds; round++) {
		if (round % 2 === 0) {
			floorRates.push(pass(deliveries, floor));
			ourRates.push(pass(deliveries, ours));
		} else {
			ourRates.push(pass(deliveries, ours));
			floorRates.push(pass(deliveries, floor));
		}
	}
	const floorDeliveries = median(floorRates);
	const ourDeliveries = median(ourRates);
	const result = {
		deliveries: deliveries.length,
		events,
		eventKinds: kinds,
		meanBodyBytes: Math.round(bytes / deliveries.length),
		rounds,
		floorEventsPerSecond: floorDeliveries * eventsPerDelivery,
		eventsPerSecond: ourDeliveries * eventsPerDelivery,
		floorDeliveriesPerSecond: floorDeliveries,
		deliveriesPerSecond: ourDeliveries,
		ratioToFloor: ratio(ourDeliveries, floorDeliveries),
		spread: {
			floor: [
				Math.min(...floorRates) * eventsPerDelivery,
				Math.max(...floorRates) * eventsPerDelivery,
			],
			ours: [Math.min(...ourRates) * eventsPerDelivery, Math.max(...ourRates) * eventsPerDelivery],
		},
	};

	const kindList = Object.entries(kinds)
		.map(([kind, n]) => `${int(n)} ${kind}`)
		.join(', ');
	console.log(
		`${int(deliveries.length)} deliveries (realisticMix, seed ${seed}), ${int(events)} events (${kindList}), ${result.meanBodyBytes} bytes on average`,
	);
	console.log(`median of ${rounds} alternating rounds after warm-up, one core:\n`);
	console.log(
		table([
			['', 'events/s', 'deliveries/s', 'slowest–fastest round, events/s'],
			[
				'baseline: HMAC-SHA256 + JSON.parse',
				int(result.floorEventsPerSecond),
				int(floorDeliveries),
				`${int(result.spread.floor[0])}–${int(result.spread.floor[1])}`,
			],
			[
				'ours: receiveDelivery (+ parse, E.164)',
				int(result.eventsPerSecond),
				int(ourDeliveries),
				`${int(result.spread.ours[0])}–${int(result.spread.ours[1])}`,
			],
			['ratio ours / baseline', times(result.ratioToFloor), '', ''],
		]),
	);
	return result;
}

if (require.main === module) runWebhookParseBench();
