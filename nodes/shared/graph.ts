import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { GraphClient } from '../../lib/whatsapp/graphClient';
import { WHATSAPP_CREDENTIAL } from './credentialNames';
import { n8nTransport } from './transport';

/** Kept for the nodes that import it from here; the name itself lives in credentialNames.ts. */
export { WHATSAPP_CREDENTIAL };

/** The credential's fields as the nodes read them. */
export interface WhatsAppCredential {
	accessToken: string;
	appSecret: string;
	verifyToken: string;
	wabaId: string;
	graphApiVersion: string;
	useCustomBaseUrl?: boolean;
	baseUrl?: string;
}

type GraphContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export async function whatsAppCredential(context: GraphContext): Promise<WhatsAppCredential> {
	return (await context.getCredentials(WHATSAPP_CREDENTIAL)) as unknown as WhatsAppCredential;
}

/** A Graph API client that sends through n8n with the WhatsApp SCRM credential. */
export function graphClient(context: GraphContext, credential: WhatsAppCredential): GraphClient {
	return new GraphClient({
		transport: n8nTransport(context, WHATSAPP_CREDENTIAL),
		baseUrl:
			credential.useCustomBaseUrl && credential.baseUrl
				? credential.baseUrl.replace(/\/$/, '')
				: undefined,
		version: credential.graphApiVersion || 'v26.0',
	});
}
