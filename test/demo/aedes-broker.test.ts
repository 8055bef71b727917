import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {startAedesBroker} from '../../source/demo/aedes-broker.js';
import type {DemoBroker} from '../../source/demo/types.js';
import type {SessionEvent} from '../../source/model/types.js';
import {eventually, openMonitor, session} from './support.js';

describe('the embedded broker speaks Mosquitto’s dialect', () => {
	let broker: DemoBroker;
	let adapter: MosquittoAdapter;
	const events: SessionEvent[] = [];
	const clients: MqttClient[] = [];

	async function device(options: IClientOptions): Promise<MqttClient> {
		const client = await mqtt.connectAsync({
			host: '127.0.0.1',
			port: broker.port,
			username: 'dev',
			password: 'dev-pw',
			reconnectPeriod: 0,
			...options,
		});
		clients.push(client);
		return client;
	}

	beforeAll(async () => {
		broker = await startAedesBroker([
			{username: 'admin', password: 'admin-pw', admin: true},
			{username: 'dev', password: 'dev-pw'},
		]);
		adapter = await openMonitor({
			host: '127.0.0.1',
			port: broker.port,
			username: 'admin',
			password: 'admin-pw',
			brokerLabel: broker.label,
			flavour: 'aedes',
			stop: async () => {},
		});
		adapter.store.onEvent((event) => events.push(event));
	});

	afterAll(async () => {
		for (const client of clients) client.end(true);
		await adapter?.close();
		await broker?.stop();
	});

	test('MQTT 5 clients connect, subscribe, unsubscribe and receive, and are logged as p5', async () => {
		const v5 = await device({clientId: 'kitchen thermostat 7', protocolVersion: 5});
		const v31 = await device({clientId: 'meter-01', protocolVersion: 3, protocolId: 'MQIsdp', clean: false});
		const granted = await v5.subscribeAsync({'home/kitchen/#': {qos: 1}, 'cmd/kitchen thermostat 7/set': {qos: 2}});
		expect(granted.map((g) => g.qos)).toEqual([1, 2]);
		const received = new Promise<string>((resolve) => v5.once('message', (_topic, payload) => resolve(payload.toString())));
		await v31.publishAsync('home/kitchen/temperature', '21.5', {qos: 1});
		expect(await received).toBe('21.5');
		await v5.unsubscribeAsync(['home/kitchen/#', 'cmd/kitchen thermostat 7/set']);

		await eventually(
			() =>
				session(adapter, 'kitchen thermostat 7')?.history.some(
					(h) => h.type === 'unsubscribe' && h.topic === 'cmd/kitchen thermostat 7/set',
				),
			'the unsubscribe lines',
		);
		expect(session(adapter, 'kitchen thermostat 7')).toMatchObject({protocol: '5.0', username: 'dev', cleanSession: true});
		expect(session(adapter, 'kitchen thermostat 7')?.subscriptions.size).toBe(0);
		expect(session(adapter, 'meter-01')).toMatchObject({protocol: '3.1', cleanSession: false});
		expect(adapter.store.counters.unknownLines).toBe(0);
	});

	test('a takeover is logged for the new connection only, and a persistent session resumes', async () => {
		const first = await device({clientId: 'gw-01', protocolVersion: 4, clean: false});
		await first.subscribeAsync('fleet/gw-01/#', {qos: 1});
		const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
		const second = await device({clientId: 'gw-01', protocolVersion: 4, clean: false});
		await closed;
		await eventually(() => session(adapter, 'gw-01')?.connectCount === 2, 'the second connect');
		expect(events.filter((e) => 'clientId' in e && e.clientId === 'gw-01').map((e) => e.type)).toEqual([
			'connect',
			'subscribe',
			'takeover',
			'connect',
		]);
		expect(session(adapter, 'gw-01')?.subscriptions.get('fleet/gw-01/#')).toBe(1);
		second.end();
		await eventually(() => session(adapter, 'gw-01')?.status === 'offline', 'gw-01 offline (persistent)');
		expect(adapter.store.broker.version).toBe('aedes 1.2.0 (mqtt-top demo)');
		await eventually(() => adapter.store.broker.disconnected === 1, '$SYS disconnected counts the persistent session');
	});

	test('bad credentials are refused with the MQTT 5 reason code and logged as not authorised', async () => {
		const before = adapter.store.counters.authFailures;
		await expect(device({clientId: 'probe-1', protocolVersion: 5, password: 'wrong'})).rejects.toMatchObject({code: 0x87});
		await expect(device({clientId: 'probe-2', protocolVersion: 4, username: 'nobody'})).rejects.toMatchObject({code: 5});
		await eventually(() => adapter.store.counters.authFailures === before + 2, 'two auth failures');
	});

	test('only admins reach the control API', async () => {
		const intruder = await device({clientId: 'intruder', protocolVersion: 4});
		const granted = await intruder.subscribeAsync('$CONTROL/dynamic-security/v1/response', {qos: 0}).catch(() => [{qos: 128}]);
		expect(granted[0].qos).toBe(128);
		await intruder.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({commands: [{command: 'disableClient', username: 'dev'}]}));
		await new Promise((r) => setTimeout(r, 300));
		await adapter.refreshAccounts();
		expect(adapter.store.accounts.get('dev')?.disabled).toBe(false);
		expect(intruder.connected).toBe(true);
	});
});
