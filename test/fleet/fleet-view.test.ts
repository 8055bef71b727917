import {describe, expect, it} from 'vitest';
import {FleetView} from '../../source/fleet/fleet-view.js';
import {parseQuery, type Query} from '../../source/model/query.js';
import {SessionStore} from '../../source/model/session-store.js';
import {sortColumns, sortSessions, type SortOrder} from '../../source/model/sort.js';
import type {Session, SessionEvent} from '../../source/model/types.js';
import {rowKey} from '../../source/ui/model/row-key.js';
import {SnapshotSource, type ViewParams} from '../../source/ui/model/snapshot.js';

function random(seed: number) {
	let x = seed;
	return () => {
		x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
		return x / 2_147_483_648;
	};
}

/** Few client IDs, so the same ID is often on several nodes at once. */
function randomEvent(next: () => number, time: number): SessionEvent {
	const clientId = `c${Math.floor(next() * 40)}`;
	const username = `u${Math.floor(next() * 6)}`;
	const roll = next();
	if (roll < 0.4) {
		const cleanSession = next() < 0.7;
		return {type: 'connect', time, clientId, username, address: '10.0.0.1', port: 1, protocol: '3.1.1', cleanSession, keepAlive: 60};
	}

	if (roll < 0.65) return {type: 'disconnect', time, clientId, kind: 'closed', reason: 'closed its connection'};
	if (roll < 0.8) return {type: 'subscribe', time, clientId, topic: `t/${Math.floor(next() * 3)}`, qos: 1};
	if (roll < 0.9)
		return {type: 'dynsec', time, actor: 'ops/admin', command: next() < 0.5 ? 'disableClient' : 'enableClient', args: {username}};
	return {type: 'takeover', time, clientId};
}

const query = (text: string) => (parseQuery(text) as {ok: true; query: Query}).query;
const keys = (rows: readonly Session[]) => rows.map((s) => rowKey(s));

function fleet(...nodes: string[]) {
	const stores = nodes.map((node) => new SessionStore({node}));
	return {stores, view: new FleetView(stores)};
}

function connect(store: SessionStore, clientId: string, time = 1000) {
	store.apply({type: 'connect', time, clientId, address: '10.0.0.1', port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60});
}

describe('FleetView', () => {
	it('reads several stores as one: the same client ID on two nodes is two sessions, found by node', () => {
		const {stores, view} = fleet('a', 'b');
		connect(stores[0], 'gw');
		connect(stores[1], 'gw');
		connect(stores[1], 'only-b');
		expect(view.sessions.size).toBe(3);
		expect([...view.sessions.values()].map((s) => `${s.node}/${s.clientId}`)).toEqual(['a/gw', 'b/gw', 'b/only-b']);
		expect(view.get('gw', 'b')).toBe(stores[1].get('gw'));
		expect(view.get('gw', 'a')).toBe(stores[0].get('gw'));
		expect(view.get('only-b', 'a')).toBeUndefined();
		expect(view.get('only-b')).toBe(stores[1].get('only-b'));
		expect(view.statusCounts).toEqual({online: 3, offline: 0, blocked: 0});
		expect(view.revision).toBe(stores[0].revision + stores[1].revision);
		expect([view.revisionOf('a'), view.revisionOf('b')]).toEqual([stores[0].revision, stores[1].revision]);
		expect(view.store('b')).toBe(stores[1]);
	});

	it('sums the brokers counts only when every node has given them, and the rates always', () => {
		const {stores, view} = fleet('a', 'b');
		stores[0].setBrokerCounter('connected', 5);
		expect(view.broker.connected).toBeUndefined();
		stores[1].setBrokerCounter('connected', 7);
		expect(view.broker.connected).toBe(12);
		stores[0].setBrokerCounter('version', 'mosquitto version 2.0.11');
		stores[1].setBrokerCounter('version', 'mosquitto version 2.0.22');
		expect(view.broker.version).toBeUndefined();
		connect(stores[0], 'x', 10_000);
		connect(stores[1], 'y', 10_000);
		connect(stores[1], 'z', 10_000);
		expect(view.connectRate.perSecond(11_000) * 60).toBeCloseTo(3);
		expect(view.connectRate.series(11_000).at(-1)).toBe(3);
	});

	it('with one node, every read is the store itself (no cost over a bare store)', () => {
		const {stores, view} = fleet('solo');
		expect(view.sessions).toBe(stores[0].sessions);
		expect(view.statusCounts).toBe(stores[0].statusCounts);
		expect(view.broker).toBe(stores[0].broker);
		expect(view.connectRate).toBe(stores[0].connectRate);
	});

	it('refuses no stores, and two stores with one node name', () => {
		expect(() => new FleetView([])).toThrow('at least one store');
		expect(() => fleet('a', 'a')).toThrow('two stores share a node name');
	});

	it('its change log gives up when any node overflows, and keeps nothing after', () => {
		const {stores, view} = fleet('a', 'b');
		const log = view.trackChanges();
		connect(stores[0], 'one');
		connect(stores[1], 'two');
		expect(log.take()?.map((s) => s.clientId)).toEqual(['one', 'two']);
		for (let i = 0; i < 1500; i++) connect(stores[1], `flood-${i}`);
		connect(stores[0], 'three');
		expect(log.take()).toBeUndefined();
		expect(log.take()).toEqual([]);
		log.close();
		connect(stores[0], 'four');
		expect(log.take()).toEqual([]);
	});
});

describe('the merged view of several nodes', () => {
	const views: Array<[string, SortOrder, boolean]> = [
		['', {column: 'clientId', descending: false}, true],
		['node:b user:u1 user:u2', {column: 'connectedAt', descending: true}, true],
		['-node:c', {column: 'node', descending: true}, false],
		['topic:t/#', {column: 'status', descending: false}, true],
	];

	it.each(views)('incremental snapshots of filter %j by %j equal a full recomputation', (text, sort, showInactive) => {
		const next = random(text.length * 31 + sort.column.length);
		const {stores, view} = fleet('a', 'b', 'c');
		const source = new SnapshotSource(view, () => 0);
		const params: ViewParams = {query: query(text), sort, showInactive, paused: false};
		let time = 1_000_000;
		for (let batch = 0; batch < 60; batch++) {
			const size = 1 + Math.floor(next() * 30);
			for (let i = 0; i < size; i++) stores[Math.floor(next() * 3)].apply(randomEvent(next, (time += 1000)));
			if (batch === 30) stores[1].apply({type: 'broker-start', time, version: '2.0.11'});
			const all = view.rows().filter((s) => (showInactive || s.status === 'online') && params.query.match(s));
			expect(keys([...source.take(params).rows])).toEqual(keys(sortSessions(all, sort)));
		}
	});

	it('every sort column orders the merged rows as a full sort does', () => {
		for (const column of sortColumns) {
			const next = random(11);
			const {stores, view} = fleet('a', 'b');
			const source = new SnapshotSource(view, () => 0);
			const params: ViewParams = {query: query(''), sort: {column, descending: next() < 0.5}, showInactive: true, paused: false};
			for (let batch = 0; batch < 15; batch++) {
				for (let i = 0; i < 20; i++) stores[Math.floor(next() * 2)].apply(randomEvent(next, 1_000_000 + batch * 100_000 + i * 1000));
				expect(keys([...source.take(params).rows]), column).toEqual(keys(sortSessions(view.rows(), params.sort)));
			}
		}
	});

	it('marks rows new by their own node revisions, finds each of two same-ID rows by key, and counts own connections per node', () => {
		const {stores, view} = fleet('a', 'b');
		// Node a is far ahead in revisions: a shared number would call b's new rows old.
		for (let i = 0; i < 50; i++) connect(stores[0], `a-${i}`);
		connect(stores[1], 'gw');
		const source = new SnapshotSource(
			view,
			() => 0,
			(node) => `mon-${node}`,
		);
		const params: ViewParams = {query: query(''), sort: {column: 'clientId', descending: false}, showInactive: true, paused: false};
		source.tick();
		connect(stores[0], 'gw');
		connect(stores[1], 'late');
		source.tick();
		const snapshot = source.take(params);
		const newRows = [...snapshot.rows].filter((s) => snapshot.isNew(s)).map((s) => `${s.node}/${s.clientId}`);
		expect(newRows.sort()).toEqual(['a/gw', 'b/late']);
		const onA = snapshot.indexOf(rowKey(stores[0].get('gw')!));
		const onB = snapshot.indexOf(rowKey(stores[1].get('gw')!));
		expect([snapshot.rows.at(onA)!.node, snapshot.rows.at(onB)!.node]).toEqual(['a', 'b']);
		expect(snapshot.stats.selfUnseen).toBe(2);
		connect(stores[1], 'mon-b');
		expect(source.take(params).stats).toMatchObject({selfUnseen: 1, selfSeen: false, knownOnline: 54});
	});
});
