/**
 * The Contact object's fields (`GET /sobjects/Contact/describe`) for field mapping, and which of
 * the package's WhatsApp_*__c fields the org has (checkFields): SOQL refuses unknown columns, so
 * the default custom fields are read only once describe has shown they exist.
 */
import { createFieldChecker } from '../fieldCheck';
import type { CanonicalField, CrmField } from '../types';
import type { SalesforceContext } from './context';
import { isFatal } from './errors';

const SALESFORCE_FIELD_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'Text(20) marked External ID and Unique',
	whatsappUserId: 'Text(64)',
	lastInteractionAt: 'Date/Time',
	interactionCount: 'Number(18, 0)',
	marketingConsent: 'Text(16)',
	tags: 'Long Text Area(32768)',
};

export function salesforceFields(ctx: SalesforceContext) {
	const { call, data, fieldNames, named, readFields } = ctx;

	async function describeFields(): Promise<CrmField[]> {
		const response = await call<{ fields?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: `${data}/sobjects/Contact/describe`,
		});
		return (response.body?.fields ?? []).map(toCrmField);
	}

	const fieldCheck = createFieldChecker({
		crm: 'salesforce',
		fieldNames,
		explicit: named,
		describe: describeFields,
		howToCreate: (canonical, field) =>
			`an admin can add it in Setup › Object Manager › Contact › Fields & Relationships as ${SALESFORCE_FIELD_TYPES[canonical]} with the API name ${field} (visible to the integration user), or map another field`,
		// A multi-select picklist takes `;`-joined values too, once its values are defined.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string', 'array'],
			marketingConsent: ['string'],
		},
		isFatal,
		onFound: (found) => readFields.push(...found.filter((name) => !readFields.includes(name))),
	});

	return { describeFields, fieldCheck };
}

function toCrmField(field: Record<string, unknown>): CrmField {
	const sfType = String(field.type ?? '');
	const picklist = Array.isArray(field.picklistValues)
		? (field.picklistValues as Array<{ label?: string; value?: string; active?: boolean }>)
		: [];
	const type: CrmField['type'] = ['int', 'double', 'currency', 'percent', 'long'].includes(sfType)
		? 'number'
		: sfType === 'boolean'
			? 'boolean'
			: sfType === 'date' || sfType === 'datetime'
				? 'dateTime'
				: sfType === 'picklist'
					? 'options'
					: sfType === 'multipicklist'
						? 'array'
						: 'string';
	const out: CrmField = {
		name: String(field.name),
		label: String(field.label ?? field.name),
		type,
		// Required on create: not nillable, settable, and no default filled in by Salesforce.
		required:
			field.nillable === false && field.createable === true && field.defaultedOnCreate !== true,
		readOnly: field.createable !== true && field.updateable !== true,
		unique: field.unique === true,
		custom: field.custom === true,
	};
	const active = picklist.filter((p) => p.active !== false);
	if (active.length > 0)
		out.options = active.map((p) => ({ name: String(p.label ?? p.value), value: String(p.value) }));
	return out;
}
