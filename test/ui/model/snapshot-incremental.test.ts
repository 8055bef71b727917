import {describe, expect, it} from 'vitest';
import {parseQuery, type Query} from '../../../source/model/query.js';
import {FleetView} from '../../../source/fleet/fleet-view.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {sortColumns, sortSessions, type SortOrder} from '../../../source/model/sort.js';
import type {Session, SessionEvent} from '../../../source/model/types.js';
import type {Rows} from '../../../source/ui/model/rows.js';
import {rowKey} from '../../../source/ui/model/row-key.js';
import {SnapshotSource, type ViewParams} from '../../../source/ui/model/snapshot.js';

// A small deterministic generator, so a failure replays exactly.
function random(seed: number) {
	let x = seed;
	return () => {
		x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
		return x / 2_147_483_648;
	};
}

function randomEvent(next: () => number, time: number): SessionEvent {
	const id = `c${Math.floor(next() * 300)}`;
	const user = `u${Math.floor(next() * 12)}`;
	const roll = next();
	if (roll < 0.35) {
		return {
			type: 'connect',
			time,
			clientId: id,
			username: user,
			address: `10.0.${Math.floor(next() * 4)}.1`,
			port: 1,
			protocol: next() < 0.5 ? '5.0' : '3.1.1',
			cleanSession: next() < 0.7,
			keepAlive: Math.floor(next() * 5) * 30,
		};
	}

	if (roll < 0.6) return {type: 'disconnect', time, clientId: id, kind: 'closed', reason: 'closed its connection'};
	if (roll < 0.75) return {type: 'subscribe', time, clientId: id, topic: `t/${Math.floor(next() * 5)}`, qos: 1};
	if (roll < 0.8) return {type: 'unsubscribe', time, clientId: id, topic: `t/${Math.floor(next() * 5)}`};
	if (roll < 0.85) return {type: 'takeover', time, clientId: id};
	if (roll < 0.9)
		return {type: 'dynsec', time, actor: 'ops/admin', command: next() < 0.5 ? 'disableClient' : 'enableClient', args: {username: user}};
	return {type: 'expire', time, clientId: id};
}

/** What a from-scratch filter and sort of the whole store gives. */
function expected(store: SessionStore | FleetView, params: ViewParams): string[] {
	const rows = store.rows().filter((s: Session) => (params.showInactive || s.status === 'online') && params.query.match(s));
	return sortSessions(rows, params.sort).map((s) => (s.accountOnly ? `account:${s.username}` : s.clientId));
}

const query = (text: string) => (parseQuery(text) as {ok: true; query: Query}).query;

describe('incremental snapshots', () => {
	const views: Array<[string, SortOrder, boolean]> = [
		['', {column: 'clientId', descending: false}, true],
		['user:u1 user:u2', {column: 'connectedAt', descending: true}, true],
		['-status:blocked', {column: 'keepAlive', descending: false}, false],
		['topic:t/#', {column: 'flaps', descending: true}, true],
	];

	it.each(views)('after every batch of events, filter %j by %j equals a full recomputation', (text, sort, showInactive) => {
		const next = random(text.length + sort.column.length);
		const store = new SessionStore();
		const source = new SnapshotSource(store, () => 0);
		const params: ViewParams = {query: query(text), sort, showInactive, paused: false};
		let time = 1_000_000;
		for (let batch = 0; batch < 60; batch++) {
			const size = 1 + Math.floor(next() * 40);
			for (let i = 0; i < size; i++) store.apply(randomEvent(next, (time += 1000)));
			if (batch === 30) store.apply({type: 'broker-start', time, version: '2.0.11'});
			const rows = [...source.take(params).rows].map((s) => (s.accountOnly ? `account:${s.username}` : s.clientId));
			expect(rows).toEqual(expected(store, params));
		}
	});

	it('every sort column takes the same order incrementally as in full', () => {
		for (const column of sortColumns) {
			const next = random(7);
			const store = new SessionStore();
			const source = new SnapshotSource(store, () => 0);
			const params: ViewParams = {query: query(''), sort: {column, descending: next() < 0.5}, showInactive: true, paused: false};
			for (let batch = 0; batch < 20; batch++) {
				for (let i = 0; i < 25; i++) store.apply(randomEvent(next, 1_000_000 + batch * 100_000 + i * 1000));
				expect(
					[...source.take(params).rows].map((s) => s.clientId),
					column,
				).toEqual(expected(store, params).map((k) => k.replace(/^account:.*/, '')));
			}
		}
	});

	it('filters and visibility switched often (cut from the kept order, not re-sorted) equal a full recomputation', () => {
		const next = random(5);
		const store = new SessionStore();
		const source = new SnapshotSource(store, () => 0);
		const byConnected: SortOrder = {column: 'connectedAt', descending: true};
		const views: ViewParams[] = [
			{query: query(''), sort: byConnected, showInactive: true, paused: false},
			{query: query('user:u1 user:u2'), sort: byConnected, showInactive: true, paused: false},
			{query: query(''), sort: byConnected, showInactive: false, paused: false},
			{query: query('-status:online'), sort: byConnected, showInactive: true, paused: false},
			// A rate sort spends the change log without placing anything: the next view must not trust the old order.
			{query: query(''), sort: {column: 'inPerSecond', descending: true}, showInactive: true, paused: false},
			{query: query('c1'), sort: {column: 'clientId', descending: false}, showInactive: true, paused: false},
		];
		let time = 1_000_000;
		for (let batch = 0; batch < 200; batch++) {
			const params = views[Math.floor(next() * views.length)];
			const size = Math.floor(next() * 30);
			for (let i = 0; i < size; i++) store.apply(randomEvent(next, (time += 1000)));
			// Sometimes twice in a row without events: the kept rows must be handed out unchanged.
			const rows = [...source.take(params).rows].map((s) => (s.accountOnly ? `account:${s.username}` : s.clientId));
			expect(rows, `batch ${batch}`).toEqual(expected(store, params));
		}
	});

	it('with several nodes, equals a full recomputation, and rows handed out earlier never change', () => {
		const next = random(99);
		const stores = ['a', 'b', 'c'].map((node) => new SessionStore({node}));
		const fleet = new FleetView(stores);
		const source = new SnapshotSource(fleet, () => 0);
		const key = (s: Session) => `${s.node}/${s.accountOnly ? `account:${s.username}` : s.clientId}`;
		const views: ViewParams[] = [
			{
				query: query('user:u1 user:u2 user:u3 -status:offline'),
				sort: {column: 'connectedAt', descending: true},
				showInactive: true,
				paused: false,
			},
			{query: query('topic:t/#'), sort: {column: 'subscriptions', descending: false}, showInactive: false, paused: false},
			{query: query(''), sort: {column: 'status', descending: true}, showInactive: true, paused: false},
		];
		const handedOut: Array<{rows: Rows; copy: Session[]}> = [];
		let time = 1_000_000;
		for (let batch = 0; batch < 90; batch++) {
			// The view changes now and then (a full recompute), and stays put in between (incremental).
			const params = views[Math.floor(batch / 30)];
			const size = 1 + Math.floor(next() * 30);
			for (let i = 0; i < size; i++) stores[Math.floor(next() * stores.length)].apply(randomEvent(next, (time += 1000)));
			if (batch === 45) stores[1].apply({type: 'broker-start', time, version: '2.0.11'});
			const rows = source.take(params).rows;
			handedOut.push({rows, copy: [...rows]});
			const full = fleet.rows().filter((s) => (params.showInactive || s.status === 'online') && params.query.match(s));
			expect([...rows].map(key), `batch ${batch}`).toEqual(sortSessions(full, params.sort).map(key));
		}

		for (const {rows, copy} of handedOut) expect([...rows]).toEqual(copy);
	});
});

/** A query that counts the sessions it was asked about. */
function counted(text: string): Query & {calls: number} {
	const inner = query(text);
	const counting = {text: inner.text, calls: 0, match: (s: Session) => (counting.calls++, inner.match(s))};
	return counting;
}

/** `events` disconnects and connects of random IDs below c`ids`, from `time` on; returns the time after them. */
function churn(store: SessionStore, next: () => number, events: number, ids: number, time: number): number {
	for (let i = 0; i < events; i++) {
		const id = `c${Math.floor(next() * ids)}`;
		store.apply(
			next() < 0.5
				? {type: 'disconnect', time: ++time, clientId: id, kind: 'closed', reason: 'closed its connection'}
				: connect(id, ++time, next() < 0.5 ? 'gw' : 'sensor'),
		);
	}

	return time;
}

/** A connect line's event for `clientId`, as a fleet's device sends it. */
function connect(clientId: string, time: number, username?: string): SessionEvent {
	return {type: 'connect', time, clientId, username, address: '10.0.0.1', port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60};
}

/** A store of `count` online sessions c0, c1 …, every `gwEvery`th of user gw, the others of sensor. */
function fleet(count: number, gwEvery = 4): SessionStore {
	const store = new SessionStore();
	for (let i = 0; i < count; i++) store.apply(connect(`c${i}`, i, i % gwEvery === 0 ? 'gw' : 'sensor'));
	return store;
}

describe('prepared rows (the filter being typed)', () => {
	const ids = (rows: Rows) => [...rows].map((s) => (s.accountOnly ? `account:${s.username}` : s.clientId));

	it('shows, once applied, what a full recomputation shows, whatever happened between preparing and applying', () => {
		const filters = ['user:u1', 'user:u2 -status:blocked', '', 'topic:t/#', 'c1'];
		for (const [seed, sort] of [
			[3, {column: 'clientId', descending: false}],
			[5, {column: 'connectedAt', descending: true}],
			[9, {column: 'flaps', descending: true}],
		] as Array<[number, SortOrder]>) {
			const next = random(seed);
			const store = new SessionStore();
			const source = new SnapshotSource(store, () => 0);
			let time = 1_000_000;
			let shown: ViewParams = {query: query(''), sort, showInactive: false, paused: false};
			for (let round = 0; round < 40; round++) {
				for (let i = 0; i < 1 + Math.floor(next() * 30); i++) store.apply(randomEvent(next, (time += 1000)));
				const before = ids(source.take(shown).rows);
				expect(before).toEqual(expected(store, shown));
				const typed: ViewParams = {...shown, query: query(filters[Math.floor(next() * filters.length)]), showInactive: next() < 0.5};
				// Events that arrive after the last frame, before the monitor is idle enough to prepare.
				for (let i = 0; i < Math.floor(next() * 10); i++) store.apply(randomEvent(next, (time += 1000)));
				source.prepare(typed);
				// Preparing never changes what is shown, and the shown rows keep up with those events.
				expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
				// Ticks while the operator types: the shown rows and the prepared ones both follow.
				for (let tick = 0; tick < Math.floor(next() * 3); tick++) {
					for (let i = 0; i < Math.floor(next() * 20); i++) store.apply(randomEvent(next, (time += 1000)));
					if (round === 20 && tick === 0) store.apply({type: 'broker-start', time, version: '2.0.11'});
					expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
				}

				shown = typed;
				expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
			}
		}
	});

	it('applying a prepared filter asks the filter only about sessions changed since', () => {
		const store = fleet(500, 5);

		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'clientId', descending: false};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		const typed = counted('user:gw');
		source.prepare({query: typed, sort, showInactive: false, paused: false});
		expect(typed.calls).toBe(500);
		store.apply({type: 'disconnect', time: 5000, clientId: 'c5', kind: 'closed', reason: 'closed its connection'});
		store.apply(connect('new-gw', 5001, 'gw'));
		// Enter: the same filter, parsed again from the prompt's text.
		const applied = counted('user:gw');
		const params: ViewParams = {query: applied, sort, showInactive: false, paused: false};
		const rows = ids(source.take(params).rows);
		expect(applied.calls + typed.calls - 500).toBeLessThanOrEqual(4);
		expect(rows).toEqual(expected(store, params));
		expect(rows).toContain('new-gw');
		expect(rows).not.toContain('c5');
	});

	it('keeps what was prepared when the prompt closes as the recent rows, up to date: applying later reads no session', () => {
		const store = fleet(50);

		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'clientId', descending: false};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		source.prepare({query: query('c1'), sort, showInactive: false, paused: false});
		source.prepare(undefined);
		// Changes after the prompt closed reach the recent rows too.
		store.apply(connect('c1x', 60, 'gw'));
		store.apply({type: 'disconnect', time: 61, clientId: 'c11', kind: 'client', reason: 'sent DISCONNECT'});
		source.take({query: query(''), sort, showInactive: false, paused: false});
		store.apply(connect('c1y', 62, 'gw'));
		const applied = counted('c1');
		const rows = ids(source.take({query: applied, sort, showInactive: false, paused: false}).rows);
		expect(applied.calls).toBe(0);
		expect(rows).toEqual(['c1', 'c10', ...Array.from({length: 8}, (_, i) => `c${12 + i}`), 'c1x', 'c1y']);
	});

	it('prepares nothing while paused or sorted by a rate (those are computed whole)', () => {
		const store = fleet(1);
		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'inPerSecond', descending: true};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		const typed = counted('c0');
		source.prepare({query: typed, sort, showInactive: false, paused: false});
		source.prepare({query: typed, sort: {column: 'clientId', descending: false}, showInactive: false, paused: true});
		expect(typed.calls).toBe(0);
	});
});

describe('prepared rows cut a slice at a time', () => {
	const ids = (rows: Rows) => [...rows].map((s) => s.clientId);
	const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

	it.each([
		['a filtered list', '-user:nobody', false],
		['every row (each tick moves the base, so the cut starts over)', '', true],
	])('stays right while ticks change sessions between slices, shown: %s', async (_, shownText, showInactive) => {
		const next = random(11);
		const store = fleet(6000);
		// One chunk per slice: the cut takes several turns of the event loop.
		const source = new SnapshotSource(store, () => 0, undefined, 1);
		const sort: SortOrder = {column: 'connectedAt', descending: true};
		const shown: ViewParams = {query: query(shownText), sort, showInactive, paused: false};
		source.take(shown);
		const typed: ViewParams = {query: query('user:gw'), sort, showInactive: false, paused: false};
		source.prepare(typed);
		let time = 10_000;
		// The cut (a slice per turn) ends among these ticks; later ones re-place the prepared rows.
		for (let tick = 0; tick < 20; tick++) {
			await turn();
			time = churn(store, next, 40, 7000, time);

			expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
		}

		// Enter, wherever the cut got to.
		expect(ids(source.take(typed).rows)).toEqual(expected(store, typed));
	});

	it('carries on the cut under way for a word typed further: the rows read are sifted, not read again', async () => {
		const store = fleet(6000);
		const source = new SnapshotSource(store, () => 0, undefined, 1);
		const sort: SortOrder = {column: 'connectedAt', descending: true};
		source.take({query: query('-user:nobody'), sort, showInactive: false, paused: false});
		const first = counted('c1');
		source.prepare({query: first, sort, showInactive: false, paused: false});
		for (let i = 0; i < 3; i++) await turn();
		// Four of the twelve slices read for c1; c12 keeps only sessions c1 keeps.
		expect(first.calls).toBe(4 * 512);
		const second = counted('c12');
		const typed: ViewParams = {query: second, sort, showInactive: false, paused: false};
		source.prepare(typed);
		const rows = ids(source.take(typed).rows);
		// What c1 collected (none of c5999 … c3952), and the base from where c1's cut was.
		expect(second.calls).toBe(6000 - 4 * 512);
		expect(rows).toEqual(expected(store, {...typed, query: query('c12')}));
	});

	it("sifts rows already prepared when they fit a slice, and goes back to the shorter word's rows", () => {
		const store = fleet(50);
		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'clientId', descending: false};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		source.prepare({query: counted('c1'), sort, showInactive: false, paused: false});
		const further = counted('c12');
		source.prepare({query: further, sort, showInactive: false, paused: false});
		// c1, c10 … c19: the prepared rows, not the fifty sessions.
		expect(further.calls).toBe(11);
		// Back to the shorter word: the rows it had are the recent ones, not read again.
		const back = counted('c1');
		source.prepare({query: back, sort, showInactive: false, paused: false});
		expect(back.calls).toBe(0);
		// A word neither prepared nor recent is read from the base.
		const other = counted('c2');
		source.prepare({query: other, sort, showInactive: false, paused: false});
		expect(other.calls).toBe(50);
		store.apply(connect('c123', 99, 'gw'));
		const params: ViewParams = {query: query('c12'), sort, showInactive: false, paused: false};
		source.prepare(params);
		expect(ids(source.take(params).rows)).toEqual(['c12', 'c123']);
		// From the rows shown: c12 applied, then typed further.
		store.apply(connect('c1234', 100, 'gw'));
		const shownFurther = counted('c123');
		const typed: ViewParams = {query: shownFurther, sort, showInactive: false, paused: false};
		source.prepare(typed);
		expect(shownFurther.calls).toBe(2);
		expect(ids(source.take(typed).rows)).toEqual(['c123', 'c1234']);
	});

	it.each([
		['a filtered list', '-user:nobody', false],
		['every row (each tick moves the base, so the cut starts over)', '', true],
	])(
		'stays right while a filter is typed, word by word and back, with ticks between slices, shown: %s',
		async (_, shownText, showInactive) => {
			const words = ['c12', 'user:gw', 'id:c3', 'gw c4', '-user:sensor c1'];
			const next = random(17 + shownText.length);
			const store = fleet(3000);
			const source = new SnapshotSource(store, () => 0, undefined, 1);
			const sort: SortOrder = {column: 'connectedAt', descending: true};
			const shown: ViewParams = {query: query(shownText), sort, showInactive, paused: false};
			source.take(shown);
			let time = 10_000;
			for (const word of words) {
				let text = '';
				for (let k = 0; k < 2 * word.length; k++) {
					// Mostly the next character, sometimes a backspace.
					text = next() < 0.8 ? word.slice(0, text.length + 1) : text.slice(0, -1);
					const parsed = parseQuery(text);
					// Now and then with offline sessions shown (h): a view no narrower for its longer word.
					if (parsed.ok) source.prepare({query: parsed.query, sort, showInactive: next() < 0.2, paused: false});
					for (let turns = Math.floor(next() * 3); turns > 0; turns--) await turn();
					if (next() < 0.4) {
						time = churn(store, next, 30, 3500, time);

						expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
					}
				}

				const typed: ViewParams = {query: query(word), sort, showInactive: false, paused: false};
				source.prepare(typed);
				// Enter, then the list goes back to what was shown for the next word.
				expect(ids(source.take(typed).rows), word).toEqual(expected(store, typed));
				expect(ids(source.take(shown).rows)).toEqual(expected(store, shown));
			}
		},
	);

	it('lets the event loop run between slices, and Enter finishes what is left', async () => {
		const store = fleet(6000);
		const source = new SnapshotSource(store, () => 0, undefined, 1);
		const sort: SortOrder = {column: 'clientId', descending: false};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		let calls = 0;
		const inner = query('user:gw');
		const typed: ViewParams = {
			query: {text: inner.text, match: (s) => (calls++, inner.match(s))},
			sort,
			showInactive: false,
			paused: false,
		};
		source.prepare(typed);
		// The first slice only, before the event loop turns.
		expect(calls).toBeGreaterThan(0);
		expect(calls).toBeLessThan(3000);
		await turn();
		const afterOneTurn = calls;
		expect(afterOneTurn).toBeLessThan(6000);
		const rows = ids(source.take(typed).rows);
		expect(calls).toBe(6000);
		expect(rows).toEqual(expected(store, typed));
	});
});

describe('finding a row by key (the selection)', () => {
	/** Where a row with `key` is, read row by row: what indexOf must answer. */
	function scanned(rows: Rows, clientId: string): number {
		let i = 0;
		for (const row of rows) {
			if (!row.accountOnly && row.clientId === clientId) return i;
			i++;
		}

		return -1;
	}

	it.each([
		['every row', '', false],
		['a filter', 'user:gw', false],
		['a filter, inactive shown', 'c1', true],
	])('answers as a row-by-row search does, also after the store moved on: %s', (_, text, showInactive) => {
		const next = random(31 + text.length);
		const store = fleet(400);
		const source = new SnapshotSource(store, () => 0);
		const params: ViewParams = {query: query(text), sort: {column: 'connectedAt', descending: true}, showInactive, paused: false};
		let time = 10_000;
		let checked = 0;
		for (let round = 0; round < 60; round++) {
			const snapshot = source.take(params);
			const rows = [...snapshot.rows];
			// Events after the take: rows the snapshot shows may now have moved, be gone or changed.
			time = churn(store, next, 20, 450, time);
			// A restart: the sessions that come back are other objects than the rows the snapshot holds.
			if (round % 7 === 3) {
				store.apply({type: 'broker-start', time: ++time, version: '2.0.18'});
				time = churn(store, next, 60, 450, time);
			}

			// Preparing another filter moves the rows kept up to date (not the snapshot's).
			if (round % 2 === 0) source.prepare({...params, query: query(round % 4 === 0 ? 'gw' : 'sensor')});
			for (let probe = 0; probe < 40; probe++) {
				const id = `c${Math.floor(next() * 460)}`;
				expect(snapshot.indexOf(rowKey({node: 'local', clientId: id} as Session)), `${id} in round ${round}`).toBe(
					scanned(rows as unknown as Rows, id),
				);
				checked++;
			}

			time = churn(store, next, 15, 450, time);
		}

		expect(checked).toBe(2400);
	});

	it('tells the same client ID on two nodes apart', () => {
		const next = random(77);
		const stores = ['east', 'west'].map((node) => {
			const store = new SessionStore({node});
			for (let i = 0; i < 300; i++) store.apply(connect(`c${i}`, i, i % 3 === 0 ? 'gw' : 'sensor'));
			return store;
		});
		const source = new SnapshotSource(new FleetView(stores), () => 0);
		const params: ViewParams = {query: query('user:gw'), sort: {column: 'clientId', descending: false}, showInactive: false, paused: false};
		let time = 10_000;
		for (let round = 0; round < 20; round++) {
			const snapshot = source.take(params);
			const rows = [...snapshot.rows];
			time = churn(stores[round % 2], next, 20, 320, time);
			for (let probe = 0; probe < 40; probe++) {
				const node = next() < 0.5 ? 'east' : 'west';
				const id = `c${Math.floor(next() * 320)}`;
				const expected = rows.findIndex((row) => row.node === node && row.clientId === id);
				expect(snapshot.indexOf(rowKey({node, clientId: id} as Session)), `${node}/${id} in round ${round}`).toBe(expected);
			}
		}
	});

	it('finds a row, or that it is not one, without reading the rows when nothing changed since', () => {
		const store = fleet(3000);
		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'clientId', descending: false};
		source.take({query: query(''), sort, showInactive: false, paused: false});
		const snapshot = source.take({query: query('user:gw'), sort, showInactive: false, paused: false});
		let reads = 0;
		const rows = snapshot.rows;
		const at = rows.at.bind(rows);
		rows.at = (index: number) => (reads++, at(index));
		expect(snapshot.indexOf(rowKey({node: 'local', clientId: 'c2996'} as Session))).toBe(scanned(rows, 'c2996'));
		// c1 is of user sensor: not a row here.
		expect(snapshot.indexOf(rowKey({node: 'local', clientId: 'c1'} as Session))).toBe(-1);
		expect(reads).toBe(0);
	});

	it('looks row by row from where the last row was found when it cannot look up (a paused view): a neighbour is found at once', () => {
		const store = fleet(3000);
		const source = new SnapshotSource(store, () => 0);
		const sort: SortOrder = {column: 'clientId', descending: false};
		const snapshot = source.take({query: query(''), sort, showInactive: false, paused: true});
		const rows = snapshot.rows;
		const at = rows.at.bind(rows);
		let reads = 0;
		rows.at = (index: number) => (reads++, at(index));
		const far = rows.at(2500)!.clientId;
		const neighbour = rows.at(2501)!.clientId;
		expect(snapshot.indexOf(rowKey({node: 'local', clientId: far} as Session))).toBe(2500);
		reads = 0;
		expect(snapshot.indexOf(rowKey({node: 'local', clientId: neighbour} as Session))).toBe(2501);
		expect(reads).toBeLessThanOrEqual(3);
	});
});
