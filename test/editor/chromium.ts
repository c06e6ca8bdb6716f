/**
 * Debian's Chromium driven by playwright-core: the system browser, nothing downloaded, with a new
 * empty profile each launch. The flags keep it off the network it cannot reach here (background
 * updates, sync, QUIC) and let it run as root.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

import { ROOT } from '../../devkit/n8n/n8nHost';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Screenshots and other artefacts of a run, under .host/ (ignored by git). */
export function artefactDir(...parts: string[]): string {
	const dir = path.join(ROOT, '.host', 'test-artifacts', 'editor', ...parts);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

export async function launchChromium(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(
			`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), or set CHROMIUM_BIN`,
		);
	return await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/** Signs in through n8n's own sign-in form. */
export async function signIn(
	page: Page,
	baseUrl: string,
	owner: { email: string; password: string },
): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'commit' });
	const email = page.locator('input[name="emailOrLdapLoginId"], input[name="email"]').first();
	await email.waitFor({ timeout: 60_000 });
	await email.fill(owner.email);
	await page.locator('input[name="password"]').fill(owner.password);
	await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: 30_000 });
}
