import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { listSubtitle } from '../shared/subtitle';
import { activation } from './actions/activation';
import { receiveWebhook } from './actions/delivery';
import { versionDescription } from './actions/versionDescription';
import { methods } from './methods';

/**
 * Starts a workflow on WhatsApp Cloud API webhooks. Its description, its activation at Meta and
 * its delivery handling each have a file under actions/; the delivery decision is lib/whatsapp's.
 */
export class WhatsAppScrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		...versionDescription,
		subtitle: listSubtitle('events', {
			message: 'Customer Messages',
			status: 'Delivery Statuses',
			error: 'Account Errors',
			preference: 'Marketing Preferences',
			echo: 'Business App Echoes',
			history: 'Chat History',
			contact: 'Business App Contacts',
			call: 'Calls',
			template: 'Template Changes',
		}),
		icon: { light: 'file:whatsAppScrmTrigger.svg', dark: 'file:whatsAppScrmTrigger.dark.svg' },
	};

	methods = methods;

	webhookMethods = { default: activation };

	webhook = receiveWebhook;
}
