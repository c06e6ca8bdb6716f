/**
 * The nodes name their credentials through nodes/shared/credentialNames.ts: each name there must be
 * the `name` of a credential class n8n loads, or the node shows no credential picker.
 */
import { HubSpotScrmApi } from '../../credentials/HubSpotScrmApi.credentials';
import { SalesforceScrmOAuth2Api } from '../../credentials/SalesforceScrmOAuth2Api.credentials';
import { ScrmRedis } from '../../credentials/ScrmRedis.credentials';
import { WhatsAppScrmApi } from '../../credentials/WhatsAppScrmApi.credentials';
import { ZohoScrmOAuth2Api } from '../../credentials/ZohoScrmOAuth2Api.credentials';
import {
	HUBSPOT_CREDENTIAL,
	REDIS_CREDENTIAL,
	SALESFORCE_CREDENTIAL,
	WHATSAPP_CREDENTIAL,
	ZOHO_CREDENTIAL,
} from '../../nodes/shared/credentialNames';
import { WhatsAppScrmTrigger } from '../../nodes/WhatsAppScrmTrigger/WhatsAppScrmTrigger.node';

test.each([
	[WHATSAPP_CREDENTIAL, new WhatsAppScrmApi().name],
	[REDIS_CREDENTIAL, new ScrmRedis().name],
	[HUBSPOT_CREDENTIAL, new HubSpotScrmApi().name],
	[ZOHO_CREDENTIAL, new ZohoScrmOAuth2Api().name],
	[SALESFORCE_CREDENTIAL, new SalesforceScrmOAuth2Api().name],
])('the constant %s is the credential class name %s', (constant, className) => {
	expect(constant).toBe(className);
});

test('the Trigger asks for the WhatsApp credential and, with a Redis store, the Redis one', () => {
	const names = (new WhatsAppScrmTrigger().description.credentials ?? []).map((c) => c.name);
	expect(names).toEqual([WHATSAPP_CREDENTIAL, REDIS_CREDENTIAL]);
});
