/** The Graph API objects the simulator serves (WABAs, numbers, templates, media) and their seeds. */
export interface SimTemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
	format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
	text?: string;
	buttons?: Array<{
		type: 'URL' | 'QUICK_REPLY' | 'PHONE_NUMBER' | 'COPY_CODE' | 'OTP' | 'CATALOG' | 'FLOW';
		text: string;
		url?: string;
		phone_number?: string;
		/** OTP buttons of authentication templates. */
		otp_type?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
		flow_id?: string;
	}>;
	example?: Record<string, unknown>;
}

export interface SimTemplate {
	id: string;
	name: string;
	language: string;
	status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
	category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
	parameter_format: 'POSITIONAL' | 'NAMED';
	components: SimTemplateComponent[];
}

export interface SimPhoneNumber {
	id: string;
	display_phone_number: string;
	verified_name: string;
	quality_rating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
	code_verification_status: string;
	platform_type: string;
	throughput: { level: 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE' };
	/**
	 * The business portfolio's messaging limit, served on each of its numbers; `messaging_limit_tier`
	 * is deprecated and not served
	 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits).
	 * New portfolios start at 250.
	 */
	whatsapp_business_manager_messaging_limit: SimMessagingLimit;
}

/** Meta's messaging limits: 250, 2,000, 10,000, 100,000 and unlimited. */
export type SimMessagingLimit =
	'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';

export interface SimWaba {
	id: string;
	name: string;
	currency: string;
	timezone_id: string;
	message_template_namespace: string;
	phoneNumbers: SimPhoneNumber[];
	templates: SimTemplate[];
}

/** A phone number as tests write it: only `id` is needed; camelCase or Meta's snake_case fields. */
export type SimPhoneNumberSeed = Partial<SimPhoneNumber> & {
	id: string;
	displayPhoneNumber?: string;
	verifiedName?: string;
	qualityRating?: SimPhoneNumber['quality_rating'];
	throughputLevel?: SimPhoneNumber['throughput']['level'];
};

export type SimTemplateSeed = Partial<SimTemplate> &
	Pick<SimTemplate, 'name' | 'language' | 'components'>;

/** A WABA as tests write it: only `id` is needed. */
export interface SimWabaSeed {
	id: string;
	name?: string;
	currency?: string;
	timezone_id?: string;
	message_template_namespace?: string;
	phoneNumbers?: SimPhoneNumberSeed[];
	templates?: SimTemplateSeed[];
}

export interface SimMedia {
	id: string;
	data: Buffer;
	mimeType: string;
	sha256: string;
	phoneNumberId?: string;
}
