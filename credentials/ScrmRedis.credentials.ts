import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The Redis that holds shared state in queue mode (quota ledger, webhook de-duplication). The same
 * fields as n8n's own Redis credential; community packages may not reuse that one.
 */
// Tested by every node that asks for it (testedBy: 'redisConnectionTest'); the rule finds only names
// written as literals in a *.node.ts class, and the nodes name it through nodes/shared/credentialNames.ts.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class ScrmRedis implements ICredentialType {
	name = 'scrmRedis';

	displayName = 'Redis (WhatsApp SCRM)';

	icon = { light: 'file:scrmRedis.svg', dark: 'file:scrmRedis.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-whatsapp-scrm/n8n-nodes-whatsapp-scrm#queue-mode';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379 },
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'For Redis 6+ access control lists; leave empty otherwise',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Database Number', name: 'database', type: 'number', default: 0 },
		{ displayName: 'SSL', name: 'ssl', type: 'boolean', default: false },
	];
}
