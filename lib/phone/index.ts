export { normalizePhone, createPhoneNormalizer } from './normalize';
export type { PhoneResult, PhoneOptions } from './normalize';
