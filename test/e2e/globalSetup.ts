import fs from 'node:fs';

import { E2E_DIR, startN8n, STATE_FILE } from './n8nHost';

/** Starts one real n8n for all end-to-end suites (SCRM_N8N_VERSION picks another host, e.g. 1.123.81). */
export default async function globalSetup(): Promise<void> {
	fs.mkdirSync(E2E_DIR, { recursive: true });
	const version = process.env.SCRM_N8N_VERSION ?? fs.readFileSync(`${__dirname}/../../scripts/n8n-version`, 'utf8').trim();
	const port = Number(process.env.SCRM_E2E_PORT ?? 5679);
	const state = await startN8n({ version, port });
	fs.writeFileSync(STATE_FILE, JSON.stringify(state));
}
