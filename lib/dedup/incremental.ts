/**
 * Incremental runs: a dedup index keeps what a run learned (its parameters), a fingerprint of every
 * contact it read, and its decisions (groups and review pairs). The next run over the list uses the
 * index's parameters as they are, so its decisions are those of a full run with those parameters,
 * and says which groups and review pairs are new since the index (the nightly workflow acts only on
 * those). Parameters are learned again when there is no usable index, the options changed, or more
 * than `RELEARN_SHARE` of the list changed (of at least `RELEARN_MIN_CONTACTS`).
 *
 * Not yet: reading only the changed contacts. Every run still reads, blocks and scores the whole
 * list (see docs/contact-dedup.md, "Incremental runs").
 */
import { createHash } from 'node:crypto';

import { dedupeContacts } from './index';
import type { Contact, DedupOptions, DedupResult, LearnedParameters } from './types';

export const INDEX_FORMAT = 'scrm-contact-dedup-index';
export const INDEX_VERSION = 1;
/** More than this share of the list added, changed or removed: learn the parameters again. */
export const RELEARN_SHARE = 0.2;
/** Lists shorter than this count as this long for `RELEARN_SHARE`: a few edits to a short list keep the model. */
export const RELEARN_MIN_CONTACTS = 500;

export interface DedupIndex {
	format: typeof INDEX_FORMAT;
	version: typeof INDEX_VERSION;
	/** The decision-making options the index was built with (parameters aside). */
	options: string;
	parameters: LearnedParameters;
	/** Contact id → fingerprint of the contact as the run read it. */
	fingerprints: Record<string, string>;
	/** Groups (sorted ids) and review pairs ("a\u0000b", a < b) of the run that wrote the index. */
	groups: string[][];
	review: string[];
	/** ISO time the parameters were learned. */
	learnedAt: string;
	writtenAt: string;
}

export interface IncrementalResult {
	result: DedupResult;
	/** 'learned': parameters learned on this list; 'reused': the index's parameters. */
	parameters: 'learned' | 'reused';
	/** Why the parameters were learned again (absent when reused). */
	relearnReason?: string;
	added: string[];
	changed: string[];
	removed: string[];
	/** Per `result.clusters` entry: true when the index did not have this exact group. */
	newGroup: boolean[];
	/** Per `result.review` entry: true when the index did not have this pair in review. */
	newReview: boolean[];
	index: DedupIndex;
}

/**
 * One run against the previous index (`undefined` or anything unreadable: a first run). Decisions
 * are always a full run's with the parameters used (`result.parameters`).
 */
export function dedupeIncremental(
	contacts: Contact[],
	previous: unknown,
	opts: DedupOptions & { relearn?: boolean; now?: Date } = {},
): IncrementalResult {
	const { relearn, now, parameters: _ignored, ...options } = opts;
	const optionsKey = optionsFingerprint(options);
	const index = readIndex(previous);
	const fingerprints: Record<string, string> = Object.create(null) as Record<string, string>;
	const added: string[] = [];
	const changed: string[] = [];
	for (const contact of contacts) {
		const id = contact?.id;
		if (typeof id !== 'string') continue; // dedupeContacts refuses it below
		const print = fingerprint(contact);
		fingerprints[id] = print;
		const before =
			index && Object.hasOwn(index.fingerprints, id) ? index.fingerprints[id] : undefined;
		if (before === undefined) added.push(id);
		else if (before !== print) changed.push(id);
	}
	const removed = index
		? Object.keys(index.fingerprints).filter((id) => !(id in fingerprints))
		: [];
	const touched = added.length + changed.length + removed.length;
	const relearnReason = relearn
		? 'asked to learn again'
		: !index
			? previous === undefined
				? 'no index yet'
				: 'the index could not be read (another format or version)'
			: index.options !== optionsKey
				? 'the options changed since the index was built'
				: touched > RELEARN_SHARE * Math.max(contacts.length, RELEARN_MIN_CONTACTS)
					? `${touched} of ${contacts.length} contacts added, changed or removed (more than ${RELEARN_SHARE * 100} %)`
					: undefined;
	const reuse = relearnReason === undefined && index !== undefined;
	const result = dedupeContacts(
		contacts,
		reuse ? { ...options, parameters: index.parameters } : options,
	);
	const knownGroups = new Set(index?.groups.map((g) => g.join('\u0000')) ?? []);
	const knownReview = new Set(index?.review ?? []);
	const review = result.review.map((pair) => pairKey(pair.a, pair.b));
	const written = (now ?? new Date()).toISOString();
	return {
		result,
		parameters: reuse ? 'reused' : 'learned',
		...(relearnReason ? { relearnReason } : {}),
		added,
		changed,
		removed,
		newGroup: result.clusters.map((g) => !knownGroups.has(g.join('\u0000'))),
		newReview: review.map((key) => !knownReview.has(key)),
		index: {
			format: INDEX_FORMAT,
			version: INDEX_VERSION,
			options: optionsKey,
			parameters: result.parameters,
			fingerprints,
			groups: result.clusters,
			review,
			learnedAt: reuse ? index.learnedAt : written,
			writtenAt: written,
		},
	};
}

function pairKey(a: string, b: string): string {
	return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** The index when it is one this version wrote; undefined otherwise. */
export function readIndex(value: unknown): DedupIndex | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const v = value as Partial<DedupIndex>;
	if (v.format !== INDEX_FORMAT || v.version !== INDEX_VERSION) return undefined;
	if (typeof v.options !== 'string' || typeof v.learnedAt !== 'string') return undefined;
	if (typeof v.fingerprints !== 'object' || v.fingerprints === null) return undefined;
	if (!Array.isArray(v.groups) || !v.groups.every((g) => Array.isArray(g))) return undefined;
	if (!Array.isArray(v.review) || !v.review.every((k) => typeof k === 'string')) return undefined;
	if (typeof v.parameters !== 'object' || v.parameters === null) return undefined;
	// JSON.parse gives a plain object; keep ids such as "__proto__" ordinary keys.
	const fingerprints = Object.create(null) as Record<string, string>;
	for (const [id, print] of Object.entries(v.fingerprints))
		if (typeof print === 'string') fingerprints[id] = print;
	return { ...(v as DedupIndex), fingerprints };
}

/** The options that decide groups and review, in a stable text. */
function optionsFingerprint(options: DedupOptions): string {
	return stableJson(options);
}

/** A contact's content, keys in order, hashed. */
export function fingerprint(contact: Contact): string {
	return createHash('sha1').update(stableJson(contact)).digest('base64').slice(0, 16);
}

function stableJson(value: unknown): string {
	if (value === undefined) return 'null';
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (value instanceof Date) return JSON.stringify(value.toISOString());
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	const keys = Object.keys(value).sort();
	return `{${keys
		.filter((k) => (value as Record<string, unknown>)[k] !== undefined)
		.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
		.join(',')}}`;
}
