/**
 * The Contacts module's fields (`GET /crm/v8/settings/fields?module=Contacts`) for field mapping,
 * and which of the package's WhatsApp_* fields the org has (checkFields): the default custom
 * fields are read only once describe has shown they exist.
 */
import { createFieldChecker } from '../fieldCheck';
import type { CanonicalField, CrmField } from '../types';
import type { ZohoContext } from './context';
import { isFatal } from './errors';

const ZOHO_FIELD_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'Single Line field with "Do not allow duplicate values" ticked',
	whatsappUserId: 'Single Line field',
	lastInteractionAt: 'Date/Time field',
	interactionCount: 'Number field',
	marketingConsent: 'Single Line field',
	tags: 'Multi-Line (Small) field',
};

export function zohoFields(ctx: ZohoContext) {
	const { call, opts, root, moduleName, fieldNames, readFields } = ctx;

	async function describeFields(): Promise<CrmField[]> {
		const response = await call<{ fields?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: `${root}/settings/fields`,
			qs: { module: moduleName },
		});
		return (response.body?.fields ?? []).map(toCrmField);
	}

	const fieldCheck = createFieldChecker({
		crm: 'zoho',
		fieldNames,
		explicit: Object.keys(opts.fieldNames ?? {}),
		describe: describeFields,
		howToCreate: (canonical, field) =>
			`an admin can add it in Setup › Modules and Fields › Contacts as a ${ZOHO_FIELD_TYPES[canonical]} whose API name is ${field}, or map another field`,
		// Tags are written as `;`-joined text: a multi-select picklist would refuse it.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string'],
			marketingConsent: ['string'],
		},
		isFatal,
		onFound: (found) => readFields.push(...found.filter((name) => !readFields.includes(name))),
	});

	return { describeFields, fieldCheck };
}

function toCrmField(field: Record<string, unknown>): CrmField {
	const dataType = String(field.data_type ?? '');
	const picklist = Array.isArray(field.pick_list_values)
		? (field.pick_list_values as Array<{ display_value?: string; actual_value?: string }>)
		: [];
	const type: CrmField['type'] = [
		'integer',
		'double',
		'currency',
		'bigint',
		'decimal',
		'percent',
	].includes(dataType)
		? 'number'
		: dataType === 'boolean'
			? 'boolean'
			: dataType === 'date' || dataType === 'datetime'
				? 'dateTime'
				: dataType === 'picklist'
					? 'options'
					: dataType === 'multiselectpicklist'
						? 'array'
						: 'string';
	const out: CrmField = {
		name: String(field.api_name),
		label: String(field.field_label ?? field.display_label ?? field.api_name),
		type,
		required: field.system_mandatory === true,
		readOnly: field.read_only === true || field.field_read_only === true,
		// `unique` is an object ({casesensitive}) when the field refuses duplicates, absent or null otherwise.
		unique: field.unique !== undefined && field.unique !== null && field.unique !== false,
		custom: field.custom_field === true,
	};
	if (picklist.length > 0)
		out.options = picklist.map((p) => ({
			name: String(p.display_value ?? p.actual_value),
			value: String(p.actual_value ?? p.display_value),
		}));
	return out;
}
