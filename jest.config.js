/**
 * Unit and node tests run in-process; test/e2e drives a real n8n, test/editor its editor in Chromium,
 * test/queue a queue-mode deployment.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.dev.json' }];
// n8n user folders and build output hold package.json files of their own.
const modulePathIgnorePatterns = ['<rootDir>/.host/', '<rootDir>/dist/', '<rootDir>/.build/'];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			modulePathIgnorePatterns,
			// test/fuzz: hostile and mutated inputs, each ending in a defined outcome (untimed; bench/hostile.ts times them).
			testMatch: [
				'<rootDir>/test/unit/**/*.test.ts',
				'<rootDir>/test/nodes/**/*.test.ts',
				'<rootDir>/test/fuzz/**/*.test.ts',
			],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
		},
		{
			// Debian's Chromium on the editor of an n8n of its own (port SCRM_E2E_PORT + 200), and on
			// the HTML report: what a user sees before anything runs.
			displayName: 'editor',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/editor/**/*.test.ts'],
		},
		{
			// Starts a queue-mode deployment of its own (scripts/queue-mode.sh) and puts it under load and faults.
			displayName: 'queue',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			modulePathIgnorePatterns,
			testMatch: ['<rootDir>/test/queue/**/*.test.ts'],
		},
	],
};
