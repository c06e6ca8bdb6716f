/**
 * What one input should change on its CRM contact, the same way for every adapter: the fields the
 * package maintains (WhatsApp number and user id, tags, last interaction and count, name, consent)
 * and the mapped ones; per field, the newer value wins (the input's `updatedAt` against the CRM's
 * field or record modification time), and values equal after normalisation are not rewritten, so
 * running the same input twice changes nothing. upsert.ts decides whom to write; this, what.
 */
import type { createPhoneNormalizer } from '../phone';
import type { MarketingConsent } from './consent';
import { toMillis } from './contact';
import type { CrmAdapter, CrmContact } from './types';

export interface ContactInput {
	/** The caller's reference (item index), echoed in the outcome. */
	ref: number;
	/** Any format; normalised to E.164. Read only when `e164` is absent. */
	phone?: string;
	/**
	 * The phone already normalised to E.164 by the caller (the CRM Upsert node reads its Phone
	 * parameter once, at its edge): taken as given, never normalised again.
	 */
	e164?: string;
	email?: string;
	/** WhatsApp's business-scoped user id (BSUID). */
	userId?: string;
	/** When the input's data was last true, epoch ms; absent means now (WhatsApp data is fresh). */
	updatedAt?: number;
	/** The customer's latest message time (ms): moves the CRM's last interaction forward, never back. */
	interactionAt?: number;
	/** The WhatsApp profile name: fills empty name fields, never overwrites a name the CRM holds. */
	name?: string;
	/** Tags to add; the CRM's existing tags are kept. */
	tags?: string[];
	/** Meta-side marketing consent (marketingConsentOf): written to the consent field as given. */
	marketingConsent?: MarketingConsent;
	/** Further fields by the CRM's field name (from the node's field mapping). */
	properties?: Record<string, unknown>;
}

export interface KeptField {
	field: string;
	crmValue: unknown;
	inputValue: unknown;
	crmModifiedAt: number;
	inputUpdatedAt: number;
}

/** An input once identified: its normalised keys and when its data was true. */
export interface Prepared {
	input: ContactInput;
	e164?: string;
	email?: string;
	userId?: string;
	updatedAt: number;
}

/** What the CRM should hold for this input, by CRM field name. */
export function desiredProperties(
	p: Prepared,
	names: CrmAdapter['fieldNames'],
	contact: CrmContact | undefined,
	normalize: ReturnType<typeof createPhoneNormalizer>,
): Record<string, unknown> {
	const out: Record<string, unknown> = { ...(p.input.properties ?? {}) };
	if (p.e164) {
		if (names.whatsappE164) out[names.whatsappE164] = p.e164;
		// A number the CRM already holds in any field, in any format, is not written again.
		const held = contact?.phones.some(
			(phone) =>
				normalize(phone.value).ok && (normalize(phone.value) as { e164: string }).e164 === p.e164,
		);
		const phoneField = names.mobilePhone ?? names.phone;
		if (!held && phoneField && out[phoneField] === undefined) out[phoneField] = p.e164;
	}
	if (p.userId && names.whatsappUserId) out[names.whatsappUserId] = p.userId;
	if (p.input.name?.trim()) {
		const { first, last } = splitName(p.input.name.trim());
		// A number standing in for a name (see the create path) is no name either.
		const placeholder = (value: unknown) =>
			isBlank(value) || value === p.e164 || value === p.email || value === p.userId;
		const blank = (field?: string) =>
			field !== undefined && out[field] === undefined && placeholder(contact?.properties[field]);
		if (blank(names.firstName) && first) out[names.firstName!] = first;
		if (blank(names.lastName) && last) out[names.lastName!] = last;
	}
	if (p.email && names.email && out[names.email] === undefined) out[names.email] = p.email;
	if (
		p.input.marketingConsent &&
		names.marketingConsent &&
		out[names.marketingConsent] === undefined
	)
		out[names.marketingConsent] = p.input.marketingConsent;
	if (p.input.tags?.length && names.tags) {
		const existing = splitTags(contact?.properties[names.tags]);
		const union = [...new Set([...existing, ...p.input.tags.map((t) => t.trim()).filter(Boolean)])];
		if (union.length !== existing.length) out[names.tags] = union.join(';');
	}
	if (p.input.interactionAt !== undefined && names.lastInteractionAt) {
		const previous = toMillis(contact?.properties[names.lastInteractionAt]);
		// Only a newer interaction counts, which also makes a re-run count nothing. Whole seconds:
		// WhatsApp's timestamps have no more, and Zoho's DateTime fields keep no milliseconds.
		if (
			previous === undefined ||
			Math.floor(p.input.interactionAt / 1000) > Math.floor(previous / 1000)
		) {
			out[names.lastInteractionAt] = new Date(p.input.interactionAt).toISOString();
			if (names.interactionCount)
				out[names.interactionCount] =
					(Number(contact?.properties[names.interactionCount]) || 0) + 1;
		}
	}
	return out;
}

/** The fields to write, and the ones kept because the CRM's value is newer. */
export function diff(
	desired: Record<string, unknown>,
	contact: CrmContact | undefined,
	inputUpdatedAt: number,
	normalize: ReturnType<typeof createPhoneNormalizer>,
	names: CrmAdapter['fieldNames'],
): { changes: Record<string, unknown>; kept: KeptField[] } {
	if (!contact) return { changes: { ...desired }, kept: [] };
	const changes: Record<string, unknown> = {};
	const kept: KeptField[] = [];
	const phoneFields = new Set(contact.phones.map((p) => p.field));
	// Fields the package maintains itself only ever move forward; the conflict policy is for the user's data.
	const maintained = new Set(
		[
			names.lastInteractionAt,
			names.interactionCount,
			names.tags,
			names.whatsappE164,
			names.whatsappUserId,
		].filter(Boolean),
	);
	for (const [field, value] of Object.entries(desired)) {
		const current = contact.properties[field];
		if (same(current, value, phoneFields.has(field) ? normalize : undefined)) continue;
		const crmModifiedAt = contact.fieldModifiedAt?.[field] ?? contact.modifiedAt;
		const empty = isBlank(current);
		if (!empty && !maintained.has(field) && crmModifiedAt > inputUpdatedAt) {
			kept.push({ field, crmValue: current, inputValue: value, crmModifiedAt, inputUpdatedAt });
			continue;
		}
		changes[field] = value;
	}
	return { changes, kept };
}

function same(
	a: unknown,
	b: unknown,
	normalize?: ReturnType<typeof createPhoneNormalizer>,
): boolean {
	if (a === b) return true;
	if (a === undefined || a === null || a === '') return b === undefined || b === null || b === '';
	if (normalize) {
		const x = normalize(String(a));
		const y = normalize(String(b));
		if (x.ok && y.ok) return x.e164 === y.e164;
	}
	const ta = toMillis(a);
	const tb = toMillis(b);
	if (
		ta !== undefined &&
		tb !== undefined &&
		typeof a === 'string' &&
		typeof b === 'string' &&
		/\d{4}-\d\d-\d\d/.test(a)
	)
		return ta === tb;
	return String(a).trim() === String(b).trim();
}

/**
 * A profile name into first and last name for CRMs that require a last name (Salesforce, Zoho).
 * Names in CJK or Thai script, and single words, go whole into the last name: splitting "陳大文"
 * or "สมชาย" by spaces would be wrong, and the last name is the field CRMs insist on.
 */
function splitName(name: string): { first?: string; last: string } {
	const words = name.split(/\s+/);
	if (words.length === 1 || /[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]/.test(name))
		return { last: name };
	return { first: words.slice(0, -1).join(' '), last: words[words.length - 1] };
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

function splitTags(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String);
	if (typeof value !== 'string' || value.trim() === '') return [];
	return value
		.split(/[;,]/)
		.map((t) => t.trim())
		.filter(Boolean);
}
