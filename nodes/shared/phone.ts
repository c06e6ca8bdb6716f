import type { INodeProperties } from 'n8n-workflow';

/**
 * The "Default Country" option every node that reads phone numbers offers; `where` says which
 * numbers it applies to when that is more than the input.
 */
export function defaultCountryOption(where?: string): INodeProperties {
	return {
		displayName: 'Default Country',
		name: 'defaultCountry',
		type: 'string',
		default: '',
		placeholder: 'HK',
		description: `Country for phone numbers written without a country code${where ? `, ${where}` : ''} (ISO code such as HK, TW, CN, TH, RU)`,
	};
}
