/**
 * What the CRM simulators share about OAuth 2.0: access tokens that expire, a refresh token that
 * mints new ones through the token endpoint (RFC 6749 §6: `grant_type=refresh_token`), and the scopes
 * a grant carries. Each simulator answers in its vendor's own words; this module only keeps the
 * tokens. Scopes are fixed when the user consents: a refreshed token carries the same scopes as the
 * grant (RFC 6749 §6 "MUST NOT include any scope not originally granted"), so a missing scope is
 * fixed only by reconnecting.
 */
import type { Incoming } from './common';

export interface OAuthGrantOptions {
	/** The access token valid from the start. */
	accessToken: string;
	refreshToken: string;
	/** The OAuth client; a refresh with another client id or secret is refused. */
	clientId?: string;
	clientSecret?: string;
	scopes: readonly string[];
	/** How long an access token lives; undefined = until `expireAll()`. */
	lifetimeMs?: number;
	/** Whether the lifetime restarts with every use (Salesforce's inactivity timeout) instead of from issue. */
	slidingExpiry?: boolean;
	/** The clock tokens expire by. */
	now: () => number;
	/** A new access token's text, given how many were minted before. */
	mint: (n: number) => string;
}

export type TokenCheck = 'valid' | 'expired' | 'unknown';

export interface RefreshRequest {
	grantType: string | null;
	refreshToken: string | null;
	clientId: string | null;
	clientSecret: string | null;
}

export class OAuthGrant {
	/** Access tokens minted by refreshes. */
	refreshes = 0;
	/** Requests refused because their access token had expired. */
	expiredUses = 0;
	private scopes: Set<string>;
	private readonly tokens = new Map<string, { expiresAt: number }>();

	constructor(private readonly opts: OAuthGrantOptions) {
		this.scopes = new Set(opts.scopes);
		this.tokens.set(opts.accessToken, { expiresAt: this.expiry() });
	}

	get lifetimeMs(): number | undefined {
		return this.opts.lifetimeMs;
	}

	/** Whether the bearer token is current; a sliding lifetime restarts on use. */
	check(accessToken: string): TokenCheck {
		const token = this.tokens.get(accessToken);
		if (!token) return 'unknown';
		if (this.opts.now() >= token.expiresAt) {
			this.expiredUses++;
			return 'expired';
		}
		if (this.opts.slidingExpiry) token.expiresAt = this.expiry();
		return 'valid';
	}

	/** Ends every access token now (an admin revoking sessions, or the policy's timeout); the refresh token stays. */
	expireAll(): void {
		for (const token of this.tokens.values()) token.expiresAt = Number.NEGATIVE_INFINITY;
	}

	/** Whether the grant carries one of these scopes (compared without case, as vendors do). */
	hasAny(scopes: readonly string[]): boolean {
		const granted = new Set([...this.scopes].map((s) => s.toLowerCase()));
		return scopes.some((s) => granted.has(s.toLowerCase()));
	}

	granted(): string[] {
		return [...this.scopes];
	}

	/** Replaces the grant's scopes, as when the user reconnects with other scopes. */
	setScopes(scopes: readonly string[]): void {
		this.scopes = new Set(scopes);
	}

	/** Mints a new access token for a valid refresh request, or says what is wrong with it. */
	refresh(
		request: RefreshRequest,
	):
		| { ok: true; accessToken: string; expiresInS?: number }
		| { ok: false; why: 'grant_type' | 'refresh_token' | 'client' } {
		if (request.grantType !== 'refresh_token') return { ok: false, why: 'grant_type' };
		if (request.refreshToken !== this.opts.refreshToken) return { ok: false, why: 'refresh_token' };
		if (
			(this.opts.clientId !== undefined && request.clientId !== this.opts.clientId) ||
			(this.opts.clientSecret !== undefined && request.clientSecret !== this.opts.clientSecret)
		)
			return { ok: false, why: 'client' };
		const accessToken = this.opts.mint(++this.refreshes);
		this.tokens.set(accessToken, { expiresAt: this.expiry() });
		return {
			ok: true,
			accessToken,
			...(this.opts.lifetimeMs !== undefined
				? { expiresInS: Math.round(this.opts.lifetimeMs / 1000) }
				: {}),
		};
	}

	private expiry(): number {
		return this.opts.lifetimeMs === undefined
			? Number.POSITIVE_INFINITY
			: this.opts.now() + this.opts.lifetimeMs;
	}
}

/**
 * A token request's parameters: the form body (RFC 6749 §4.1.3, what n8n sends), the query string
 * (Zoho documents its parameters there), and client credentials in a Basic header (RFC 6749 §2.3.1).
 */
export function refreshRequestOf(req: Incoming): RefreshRequest {
	const form = new URLSearchParams(
		/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? '')) ? req.raw : '',
	);
	const param = (name: string) => form.get(name) ?? req.url.searchParams.get(name);
	let clientId = param('client_id');
	let clientSecret = param('client_secret');
	const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
	if (basic) {
		const [id, ...secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
		clientId = decodeURIComponent(id);
		clientSecret = decodeURIComponent(secret.join(':'));
	}
	return {
		grantType: param('grant_type'),
		refreshToken: param('refresh_token'),
		clientId,
		clientSecret,
	};
}

/** The bearer token of a request (`Bearer x`, or a vendor's own prefix such as `Zoho-oauthtoken x`). */
export function bearerOf(req: Incoming, prefixes: readonly string[]): string | undefined {
	const auth = String(req.headers.authorization ?? '');
	for (const prefix of prefixes) {
		if (auth.startsWith(`${prefix} `)) return auth.slice(prefix.length + 1);
	}
	return undefined;
}
