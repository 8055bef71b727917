import {describe, expect, test} from 'vitest';
import {isStuck} from '../../../../source/model/activity.js';
import {departedLimit, SessionStore} from '../../../../source/model/session-store.js';
import {sortSessions} from '../../../../source/model/sort.js';
import type {SessionEvent} from '../../../../source/model/types.js';

const t = 1_795_313_850_000;
const connect = (clientId: string, time = t, keepAlive = 60): SessionEvent => ({
	type: 'connect',
	time,
	clientId,
	address: '10.0.0.1',
	port: 1,
	protocol: '3.1.1',
	cleanSession: true,
	keepAlive,
});
const publish = (clientId: string, time: number, direction: 'in' | 'out' = 'in', bytes = 10): SessionEvent => ({
	type: 'traffic',
	time,
	clientId,
	direction,
	packet: 'PUBLISH',
	bytes,
});

describe('traffic in the store', () => {
	test('counts messages and bytes each way; any packet from the client is a sign of life', () => {
		const store = new SessionStore();
		store.apply(connect('a'));
		expect(store.get('a')!.messagesIn).toBeUndefined(); // no debug lines: no data, not zero
		store.apply(publish('a', t + 1000, 'in', 5));
		store.apply(publish('a', t + 2000, 'out', 7));
		store.apply(publish('a', t + 2000, 'out', 8));
		store.apply({type: 'traffic', time: t + 3000, clientId: 'a', direction: 'in', packet: 'PINGREQ', bytes: 0});
		store.apply({type: 'traffic', time: t + 4000, clientId: 'a', direction: 'out', packet: 'PINGRESP', bytes: 0});
		expect(store.get('a')).toMatchObject({messagesIn: 1, bytesIn: 5, messagesOut: 2, bytesOut: 15, lastSeen: t + 3000});
	});

	test('never creates a session: a late debug line must not bring a departed client back', () => {
		const store = new SessionStore();
		store.apply(publish('ghost', t));
		expect(store.has('ghost')).toBe(false);
	});

	test('rates are per second of log time: a replayed burst from long ago is not a rate now', () => {
		const store = new SessionStore();
		store.apply(connect('a'));
		store.apply(connect('b'));
		for (let i = 0; i < 50; i++) store.apply(publish('a', t + 1000 + (i % 5) * 1000));
		for (let i = 0; i < 50; i++) store.apply(publish('b', t - 3_600_000));
		store.sampleRates(t + 6000);
		expect(store.get('a')).toMatchObject({inPerSecond: 10, outPerSecond: 0});
		expect(store.get('b')).toMatchObject({inPerSecond: 0});
		store.sampleRates(t + 60_000);
		expect(store.get('a')!.inPerSecond).toBe(0);
	});

	test('the new columns sort, with sessions lacking the data last either way', () => {
		const store = new SessionStore();
		for (const id of ['none', 'slow', 'fast']) store.apply(connect(id));
		store.apply(publish('slow', t + 1000));
		for (let i = 0; i < 3; i++) store.apply(publish('fast', t + 1000));
		const order = (descending: boolean) =>
			sortSessions([...store.sessions.values()], {column: 'messagesIn', descending}).map((s) => s.clientId);
		expect(order(true)).toEqual(['fast', 'slow', 'none']);
		expect(order(false)).toEqual(['slow', 'fast', 'none']);
	});
});

describe('isStuck', () => {
	const session = (fields: Record<string, unknown>) => {
		const store = new SessionStore();
		store.apply(connect('a', t, 60));
		return Object.assign(store.get('a')!, fields);
	};

	test('online and silent past 1.5 × keep-alive (plus the log’s one-second resolution)', () => {
		expect(isStuck(session({lastSeen: t}), t + 91_001)).toBe(true);
		expect(isStuck(session({lastSeen: t}), t + 91_000)).toBe(false);
	});

	test('not judged without traffic data, offline, or without keep-alive', () => {
		expect(isStuck(session({}), t + 10_000_000)).toBe(false);
		expect(isStuck(session({lastSeen: t, status: 'offline'}), t + 10_000_000)).toBe(false);
		expect(isStuck(session({lastSeen: t, keepAlive: 0}), t + 10_000_000)).toBe(false);
	});
});

describe('departed sessions (evicted oldest first, in constant time)', () => {
	test('a client that left and came back is the newest, not the next evicted', () => {
		const store = new SessionStore();
		const leave = (id: string) => {
			store.apply(connect(id));
			store.apply({type: 'disconnect', time: t, clientId: id, kind: 'client', reason: 'sent DISCONNECT'});
		};

		leave('first');
		leave('second');
		leave('first'); // back and gone again: now the most recent departure
		for (let i = 0; i < departedLimit - 1; i++) leave(`filler-${i}`);
		// One over the limit evicted exactly one: the oldest, which is now "second".
		store.apply(connect('first'));
		store.apply(connect('second'));
		expect(store.get('first')!.connectCount).toBe(3);
		expect(store.get('second')!.connectCount).toBe(1);
	});
});
