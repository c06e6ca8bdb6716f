/**
 * The week before the sandbox's day, as the conversation archive would hold it: each day's customers
 * (sandbox/day.ts) answered by a small team of agents, most within minutes, one of them slower, a few
 * customers never; the replies' delivered and read statuses. The weekly report then has a week to
 * show, and today's live day is added on top by the archive workflow.
 */
import type { ArchivedMessage, ArchivedStatus } from '../devkit/generators/archiveSeed';
import { dayOfConversations } from './day';

const AGENTS = [
	{ name: 'Amy', medianMinutes: 3 },
	{ name: 'Kelvin', medianMinutes: 5 },
	// The team's slow one: the report's response-time alert (6 min by default) should name him.
	{ name: 'Pichit', medianMinutes: 11 },
];

/** The archive's language codes are the tagger's: zh for both Chinese scripts. */
const languageOf = (lang: string) => (lang.startsWith('zh') ? 'zh' : lang);

/** Midnight in Hong Kong (UTC+8, no daylight saving): the shop's day, as the report reads it. */
export function shopMidnight(at: number): number {
	const offset = 8 * 3_600_000;
	return Math.floor((at + offset) / 86_400_000) * 86_400_000 - offset;
}

export function pastWeek(
	customersPerDay: number,
	seed: number,
	now = Date.now(),
): { messages: ArchivedMessage[]; statuses: ArchivedStatus[] } {
	const messages: ArchivedMessage[] = [];
	const statuses: ArchivedStatus[] = [];
	const today = shopMidnight(now);
	for (let daysAgo = 6; daysAgo >= 1; daysAgo--) {
		const dayStart = today - daysAgo * 86_400_000;
		const day = dayOfConversations(customersPerDay, seed * 100 + daysAgo);
		const answered = new Set<string>();
		day.forEach((message, index) => {
			const at = dayStart + message.offsetMs;
			const e164 = `+${message.customer.waId}`;
			messages.push({
				wamid: `wamid.sandbox-history-${daysAgo}-${index}`,
				direction: 'inbound',
				at,
				e164,
				name: message.customer.name,
				text: message.text,
				language: languageOf(message.customer.lang),
				tags: message.tags,
			});
			// One reply per customer and day, to their first message; about one in twelve is missed.
			if (answered.has(e164)) return;
			answered.add(e164);
			if ((index * 7 + daysAgo) % 12 === 0) return;
			const agent = AGENTS[(index + daysAgo) % AGENTS.length];
			// Spread around the agent's median: a third quicker, a third slower, the rest near it.
			const spread = [0.5, 1, 1.8][(index * 5 + daysAgo) % 3];
			const replyAt = at + Math.round(agent.medianMinutes * spread * 60_000);
			const wamid = `wamid.sandbox-history-reply-${daysAgo}-${index}`;
			messages.push({
				wamid,
				direction: 'outbound',
				at: replyAt,
				e164,
				name: message.customer.name,
				agent: agent.name,
				language: languageOf(message.customer.lang),
			});
			statuses.push({ wamid, status: 'sent', at: replyAt + 1_000, e164 });
			statuses.push({ wamid, status: 'delivered', at: replyAt + 4_000, e164 });
			if (index % 10 < 7) statuses.push({ wamid, status: 'read', at: replyAt + 90_000, e164 });
		});
	}
	return { messages, statuses };
}
