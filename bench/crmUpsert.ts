/**
 * Contacts into the HubSpot simulator, enforcing the Free tier's 100 requests per rolling 10 s and
 * search's ~5/s, through a real n8n: our CRM Upsert node (with a unique key, and without one:
 * search by phone, then create or update) beside n8n's built-in HubSpot node doing the same
 * create-or-update, in the same run. The built-in node's host is hard-coded, so this n8n resolves
 * api.hubapi.com to the simulator served over TLS on 127.0.0.1:443; ours uses that default host too.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { N8nApi, ROOT, sleep } from '../devkit/n8n/n8nHost';
import type { HostState } from '../devkit/n8n/n8nHost';
import { HUBSPOT_SIM_TOKEN, startHubSpotSimulator } from '../devkit/simulators/crm/hubspot';
import type { HubSpotSimulator } from '../devkit/simulators/crm/hubspot';
import { startBenchN8n, stopBenchN8n } from './support/host';
import { listWorkflow } from './support/listWorkflow';
import { makeCertificate } from './support/tls';

const PORT = 5683;
const HOST = 'api.hubapi.com';

interface Contact {
	phone: string;
	email: string;
	name: string;
}

interface Run {
	contactsInCrm: number;
	itemsFailed: number;
	apiCalls: number;
	rateLimited: number;
	calls: Record<string, number>;
	peakInWindow: number;
	seconds: number;
	timedOut: boolean;
	webhookStatus?: number;
}

/** node:http rather than fetch: undici gives up waiting for headers after 300 s, and a run may take longer. */
function post(
	url: string,
	body: string,
	timeoutMs: number,
): Promise<{ status: number; timedOut: boolean }> {
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
			},
			(response) => {
				response.resume();
				response.on('end', () => {
					clearTimeout(timer);
					resolve({ status: response.statusCode ?? 0, timedOut: false });
				});
			},
		);
		const timer = setTimeout(() => {
			request.destroy();
			resolve({ status: 0, timedOut: true });
		}, timeoutMs);
		// After a time-out this rejects a promise already resolved: a no-op.
		request.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		request.end(body);
	});
}

/** Best effort: an execution still running after the time limit would otherwise write into the next run's simulator. */
async function stopRunning(n8n: N8nApi): Promise<void> {
	try {
		const answer = await n8n.raw(
			'GET',
			`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ status: ['running'] }))}`,
		);
		const list = (answer.body?.data?.results ?? answer.body?.data ?? []) as Array<{ id: string }>;
		for (const execution of Array.isArray(list) ? list : [])
			await n8n.raw('POST', `/rest/executions/${execution.id}/stop`);
	} catch (error) {
		console.error(`  could not stop the running execution: ${(error as Error).message}`);
	}
}

/** A fresh simulator (no seed contacts, counters at zero) per configuration, so runs cannot see each other's contacts. */
async function runUpsert(
	tls: { key: Buffer; cert: Buffer },
	n8n: N8nApi,
	url: string,
	contacts: Contact[],
	timeoutMs: number,
): Promise<Run> {
	const sim: HubSpotSimulator = await startHubSpotSimulator({
		tls,
		host: '127.0.0.1',
		port: 443,
		tier: 'free',
		seed: [],
	});
	try {
		const started = Date.now();
		const answer = await post(url, JSON.stringify({ contacts }), timeoutMs);
		const seconds = (Date.now() - started) / 1000;
		if (answer.timedOut) await stopRunning(n8n);
		else if (answer.status !== 200) throw new Error(`upsert webhook answered ${answer.status}`);
		const emails = new Set(
			[...sim.state.contacts.values()]
				.map((c) => c.properties.email?.toLowerCase())
				.filter(Boolean),
		);
		const phones = new Set(
			[...sim.state.contacts.values()].map(
				(c) =>
					c.properties.whatsapp_e164 ??
					(c.properties.phone ?? c.properties.mobilephone ?? '').replace(/[^\d+]/g, ''),
			),
		);
		// An item counts as written when its contact is in the CRM, found by email or number.
		const written = contacts.filter(
			(c) => emails.has(c.email) || phones.has(c.phone.replace(/[^\d+]/g, '')),
		).length;
		const calls = { ...sim.state.calls };
		return {
			contactsInCrm: sim.state.contacts.size,
			itemsFailed: contacts.length - written,
			apiCalls: Object.values(calls).reduce((sum, n) => sum + n, 0),
			rateLimited: sim.state.rateLimited,
			calls,
			peakInWindow: sim.state.peakInWindow,
			seconds,
			timedOut: answer.timedOut,
			webhookStatus: answer.status,
		};
	} finally {
		await sim.close();
	}
}

export async function runCrmUpsertBench(
	count = Number(process.env.SCRM_BENCH_CRM ?? 10_000),
): Promise<Record<string, unknown>> {
	const version =
		process.env.SCRM_N8N_VERSION ??
		fs.readFileSync(path.join(ROOT, 'scripts/n8n-version'), 'utf8').trim();
	// Free tier: 100 per 10 s is 10 calls/s, so one call per contact needs count/10 s; twice that, and at least 2 min.
	const timeoutMs =
		Number(process.env.SCRM_BENCH_CRM_TIMEOUT_S ?? Math.max(120, Math.min(900, count * 0.2))) *
		1000;
	const { keyFile, certFile } = makeCertificate(path.join(ROOT, '.host', 'bench', 'tls'), HOST);
	const tls = { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
	let host: HostState | undefined;
	try {
		host = await startBenchN8n({
			version,
			port: PORT,
			name: 'crmUpsert',
			env: {
				NODE_OPTIONS: `--require ${path.join(ROOT, 'bench/support/loopbackDns.js')}`,
				NODE_EXTRA_CA_CERTS: certFile,
			},
		});
		const n8n = await N8nApi.forOwner(host.url);
		const ours = await n8n.createCredential('hubSpotScrmApi', 'bench', {
			accessToken: HUBSPOT_SIM_TOKEN,
			tier: 'free',
		});
		const builtIn = await n8n.createCredential('hubspotAppToken', 'bench built-in', {
			appToken: HUBSPOT_SIM_TOKEN,
		});

		const oursNode = (uniqueKeyField: string) => ({
			type: 'n8n-nodes-whatsapp-scrm.scrmCrmUpsert',
			typeVersion: 1,
			credentials: { hubSpotScrmApi: ours },
			parameters: {
				crm: 'hubspot',
				resource: 'contact',
				operation: 'upsert',
				phone: '={{ $json.phone }}',
				email: '={{ $json.email }}',
				name: '={{ $json.name }}',
				userId: '',
				tags: '',
				interactionAt: '',
				upsertOptions: uniqueKeyField ? { uniqueKeyField } : {},
			},
		});
		const configurations = [
			{
				key: 'oursUniqueKey',
				label: 'CRM Upsert, key whatsapp_e164',
				node: oursNode('whatsapp_e164'),
			},
			{ key: 'oursSearch', label: 'CRM Upsert, search by phone', node: oursNode('') },
			{
				key: 'builtIn',
				label: "n8n's HubSpot node 2.2",
				node: {
					type: 'n8n-nodes-base.hubspot',
					typeVersion: 2.2,
					onError: 'continueRegularOutput',
					credentials: { hubspotAppToken: builtIn },
					parameters: {
						authentication: 'appToken',
						resource: 'contact',
						operation: 'upsert',
						email: '={{ $json.email }}',
						additionalFields: { firstName: '={{ $json.name }}', phoneNumber: '={{ $json.phone }}' },
						// Its cheapest setting: without it, each contact costs a second call (GET the v1 profile).
						options: { resolveData: true },
					},
				},
			},
		];

		// Distinct customers in an assigned Hong Kong mobile range, typed as people write them.
		const contacts: Contact[] = Array.from({ length: count }, (_, i) => {
			const digits = String(i).padStart(6, '0');
			return {
				phone: `+852 91${digits.slice(0, 2)} ${digits.slice(2)}`,
				email: `c${i}@example.com`,
				name: `Customer ${i}`,
			};
		});

		const runs: Record<string, Run> = {};
		for (const [n, configuration] of configurations.entries()) {
			const pathName = `bench-crm-${configuration.key.toLowerCase()}`;
			const flow = await n8n.call(
				'POST',
				'/rest/workflows',
				listWorkflow(
					`CRM upsert: ${configuration.label}`,
					pathName,
					`d0000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
					configuration.node,
				),
			);
			await n8n.activate(flow);
			runs[configuration.key] = await runUpsert(
				tls,
				n8n,
				`${host.url}/webhook/${pathName}`,
				contacts,
				timeoutMs,
			);
			// Lets the rolling window empty, so that each run starts from the same budget.
			await sleep(2000);
		}

		console.log(
			`${count.toLocaleString('en')} new contacts into the HubSpot simulator, Free tier (100 requests per rolling 10 s, search 5/s)`,
		);
		for (const configuration of configurations) {
			const run = runs[configuration.key];
			const over = run.timedOut ? `   STOPPED after the ${timeoutMs / 1000} s limit` : '';
			console.log(
				`  ${configuration.label.padEnd(32)} in CRM ${String(run.contactsInCrm).padStart(6)}   failed ${String(run.itemsFailed).padStart(6)}   calls ${String(run.apiCalls).padStart(6)}   429s ${String(run.rateLimited).padStart(6)}   ${run.seconds.toFixed(1).padStart(7)} s${over}`,
			);
		}
		const theirs = runs.builtIn;
		const ratios = Object.fromEntries(
			configurations
				.filter((c) => c.key !== 'builtIn')
				.map((c) => {
					const run = runs[c.key];
					const ratio = {
						calls: run.apiCalls / Math.max(theirs.apiCalls, 1),
						seconds: run.seconds / Math.max(theirs.seconds, 0.001),
						contactsInCrm: run.contactsInCrm / Math.max(theirs.contactsInCrm, 1),
					};
					console.log(
						`  ${c.label.padEnd(32)} / built-in: calls ${ratio.calls.toFixed(3)}   wall time ${ratio.seconds.toFixed(2)}   contacts in CRM ${ratio.contactsInCrm.toFixed(2)}`,
					);
					return [c.key, ratio];
				}),
		);
		for (const configuration of configurations) {
			const calls = Object.entries(runs[configuration.key].calls)
				.map(([route, n]) => `${route} ×${n}`)
				.join(', ');
			console.log(`  calls, ${configuration.label}: ${calls || 'none'}`);
		}
		console.log('');
		return { contacts: count, timeoutSeconds: timeoutMs / 1000, ...runs, ratiosToBuiltIn: ratios };
	} finally {
		if (host) await stopBenchN8n(host);
	}
}
