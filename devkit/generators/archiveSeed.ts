/**
 * A conversation archive filled directly, for the workflows that read it (follow-up list, weekly
 * report): the tables come from the archive workflow's own Set Up Tables query, so the readers are
 * tested against the schema users get.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { PostgresServer } from '../servers/postgresServer';
import { ROOT } from '../n8n/n8nHost';

export interface ArchivedMessage {
	wamid: string;
	direction: 'inbound' | 'outbound';
	at: number;
	e164?: string;
	userId?: string;
	name?: string;
	agent?: string;
	text?: string;
	language?: string;
	tags?: string[];
}

export interface ArchivedStatus {
	wamid: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	at: number;
	e164?: string;
	errorCode?: number;
	errorTitle?: string;
}

/** The CREATE statements of the archive workflow's Set Up Tables branch. */
export function archiveTablesSql(): string {
	const workflow = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'workflows', 'whatsapp-conversation-archive.json'), 'utf8'),
	);
	const node = workflow.nodes.find(
		(entry: { name: string }) => entry.name === 'Create Archive Tables',
	);
	if (!node) throw new Error('the archive workflow has no "Create Archive Tables" node');
	return node.parameters.query as string;
}

const literal = (value: unknown): string => {
	if (value === undefined || value === null) return 'NULL';
	if (typeof value === 'number') return String(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	return `'${String(value).replace(/'/g, "''")}'`;
};
const time = (ms: number) => `to_timestamp(${ms / 1000})`;
const textArray = (values: string[] = []) => `ARRAY[${values.map(literal).join(', ')}]::text[]`;

export async function seedArchive(
	database: PostgresServer,
	rows: { messages?: ArchivedMessage[]; statuses?: ArchivedStatus[] },
): Promise<void> {
	const statements: string[] = [];
	for (const m of rows.messages ?? []) {
		const waId = m.e164?.replace(/^\+/, '');
		statements.push(
			`INSERT INTO whatsapp_messages (wamid, direction, phone_number_id, customer_e164, customer_wa_id, customer_user_id, customer_name, agent, type, text, language, intent_tags, sent_at, raw)
			 VALUES (${[m.wamid, m.direction, 'PN-SEED', m.e164, waId, m.userId, m.name, m.agent, 'text', m.text, m.language].map(literal).join(', ')},
			         ${textArray(m.tags)}, ${time(m.at)}, ${literal(JSON.stringify({ seeded: true, wamid: m.wamid }))}::jsonb)`,
		);
	}
	for (const s of rows.statuses ?? []) {
		statements.push(
			`INSERT INTO whatsapp_statuses (wamid, status, status_at, phone_number_id, customer_e164, customer_wa_id, error_code, error_title, raw)
			 VALUES (${literal(s.wamid)}, ${literal(s.status)}, ${time(s.at)}, 'PN-SEED', ${literal(s.e164)}, ${literal(s.e164?.replace(/^\+/, ''))},
			         ${literal(s.errorCode)}, ${literal(s.errorTitle)}, ${literal(JSON.stringify({ seeded: true }))}::jsonb)`,
		);
	}
	// psql takes the SQL as one argument, and Linux caps one argument at 128 KiB: send it in batches.
	let batch: string[] = [];
	let size = 0;
	for (const statement of statements) {
		if (size + statement.length > 100_000 && batch.length) {
			await database.exec(`${batch.join(';\n')};`);
			batch = [];
			size = 0;
		}
		batch.push(statement);
		size += statement.length + 2;
	}
	if (batch.length) await database.exec(`${batch.join(';\n')};`);
}
