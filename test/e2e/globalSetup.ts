import fs from 'node:fs';

import { E2E_DIR, E2E_PORT, startN8n, STATE_FILE } from '../../devkit/n8n/n8nHost';

/** Starts one real n8n for all end-to-end suites (SCRM_N8N_VERSION picks another host, e.g. 1.123.81). */
export default async function globalSetup(): Promise<void> {
	fs.mkdirSync(E2E_DIR, { recursive: true });
	const version =
		process.env.SCRM_N8N_VERSION ??
		fs.readFileSync(`${__dirname}/../../scripts/n8n-version`, 'utf8').trim();
	const state = await startN8n({ version, port: E2E_PORT });
	fs.writeFileSync(STATE_FILE, JSON.stringify(state));
}
