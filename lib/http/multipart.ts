/**
 * A multipart/form-data body built as bytes, so binary files travel through any HttpTransport
 * (inside n8n a Buffer body is sent as is) without a form-data library.
 */
import { randomBytes } from 'node:crypto';

export type MultipartPart =
	| { name: string; value: string; contentType?: string }
	| { name: string; data: Buffer; fileName: string; contentType: string };

export interface MultipartBody {
	body: Buffer;
	/** The Content-Type header, boundary included. */
	contentType: string;
}

export function multipartBody(parts: MultipartPart[]): MultipartBody {
	const boundary = `----scrm${randomBytes(12).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const part of parts) {
		let headers = `Content-Disposition: form-data; name="${headerText(part.name)}"`;
		// A name beyond ASCII ("發票.pdf") goes as UTF-8 in `filename`: RFC 7578 forbids `filename*` in form data.
		if ('data' in part)
			headers += `; filename="${headerText(part.fileName)}"\r\nContent-Type: ${part.contentType}`;
		else if (part.contentType) headers += `\r\nContent-Type: ${part.contentType}`;
		chunks.push(
			Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
			'data' in part ? part.data : Buffer.from(part.value, 'utf8'),
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Quotes and line breaks would end the header early. */
function headerText(value: string): string {
	return value.replace(/["\r\n\\]/g, '_');
}
