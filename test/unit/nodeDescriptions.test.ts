/**
 * What the editor shows before anything runs, read from the node and credential descriptions:
 * canvas subtitles in the panel's own words, a hint on every collection (n8n itself only says
 * "No properties"), each credential in its vendor's look, and Docs links into this package's docs/.
 * The browser suite (test/editor) checks the same in a real n8n editor.
 */
import fs from 'node:fs';
import path from 'node:path';

import { NodeHelpers, Workflow } from 'n8n-workflow';
import type {
	ICredentialType,
	INode,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
} from 'n8n-workflow';

import { HubSpotScrmApi } from '../../credentials/HubSpotScrmApi.credentials';
import { SalesforceScrmOAuth2Api } from '../../credentials/SalesforceScrmOAuth2Api.credentials';
import { ScrmRedis } from '../../credentials/ScrmRedis.credentials';
import { WhatsAppScrmApi } from '../../credentials/WhatsAppScrmApi.credentials';
import { ZohoScrmOAuth2Api } from '../../credentials/ZohoScrmOAuth2Api.credentials';
import { ContactDedup } from '../../nodes/ContactDedup/ContactDedup.node';
import { CrmUpsert } from '../../nodes/CrmUpsert/CrmUpsert.node';
import { IntentTagger } from '../../nodes/IntentTagger/IntentTagger.node';
import { ScrmAnalytics } from '../../nodes/ScrmAnalytics/ScrmAnalytics.node';
import { WhatsAppScrmTrigger } from '../../nodes/WhatsAppScrmTrigger/WhatsAppScrmTrigger.node';
import { WhatsAppSender } from '../../nodes/WhatsAppSender/WhatsAppSender.node';

const ROOT = path.join(__dirname, '..', '..');

/** Each node's folder and its page in docs/. */
const NODES: Array<[INodeType, string, string]> = [
	[new WhatsAppScrmTrigger(), 'WhatsAppScrmTrigger', 'trigger'],
	[new WhatsAppSender(), 'WhatsAppSender', 'sender'],
	[new CrmUpsert(), 'CrmUpsert', 'crm-upsert'],
	[new IntentTagger(), 'IntentTagger', 'intent-tagger'],
	[new ContactDedup(), 'ContactDedup', 'contact-dedup'],
	[new ScrmAnalytics(), 'ScrmAnalytics', 'analytics'],
];

const CREDENTIALS: ICredentialType[] = [
	new WhatsAppScrmApi(),
	new HubSpotScrmApi(),
	new ZohoScrmOAuth2Api(),
	new SalesforceScrmOAuth2Api(),
	new ScrmRedis(),
];

/** Evaluates a subtitle as the editor does: the expression between `={{` and `}}`, with `$parameter`. */
function subtitleFor(
	description: INodeTypeDescription,
	parameters: Record<string, unknown>,
): string {
	const expression = description.subtitle ?? '';
	expect(expression.startsWith('={{') && expression.endsWith('}}')).toBe(true);
	const body = expression.slice(3, -2);
	return String(new Function('$parameter', `return (${body});`)(parameters));
}

/** The parameters as n8n fills them in: every top-level default, then the given values. */
function withDefaults(
	properties: INodeProperties[],
	values: Record<string, unknown>,
): Record<string, unknown> {
	const parameters: Record<string, unknown> = {};
	for (const property of properties)
		if (!(property.name in parameters)) parameters[property.name] = property.default;
	return { ...parameters, ...values };
}

describe('canvas subtitles', () => {
	test.each(NODES.map(([node, folder]) => [folder, node.description] as const))(
		'%s: every choice the subtitle names shows as its label, not its stored value',
		(_folder, description) => {
			const referenced = [
				...new Set(
					[...(description.subtitle ?? '').matchAll(/\$parameter\["(\w+)"\]/g)].map((m) => m[1]),
				),
			];
			const choices = referenced.flatMap((name) =>
				description.properties
					.filter((p) => p.name === name && (p.type === 'options' || p.type === 'multiOptions'))
					.flatMap((p) =>
						(p.options as INodePropertyOptions[]).map((option) => ({ property: p, option })),
					),
			);
			const checked: string[] = [];
			for (const { property, option } of choices) {
				const value = property.type === 'multiOptions' ? [option.value] : option.value;
				const shown = subtitleFor(
					description,
					withDefaults(description.properties, { [property.name]: value }),
				);
				checked.push(shown);
				expect(shown).toContain(option.name);
				if (String(option.value) !== option.name)
					expect(shown.split(/[^A-Za-z0-9_]+/)).not.toContain(String(option.value));
			}
			// Boolean switches and defaults: no camelCase or snake_case word reaches the canvas.
			const plain = subtitleFor(description, withDefaults(description.properties, {}));
			expect(plain).not.toMatch(/\b[a-z]+[A-Z]\w*\b|\b\w+_\w+\b/);
			expect(plain.trim()).not.toBe('');
		},
	);
});

describe('collections', () => {
	const collections = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((p) =>
			p.type === 'collection'
				? [p, ...collections((p.options ?? []) as INodeProperties[])]
				: collections(
						p.type === 'fixedCollection'
							? ((p.options ?? []) as Array<{ values?: INodeProperties[] }>).flatMap(
									(o) => o.values ?? [],
								)
							: [],
					),
		);

	test.each(NODES.map(([node, folder]) => [folder, node.description] as const))(
		'%s: every collection says what applies while it is empty (n8n only says "No properties")',
		(_folder, description) => {
			const found = collections(description.properties);
			expect(found.length).toBeGreaterThan(0);
			for (const collection of found)
				expect({
					name: collection.name,
					description: collection.description?.trim() ?? '',
				}).toEqual({
					name: collection.name,
					description: expect.stringMatching(/\w{3,}/),
				});
		},
	);
});

describe('labels', () => {
	/**
	 * n8n's lint rule no-emoji-in-options reads only a description written inside the node class;
	 * most of ours are built in other files (parameters.ts, versionDescription.ts, the operation
	 * files), so the same check runs here on the description as n8n loads it.
	 */
	const EMOJI = /(\p{Extended_Pictographic}|\p{Regional_Indicator})/u;
	const emojiLabels = (value: unknown): string[] => {
		if (Array.isArray(value)) return value.flatMap(emojiLabels);
		if (value === null || typeof value !== 'object') return [];
		return Object.entries(value).flatMap(([key, child]) =>
			(key === 'name' || key === 'displayName') && typeof child === 'string'
				? EMOJI.test(child)
					? [child]
					: []
				: emojiLabels(child),
		);
	};

	it('the check finds an emoji in a nested option name', () => {
		expect(
			emojiLabels({
				properties: [{ displayName: 'Mood', options: [{ name: 'Happy 😀', value: 'happy' }] }],
			}),
		).toEqual(['Happy 😀']);
	});

	test.each(NODES.map(([node, folder]) => [folder, node.description] as const))(
		'%s: no emoji in any name or display name (n8n lint rule no-emoji-in-options)',
		(_folder, description) => {
			expect(emojiLabels(description)).toEqual([]);
		},
	);
});

describe('credential icons', () => {
	test('each credential has light and dark icons of its own, present in credentials/', () => {
		const seen = new Map<string, string>();
		for (const credential of CREDENTIALS) {
			const icon = credential.icon as { light: string; dark: string };
			expect(typeof icon).toBe('object');
			expect(icon.light).not.toBe(icon.dark);
			for (const file of [icon.light, icon.dark]) {
				expect(file.startsWith('file:')).toBe(true);
				const svg = fs.readFileSync(path.join(ROOT, 'credentials', file.slice(5)), 'utf8');
				expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 64 64"/);
				// Drawn, not embedded: no raster images or external references.
				expect(svg).not.toMatch(/<image|href=|base64/);
				expect(seen.get(file)).toBeUndefined();
				seen.set(file, credential.name);
			}
		}
	});
});

describe('Docs links', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
		repository: { url: string };
	};
	// The repository package.json names (npm links to it, and n8n's community-node verification
	// requires it public on GitHub); HEAD follows whatever its default branch is called.
	const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

	test.each(NODES.map(([, folder, page]) => [folder, page] as const))(
		"%s: the codex Docs link is its page in the package's docs/, on the repository in package.json",
		(folder, page) => {
			const codex = JSON.parse(
				fs.readFileSync(path.join(ROOT, 'nodes', folder, `${folder}.node.json`), 'utf8'),
			) as { resources: { primaryDocumentation: Array<{ url: string }> } };
			expect(codex.resources.primaryDocumentation.map((d) => d.url)).toEqual([
				`${repository}/blob/HEAD/docs/${page}.md`,
			]);
			expect(fs.existsSync(path.join(ROOT, 'docs', `${page}.md`))).toBe(true);
		},
	);
});

describe('credentials in the panel', () => {
	// What each credential is for, as a plain `show` would say it (undefined: always).
	const NEEDED: Record<string, Record<string, Record<string, string[]> | undefined>> = {
		WhatsAppScrmTrigger: { whatsAppScrmApi: undefined, scrmRedis: { dedupStore: ['redis'] } },
		WhatsAppSender: { whatsAppScrmApi: undefined, scrmRedis: { ledgerStore: ['redis'] } },
		CrmUpsert: {
			hubSpotScrmApi: { crm: ['hubspot'] },
			zohoScrmOAuth2Api: { crm: ['zoho'] },
			salesforceScrmOAuth2Api: { crm: ['salesforce'] },
			whatsAppScrmApi: { operation: ['attachMedia'], mediaSource: ['whatsApp'] },
			scrmRedis: { rateLimitStore: ['redis'] },
		},
	};
	const withCredentials = NODES.filter(([node]) => (node.description.credentials ?? []).length > 0);

	test('every node with credentials is covered here', () => {
		expect(withCredentials.map(([, folder]) => folder).sort()).toEqual(Object.keys(NEEDED).sort());
	});

	test.each(withCredentials.map(([node, folder]) => [folder, node.description] as const))(
		"%s: no credential's condition is a `show`, which n8n's editor reads as authentication fields and hides",
		(_folder, description) => {
			// n8n's editor takes every parameter a credential's `show` names for an authentication
			// field, one whose every choice picks a credential for the main one, and leaves that one
			// and every parameter the fields' own conditions name out of the panel: it hid CRM,
			// Resource and Operation of CRM Upsert.
			for (const credential of description.credentials ?? [])
				expect({ credential: credential.name, show: credential.displayOptions?.show }).toEqual({
					credential: credential.name,
					show: undefined,
				});
		},
	);

	/** The node's parameters as n8n resolves them for every combination of its top-level choices. */
	function everyChoice(description: INodeTypeDescription): INodeParameters[] {
		const names = [
			...new Set(
				description.properties
					.filter((p) => p.type === 'options' && !p.typeOptions?.loadOptionsMethod)
					.map((p) => p.name),
			),
		];
		let raw: INodeParameters[] = [{}];
		for (const name of names) {
			const values = [
				...new Set(
					description.properties
						.filter((p) => p.name === name && p.type === 'options')
						.flatMap((p) => (p.options as INodePropertyOptions[]).map((o) => o.value)),
				),
			];
			raw = raw.flatMap((parameters) => values.map((value) => ({ ...parameters, [name]: value })));
		}
		return raw.map(
			(parameters) =>
				NodeHelpers.getNodeParameters(
					description.properties,
					parameters,
					true,
					false,
					{ typeVersion: 1 },
					description,
				) ?? {},
		);
	}

	test.each(withCredentials.map(([node, folder]) => [folder, node.description] as const))(
		'%s: each credential applies exactly while the choices need it, as n8n evaluates it',
		(folder, description) => {
			const needed = NEEDED[folder];
			const combinations = everyChoice(description);
			expect(combinations.length).toBeGreaterThan(1);
			for (const credential of description.credentials ?? []) {
				expect(Object.keys(needed)).toContain(credential.name);
				const intended = needed[credential.name];
				const shown = combinations.map((parameters) =>
					NodeHelpers.displayParameter(parameters, credential, { typeVersion: 1 }, description),
				);
				const wanted = combinations.map((parameters) =>
					NodeHelpers.displayParameter(
						parameters,
						{ name: credential.name, displayOptions: intended && { show: intended } },
						{ typeVersion: 1 },
						description,
					),
				);
				expect({ credential: credential.name, shown }).toEqual({
					credential: credential.name,
					shown: wanted,
				});
				if (intended) expect(new Set(shown)).toEqual(new Set([true, false]));
			}
		},
	);

	test.each(withCredentials.map(([node, folder]) => [folder, node.description] as const))(
		'%s: the credential slot sits above every parameter listed through the credential',
		(_folder, description) => {
			const names = description.properties.map((p) => p.name);
			// n8n puts the slot where a parameter of type credentials is, else after the last
			// parameter a credential's `show` names (which none has), that is at the top.
			const slot = description.properties.findIndex((p) => p.type === 'credentials');
			expect(slot).toBeGreaterThan(0);
			expect(description.properties.filter((p) => p.type === 'credentials')).toHaveLength(1);
			const listed = description.properties
				.map((p, index) => ({ name: p.name, index, options: p.typeOptions }))
				.filter(({ options }) => options?.loadOptionsMethod || options?.resourceMapper);
			expect(listed.length).toBeGreaterThan(0);
			for (const { name, index } of listed)
				expect({ name, after: names[slot - 1], before: index > slot }).toEqual({
					name,
					after: names[slot - 1],
					before: true,
				});
		},
	);
});

describe('CRM Upsert outputs', () => {
	const description = new CrmUpsert().description;
	const nodeTypes: INodeTypes = {
		getByName: () => new CrmUpsert(),
		getByNameAndVersion: () => new CrmUpsert(),
		getKnownTypes: () => ({}),
	};
	/** The outputs as n8n resolves them for a node of a workflow: its parameters with their defaults. */
	function outputNames(parameters: INodeParameters): string[] {
		const node: INode = {
			id: 'crm',
			name: 'CRM Upsert',
			type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
			typeVersion: 1,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return NodeHelpers.getNodeOutputs(workflow, workflow.getNode(node.name)!, description).map(
			(output) => (typeof output === 'string' ? output : (output.displayName ?? output.type)),
		);
	}

	test.each([
		[{}, 'Upserted'],
		[{ operation: 'upsert' }, 'Upserted'],
		[{ operation: 'addTags' }, 'Updated'],
		[{ operation: 'getByPhone' }, 'Looked Up'],
		[{ operation: 'getMany' }, 'Contacts'],
		[{ operation: 'merge' }, 'Merged'],
		[{ resource: 'message' }, 'Logged'],
		[{ resource: 'message', operation: 'logMessage' }, 'Logged'],
		[{ resource: 'message', operation: 'attachMedia' }, 'Attached'],
	])(
		'%j: the first output is named for what the operation did, then Review and Failed',
		(parameters, first) => {
			expect(outputNames(parameters as INodeParameters)).toEqual([first, 'Review', 'Failed']);
		},
	);

	test('every example workflow connects CRM Upsert within its three outputs', () => {
		const dir = path.join(ROOT, 'workflows');
		let seen = 0;
		for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
				nodes: Array<{ name: string; type: string; parameters: INodeParameters }>;
				connections: Record<string, { main?: unknown[] }>;
			};
			for (const node of workflow.nodes.filter((n) => n.type.endsWith('.scrmCrmUpsert'))) {
				seen++;
				const main = workflow.connections[node.name]?.main ?? [];
				expect({ file, node: node.name, outputs: outputNames(node.parameters).length }).toEqual({
					file,
					node: node.name,
					outputs: 3,
				});
				expect({ file, node: node.name, used: main.length <= 3 }).toEqual({
					file,
					node: node.name,
					used: true,
				});
			}
		}
		expect(seen).toBeGreaterThan(0);
	});
});
