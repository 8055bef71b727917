import {describe, expect, it} from 'vitest';
import {parseQuery, type Query} from '../../../source/model/query.js';
import {SnapshotSource, type ViewParams} from '../../../source/ui/model/snapshot.js';
import {bigStore, connect, disconnect, storeWith, t0} from '../support/fixtures.js';

const all = (parseQuery('') as {ok: true; query: Query}).query;
const params = (over: Partial<ViewParams> = {}): ViewParams => ({
	query: all,
	sort: {column: 'clientId', descending: false},
	showInactive: true,
	paused: false,
	...over,
});
const ids = (rows: Iterable<{clientId: string}>) => [...rows].map((r) => r.clientId);

describe('snapshot source', () => {
	it('filters and sorts once, and reuses the rows while nothing changed', () => {
		const store = storeWith([
			{id: 'b', user: 'bob'},
			{id: 'a', user: 'amy'},
			{id: 'c', user: 'bob'},
		]);
		const source = new SnapshotSource(store, () => t0);
		const query = (parseQuery('user:bob') as {ok: true; query: Query}).query;
		const first = source.take(params({query}));
		expect(ids(first.rows)).toEqual(['b', 'c']);
		expect(first.stats).toMatchObject({total: 3, knownOnline: 3});
		expect(source.take(params({query})).rows).toBe(first.rows);
		connect(store, [{id: 'bb', user: 'bob'}], t0 + 1000);
		expect(ids(source.take(params({query})).rows)).toEqual(['b', 'bb', 'c']);
		expect(ids(source.take(params({query, sort: {column: 'clientId', descending: true}})).rows)).toEqual(['c', 'bb', 'b']);
	});

	it('counts and hides offline rows when asked', () => {
		const store = storeWith([{id: 'on'}, {id: 'off', clean: false}]);
		disconnect(store, 'off', t0 + 5000, 'closed its connection.');
		const source = new SnapshotSource(store);
		const hidden = source.take(params({showInactive: false}));
		expect(ids(hidden.rows)).toEqual(['on']);
		expect(hidden.stats).toMatchObject({knownOnline: 1, offline: 1, hiddenInactive: 1});
	});

	it('stands still while paused, with its own copy of the sessions', () => {
		const store = storeWith([{id: 'a', subscriptions: [['x', 0]]}]);
		const source = new SnapshotSource(store, () => t0);
		const paused = source.take(params({paused: true}));
		connect(store, [{id: 'b'}], t0 + 1000);
		store.apply({type: 'subscribe', time: t0 + 1000, clientId: 'a', topic: 'y', qos: 1});
		const still = source.take(params({paused: true}));
		expect(ids(still.rows)).toEqual(['a']);
		expect(still.rows.at(0)!.subscriptions.size).toBe(1);
		expect(paused.paused).toBe(true);
		// Filters and sorts still work on the frozen copy.
		expect(ids(source.take(params({paused: true, sort: {column: 'clientId', descending: true}})).rows)).toEqual(['a']);
		expect(ids(source.take(params()).rows)).toEqual(['a', 'b']);
	});

	it('marks rows new since the previous tick', () => {
		const store = storeWith([{id: 'old'}]);
		const source = new SnapshotSource(store);
		connect(store, [{id: 'new'}], t0 + 1000);
		source.tick();
		const snapshot = source.take(params());
		const isNew = (id: string) => snapshot.isNew([...snapshot.rows].find((r) => r.clientId === id)!);
		expect(isNew('new')).toBe(true);
		expect(isNew('old')).toBe(false);
		source.tick();
		const later = source.take(params());
		expect([...later.rows].every((r) => r.addedRevision <= later.newAfter && !later.isNew(r))).toBe(true);
	});

	it('finds rows by key, including account-only rows', () => {
		const store = storeWith([{id: 'x', user: 'u'}]);
		store.setAccountDisabled('ghost', true);
		const snapshot = new SnapshotSource(store).take(params());
		expect(snapshot.indexOf(`client:${store.node}\u0000x`)).toBeGreaterThanOrEqual(0);
		expect(snapshot.rows.at(snapshot.indexOf(`account:${store.node}\u0000ghost`))!.accountOnly).toBe(true);
		expect(snapshot.indexOf(`client:${store.node}\u0000nope`)).toBe(-1);
		// On another node, or not a row key at all: no row.
		expect(snapshot.indexOf('client:elsewhere\u0000x')).toBe(-1);
		expect(snapshot.indexOf('client:x')).toBe(-1);
	});

	it('finds the selected row again after rows moved it, searching out from where it was', () => {
		const store = storeWith(Array.from({length: 300}, (_, i) => ({id: `m${String(i).padStart(3, '0')}`})));
		const source = new SnapshotSource(store, () => t0);
		const key = (id: string) => `client:${store.node}\u0000${id}`;
		const first = source.take(params());
		expect(first.indexOf(key('m200'))).toBe(200);
		// 50 rows sort above it, one leaves below it: it moved down by 50.
		connect(
			store,
			Array.from({length: 50}, (_, i) => ({id: `a${String(i).padStart(3, '0')}`})),
			t0 + 1000,
		);
		disconnect(store, 'm250', t0 + 2000);
		const later = source.take(params({showInactive: false}));
		expect(later.indexOf(key('m200'))).toBe(250);
		expect(later.rows.at(later.indexOf(key('m200')))!.clientId).toBe('m200');
		// Rows on either side of the last answer, and one that left.
		expect(later.rows.at(later.indexOf(key('a003')))!.clientId).toBe('a003');
		expect(later.rows.at(later.indexOf(key('m299')))!.clientId).toBe('m299');
		expect(later.indexOf(key('m250'))).toBe(-1);
		expect(later.indexOf(key('m200'))).toBe(250);
	});

	it('lets a key press reuse a costly result for a moment, but never across a filter change', () => {
		const store = bigStore(20_000);
		const source = new SnapshotSource(store);
		const first = source.take(params());
		connect(store, [{id: 'zzz'}], t0 + 1);
		expect(source.take(params(), 1000).rows).toBe(first.rows);
		expect(source.take(params()).rows).not.toBe(first.rows);
		const query = (parseQuery('zzz') as {ok: true; query: Query}).query;
		expect(ids(source.take(params({query}), 1000).rows)).toEqual(['zzz']);
	});
});
