/**
 * Fitting WhatsApp media to a CRM's attachment size: images re-encoded (quality, then size) until
 * they fit and still decode; other files, and images that cannot be decoded, fail with a reason.
 */
import { Jimp } from 'jimp';

import {
	exifOrientation,
	fitMedia,
	imageKind,
	mediaTag,
	taggedFileName,
} from '../../../lib/crm/media';
import { decode, noiseImage, webpLike } from '../../../devkit/generators/images';

jest.setTimeout(120_000);

const KB = 1024;

describe('fitMedia', () => {
	it('returns a file within the limit as it is', async () => {
		const png = await noiseImage({ width: 64, height: 48, format: 'image/png' });
		const fitted = await fitMedia({
			data: png,
			mimeType: 'image/png',
			fileName: 'small.png',
			maxBytes: png.length,
		});
		expect(fitted).toMatchObject({
			ok: true,
			reEncoded: false,
			bytes: png.length,
			originalBytes: png.length,
			fileName: 'small.png',
			mimeType: 'image/png',
		});
		if (fitted.ok) expect(fitted.data).toBe(png);
	});

	it('re-encodes a PNG over the limit as a JPEG under it, at full size when lower quality is enough', async () => {
		const png = await noiseImage({ width: 640, height: 480, format: 'image/png' });
		const maxBytes = 700 * KB;
		expect(png.length).toBeGreaterThan(maxBytes);
		const fitted = await fitMedia({
			data: png,
			mimeType: 'image/png',
			fileName: 'receipt.png',
			maxBytes,
		});
		if (!fitted.ok) throw new Error(fitted.reason);
		expect(fitted).toMatchObject({
			reEncoded: true,
			mimeType: 'image/jpeg',
			fileName: 'receipt.jpg',
			originalBytes: png.length,
			width: 640,
			height: 480,
		});
		expect(fitted.bytes).toBe(fitted.data.length);
		expect(fitted.bytes).toBeLessThanOrEqual(maxBytes);
		expect(imageKind(fitted.data)).toBe('jpeg');
		expect(await decode(fitted.data)).toMatchObject({ width: 640, height: 480 });
	});

	it('makes a photo smaller, keeping its proportions, when even low quality is over the limit', async () => {
		const jpeg = await noiseImage({ width: 1000, height: 750, format: 'image/jpeg', quality: 95 });
		const maxBytes = 150 * KB;
		const fitted = await fitMedia({
			data: jpeg,
			mimeType: 'image/jpeg',
			fileName: 'IMG_0001.jpeg',
			maxBytes,
		});
		if (!fitted.ok) throw new Error(fitted.reason);
		expect(fitted.bytes).toBeLessThanOrEqual(maxBytes);
		expect(fitted.fileName).toBe('IMG_0001.jpg');
		const picture = await decode(fitted.data);
		expect(picture.width).toBeLessThan(1000);
		expect(picture.width).toBeGreaterThan(200);
		expect(picture.width / picture.height).toBeCloseTo(1000 / 750, 1);
	});

	it('lays transparent pixels on white, as a viewer shows them, since JPEG has no transparency', async () => {
		const png = await noiseImage({ width: 400, height: 300, format: 'image/png', alpha: 0 });
		const fitted = await fitMedia({
			data: png,
			mimeType: 'image/png',
			fileName: 'sticker.png',
			maxBytes: Math.floor(png.length / 2),
		});
		if (!fitted.ok) throw new Error(fitted.reason);
		const [r, g, b] = (await decode(fitted.data)).pixel(10, 10);
		expect(Math.min(r, g, b)).toBeGreaterThan(240);
	});

	it('fails a non-image over the limit with its size, the limit and why', async () => {
		const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300 * KB, 1)]);
		const fitted = await fitMedia({
			data: pdf,
			mimeType: 'application/pdf',
			fileName: 'invoice.pdf',
			maxBytes: 200 * KB,
		});
		expect(fitted).toMatchObject({ ok: false, code: 'TOO_LARGE', originalBytes: pdf.length });
		if (!fitted.ok)
			expect(fitted.reason).toBe(
				'"invoice.pdf" is 0.3 MB, over the 0.2 MB limit, and only images can be made smaller',
			);
	});

	it('passes a WebP within the limit, and fails one over it because it cannot be re-encoded here', async () => {
		const small = webpLike(10 * KB);
		expect(
			await fitMedia({
				data: small,
				mimeType: 'image/webp',
				fileName: 'sticker.webp',
				maxBytes: 20 * KB,
			}),
		).toMatchObject({ ok: true, reEncoded: false, mimeType: 'image/webp' });
		const large = webpLike(3 * 1024 * KB);
		const fitted = await fitMedia({
			data: large,
			mimeType: 'image/webp',
			fileName: 'sticker.webp',
			maxBytes: 1024 * KB,
		});
		expect(fitted).toMatchObject({ ok: false, code: 'IMAGE_NOT_REENCODABLE' });
		if (!fitted.ok)
			expect(fitted.reason).toMatch(
				/^"sticker\.webp" is 3 MB, over the 1 MB limit, and WEBP images cannot be re-encoded here/,
			);
	});

	it('fails a corrupt image over the limit as undecodable, not as a crash', async () => {
		const broken = Buffer.concat([
			Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
			Buffer.alloc(100 * KB, 0x41),
		]);
		const fitted = await fitMedia({
			data: broken,
			mimeType: 'image/jpeg',
			fileName: 'broken.jpg',
			maxBytes: 50 * KB,
		});
		expect(fitted).toMatchObject({ ok: false, code: 'IMAGE_NOT_REENCODABLE' });
		if (!fitted.ok) expect(fitted.reason).toMatch(/could not be decoded/);
	});

	it('trusts the bytes over the declared type: a PNG sent as a document is still shrunk', async () => {
		const png = await noiseImage({ width: 300, height: 200, format: 'image/png' });
		const fitted = await fitMedia({
			data: png,
			mimeType: 'application/octet-stream',
			fileName: 'scan',
			maxBytes: Math.floor(png.length / 2),
		});
		expect(fitted).toMatchObject({
			ok: true,
			reEncoded: true,
			mimeType: 'image/jpeg',
			fileName: 'scan.jpg',
		});
	});

	it('stands a phone photo upright as its EXIF orientation says, since the JPEG written has no EXIF', async () => {
		// Stored 40×20, left half red and right half blue, with orientation 6 (turn 90° clockwise to show).
		const image = new Jimp({ width: 40, height: 20 });
		image.scan((x, _y, at) => {
			image.bitmap.data.set(x < 20 ? [255, 0, 0, 255] : [0, 0, 255, 255], at);
		});
		const plain = await image.getBuffer('image/jpeg', { quality: 95 });
		expect(exifOrientation(plain)).toBe(1);
		const tiff = Buffer.from([
			0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0,
			0,
		]);
		const app1 = Buffer.concat([
			Buffer.from([0xff, 0xe1, 0, 2 + 6 + tiff.length]),
			Buffer.from('Exif\u0000\u0000', 'latin1'),
			tiff,
		]);
		const photo = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
		expect(exifOrientation(photo)).toBe(6);

		const fitted = await fitMedia({
			data: photo,
			mimeType: 'image/jpeg',
			fileName: 'IMG_0002.jpg',
			maxBytes: photo.length - 1,
		});
		if (!fitted.ok) throw new Error(fitted.reason);
		const upright = await decode(fitted.data);
		expect([upright.width, upright.height]).toEqual([20, 40]);
		const [topR, , topB] = upright.pixel(10, 5);
		const [bottomR, , bottomB] = upright.pixel(10, 35);
		expect(topR).toBeGreaterThan(200);
		expect(topB).toBeLessThan(60);
		expect(bottomB).toBeGreaterThan(200);
		expect(bottomR).toBeLessThan(60);
	});

	it('refuses a limit that is not a positive size', async () => {
		await expect(fitMedia({ data: Buffer.from('x'), maxBytes: 0 })).rejects.toThrow(/positive/);
	});
});

describe('message tags in file names', () => {
	it('puts a short, stable tag of the wamid before the extension, once', () => {
		const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA';
		const tag = mediaTag(wamid);
		expect(tag).toMatch(/^wa-[0-9a-f]{16}$/);
		expect(mediaTag(wamid)).toBe(tag);
		expect(mediaTag(`${wamid}x`)).not.toBe(tag);
		const named = taggedFileName('photo.jpg', wamid);
		expect(named).toBe(`photo (${tag}).jpg`);
		expect(taggedFileName(named, wamid)).toBe(named);
		expect(taggedFileName('notes', wamid)).toBe(`notes (${tag})`);
	});
});
