/**
 * Hostile inputs, timed: the worst time per input size over every hostile string family
 * (devkit/generators/hostileInputs) through normalizePhone and tagMessage, and over signed
 * deliveries whose customer text and shared contact card are padded with those strings through
 * receiveDelivery (the trigger's receive path). Linear steps show as a time that grows about
 * tenfold per tenfold size; a quadratic one a hundredfold. Printed, never a pass/fail (the fuzz
 * suite in test/fuzz checks the outcomes). `npm run bench -- hostile`; SCRM_BENCH_HOSTILE_SIZES
 * (1000,10000,100000) picks the sizes.
 */
import { normalizePhone } from '../lib/phone';
import { tagMessage } from '../lib/intent';
import { receiveDelivery } from '../lib/whatsapp/receive';
import { signBody } from '../lib/whatsapp/signature';
import { HOSTILE_STRING_FAMILIES } from '../devkit/generators/hostileInputs';
import {
	combine,
	contactsMessage,
	envelope,
	textMessage,
} from '../devkit/payloads/whatsappPayloads';
import { percentile, table } from './support/stats';

const SECRET = 'bench-app-secret';

/** The median and the slowest of `repeat` runs, in ms. */
function timed(run: () => unknown, repeat: number): { median: number; worst: number } {
	const times: number[] = [];
	for (let i = 0; i < repeat; i++) {
		const start = process.hrtime.bigint();
		run();
		times.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return { median: percentile(times, 50), worst: Math.max(...times) };
}

function delivery(text: string): { raw: Buffer; signature: string } {
	const body = envelope(
		combine(
			textMessage({ text }),
			contactsMessage({ contacts: [{ name: `Card ${text.slice(0, 64)}`, phones: [text] }] }),
		),
	);
	const raw = Buffer.from(JSON.stringify(body));
	return { raw, signature: signBody(raw, SECRET) };
}

export function runHostileBench(): Record<string, unknown> {
	const sizes = (process.env.SCRM_BENCH_HOSTILE_SIZES ?? '1000,10000,100000')
		.split(',')
		.map((size) => Number(size.trim()))
		.filter((size) => Number.isInteger(size) && size > 0);
	const subjects: Array<[string, (text: string) => unknown, number]> = [
		['normalizePhone', (text) => normalizePhone(text, { defaultCountry: 'HK' }), 15],
		['tagMessage', (text) => tagMessage(text), 5],
		[
			'receiveDelivery',
			(text) => {
				const { raw, signature } = delivery(text);
				return receiveDelivery(raw, signature, SECRET);
			},
			5,
		],
	];
	const results: Record<
		string,
		Record<string, { medianMs: number; worstMs: number; family: string }>
	> = {};
	const rows: string[][] = [['subject', ...sizes.map((size) => `${size} chars`)]];
	const round = (ms: number) => Math.round(ms * 100) / 100;
	for (const [name, run, repeat] of subjects) {
		results[name] = {};
		const row = [name];
		for (const size of sizes) {
			// The family with the slowest median; its worst run beside it (a shared machine adds noise).
			let slowest = { median: 0, worst: 0 };
			let family = '';
			for (const [candidate, make] of Object.entries(HOSTILE_STRING_FAMILIES)) {
				const text = make(size);
				run(text); // warm-up
				const time = timed(() => run(text), repeat);
				if (time.median > slowest.median) [slowest, family] = [time, candidate];
			}
			results[name][String(size)] = {
				medianMs: round(slowest.median),
				worstMs: round(slowest.worst),
				family,
			};
			row.push(`${slowest.median.toFixed(2)} / ${slowest.worst.toFixed(2)} ms (${family})`);
		}
		rows.push(row);
	}
	console.log(table(rows));
	console.log(
		'\n  median / worst run of the slowest hostile family per size; linear work grows ~10× per 10× size',
	);
	return { sizes, worst: results };
}
