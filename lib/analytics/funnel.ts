/** The conversion funnel: each customer's furthest stage by the tags the CRM and the tagger gave. */
import type { Identities } from './identities';
import type { InboundRecord } from './records';
import { rate } from './stats';
import type { FunnelStage } from './types';

/** Each customer's furthest stage; every earlier stage counts them too, so the funnel never widens. */
export function funnel(
	inbound: InboundRecord[],
	tagged: Array<{ aliases: string[]; tags: string[] }>,
	ids: Identities,
	stages: FunnelStage[],
) {
	const tagsOf = new Map<string, Set<string>>();
	const note = (aliases: string[], tags: string[]) => {
		if (!aliases.length) return;
		const key = ids.find(aliases[0]);
		const set = tagsOf.get(key) ?? new Set<string>();
		for (const tag of tags) set.add(tag);
		tagsOf.set(key, set);
	};
	for (const record of inbound)
		note(record.aliases, [...record.tags, ...(record.intent?.tags ?? [])]);
	for (const record of tagged) note(record.aliases, record.tags);
	const reached = new Array<number>(stages.length).fill(0);
	for (const tags of tagsOf.values()) {
		let furthest = -1;
		stages.forEach((stage, index) => {
			if (!stage.tags?.length || stage.tags.some((tag) => tags.has(tag))) furthest = index;
		});
		for (let index = 0; index <= furthest; index++) reached[index]++;
	}
	return {
		stages: stages.map((stage, index) => ({
			name: stage.name,
			tags: stage.tags ?? [],
			customers: reached[index],
			fromPrevious: index === 0 ? null : rate(reached[index], reached[index - 1]),
			fromFirst: index === 0 ? null : rate(reached[index], reached[0]),
		})),
	};
}
