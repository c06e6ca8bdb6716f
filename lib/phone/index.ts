export { normalizePhone, createPhoneNormalizer } from './normalize';
export type { PhoneResult, PhoneOptions, PhoneNormalizerOptions } from './normalize';
