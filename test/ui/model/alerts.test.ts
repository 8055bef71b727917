import {describe, expect, test} from 'vitest';
import type {Alert} from '../../../source/alerts/engine.js';
import {parseRule} from '../../../source/alerts/rules.js';
import {alertBanner, alertLines, type AlertState} from '../../../source/ui/model/alerts.js';
import {lineText} from '../../../source/ui/model/line.js';

const at = new Date(2026, 11, 2, 10, 41, 7).getTime();
const down: Alert = {
	time: at,
	rule: 'down:id:gw',
	kind: 'down',
	node: 'edge-1',
	clientId: 'gw\u001b[2J-01',
	detail: 'disconnected: keep-alive timeout',
};

function state(extra: Partial<AlertState> = {}): AlertState {
	return {alerts: [], total: 0, watching: 0, rules: [], ...extra};
}

describe('the alert banner', () => {
	test('absent while there is nothing to say', () => {
		expect(alertBanner(state(), 80)).toBeUndefined();
	});

	test('count and key first, then the newest alert, cut to the width; control characters escaped', () => {
		const line = lineText(alertBanner(state({alerts: [down], total: 3, watching: 2}), 200)!);
		expect(line).toBe(
			'⚠ 3 alerts, A to list · watching 2 · 10:41:07 down:id:gw: gw\\x1b[2J-01 on edge-1: disconnected: keep-alive timeout',
		);
		const narrow = lineText(alertBanner(state({alerts: [down], total: 3}), 40)!);
		expect(narrow.startsWith('⚠ 3 alerts, A to list · 10:41:07')).toBe(true);
		expect([...narrow].length).toBeLessThanOrEqual(40);
	});

	test('watches and an unwritable log show before any alert', () => {
		expect(lineText(alertBanner(state({watching: 1, logError: 'x'}), 80)!)).toBe(
			'no alerts yet · watching 1 · not saved: alert log unwritable',
		);
	});
});

describe('the alerts view', () => {
	test('rules (a broker’s own marked), then alerts newest first with time, rule, client, node and the detail', () => {
		const count = parseRule('count<5', 'core');
		if (!count.ok) throw new Error(count.error);
		const older: Alert = {time: at - 60_000, rule: 'count<5', kind: 'count', node: 'core', detail: '4 connected (online rows), below 5'};
		const text = alertLines(state({alerts: [down, older], total: 2, rules: [count.rule], logPath: '/state/alerts.log'}), 80).map(lineText);
		expect(text).toEqual([
			'Alerts: 2, newest first',
			'kept in /state/alerts.log',
			'Rules: count<5 (core only)',
			'',
			'10:41:07  down:id:gw  gw\\x1b[2J-01 on edge-1',
			'          disconnected: keep-alive timeout',
			'10:40:07  count<5  on core',
			'          4 connected (online rows), below 5',
		]);
	});
});
