import {Table} from '@alcalzone/ink-table';
import {renderToString} from 'ink';
import React from 'react';
import type {MonitoredNode} from '../broker/driver.js';
import {ExitCode, UserError} from '../errors.js';
import {csvPieces, jsonPieces, toRecord, type SessionRecord} from '../model/export.js';
import {parseQuery} from '../model/query.js';
import {flaps, sortSessions} from '../model/sort.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';
import {writePieces} from '../util/write-pieces.js';

export type ListOptions = {
	format: 'table' | 'json' | 'csv';
	filter: string;
	waitSeconds: number;
	/** Nodes whose rows are left out once the wait is over (a fleet node that could not be reached: its rows would be guesses). */
	leaveOut?: () => ReadonlySet<string>;
};

/** The sessions `list` prints: filtered, sorted by client ID. */
export function selectSessions(sessions: Session[], filter: string): Session[] {
	const parsed = parseQuery(filter);
	if (!parsed.ok) throw new UserError(`--filter: ${parsed.error}`, ExitCode.usage);
	return sortSessions(sessions.filter(parsed.query.match), {column: 'clientId', descending: false});
}

function tableRow(session: Session, record: SessionRecord, showNode: boolean, showQueued: boolean) {
	return {
		...(showNode ? {node: cleanText(record.node)} : {}),
		'client id': cleanText(record.clientId ?? '(any)'),
		username: cleanText(record.username ?? ''),
		address: record.address === null ? '' : `${record.address}:${record.port}`,
		proto: record.protocol ?? '',
		clean: record.cleanSession === null ? '' : record.cleanSession ? 'yes' : 'no',
		keepalive: record.keepAlive ?? '',
		'connected at': record.connectedAt ?? '',
		subs: session.subscriptions.size,
		...(showQueued ? {queued: record.queued ?? ''} : {}),
		status: record.status,
		flaps: flaps(session),
		'last disconnect': cleanText(record.lastDisconnectReason ?? ''),
	};
}

/** Whether the sessions span more than one node (then the table names each row's node). */
export function severalNodes(sessions: readonly Session[]): boolean {
	const first = sessions[0]?.node;
	return sessions.some((s) => s.node !== first);
}

/**
 * `showNode`: a node column, for a fleet of several brokers (by default when there are).
 * `showQueued`: a queued column, when a node counts queued messages (blank where it does not).
 */
export function formatTable(
	sessions: Session[],
	urls: ReadonlyMap<string, string>,
	width: number,
	showNode = urls.size > 1 || severalNodes(sessions),
	showQueued = sessions.some((s) => s.queued !== undefined),
): string {
	if (sessions.length === 0) return 'no sessions known\n';
	const data = sessions.map((s) => tableRow(s, toRecord(s, urls.get(s.node) ?? ''), showNode, showQueued));
	return renderToString(<Table data={data} />, {columns: width}) + '\n';
}

export function summaryLine(nodes: readonly MonitoredNode[], shown: number): string {
	let online = 0;
	let connected: number | undefined;
	let unseen = 0;
	for (const {store} of nodes) {
		online += store.statusCounts.online;
		const reported = store.broker.connected;
		if (reported === undefined) continue;
		connected = (connected ?? 0) + reported;
		// The broker's count includes this monitor's own connection, which the store leaves out.
		unseen += Math.max(0, reported - store.statusCounts.online - 1);
	}

	return (
		`${shown} shown · known online ${online}` +
		(connected === undefined ? '' : ` · broker reports ${connected} connected`) +
		(unseen > 0 ? ` (${unseen} connected before mqtt-top started and have not acted since)` : '') +
		'\n'
	);
}

export async function runList(nodes: readonly MonitoredNode[], options: ListOptions): Promise<number> {
	// Validate the filter before waiting, so a typo fails at once.
	selectSessions([], options.filter);
	await new Promise((r) => setTimeout(r, options.waitSeconds * 1000));
	const left = options.leaveOut?.();
	if (left?.size) nodes = nodes.filter(({node}) => !left.has(node.name));
	const urls = new Map(nodes.map(({node}) => [node.name, node.url]));
	const sessions = selectSessions(
		nodes.flatMap(({store}) => store.rows()),
		options.filter,
	);
	// Records are made as the output is written: a million sessions are never one string in memory.
	function* records() {
		for (const session of sessions) yield toRecord(session, urls.get(session.node) ?? '');
	}

	if (options.format === 'json') {
		await writePieces(
			process.stdout,
			(function* () {
				yield* jsonPieces(records());
				yield '\n';
			})(),
		);
	} else if (options.format === 'csv') {
		await writePieces(process.stdout, csvPieces(records()));
	} else {
		const width = process.stdout.isTTY ? process.stdout.columns : 400;
		const showQueued = nodes.some(({node}) => node.admin.capabilities().get('queued')?.ok === true);
		process.stdout.write(formatTable(sessions, urls, width, undefined, showQueued));
		process.stdout.write(summaryLine(nodes, sessions.length));
	}

	return ExitCode.ok;
}
