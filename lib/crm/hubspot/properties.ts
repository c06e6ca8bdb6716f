/**
 * HubSpot's contact properties: what the portal has (describeFields), which of the package's
 * whatsapp_* properties exist and can hold their values (checkFields), and creating the absent ones
 * when asked to (createMissingProperties). Reads need no check: HubSpot ignores properties a read
 * names that the portal lacks. Writes naming one are refused whole (VALIDATION_ERROR,
 * PROPERTY_DOESNT_EXIST), hence the check.
 */
import type { CrmRequest } from '../http';
import { createFieldChecker, CUSTOM_CANONICAL_FIELDS } from '../fieldCheck';
import { CrmApiError } from '../types';
import type { CanonicalField, CrmField } from '../types';
import type { HubSpotContext } from './context';
import { callError, isFatal } from './errors';
import { PROPERTIES } from './wire';

const HUBSPOT_PROPERTY_TYPES: Partial<Record<CanonicalField, string>> = {
	whatsappE164: 'a Single-line text property with "Require unique values for this property" on',
	whatsappUserId: 'a Single-line text property',
	lastInteractionAt: 'a Date and time picker property (not Date picker, which keeps no time)',
	interactionCount: 'a Number property',
	tags: 'a Multi-line text property',
	marketingConsent: 'a Single-line text property',
};

/** The group and definitions `createMissingProperties` creates the whatsapp_* properties with. */
export const HUBSPOT_WHATSAPP_PROPERTY_GROUP = { name: 'whatsapp_scrm', label: 'WhatsApp SCRM' };
const HUBSPOT_PROPERTY_DEFINITIONS: Partial<
	Record<
		CanonicalField,
		{
			label: string;
			type: string;
			fieldType: string;
			description: string;
			hasUniqueValue?: boolean;
		}
	>
> = {
	whatsappE164: {
		label: 'WhatsApp Number (E.164)',
		type: 'string',
		fieldType: 'text',
		hasUniqueValue: true,
		description:
			"The customer's WhatsApp number in E.164 (+85291234567); unique, so it can key upserts",
	},
	whatsappUserId: {
		label: 'WhatsApp User ID',
		type: 'string',
		fieldType: 'text',
		description: "WhatsApp's business-scoped user ID for the customer",
	},
	lastInteractionAt: {
		label: 'Last WhatsApp Interaction',
		type: 'datetime',
		fieldType: 'date',
		description: "When the customer's last WhatsApp message arrived",
	},
	interactionCount: {
		label: 'WhatsApp Interactions',
		type: 'number',
		fieldType: 'number',
		description: 'How many WhatsApp messages the customer has sent',
	},
	tags: {
		label: 'WhatsApp Tags',
		type: 'string',
		fieldType: 'textarea',
		description: 'Tags from WhatsApp conversations, separated by ;',
	},
	marketingConsent: {
		label: 'WhatsApp Marketing Consent',
		type: 'string',
		fieldType: 'text',
		description:
			'opted_out once the customer stopped marketing messages in WhatsApp, opted_in once they resumed',
	},
};

export function hubspotProperties(ctx: HubSpotContext) {
	const { call, opts, fieldNames, phoneFields } = ctx;

	async function contactProperties(): Promise<Array<Record<string, unknown>>> {
		const response = await call<{ results?: Array<Record<string, unknown>> }>({
			method: 'GET',
			path: PROPERTIES,
			qs: { archived: false },
		});
		return response.body?.results ?? [];
	}

	const explicitFields = new Set<string>([
		...Object.keys(opts.fieldNames ?? {}),
		...(opts.uniqueProperty ? ['whatsappE164'] : []),
	]);
	/** Why a property could not be created, by name: completes its missing-field message. */
	const notCreated = new Map<string, string>();

	/** Creates the absent default properties; a refusal (e.g. the scope) is recorded, not thrown, so contacts still go. */
	async function createProperties(canonicals: CanonicalField[]): Promise<void> {
		const attempt = async (names: string[], request: CrmRequest) => {
			try {
				// 409: it exists already (another run was quicker), which is what was wanted.
				await call({ ...request, accept: [409] });
				return true;
			} catch (error) {
				if (
					error instanceof CrmApiError &&
					(error.info.status === 401 || error.info.code === 'RATE_LIMIT_DAILY')
				)
					throw error;
				for (const name of names) notCreated.set(name, callError(error, true).message);
				return false;
			}
		};
		const names = canonicals.map((c) => fieldNames[c]!);
		if (
			!(await attempt(names, {
				method: 'POST',
				path: `${PROPERTIES}/groups`,
				body: { ...HUBSPOT_WHATSAPP_PROPERTY_GROUP, displayOrder: -1 },
			}))
		)
			return;
		for (const canonical of canonicals) {
			const name = fieldNames[canonical]!;
			await attempt([name], {
				method: 'POST',
				path: PROPERTIES,
				body: {
					name,
					groupName: HUBSPOT_WHATSAPP_PROPERTY_GROUP.name,
					...HUBSPOT_PROPERTY_DEFINITIONS[canonical],
				},
			});
		}
	}

	/** The properties as the check sees them, after creating the absent ones when asked to. */
	async function propertiesForCheck(): Promise<CrmField[]> {
		let properties = await contactProperties();
		if (opts.createMissingProperties) {
			const present = new Set(properties.map((p) => String(p.name)));
			const absent = CUSTOM_CANONICAL_FIELDS.filter(
				(c) => !explicitFields.has(c) && fieldNames[c] && !present.has(fieldNames[c]!),
			);
			if (absent.length > 0) {
				await createProperties(absent);
				// Read back what now exists, including properties another run created meanwhile.
				properties = await contactProperties();
			}
		}
		// Hidden properties too: hidden from forms and the field mapping, they still take values.
		return properties.map(toCrmField);
	}

	async function describeFields(): Promise<CrmField[]> {
		return (await contactProperties())
			.filter((p) => p.hidden !== true || phoneFields.includes(String(p.name)))
			.map(toCrmField);
	}

	const fieldCheck = createFieldChecker({
		crm: 'hubspot',
		fieldNames,
		explicit: explicitFields,
		describe: propertiesForCheck,
		howToCreate: (canonical, field) =>
			`${notCreated.has(field) ? `it could not be created (${notCreated.get(field)}); ` : ''}an admin can add it in Settings › Properties › Contact properties as ${HUBSPOT_PROPERTY_TYPES[canonical]} with the internal name ${field}, or map another field`,
		// Tags are written `;`-joined; a multiple checkboxes property would refuse every tag not among its options.
		accepts: {
			whatsappE164: ['string'],
			whatsappUserId: ['string'],
			lastInteractionAt: ['dateTime'],
			interactionCount: ['number'],
			tags: ['string'],
			marketingConsent: ['string'],
		},
		isFatal,
	});

	return { describeFields, checkFields: () => fieldCheck.check() };
}

function toCrmField(property: Record<string, unknown>): CrmField {
	const type = String(property.type ?? '');
	const fieldType = String(property.fieldType ?? '');
	const options = Array.isArray(property.options)
		? (property.options as Array<{ label?: string; value?: string; hidden?: boolean }>)
		: [];
	const mapped: CrmField['type'] =
		type === 'number'
			? 'number'
			: type === 'bool' || fieldType === 'booleancheckbox'
				? 'boolean'
				: type === 'date' || type === 'datetime'
					? 'dateTime'
					: type === 'enumeration'
						? fieldType === 'checkbox'
							? 'array'
							: 'options'
						: 'string';
	const metadata = (property.modificationMetadata ?? {}) as { readOnlyValue?: boolean };
	const field: CrmField = {
		name: String(property.name),
		label: String(property.label ?? property.name),
		type: mapped,
		...(type === 'date' ? { dateOnly: true } : {}),
		// HubSpot requires no contact property through the API.
		required: false,
		readOnly: metadata.readOnlyValue === true || property.calculated === true,
		unique: property.hasUniqueValue === true,
		custom: property.hubspotDefined !== true,
	};
	const visible = options.filter((o) => !o.hidden);
	if ((mapped === 'options' || mapped === 'array') && visible.length > 0)
		field.options = visible.map((o) => ({
			name: String(o.label ?? o.value),
			value: String(o.value ?? o.label),
		}));
	return field;
}
