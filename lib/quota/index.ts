export { createQuotaGuard, STORE_RETRY_MS, storeRetryAt } from './guard';
export type {
	QuotaGuard,
	QuotaGuardOptions,
	QuotaUsage,
	ReserveResult,
	StoreOptions,
	UsageScope,
} from './guard';
export {
	COEXISTENCE_THROUGHPUT_PER_SECOND,
	DEFAULT_FREQUENCY,
	DEFAULT_RULES,
	throughputFor,
} from './config';
export type { Category, FrequencyRule, QuotaRequest, QuotaRules } from './config';
export { QuotaStoreError } from './stores/store';
export { sqliteAvailable } from './stores/sqliteTables';
export {
	capabilityUpdates,
	messagingLimitFromCapabilityUpdate,
	MessagingLimitCache,
	messagingLimitOf,
} from './metaLimit';
