/**
 * Runs the Graph API simulator on its own, for the sandbox and benchmarks:
 *
 *   node .build/devkit/simulators/cli.js --port 8787 [--host 127.0.0.1] [--token T]... [--app-secret S]
 *        [--latency MS] [--throughput N] [--pair-interval MS] [--pair-burst N] [--no-window] [--no-limits]
 *        [--app-callback URL] [--public-url URL] [--tls-key FILE --tls-cert FILE]
 *
 * Prints the base URL on the first line of stdout, then a JSON line with the seeded ids.
 * Other processes steer it through /__sim/{state,sent,reset,inbound,limits,faults}.
 */
import fs from 'node:fs';

import { SIM, startGraphApiSimulator } from './graphApi';
import type { SimulatorLimits, SimulatorOptions } from './graphApi';

function parse(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = {};
	const limits: Partial<SimulatorLimits> = {};
	const tokens: string[] = [];
	let noLimits = false;
	let tlsKey: string | undefined;
	let tlsCert: string | undefined;
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
				tokens.push(value());
				break;
			case '--app-secret':
				options.appSecret = value();
				break;
			case '--latency':
				options.latencyMs = number();
				break;
			case '--throughput':
				limits.throughputPerSecond = number();
				break;
			case '--pair-interval':
				limits.pairIntervalMs = number();
				break;
			case '--pair-burst':
				limits.pairBurst = number();
				break;
			case '--no-window':
				limits.serviceWindowMs = 0;
				break;
			case '--no-limits':
				noLimits = true;
				break;
			case '--app-callback':
				options.appCallbackUrl = value();
				break;
			case '--public-url':
				options.publicUrl = value();
				break;
			case '--tls-key':
				tlsKey = value();
				break;
			case '--tls-cert':
				tlsCert = value();
				break;
			case '--help':
				process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${flag}`);
		}
	}
	if (tokens.length) options.accessTokens = tokens;
	options.limits = noLimits ? false : limits;
	if (tlsKey || tlsCert) {
		if (!tlsKey || !tlsCert) throw new Error('--tls-key and --tls-cert go together');
		options.tls = { key: fs.readFileSync(tlsKey), cert: fs.readFileSync(tlsCert) };
	}
	return options;
}

async function main(): Promise<void> {
	const options = parse(process.argv.slice(2));
	const simulator = await startGraphApiSimulator(options);
	process.stdout.write(`${simulator.url}\n`);
	process.stdout.write(
		`${JSON.stringify({
			url: simulator.url,
			tokens: options.accessTokens ?? [SIM.token],
			appSecret: options.appSecret ?? SIM.appSecret,
			wabaId: SIM.wabaId,
			phoneNumberIds: [SIM.phoneNumberId, SIM.secondPhoneNumberId],
			mediaId: SIM.mediaId,
			limits: simulator.state.limits,
		})}\n`,
	);
	const shutdown = () => {
		simulator.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`graph api simulator: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.exit(1);
});
