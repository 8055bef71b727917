import {describe, expect, test} from 'vitest';
import type {ConnectionState} from '../../source/broker/adapter.js';
import type {BrokerNode, BrokerType} from '../../source/broker/driver.js';
import {AlertEngine, type Alert} from '../../source/alerts/engine.js';
import {NodeFeed} from '../../source/alerts/feed.js';
import {parseRule, watchRule} from '../../source/alerts/rules.js';
import {SessionStore} from '../../source/model/session-store.js';

class FakeNode {
	state: ConnectionState = {state: 'connected'};
	private readonly listeners = new Set<(state: ConnectionState) => void>();
	constructor(
		readonly name: string,
		readonly type: BrokerType,
	) {}

	connection(): ConnectionState {
		return this.state;
	}

	onConnectionChange(listener: (state: ConnectionState) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	set(state: ConnectionState): void {
		this.state = state;
		for (const listener of this.listeners) listener(state);
	}
}

function setup(type: BrokerType, ...texts: string[]) {
	const store = new SessionStore({node: 'edge'});
	const node = new FakeNode('edge', type);
	const engine = new AlertEngine(
		texts.map((text) => {
			const parsed = parseRule(text);
			if (!parsed.ok) throw new Error(parsed.error);
			return parsed.rule;
		}),
		() => 0,
	);
	const alerts: Alert[] = [];
	engine.onAlert((alert) => alerts.push(alert));
	const feed = (ready?: Promise<unknown>) => new NodeFeed({node: node as unknown as BrokerNode, store, ready}, engine);
	const said = () => alerts.map((a) => `${a.kind} ${a.clientId ?? ''}`.trim());
	return {store, node, feed, alerts, said, engine};
}

const connect = (clientId: string, time = 1) =>
	({type: 'connect', time, clientId, address: '10.0.0.1', port: 1, protocol: '5.0', cleanSession: true, keepAlive: 60}) as const;
const disconnect = (clientId: string, time = 2) =>
	({type: 'disconnect', time, clientId, kind: 'client', reason: 'sent DISCONNECT'}) as const;

describe('the alert feed from a streamed (log) store', () => {
	test('sessions already there at start fire nothing; later changes fire down and up', () => {
		const t = setup('mosquitto', 'down:id:gw', 'up:id:gw');
		t.store.apply(connect('gw-1'));
		t.store.apply(connect('gw-2'));
		t.store.apply(disconnect('gw-2'));
		const feed = t.feed();
		feed.tick();
		expect(t.alerts).toEqual([]);
		t.store.apply(disconnect('gw-1'));
		t.store.apply(connect('gw-3'));
		feed.tick();
		expect(t.said()).toEqual(['down gw-1', 'up gw-3']);
		expect(t.alerts[0].detail).toBe('offline: sent DISCONNECT');
	});

	test('a disconnect and reconnect between two ticks still fires both (each event is observed as it comes)', () => {
		const t = setup('mosquitto', 'down:id:gw', 'up:id:gw', 'flaps>2');
		const feed = t.feed();
		feed.tick();
		t.store.apply(connect('gw-1'));
		t.store.apply(disconnect('gw-1'));
		t.store.apply(connect('gw-1'));
		t.store.apply(disconnect('gw-1'));
		t.store.apply(connect('gw-1'));
		feed.tick();
		expect(t.said()).toEqual(['up gw-1', 'down gw-1', 'up gw-1', 'down gw-1', 'up gw-1', 'flaps gw-1']);
	});

	test('nothing before the log file is replayed: its connects are history', async () => {
		const t = setup('mosquitto', 'up:id:gw');
		let replayed: () => void = () => {};
		const feed = t.feed(new Promise<void>((resolve) => (replayed = resolve)));
		t.store.apply(connect('gw-old'));
		feed.tick();
		replayed();
		await Promise.resolve();
		feed.tick();
		expect(t.alerts).toEqual([]);
		t.store.apply(connect('gw-new'));
		feed.tick();
		expect(t.said()).toEqual(['up gw-new']);
	});

	test('while the link is down stale rows fire nothing; once back, what ended meanwhile fires down', () => {
		const t = setup('mosquitto', 'down:id:gw');
		t.store.apply(connect('gw-1'));
		t.store.apply(connect('gw-2'));
		const feed = t.feed();
		feed.tick();
		t.node.set({state: 'reconnecting', detail: 'connection refused', lostAt: 5});
		feed.tick();
		expect(t.said()).toEqual(['link-lost']);
		t.node.set({state: 'resyncing'});
		t.store.endSessionsNotHeardSince(5, 9, 'broker restarted while mqtt-top was disconnected');
		t.store.apply(connect('gw-2', 10));
		feed.tick();
		expect(t.said()).toEqual(['link-lost']);
		t.node.set({state: 'connected'});
		feed.tick();
		expect(t.said()).toEqual(['link-lost', 'link-back', 'down gw-1']);
		expect(t.alerts[2].detail).toContain('broker restarted while mqtt-top was disconnected');
	});

	test('a restart line in the log (every row dropped at once) is compared in full', () => {
		const t = setup('mosquitto', 'down:id:gw');
		t.store.apply(connect('gw-1'));
		const feed = t.feed();
		feed.tick();
		t.store.apply({type: 'broker-start', time: 3, version: '2.0.11'});
		feed.tick();
		expect(t.said()).toEqual(['down gw-1']);
	});

	test('Mosquitto: count<N waits for a fresh $SYS cycle (the retained count can be stale), then uses the broker count', () => {
		const t = setup('mosquitto', 'count<2');
		const feed = t.feed();
		t.store.setBrokerCounter('connected', 0);
		t.store.setBrokerCounter('uptime', 100);
		feed.tick();
		expect(t.alerts).toEqual([]);
		t.store.setBrokerCounter('connected', 5);
		t.store.setBrokerCounter('uptime', 101);
		feed.tick();
		t.store.setBrokerCounter('connected', 1);
		feed.tick();
		expect(t.alerts.map((a) => a.detail)).toEqual(['1 connected (the broker’s count), below 2']);
	});

	test('without any rule nothing is tracked; the first watch starts from the table as it is then', () => {
		const t = setup('mosquitto');
		t.store.apply(connect('gw-1'));
		const feed = t.feed();
		feed.tick();
		t.store.apply(disconnect('gw-1'));
		t.store.apply(connect('gw-2'));
		feed.tick();
		t.engine.addRule(watchRule('gw-2', 'edge'));
		feed.tick();
		expect(t.alerts).toEqual([]);
		t.store.apply(disconnect('gw-2'));
		feed.tick();
		expect(t.said()).toEqual(['down gw-2']);
	});
});

describe('the alert feed from a polled (REST) store', () => {
	test('a session a poll no longer lists fires down; a new one fires up; the count is the online rows', () => {
		const t = setup('emqx', 'down:user:dev', 'up:user:dev', 'count<2');
		t.store.reconcile(
			[
				{clientId: 'a', username: 'dev', online: true},
				{clientId: 'b', username: 'dev', online: true},
			],
			true,
			1,
		);
		const feed = t.feed();
		feed.tick();
		expect(t.alerts).toEqual([]);
		t.store.reconcile([{clientId: 'b', username: 'dev', online: true}], true, 2);
		feed.tick();
		t.store.reconcile(
			[
				{clientId: 'b', username: 'dev', online: true},
				{clientId: 'c', username: 'dev', online: true},
			],
			true,
			3,
		);
		feed.tick();
		expect(t.said()).toEqual(['down a', 'count', 'up c']);
		expect(t.alerts[1].detail).toBe('1 connected (online rows), below 2');
	});
});
