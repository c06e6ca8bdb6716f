/**
 * The README's sandbox command from this checkout: simulators and an archive database beside a fresh
 * n8n of its own, every example workflow imported, a short day of conversations played through the
 * live ones. Everything the day sent must arrive: one execution per message in each live workflow,
 * every message on a HubSpot timeline and in the archive, replies where a workflow answers, and the
 * weekly report page drawn.
 */
import { spawn } from 'node:child_process';

import { E2E_PORT, ROOT } from '../../devkit/n8n/n8nHost';
import { RETURNING_CUSTOMERS } from '../../sandbox/day';

jest.setTimeout(600_000);

interface SandboxSummary {
	executions: Record<string, { success: number; error: number }>;
	crmContacts: number;
	crmMessagesLogged: number;
	repliesSent: number;
	messagesPlayed: number;
	echoesPlayed: number;
	missedCallsPlayed: number;
	usernameOnlyContacts: number;
	rejectedDeliveries: number;
	archivedToday?: number;
	reportStatus?: number;
	reportCharts?: number;
}

function runSandbox(args: string[]): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn('npm', ['start', '--', '--sandbox', ...args], {
			cwd: ROOT,
			env: { ...process.env, NODE_ENV: 'production' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.on('exit', (code) => resolve({ code, output }));
	});
}

it('plays a day of conversations through the live example workflows into the simulators', async () => {
	// Ports beside the suite's own n8n; the simulators take free ones.
	const { code, output } = await runSandbox([
		'--port',
		String(E2E_PORT + 100),
		'--graph-port',
		'0',
		'--crm-port',
		'0',
		'--shop-port',
		'0',
		'--customers',
		'10',
		'--minutes',
		'0.5',
		'--exit',
	]);
	const line = output.split('\n').find((l) => l.startsWith('{"sandbox":'));
	if (code !== 0 || !line)
		throw new Error(
			`the sandbox exited with ${code}:\n${output.split('\n').slice(-40).join('\n')}`,
		);
	const summary = (JSON.parse(line) as { sandbox: SandboxSummary }).sandbox;

	expect(summary.messagesPlayed).toBeGreaterThanOrEqual(10);
	expect(summary.rejectedDeliveries).toBe(0);
	// npm test installs Debian's postgresql, so the archive and the weekly report are live too.
	expect(Object.keys(summary.executions).sort()).toEqual([
		'faq-auto-reply',
		'missed-call-follow-up',
		'order-status-auto-reply',
		'weekly-analytics-report',
		'whatsapp-conversation-archive',
		'whatsapp-crm-sync',
	]);
	for (const name of ['faq-auto-reply', 'order-status-auto-reply', 'whatsapp-crm-sync'])
		expect(summary.executions[name]).toEqual({ success: summary.messagesPlayed, error: 0 });
	// The archive also gets the replies' statuses.
	expect(summary.executions['whatsapp-conversation-archive'].error).toBe(0);
	expect(summary.executions['whatsapp-conversation-archive'].success).toBeGreaterThan(
		summary.messagesPlayed,
	);
	expect(summary.archivedToday).toBe(summary.messagesPlayed);
	// The report page, over the seeded week and today, draws its charts.
	expect(summary.reportStatus).toBe(200);
	expect(summary.reportCharts).toBeGreaterThan(3);
	expect(summary.crmMessagesLogged).toBe(summary.messagesPlayed);
	// The HubSpot simulator starts with 8 contacts of its own; each of the 10 customers adds one,
	// except the returning ones it holds in messy formats, whom CRM Upsert finds by phone; the
	// customer with a username adds one by user id, with no phone.
	expect(summary.crmContacts).toBe(8 + 10 - RETURNING_CUSTOMERS.length + 1);
	expect(summary.usernameOnlyContacts).toBe(1);
	// The coexistence echo reached every trigger (none refused it); no live workflow subscribes it.
	expect(summary.echoesPlayed).toBe(1);
	// The missed call ran the follow-up workflow once, which wrote to the customer.
	expect(summary.missedCallsPlayed).toBe(1);
	expect(summary.executions['missed-call-follow-up']).toEqual({ success: 1, error: 0 });
	expect(summary.repliesSent).toBeGreaterThan(0);
	expect(output).toContain('sign in as sandbox@scrm.test');
});
