/**
 * A tiny SMTP server on loopback that accepts every message and keeps it, for testing workflows
 * that send e-mail (n8n's Send Email node) without a mail provider. Plain SMTP only: no STARTTLS,
 * no authentication, which is what n8n's SMTP credential does with SSL/TLS off and no user.
 */
import net from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	/** The message as sent (headers and MIME body), dot-unstuffed. */
	raw: string;
}

export interface SmtpSink {
	host: string;
	port: number;
	mails: ReceivedMail[];
	/** Resolves with the mails once at least `count` have arrived. */
	waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
	stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
	const mails: ReceivedMail[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.setEncoding('utf8');
		let buffer = '';
		let envelope: { from: string; to: string[] } = { from: '', to: [] };
		let data: string[] | undefined;
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply('220 scrm-smtp-sink ready');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			let end: number;
			while ((end = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (data) {
					if (line === '.') {
						mails.push({ ...envelope, raw: data.join('\r\n') });
						data = undefined;
						envelope = { from: '', to: [] };
						reply('250 2.0.0 queued');
					} else data.push(line.startsWith('..') ? line.slice(1) : line);
					continue;
				}
				const command = line.slice(0, 4).toUpperCase();
				if (command === 'EHLO') {
					reply('250-scrm-smtp-sink');
					reply('250-8BITMIME');
					reply('250 SMTPUTF8');
				} else if (command === 'HELO') reply('250 scrm-smtp-sink');
				else if (command === 'MAIL') {
					envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
					reply('250 2.1.0 ok');
				} else if (command === 'RCPT') {
					envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
					reply('250 2.1.5 ok');
				} else if (command === 'DATA') {
					data = [];
					reply('354 end data with <CR><LF>.<CR><LF>');
				} else if (command === 'RSET') {
					envelope = { from: '', to: [] };
					reply('250 ok');
				} else if (command === 'NOOP') reply('250 ok');
				else if (command === 'QUIT') {
					reply('221 bye');
					socket.end();
				} else reply('502 5.5.2 command not implemented');
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as net.AddressInfo).port;
	return {
		host: '127.0.0.1',
		port,
		mails,
		async waitFor(count, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			while (mails.length < count) {
				if (Date.now() > deadline)
					throw new Error(`expected ${count} mails at the SMTP sink, got ${mails.length}`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			return mails;
		},
		async stop() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A received mail's leaf MIME parts (nested multiparts opened), each body decoded from base64 or quoted-printable. */
export function mimeParts(raw: string): Array<{ headers: string; body: string }> {
	const split = raw.indexOf('\r\n\r\n');
	const headers = raw.slice(0, split);
	const content = raw.slice(split + 4);
	const boundary =
		/content-type:\s*multipart\/[^\r\n]*(?:\r\n\s+[^\r\n]*)*?boundary="?([^";\r\n]+)"?/i.exec(
			headers,
		)?.[1];
	if (boundary) {
		return content
			.split(`--${boundary}`)
			.slice(1, -1)
			.flatMap((part) => mimeParts(part.replace(/^\r\n/, '')));
	}
	const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
	const body =
		encoding === 'base64'
			? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8')
			: encoding === 'quoted-printable'
				? fromQuotedPrintable(content)
				: content;
	return [{ headers, body }];
}

function fromQuotedPrintable(text: string): string {
	const bytes: number[] = [];
	const joined = text.replace(/=\r\n/g, '');
	for (let i = 0; i < joined.length; i++) {
		const hex = joined.slice(i + 1, i + 3);
		if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
			bytes.push(parseInt(hex, 16));
			i += 2;
		} else bytes.push(...Buffer.from(joined[i], 'utf8'));
	}
	return Buffer.from(bytes).toString('utf8');
}
