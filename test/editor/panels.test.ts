/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The editor as a new user meets it: every example workflow imported by the project's own import
 * (scripts/import-workflows.js, as `npm start` does) into a fresh n8n with no credentials, opened
 * in Debian's Chromium; every node of this package on the canvas and in its panel. For each panel:
 * the selectors a user needs are visible, nothing shows an error (no HTTP error from the editor's
 * option requests, no red loading message, no parameter flagged other than "required"), and n8n's
 * log gains no stack trace. Screenshots land in .host/test-artifacts/editor/<n8n version>/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import type { Browser, Locator, Page } from 'playwright-core';

import { E2E_PORT, N8nApi, ROOT, startN8n, stopN8n, TEST_OWNER } from '../../devkit/n8n/n8nHost';
import type { HostState } from '../../devkit/n8n/n8nHost';
import { ContactDedup } from '../../nodes/ContactDedup/ContactDedup.node';
import { CrmUpsert } from '../../nodes/CrmUpsert/CrmUpsert.node';
import { IntentTagger } from '../../nodes/IntentTagger/IntentTagger.node';
import { ScrmAnalytics } from '../../nodes/ScrmAnalytics/ScrmAnalytics.node';
import { WhatsAppScrmTrigger } from '../../nodes/WhatsAppScrmTrigger/WhatsAppScrmTrigger.node';
import { WhatsAppSender } from '../../nodes/WhatsAppSender/WhatsAppSender.node';
import { artefactDir, launchChromium, signIn } from './chromium';

jest.setTimeout(900_000);

const VERSION =
	process.env.SCRM_N8N_VERSION ??
	fs.readFileSync(path.join(ROOT, 'scripts', 'n8n-version'), 'utf8').trim();
/** Beside the e2e suite's n8n (E2E_PORT) and the sandbox's (E2E_PORT + 100). */
const PORT = Number(process.env.SCRM_EDITOR_PORT ?? E2E_PORT + 200);
const PREFIX = 'n8n-nodes-whatsapp-scrm.';
const TAG = 'WhatsApp SCRM';

const NODE_TYPES: Record<string, INodeType> = Object.fromEntries(
	[
		new WhatsAppScrmTrigger(),
		new WhatsAppSender(),
		new CrmUpsert(),
		new IntentTagger(),
		new ContactDedup(),
		new ScrmAnalytics(),
	].map((node) => [PREFIX + node.description.name, node]),
);

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

/** The labels a user needs to see in the panel of a node with these parameters. */
function neededLabels(node: WorkflowNode): string[] {
	const p = node.parameters;
	switch (node.type.slice(PREFIX.length)) {
		case 'whatsAppScrmTrigger':
			return ['Trigger On', 'Phone Number Names or IDs', 'Credential'];
		case 'whatsAppSender': {
			const operation = (p.operation as string | undefined) ?? 'sendTemplate';
			return [
				'Resource',
				'Operation',
				'Credential',
				'Business Phone Number Name or ID',
				...(operation === 'sendTemplate' ? ['Template Name or ID'] : []),
			];
		}
		case 'scrmCrmUpsert':
			return ['CRM', 'Resource', 'Operation', 'Credential'];
		case 'scrmIntentTagger':
			return ['Text', 'Put Result In Field', 'Route Items'];
		case 'scrmContactDedup':
			return ['ID Field', 'Match On'];
		case 'scrmAnalytics':
			return ['Output'];
		default:
			throw new Error(`no expectations for ${node.type}`);
	}
}

/** The label of each choice the canvas subtitle should name (the operation, the CRM). */
function subtitleLabels(node: WorkflowNode): string[] {
	const { properties } = NODE_TYPES[node.type].description;
	const labelOf = (name: string): string | undefined => {
		const candidates = properties.filter(
			(property: INodeProperties) => property.name === name && property.type === 'options',
		);
		if (candidates.length === 0) return undefined;
		const value = node.parameters[name] ?? candidates[0].default;
		const options = candidates.flatMap((c) => c.options as INodePropertyOptions[]);
		return options.find((option) => option.value === value)?.name;
	};
	return ['crm', 'operation', 'output']
		.map(labelOf)
		.filter((label): label is string => label !== undefined);
}

/** Text that means a panel failed to load something. */
const ERROR_TEXT =
	/No fields found|problem loading|could not load|error fetching|Retry|does not have any credentials|Request failed/i;
/** A stack frame as n8n's logger prints it. */
const STACK_FRAME = /^\s+at .+[(\s]\/?[^\s()]+:\d+:\d+\)?$/m;

describe(`the editor on n8n ${VERSION}, before any credential exists`, () => {
	let host: HostState;
	let api: N8nApi;
	let browser: Browser;
	let page: Page;
	let shots: string;
	const httpErrors: string[] = [];
	let inFlight = 0;

	beforeAll(async () => {
		shots = artefactDir(VERSION);
		host = await startN8n({
			version: VERSION,
			port: PORT,
			name: 'editor',
			// The workflows arrive as `npm start` brings them: n8n's CLI import, tags and all.
			prepare: (env) => {
				execFileSync('node', [path.join(ROOT, 'scripts/import-workflows.js')], {
					env,
					stdio: 'ignore',
				});
			},
		});
		api = await N8nApi.forOwner(host.url);
		browser = await launchChromium();
		page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
		// An action that cannot happen fails the test instead of waiting for jest's timeout.
		page.setDefaultTimeout(60_000);
		page.on('request', (request) => {
			if (request.url().includes('/rest/dynamic-node-parameters/')) inFlight++;
		});
		const settle = (url: string) => {
			if (url.includes('/rest/dynamic-node-parameters/')) inFlight--;
		};
		page.on('requestfailed', (request) => settle(request.url()));
		page.on('response', (response) => {
			settle(response.url());
			const url = new URL(response.url());
			const status = response.status();
			// n8n asks for a JSON schema of every node's output; community nodes have none (404).
			if (url.pathname.startsWith('/schemas/')) return;
			if (
				status >= 500 ||
				(status >= 400 && url.pathname.startsWith('/rest/dynamic-node-parameters'))
			)
				httpErrors.push(`${status} ${url.pathname}`);
		});
		await signIn(page, host.url, TEST_OWNER);
	});

	afterAll(async () => {
		await browser?.close();
		if (host) stopN8n(host);
	});

	/** Waits until the panel's option and field requests have all been answered. */
	async function settled(): Promise<void> {
		for (let quiet = 0; quiet < 4;) {
			await page.waitForTimeout(250);
			quiet = inFlight <= 0 ? quiet + 1 : 0;
		}
	}

	/**
	 * Opens a workflow the way a click in the editor does (the app's own router) once the app is
	 * loaded: reloading it for every workflow costs about 20 s on a busy machine, routing 3.
	 */
	async function openWorkflow(workflow: { id: string; nodes: WorkflowNode[] }): Promise<void> {
		const route = `/workflow/${workflow.id}`;
		// Until every node of this workflow, and no other, is on the canvas.
		const names = workflow.nodes
			.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
			.map((node) => node.name);
		const shown = (timeout: number) =>
			page
				.waitForFunction(
					(expected) => {
						const onCanvas = [...document.querySelectorAll('[data-test-id="canvas-node"]')].map(
							(el) => el.getAttribute('data-node-name'),
						);
						return (
							onCanvas.length === expected.length &&
							expected.every((name) => onCanvas.includes(name))
						);
					},
					names,
					{ timeout },
				)
				.then(
					() => true,
					() => false,
				);
		if (new URL(page.url()).pathname.startsWith('/workflow/')) {
			await page.evaluate((to) => {
				history.pushState({}, '', to);
				dispatchEvent(new PopStateEvent('popstate'));
			}, route);
			if (await shown(15_000)) return;
		}
		// The first time, or where the router did not follow (n8n 1.x): load the page. Not waiting
		// for every asset's load event: the canvas is what counts.
		await page.goto(`${host.url}${route}`, { waitUntil: 'commit' });
		if (!(await shown(90_000)))
			throw new Error(`the canvas of ${workflow.id} did not show its nodes`);
	}

	function logSince(offset: number): string {
		const text = fs.readFileSync(host.logFile, 'utf8');
		return text.slice(offset);
	}

	/** Visible labels of the panel's parameters and its credential slot, first line of each. */
	async function visibleLabels(ndv: Locator): Promise<string[]> {
		return await ndv.evaluate((root) =>
			[
				...root.querySelectorAll(
					'[data-test-id="parameter-item"] [data-test-id="input-label"] label, [data-test-id="credentials-label"], [data-test-id="node-credentials-select"] label, .node-credentials label',
				),
			]
				.filter((el) => (el as HTMLElement).checkVisibility())
				.map((el) => ((el as HTMLElement).innerText.split('\n')[0] ?? '').trim())
				// The Fixed / Expression switch beside a label is a label of its own.
				.filter((text) => text !== 'Fixed' && text !== 'Expression')
				// n8n 1.x labels the slot "Credential to connect with".
				.map((text) => (text.startsWith('Credential') ? 'Credential' : text)),
		);
	}

	/** The text n8n shows for each flagged parameter (hovering its warning icon). */
	async function parameterIssues(ndv: Locator): Promise<string[]> {
		const icons = ndv.locator('[data-test-id="parameter-issues"]');
		const issues: string[] = [];
		for (let i = 0; i < (await icons.count()); i++) {
			const icon = icons.nth(i);
			if (!(await icon.isVisible())) continue;
			const label = await icon.evaluate(
				(el) =>
					(el.closest('[data-test-id="parameter-item"]') as HTMLElement | null)?.innerText.split(
						'\n',
					)[0] ?? '?',
			);
			await icon.hover();
			// n8n 2.x's tooltips, and 1.x's (Element Plus).
			const tip = page
				.locator('[data-test-id="tooltip-content"]:visible, .el-popper.n8n-tooltip:visible')
				.last();
			await tip.waitFor({ timeout: 5000 });
			issues.push(`${label}: ${((await tip.innerText()) ?? '').trim().replace(/\s+/g, ' ')}`);
			await page.mouse.move(0, 0);
			await tip.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
		}
		return issues;
	}

	const files = fs
		.readdirSync(path.join(ROOT, 'workflows'))
		.filter((file) => file.endsWith('.json'))
		.sort();

	test('the project imported every example workflow, under one name pattern and tag', async () => {
		const listed = await api.call<
			Array<{ id: string; name: string; tags?: Array<{ name: string }> }>
		>('GET', '/rest/workflows');
		for (const file of files) {
			const { id } = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', file), 'utf8'));
			const workflow = listed.find((w) => w.id === id);
			expect({ file, name: workflow?.name }).toEqual({
				file,
				name: expect.stringMatching(/^WhatsApp SCRM: \S/),
			});
			expect({ file, tags: (workflow?.tags ?? []).map((t) => t.name) }).toEqual({
				file,
				tags: [TAG],
			});
		}
	});

	test.each(files)(
		'%s: every node of ours reads well on the canvas and in its panel',
		async (file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', file), 'utf8')) as {
				id: string;
				nodes: WorkflowNode[];
			};
			const ours = workflow.nodes.filter((node) => node.type.startsWith(PREFIX));
			const problems: string[] = [];
			httpErrors.length = 0;
			let logOffset = fs.statSync(host.logFile).size;

			await openWorkflow(workflow);
			await settled();
			await page.screenshot({ path: path.join(shots, `${path.basename(file, '.json')}.png`) });

			for (const node of ours) {
				const onCanvas = page.locator(
					`[data-test-id="canvas-node"][data-node-name="${node.name}"]`,
				);
				// The subtitle names the operation as the panel labels it, never a stored value.
				const canvasText = await onCanvas.innerText();
				for (const label of subtitleLabels(node))
					if (!canvasText.includes(label))
						problems.push(
							`${node.name}: canvas subtitle lacks "${label}" (shows ${JSON.stringify(canvasText)})`,
						);
				const raw = canvasText.match(/\b[a-z]+[A-Z]\w*\b|\b[a-z]+: [a-z]+ [a-z]+/);
				if (raw) problems.push(`${node.name}: canvas shows the stored value "${raw[0]}"`);

				await onCanvas.dblclick();
				const ndv = page.locator('[data-test-id="ndv"]');
				await ndv.waitFor({ timeout: 20_000 });
				await settled();
				const shot = `${path.basename(file, '.json')}--${node.name.replace(/[^\w-]+/g, '_')}.png`;
				await page.screenshot({ path: path.join(shots, shot) });

				const labels = await visibleLabels(ndv);
				for (const needed of neededLabels(node))
					if (!labels.includes(needed))
						problems.push(`${node.name}: "${needed}" not visible (visible: ${labels.join(', ')})`);

				if (
					node.type === `${PREFIX}whatsAppSender` &&
					typeof node.parameters.template === 'string'
				) {
					// The workflow's preset template shows before a credential lists the approved ones.
					const preset = node.parameters.template.split('::')[0];
					const shown = await ndv
						.locator('[data-test-id="parameter-input-template"] input')
						.first()
						.inputValue()
						.catch(() => '');
					if (!shown.includes(preset))
						problems.push(`${node.name}: preset template "${preset}" not shown (shows "${shown}")`);
				}

				const panelText = await ndv.innerText();
				const error = panelText.match(ERROR_TEXT);
				if (error) problems.push(`${node.name}: the panel shows "${error[0]}"`);
				for (const issue of await parameterIssues(ndv))
					if (!/is required/i.test(issue)) problems.push(`${node.name}: flagged ${issue}`);

				await page.keyboard.press('Escape');
				await ndv.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);

				for (const status of httpErrors.splice(0))
					problems.push(`${node.name}: the editor was answered ${status}`);
				const logged = logSince(logOffset);
				logOffset += Buffer.byteLength(logged);
				if (STACK_FRAME.test(logged) || /does not have any credentials/.test(logged))
					problems.push(`${node.name}: n8n logged\n${logged.split('\n').slice(0, 12).join('\n')}`);
			}
			expect(problems).toEqual([]);
		},
	);
});
