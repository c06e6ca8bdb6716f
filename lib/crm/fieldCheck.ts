/**
 * The custom fields an adapter writes by default exist only where an admin created them. Rather
 * than fail every write in an org without them, an adapter asks describeFields once which exist,
 * uses only those, and reports the rest (FieldCheck.missing) so the node can say what is not kept.
 */
import type { CanonicalField, CrmField, CrmName, FieldCheck, MissingField } from './types';
import { CrmApiError } from './types';

/** The canonical fields held in custom fields (HubSpot custom properties). */
export const CUSTOM_CANONICAL_FIELDS: CanonicalField[] = [
	'whatsappE164',
	'whatsappUserId',
	'lastInteractionAt',
	'interactionCount',
	'tags',
	'marketingConsent',
];

const NOT_KEPT: Partial<Record<CanonicalField, string>> = {
	whatsappE164: "the customer's WhatsApp number is not kept in a field of its own",
	whatsappUserId: "the customer's WhatsApp user ID is not kept (nor matched on)",
	lastInteractionAt: 'the last interaction time is not kept',
	interactionCount: 'interactions are not counted',
	tags: 'tags are not kept',
	marketingConsent: 'WhatsApp marketing opt-outs and resumes are not kept',
};

export interface FieldChecker {
	/** Memoised after the first successful describe; a failed describe is tried again next time. */
	check(): Promise<FieldCheck>;
	/** The described fields by API name, once a check has succeeded. */
	described(): Map<string, CrmField> | undefined;
}

export function createFieldChecker(opts: {
	crm: CrmName;
	/** The adapter's field names, explicit ones included. */
	fieldNames: Partial<Record<CanonicalField, string>>;
	/** Canonical fields the caller named: used as given, never checked. */
	explicit: Iterable<string>;
	describe: () => Promise<CrmField[]>;
	/** How to create a field, e.g. "a Number field" — completes the message of a missing one. */
	howToCreate: (canonical: CanonicalField, field: string) => string;
	/** The field types that can hold each value; a field of another type is treated as missing. */
	accepts: Partial<Record<CanonicalField, Array<CrmField['type']>>>;
	/** Errors that must stop the run (an expired token) rather than fall back. */
	isFatal: (error: unknown) => boolean;
	/** Called once with the custom fields found, e.g. to read them with every contact. */
	onFound?: (fields: string[]) => void;
}): FieldChecker {
	const explicit = new Set(opts.explicit);
	const unchecked = CUSTOM_CANONICAL_FIELDS.filter((c) => !explicit.has(c) && opts.fieldNames[c]);
	let done: { check: FieldCheck; fields: Map<string, CrmField> } | undefined;
	let pending: Promise<FieldCheck> | undefined;

	const withoutUnchecked = () =>
		Object.fromEntries(
			Object.entries(opts.fieldNames).filter(([c]) => !unchecked.includes(c as CanonicalField)),
		) as FieldCheck['fieldNames'];
	const missing = (canonical: CanonicalField, reason: string, absent = false): MissingField => {
		const field = opts.fieldNames[canonical]!;
		return {
			canonical,
			field,
			absent,
			message: `${reason}, so ${NOT_KEPT[canonical]}: ${opts.howToCreate(canonical, field)}.`,
		};
	};

	async function run(): Promise<FieldCheck> {
		let fields: CrmField[];
		try {
			fields = await opts.describe();
		} catch (error) {
			if (opts.isFatal(error)) throw error;
			// Contacts still get written with the standard fields; the next call checks again.
			const why = error instanceof CrmApiError ? error.info.message : (error as Error).message;
			return {
				fieldNames: withoutUnchecked(),
				missing: unchecked.map((c) =>
					missing(
						c,
						`Could not check whether the contact field ${opts.fieldNames[c]} exists (${why})`,
					),
				),
			};
		}
		const byName = new Map(fields.map((f) => [f.name, f]));
		// A field that exists but cannot take the value would fail every write that names it.
		const unusable = new Map<CanonicalField, string>();
		const absent = new Set<CanonicalField>();
		for (const canonical of unchecked) {
			const name = opts.fieldNames[canonical]!;
			const field = byName.get(name);
			const accepted = opts.accepts[canonical];
			if (!field) {
				unusable.set(canonical, `The ${label(opts.crm)} contact object has no field ${name}`);
				absent.add(canonical);
			} else if (field.readOnly)
				unusable.set(
					canonical,
					`The ${label(opts.crm)} contact field ${name} is read-only for this connection`,
				);
			else if (accepted && !accepted.includes(field.type))
				unusable.set(
					canonical,
					`The ${label(opts.crm)} contact field ${name} is of type ${field.type}, not ${accepted.join(' or ')}`,
				);
			// The package writes instants; a date-only field refuses any that is not midnight UTC.
			else if (canonical === 'lastInteractionAt' && field.dateOnly)
				unusable.set(
					canonical,
					`The ${label(opts.crm)} contact field ${name} holds a date only, not a date and time`,
				);
		}
		const check: FieldCheck = {
			fieldNames: Object.fromEntries(
				Object.entries(opts.fieldNames).filter(([c]) => !unusable.has(c as CanonicalField)),
			) as FieldCheck['fieldNames'],
			missing: [...unusable].map(([canonical, reason]) =>
				missing(canonical, reason, absent.has(canonical)),
			),
		};
		opts.onFound?.(unchecked.filter((c) => !unusable.has(c)).map((c) => opts.fieldNames[c]!));
		done = { check, fields: byName };
		return check;
	}

	return {
		check() {
			if (done) return Promise.resolve(done.check);
			pending ??= run().finally(() => (pending = undefined));
			return pending;
		},
		described: () => done?.fields,
	};
}

function label(crm: CrmName): string {
	return crm === 'zoho' ? 'Zoho CRM' : crm === 'salesforce' ? 'Salesforce' : 'HubSpot';
}
