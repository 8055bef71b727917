import {expect, test} from 'vitest';
import {formatTable, selectSessions, severalNodes} from '../../source/commands/list.js';
import {toRecord} from '../../source/model/export.js';
import {SessionStore} from '../../source/model/session-store.js';
import type {Session} from '../../source/model/types.js';

function sessionsOn(...nodes: string[]): Session[] {
	return nodes.flatMap((node) => {
		const store = new SessionStore({node});
		store.apply({
			type: 'connect',
			time: 0,
			clientId: 'gw-01',
			address: '10.0.0.1',
			port: 1,
			protocol: '5.0',
			cleanSession: true,
			keepAlive: 60,
		});
		return store.rows();
	});
}

test('the same client ID on two brokers is two rows, each naming its node in a Node column', () => {
	const sessions = selectSessions(sessionsOn('edge-1', 'edge-2'), '');
	expect(severalNodes(sessions)).toBe(true);
	const urls = new Map([
		['edge-1', 'mqtt://e1:1883'],
		['edge-2', 'mqtt://e2:1883'],
	]);
	const text = formatTable(sessions, urls, 200);
	const header = text.split('\n').find((line) => line.includes('client id'))!;
	expect(header.indexOf('node')).toBeGreaterThan(-1);
	expect(header.indexOf('node')).toBeLessThan(header.indexOf('client id'));
	expect(
		text
			.split('\n')
			.filter((line) => line.includes('gw-01'))
			.map((line) => /edge-\d/.exec(line)?.[0]),
	).toEqual(['edge-1', 'edge-2']);
});

test('several brokers configured: a node column even when the rows are all on one', () => {
	const urls = new Map([
		['solo', 'mqtt://s:1883'],
		['other', 'mqtt://o:1883'],
	]);
	expect(formatTable(sessionsOn('solo'), urls, 200)).toMatch(/node.*client id/);
});

test('one broker: no Node column, unless the caller knows there are several', () => {
	const sessions = sessionsOn('solo');
	expect(formatTable(sessions, new Map([['solo', 'mqtt://x']]), 200)).not.toContain('node');
	expect(formatTable(sessions, new Map([['solo', 'mqtt://x']]), 200, true)).toContain('solo');
});

test('node: filters list output, and JSON rows always carry node', () => {
	const sessions = selectSessions(sessionsOn('edge-1', 'edge-2'), 'node:edge-2');
	expect(sessions.map((s) => toRecord(s, 'mqtt://x').node)).toEqual(['edge-2']);
	expect(toRecord(sessionsOn('solo')[0], 'mqtt://x').node).toBe('solo');
});

test('a queued column where a node counts queues, blank for sessions it does not count', () => {
	const store = new SessionStore({node: 'rabbit'});
	store.reconcile(
		[
			{clientId: 'deep', online: false, cleanSession: false, queued: 250},
			{clientId: 'quiet', online: true},
		],
		true,
		1,
	);
	const sessions = selectSessions(store.rows(), '');
	const urls = new Map([['rabbit', 'http://r']]);
	const text = formatTable(sessions, urls, 200, false, true);
	const header = text.split('\n').find((line) => line.includes('client id'))!;
	expect(header).toMatch(/subs +│ queued +│ status/);
	const cells = (id: string) =>
		text
			.split('\n')
			.find((line) => line.includes(id))!
			.split('│')
			.map((cell) => cell.trim());
	const at = header
		.split('│')
		.map((cell) => cell.trim())
		.indexOf('queued');
	expect(cells('deep')[at]).toBe('250');
	expect(cells('quiet')[at]).toBe('');
	expect(formatTable(sessionsOn('solo'), new Map([['solo', 'mqtt://x']]), 200, false, false)).not.toContain('queued');
	expect(selectSessions(store.rows(), 'queued:>100').map((s) => s.clientId)).toEqual(['deep']);
});
