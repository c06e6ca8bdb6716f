/**
 * Webhook intake throughput: signature check + JSON + parse into events, over a realistic mix of
 * Meta deliveries, against the floor every receiver pays (HMAC-SHA256 + JSON.parse) in the same run.
 */
import { createHmac } from 'node:crypto';

import { receiveDelivery } from '../lib/whatsapp/receive';
import { realisticDeliveries } from './support/deliveries';

const SECRET = 'bench-app-secret';

interface Signed {
	raw: Buffer;
	signature: string;
}

function sign(bodies: object[]): Signed[] {
	return bodies.map((body) => {
		const raw = Buffer.from(JSON.stringify(body));
		return { raw, signature: `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}` };
	});
}

/** Events per second over `rounds` timed passes (median), after a warm-up pass. */
function measure(deliveries: Signed[], countEvents: (delivery: Signed) => number, rounds = 7): number {
	const pass = () => {
		let events = 0;
		const start = process.hrtime.bigint();
		for (const delivery of deliveries) events += countEvents(delivery);
		return events / (Number(process.hrtime.bigint() - start) / 1e9);
	};
	pass();
	const rates = Array.from({ length: rounds }, pass).sort((a, b) => a - b);
	return rates[Math.floor(rates.length / 2)];
}

export function runWebhookParseBench(count = 20_000): Record<string, number> {
	const { bodies, events } = realisticDeliveries(count, 42);
	const deliveries = sign(bodies);
	const perDelivery = events / bodies.length;

	const floor = measure(deliveries, (delivery) => {
		const digest = createHmac('sha256', SECRET).update(delivery.raw).digest('hex');
		if (`sha256=${digest}` !== delivery.signature) throw new Error('bad signature');
		JSON.parse(delivery.raw.toString('utf8'));
		return perDelivery;
	});
	const ours = measure(deliveries, (delivery) => {
		const outcome = receiveDelivery(delivery.raw, delivery.signature, SECRET);
		if (outcome.status !== 200) throw new Error(`delivery refused: ${outcome.reason}`);
		return outcome.events.length;
	});

	console.log(`webhook intake: ${bodies.length} deliveries, ${events} events (messages and statuses)`);
	console.log(`  floor (HMAC + JSON.parse)            ${Math.round(floor).toLocaleString('en')} events/s`);
	console.log(`  ours (verify + parse + E.164)        ${Math.round(ours).toLocaleString('en')} events/s`);
	console.log(`  ratio ours / floor                   ${(ours / floor).toFixed(2)}`);
	return { deliveries: bodies.length, events, floorEventsPerSecond: floor, eventsPerSecond: ours, ratioToFloor: ours / floor };
}

if (require.main === module) runWebhookParseBench();
