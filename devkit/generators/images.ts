/**
 * Test pictures made with jimp itself, so no binary fixtures: random noise, which JPEG cannot
 * compress, makes a file of a predictable, large size for its dimensions.
 */
import { defaultFormats, Jimp } from 'jimp';
import { seededRandom } from './seededRandom';

export interface NoiseOptions {
	width: number;
	height: number;
	format: 'image/png' | 'image/jpeg';
	/** JPEG quality. Default 95. */
	quality?: number;
	/** Alpha of every pixel (PNG only). Default 255 (opaque). */
	alpha?: number;
	seed?: number;
}

export async function noiseImage(opts: NoiseOptions): Promise<Buffer> {
	const image = new Jimp({ width: opts.width, height: opts.height });
	const next = seededRandom(opts.seed ?? 1);
	const data = image.bitmap.data;
	for (let i = 0; i < data.length; i += 4) {
		data[i] = (next() * 256) | 0;
		data[i + 1] = (next() * 256) | 0;
		data[i + 2] = (next() * 256) | 0;
		data[i + 3] = opts.alpha ?? 255;
	}
	return opts.format === 'image/jpeg'
		? await image.getBuffer('image/jpeg', { quality: opts.quality ?? 95 })
		: await image.getBuffer('image/png');
}

/** Width, height and one pixel's RGBA of an encoded image: proves it still decodes. */
export async function decode(data: Buffer): Promise<{
	width: number;
	height: number;
	pixel(x: number, y: number): [number, number, number, number];
}> {
	// Not Jimp.read: it sniffs the type with a dynamic ES-module import that jest's CommonJS runtime refuses.
	const mime =
		data[0] === 0xff && data[1] === 0xd8
			? 'image/jpeg'
			: data[0] === 0x89 && data.toString('latin1', 1, 4) === 'PNG'
				? 'image/png'
				: undefined;
	const format = defaultFormats.map((make) => make()).find((candidate) => candidate.mime === mime);
	if (!format) throw new Error('not a JPEG or PNG');
	const image = Jimp.fromBitmap(await format.decode(data));
	return {
		width: image.bitmap.width,
		height: image.bitmap.height,
		pixel(x, y) {
			const at = (y * image.bitmap.width + x) * 4;
			const d = image.bitmap.data;
			return [d[at], d[at + 1], d[at + 2], d[at + 3]];
		},
	};
}

/** The first bytes of a WebP file (jimp cannot decode WebP), padded to `size`. */
export function webpLike(size: number): Buffer {
	const out = Buffer.alloc(size, 7);
	out.write('RIFF', 0, 'latin1');
	out.writeUInt32LE(size - 8, 4);
	out.write('WEBPVP8 ', 8, 'latin1');
	return out;
}
