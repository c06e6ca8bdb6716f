/**
 * Hostile inputs for the fuzz suite (test/fuzz) and the hostile-input benchmark (bench/hostile.ts):
 * strings built to make a regular expression backtrack, a normaliser grow or a renderer break,
 * values that are not what a field should hold, and seeded mutations of real-shape webhook bodies
 * (devkit/payloads/whatsappPayloads). Seeded, so a failure found once is found again.
 */
import { seededRandom } from './seededRandom';

type Json = Record<string, unknown>;

/** One hostile string per family, `size` code units long (about; some families repeat a unit). */
export const HOSTILE_STRING_FAMILIES: Record<string, (size: number) => string> = {
	spaces: (n) => ' '.repeat(n),
	whitespaceMix: (n) => ' \t\n\r\u00a0\u3000\u2028'.repeat(Math.ceil(n / 7)).slice(0, n),
	spacedPhone: (n) => `+852${' '.repeat(n)}9123 4567`,
	spacedExtension: (n) => `+852 9123 4567${' '.repeat(n)}ext${' '.repeat(n)}12`,
	spaceX: (n) => ' x'.repeat(Math.ceil(n / 2)),
	digits: (n) => '9'.repeat(n),
	plusDigits: (n) => `+${'8'.repeat(n)}`,
	separators: (n) => '-.()/'.repeat(Math.ceil(n / 5)).slice(0, n),
	hashes: (n) => '#'.repeat(n),
	extWords: (n) => 'ext '.repeat(Math.ceil(n / 4)),
	fullWidthDigits: (n) => '９'.repeat(n),
	thaiDigits: (n) => '๙'.repeat(n),
	nfkcExpanding: (n) => '\u3300\ufdfa'.repeat(Math.ceil(n / 2)),
	combining: (n) => `a${'\u0301'.repeat(n)}`,
	zeroWidth: (n) => '\u200b\u200d\u2060\ufeff'.repeat(Math.ceil(n / 4)),
	bidi: (n) => '\u202e\u2066\u200f'.repeat(Math.ceil(n / 3)),
	emoji: (n) => '👨‍👩‍👧‍👦'.repeat(Math.ceil(n / 11)),
	nul: (n) => '\u0000'.repeat(n),
	loneSurrogates: (n) => '\ud800x\udc00'.repeat(Math.ceil(n / 3)),
	html: (n) => '<script>alert(1)</script>&amp;"\''.repeat(Math.ceil(n / 40)),
	cjkNoSpaces: (n) => '我想問價錢幾多錢可唔可以平啲'.repeat(Math.ceil(n / 14)),
	repeatedWord: (n) => 'price '.repeat(Math.ceil(n / 6)),
	negations: (n) => 'not no never dont '.repeat(Math.ceil(n / 18)),
	protoKeys: (n) => '__proto__ constructor toString '.repeat(Math.ceil(n / 30)),
	regexMeta: (n) => '(a+)+$[^]*.*?\\'.repeat(Math.ceil(n / 14)),
};

/** Every family at every size, as `[family, size, text]`. */
export function hostileStrings(sizes: number[]): Array<[string, number, string]> {
	const out: Array<[string, number, string]> = [];
	for (const [family, make] of Object.entries(HOSTILE_STRING_FAMILIES))
		for (const size of sizes) out.push([family, size, make(size)]);
	return out;
}

/** Values a JSON field should not hold, each of them possible in a parsed body. */
export function hostileValues(): unknown[] {
	let deep: unknown = 'bottom';
	for (let i = 0; i < 2000; i++) deep = { d: deep };
	return [
		null,
		true,
		false,
		0,
		-1,
		1.5,
		1e308,
		-1e308,
		2 ** 53 + 1,
		'',
		' ',
		'\u0000',
		'\ud800',
		'x'.repeat(20_000),
		' '.repeat(20_000),
		'__proto__',
		'constructor',
		'1795300000000',
		'99999999999999999999',
		'-1',
		'NaN',
		[],
		[null],
		[[[]]],
		{},
		JSON.parse('{"__proto__": {"polluted": true}}'),
		{ toString: 1, valueOf: 1 },
		{ toJSON: 1 },
		deep,
	];
}

/**
 * A copy of `value` with `count` random changes at random places: a key removed, a value
 * replaced by a hostile one, a list emptied or an item repeated, a value wrapped in a list or
 * turned into text, a `__proto__` or `constructor` key added, an id emptied.
 */
export function mutate(value: unknown, random: () => number, count: number): unknown {
	const root = { root: structuredClone(value) } as Json;
	const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
	// A fresh copy each time: one shared value placed twice could end up inside itself.
	const hostileValue = (): unknown => pick(hostileValues());
	for (let change = 0; change < count; change++) {
		// Walk down a random path; stop at a random depth.
		let parent: Json | unknown[] = root;
		let key: string | number = 'root';
		for (let depth = 0; depth < 12; depth++) {
			const current = (parent as Json)[key as string];
			// Most changes land deep inside (where messages and statuses are), some on the envelope.
			if (typeof current !== 'object' || current === null) break;
			if (random() < (depth < 5 ? 0.03 : 0.2)) break;
			const keys: Array<string | number> = Array.isArray(current)
				? current.map((_, i) => i)
				: Object.keys(current);
			if (keys.length === 0) break;
			parent = current as Json;
			key = pick(keys);
		}
		const target = parent as Json;
		const current = target[key as string];
		switch (Math.floor(random() * 8)) {
			case 0:
				if (Array.isArray(parent)) parent.splice(key as number, 1);
				else delete target[key as string];
				break;
			case 1:
			case 2:
				target[key as string] = hostileValue();
				break;
			case 3:
				target[key as string] = Array.isArray(current) ? [] : [current];
				break;
			case 4:
				if (Array.isArray(current) && current.length > 0)
					current.push(...Array.from({ length: 1 + Math.floor(random() * 5) }, () => current[0]));
				else target[key as string] = JSON.stringify(current) ?? 'undefined';
				break;
			case 5:
				if (typeof current === 'object' && current !== null && !Array.isArray(current))
					Object.defineProperty(current, pick(['__proto__', 'constructor', 'toString']), {
						value: hostileValue(),
						enumerable: true,
						writable: true,
						configurable: true,
					});
				else target[key as string] = hostileValue();
				break;
			case 6:
				if (typeof current === 'object' && current !== null && 'id' in current)
					(current as Json).id = pick(['', ' ', null, 0, {}]);
				else target[key as string] = typeof current === 'string' ? `${current}\u0000` : current;
				break;
			default:
				if (typeof current === 'string' || typeof current === 'number')
					target[key as string] = pick([
						String(current).repeat(50),
						`${String(current)}000`,
						` ${String(current)} `,
					]);
				else target[key as string] = hostileValue();
		}
	}
	return root.root;
}

/** Raw bytes of a body with a few bytes flipped, cut or doubled: JSON that may not parse, text that may not be UTF-8. */
export function mutateBytes(raw: Buffer, random: () => number): Buffer {
	const bytes = Buffer.from(raw);
	const changes = 1 + Math.floor(random() * 4);
	let out = bytes;
	for (let i = 0; i < changes; i++) {
		const at = Math.floor(random() * out.length);
		const kind = Math.floor(random() * 3);
		if (kind === 0) out[at] = Math.floor(random() * 256);
		else if (kind === 1) out = out.subarray(0, at);
		else out = Buffer.concat([out.subarray(0, at), out.subarray(at - 1 < 0 ? 0 : at - 1)]);
	}
	return out;
}

export { seededRandom };
