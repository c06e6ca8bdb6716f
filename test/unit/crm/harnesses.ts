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
import { startHubSpotSimulator } from '../../../devkit/simulators/crm/hubspot';
import { startSalesforceSimulator } from '../../../devkit/simulators/crm/salesforce';
import { startZohoSimulator } from '../../../devkit/simulators/crm/zoho';

export interface RunningCrm {
	adapter: CrmAdapter;
	/** Timeline records (HubSpot communications, Zoho notes, Salesforce tasks) on one contact. */
	loggedMessages(contactId: string): unknown[];
	/** Files the CRM holds on one contact (HubSpot note files, Zoho attachments, Salesforce ContentVersions). */
	attachments(contactId: string): Array<{ id: string; fileName: string; data: Buffer }>;
	/** An id of the CRM's shape that names no contact. */
	unknownContactId: string;
	/** Requests the simulator refused (validation, limits); a well-behaved adapter causes none. */
	rejected(): number;
	close(): Promise<void>;
}

export interface HarnessOptions {
	/** The largest file the simulated CRM takes (to provoke its own refusal with small files). */
	maxFileBytes?: number;
	/** An org whose admin created none of the WhatsApp custom fields. */
	withoutWhatsAppFields?: boolean;
}

export interface CrmHarness {
	crm: CrmName;
	start(opts?: HarnessOptions): Promise<RunningCrm>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

const hubspot: CrmHarness = {
	crm: 'hubspot',
	async start(opts = {}) {
		const sim = await startHubSpotSimulator({
			contacts: [],
			maxFileBytes: opts.maxFileBytes,
			withoutWhatsAppFields: opts.withoutWhatsAppFields,
		});
		return {
			adapter: createHubSpotAdapter({
				transport: axiosTransport({ bearerToken: sim.token, timeoutMs: 5000 }),
				baseUrl: sim.baseUrl,
			}),
			loggedMessages: (contactId) =>
				[...sim.state.communications.values()].filter((c) => c.contactIds.includes(contactId)),
			attachments: (contactId) =>
				[...sim.state.notes.values()]
					.filter((note) => note.contactIds.includes(contactId))
					.flatMap((note) => (note.properties.hs_attachment_ids ?? '').split(';').filter(Boolean))
					.map((fileId) => sim.state.files.get(fileId)!)
					.map((file) => ({
						id: file.id,
						fileName: file.extension ? `${file.name}.${file.extension}` : file.name,
						data: file.data,
					})),
			unknownContactId: '999999',
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

const zoho: CrmHarness = {
	crm: 'zoho',
	async start(opts = {}) {
		const sim = await startZohoSimulator({
			contacts: [],
			maxAttachmentBytes: opts.maxFileBytes,
			withoutWhatsAppFields: opts.withoutWhatsAppFields,
		});
		const base = axiosTransport({ timeoutMs: 5000 });
		// Zoho wants `Zoho-oauthtoken`, not `Bearer`, as n8n's OAuth2 credential is told to send.
		const transport: HttpTransport = (request) =>
			base({
				...request,
				headers: { ...(request.headers ?? {}), Authorization: `Zoho-oauthtoken ${sim.token}` },
			});
		return {
			adapter: createZohoAdapter({ transport, baseUrl: sim.baseUrl }),
			loggedMessages: (contactId) =>
				[...sim.state.notes.values()].filter((note) => note.Parent_Id.id === contactId),
			attachments: (contactId) =>
				[...sim.state.attachments.values()]
					.filter((a) => a.Parent_Id.id === contactId)
					.map((a) => ({ id: a.id, fileName: a.File_Name, data: a.data })),
			unknownContactId: '5725767000099999999',
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

const salesforce: CrmHarness = {
	crm: 'salesforce',
	async start(opts = {}) {
		const sim = await startSalesforceSimulator({
			contacts: [],
			maxFileBytes: opts.maxFileBytes,
			withoutWhatsAppFields: opts.withoutWhatsAppFields,
		});
		return {
			adapter: createSalesforceAdapter({
				transport: axiosTransport({ bearerToken: sim.token, timeoutMs: 5000 }),
				baseUrl: sim.baseUrl,
			}),
			loggedMessages: (contactId) =>
				[...sim.state.tasks.values()].filter((task) => task.WhoId === contactId),
			attachments: (contactId) =>
				[...sim.state.contentVersions.values()]
					.filter((version) => version.FirstPublishLocationId === contactId)
					.map((version) => ({
						id: version.Id,
						fileName: String(version.PathOnClient),
						data: version.VersionData as Buffer,
					})),
			unknownContactId: '003SIM999999999AAA',
			rejected: () => sum(sim.state.rejected),
			close: () => sim.close(),
		};
	},
};

export const CRM_HARNESSES: CrmHarness[] = [hubspot, zoho, salesforce];
