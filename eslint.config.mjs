import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

export default [
	{
		ignores: [
			'dist/**',
			'.build/**',
			'.host/**',
			'node_modules/**',
			'coverage/**',
			'**/*.js',
			'**/*.mjs',
		],
	},
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
	{
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
		files: ['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts'],
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		rules: {
			// This package targets self-hosted n8n, where dependencies are allowed; it keeps them few
			// (libphonenumber-js for real phone validation, luxon for time zones, axios for library use).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
		},
	},
	{
		// Tests and the n8n host helpers read n8n's REST answers, whose shapes differ between n8n versions.
		files: ['test/e2e/**/*.ts', 'devkit/n8n/**/*.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' },
	},
];
