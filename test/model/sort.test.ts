import {describe, expect, test} from 'vitest';
import {SessionStore} from '../../source/model/session-store.js';
import {flaps, sessionComparator, sortSessions} from '../../source/model/sort.js';

function rows() {
	const store = new SessionStore();
	const connect = (clientId: string, keepAlive: number | undefined, time: number) =>
		keepAlive === undefined
			? store.apply({type: 'subscribe', time, clientId, topic: 't', qos: 0})
			: store.apply({type: 'connect', time, clientId, address: 'a', port: 1, protocol: '5.0', cleanSession: true, keepAlive});
	connect('c', 60, 3);
	connect('a', 60, 1);
	connect('b', 30, 2);
	connect('unknown', undefined, 4);
	connect('b', 30, 5);
	connect('b', 30, 6);
	return [...store.sessions.values()];
}

const ids = (list: {clientId: string}[]) => list.map((s) => s.clientId);

describe('sortSessions', () => {
	test('ties keep client-ID order in both directions, so rows do not jump', () => {
		expect(ids(sortSessions(rows(), {column: 'keepAlive', descending: false}))).toEqual(['b', 'a', 'c', 'unknown']);
		expect(ids(sortSessions(rows(), {column: 'keepAlive', descending: true}))).toEqual(['a', 'c', 'b', 'unknown']);
	});

	test('unknown values sort last whatever the direction', () => {
		expect(ids(sortSessions(rows(), {column: 'connectedAt', descending: true})).at(-1)).toBe('unknown');
		expect(ids(sortSessions(rows(), {column: 'connectedAt', descending: false})).at(-1)).toBe('unknown');
	});

	test('flaps counts reconnects', () => {
		const b = rows().find((s) => s.clientId === 'b')!;
		expect(flaps(b)).toBe(2);
		expect(ids(sortSessions(rows(), {column: 'flaps', descending: true}))[0]).toBe('b');
	});
});

describe('several nodes', () => {
	function fleetRows() {
		return ['edge-2', 'edge-1'].flatMap((node) => {
			const store = new SessionStore({node});
			for (const clientId of ['b', 'a']) {
				store.apply({type: 'connect', time: 0, clientId, address: 'x', port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60});
			}

			return [...store.sessions.values()];
		});
	}

	const rowsOf = (list: {clientId: string; node: string}[]) => list.map((s) => `${s.node}/${s.clientId}`);

	test('one client ID on two nodes: ties broken by node, the same way by sort and by comparator', () => {
		const sorted = sortSessions(fleetRows(), {column: 'clientId', descending: false});
		expect(rowsOf(sorted)).toEqual(['edge-1/a', 'edge-2/a', 'edge-1/b', 'edge-2/b']);
		expect(rowsOf(fleetRows().sort(sessionComparator({column: 'clientId', descending: false})))).toEqual(rowsOf(sorted));
	});

	test('sorting by node groups each node, client IDs in order within', () => {
		expect(rowsOf(sortSessions(fleetRows(), {column: 'node', descending: true}))).toEqual(['edge-2/a', 'edge-2/b', 'edge-1/a', 'edge-1/b']);
	});
});

describe('by queued messages', () => {
	test('deepest first when descending; sessions whose broker gives no count last either way', () => {
		const store = new SessionStore({node: 'rabbit'});
		store.reconcile(
			[
				{clientId: 'a', online: true, queued: 5},
				{clientId: 'b', online: true, queued: 500},
				{clientId: 'c', online: true},
				{clientId: 'd', online: true, queued: 0},
			],
			true,
			1,
		);
		const rows = () => [...store.sessions.values()];
		expect(ids(sortSessions(rows(), {column: 'queued', descending: true}))).toEqual(['b', 'a', 'd', 'c']);
		expect(ids(sortSessions(rows(), {column: 'queued', descending: false}))).toEqual(['d', 'a', 'b', 'c']);
		expect(ids(rows().sort(sessionComparator({column: 'queued', descending: true})))).toEqual(['b', 'a', 'd', 'c']);
	});
});
