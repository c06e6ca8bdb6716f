/** Bearer auth as Graph answers it: a missing, expired or unknown token. */
import type http from 'node:http';

import { SimFailure, authFailure, fbtrace } from './errors';
import type { GraphApiSimulatorState } from './state';

/** The request's token, or the failure Meta answers with. */
export function authenticate(
	state: GraphApiSimulatorState,
	req: http.IncomingMessage,
	url: URL,
	mediaHost = false,
): string | SimFailure {
	const header = req.headers.authorization;
	const bearer =
		typeof header === 'string' && /^Bearer\s+/i.test(header)
			? header.replace(/^Bearer\s+/i, '').trim()
			: undefined;
	const token = bearer ?? url.searchParams.get('access_token') ?? undefined;
	// Meta answers a request without a token with code 104, HTTP 400, no subcode, e.g.
	// https://github.com/spring-guides/gs-consuming-rest/issues/10 and
	// https://github.com/node-facebook/facebook-node-sdk/issues/105
	// The media download host is not the Graph API: it keeps answering 401.
	if (!token && mediaHost)
		return authFailure('An access token is required to request this resource.');
	if (!token)
		return new SimFailure(400, {
			error: {
				message: 'An access token is required to request this resource.',
				type: 'OAuthException',
				code: 104,
				fbtrace_id: fbtrace(),
			},
		});
	if (state.expiredTokens.has(token))
		return authFailure('Error validating access token: Session has expired.', 463);
	if (!state.accessTokens.has(token))
		return authFailure('Invalid OAuth access token - Cannot parse access token');
	return token;
}
