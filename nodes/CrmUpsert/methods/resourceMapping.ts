import type { FieldType, ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { CrmField, CrmName } from '../../../lib/crm';
import { credentialChosen } from '../../shared/editorCredential';
import { REDIS_CREDENTIAL } from '../../shared/credentialNames';
import { choiceLabels } from '../../shared/subtitle';
import { crmProperty } from '../actions/common';
import { CREDENTIAL_OF, crmAdapter, crmNodeError } from '../transport/adapter';

const TYPE_OF: Record<CrmField['type'], FieldType> = {
	string: 'string',
	number: 'number',
	boolean: 'boolean',
	dateTime: 'dateTime',
	options: 'options',
	array: 'array',
};

/** The CRM's contact fields, standard and custom, for the visual field mapping. */
export async function getContactFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	// The editor asks as soon as the panel opens; without a credential there is nothing to list,
	// which is said in the panel instead of thrown (n8n would log a stack trace and answer 500).
	const missing = missingCredential(this);
	if (missing) return { fields: [], emptyFieldsNotice: missing };
	let fields: CrmField[];
	let filledByNode: Set<string>;
	try {
		const adapter = await crmAdapter(this);
		fields = await adapter.describeFields();
		// Names, phones, email and the WhatsApp fields come from the node's own parameters.
		filledByNode = new Set(
			Object.values(adapter.fieldNames).filter((name): name is string => Boolean(name)),
		);
	} catch (error) {
		const wrapped = crmNodeError(this, error);
		throw wrapped instanceof NodeApiError
			? wrapped
			: new NodeApiError(this.getNode(), {}, { message: (error as Error).message });
	}
	const writable = fields.filter((field) => !field.readOnly);
	if (writable.length === 0)
		return {
			fields: [],
			emptyFieldsNotice: `${crmLabel(this)} lists no contact fields this credential may write`,
		};
	return {
		fields: writable
			.sort(
				(a, b) =>
					Number(Boolean(b.required)) - Number(Boolean(a.required)) ||
					a.label.localeCompare(b.label),
			)
			.map((field) => ({
				id: field.name,
				displayName: field.custom ? `${field.label} (custom)` : field.label,
				required: Boolean(field.required) && !filledByNode.has(field.name),
				defaultMatch: false,
				canBeUsedToMatch: Boolean(field.unique),
				display: true,
				type: TYPE_OF[field.type] ?? 'string',
				...(field.options ? { options: field.options } : {}),
			})),
	};
}

function crmLabel(fn: ILoadOptionsFunctions): string {
	const labels = new Map(Object.entries(choiceLabels([crmProperty], 'crm')));
	return labels.get(String(fn.getCurrentNodeParameter('crm'))) ?? 'The CRM';
}

/** What to set up before the fields can be listed, or undefined when the node has it. */
function missingCredential(fn: ILoadOptionsFunctions): string | undefined {
	const crm = String(fn.getCurrentNodeParameter('crm') ?? crmProperty.default);
	// Not a CRM of ours: crmAdapter reports that with the node's own error.
	if (!Object.hasOwn(CREDENTIAL_OF, crm)) return undefined;
	const type = CREDENTIAL_OF[crm as CrmName];
	if (!credentialChosen(fn, type))
		// n8n's field mapping asks again when the panel opens, not when a credential is chosen.
		return `Set up a ${crmLabel(fn)} credential above, then reopen this node to map its contact fields, standard and custom`;
	if (
		fn.getCurrentNodeParameter('rateLimitStore') === 'redis' &&
		!credentialChosen(fn, REDIS_CREDENTIAL)
	)
		return 'Set up the Redis credential above (Share Rate Limits Through: Redis), then reopen this node to map the contact fields';
	return undefined;
}
