/**
 * Each CRM's adapter wired to its simulator, as the behaviour suite and the benchmarks start them:
 * real HTTP on loopback, authenticated the way n8n's credential would.
 */
import { createHubSpotAdapter } from '../../../lib/crm/hubspot/adapter';
import { createSalesforceAdapter } from '../../../lib/crm/salesforce/adapter';
import type { CrmAdapter, CrmName } from '../../../lib/crm/types';
import { createZohoAdapter } from '../../../lib/crm/zoho/adapter';
import { axiosTransport } from '../../../lib/http/transport';
import type { HttpTransport } from '../../../lib/http/transport';
import { startHubSpotSimulator } from '../../simulators/crm/hubspot';
import { startSalesforceSimulator } from '../../simulators/crm/salesforce';
import { startZohoSimulator } from '../../simulators/crm/zoho';

export interface RunningCrm {
	adapter: CrmAdapter;
	/** Timeline records (HubSpot communications, Zoho notes, Salesforce tasks) on one contact. */
	loggedMessages(contactId: string): unknown[];
	/** Requests the simulator refused (validation, limits); a well-behaved adapter causes none. */
	rejected(): number;
	close(): Promise<void>;
}

export interface CrmHarness {
	crm: CrmName;
	/** `withoutWhatsAppFields`: an org whose admin created none of the WhatsApp custom fields. */
	start(opts?: { withoutWhatsAppFields?: boolean }): Promise<RunningCrm>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

const hubspot: CrmHarness = {
	crm: 'hubspot',
	async start() {
		const sim = await startHubSpotSimulator({ contacts: [] });
		return {
			adapter: createHubSpotAdapter({ transport: axiosTransport({ bearerToken: sim.token, timeoutMs: 5000 }), baseUrl: sim.baseUrl }),
			loggedMessages: (contactId) => [...sim.state.communications.values()].filter((c) => c.contactIds.includes(contactId)),
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

const zoho: CrmHarness = {
	crm: 'zoho',
	async start(opts = {}) {
		const sim = await startZohoSimulator({ contacts: [], ...opts });
		const base = axiosTransport({ timeoutMs: 5000 });
		// Zoho wants `Zoho-oauthtoken`, not `Bearer`, as n8n's OAuth2 credential is told to send.
		const transport: HttpTransport = (request) => base({ ...request, headers: { ...(request.headers ?? {}), Authorization: `Zoho-oauthtoken ${sim.token}` } });
		return {
			adapter: createZohoAdapter({ transport, baseUrl: sim.baseUrl }),
			loggedMessages: (contactId) => [...sim.state.notes.values()].filter((note) => note.Parent_Id.id === contactId),
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

const salesforce: CrmHarness = {
	crm: 'salesforce',
	async start(opts = {}) {
		const sim = await startSalesforceSimulator({ contacts: [], ...opts });
		return {
			adapter: createSalesforceAdapter({ transport: axiosTransport({ bearerToken: sim.token, timeoutMs: 5000 }), baseUrl: sim.baseUrl }),
			loggedMessages: (contactId) => [...sim.state.tasks.values()].filter((task) => task.WhoId === contactId),
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

export const CRM_HARNESSES: CrmHarness[] = [hubspot, zoho, salesforce];
