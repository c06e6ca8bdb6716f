import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { dedupeContacts } from '../../lib/dedup';
import type { Contact, DedupResult } from '../../lib/dedup';
import { dedupeIncremental } from '../../lib/dedup/incremental';
import type { IncrementalResult } from '../../lib/dedup/incremental';
import { loadIndexFile, saveIndexFile } from '../../lib/dedup/indexFile';
import { dedupIndexPath } from './indexPath';
import { properties, readOptions } from './parameters';
import type { DedupNodeOptions } from './parameters';

const MERGED = 0;
const MERGE_MAP = 1;
const REVIEW = 2;
const UNIQUE = 3;
const MODEL = 4;

export class ContactDedup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contact Dedup',
		name: 'scrmContactDedup',
		icon: { light: 'file:contactDedup.svg', dark: 'file:contactDedup.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["matchOn"] === "custom" ? "Match on Fields I Choose" : "Match on WhatsApp CRM Defaults"}}',
		description:
			'Finds the same customer under different phone formats, spellings and emails, merges them keeping every phone, tag and conversation, and lists doubtful pairs for review, with reasons',
		defaults: { name: 'Contact Dedup' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
			NodeConnectionTypes.Main,
		],
		outputNames: ['Merged', 'Merge Map', 'Review', 'Unique', 'Model'],
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const outputs: INodeExecutionData[][] = [[], [], [], [], []];
		const idField = this.getNodeParameter('idField', 0) as string;
		const opts = readOptions(this);
		const nodeOptions = this.getNodeParameter('options', 0, {}) as DedupNodeOptions;
		const indexName = (nodeOptions.dedupIndex ?? '').trim();
		let indexFile: string | undefined;
		if (indexName !== '') {
			const where = dedupIndexPath(indexName);
			if ('problem' in where) throw new NodeOperationError(this.getNode(), where.problem);
			indexFile = where.file;
		}

		// Contacts the engine can read; the rest leave at once with the reason.
		const contacts: Contact[] = [];
		const indexById = new Map<string, number>();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const json = items[itemIndex].json;
			const raw = json[idField];
			const problem =
				raw === undefined || raw === null || raw === ''
					? `has no "${idField}": every contact needs an ID to be merged or reported`
					: typeof raw === 'object'
						? `has an object in "${idField}"; point ID Field at a text or number`
						: indexById.has(String(raw))
							? `has the same ID "${String(raw)}" as item ${indexById.get(String(raw))! + 1}; IDs must be unique`
							: undefined;
			if (problem) {
				const message = `Item ${itemIndex + 1} ${problem}`;
				if (!this.continueOnFail())
					throw new NodeOperationError(this.getNode(), message, { itemIndex });
				outputs[UNIQUE].push({
					json: { ...json, error: message },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			const id = String(raw);
			indexById.set(id, itemIndex);
			contacts.push({ ...json, id } as Contact);
		}

		let incremental: IncrementalResult | undefined;
		let result: DedupResult;
		if (indexFile) {
			incremental = dedupeIncremental(contacts, await loadIndexFile(indexFile), {
				...opts,
				relearn: nodeOptions.relearn === true,
			});
			result = incremental.result;
			await saveIndexFile(indexFile, incremental.index);
		} else result = dedupeContacts(contacts, opts);
		const groupIsNew = new Map<string, boolean>();
		result.clusters.forEach((ids, k) => {
			for (const id of ids) groupIsNew.set(id, incremental ? incremental.newGroup[k] : true);
		});
		const mark = incremental
			? (json: IDataObject, isNew: boolean): IDataObject => ({ ...json, newSinceLastRun: isNew })
			: (json: IDataObject): IDataObject => json;
		const paired = (ids: string[]): IPairedItemData[] =>
			ids.map((id) => ({ item: indexById.get(id)! }));

		const members = new Map<string, string[]>();
		for (const [absorbed, survivor] of Object.entries(result.mergeMap)) {
			const group = members.get(survivor) ?? [survivor];
			group.push(absorbed);
			members.set(survivor, group);
			outputs[MERGE_MAP].push({
				json: mark({ id: absorbed, survivorId: survivor }, groupIsNew.get(absorbed) === true),
				pairedItem: paired([absorbed]),
			});
		}
		for (const record of result.merged) {
			const survivor = String(record.id);
			outputs[MERGED].push({
				json: mark(record as unknown as IDataObject, groupIsNew.get(survivor) === true),
				pairedItem: paired(members.get(survivor) ?? [survivor]),
			});
		}
		result.review.forEach((pair, k) => {
			outputs[REVIEW].push({
				json: mark(pair as unknown as IDataObject, incremental?.newReview[k] === true),
				pairedItem: paired([String(pair.a), String(pair.b)]),
			});
		});
		const inCluster = new Set(result.clusters.flat());
		for (const contact of contacts) {
			if (!inCluster.has(contact.id)) {
				const itemIndex = indexById.get(contact.id)!;
				outputs[UNIQUE].push({ json: items[itemIndex].json, pairedItem: { item: itemIndex } });
			}
		}
		outputs[MODEL].push({
			json: modelItem(result, incremental, indexName) as unknown as IDataObject,
			pairedItem: contacts.map((contact) => ({ item: indexById.get(contact.id)! })),
		});
		return outputs;
	}
}

/** The learned model and the run's figures, so a person can see why pairs scored as they did. */
function modelItem(result: DedupResult, incremental: IncrementalResult | undefined, index: string) {
	const { model, phases: _phases, ...figures } = result.stats;
	return {
		model,
		...figures,
		...(incremental
			? {
					dedupIndex: {
						file: index,
						model: incremental.parameters,
						...(incremental.relearnReason ? { learnedBecause: incremental.relearnReason } : {}),
						added: incremental.added.length,
						changed: incremental.changed.length,
						removed: incremental.removed.length,
						newGroups: incremental.newGroup.filter(Boolean).length,
						newReviewPairs: incremental.newReview.filter(Boolean).length,
					},
				}
			: {}),
	};
}
