import {describe, expect, test} from 'vitest';
import {OfflineCap, unknownOfflineLimit, unknownOfflineMaxAgeMs} from '../../source/model/offline-cap.js';
import {newSession} from '../../source/model/session-record.js';
import {SessionStore} from '../../source/model/session-store.js';
import type {Protocol, SessionEvent} from '../../source/model/types.js';

const t = 1_795_313_850_000;

function visit(store: SessionStore, clientId: string, time: number, protocol: Protocol = '5.0', cleanSession = true): void {
	const connect: SessionEvent = {type: 'connect', time, clientId, address: '10.0.0.1', port: 1, protocol, cleanSession, keepAlive: 60};
	store.apply(connect);
	store.apply({type: 'disconnect', time: time + 1, clientId, kind: 'client', reason: 'disconnected'});
}

describe('offline? rows (MQTT 5, persistence unknown) are bounded', () => {
	test(`at most ${unknownOfflineLimit.toLocaleString('en')} stay listed; the oldest-left go first, into the departed cache`, () => {
		const store = new SessionStore();
		const extra = 25;
		for (let i = 0; i < unknownOfflineLimit + extra; i++) visit(store, `m5-${i}`, t + i);
		expect(store.statusCounts.offline).toBe(unknownOfflineLimit);
		expect(store.sessions.size).toBe(unknownOfflineLimit);
		for (let i = 0; i < extra; i++) expect(store.has(`m5-${i}`)).toBe(false);
		expect(store.has(`m5-${extra}`)).toBe(true);
		expect(store.has(`m5-${unknownOfflineLimit + extra - 1}`)).toBe(true);
		// Evicted, not forgotten: a client that comes back keeps its connect count.
		expect(store.lookup('m5-0')).toMatchObject({status: 'offline', connectCount: 1});
		visit(store, 'm5-0', t + 10_000_000);
		expect(store.get('m5-0')).toMatchObject({status: 'offline', connectCount: 2});
		expect(store.get('m5-0')!.changedRevision).toBe(store.revision);
	});

	test('known-persistent offline sessions are never evicted: they are broker state until it says they expired', () => {
		const store = new SessionStore();
		for (let i = 0; i < 50; i++) visit(store, `persistent-${i}`, t + i, '3.1.1', false);
		for (let i = 0; i < unknownOfflineLimit + 500; i++) visit(store, `m5-${i}`, t + 100 + i);
		for (let i = 0; i < 50; i++) expect(store.get(`persistent-${i}`)?.status).toBe('offline');
		expect(store.statusCounts.offline).toBe(unknownOfflineLimit + 50);
	});

	test('a client that comes back online no longer counts against the bound, and is not evicted for it', () => {
		const store = new SessionStore();
		for (let i = 0; i < unknownOfflineLimit; i++) visit(store, `m5-${i}`, t + i);
		store.apply({
			type: 'connect',
			time: t + 20_000,
			clientId: 'm5-0',
			address: 'a',
			port: 1,
			protocol: '5.0',
			cleanSession: true,
			keepAlive: 60,
		});
		visit(store, 'newcomer', t + 20_001);
		expect(store.get('m5-0')?.status).toBe('online');
		expect(store.get('m5-1')?.status).toBe('offline');
		expect(store.statusCounts.offline).toBe(unknownOfflineLimit);
		// It leaves again: now the newest to have left, so m5-1 goes first.
		store.apply({type: 'disconnect', time: t + 20_002, clientId: 'm5-0', kind: 'client', reason: 'disconnected'});
		expect(store.has('m5-1')).toBe(false);
		expect(store.get('m5-0')?.status).toBe('offline');
	});

	test('a row without news for longer than the age limit is let go when another leaves', () => {
		const store = new SessionStore();
		visit(store, 'old', t);
		visit(store, 'recent', t + unknownOfflineMaxAgeMs - 60_000);
		expect(store.has('old')).toBe(true);
		visit(store, 'later', t + unknownOfflineMaxAgeMs + 10);
		expect(store.has('old')).toBe(false);
		expect(store.has('recent')).toBe(true);
		expect(store.statusCounts).toEqual({online: 0, offline: 2, blocked: 0});
	});

	test('a broker restart empties the bound with the table', () => {
		const store = new SessionStore();
		for (let i = 0; i < unknownOfflineLimit; i++) visit(store, `m5-${i}`, t + i);
		store.apply({type: 'broker-start', time: t + 10_000, version: '2.0.11'});
		for (let i = 0; i < unknownOfflineLimit; i++) visit(store, `after-${i}`, t + 20_000 + i);
		expect(store.statusCounts.offline).toBe(unknownOfflineLimit);
		expect(store.has('after-0')).toBe(true);
	});

	test('sessions a snapshot lists offline are the broker’s own word and never capped', () => {
		const store = new SessionStore();
		const page = Array.from({length: unknownOfflineLimit + 10}, (_, i) => ({
			clientId: `held-${i}`,
			protocol: '5.0' as const,
			cleanSession: false,
			online: false,
		}));
		store.reconcile(page, true, t);
		expect(store.statusCounts.offline).toBe(unknownOfflineLimit + 10);
	});
});

describe('OfflineCap', () => {
	const session = (id: string, leftAt: number) => ({...newSession('local', id, 0), lastDisconnectAt: leftAt});

	test('names the oldest while over the limit, and nothing once within it', () => {
		const cap = new OfflineCap(2, 1000);
		const [a, b, c] = [session('a', 1), session('b', 2), session('c', 3)];
		cap.add(a);
		cap.add(b);
		expect(cap.due(3)).toBeUndefined();
		cap.add(c);
		expect(cap.due(3)).toBe(a);
		cap.delete(a);
		expect(cap.due(3)).toBeUndefined();
	});

	test('a removed front is never named; one re-added moves to the back', () => {
		const cap = new OfflineCap(2, 1000);
		const [a, b, c, d] = [session('a', 1), session('b', 2), session('c', 3), session('d', 4)];
		cap.add(a);
		cap.add(b);
		cap.add(c);
		expect(cap.due(4)).toBe(a);
		cap.delete(a);
		cap.delete(b);
		cap.add(b);
		cap.add(d);
		// c is now the oldest, then b (re-added), then d.
		expect(cap.due(4)).toBe(c);
		cap.delete(c);
		expect(cap.due(4)).toBeUndefined();
		expect(cap.size).toBe(2);
	});

	test('names one older than the age limit even within the count', () => {
		const cap = new OfflineCap(10, 1000);
		const a = session('a', 0);
		cap.add(a);
		expect(cap.due(1000)).toBeUndefined();
		expect(cap.due(1001)).toBe(a);
	});
});
