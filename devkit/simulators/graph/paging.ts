/** Graph's list edges: `limit`, `after`/`before` cursors, `paging.next` links, `fields=` selection. */
import { invalidParameter } from './errors';
import type { Answer, RequestContext, Simulation } from './wire';

export function listPage(
	sim: Simulation,
	ctx: RequestContext,
	rows: Record<string, unknown>[],
	prefix: string,
): Answer {
	const qs = ctx.url.searchParams;
	const limit = clampInt(qs.get('limit'), sim.defaultPageSize, 1, 1000);
	let start = 0;
	const after = qs.get('after');
	const before = qs.get('before');
	if (after) start = decodeCursor(after, prefix) + 1;
	else if (before) start = Math.max(0, decodeCursor(before, prefix) - limit);
	const page = rows.slice(start, start + limit);
	const fields = qs.get('fields');
	const data = fields ? page.map((row) => project(row, fields)) : page;
	const paging: Record<string, unknown> = {};
	if (page.length) {
		paging.cursors = {
			before: encodeCursor(prefix, start),
			after: encodeCursor(prefix, start + page.length - 1),
		};
		const link = (cursor: Record<string, string>) => {
			const params = new URLSearchParams(ctx.url.searchParams);
			params.delete('after');
			params.delete('before');
			params.set('limit', String(limit));
			for (const [key, value] of Object.entries(cursor)) params.set(key, value);
			if (sim.tokenInPagingUrls && ctx.token) params.set('access_token', ctx.token);
			return `${ctx.base}${ctx.url.pathname}?${params.toString()}`;
		};
		if (start + page.length < rows.length)
			paging.next = link({ after: encodeCursor(prefix, start + page.length - 1) });
		if (start > 0) paging.previous = link({ before: encodeCursor(prefix, start) });
	}
	return { status: 200, json: { data, paging } };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
	const n = raw === null ? NaN : Number.parseInt(raw, 10);
	return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

function encodeCursor(prefix: string, index: number): string {
	return Buffer.from(`${prefix}:${index}`).toString('base64url');
}

function decodeCursor(cursor: string, prefix: string): number {
	const [kind, index] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
	const n = Number(index);
	if (kind !== prefix || !Number.isInteger(n) || n < 0) throw invalidParameter('Invalid cursor');
	return n;
}

/** Graph's `fields=` selection: `id` always, nested `throughput{level}` read as `throughput`. */
export function project(node: Record<string, unknown>, fields: string): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const raw of fields.split(',')) {
		const field = raw.replace(/\{.*$/, '').trim();
		if (field && node[field] !== undefined) out[field] = node[field];
	}
	if (node.id !== undefined) out.id = node.id;
	return out;
}
