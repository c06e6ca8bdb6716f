/**
 * How fast customers are answered: per customer, conversations in time order, each wait for a
 * reply timed, per agent and overall; waits still open and waits missed.
 */
import type { InboundRecord, OutboundRecord } from './records';
import { compareText, iso, round, timeStats } from './stats';
import type { AgentResponseTimes, WaitingCustomer } from './types';
import type { Identities } from './identities';

export const UNASSIGNED = '(unassigned)';

interface TimelineEvent {
	time: number;
	order: number;
	inbound?: InboundRecord;
	reply?: OutboundRecord;
}

/**
 * Per customer, in time order: a message opens a wait (unless one is open), the next reply closes
 * it and is timed; the first reply of a conversation is also its first response. A wait longer than
 * the gap is missed, and the reply after it does not count (a campaign weeks later is no answer).
 */
export function responseTimes(
	inbound: InboundRecord[],
	replies: OutboundRecord[],
	ids: Identities,
	alertMinutes: number,
	gapMs: number,
	asOf: number | undefined,
) {
	const timelines = new Map<string, TimelineEvent[]>();
	const push = (key: string, event: TimelineEvent) => {
		const list = timelines.get(key) ?? [];
		list.push(event);
		timelines.set(key, list);
	};
	for (const record of inbound)
		if (record.aliases.length)
			push(ids.find(record.aliases[0]), {
				time: record.time,
				order: record.index * 2,
				inbound: record,
			});
	let untimed = 0;
	for (const reply of replies) {
		if (!reply.aliases.length) continue;
		if (reply.time === undefined) untimed++;
		// On a tie the customer's message came first: a same-second reply is an answer.
		else push(ids.find(reply.aliases[0]), { time: reply.time, order: reply.index * 2 + 1, reply });
	}

	const first = new Map<string, number[]>();
	const all = new Map<string, number[]>();
	const add = (map: Map<string, number[]>, agent: string, seconds: number) => {
		const list = map.get(agent);
		if (list) list.push(seconds);
		else map.set(agent, [seconds]);
	};
	let conversations = 0;
	let missed = 0;
	const waiting: WaitingCustomer[] = [];
	for (const key of [...timelines.keys()].sort(compareText)) {
		const events = timelines
			.get(key)!
			.sort(
				(a, b) => a.time - b.time || (a.inbound ? 0 : 1) - (b.inbound ? 0 : 1) || a.order - b.order,
			);
		let last: number | undefined;
		let waitingSince: number | undefined;
		let waitingName: string | undefined;
		let answered = false;
		for (const event of events) {
			if (waitingSince !== undefined && event.time - waitingSince > gapMs) {
				missed++;
				waitingSince = undefined;
			}
			if (event.inbound) {
				if (last === undefined || event.time - last > gapMs) {
					conversations++;
					answered = false;
				}
				if (waitingSince === undefined) waitingSince = event.time;
				waitingName = event.inbound.name ?? waitingName;
			} else if (waitingSince !== undefined) {
				const agent = event.reply!.agent ?? UNASSIGNED;
				const seconds = (event.time - waitingSince) / 1000;
				add(all, agent, seconds);
				if (!answered) add(first, agent, seconds);
				answered = true;
				waitingSince = undefined;
			}
			last = event.time;
		}
		if (waitingSince !== undefined) {
			if (asOf !== undefined && asOf - waitingSince > gapMs) missed++;
			else {
				waiting.push({
					customer: ids.label(key),
					...(waitingName ? { name: waitingName } : {}),
					since: iso(waitingSince),
					waitingSeconds:
						asOf === undefined ? 0 : Math.max(0, round((asOf - waitingSince) / 1000, 1)),
				});
			}
		}
	}

	const agents: AgentResponseTimes[] = [...all.keys()].sort(compareText).map((agent) => {
		const response = timeStats(all.get(agent)!);
		return {
			agent,
			replies: response.count,
			firstResponse: timeStats(first.get(agent) ?? []),
			response,
			slow: response.medianSeconds !== null && response.medianSeconds > alertMinutes * 60,
		};
	});
	waiting.sort(
		(a, b) => b.waitingSeconds - a.waitingSeconds || compareText(a.customer, b.customer),
	);
	return {
		overall: {
			firstResponse: timeStats([...first.values()].flat()),
			response: timeStats([...all.values()].flat()),
		},
		agents,
		conversations,
		missed,
		untimed,
		waiting: { count: waiting.length, customers: waiting.slice(0, 20) },
	};
}
