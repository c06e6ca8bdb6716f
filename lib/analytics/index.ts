/**
 * Conversation analytics: `analyzeConversations` reads the package's items (trigger messages and
 * statuses, Sender and CRM results, Intent Tagger output, CRM export rows) into one JSON report;
 * `renderReportHtml` turns it into a self-contained HTML page with charts;
 * `unansweredConversations` lists the customers waiting on a reply, for a follow-up list.
 */
export { analyzeConversations } from './analyze';
export { DEFAULT_FUNNEL } from './settings';
export { UNASSIGNED } from './responseTimes';
export { unansweredConversations } from './unanswered';
export type { UnansweredConversation, UnansweredOptions } from './unanswered';
export { renderReportHtml } from './render';
export type { RenderOptions } from './render';
export { segmentWords, hotWordsOf } from './words';
export { STOP_WORDS, HOT_WORD_LANGUAGES } from './stopWords';
export type {
	AnalyticsOptions,
	ConversationReport,
	FunnelStage,
	Alert,
	AgentResponseTimes,
	SyncSystemHealth,
	SkippedItem,
	TimeStats,
	HotWordLanguage,
} from './types';
