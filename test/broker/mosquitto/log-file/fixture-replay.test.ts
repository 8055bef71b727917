import {describe, expect, test} from 'vitest';
import {replayText} from '../../../../source/broker/mosquitto/log-file/replay.js';
import {parseLogTopicMessage} from '../../../../source/broker/mosquitto/log-parser.js';
import {toRecord} from '../../../../source/model/export.js';
import {SessionStore} from '../../../../source/model/session-store.js';
import {readFixture, topicCapture} from '../../../support/fixtures.js';

const t = 1_795_313_850_000;
const fileLog = readFixture('mosquitto-log-type-all.log');
const fileLines = fileLog.split('\n').filter((line) => line !== '');

/** The store as `list --json` would print it, by client ID. */
function records(store: SessionStore) {
	return store
		.rows()
		.map((session) => toRecord(session, 'test'))
		.sort((a, b) => (a.clientId! < b.clientId! ? -1 : 1));
}

/** The file log up to and including the first line that contains `marker`. */
function fileUpTo(marker: string): string {
	const at = fileLines.findIndex((line) => line.includes(marker));
	return fileLines.slice(0, at + 1).join('\n') + '\n';
}

function topicsUpTo(marker: string): SessionStore {
	const store = new SessionStore();
	for (const {topic, payload} of topicCapture()) {
		store.apply(parseLogTopicMessage(topic, payload, 0, store));
		if (payload.includes(marker)) break;
	}

	return store;
}

// Just before ops-console kicks username alice: everyone the capture connected is still there.
const beforeKick = "Received PUBLISH from ops-console (d0, q0, r0, m0, '$CONTROL/dynamic-security/v1', ... (83 bytes))";

describe('replaying the captured file log (log_type all)', () => {
	test('rebuilds the sessions connected before the kick, exactly', async () => {
		const store = new SessionStore();
		await replayText(fileUpTo(beforeKick), store);
		const session = (id: string, fields: Record<string, unknown>) => ({
			clientId: id,
			username: 'alice',
			address: '127.0.0.1',
			protocol: '3.1.1',
			cleanSession: true,
			persistence: 'clean',
			keepAlive: 60,
			connectedAt: new Date(t + 1000).toISOString(),
			status: 'online',
			subscriptions: [],
			lastDisconnectReason: null,
			broker: 'test',
			node: 'local',
			queued: null,
			...fields,
		});
		expect(records(store)).toEqual([
			session('gw-01', {
				port: 36864,
				cleanSession: false,
				persistence: 'persistent',
				keepAlive: 120,
				connectedAt: new Date(t).toISOString(),
				subscriptions: [{topic: 'fleet/gw-01/#', qos: 1}],
				lastDisconnectReason: 'taken over by a new connection',
			}),
			session('kitchen sensor 7', {
				port: 36848,
				protocol: '5.0',
				persistence: 'unknown',
				keepAlive: 45,
				connectedAt: new Date(t).toISOString(),
				subscriptions: [
					{topic: 'home/kitchen/#', qos: 1},
					{topic: 'cmd/kitchen sensor 7/set', qos: 2},
				],
			}),
			session('legacy-31', {port: 36868, protocol: '3.1'}),
			session('monitor-x', {
				port: 36842,
				username: 'admin',
				connectedAt: new Date(t).toISOString(),
				subscriptions: [{topic: '$SYS/broker/log/#', qos: 0}],
			}),
			session('ops-console', {port: 36922, username: 'admin'}),
			session('shared-user-a', {port: 36932}),
			session('shared-user-b', {port: 36934}),
			session('silent-1', {port: 36874, keepAlive: 1}),
		]);
		expect(store.get('gw-01')).toMatchObject({connectCount: 2, takeoverCount: 1});
		expect(store.counters).toMatchObject({connects: 11, disconnects: 2, authFailures: 1, takeovers: 1});
	});

	test('agrees with the $SYS/broker/log topic capture of the same moments, and knows more', async () => {
		const store = new SessionStore();
		await replayText(fileUpTo('as shared-user-b'), store);
		const fromFile = records(store);
		const fromTopics = records(topicsUpTo('as shared-user-b'));
		const others = (list: typeof fromFile) => list.filter((r) => r.clientId !== 'monitor-x');
		expect(others(fromFile)).toEqual(others(fromTopics));
		expect(others(fromFile)).toHaveLength(7);
		// The capture's subscriber connected before it could hear itself connect; the file saw it.
		expect(fromTopics.find((r) => r.clientId === 'monitor-x')).toMatchObject({username: null, connectedAt: null});
		expect(fromFile.find((r) => r.clientId === 'monitor-x')).toMatchObject({
			username: 'admin',
			port: 36842,
			connectedAt: new Date(t).toISOString(),
		});

		// At the end, the capture cannot hold its own subscriber's (monitor-y's) goodbye; the file does.
		const end = new SessionStore();
		await replayText(fileLog, end);
		const topicsEnd = records(topicsUpTo('silent-2 has exceeded timeout'));
		expect(topicsEnd.map((r) => r.clientId)).toEqual(['gw-01', 'kitchen sensor 7', 'monitor-y']);
		expect(records(end)).toEqual(topicsEnd.filter((r) => r.clientId !== 'monitor-y'));
	});

	test('ends with the persistent session and the MQTT 5 one that may be, offline, and every clean one gone', async () => {
		const store = new SessionStore();
		await replayText(fileLog, store);
		// MQTT 5: its expiry interval is not logged, so it may still be kept by the broker.
		expect(records(store)[1]).toMatchObject({clientId: 'kitchen sensor 7', status: 'offline', persistence: 'unknown'});
		expect(records(store).filter((r) => r.protocol !== '5.0')).toEqual([
			{
				clientId: 'gw-01',
				username: 'alice',
				address: '127.0.0.1',
				port: 36864,
				protocol: '3.1.1',
				cleanSession: false,
				persistence: 'persistent',
				keepAlive: 120,
				connectedAt: new Date(t).toISOString(),
				status: 'offline',
				subscriptions: [{topic: 'fleet/gw-01/#', qos: 1}],
				lastDisconnectReason: 'disconnected by administrative action',
				broker: 'test',
				node: 'local',
				queued: null,
			},
		]);
		expect(store.counters).toMatchObject({connects: 13, authFailures: 1, takeovers: 1});
	});

	test('counts each client’s messages, bytes and last packet from the debug lines', async () => {
		const store = new SessionStore();
		await replayText(fileUpTo(beforeKick), store);
		const toMonitor = fileLines
			.slice(
				0,
				fileLines.findIndex((line) => line.includes(beforeKick)),
			)
			.filter((line) => line.includes('Sending PUBLISH to monitor-x'));
		const bytes = toMonitor.reduce((sum, line) => sum + Number(/\((\d+) bytes\)\)$/.exec(line)![1]), 0);
		expect(store.get('monitor-x')).toMatchObject({messagesIn: 0, messagesOut: toMonitor.length, bytesOut: bytes, lastSeen: t});
		expect(toMonitor.length).toBeGreaterThan(20);
		expect(store.get('ops-console')).toMatchObject({messagesIn: 1, bytesIn: 83, messagesOut: 0, lastSeen: t + 1000});
		// Silent since its CONNACK: the last sign of life is the connect itself.
		expect(store.get('silent-1')).toMatchObject({messagesIn: 0, lastSeen: t + 1000});
	});
});

describe('the same capture in the other timestamp formats', () => {
	const iso = (seconds: string) => {
		const d = new Date(Number(seconds) * 1000);
		const pad = (n: number) => String(n).padStart(2, '0');
		return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
	};

	test('log_timestamp_format %Y-%m-%dT%H:%M:%S (detected) gives the same sessions and times', async () => {
		const store = new SessionStore();
		const stats = await replayText(
			fileLog.replace(/^(\d+): /gm, (_, s: string) => `${iso(s)}: `),
			store,
		);
		expect(stats.timestampFormat).toBe('%Y-%m-%dT%H:%M:%S');
		const reference = new SessionStore();
		await replayText(fileLog, reference);
		expect(records(store)).toEqual(records(reference));
	});

	test('log_timestamp false (detected) gives the same sessions, timed when read', async () => {
		const store = new SessionStore();
		const before = Date.now();
		const stats = await replayText(fileUpTo(beforeKick).replace(/^\d+: /gm, ''), store);
		expect(stats.timestampFormat).toBe('none');
		const reference = new SessionStore();
		await replayText(fileUpTo(beforeKick), reference);
		const withoutTimes = (s: SessionStore) => records(s).map(({connectedAt: _, ...rest}) => rest);
		expect(withoutTimes(store)).toEqual(withoutTimes(reference));
		expect(store.get('gw-01')!.connectedAt).toBeGreaterThanOrEqual(before);
	});
});

describe('broker restarts', () => {
	test('a start line ends every session the old process held', async () => {
		const store = new SessionStore();
		const restarted = `${fileUpTo(beforeKick)}1795313900: mosquitto version 2.0.11 starting
1795313900: Config loaded from /etc/mosquitto/mosquitto.conf.
1795313901: New connection from 10.0.0.9:5000 on port 1883.
1795313901: New client connected from 10.0.0.9:5000 as after-restart (p2, c1, k30).
`;
		const stats = await replayText(restarted, store);
		expect(records(store).map((r) => r.clientId)).toEqual(['after-restart']);
		expect(stats.brokerStartedAt).toBe(1_795_313_900_000);
		expect(store.broker.version).toBe('2.0.11');
	});
});
