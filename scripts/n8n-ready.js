#!/usr/bin/env node
// Whether the n8n at the given URL is ready for what its user does first: exits 0 and prints
// "setup" (no owner yet: the editor will ask for one) or "ready", else exits 1. Ready means the
// REST API is mounted, not only the health check: n8n 1.x answers /healthz/readiness a few
// seconds before its routes exist, and POST /rest/owner/setup would answer 404.
const base = process.argv[2].replace(/\/$/, '');

async function main() {
	if (!(await fetch(`${base}/healthz/readiness`)).ok) return false;
	const settings = await fetch(`${base}/rest/settings`);
	if (!settings.ok) return false;
	const body = await settings.json();
	const needsOwner = Boolean((body.data ?? body).userManagement?.showSetupOnFirstLoad);
	if (needsOwner) {
		// An empty form is refused (400) without side effects once the route exists; 404 before.
		const setup = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		if (setup.status === 404) return false;
	}
	console.log(needsOwner ? 'setup' : 'ready');
	return true;
}

main().then(
	(ready) => process.exit(ready ? 0 : 1),
	() => process.exit(1),
);
