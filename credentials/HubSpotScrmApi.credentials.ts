import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** A HubSpot private app token or service key, for the CRM Upsert node. */
export class HubSpotScrmApi implements ICredentialType {
	name = 'hubSpotScrmApi';

	displayName = 'HubSpot (WhatsApp SCRM)';

	icon = { light: 'file:hubSpotScrm.svg', dark: 'file:hubSpotScrm.dark.svg' } as const;

	documentationUrl = 'https://developers.hubspot.com/docs/api/private-apps';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A private app access token or service key with the scopes crm.objects.contacts.read, crm.objects.contacts.write and crm.schemas.contacts.read (and files, to attach WhatsApp media)',
		},
		{
			displayName: 'HubSpot Subscription',
			name: 'tier',
			type: 'options',
			default: 'free',
			description:
				'Sets the request rate the node keeps below: 100 per 10 seconds on Free and Starter, 190 on Professional and Enterprise',
			options: [
				{ name: 'Free or Starter', value: 'free' },
				{ name: 'Professional or Enterprise', value: 'professional' },
			],
		},
		{
			displayName: 'Use Custom Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description:
				'Whether to call another host than api.hubapi.com, such as a local simulator or a proxy',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hubapi.com',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.useCustomBaseUrl ? $credentials.baseUrl.replace(/\\/$/, "") : "https://api.hubapi.com"}}',
			url: '/crm/v3/properties/contacts',
			qs: { archived: false },
		},
	};
}
