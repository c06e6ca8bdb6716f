import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** A Meta app's WhatsApp Cloud API access, shared by every node of this package. */
export class WhatsAppScrmApi implements ICredentialType {
	name = 'whatsAppScrmApi';

	displayName = 'WhatsApp SCRM (Cloud API)';

	icon = {
		light: 'file:whatsAppScrm.svg',
		dark: 'file:whatsAppScrm.dark.svg',
	} as const;

	documentationUrl = 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A system user access token with whatsapp_business_messaging and whatsapp_business_management permissions',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The Meta app's secret (App settings → Basic). Webhook deliveries are signed with it; unsigned or forged ones are refused.",
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Any secret string you choose; enter the same one as the verify token of the callback URL in the Meta app',
		},
		{
			displayName: 'WhatsApp Business Account ID',
			name: 'wabaId',
			type: 'string',
			default: '',
			required: true,
			description: 'The WABA ID from WhatsApp Manager or the API Setup page of the Meta app',
		},
		{
			displayName: 'Graph API Version',
			name: 'graphApiVersion',
			type: 'string',
			default: 'v26.0',
			placeholder: 'v26.0',
			description: 'Graph API version to call, e.g. v26.0',
		},
		{
			displayName: 'Use Custom Base URL',
			name: 'useCustomBaseUrl',
			type: 'boolean',
			default: false,
			description:
				'Whether to call another host than graph.facebook.com, such as a local simulator or a proxy',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			displayOptions: { show: { useCustomBaseUrl: [true] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.useCustomBaseUrl ? $credentials.baseUrl.replace(/\\/$/, "") : "https://graph.facebook.com"}}/{{$credentials.graphApiVersion}}',
			url: '={{"/" + $credentials.wabaId}}',
			qs: { fields: 'id,name' },
		},
	};
}
