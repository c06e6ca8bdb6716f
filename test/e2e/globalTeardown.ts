import fs from 'node:fs';

import { readHostState, STATE_FILE, stopN8n } from '../../devkit/n8n/n8nHost';

export default async function globalTeardown(): Promise<void> {
	if (!fs.existsSync(STATE_FILE)) return;
	stopN8n(readHostState());
	fs.rmSync(STATE_FILE);
}
