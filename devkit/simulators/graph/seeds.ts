/** The default seed: two WABAs, their numbers, one media file, and the ids and secrets tests use. */
import { defaultTemplates } from './templateSeeds';
import type { SimPhoneNumber, SimWaba } from './types';

/** Ids and secrets of the default seed, for tests. */
export const SIM = {
	token: 'EAAsimulatorTOKEN0000000000000000000000',
	appSecret: 'sim-app-secret-0123456789abcdef',
	verifyToken: 'sim-verify-token',
	app: {
		id: '1234567890123456',
		name: 'SCRM Simulator App',
		link: 'https://www.facebook.com/games/?app_id=1234567890123456',
	},
	wabaId: '100000000000001',
	otherWabaId: '100000000000002',
	phoneNumberId: '110000000000001',
	secondPhoneNumberId: '110000000000002',
	otherWabaPhoneNumberId: '110000000000009',
	displayPhoneNumber: '+852 9123 4567',
	mediaId: '130000000000001',
} as const;

/** A small PNG-like file with bytes that are not valid UTF-8, so a text-decoding transport shows. */
export const SIM_MEDIA_BYTES = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from(Array.from({ length: 248 }, (_, i) => (i * 37 + 11) % 256)),
]);

export function defaultWabas(): SimWaba[] {
	return [
		{
			id: SIM.wabaId,
			name: 'Acme Trading HK',
			currency: 'HKD',
			timezone_id: '77',
			message_template_namespace: 'sim_namespace_0001',
			phoneNumbers: [
				phone(SIM.phoneNumberId, SIM.displayPhoneNumber, 'Acme Trading', 'GREEN', 'STANDARD'),
				phone(SIM.secondPhoneNumberId, '+852 5123 4567', 'Acme Support', 'YELLOW', 'STANDARD'),
			],
			templates: defaultTemplates(),
		},
		{
			id: SIM.otherWabaId,
			name: 'Other Business',
			currency: 'USD',
			timezone_id: '1',
			message_template_namespace: 'sim_namespace_0002',
			phoneNumbers: [
				phone(SIM.otherWabaPhoneNumberId, '+1 555-010-0999', 'Other Business', 'GREEN', 'HIGH'),
			],
			templates: [],
		},
	];
}

function phone(
	id: string,
	display: string,
	name: string,
	quality: SimPhoneNumber['quality_rating'],
	level: 'STANDARD' | 'HIGH',
): SimPhoneNumber {
	return {
		id,
		display_phone_number: display,
		verified_name: name,
		quality_rating: quality,
		code_verification_status: 'VERIFIED',
		platform_type: 'CLOUD_API',
		throughput: { level },
		whatsapp_business_manager_messaging_limit: 'TIER_250',
	};
}
