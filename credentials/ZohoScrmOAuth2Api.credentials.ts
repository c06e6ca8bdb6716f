import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** Zoho CRM through OAuth2, in the data centre the account lives in. */
export class ZohoScrmOAuth2Api implements ICredentialType {
	name = 'zohoScrmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Zoho CRM OAuth2 (WhatsApp SCRM)';

	icon = { light: 'file:zohoScrm.svg', dark: 'file:zohoScrm.dark.svg' } as const;

	documentationUrl = 'https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Data Centre',
			name: 'dataCentre',
			type: 'options',
			default: 'com',
			description: 'Where the Zoho account lives (the domain you sign in at)',
			options: [
				{ name: 'Australia (zoho.com.au)', value: 'com.au' },
				{ name: 'Canada (zohocloud.ca)', value: 'ca' },
				{ name: 'China (zoho.com.cn)', value: 'com.cn' },
				{ name: 'Europe (zoho.eu)', value: 'eu' },
				{ name: 'India (zoho.in)', value: 'in' },
				{ name: 'Japan (zoho.jp)', value: 'jp' },
				{ name: 'Saudi Arabia (zoho.sa)', value: 'sa' },
				{ name: 'United States (zoho.com)', value: 'com' },
			],
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default:
				'={{"https://accounts." + ($self.dataCentre === "ca" ? "zohocloud.ca" : "zoho." + $self.dataCentre) + "/oauth/v2/auth"}}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'={{"https://accounts." + ($self.dataCentre === "ca" ? "zohocloud.ca" : "zoho." + $self.dataCentre) + "/oauth/v2/token"}}',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// Every lookup goes through the Search API, which needs ZohoSearch.securesearch.READ besides
			// the module scope (https://www.zoho.com/crm/developer/docs/api/v8/search-records.html).
			default:
				'ZohoCRM.modules.contacts.ALL,ZohoCRM.modules.notes.ALL,ZohoCRM.modules.attachments.ALL,ZohoCRM.settings.fields.READ,ZohoSearch.securesearch.READ',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'access_type=offline&prompt=consent',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
		{
			displayName: 'Edition',
			name: 'edition',
			type: 'options',
			default: 'standard',
			description: 'Sets the API credits and concurrent requests the node keeps below',
			options: [
				{ name: 'Enterprise', value: 'enterprise' },
				{ name: 'Free', value: 'free' },
				{ name: 'Professional', value: 'professional' },
				{ name: 'Standard', value: 'standard' },
				{ name: 'Ultimate', value: 'ultimate' },
			],
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://www.zohoapis.com',
			description:
				"Leave empty to use the data centre's API host; set it for a proxy or a local simulator",
		},
	];
}
