import {describe, expect, test} from 'vitest';
import {AlertEngine, type Alert} from '../../source/alerts/engine.js';
import {parseRule, watchRule, type Rule} from '../../source/alerts/rules.js';
import {newSession} from '../../source/model/session-record.js';
import type {Session} from '../../source/model/types.js';

function rules(...texts: string[]): Rule[] {
	return texts.map((text) => {
		const parsed = parseRule(text);
		if (!parsed.ok) throw new Error(parsed.error);
		return parsed.rule;
	});
}

function setup(...texts: string[]) {
	let now = 1_000_000;
	const engine = new AlertEngine(rules(...texts), () => now);
	const alerts: Alert[] = [];
	engine.onAlert((alert) => alerts.push(alert));
	return {
		engine,
		alerts,
		advance(ms: number) {
			now += ms;
		},
		get now() {
			return now;
		},
	};
}

function client(clientId: string, extra: Partial<Session> = {}): Session {
	return {...newSession('edge', clientId, 0), status: 'online', username: 'dev', address: '10.0.0.5', ...extra};
}

describe('down: and up:', () => {
	test('down: fires for a matching client only, with who, where and why', () => {
		const t = setup('down:id:gw-');
		t.engine.disconnected(client('gw-01'), 'disconnected: sent DISCONNECT');
		t.engine.disconnected(client('sensor-1'), 'disconnected');
		expect(t.alerts).toEqual([
			{
				time: t.now,
				rule: 'down:id:gw-',
				kind: 'down',
				node: 'edge',
				clientId: 'gw-01',
				username: 'dev',
				address: '10.0.0.5',
				detail: 'disconnected: sent DISCONNECT',
			},
		]);
	});

	test('up:-address: fires only outside the block, and never for a disconnect', () => {
		const t = setup('up:-address:10.0.0.0/8');
		t.engine.connected(client('inside'));
		t.engine.connected(client('outside', {address: '203.0.113.9'}));
		t.engine.disconnected(client('outside2', {address: '203.0.113.9'}), 'x');
		expect(t.alerts.map((a) => [a.kind, a.clientId, a.detail])).toEqual([['up', 'outside', 'connected from 203.0.113.9']]);
	});

	test('a rule given for one node ignores the others', () => {
		const parsed = parseRule('down:id:gw', 'core');
		if (!parsed.ok) throw new Error(parsed.error);
		const engine = new AlertEngine([parsed.rule], () => 0);
		const alerts: Alert[] = [];
		engine.onAlert((a) => alerts.push(a));
		engine.disconnected(client('gw-1'), 'x');
		engine.disconnected({...client('gw-1'), node: 'core'}, 'x');
		expect(alerts.map((a) => a.node)).toEqual(['core']);
	});

	test('watch rules are added and removed while running', () => {
		const t = setup();
		const watch = watchRule('gw-1', 'edge');
		t.engine.addRule(watch);
		t.engine.addRule(watch);
		expect(t.engine.ruleList).toHaveLength(1);
		t.engine.disconnected(client('gw-10'), 'x');
		t.engine.disconnected(client('gw-1'), 'x');
		t.engine.removeRule(watch.text);
		t.engine.disconnected(client('gw-1'), 'x');
		expect(t.alerts.map((a) => [a.rule, a.clientId])).toEqual([['down:id:gw-1 node:edge', 'gw-1']]);
	});
});

describe('count<N', () => {
	test('fires once on crossing below N, re-arms at N or more, fires again on the next crossing', () => {
		const t = setup('count<3');
		for (const n of [5, 4, 3, 2, 1, 0, 2, 3, 7, 2, 2]) t.engine.count('edge', n, 'the broker’s count');
		expect(t.alerts.map((a) => a.detail)).toEqual([
			'2 connected (the broker’s count), below 3',
			'2 connected (the broker’s count), below 3',
		]);
		expect(t.alerts.every((a) => a.kind === 'count' && a.rule === 'count<3' && a.clientId === undefined)).toBe(true);
	});

	test('already below N at start: fires once', () => {
		const t = setup('count<3');
		t.engine.count('edge', 1, 'online rows');
		t.engine.count('edge', 1, 'online rows');
		expect(t.alerts).toHaveLength(1);
	});

	test('each node has its own count', () => {
		const t = setup('count<2');
		t.engine.count('a', 1, 'x');
		t.engine.count('b', 5, 'x');
		t.engine.count('b', 1, 'x');
		expect(t.alerts.map((a) => a.node)).toEqual(['a', 'b']);
	});

	test('a lost link says the count is unknown (never 0), and a count still low when it returns fires again', () => {
		const t = setup('count<3');
		t.engine.count('edge', 1, 'x');
		t.engine.linkLost('edge', 'connection refused');
		t.engine.linkLost('edge', 'connection refused');
		t.engine.linkBack('edge');
		t.engine.linkBack('edge');
		t.engine.count('edge', 1, 'x');
		expect(t.alerts.map((a) => [a.kind, a.rule])).toEqual([
			['count', 'count<3'],
			['link-lost', 'link'],
			['link-back', 'link'],
			['count', 'count<3'],
		]);
		expect(t.alerts[1].detail).toBe(
			'mqtt-top lost its link to the node: connection refused; connected count unknown until it is back (count<3 not checked)',
		);
	});

	test('no rule, no link alerts', () => {
		const t = setup();
		t.engine.linkLost('edge', 'gone');
		expect(t.alerts).toEqual([]);
	});
});

describe('flaps>N', () => {
	test('fires when one client connects more than N times within 60 s, once a minute at most', () => {
		const t = setup('flaps>3');
		const gw = client('gw');
		for (let i = 0; i < 3; i++) {
			t.engine.connected(gw);
			t.advance(10_000);
		}

		expect(t.alerts).toEqual([]);
		t.engine.connected(gw);
		expect(t.alerts.map((a) => [a.kind, a.clientId, a.detail])).toEqual([['flaps', 'gw', 'connected 4 times within 60 s']]);
		// Still flapping, but the minute since the alert has not passed.
		for (let i = 0; i < 5; i++) {
			t.advance(5_000);
			t.engine.connected(gw);
		}

		expect(t.alerts).toHaveLength(1);
		t.advance(35_000);
		t.engine.connected(gw);
		expect(t.alerts).toHaveLength(2);
	});

	test('connects spread wider than the window never fire; other clients count apart', () => {
		const t = setup('flaps>2');
		for (let i = 0; i < 10; i++) {
			t.engine.connected(client('slow'));
			t.engine.connected(client(`other-${i}`));
			t.advance(30_001);
		}

		expect(t.alerts).toEqual([]);
	});

	test('the window slides: three connects within any 60 s, not per calendar minute', () => {
		const t = setup('flaps>2');
		t.advance(50_000);
		t.engine.connected(client('gw'));
		t.advance(15_000);
		t.engine.connected(client('gw'));
		t.advance(15_000);
		t.engine.connected(client('gw'));
		expect(t.alerts.map((a) => a.kind)).toEqual(['flaps']);
	});
});
