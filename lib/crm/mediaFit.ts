/**
 * Making a file fit the size a CRM attachment may have. Customers send phone photos of 3–15 MB; a
 * CRM record is better served by a smaller copy, and each CRM refuses files past its own limit.
 * Images over the limit are re-encoded as JPEG, first at lower quality, then smaller, until they
 * fit. Other files cannot be shrunk without changing what they are, so over the limit they fail
 * with a reason (and stay on WhatsApp's side).
 *
 * Images are decoded with jimp (pure JavaScript: JPEG, PNG, GIF, BMP, TIFF). jimp cannot decode
 * WebP (WhatsApp stickers): a WebP under the limit is attached as it is, over it fails clearly.
 */

/** JPEG qualities tried at full size before the picture is made smaller. */
const QUALITY_STEPS = [85, 72, 60];
/** How far over the limit lower quality alone is still tried. */
const QUALITY_REACH = 1.5;
const SCALED_QUALITY = 80;
const MAX_SCALE_STEPS = 8;
/** Below this many pixels on the short side a photo shows nothing worth keeping. */
const MIN_SIDE = 32;

export type ImageKind = 'jpeg' | 'png' | 'gif' | 'bmp' | 'tiff' | 'webp';
const DECODABLE: ReadonlySet<ImageKind> = new Set(['jpeg', 'png', 'gif', 'bmp', 'tiff']);

export interface MediaToFit {
	data: Buffer;
	/** As WhatsApp reported it; the bytes decide whether it is an image. */
	mimeType?: string;
	fileName?: string;
	/** The size the result must not exceed, in bytes. */
	maxBytes: number;
}

export type FittedMedia =
	| {
			ok: true;
			data: Buffer;
			mimeType: string;
			fileName: string;
			bytes: number;
			originalBytes: number;
			reEncoded: boolean;
			/** Of the re-encoded image. */
			width?: number;
			height?: number;
			quality?: number;
	  }
	| {
			ok: false;
			code: 'TOO_LARGE' | 'IMAGE_NOT_REENCODABLE';
			reason: string;
			originalBytes: number;
	  };

/** Returns bytes no larger than `maxBytes`: as given when they fit, an image re-encoded when it does not, or why neither. */
export async function fitMedia(input: MediaToFit): Promise<FittedMedia> {
	if (!(input.maxBytes > 0))
		throw new RangeError(`maxBytes must be a positive number of bytes, not ${input.maxBytes}`);
	const originalBytes = input.data.length;
	const kind = imageKind(input.data);
	const mimeType = kind ? `image/${kind}` : input.mimeType || 'application/octet-stream';
	const fileName = input.fileName || `file${extensionOf(mimeType)}`;
	if (originalBytes <= input.maxBytes)
		return {
			ok: true,
			data: input.data,
			mimeType,
			fileName,
			bytes: originalBytes,
			originalBytes,
			reEncoded: false,
		};

	const over = `"${fileName}" is ${megabytes(originalBytes)}, over the ${megabytes(input.maxBytes)} limit`;
	if (!kind)
		return {
			ok: false,
			code: 'TOO_LARGE',
			originalBytes,
			reason: `${over}, and only images can be made smaller`,
		};
	if (!DECODABLE.has(kind)) {
		return {
			ok: false,
			code: 'IMAGE_NOT_REENCODABLE',
			originalBytes,
			reason: `${over}, and ${kind.toUpperCase()} images cannot be re-encoded here (JPEG, PNG, GIF, BMP and TIFF can)`,
		};
	}

	// Loaded here so that nodes which never shrink an image do not pay for it.
	const { Jimp, defaultFormats } = await import('jimp');
	let original: InstanceType<typeof Jimp>;
	try {
		// Decoded with the format the bytes say, not through Jimp.read: that sniffs the type with a
		// dynamic import of an ES module, which CommonJS hosts such as test runners cannot load.
		const format = defaultFormats
			.map((make) => make())
			.find((candidate) => candidate.mime === `image/${kind}`);
		if (!format) throw new Error(`no ${kind} decoder`);
		original = Jimp.fromBitmap(await format.decode(input.data)) as InstanceType<typeof Jimp>;
	} catch (error) {
		return {
			ok: false,
			code: 'IMAGE_NOT_REENCODABLE',
			originalBytes,
			reason: `${over}, and the ${kind.toUpperCase()} image could not be decoded (${(error as Error).message})`,
		};
	}
	// Phones store photos sideways with an EXIF orientation; the JPEG written here has no EXIF, so turn the pixels instead.
	if (kind === 'jpeg') applyOrientation(original.bitmap, exifOrientation(input.data));
	flattenOntoWhite(original.bitmap);
	let image = original;
	const jpegName = `${fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '')}.jpg`;
	const fitted = (data: Buffer, quality: number) =>
		({
			ok: true,
			data,
			mimeType: 'image/jpeg',
			fileName: jpegName,
			bytes: data.length,
			originalBytes,
			reEncoded: true,
			width: image.bitmap.width,
			height: image.bitmap.height,
			quality,
		}) as const;

	let last = Infinity;
	for (const quality of QUALITY_STEPS) {
		const data = await image.getBuffer('image/jpeg', { quality });
		if (data.length <= input.maxBytes) return fitted(data, quality);
		last = data.length;
		// Lower quality saves about a third at best: far over the limit, only a smaller picture helps,
		// and each encode of a 12 MP photo costs seconds.
		if (last > input.maxBytes * QUALITY_REACH) break;
	}
	// JPEG size grows roughly with the pixel count: shrink both sides by the square root of what is
	// left to lose, with a margin so that most images fit at the first smaller size.
	const full = { width: image.bitmap.width, height: image.bitmap.height };
	let scale = 1;
	for (let step = 0; step < MAX_SCALE_STEPS; step++) {
		scale *= Math.min(0.9, Math.sqrt(input.maxBytes / last) * 0.95);
		const width = Math.round(full.width * scale);
		const height = Math.round(full.height * scale);
		if (Math.min(width, height) < MIN_SIDE) break;
		// Always from the original: resizing a resized copy would blur it twice.
		image = original.clone();
		image.resize({ w: width, h: height });
		const data = await image.getBuffer('image/jpeg', { quality: SCALED_QUALITY });
		if (data.length <= input.maxBytes) return fitted(data, SCALED_QUALITY);
		last = data.length;
	}
	return {
		ok: false,
		code: 'TOO_LARGE',
		originalBytes,
		reason: `${over}, and even a ${MIN_SIDE}-pixel JPEG of it is larger: raise the limit`,
	};
}

export function megabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The image format by its first bytes, whatever the declared type says. */
export function imageKind(data: Buffer): ImageKind | undefined {
	if (data.length < 12) return undefined;
	if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
	if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
		return 'png';
	if (data.toString('latin1', 0, 4) === 'GIF8') return 'gif';
	if (data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP')
		return 'webp';
	if (data[0] === 0x42 && data[1] === 0x4d) return 'bmp';
	const head = data.toString('latin1', 0, 4);
	if (head === 'II*\u0000' || head === 'MM\u0000*') return 'tiff';
	return undefined;
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': '.jpg',
	'image/png': '.png',
	'image/gif': '.gif',
	'image/bmp': '.bmp',
	'image/tiff': '.tiff',
	'image/webp': '.webp',
	'application/pdf': '.pdf',
	'audio/ogg': '.ogg',
	'audio/mpeg': '.mp3',
	'audio/mp4': '.m4a',
	'audio/aac': '.aac',
	'audio/amr': '.amr',
	'video/mp4': '.mp4',
	'video/3gpp': '.3gp',
	'text/plain': '.txt',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
	'application/msword': '.doc',
	'application/vnd.ms-excel': '.xls',
};

export function extensionOf(mimeType: string): string {
	return EXTENSIONS[mimeType.split(';')[0].trim().toLowerCase()] ?? '';
}

/** The EXIF orientation (1–8) of a JPEG, 1 when it has none or it cannot be read. */
export function exifOrientation(jpeg: Buffer): number {
	let at = 2;
	while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
		const marker = jpeg[at + 1];
		const length = jpeg.readUInt16BE(at + 2);
		// Start of scan: the metadata segments are all before it.
		if (marker === 0xda) return 1;
		if (marker === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\u0000\u0000') {
			const tiff = at + 10;
			const little = jpeg.toString('latin1', tiff, tiff + 2) === 'II';
			const u16 = (offset: number) =>
				little ? jpeg.readUInt16LE(offset) : jpeg.readUInt16BE(offset);
			const u32 = (offset: number) =>
				little ? jpeg.readUInt32LE(offset) : jpeg.readUInt32BE(offset);
			try {
				const ifd = tiff + u32(tiff + 4);
				const entries = u16(ifd);
				for (let i = 0; i < entries; i++) {
					const entry = ifd + 2 + i * 12;
					if (u16(entry) === 0x0112) {
						const orientation = u16(entry + 8);
						return orientation >= 1 && orientation <= 8 ? orientation : 1;
					}
				}
			} catch {
				// A truncated EXIF block: the picture is still shown as stored.
			}
			return 1;
		}
		at += 2 + length;
	}
	return 1;
}

/** Turns and mirrors the pixels as EXIF orientation 2–8 asks, so that the picture stands upright. */
function applyOrientation(
	bitmap: { data: Buffer; width: number; height: number },
	orientation: number,
): void {
	if (orientation < 2) return;
	const { width: w, height: h, data: source } = bitmap;
	const swap = orientation > 4;
	const outWidth = swap ? h : w;
	const outHeight = swap ? w : h;
	// For each pixel of the upright picture, where it is in the stored one.
	const from: (x: number, y: number) => [number, number] = {
		2: (x: number, y: number): [number, number] => [w - 1 - x, y],
		3: (x: number, y: number): [number, number] => [w - 1 - x, h - 1 - y],
		4: (x: number, y: number): [number, number] => [x, h - 1 - y],
		5: (x: number, y: number): [number, number] => [y, x],
		6: (x: number, y: number): [number, number] => [y, h - 1 - x],
		7: (x: number, y: number): [number, number] => [w - 1 - y, h - 1 - x],
		8: (x: number, y: number): [number, number] => [w - 1 - y, x],
	}[orientation]!;
	const out = Buffer.alloc(source.length);
	for (let y = 0; y < outHeight; y++) {
		for (let x = 0; x < outWidth; x++) {
			const [sx, sy] = from(x, y);
			source.copy(out, (y * outWidth + x) * 4, (sy * w + sx) * 4, (sy * w + sx) * 4 + 4);
		}
	}
	bitmap.data = out;
	bitmap.width = outWidth;
	bitmap.height = outHeight;
}

/** JPEG has no transparency: transparent pixels would come out black, so lay them on white as a viewer shows them. */
function flattenOntoWhite(bitmap: { data: Buffer | Uint8Array }): void {
	const data = bitmap.data;
	for (let i = 0; i < data.length; i += 4) {
		const alpha = data[i + 3];
		if (alpha === 255) continue;
		const keep = alpha / 255;
		data[i] = Math.round(data[i] * keep + 255 * (1 - keep));
		data[i + 1] = Math.round(data[i + 1] * keep + 255 * (1 - keep));
		data[i + 2] = Math.round(data[i + 2] * keep + 255 * (1 - keep));
		data[i + 3] = 255;
	}
}
