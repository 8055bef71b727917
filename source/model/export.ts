import {cleanText, safeJson} from '../util/sanitize.js';
import {persistence, type Persistence} from './persistence.js';
import type {Session} from './types.js';

/** One session as `list --json` and the export key print it: a fixed contract for scripts. */
export type SessionRecord = {
	clientId: string | null;
	username: string | null;
	address: string | null;
	port: number | null;
	protocol: string | null;
	cleanSession: boolean | null;
	/** `unknown` for MQTT 5 (the session expiry is not logged); null for an account with no session. */
	persistence: Persistence | null;
	keepAlive: number | null;
	connectedAt: string | null;
	status: string;
	subscriptions: Array<{topic: string; qos: number}>;
	lastDisconnectReason: string | null;
	broker: string;
	/** The node (broker or cluster node) the session is on: its name from the configuration. */
	node: string;
	/** Messages the broker holds for the session; null where the broker does not say (Mosquitto). */
	queued: number | null;
};

export const recordKeys: Array<keyof SessionRecord> = [
	'clientId',
	'username',
	'address',
	'port',
	'protocol',
	'cleanSession',
	'persistence',
	'keepAlive',
	'connectedAt',
	'status',
	'subscriptions',
	'lastDisconnectReason',
	'broker',
	'node',
	// Last, so that scripts reading the earlier CSV columns by position keep working.
	'queued',
];

export function toRecord(session: Session, broker: string): SessionRecord {
	return {
		clientId: session.accountOnly && session.clientId === '' ? null : session.clientId,
		username: session.username ?? null,
		address: session.address ?? null,
		port: session.port ?? null,
		protocol: session.protocol ?? null,
		cleanSession: session.cleanSession ?? null,
		persistence: session.accountOnly ? null : persistence(session),
		keepAlive: session.keepAlive ?? null,
		connectedAt: session.connectedAt === undefined ? null : new Date(session.connectedAt).toISOString(),
		status: session.status,
		subscriptions: [...session.subscriptions].map(([topic, qos]) => ({topic, qos})),
		lastDisconnectReason: session.lastDisconnectReason ?? null,
		broker,
		node: session.node,
		queued: session.queued ?? null,
	};
}

export function toJson(records: SessionRecord[]): string {
	return safeJson(records, 2);
}

/**
 * The text of toJson, piece by piece (each record one piece), so a million sessions never become
 * one string: JSON.stringify(records, null, 2) indents each element by two more spaces, and no
 * line break can occur inside a JSON string, so indenting each record's own text is the same.
 */
export function* jsonPieces(records: Iterable<SessionRecord>): Generator<string> {
	let first = true;
	for (const record of records) {
		yield `${first ? '[\n' : ',\n'}  ${safeJson(record, 2).replaceAll('\n', '\n  ')}`;
		first = false;
	}

	yield first ? '[]' : '\n]';
}

function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	const text = cleanText(String(value));
	// Quote when needed, and defuse spreadsheet formulas in untrusted text.
	const defused = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
	return /[",\n\r]/.test(defused) || defused !== defused.trim() ? `"${defused.replaceAll('"', '""')}"` : defused;
}

function csvLine(record: SessionRecord): string {
	return recordKeys
		.map((k) => (k === 'subscriptions' ? csvField(record.subscriptions.map((s) => `${s.topic}:${s.qos}`).join(' ')) : csvField(record[k])))
		.join(',');
}

/** CSV with a header row; subscriptions as `topic:qos` joined by spaces. */
export function toCsv(records: SessionRecord[]): string {
	return [...csvPieces(records)].join('');
}

/** The text of toCsv, one line at a time (see jsonPieces). */
export function* csvPieces(records: Iterable<SessionRecord>): Generator<string> {
	yield `${recordKeys.join(',')}\n`;
	for (const record of records) yield `${csvLine(record)}\n`;
}
