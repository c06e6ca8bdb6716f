/**
 * The credential type names the nodes ask n8n for, written once. Each must equal the `name` of its
 * class in credentials/ (test/unit/credentialNames.test.ts checks it): a node that names a credential
 * n8n does not know shows no credential picker at all.
 */

/** credentials/WhatsAppScrmApi.credentials.ts: the Graph API token, app secret and verify token. */
export const WHATSAPP_CREDENTIAL = 'whatsAppScrmApi';

/** credentials/ScrmRedis.credentials.ts: the Redis store for dedup, quota and rate-limit state. */
export const REDIS_CREDENTIAL = 'scrmRedis';

/** credentials/HubSpotScrmApi.credentials.ts: a HubSpot private app's access token. */
export const HUBSPOT_CREDENTIAL = 'hubSpotScrmApi';

/** credentials/ZohoScrmOAuth2Api.credentials.ts: Zoho CRM through OAuth2. */
export const ZOHO_CREDENTIAL = 'zohoScrmOAuth2Api';

/** credentials/SalesforceScrmOAuth2Api.credentials.ts: Salesforce through OAuth2 (PKCE). */
export const SALESFORCE_CREDENTIAL = 'salesforceScrmOAuth2Api';
