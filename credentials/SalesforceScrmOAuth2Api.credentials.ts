import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** Salesforce through OAuth2; the API host is the instance_url of the token response. */
export class SalesforceScrmOAuth2Api implements ICredentialType {
	name = 'salesforceScrmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Salesforce OAuth2 (WhatsApp SCRM)';

	icon = { light: 'file:salesforceScrm.svg', dark: 'file:salesforceScrm.dark.svg' } as const;

	documentationUrl =
		'https://help.salesforce.com/s/articleView?id=sf.connected_app_create_api_integration.htm';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'pkce' },
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'production',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{$self.environment === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com"}}/services/oauth2/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'={{$self.environment === "sandbox" ? "https://test.salesforce.com" : "https://login.salesforce.com"}}/services/oauth2/token',
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: 'api refresh_token' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v62.0',
		},
		{
			displayName: 'Instance URL Override',
			name: 'instanceUrl',
			type: 'string',
			default: '',
			description:
				'Leave empty to use the instance_url Salesforce returns with the token; set it for a proxy or a local simulator',
		},
	];
}
