#!/usr/bin/env node
// Imports every workflow in workflows/ that the n8n instance does not have yet (matched by the
// workflow's fixed "id"), so a second start neither duplicates nor overwrites the user's edits.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const n8n = (...args) =>
	execFileSync('bash', [path.join(root, 'scripts/n8n.sh'), ...args], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});

const known = new Set(
	n8n('list:workflow')
		.split('\n')
		.map((line) => line.split('|')[0].trim())
		.filter(Boolean),
);

const dir = path.join(root, 'workflows');
const missing = fs
	.readdirSync(dir)
	.filter((file) => file.endsWith('.json'))
	.filter((file) => !known.has(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).id));

if (missing.length === 0) {
	console.log('import-workflows: every example workflow is already in n8n');
	process.exit(0);
}

const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'scrm-workflows-'));
for (const file of missing) fs.copyFileSync(path.join(dir, file), path.join(staging, file));
n8n('import:workflow', '--separate', `--input=${staging}`);
fs.rmSync(staging, { recursive: true, force: true });
console.log(`import-workflows: imported ${missing.join(', ')}`);
