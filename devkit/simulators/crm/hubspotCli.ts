/**
 * Runs the HubSpot simulator on its own, for the sandbox and benchmarks:
 *
 *   node .build/devkit/simulators/crm/hubspotCli.js [--port 8790] [--host 127.0.0.1] [--token T]
 *        [--tier free|starter|professional|enterprise] [--latency MS] [--search-lag MS] [--no-limits] [--empty]
 *
 * Prints the base URL on the first line of stdout, then a JSON line with the token and limits.
 * Other processes read counters at /__sim/state and script faults with POST /__sim/faults.
 */
import fs from 'node:fs';

import { startHubSpotSimulator } from './hubspot';
import type { HubSpotSimTier, HubSpotSimulatorOptions } from './hubspot';

const TIERS: HubSpotSimTier[] = ['free', 'starter', 'professional', 'enterprise'];

function parse(argv: string[]): HubSpotSimulatorOptions {
	const options: HubSpotSimulatorOptions = {};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		const number = () => {
			const n = Number(value());
			if (!Number.isFinite(n)) throw new Error(`${flag} needs a number`);
			return n;
		};
		switch (flag) {
			case '--port':
				options.port = number();
				break;
			case '--host':
				options.host = value();
				break;
			case '--token':
				options.token = value();
				break;
			case '--tier': {
				const tier = value() as HubSpotSimTier;
				if (!TIERS.includes(tier)) throw new Error(`--tier is one of ${TIERS.join(', ')}`);
				options.tier = tier;
				break;
			}
			case '--latency':
				options.latencyMs = number();
				break;
			case '--search-lag':
				options.searchLagMs = number();
				break;
			case '--no-limits':
				options.rateLimit = false;
				options.searchRateLimit = false;
				break;
			case '--empty':
				options.seed = [];
				break;
			case '--help':
				process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${flag}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const simulator = await startHubSpotSimulator(parse(process.argv.slice(2)));
	process.stdout.write(`${simulator.baseUrl}\n`);
	process.stdout.write(
		`${JSON.stringify({ url: simulator.baseUrl, token: simulator.token, limits: simulator.limits })}\n`,
	);
	const shutdown = () => {
		simulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`hubspot simulator: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
