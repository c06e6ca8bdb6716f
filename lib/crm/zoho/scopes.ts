/**
 * The OAuth scopes each Zoho CRM endpoint the adapter calls needs, as the v8 reference lists them
 * under "Scope". Zoho's 401 OAUTH_SCOPE_MISMATCH names no scope, so the adapter names it from here.
 */

/** What the package's Zoho credential asks for (credentials/ZohoScrmOAuth2Api.credentials.ts). */
export const ZOHO_SCOPES = {
	contacts: 'ZohoCRM.modules.contacts.ALL',
	notes: 'ZohoCRM.modules.notes.ALL',
	attachments: 'ZohoCRM.modules.attachments.ALL',
	fields: 'ZohoCRM.settings.fields.READ',
	// https://www.zoho.com/crm/developer/docs/api/v8/search-records.html: the module scope "(and)
	// ZohoSearch.securesearch.READ".
	search: 'ZohoSearch.securesearch.READ',
} as const;

/** The call in words and the scopes it needs, for a request path (`/crm/v8/Contacts/search`). */
export function zohoScopesFor(path: string): { call: string; scopes: string[] } {
	const parts = path
		.split('?')[0]
		.replace(/^\/*crm\/v\d+\//, '')
		.split('/');
	if (parts[0] === 'settings')
		return { call: 'reading the Contacts fields', scopes: [ZOHO_SCOPES.fields] };
	if (parts[1] === 'search')
		return {
			call: 'searching Contacts (every lookup by phone, email or WhatsApp user id)',
			scopes: [ZOHO_SCOPES.search, ZOHO_SCOPES.contacts],
		};
	if (parts[0] === 'Notes' || parts[2] === 'Notes')
		return {
			call: 'logging a message as a note',
			scopes: [ZOHO_SCOPES.notes, ZOHO_SCOPES.contacts],
		};
	if (parts[2] === 'Attachments')
		return { call: 'attaching a file', scopes: [ZOHO_SCOPES.attachments] };
	return { call: 'reading and writing Contacts', scopes: [ZOHO_SCOPES.contacts] };
}
