export {
	BUILT_IN_PACKS,
	BUILT_IN_TAGS,
	INTENT_TAGS,
	createTagger,
	phrasesOf,
	taggerFor,
	tagMessage,
} from './tagger';
export type {
	CustomRule,
	Intent,
	IntentTag,
	LanguagePack,
	TagResult,
	Tagger,
	TaggerOptions,
	TaggerRule,
} from './tagger';
export { escalate, promptFor, readVerdict } from './escalation';
export type { ChatModel, Escalated, EscalationOptions } from './escalation';
export { detectLanguage } from './language';
export type { Language } from './language';
export { fold } from './normalize';
export { sentimentFromScore } from './sentiment';
export { tierCustomer } from './tiers';
export type {
	CustomerHistory,
	HistoryMessage,
	Purchase,
	Segment,
	Tier,
	TierOptions,
	TierResult,
	TimeInput,
} from './tiers';
