/**
 * Finding the approved template a send names ("name::language"), once per run: Meta's template
 * list is read at most once, and a paused or disabled template is refused with why.
 */
import type { GraphClient, MessageTemplate } from '../whatsapp/graphClient';
import { MessageInputError } from '../whatsapp/messages';

/**
 * Meta paused (quality dropped) or disabled the template: a send would come back 132015 / 132016,
 * so the item is deferred before any request. Meta's `message_template_status_update` webhook
 * (the trigger's template events) announces it; the template list the Sender reads says it.
 * Source: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-pacing-and-pausing
 */
export class TemplateUnavailableError extends Error {
	constructor(
		readonly template: string,
		readonly status: string,
	) {
		super(
			status === 'PAUSED'
				? `Template "${template}" is paused by Meta (its quality dropped): nothing was sent. Meta lifts a first pause after 3 hours, a second after 6; edit the template or send another meanwhile.`
				: `Template "${template}" is disabled by Meta: nothing was sent. Edit it and submit it again, or send another template.`,
		);
		this.name = 'TemplateUnavailableError';
	}
}

const BLOCKED_STATUSES = new Set(['PAUSED', 'DISABLED']);

/** The approved template a key names; throws MessageInputError or TemplateUnavailableError. */
export type FindTemplate = (key: string) => Promise<MessageTemplate>;

/** A finder that reads the WhatsApp Business Account's templates once, on first use. */
export function templateFinder(client: GraphClient, wabaId: string): FindTemplate {
	let templates: Promise<MessageTemplate[]> | undefined;
	return async (key) => {
		// Every status: a paused or disabled template is deferred with the reason, not "not found".
		templates ??= client.listTemplates(wabaId);
		const [name, language] = key.split('::');
		const named = (await templates).filter(
			(candidate) => candidate.name === name && (!language || candidate.language === language),
		);
		const template = named.find((candidate) => candidate.status === 'APPROVED');
		const blocked = named.find((candidate) => BLOCKED_STATUSES.has(candidate.status));
		if (!template && blocked)
			throw new TemplateUnavailableError(`${blocked.name}::${blocked.language}`, blocked.status);
		if (!template)
			throw new MessageInputError(
				`No approved template "${name}"${language ? ` in ${language}` : ''} in this WhatsApp Business Account`,
			);
		return template;
	};
}
