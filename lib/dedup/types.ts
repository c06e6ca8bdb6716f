/** The contact dedup engine's public shapes. */

export interface Purchase {
	/** A product code or name; standardised through `productMap` before comparison. */
	sku: string;
	/** ISO-8601 or ms epoch. */
	at: string | number;
	[field: string]: unknown;
}

export interface Contact {
	id: string;
	name?: string;
	phones?: string[];
	phone?: string;
	email?: string;
	/** WhatsApp business-scoped user id (BSUID), e.g. 'HK.1502576394655843'. */
	userId?: string;
	/** ISO-8601 or ms epoch: when the record last changed. */
	updatedAt?: string | number;
	/** Per-field modification times (ms epoch or ISO); override `updatedAt` for that field. */
	fieldUpdatedAt?: Record<string, number | string>;
	purchases?: Purchase[];
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	[field: string]: any;
}

/**
 * How one field is compared.
 * - `phone`: E.164 after normalising any format; any shared number agrees. `phone` and `phones` are read together.
 * - `email`: lower-case, plus-tags and Gmail dots off (see `gmailNormalize`); `email` and `emails` are read together.
 * - `exact`: equal after trimming, case folding and collapsing spaces (ids, postcodes, BSUIDs).
 * - `levenshtein` | `jaroWinkler` | `dice`: text similarity on case- and accent-folded text, CJK per
 *   character, word order ignored ("Chan Tai Man" = "Tai Man Chan").
 * - `date`: the same day whatever the format; a one-digit slip or day/month swap counts as close.
 * - `purchases`: the same product code bought within `purchaseWindowDays`.
 */
export type MatchMethod =
	'exact' | 'phone' | 'email' | 'levenshtein' | 'jaroWinkler' | 'dice' | 'date' | 'purchases';

export interface FieldRule {
	field: string;
	method: MatchMethod;
	/**
	 * Evidence of full agreement in bits (log2 of the likelihood ratio, Fellegi-Sunter's match
	 * weight). Partial agreement and disagreement scale with it. Absent or 0: the engine's weight,
	 * from its m-probabilities and the data's value frequencies.
	 */
	weight?: number;
	/**
	 * Two records holding different values of this field, and none in common, are two people: a
	 * group never joins across them and the pair goes to Review with that reason. Default: true for
	 * an `exact` rule on `userId` (a BSUID is one per person per business), false otherwise.
	 */
	conflict?: boolean;
	/** Text methods: similarity at which values count as agreeing (levenshtein 0.8, jaroWinkler 0.88, dice 0.7). */
	minSimilarity?: number;
}

export interface DedupOptions {
	/** Fields and methods; default `DEFAULT_FIELDS` (name, phones, email, userId, purchases). */
	fields?: FieldRule[];
	/** Match probability at or above which a pair merges automatically. Default 0.9. */
	threshold?: number;
	/** Match probability at or above which a pair that does not merge is listed for review. Default 0.3. */
	reviewThreshold?: number;
	/** ISO country for phone numbers written without a country code, e.g. 'HK'. */
	defaultCountry?: string;
	/** A contact field holding its own ISO country, used before `defaultCountry`. Default 'country'. */
	countryField?: string;
	/** Product names to codes ("iPhone15 Pro Max" → "APL-IP15PM"); keys match case- and space-insensitively. */
	productMap?: Record<string, string>;
	/** Same product bought within this many days counts as agreement. Default 90. */
	purchaseWindowDays?: number;
	/** Gmail/Googlemail: dots in the local part ignored; every domain: "+tag" ignored. Default true. */
	gmailNormalize?: boolean;
	/** Which record of a group keeps its id. Default 'mostComplete'. */
	survivor?: 'mostComplete' | 'mostRecent' | 'oldest';
	/** Exact-key blocks larger than this are searched by sorted neighbourhood instead of all pairs. Default 50. */
	maxBlockSize?: number;
	/** Sorted-neighbourhood window (records compared with the next window−1). Default 8. */
	window?: number;
	/**
	 * Parameters a run learned before (`DedupResult.parameters`): used as they are instead of learning
	 * again, so two runs decide alike (incremental runs). Ignored when its fields are not this run's.
	 */
	parameters?: LearnedParameters;
}

/** A run's learned parameters, unrounded: the prior and, per field rule, m and u per level. */
export interface LearnedParameters {
	prior: number;
	fields: Array<{ field: string; method: MatchMethod; m: number[]; u: number[] }>;
}

export interface MatchReason {
	field: string;
	method: MatchMethod;
	/** Similarity 0..1 (1 = the same value; for phones, emails and ids 1 or 0). */
	score: number;
	/** Bits this field added to (or, when negative, took from) the pair's evidence. */
	weight: number;
	/** The two records' values, as given. */
	values: [unknown, unknown];
}

export interface PairExplanation {
	a: string;
	b: string;
	/** Match probability 0..1. */
	score: number;
	reasons: MatchReason[];
	/** On a pair at or above the merge threshold left unmerged: the conflict that kept it apart. */
	reason?: string;
}

export interface MergeLogEntry {
	field: string;
	/** The value kept and where it came from. */
	value: unknown;
	from: string;
	/** Its modification time (ms epoch); absent when no record carried one. */
	at?: number;
	/** Values that lost, each with its record and time: nothing is thrown away. */
	rejected: Array<{ value: unknown; from: string; at?: number }>;
}

export interface MergedContact extends Contact {
	/** Absorbed contact ids (the survivor keeps `id`). */
	mergedFrom: string[];
	/** Scalar fields where the group disagreed: the winner and every loser. */
	mergeLog: MergeLogEntry[];
	/** The pair evidence that joined the group. */
	matchedBy: PairExplanation[];
}

export interface DedupResult {
	/** Ids of each group of two or more, sorted; groups sorted by their first id. */
	clusters: string[][];
	/** One record per group. */
	merged: MergedContact[];
	/** Absorbed id → survivor id. */
	mergeMap: Record<string, string>;
	/** Doubtful pairs, most likely first. */
	review: PairExplanation[];
	/** What the run learned (or was given), to be given to a later run. */
	parameters: LearnedParameters;
	stats: DedupStats;
}

export interface DedupStats {
	contacts: number;
	candidatePairs: number;
	mergePairs: number;
	reviewPairs: number;
	/** Joins of two groups refused by a conflict (their sure pairs are in `review` with the reason). */
	refusedJoins: number;
	/**
	 * The learned model, so a person can see why: the prior (log2 odds that two random contacts are
	 * one person) and, per field and level, m (share of true pairs reaching it), u (share of
	 * different people reaching it) and the bits log2(m / u) it adds. Exact agreement's bits are the
	 * average; a rare value adds more and a common one less (term-frequency adjustment).
	 */
	model: LearnedWeights;
	millis: number;
	/** Milliseconds per phase: read, estimate, block, score, cluster, explain, merge. */
	phases: Record<string, number>;
}

export interface LearnedWeights {
	prior: number;
	emRounds: number;
	fields: Array<{
		field: string;
		method: MatchMethod;
		/** False where the rule set its own weight. */
		learned: boolean;
		levels: Array<{ level: string; m: number; u: number; bits: number }>;
	}>;
}
