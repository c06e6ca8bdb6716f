/** How the simulator names customers: phone digits, business-scoped user ids, pair keys. */

export function digits(value: string): string {
	return value.replace(/\D/g, '');
}

/** A business-scoped user id (`HK.1502576394655843`) or parent id (`US.ENT.…`). */
export function isUserId(value: string): boolean {
	return /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/.test(value);
}

/** The key the simulator keeps a customer under: a user id as it is, a phone by its digits. */
export function customerKey(value: string): string {
	return isUserId(value) ? value : digits(value);
}

export function pairKey(phoneNumberId: string, waId: string): string {
	return `${phoneNumberId}|${waId}`;
}
