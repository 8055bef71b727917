import {describe, expect, test} from 'vitest';
import type {SessionSnapshot} from '../../source/broker/driver.js';
import {describeHistory} from '../../source/model/history.js';
import {snapshotReasons} from '../../source/model/reconcile.js';
import {SessionStore} from '../../source/model/session-store.js';
import type {Session} from '../../source/model/types.js';

const t = 1_795_313_850_000;
const poll = 5_000;

const listed = (clientId: string, fields: Partial<SessionSnapshot> = {}): SessionSnapshot => ({
	clientId,
	username: 'alice',
	address: '10.0.0.7',
	port: 51_000,
	protocol: '3.1.1',
	cleanSession: true,
	keepAlive: 60,
	connectedAt: t - 60_000,
	online: true,
	...fields,
});

const kinds = (session: Session | undefined) => session!.history.map((entry) => describeHistory(entry).kind);

function counted(store: SessionStore) {
	const actual = {online: 0, offline: 0, blocked: 0};
	for (const session of store.sessions.values()) actual[session.status]++;
	return actual;
}

describe('a client first listed', () => {
	test('online: counted as a connect, exactly like a streamed one', () => {
		const store = new SessionStore();
		store.reconcile([listed('gw-01')], true, t);
		const session = store.get('gw-01')!;
		expect(session).toMatchObject({status: 'online', connectCount: 1, connectedAt: t - 60_000, firstSeen: t - 60_000});
		expect(session).toMatchObject({username: 'alice', address: '10.0.0.7', port: 51_000, protocol: '3.1.1', keepAlive: 60});
		expect(store.counters.connects).toBe(1);
		expect(session.history).toHaveLength(1);
		expect(session.history[0]).toMatchObject({type: 'connect', time: t - 60_000});
		expect(describeHistory(session.history[0]).detail).toBe('from 10.0.0.7:51000, MQTT 3.1.1, clean, keep-alive 60s, user alice');
		// The connect counts in the minute it happened, not when the poll saw it.
		expect(store.connectRate.series(t - 60_000 + 1000).at(-1)).toBe(1);
		expect(store.statusCounts).toEqual({online: 1, offline: 0, blocked: 0});
	});

	test('without a connection time the connect is placed at the poll, and unknown details are left out of its words', () => {
		const store = new SessionStore();
		store.reconcile([{clientId: 'bare', online: true}], true, t);
		const session = store.get('bare')!;
		expect(session).toMatchObject({connectedAt: t, firstSeen: t, connectCount: 1});
		expect(describeHistory(session.history[0]).detail).toBe('no username');
	});

	test('offline: listed as the broker keeps it, with no connect counted', () => {
		const store = new SessionStore();
		store.reconcile([listed('p', {online: false, cleanSession: false, queued: 12})], true, t);
		expect(store.get('p')).toMatchObject({status: 'offline', connectCount: 0, queued: 12, firstSeen: t});
		expect(store.counters.connects).toBe(0);
		expect(store.statusCounts).toEqual({online: 0, offline: 1, blocked: 0});
	});
});

describe('a client listed again', () => {
	test('with the same connection: nothing counted, nothing stamped, no revision', () => {
		const store = new SessionStore();
		const page = [listed('a', {subscriptions: new Map([['t/#', 1]])}), listed('b', {online: false, cleanSession: false})];
		store.reconcile(page, true, t);
		const tracker = store.trackChanges();
		const revision = store.revision;
		const stamps = [...store.sessions.values()].map((s) => s.changedRevision);
		const history = store.get('a')!.history;
		// A fresh listing of the same facts (new objects, as a parsed poll answer would be).
		store.reconcile(
			[listed('a', {subscriptions: new Map([['t/#', 1]])}), listed('b', {online: false, cleanSession: false})],
			true,
			t + poll,
		);
		expect(store.revision).toBe(revision);
		expect([...store.sessions.values()].map((s) => s.changedRevision)).toEqual(stamps);
		expect(tracker.take()).toEqual([]);
		expect(store.get('a')!.history).toBe(history);
		expect(store.counters).toMatchObject({connects: 1, disconnects: 0});
	});

	test('online with another connection time: it reconnected between polls', () => {
		const store = new SessionStore();
		store.reconcile([listed('a')], true, t);
		store.reconcile([listed('a', {connectedAt: t + 2_000})], true, t + poll);
		const session = store.get('a')!;
		expect(session).toMatchObject({status: 'online', connectCount: 2, connectedAt: t + 2_000});
		expect(session.lastDisconnectReason).toBe(snapshotReasons.reconnected);
		expect(session.history.slice(1)).toMatchObject([
			{type: 'disconnect', kind: 'closed', reason: 'reconnected between polls', time: t + 2_000},
			{type: 'connect', time: t + 2_000},
		]);
		expect(store.counters).toMatchObject({connects: 2, disconnects: 1});
		expect(store.disconnectRate.series(t + 3_000).at(-1)).toBe(1);
	});

	test('online while the store has it offline: a connect, its counts kept', () => {
		const store = new SessionStore();
		store.reconcile([listed('p', {cleanSession: false})], true, t);
		store.reconcile([listed('p', {cleanSession: false, online: false})], true, t + poll);
		expect(store.get('p')).toMatchObject({status: 'offline', lastDisconnectReason: snapshotReasons.left});
		store.reconcile([listed('p', {cleanSession: false, connectedAt: t + 7_000})], true, t + 2 * poll);
		expect(store.get('p')).toMatchObject({status: 'online', connectCount: 2, connectedAt: t + 7_000});
		expect(kinds(store.get('p'))).toEqual(['connect', 'disconnect', 'connect']);
		expect(store.counters).toMatchObject({connects: 2, disconnects: 1});
	});

	test('online after it left the listing: back from the departed cache with its counts', () => {
		const store = new SessionStore();
		store.reconcile([listed('a')], true, t);
		store.reconcile([], true, t + poll);
		expect(store.has('a')).toBe(false);
		store.reconcile([listed('a', {connectedAt: t + 8_000})], true, t + 2 * poll);
		expect(store.get('a')).toMatchObject({status: 'online', connectCount: 2, firstSeen: t - 60_000});
	});

	test('details follow the listing; what a listing leaves out is kept', () => {
		const store = new SessionStore();
		store.reconcile([listed('a')], true, t);
		store.reconcile(
			[listed('a', {username: 'bob', address: '10.0.0.8', port: 2, keepAlive: 30, protocol: undefined, queued: 3})],
			true,
			t + poll,
		);
		expect(store.get('a')).toMatchObject({username: 'bob', address: '10.0.0.8', port: 2, keepAlive: 30, protocol: '3.1.1', queued: 3});
		expect(store.sessionsOfUser('alice')).toEqual([]);
		expect(store.sessionsOfUser('bob').map((s) => s.clientId)).toEqual(['a']);
		expect(store.get('a')!.changedRevision).toBe(store.revision);
		// Details are no connection event.
		expect(store.counters.connects).toBe(1);
	});

	test('subscriptions are replaced when the listing carries them, each difference recorded', () => {
		const store = new SessionStore();
		store.reconcile(
			[
				listed('a', {
					subscriptions: new Map([
						['a/#', 0],
						['b', 1],
					]),
				}),
			],
			true,
			t,
		);
		// A first listing's subscriptions are where it stands, not something seen happen.
		expect([...store.get('a')!.subscriptions]).toEqual([
			['a/#', 0],
			['b', 1],
		]);
		expect(kinds(store.get('a'))).toEqual(['connect']);
		store.reconcile(
			[
				listed('a', {
					subscriptions: new Map([
						['b', 2],
						['c', 0],
					]),
				}),
			],
			true,
			t + poll,
		);
		const session = store.get('a')!;
		expect([...session.subscriptions].sort()).toEqual([
			['b', 2],
			['c', 0],
		]);
		expect(session.history.slice(1).map((entry) => describeHistory(entry).detail)).toEqual(['b (QoS 2)', 'c (QoS 0)', 'a/#']);
		expect(kinds(session)).toEqual(['connect', 'subscribe', 'subscribe', 'unsubscribe']);
		// A listing without subscriptions says nothing about them.
		store.reconcile([listed('a')], true, t + 2 * poll);
		expect(session.subscriptions.size).toBe(2);
		expect(session.history).toHaveLength(4);
	});

	test('back from the departed cache, its subscriptions are compared with what was remembered', () => {
		const store = new SessionStore();
		const subscriptions = new Map([['keep', 0]]);
		store.reconcile([listed('a', {subscriptions})], true, t);
		// A first listing's map is handed over (SessionSnapshot.subscriptions): kept, not copied.
		expect(store.get('a')!.subscriptions).toBe(subscriptions);
		expect([...store.get('a')!.subscriptions.keys()]).toEqual(['keep']);
		store.reconcile([], true, t + poll);
		store.reconcile(
			[
				listed('a', {
					connectedAt: t + 7_000,
					subscriptions: new Map([
						['keep', 0],
						['new', 1],
					]),
				}),
			],
			true,
			t + 2 * poll,
		);
		expect(kinds(store.get('a'))).toEqual(['connect', 'disconnect', 'connect', 'subscribe']);
		// A later listing's map is compared and applied to the session's own, never kept.
		expect([...store.get('a')!.subscriptions]).toEqual([
			['keep', 0],
			['new', 1],
		]);
	});

	test('listed offline while connected: a disconnect, the session kept offline', () => {
		const store = new SessionStore();
		store.reconcile([listed('p', {cleanSession: false, protocol: '5.0'})], true, t);
		store.reconcile([listed('p', {cleanSession: false, protocol: '5.0', online: false})], true, t + poll);
		expect(store.get('p')).toMatchObject({status: 'offline', lastDisconnectAt: t + poll});
		expect(store.counters.disconnects).toBe(1);
		expect(store.statusCounts).toEqual({online: 0, offline: 1, blocked: 0});
	});
});

describe('rounds', () => {
	test('a complete round drops the sessions it did not list, as ended clean sessions', () => {
		const store = new SessionStore();
		store.reconcile([listed('a'), listed('b'), listed('c')], true, t);
		store.reconcile([listed('a'), listed('c')], true, t + poll);
		expect(store.has('b')).toBe(false);
		const gone = store.lookup('b')!;
		expect(gone.lastDisconnectReason).toBe('no longer listed by the broker');
		expect(gone.history.at(-1)).toMatchObject({
			type: 'disconnect',
			kind: 'closed',
			reason: 'no longer listed by the broker',
			time: t + poll,
		});
		expect(store.counters).toMatchObject({connects: 3, disconnects: 1});
		expect(store.statusCounts).toEqual({online: 2, offline: 0, blocked: 0});
		expect(gone.changedRevision).toBe(store.revision);
	});

	test('pages accumulate: only the last page completes the round', () => {
		const store = new SessionStore();
		store.reconcile([listed('a'), listed('b')], true, t);
		store.reconcile([listed('a')], false, t + poll);
		expect(store.has('b')).toBe(true);
		store.reconcile([listed('b')], true, t + poll);
		expect([...store.sessions.keys()].sort()).toEqual(['a', 'b']);
		expect(store.counters.disconnects).toBe(0);
	});

	test('a round never completed (the poll failed midway) removes nothing', () => {
		const store = new SessionStore();
		store.reconcile([listed('a'), listed('b'), listed('c')], true, t);
		store.reconcile([listed('a')], false, t + poll);
		// The broker stopped answering: no further page, no complete.
		expect([...store.sessions.keys()].sort()).toEqual(['a', 'b', 'c']);
		expect(store.counters.disconnects).toBe(0);
		expect(store.statusCounts.online).toBe(3);
	});

	test('a new round starts with the first page after a complete', () => {
		const store = new SessionStore();
		store.reconcile([listed('a'), listed('b')], false, t);
		store.reconcile([listed('c')], true, t);
		expect(store.sessions.size).toBe(3);
		store.reconcile([listed('c')], false, t + poll);
		store.reconcile([listed('a')], true, t + poll);
		expect([...store.sessions.keys()].sort()).toEqual(['a', 'c']);
	});

	test('a session the broker kept offline and no longer lists has expired', () => {
		const store = new SessionStore();
		store.reconcile([listed('p', {online: false, cleanSession: false})], true, t);
		store.reconcile([], true, t + poll);
		expect(store.has('p')).toBe(false);
		expect(store.lookup('p')!.history.at(-1)).toMatchObject({type: 'expire', time: t + poll});
		expect(store.counters.disconnects).toBe(0);
		expect(store.statusCounts).toEqual({online: 0, offline: 0, blocked: 0});
	});

	test('an empty complete round on an unchanged empty store changes nothing', () => {
		const store = new SessionStore();
		store.reconcile([], true, t);
		expect(store.revision).toBe(0);
	});
});

describe('accounts', () => {
	test('a banned account’s client the broker lists as connected shows online (the ban left it on); its offline session shows blocked', () => {
		const store = new SessionStore();
		store.setAccounts([{username: 'alice', disabled: true}]);
		store.reconcile([listed('a'), listed('p', {online: false, cleanSession: false})], true, t);
		expect(store.get('a')).toMatchObject({status: 'online', connectCount: 1});
		expect(store.get('p')).toMatchObject({status: 'blocked', connectCount: 0});
		expect(store.isDisabled('alice')).toBe(true);
		expect(store.statusCounts).toEqual({online: 1, offline: 0, blocked: 1});
		// Listed again, the same connection: still one connect.
		store.reconcile([listed('a'), listed('p', {online: false, cleanSession: false})], true, t + poll);
		expect(store.get('a')!.connectCount).toBe(1);
		expect(store.counters.connects).toBe(1);
	});

	test('a blocked session that leaves the listing is disconnected once and stays in view', () => {
		const store = new SessionStore();
		store.setAccounts([{username: 'alice', disabled: true}]);
		store.reconcile([listed('a')], true, t);
		store.reconcile([], true, t + poll);
		expect(store.get('a')).toMatchObject({status: 'blocked', lastDisconnectReason: 'no longer listed by the broker'});
		expect(store.counters.disconnects).toBe(1);
		const revision = store.revision;
		store.reconcile([], true, t + 2 * poll);
		expect(store.revision).toBe(revision);
		expect(store.counters.disconnects).toBe(1);
		// Unblocked: a clean session no longer listed is gone.
		store.setAccountDisabled('alice', false);
		expect(store.has('a')).toBe(false);
	});

	test('enabling the account puts its listed sessions back to what the listing said', () => {
		const store = new SessionStore();
		store.setAccounts([{username: 'alice', disabled: true}]);
		store.reconcile([listed('a'), listed('p', {online: false, cleanSession: false})], true, t);
		store.setAccountDisabled('alice', false);
		store.reconcile([listed('a'), listed('p', {online: false, cleanSession: false})], true, t + poll);
		expect(store.get('a')!.status).toBe('online');
		expect(store.get('p')!.status).toBe('offline');
		expect(store.statusCounts).toEqual(counted(store));
	});
});

describe('status counts stay exact', () => {
	test('through a churning sequence of rounds', () => {
		const store = new SessionStore();
		store.setAccounts([{username: 'mallory', disabled: true}]);
		let seed = 7;
		const random = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};

		for (let round = 0; round < 40; round++) {
			const page: SessionSnapshot[] = [];
			for (let i = 0; i < 60; i++) {
				if (random() < 0.3) continue;
				page.push(
					listed(`c${i}`, {
						online: random() < 0.7,
						cleanSession: i % 3 !== 0,
						protocol: i % 2 ? '5.0' : '3.1.1',
						username: i % 7 === 0 ? 'mallory' : 'alice',
						connectedAt: t + Math.floor(random() * 3) * 1000,
					}),
				);
			}

			const half = page.length >> 1;
			store.reconcile(page.slice(0, half), false, t + round * poll);
			// Now and then a round fails midway.
			if (random() < 0.2) continue;
			store.reconcile(page.slice(half), true, t + round * poll);
			expect(store.statusCounts).toEqual(counted(store));
		}

		expect(store.counters.connects).toBeGreaterThan(store.counters.disconnects);
		// Every connect is either still connected or was followed by a disconnect.
		let connected = 0;
		for (const session of store.sessions.values()) {
			const ends = session.history.filter((entry) => entry.type === 'connect' || entry.type === 'disconnect' || entry.type === 'expire');
			if (ends.at(-1)?.type === 'connect') connected++;
		}

		expect(connected).toBe(store.counters.connects - store.counters.disconnects);
	});
});
