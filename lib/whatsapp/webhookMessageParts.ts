/**
 * The typed parts of a customer message (media, location, interactive replies, orders, system
 * notices, edits, shared contacts, ad referrals).
 */
import { normalizePhone } from '../phone/normalize';
import { countryOf, waIdToE164 } from './webhookContext';
import type {
	WhatsAppCustomer,
	WhatsAppMediaPart,
	WhatsAppMessageEvent,
	WhatsAppReferral,
	WhatsAppSharedContact,
} from './webhookEvents';
import { boolean, defined, isObject, numberOrNumericText, parseJson, str } from './webhookReaders';
import type { Json } from './webhookReaders';

export function setText(event: WhatsAppMessageEvent, text: string | undefined): void {
	if (text !== undefined) event.text = text;
}

export function mediaOf(part: Json): WhatsAppMediaPart {
	return defined({
		id: str(part.id),
		mimeType: str(part.mime_type),
		sha256: str(part.sha256),
		caption: str(part.caption),
		filename: str(part.filename),
		voice: boolean(part.voice),
		animated: boolean(part.animated),
		url: str(part.url),
	});
}

export function locationOf(part: Json): NonNullable<WhatsAppMessageEvent['location']> {
	return defined({
		latitude: numberOrNumericText(part.latitude),
		longitude: numberOrNumericText(part.longitude),
		name: str(part.name),
		address: str(part.address),
		url: str(part.url),
	});
}

export function readInteractive(event: WhatsAppMessageEvent, part: Json): void {
	const kind = str(part.type) ?? 'unknown';
	const reply = isObject(part[kind]) ? (part[kind] as Json) : {};
	if (kind === 'nfm_reply') {
		// A flow or address form: the answer is the JSON, not words a person typed.
		const payload = str(reply.response_json);
		event.reply = defined({
			kind,
			title: str(reply.name),
			payload,
			response: payload !== undefined ? parseJson(payload) : undefined,
		});
		return;
	}
	event.reply = defined({
		kind,
		id: str(reply.id),
		title: str(reply.title),
		description: str(reply.description),
	});
	setText(event, event.reply.title);
}

export function readOrder(event: WhatsAppMessageEvent, part: Json): void {
	const items: NonNullable<WhatsAppMessageEvent['order']>['items'] = [];
	if (Array.isArray(part.product_items)) {
		for (const item of part.product_items) {
			if (!isObject(item)) continue;
			items.push(
				defined({
					productRetailerId: str(item.product_retailer_id),
					quantity: numberOrNumericText(item.quantity),
					price: numberOrNumericText(item.item_price),
					currency: str(item.currency),
				}),
			);
		}
	}
	event.order = defined({ catalogId: str(part.catalog_id), text: str(part.text), items });
	setText(event, event.order.text);
}

export function readSystem(
	event: WhatsAppMessageEvent,
	part: Json,
	waId: string | undefined,
	userId: string | undefined,
): void {
	const type = str(part.type);
	const newWaId = str(part.wa_id) ?? str(part.new_wa_id);
	const newUserId = str(part.user_id);
	const changedNumber = type === 'user_changed_number' || type === 'customer_changed_number';
	const newPhone = newWaId ? waIdToE164(`+${newWaId}`) : undefined;
	event.system = defined({
		type,
		body: str(part.body),
		previousWaId: changedNumber ? waId : undefined,
		newWaId,
		newE164: newPhone?.ok ? newPhone.e164 : undefined,
		// A new phone number also brings a new BSUID, so both changes name the old one.
		previousUserId: newUserId && newUserId !== userId ? userId : undefined,
		newUserId,
		newParentUserId: str(part.parent_user_id),
	});
	setText(event, event.system.body);
}

export function readEdit(event: WhatsAppMessageEvent, part: Json): void {
	const edited = isObject(part.message) ? part.message : undefined;
	const editedType = edited ? str(edited.type) : undefined;
	const content =
		edited && editedType && isObject(edited[editedType]) ? (edited[editedType] as Json) : undefined;
	event.edit = defined({
		originalMessageId: str(part.original_message_id),
		type: editedType,
		text: content ? (str(content.body) ?? str(content.caption)) : undefined,
	});
	setText(event, event.edit.text);
}

export function sharedContactsOf(
	contacts: unknown[],
	sender: WhatsAppCustomer,
): WhatsAppSharedContact[] {
	// Numbers written without a country code are most likely from the sender's own country.
	const defaultCountry = sender.e164 ? countryOf(sender.e164) : undefined;
	const shared: WhatsAppSharedContact[] = [];
	for (const contact of contacts) {
		if (!isObject(contact)) continue;
		const phones: WhatsAppSharedContact['phones'] = [];
		if (Array.isArray(contact.phones)) {
			for (const phone of contact.phones) {
				if (!isObject(phone)) continue;
				const waId = str(phone.wa_id);
				const written = str(phone.phone);
				const normalised = waId
					? waIdToE164(`+${waId}`)
					: written
						? normalizePhone(written, { defaultCountry })
						: undefined;
				phones.push(
					defined({
						phone: written,
						waId,
						e164: normalised?.ok ? normalised.e164 : undefined,
						type: str(phone.type),
					}),
				);
			}
		}
		const emails: string[] = [];
		if (Array.isArray(contact.emails)) {
			for (const email of contact.emails) {
				const address = isObject(email) ? str(email.email) : undefined;
				if (address) emails.push(address);
			}
		}
		const name = isObject(contact.name)
			? (str(contact.name.formatted_name) ?? str(contact.name.first_name))
			: undefined;
		const organization = isObject(contact.org) ? str(contact.org.company) : undefined;
		shared.push(defined({ name, phones, emails, organization }));
	}
	return shared;
}

export function referralOf(referral: Json): WhatsAppReferral {
	const welcome = referral.welcome_message;
	return defined({
		sourceType: str(referral.source_type),
		sourceId: str(referral.source_id),
		sourceUrl: str(referral.source_url),
		headline: str(referral.headline),
		body: str(referral.body),
		mediaType: str(referral.media_type),
		imageUrl: str(referral.image_url),
		videoUrl: str(referral.video_url),
		thumbnailUrl: str(referral.thumbnail_url),
		ctwaClid: str(referral.ctwa_clid),
		welcomeMessage: isObject(welcome) ? str(welcome.text) : undefined,
	});
}
