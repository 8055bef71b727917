import {Table} from '@alcalzone/ink-table';
import {renderToString} from 'ink';
import React from 'react';
import type {BrokerAdapter} from '../broker/adapter.js';
import {ExitCode, UserError} from '../errors.js';
import {toCsv, toJson, toRecord, type SessionRecord} from '../model/export.js';
import {parseQuery} from '../model/query.js';
import {flaps, sortSessions} from '../model/sort.js';
import type {Session} from '../model/types.js';
import {cleanText} from '../util/sanitize.js';

export type ListOptions = {format: 'table' | 'json' | 'csv'; filter: string; waitSeconds: number};

/** The sessions `list` prints: filtered, sorted by client ID. */
export function selectSessions(sessions: Session[], filter: string): Session[] {
	const parsed = parseQuery(filter);
	if (!parsed.ok) throw new UserError(`--filter: ${parsed.error}`, ExitCode.usage);
	return sortSessions(sessions.filter(parsed.query.match), {column: 'clientId', descending: false});
}

function tableRow(session: Session, record: SessionRecord) {
	return {
		'client id': cleanText(record.clientId ?? '(any)'),
		username: cleanText(record.username ?? ''),
		address: record.address === null ? '' : `${record.address}:${record.port}`,
		proto: record.protocol ?? '',
		clean: record.cleanSession === null ? '' : record.cleanSession ? 'yes' : 'no',
		keepalive: record.keepAlive ?? '',
		'connected at': record.connectedAt ?? '',
		subs: session.subscriptions.size,
		status: record.status,
		flaps: flaps(session),
		'last disconnect': cleanText(record.lastDisconnectReason ?? ''),
	};
}

export function formatTable(sessions: Session[], broker: string, width: number): string {
	if (sessions.length === 0) return 'no sessions known\n';
	const data = sessions.map((s) => tableRow(s, toRecord(s, broker)));
	return renderToString(<Table data={data} />, {columns: width}) + '\n';
}

export function summaryLine(adapter: BrokerAdapter, shown: number): string {
	const {store} = adapter;
	const {online} = store.statusCounts;
	const connected = store.broker.connected;
	// The broker's count includes this monitor's own connection, which the store leaves out.
	const unseen = connected === undefined ? 0 : Math.max(0, connected - online - 1);
	return (
		`${shown} shown · known online ${online}` +
		(connected === undefined ? '' : ` · broker reports ${connected} connected`) +
		(unseen > 0 ? ` (${unseen} connected before mqtt-top started and have not acted since)` : '') +
		'\n'
	);
}

export async function runList(adapter: BrokerAdapter, options: ListOptions): Promise<number> {
	// Validate the filter before waiting, so a typo fails at once.
	selectSessions([], options.filter);
	await new Promise((r) => setTimeout(r, options.waitSeconds * 1000));
	const sessions = selectSessions(adapter.store.rows(), options.filter);
	if (options.format === 'json') {
		process.stdout.write(toJson(sessions.map((s) => toRecord(s, adapter.url))) + '\n');
	} else if (options.format === 'csv') {
		process.stdout.write(toCsv(sessions.map((s) => toRecord(s, adapter.url))));
	} else {
		const width = process.stdout.isTTY ? process.stdout.columns : 400;
		process.stdout.write(formatTable(sessions, adapter.url, width));
		process.stdout.write(summaryLine(adapter, sessions.length));
	}

	return ExitCode.ok;
}
