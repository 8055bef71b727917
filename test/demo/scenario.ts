// The same end-to-end checks against either broker the demo can run.
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import type {DemoDialect} from '../../source/demo/broker-choice.js';
import {timing} from '../../source/demo/device.js';
import {startDemo, type Demo} from '../../source/demo/index.js';
import {eventually, onlineOf, openMonitor, session, sleep} from './support.js';

export function demoScenario(broker: 'mosquitto' | 'embedded', label: RegExp, version: RegExp, dialect?: DemoDialect): void {
	describe(`the demo on ${broker}${dialect ? ` speaking Mosquitto ${dialect}` : ''}`, () => {
		let demo: Demo;
		let adapter: MosquittoAdapter;

		beforeAll(async () => {
			demo = await startDemo({broker, clients: 30, dialect});
			adapter = await openMonitor(demo);
		}, 20_000);

		afterAll(async () => {
			await adapter?.close();
			await demo?.stop();
		});

		test('sessions appear as the monitor sees them on a real broker', async () => {
			expect(demo.flavour).toBe(broker === 'embedded' ? 'aedes' : 'mosquitto');
			expect(demo.brokerLabel).toMatch(label);
			expect(adapter.actions).toEqual({dynsec: true});
			await eventually(() => onlineOf(adapter).length >= 25, '25 of 30 devices online', 10_000);

			expect(session(adapter, 'kitchen thermostat 7')).toMatchObject({
				status: 'online',
				username: 'home',
				protocol: '5.0',
				cleanSession: true,
				keepAlive: 45,
			});
			await eventually(
				() => session(adapter, 'kitchen thermostat 7')?.subscriptions.get('cmd/kitchen thermostat 7/set') === 2,
				'the thermostat’s subscriptions',
			);
			expect(session(adapter, 'gw-01')).toMatchObject({status: 'online', cleanSession: false, username: 'gateway'});
			expect(new Set(onlineOf(adapter).map((s) => s.protocol))).toEqual(new Set(['3.1', '3.1.1', '5.0']));
			expect(onlineOf(adapter, 'sensors').length).toBeGreaterThan(5);

			// Blocked from the start: known from dynamic security before it ever gets in.
			expect(adapter.store.accounts.get('tracker-9')?.disabled).toBe(true);
			expect(adapter.store.rows().some((r) => r.username === 'tracker-9' && r.status === 'blocked')).toBe(true);
			expect(session(adapter, 'rogue-tracker-9')?.status).not.toBe('online');

			await eventually(() => (adapter.store.broker.connected ?? 0) >= 25, '$SYS connected count', 5000);
			expect(adapter.store.broker.version).toMatch(version);
			expect(adapter.store.counters.unknownLines).toBe(0);
		}, 20_000);

		test('a block disconnects the devices and keeps them out until unblocked', async () => {
			await eventually(() => onlineOf(adapter, 'gateway').length === 2, 'both gateways online', 10_000);
			const before = new Map(onlineOf(adapter, 'gateway').map((s) => [s.clientId, s.connectCount]));

			const blocked = await adapter.block('gateway');
			expect(blocked.result).toBe('done');
			expect(new Set(blocked.disconnected)).toEqual(new Set(before.keys()));

			// Longer than a kicked device's back-off plus a refused retry: they tried, and stayed out.
			await sleep(timing.reconnect[1] + 1000);
			for (const [id, count] of before) {
				expect(session(adapter, id)).toMatchObject({status: 'blocked', connectCount: count});
			}

			expect((await adapter.unblock('gateway')).result).toBe('done');
			await eventually(() => onlineOf(adapter, 'gateway').length === 2, 'the gateways back after unblock', timing.refusedRetry[1] + 3000);
			for (const [id, count] of before) {
				// Persistent sessions: resumed, subscriptions kept.
				expect(session(adapter, id)?.connectCount).toBeGreaterThan(count);
				expect(session(adapter, id)?.subscriptions.has(`fleet/${id}/#`)).toBe(true);
			}
		}, 20_000);

		test('kicked devices come back by themselves after a back-off', async () => {
			await eventually(() => onlineOf(adapter, 'panels').length === 2, 'both panels online', 10_000);
			const before = new Map(onlineOf(adapter, 'panels').map((s) => [s.clientId, s.connectCount]));
			const kicked = await adapter.kickByUsername('panels');
			expect(kicked.result).toBe('done');
			expect(new Set(kicked.disconnected)).toEqual(new Set(before.keys()));
			expect(onlineOf(adapter, 'panels')).toHaveLength(0);
			await eventually(
				() => [...before].every(([id, count]) => session(adapter, id)?.status === 'online' && session(adapter, id)!.connectCount > count),
				'the panels reconnected',
				timing.reconnect[1] + 3000,
			);
		}, 20_000);

		test('the device blocked from the start keeps knocking and gets in once unblocked', async () => {
			await eventually(() => adapter.store.counters.authFailures > 0, 'refused logins', 10_000);
			expect((await adapter.unblock('tracker-9')).result).toBe('done');
			await eventually(
				() => session(adapter, 'rogue-tracker-9')?.status === 'online',
				'rogue-tracker-9 online',
				timing.refusedRetry[1] + 3000,
			);
			expect(session(adapter, 'rogue-tracker-9')?.username).toBe('tracker-9');
		}, 20_000);
	});
}
