import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { CrmApiError, createCrmAdapter, redisLimiters } from '../../../lib/crm';
import type { CrmAdapter, CrmName, LimiterFactory } from '../../../lib/crm';
import type { CrmAdapterBehaviour } from '../actions/common';
import {
	HUBSPOT_CREDENTIAL,
	REDIS_CREDENTIAL,
	SALESFORCE_CREDENTIAL,
	ZOHO_CREDENTIAL,
} from '../../shared/credentialNames';
import { redisUrl } from '../../shared/redis';
import { n8nTransport } from '../../shared/transport';
import { refreshingOAuth2 } from './oauth2Refresh';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** The credential each CRM is reached with. */
export const CREDENTIAL_OF: Record<CrmName, string> = {
	hubspot: HUBSPOT_CREDENTIAL,
	zoho: ZOHO_CREDENTIAL,
	salesforce: SALESFORCE_CREDENTIAL,
};

const ZOHO_API_HOST: Record<string, string> = {
	com: 'https://www.zohoapis.com',
	eu: 'https://www.zohoapis.eu',
	in: 'https://www.zohoapis.in',
	'com.au': 'https://www.zohoapis.com.au',
	'com.cn': 'https://www.zohoapis.com.cn',
	jp: 'https://www.zohoapis.jp',
	ca: 'https://www.zohoapis.ca',
	sa: 'https://www.zohoapis.sa',
};

/** The chosen CRM's adapter, authenticated by n8n with the node's credential. */
export async function crmAdapter(
	fn: Context,
	behaviour: CrmAdapterBehaviour = {},
): Promise<CrmAdapter> {
	const crm = fn.getNodeParameter('crm', 0) as CrmName;
	const credentialType = CREDENTIAL_OF[crm];
	const credential = await fn.getCredentials(credentialType);
	const limiters = await sharedRateLimits(fn);
	// The credential stands for the CRM account whose limits these are.
	const accountKey = fn.getNode().credentials?.[credentialType]?.id ?? undefined;
	if (crm === 'hubspot') {
		const baseUrl = credential.useCustomBaseUrl
			? String(credential.baseUrl)
			: 'https://api.hubapi.com';
		return createCrmAdapter('hubspot', {
			transport: n8nTransport(fn, credentialType),
			baseUrl,
			accountKey,
			limiters,
			tier: credential.tier === 'professional' ? 'professional' : 'free',
			createMissingProperties: behaviour.createMissingProperties === true,
		});
	}
	if (crm === 'zoho') {
		const baseUrl = String(
			credential.apiBaseUrl || ZOHO_API_HOST[String(credential.dataCentre)] || ZOHO_API_HOST.com,
		);
		return createCrmAdapter('zoho', {
			// n8n signs OAuth2 requests "Bearer …", which Zoho accepts beside its documented
			// "Zoho-oauthtoken …" (n8n's other token types would put the token in the URL instead).
			transport: refreshingOAuth2(
				fn,
				credentialType,
				baseUrl,
				'/crm/v8/Contacts?fields=id&per_page=1',
				n8nTransport(fn, credentialType),
			),
			baseUrl,
			edition: credential.edition as never,
			accountKey,
			limiters,
		});
	}
	const tokenData = (credential.oauthTokenData ?? {}) as { instance_url?: string };
	const baseUrl = String(credential.instanceUrl || tokenData.instance_url || '');
	if (!baseUrl) {
		throw new NodeApiError(
			fn.getNode(),
			{},
			{
				message:
					'The Salesforce credential has no instance URL: reconnect it so Salesforce returns one',
			},
		);
	}
	const apiVersion = String(credential.apiVersion || 'v62.0');
	return createCrmAdapter('salesforce', {
		transport: refreshingOAuth2(
			fn,
			credentialType,
			baseUrl,
			`/services/data/${apiVersion}/query?q=${encodeURIComponent('SELECT Id FROM Contact LIMIT 1')}`,
			n8nTransport(fn, credentialType),
		),
		baseUrl,
		apiVersion,
	});
}

/** Where the CRM's rate limits are kept: this process (the adapters' default) or Redis, for every worker. */
async function sharedRateLimits(fn: Context): Promise<LimiterFactory | undefined> {
	if (fn.getNodeParameter('rateLimitStore', 0) !== 'redis') return undefined;
	const url = redisUrl(await fn.getCredentials(REDIS_CREDENTIAL));
	// lib/crm loads the Redis client only on this call, so single-process users never load it.
	return redisLimiters(url);
}

/** A CRM failure of a whole call, as n8n shows API errors (no secret is in the engine's message). */
export function crmNodeError(fn: Context, error: unknown, itemIndex?: number): Error {
	if (error instanceof CrmApiError) {
		return new NodeApiError(
			fn.getNode(),
			{ code: error.info.code, status: error.info.status } as never,
			{
				message: error.message,
				httpCode: error.info.status ? String(error.info.status) : undefined,
				itemIndex,
			},
		);
	}
	return error as Error;
}
