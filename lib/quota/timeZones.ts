/**
 * A customer's time zone from their phone number's country, for quiet hours. Countries with one zone
 * map exactly; a country spanning several gets the zone where most of its people live (marked *).
 * A country missing here has no quiet hours applied: better than guessing a wrong zone.
 */
const ZONES: Record<string, string> = {
	// East and South-East Asia
	CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong', MO: 'Asia/Macau', TW: 'Asia/Taipei', JP: 'Asia/Tokyo', KR: 'Asia/Seoul',
	MN: 'Asia/Ulaanbaatar' /* * */, SG: 'Asia/Singapore', MY: 'Asia/Kuala_Lumpur', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh',
	KH: 'Asia/Phnom_Penh', LA: 'Asia/Vientiane', MM: 'Asia/Yangon', PH: 'Asia/Manila', BN: 'Asia/Brunei',
	ID: 'Asia/Jakarta' /* * */, TL: 'Asia/Dili',
	// South and Central Asia
	IN: 'Asia/Kolkata', PK: 'Asia/Karachi', BD: 'Asia/Dhaka', LK: 'Asia/Colombo', NP: 'Asia/Kathmandu', BT: 'Asia/Thimphu',
	MV: 'Indian/Maldives', AF: 'Asia/Kabul', KZ: 'Asia/Almaty' /* * */, UZ: 'Asia/Tashkent', KG: 'Asia/Bishkek', TJ: 'Asia/Dushanbe',
	TM: 'Asia/Ashgabat',
	// Middle East
	AE: 'Asia/Dubai', SA: 'Asia/Riyadh', QA: 'Asia/Qatar', KW: 'Asia/Kuwait', BH: 'Asia/Bahrain', OM: 'Asia/Muscat', YE: 'Asia/Aden',
	IQ: 'Asia/Baghdad', IR: 'Asia/Tehran', JO: 'Asia/Amman', LB: 'Asia/Beirut', SY: 'Asia/Damascus', IL: 'Asia/Jerusalem',
	PS: 'Asia/Hebron', TR: 'Europe/Istanbul', CY: 'Asia/Nicosia', GE: 'Asia/Tbilisi', AM: 'Asia/Yerevan', AZ: 'Asia/Baku',
	// Europe
	GB: 'Europe/London', IE: 'Europe/Dublin', PT: 'Europe/Lisbon' /* * */, ES: 'Europe/Madrid' /* * */, FR: 'Europe/Paris',
	BE: 'Europe/Brussels', NL: 'Europe/Amsterdam', LU: 'Europe/Luxembourg', DE: 'Europe/Berlin', CH: 'Europe/Zurich',
	AT: 'Europe/Vienna', IT: 'Europe/Rome', MT: 'Europe/Malta', DK: 'Europe/Copenhagen', NO: 'Europe/Oslo', SE: 'Europe/Stockholm',
	FI: 'Europe/Helsinki', IS: 'Atlantic/Reykjavik', PL: 'Europe/Warsaw', CZ: 'Europe/Prague', SK: 'Europe/Bratislava',
	HU: 'Europe/Budapest', SI: 'Europe/Ljubljana', HR: 'Europe/Zagreb', BA: 'Europe/Sarajevo', RS: 'Europe/Belgrade',
	ME: 'Europe/Podgorica', MK: 'Europe/Skopje', AL: 'Europe/Tirane', GR: 'Europe/Athens', BG: 'Europe/Sofia', RO: 'Europe/Bucharest',
	MD: 'Europe/Chisinau', UA: 'Europe/Kyiv', BY: 'Europe/Minsk', LT: 'Europe/Vilnius', LV: 'Europe/Riga', EE: 'Europe/Tallinn',
	RU: 'Europe/Moscow' /* * */,
	// Africa
	EG: 'Africa/Cairo', MA: 'Africa/Casablanca', DZ: 'Africa/Algiers', TN: 'Africa/Tunis', LY: 'Africa/Tripoli', SD: 'Africa/Khartoum',
	NG: 'Africa/Lagos', GH: 'Africa/Accra', CI: 'Africa/Abidjan', SN: 'Africa/Dakar', CM: 'Africa/Douala', KE: 'Africa/Nairobi',
	TZ: 'Africa/Dar_es_Salaam', UG: 'Africa/Kampala', RW: 'Africa/Kigali', ET: 'Africa/Addis_Ababa', SO: 'Africa/Mogadishu',
	ZA: 'Africa/Johannesburg', ZW: 'Africa/Harare', ZM: 'Africa/Lusaka', MZ: 'Africa/Maputo', AO: 'Africa/Luanda',
	CD: 'Africa/Kinshasa' /* * */, NA: 'Africa/Windhoek', BW: 'Africa/Gaborone', MU: 'Indian/Mauritius',
	// Americas
	US: 'America/New_York' /* * */, CA: 'America/Toronto' /* * */, MX: 'America/Mexico_City' /* * */, GT: 'America/Guatemala',
	SV: 'America/El_Salvador', HN: 'America/Tegucigalpa', NI: 'America/Managua', CR: 'America/Costa_Rica', PA: 'America/Panama',
	CU: 'America/Havana', DO: 'America/Santo_Domingo', PR: 'America/Puerto_Rico', JM: 'America/Jamaica', HT: 'America/Port-au-Prince',
	TT: 'America/Port_of_Spain', CO: 'America/Bogota', VE: 'America/Caracas', EC: 'America/Guayaquil' /* * */, PE: 'America/Lima',
	BO: 'America/La_Paz', CL: 'America/Santiago' /* * */, AR: 'America/Argentina/Buenos_Aires', UY: 'America/Montevideo',
	PY: 'America/Asuncion', BR: 'America/Sao_Paulo' /* * */,
	// Oceania
	AU: 'Australia/Sydney' /* * */, NZ: 'Pacific/Auckland' /* * */, FJ: 'Pacific/Fiji', PG: 'Pacific/Port_Moresby',
};

export function timeZoneOf(country: string | undefined): string | undefined {
	return country ? ZONES[country.toUpperCase()] : undefined;
}

/** For tests: every country this table knows. */
export const knownTimeZoneCountries = (): string[] => Object.keys(ZONES);
