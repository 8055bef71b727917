import {describe, expect, test} from 'vitest';
import {parseLogMessage, parseLogTopicMessage} from '../../source/broker/mosquitto/log-parser.js';
import {describeHistory} from '../../source/model/history.js';
import {persistence} from '../../source/model/persistence.js';
import {historyLimit, SessionStore} from '../../source/model/session-store.js';
import {topicCapture} from '../support/fixtures.js';

function feed(store: SessionStore, ...lines: string[]) {
	for (const line of lines) store.apply(parseLogMessage(line, Date.now()));
}

const connect = (id: string, flags = 'p2, c1, k60', user?: string) =>
	`New client connected from 127.0.0.1:1000 as ${id} (${flags}${user ? `, u'${user}'` : ''}).`;

describe('replaying the captured stream', () => {
	const store = new SessionStore();
	for (const {topic, payload} of topicCapture()) store.apply(parseLogTopicMessage(topic, payload, 0, store));

	test('leaves exactly the sessions still connected, and the persistent one offline', () => {
		const rows = Object.fromEntries([...store.sessions.values()].map((s) => [s.clientId, s.status]));
		// monitor-y never logged a connect line but subscribed, so it is known to be online. The
		// MQTT 5 client that left may still have a session (its expiry is not logged): offline.
		// monitor-x, never seen connecting, is let go as before.
		expect(rows).toEqual({'gw-01': 'offline', 'kitchen sensor 7': 'offline', 'monitor-y': 'online'});
		expect(persistence(store.get('gw-01')!)).toBe('persistent');
		expect(persistence(store.get('kitchen sensor 7')!)).toBe('unknown');
	});

	test('the persistent session keeps its subscriptions, takeover and connect counts', () => {
		const gw = store.get('gw-01')!;
		expect([...gw.subscriptions]).toEqual([['fleet/gw-01/#', 1]]);
		expect(gw.connectCount).toBe(2);
		expect(gw.takeoverCount).toBe(1);
		expect(gw.lastDisconnectReason).toBe('disconnected by administrative action');
		expect(gw.history.map((h) => describeHistory(h).kind)).toEqual(['connect', 'subscribe', 'takeover', 'connect', 'disconnect']);
	});

	test('counts what happened', () => {
		expect(store.counters).toMatchObject({connects: 11, disconnects: 11, authFailures: 1, takeovers: 1, unknownLines: 0});
	});
});

describe('session lifecycle', () => {
	test('a clean session that reconnects keeps its connect count (flapping)', () => {
		const store = new SessionStore();
		for (let i = 0; i < 3; i++) feed(store, connect('flappy'), 'Client flappy closed its connection.');
		feed(store, connect('flappy'));
		expect(store.get('flappy')).toMatchObject({status: 'online', connectCount: 4, lastDisconnectReason: 'closed its connection'});
	});

	test('a clean reconnect drops old subscriptions; a persistent resume keeps them', () => {
		const store = new SessionStore();
		feed(store, connect('c', 'p2, c1, k60'), connect('p', 'p2, c0, k60'));
		store.apply({type: 'subscribe', time: 0, clientId: 'c', topic: 'a', qos: 0});
		store.apply({type: 'subscribe', time: 0, clientId: 'p', topic: 'b', qos: 1});
		feed(store, 'Client c disconnected.', 'Client p disconnected.', connect('c', 'p2, c1, k60'), connect('p', 'p2, c0, k60'));
		expect(store.get('c')!.subscriptions.size).toBe(0);
		expect([...store.get('p')!.subscriptions]).toEqual([['b', 1]]);
	});

	test('a client seen only subscribing is online with what it subscribed', () => {
		const store = new SessionStore();
		store.apply({type: 'subscribe', time: 5, clientId: 'old', topic: 't/#', qos: 2});
		expect(store.get('old')).toMatchObject({status: 'online', connectCount: 0});
	});

	test('refused subscriptions are recorded but not added', () => {
		const store = new SessionStore();
		feed(store, connect('x'));
		store.apply({type: 'subscribe', time: 5, clientId: 'x', topic: 'secret/#', qos: 128});
		expect(store.get('x')!.subscriptions.size).toBe(0);
		expect(describeHistory(store.get('x')!.history.at(-1)!).detail).toBe('secret/# refused (code 128)');
	});

	test('history is bounded', () => {
		const store = new SessionStore();
		feed(store, connect('x'));
		for (let i = 0; i < historyLimit * 3; i++) store.apply({type: 'subscribe', time: i, clientId: 'x', topic: `t/${i}`, qos: 0});
		expect(store.get('x')!.history).toHaveLength(historyLimit);
		expect(describeHistory(store.get('x')!.history.at(-1)!).detail).toBe(`t/${historyLimit * 3 - 1} (QoS 0)`);
	});

	test('expiry removes a persistent session', () => {
		const store = new SessionStore();
		feed(store, connect('p', 'p2, c0, k60'), 'Client p disconnected.');
		expect(store.get('p')?.status).toBe('offline');
		feed(store, 'Expiring client p due to timeout.');
		expect(store.has('p')).toBe(false);
	});

	test('a broker restart forgets every session', () => {
		const store = new SessionStore();
		feed(store, connect('a'), connect('b', 'p2, c0, k60'), 'mosquitto version 2.0.11 starting');
		expect(store.sessions.size).toBe(0);
		expect(store.broker.version).toBe('2.0.11');
	});

	test('a username change moves the session between users', () => {
		const store = new SessionStore();
		feed(store, connect('x', 'p2, c0, k60', 'alice'), 'Client x disconnected.', connect('x', 'p2, c0, k60', 'bob'));
		expect(store.sessionsOfUser('alice')).toEqual([]);
		expect(store.sessionsOfUser('bob').map((s) => s.clientId)).toEqual(['x']);
	});
});

describe('blocked accounts', () => {
	test('a disabled account blocks its sessions, which stay visible after disconnect', () => {
		const store = new SessionStore();
		feed(store, connect('gw', 'p2, c1, k60', 'alice'), connect('other', 'p2, c1, k60', 'bob'));
		feed(store, 'dynsec: ops/admin | disableClient | username=alice', 'Client gw been disconnected by administrative action.');
		expect(store.get('gw')).toMatchObject({status: 'blocked', lastDisconnectReason: 'disconnected by administrative action'});
		expect(store.get('other')!.status).toBe('online');
		feed(store, 'dynsec: ops/admin | enableClient | username=alice');
		// A clean session that ended is gone from the broker once the block no longer holds it in view.
		expect(store.has('gw')).toBe(false);
	});

	test('blocked in the order Mosquitto logs it (disconnects first, then the dynsec line), the client stays visible as blocked', () => {
		const store = new SessionStore();
		feed(store, connect('gw', 'p2, c1, k60', 'alice'), connect('other', 'p2, c1, k60', 'bob'));
		feed(store, 'Client gw been disconnected by administrative action.', 'dynsec: ops/admin | disableClient | username=alice');
		expect(store.get('gw')).toMatchObject({status: 'blocked', clientId: 'gw'});
		expect(store.rows().filter((row) => row.clientId === 'gw')).toHaveLength(1);
		expect(store.accountRows()).toEqual([]);
		expect(store.statusCounts).toEqual({online: 1, offline: 0, blocked: 1});
	});

	test('an account seen connecting again is enabled for all its sessions, not just the one that connected', () => {
		const store = new SessionStore();
		feed(store, connect('gw-1', 'p2, c0, k60', 'alice'), connect('gw-2', 'p2, c0, k60', 'alice'));
		feed(store, 'dynsec: ops/admin | disableClient | username=alice');
		feed(store, 'Client gw-1 been disconnected by administrative action.', 'Client gw-2 been disconnected by administrative action.');
		expect([store.get('gw-1')!.status, store.get('gw-2')!.status]).toEqual(['blocked', 'blocked']);
		// Re-enabled by someone the monitor did not hear (no dynsec line): gw-1 connecting proves it.
		feed(store, connect('gw-1', 'p2, c0, k60', 'alice'));
		expect([store.get('gw-1')!.status, store.get('gw-2')!.status]).toEqual(['online', 'offline']);
	});

	test('MQTT 5 sessions that leave stay listed offline with unknown persistence; MQTT 3.1.1 follows its c flag', () => {
		const store = new SessionStore();
		feed(store, connect('v5-c1', 'p5, c1, k60'), connect('v5-c0', 'p5, c0, k60'), connect('v3-c1'), connect('v3-c0', 'p2, c0, k60'));
		for (const id of ['v5-c1', 'v5-c0', 'v3-c1', 'v3-c0']) feed(store, `Client ${id} disconnected.`);
		const left = Object.fromEntries([...store.sessions.values()].map((s) => [s.clientId, `${s.status} ${persistence(s)}`]));
		expect(left).toEqual({'v5-c1': 'offline unknown', 'v5-c0': 'offline unknown', 'v3-c0': 'offline persistent'});
		// The broker says when a kept session ends.
		feed(store, 'Expiring client v5-c1 due to timeout.');
		expect(store.has('v5-c1')).toBe(false);
	});

	test("a takeover kick's own connection never becomes the device's session", () => {
		const store = new SessionStore();
		feed(store, "New client connected from 10.0.0.9:5000 as gw (p2, c0, k120, u'alice').");
		const release = store.expectOwnConnection('gw', {matches: (event) => event.port === 6000});
		feed(
			store,
			'Client gw already connected, closing old connection.',
			"New client connected from 127.0.0.1:6000 as gw (p2, c1, k5, u'monitor').",
			'Client gw disconnected.',
		);
		release();
		// The clean takeover discarded the device's session: nothing of the intruder is left behind.
		expect(store.has('gw')).toBe(false);
		expect(store.lookup('gw')).toMatchObject({username: 'alice', address: '10.0.0.9', keepAlive: 120});
		expect(store.counters).toMatchObject({connects: 1, disconnects: 0, takeovers: 1});
		// The device coming back is itself again.
		feed(store, "New client connected from 10.0.0.9:5001 as gw (p2, c0, k120, u'alice').");
		expect(store.get('gw')).toMatchObject({status: 'online', username: 'alice', connectCount: 2, takeoverCount: 1});
	});

	test('a disabled account with no known session still has a row', () => {
		const store = new SessionStore();
		store.setAccounts([
			{username: 'mallory', disabled: true},
			{username: 'alice', disabled: false},
		]);
		const rows = store.rows();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({username: 'mallory', status: 'blocked', accountOnly: true});
	});

	test('a persistent session of an unblocked account goes back to offline', () => {
		const store = new SessionStore();
		feed(store, connect('p', 'p2, c0, k60', 'alice'));
		store.setAccountDisabled('alice', true);
		feed(store, 'Client p been disconnected by administrative action.');
		expect(store.get('p')!.status).toBe('blocked');
		store.setAccountDisabled('alice', false);
		expect(store.get('p')!.status).toBe('offline');
	});
});

describe('rates', () => {
	test('connects per second are counted over the last minute by event time', () => {
		const store = new SessionStore();
		const now = 1_000_000_000;
		for (let i = 0; i < 30; i++)
			store.apply({
				type: 'connect',
				time: now - 10_000,
				clientId: `c${i}`,
				address: 'a',
				port: 1,
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 1,
			});
		store.apply({type: 'auth-failure', time: now - 2000});
		expect(store.connectRate.perSecond(now)).toBeCloseTo(0.5);
		expect(store.connectRate.series(now)[50]).toBe(30);
		expect(store.authFailureRate.perSecond(now)).toBeCloseTo(1 / 60);
		// An event older than the window does not count.
		store.apply({type: 'auth-failure', time: now - 120_000});
		expect(store.authFailureRate.perSecond(now)).toBeCloseTo(1 / 60);
	});
});

describe('what views read without scanning every session', () => {
	test('status counts follow every change', () => {
		const store = new SessionStore();
		const count = () => ({...store.statusCounts});
		feed(store, connect('a', 'p2, c1, k60', 'alice'), connect('p', 'p2, c0, k60', 'alice'), connect('b', 'p2, c1, k60', 'bob'));
		expect(count()).toEqual({online: 3, offline: 0, blocked: 0});
		feed(store, 'Client p disconnected.', 'Client b disconnected.');
		expect(count()).toEqual({online: 1, offline: 1, blocked: 0});
		feed(store, 'dynsec: ops/admin | disableClient | username=alice', 'Client a been disconnected by administrative action.');
		expect(count()).toEqual({online: 0, offline: 0, blocked: 2});
		feed(store, 'dynsec: ops/admin | enableClient | username=alice');
		expect(count()).toEqual({online: 0, offline: 1, blocked: 0});
		feed(store, connect('p', 'p2, c0, k60', 'alice'), 'mosquitto version 2.0.11 starting');
		expect(count()).toEqual({online: 0, offline: 0, blocked: 0});
		// The counts always agree with the sessions themselves.
		feed(store, connect('x'), connect('y', 'p2, c0, k1'), 'Client y has exceeded timeout, disconnecting.');
		const actual = {online: 0, offline: 0, blocked: 0};
		for (const s of store.sessions.values()) actual[s.status]++;
		expect(count()).toEqual(actual);
	});

	test('every change stamps the session with the store revision', () => {
		const store = new SessionStore();
		feed(store, connect('a'), connect('b'));
		const a = store.get('a')!;
		const before = a.changedRevision;
		store.apply({type: 'subscribe', time: 0, clientId: 'b', topic: 't', qos: 0});
		expect(a.changedRevision).toBe(before);
		expect(store.get('b')!.changedRevision).toBe(store.revision);
		feed(store, 'Client a disconnected.');
		// Removed rows are stamped too, so a view knows to drop them.
		expect(a.changedRevision).toBe(store.revision);
	});

	test('a restart is counted so views start over', () => {
		const store = new SessionStore();
		feed(store, 'mosquitto version 2.0.11 starting');
		expect(store.resets).toBe(1);
	});
});

describe('change tracking', () => {
	test('a tracker lists the sessions changed since its last take', () => {
		const store = new SessionStore();
		const tracker = store.trackChanges();
		feed(store, connect('a'), connect('b'));
		expect(tracker.take()!.map((s) => s.clientId)).toEqual(['a', 'b']);
		store.apply({type: 'subscribe', time: 0, clientId: 'b', topic: 't', qos: 0});
		expect(tracker.take()!.map((s) => s.clientId)).toEqual(['b']);
		expect(tracker.take()).toEqual([]);
	});

	test('past a quarter of the sessions it gives up and asks for a full recomputation', () => {
		const store = new SessionStore();
		const tracker = store.trackChanges();
		for (let i = 0; i < 5000; i++) feed(store, connect(`c${i}`));
		expect(tracker.take()).toBeUndefined();
		feed(store, connect('one more'));
		expect(tracker.take()!.map((s) => s.clientId)).toEqual(['one more']);
		tracker.close();
		feed(store, connect('after close'));
		expect(tracker.take()).toEqual([]);
	});
});

describe('after a broker restart the monitor did not see', () => {
	test('sessions not heard of since the link was lost end as the broker ended them; newer ones stay', () => {
		const store = new SessionStore();
		const at = (line: string, time: number) => store.apply(parseLogMessage(line, time));
		at(connect('old-clean'), 1000);
		at(connect('old-persistent', 'p2, c0, k60'), 1000);
		at(connect('old-blocked', 'p2, c1, k60', 'mallory'), 1000);
		store.setAccountDisabled('mallory', true);
		at(connect('old-but-active'), 1000);
		at(connect('new-after-restart'), 9000);
		store.apply({type: 'subscribe', time: 9500, clientId: 'old-but-active', topic: 'home/#', qos: 0});
		const ended = store.endSessionsNotHeardSince(5000, 10_000, 'broker restarted while mqtt-top was disconnected');
		expect(ended).toBe(2);
		const status = Object.fromEntries([...store.sessions.values()].map((s) => [s.clientId, s.status]));
		expect(status).toEqual({
			'old-persistent': 'offline',
			'old-blocked': 'blocked',
			'old-but-active': 'online',
			'new-after-restart': 'online',
		});
		expect(store.get('old-persistent')!.lastDisconnectReason).toBe('broker restarted while mqtt-top was disconnected');
		expect(store.statusCounts).toEqual({online: 2, offline: 1, blocked: 1});
	});
});
