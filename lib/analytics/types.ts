/** The options and the report of analyzeConversations: plain JSON, the same input giving the same bytes. */
import type { TimeStats } from './stats';
import type { HotWordLanguage } from './stopWords';

export type { TimeStats } from './stats';
export type { HotWordLanguage } from './stopWords';

export interface FunnelStage {
	name: string;
	/** A customer reaches the stage when any of their items carries one of these tags; none: every customer. */
	tags?: string[];
}

export interface AnalyticsOptions {
	/** IANA zone for the heatmap and for days (complaint rate). Default Asia/Hong_Kong. */
	timeZone?: string;
	/** Alert when an agent's median response time is above this. Default 6. */
	responseAlertMinutes?: number;
	/** Alert when complaints are above this share of tagged messages (0.05 = 5 %) on `complaintDays` consecutive days. Default 0.05. */
	complaintRate?: number;
	/** Default 3. */
	complaintDays?: number;
	/** Default: first contact → purchase intent (`purchase_intent`) → purchased (`purchased`). */
	funnel?: FunnelStage[];
	/** The report's reference time (waiting customers, `asOf`): epoch ms, ISO text or Date. Default: the latest event. */
	now?: number | string | Date;
	/** Silence after which a customer's next message opens a new conversation, and after which an unanswered one counts as missed. Default 24 (the service window). */
	conversationGapHours?: number;
	/** Hot words listed per language. Default 10. */
	topWords?: number;
}

export interface AgentResponseTimes {
	agent: string;
	/** Replies that answered a waiting customer. */
	replies: number;
	firstResponse: TimeStats;
	response: TimeStats;
	/** Median response above the alert threshold. */
	slow: boolean;
}

export interface WaitingCustomer {
	customer: string;
	name?: string;
	since: string;
	waitingSeconds: number;
}

export interface SyncSystemHealth {
	/** `whatsapp` for the Sender's results, else the CRM (`hubspot`, `zoho`, `salesforce`, `crm`). */
	system: string;
	total: number;
	succeeded: number;
	failed: number;
	/** The Sender held the message back (quota, window, pair rate). */
	deferred: number;
	/** The CRM sync asked a person to decide (ambiguous match, conflict). */
	review: number;
	successRate: number | null;
	/** Attempts beyond the first, summed. */
	retries: number;
	itemsRetried: number;
	errorCodes: Array<{ code: string | number; title?: string; count: number }>;
	deferReasons: Array<{ rule: string; count: number }>;
	/** From the event's time to the send or sync, where both are known. */
	latency: TimeStats;
}

export type Alert =
	| {
			kind: 'slowResponse';
			severity: 'warning' | 'critical';
			agent: string;
			medianSeconds: number;
			thresholdMinutes: number;
			replies: number;
			message: string;
	  }
	| {
			kind: 'complaintRate';
			severity: 'warning' | 'critical';
			from: string;
			to: string;
			days: number;
			maxRate: number;
			threshold: number;
			message: string;
	  };

export interface SkippedItem {
	/** Position in the input (0-based). */
	index: number;
	code: 'notObject' | 'badTimestamp' | 'noTimestamp' | 'unrecognized' | 'unsupported';
	reason: string;
}

export interface ConversationReport {
	version: 1;
	timeZone: string;
	/** The reference time: `now` when given, else the latest event. */
	asOf: string | null;
	period: { from: string | null; to: string | null };
	settings: {
		responseAlertMinutes: number;
		complaintRate: number;
		complaintDays: number;
		conversationGapHours: number;
		funnel: FunnelStage[];
	};
	totals: {
		items: number;
		skipped: number;
		/** Re-deliveries of a message or status already counted (Meta retries webhooks). */
		duplicates: number;
		inbound: number;
		outbound: number;
		statuses: number;
		syncResults: number;
		customers: number;
		conversations: number;
		agents: number;
	};
	responseTimes: {
		thresholdMinutes: number;
		overall: { firstResponse: TimeStats; response: TimeStats };
		agents: AgentResponseTimes[];
		/** Conversations left without a reply for longer than the conversation gap. */
		missed: number;
		/** Customers waiting for a reply at `asOf` (within the gap), longest first (at most 20 listed). */
		waiting: { count: number; customers: WaitingCustomer[] };
		/** Replies whose send time is unknown (no `sentAt` and no status): not timed. */
		untimedReplies: number;
	};
	heatmap: {
		timeZone: string;
		/** Monday first. */
		weekdays: string[];
		/** Inbound messages, [weekday][hour] in the time zone. */
		counts: number[][];
		/** Replies (outbound), same bins. */
		outbound: number[][];
		total: number;
		max: number;
		peak: { weekday: string; hour: number; count: number } | null;
	};
	hotWords: Record<
		HotWordLanguage,
		{ messages: number; words: Array<{ word: string; count: number }> }
	>;
	intentMix: {
		/** Inbound messages carrying the Intent Tagger's `intent`. */
		tagged: number;
		/** Of those, with no tag at all. */
		noTag: number;
		tags: Array<{ tag: string; count: number; share: number }>;
	};
	complaints: {
		threshold: number;
		consecutiveDays: number;
		days: Array<{ date: string; tagged: number; complaints: number; rate: number; over: boolean }>;
		runs: Array<{ from: string; to: string; days: number; maxRate: number }>;
	};
	delivery: {
		/** Outbound messages known from statuses or the Sender's results. */
		messages: number;
		/** Reached delivered (or read: a status can skip straight to read). */
		delivered: number;
		read: number;
		failed: number;
		/** Sent, nothing further known yet. */
		pending: number;
		deliveryRate: number | null;
		readRate: number | null;
		readOfDelivered: number | null;
		failureRate: number | null;
		errors: Array<{ code: number | string; title?: string; count: number }>;
		/** Median time from sent to delivered and to read, where both statuses were seen. */
		timeToDeliver: TimeStats;
		timeToRead: TimeStats;
	};
	funnel: {
		stages: Array<{
			name: string;
			tags: string[];
			customers: number;
			fromPrevious: number | null;
			fromFirst: number | null;
		}>;
	};
	syncHealth: {
		systems: SyncSystemHealth[];
		overall: {
			total: number;
			succeeded: number;
			failed: number;
			successRate: number | null;
			retries: number;
		};
	};
	alerts: Alert[];
	skipped: {
		count: number;
		byCode: Record<string, number>;
		items: SkippedItem[];
		truncated: boolean;
	};
	/** Items used only in part, and why (e.g. a Sender result whose message had an unreadable time). */
	notes: Array<{ index: number; note: string }>;
}
