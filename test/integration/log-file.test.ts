// mqtt-top reading a real Mosquitto's log file: sessions that connected before the monitor,
// following through both kinds of rotation, and message counters from the debug lines.
import {execFileSync} from 'node:child_process';
import {copyFileSync, existsSync, readFileSync, renameSync, truncateSync} from 'node:fs';
import type {Socket} from 'node:net';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type LogFile, openLogFile} from '../../source/broker/mosquitto/log-file/open.js';
import {type MosquittoAdapter, openMosquitto} from '../../source/broker/mosquitto/adapter.js';
import {buildConfig} from '../../source/config.js';
import {toRecord} from '../../source/model/export.js';
import {SessionStore} from '../../source/model/session-store.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

const clients: MqttClient[] = [];

async function device(broker: TestBroker, clientId: string, options: Record<string, unknown> = {}): Promise<MqttClient> {
	const client = await connectClient(broker.url, {clientId, username: 'alice', password: 'alice-pw', ...options});
	clients.push(client);
	return client;
}

const localPort = (client: MqttClient) => (client.stream as Socket).localPort;

/** Resolves once the broker has written `text` to `file` (it writes line-buffered). */
const logged = (file: string, text: string) =>
	eventually(() => existsSync(file) && readFileSync(file, 'utf8').includes(text), `the broker to log "${text}" in ${file}`, 10_000);

function mosquittoPid(broker: TestBroker): number {
	// The test broker is ours; its config file path is unique to it.
	return Number(
		execFileSync('pgrep', ['-f', path.join(broker.dir, 'mosquitto.conf')], {encoding: 'utf8'})
			.trim()
			.split('\n')[0],
	);
}

afterAll(() => {
	for (const client of clients) client.end(true);
});

describe('with log file and $SYS/broker/log topics', () => {
	let broker: TestBroker;
	let store: SessionStore;
	let logFile: LogFile;
	let adapter: MosquittoAdapter;
	let early: MqttClient;
	let gateway: MqttClient;
	let publisher: MqttClient;
	let subscriber: MqttClient;
	const received: string[] = [];
	const monitorId = `mqtt-top-itest-${process.pid}`;
	let openedAt = 0;
	let beforeClients = 0;

	beforeAll(async () => {
		broker = await startMosquitto();
		await broker.createUser('alice', 'alice-pw');

		// Everything here happens before mqtt-top starts: Mosquitto 2.0 cannot list these later.
		beforeClients = Date.now() - 1000;
		early = await device(broker, 'early sensor 1', {protocolVersion: 5, keepalive: 45});
		await early.subscribeAsync({'home/+/temp': {qos: 1}, 'home/kitchen/#': {qos: 0}});
		await early.unsubscribeAsync('home/+/temp');
		gateway = await device(broker, 'early-gw', {protocolVersion: 4, clean: false, keepalive: 120});
		await gateway.subscribeAsync('fleet/early-gw/#', {qos: 1});
		const gone = await device(broker, 'early-gone');
		await gone.endAsync();
		subscriber = await device(broker, 'counter-sub');
		await subscriber.subscribeAsync('count/#', {qos: 1});
		subscriber.on('message', (_topic, payload) => received.push(payload.toString()));
		publisher = await device(broker, 'counter-pub');
		await publisher.publishAsync('count/a', 'abc', {qos: 0});
		await publisher.publishAsync('count/b', '12345', {qos: 1});
		await logged(broker.logPath, 'Client early-gone disconnected.');
		await eventually(() => received.length === 2, 'the subscriber to get the early messages');

		openedAt = Date.now();
		store = new SessionStore();
		// Order matters: the file is opened (its size noted) before the monitor subscribes.
		logFile = await openLogFile(broker.logPath, store, {ignoreClientId: monitorId, pollMs: 50});
		const config = buildConfig(
			{host: '127.0.0.1', port: broker.port, username: 'admin', password: broker.admin.password, id: monitorId},
			{},
		);
		adapter = await openMosquitto(config, {store, logSink: logFile.merger});
		logFile.follow();
		await logFile.replayed;
	}, 30_000);

	afterAll(async () => {
		await adapter?.close();
		await logFile?.close();
		await broker?.stop();
	});

	test('shows the sessions that connected before it, with their subscriptions, exactly', () => {
		const records = store
			.rows()
			.map((session) => toRecord(session, adapter.url))
			.sort((a, b) => (a.clientId! < b.clientId! ? -1 : 1));
		const expected = (clientId: string, client: MqttClient, fields: Record<string, unknown>) => ({
			clientId,
			username: 'alice',
			address: '127.0.0.1',
			port: localPort(client),
			protocol: '3.1.1',
			cleanSession: true,
			persistence: 'clean',
			keepAlive: 60,
			connectedAt: expect.any(String),
			status: 'online',
			subscriptions: [],
			lastDisconnectReason: null,
			broker: adapter.url,
			node: store.node,
			queued: null,
			...fields,
		});
		expect(records).toEqual([
			expected('counter-pub', publisher, {}),
			expected('counter-sub', subscriber, {subscriptions: [{topic: 'count/#', qos: 1}]}),
			expected('early sensor 1', early, {
				protocol: '5.0',
				persistence: 'unknown',
				keepAlive: 45,
				subscriptions: [{topic: 'home/kitchen/#', qos: 0}],
			}),
			expected('early-gw', gateway, {
				cleanSession: false,
				persistence: 'persistent',
				keepAlive: 120,
				subscriptions: [{topic: 'fleet/early-gw/#', qos: 1}],
			}),
		]);
		for (const record of records) {
			const at = Date.parse(record.connectedAt!);
			expect(at).toBeGreaterThanOrEqual(Math.floor(beforeClients / 1000) * 1000);
			expect(at).toBeLessThanOrEqual(openedAt);
		}
	});

	test('a client connecting now counts once, though both the topic and the file report it', async () => {
		const duplicatesBefore = logFile.status().merger.duplicates;
		const connectsBefore = store.counters.connects;
		const live = await device(broker, 'live-1');
		await eventually(() => store.has('live-1'), 'live-1 to appear');
		// Wait until the file copy of the connect line has been read and paired too.
		await eventually(() => logFile.status().merger.duplicates >= duplicatesBefore + 2, 'the file to catch up with the topic', 10_000);
		expect(store.get('live-1')).toMatchObject({connectCount: 1, status: 'online', port: localPort(live)});
		expect(store.counters.connects).toBe(connectsBefore + 1);
		await live.endAsync();
		await eventually(() => !store.has('live-1'), 'live-1 to leave');
		expect(store.counters.disconnects).toBeGreaterThan(0);
	});

	test('counts the messages each client published and received (log_type all), before and after it started', async () => {
		await publisher.publishAsync('count/c', 'x'.repeat(10), {qos: 1});
		await publisher.publishAsync('count/d', '', {qos: 0});
		await publisher.publishAsync('count/e', 'héllo', {qos: 2});
		await eventually(() => received.length === 5, 'the subscriber to get every message');
		const bytes = 3 + 5 + 10 + 0 + Buffer.byteLength('héllo');
		await eventually(() => store.get('counter-sub')!.messagesOut === 5, 'the deliveries to be counted', 10_000);
		expect(store.get('counter-pub')).toMatchObject({messagesIn: 5, bytesIn: bytes, messagesOut: 0});
		expect(store.get('counter-sub')).toMatchObject({messagesIn: 0, messagesOut: 5, bytesOut: bytes});
		expect(store.get('counter-pub')!.lastSeen).toBeGreaterThanOrEqual(Math.floor(openedAt / 1000) * 1000);
		// The monitor's own deliveries (every log line is published to it) are not counted as a device's.
		expect(store.has(monitorId)).toBe(false);
	});
});

describe('with the log file alone (no log_dest topic)', () => {
	let broker: TestBroker;
	let store: SessionStore;
	let logFile: LogFile;

	beforeAll(async () => {
		broker = await startMosquitto({logTopic: false});
		await broker.createUser('alice', 'alice-pw');
		store = new SessionStore();
		logFile = await openLogFile(broker.logPath, store, {pollMs: 50});
		logFile.follow();
		await logFile.replayed;
	}, 30_000);

	afterAll(async () => {
		await logFile?.close();
		await broker?.stop();
	});

	test('rotation by rename and SIGHUP loses no event', async () => {
		const first = await device(broker, 'rot-before');
		await eventually(() => store.has('rot-before'), 'rot-before to appear');
		renameSync(broker.logPath, `${broker.logPath}.1`);
		// Still written to the renamed file: the broker has not reopened its log yet.
		await device(broker, 'rot-between');
		await logged(`${broker.logPath}.1`, 'as rot-between');
		process.kill(mosquittoPid(broker), 'SIGHUP');
		await eventually(() => existsSync(broker.logPath), 'the broker to reopen its log');
		await device(broker, 'rot-after');
		await first.endAsync();
		await eventually(() => store.has('rot-after') && !store.has('rot-before'), 'the events around the rotation', 10_000);
		expect([...store.sessions.keys()].filter((id) => id.startsWith('rot-')).sort()).toEqual(['rot-after', 'rot-between']);
		for (const id of ['rot-after', 'rot-between']) expect(store.get(id)!.connectCount).toBe(1);
		expect(logFile.status()).toMatchObject({state: 'following', rotations: 1});
	});

	test('copytruncate loses no event', async () => {
		const staying = await device(broker, 'ct-before');
		await eventually(() => store.has('ct-before'), 'ct-before to appear');
		const leaving = await device(broker, 'ct-leaving');
		await logged(broker.logPath, 'as ct-leaving');
		copyFileSync(broker.logPath, `${broker.logPath}.1`);
		truncateSync(broker.logPath, 0);
		await device(broker, 'ct-after');
		await leaving.endAsync();
		await eventually(() => store.has('ct-after') && !store.has('ct-leaving'), 'the events around the truncation', 10_000);
		expect(store.get('ct-before')).toMatchObject({status: 'online', connectCount: 1, port: localPort(staying)});
		expect(store.get('ct-after')!.connectCount).toBe(1);
		expect(logFile.status().truncations).toBe(1);
	});
});
