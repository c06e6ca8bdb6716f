/**
 * A customer's time zone from their phone number's country, for quiet hours. Countries with one
 * zone map exactly; for countries spanning several, the zone where most of their people live.
 */
const ZONES: Record<string, string> = {
	HK: 'Asia/Hong_Kong', MO: 'Asia/Macau', TW: 'Asia/Taipei', CN: 'Asia/Shanghai', TH: 'Asia/Bangkok',
	RU: 'Europe/Moscow', SG: 'Asia/Singapore', MY: 'Asia/Kuala_Lumpur', ID: 'Asia/Jakarta', PH: 'Asia/Manila',
	VN: 'Asia/Ho_Chi_Minh', KH: 'Asia/Phnom_Penh', MM: 'Asia/Yangon', JP: 'Asia/Tokyo', KR: 'Asia/Seoul',
	IN: 'Asia/Kolkata', AE: 'Asia/Dubai', SA: 'Asia/Riyadh', KZ: 'Asia/Almaty', UA: 'Europe/Kyiv',
	BY: 'Europe/Minsk', GB: 'Europe/London', DE: 'Europe/Berlin', FR: 'Europe/Paris', ES: 'Europe/Madrid',
	IT: 'Europe/Rome', NL: 'Europe/Amsterdam', TR: 'Europe/Istanbul', US: 'America/New_York', CA: 'America/Toronto',
	MX: 'America/Mexico_City', BR: 'America/Sao_Paulo', AR: 'America/Argentina/Buenos_Aires', AU: 'Australia/Sydney',
	NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg', NG: 'Africa/Lagos', EG: 'Africa/Cairo', IL: 'Asia/Jerusalem',
};

export function timeZoneOf(country: string | undefined): string | undefined {
	return country ? ZONES[country.toUpperCase()] : undefined;
}
