// The same checks against Debian's Mosquitto 2.0.11 and a Mosquitto 2.1.2 built from the upstream
// source (test/brokers/mosquitto-2.1/build.sh; .ci/run builds it): 2.1 writes protocol levels,
// takeovers and every disconnect differently, and the monitor must read both as the same truth.
// Fails loudly when either broker is missing.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {buildConfig} from '../../source/config.js';
import {openMosquitto, type MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {runCli, startCli} from '../support/cli.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

type JsonRow = Record<string, unknown> & {clientId: string | null};

describe.each([
	['2.0', /^mosquitto version 2\.0\.\d+$/],
	['2.1', /^mosquitto version 2\.1\.2$/],
] as const)('Mosquitto %s', (version, versionText) => {
	let broker: TestBroker;
	const clients: MqttClient[] = [];
	const admin = () => ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', '--audit-log', path.join(broker.dir, 'audit.log')];
	const env = () => ({MQTT_TOP_PASSWORD: broker.admin.password});

	async function device(clientId: string, username: string, options: Record<string, unknown> = {}): Promise<MqttClient> {
		const client = await connectClient(broker.url, {clientId, username, password: `${username}-pw`, ...options});
		clients.push(client);
		return client;
	}

	const listening = (id: string) => eventually(() => broker.log().includes(`${id} 0 $SYS/broker/log/#`), `${id} to subscribe`, 15_000);
	const closed = (client: MqttClient) => eventually(() => !client.connected, 'the client to be disconnected');

	beforeAll(async () => {
		broker = await startMosquitto({version});
		for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) await broker.createUser(user, `${user}-pw`);
	}, 30_000);

	afterAll(async () => {
		for (const client of clients) client.end(true);
		await broker?.stop();
	});

	test('the broker is the version under test', async () => {
		const client = await connectClient(broker.url, {username: 'admin', password: broker.admin.password});
		const seen = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
		await client.subscribeAsync('$SYS/broker/version');
		expect(await seen).toMatch(versionText);
		await client.endAsync();
	});

	test('list --json live: every protocol, username, address and subscription; who left is not online', async () => {
		const id = `list-live-${version}`;
		const list = startCli([...admin(), '-i', id, 'list', '--json', '--wait', '3', '--filter', 'user:alice user:bob'], {
			env: env(),
			input: '',
		});
		await listening(id);
		const v31 = await device('old timer', 'alice', {protocolVersion: 3, protocolId: 'MQIsdp', keepalive: 30});
		const v311 = await device('gw [01] as root', 'alice', {protocolVersion: 4, clean: false, keepalive: 120});
		const v5 = await device('kitchen sensor 7', 'bob', {protocolVersion: 5, keepalive: 45});
		await v311.subscribeAsync('fleet/gw-01/#', {qos: 1});
		await v5.subscribeAsync({'home/kitchen/#': {qos: 1}, 'home/+/temp': {qos: 0}});
		await v5.unsubscribeAsync('home/+/temp');
		// In and out within the wait: it must not stay "online".
		const brief = await device('brief visit', 'bob');
		await brief.endAsync();

		const result = await list.done;
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const rows = JSON.parse(result.stdout) as JsonRow[];
		const at = (clientId: string) => rows.find((r) => r.clientId === clientId);
		expect(rows.filter((r) => r.status === 'online').map((r) => r.clientId)).toEqual(['gw [01] as root', 'kitchen sensor 7', 'old timer']);
		expect(at('old timer')).toMatchObject({username: 'alice', address: '127.0.0.1', protocol: '3.1', keepAlive: 30, subscriptions: []});
		expect(at('gw [01] as root')).toMatchObject({
			protocol: '3.1.1',
			cleanSession: false,
			keepAlive: 120,
			subscriptions: [{topic: 'fleet/gw-01/#', qos: 1}],
		});
		expect(at('kitchen sensor 7')).toMatchObject({username: 'bob', protocol: '5.0', subscriptions: [{topic: 'home/kitchen/#', qos: 1}]});
		expect(at('brief visit')?.status ?? 'gone').not.toBe('online');
		for (const c of [v31, v311, v5]) await c.endAsync();
	}, 30_000);

	test('list --json --log-file: sessions from before the monitor, and no finished mosquitto_ctrl session online', async () => {
		const early = await device('early bird', 'carol', {protocolVersion: 5, clean: false, keepalive: 90});
		await early.subscribeAsync({'alerts/#': {qos: 2}});
		const legacy = await device('legacy-31', 'carol', {protocolVersion: 3, protocolId: 'MQIsdp'});
		const gone = await device('gone-1', 'carol');
		await gone.endAsync();
		// Let the broker write its lines before the file is read.
		await eventually(() => broker.log().includes('gone-1'), 'the broker to log gone-1');

		const result = await runCli([...admin(), 'list', '--json', '--wait', '1', '--log-file', broker.logPath], {env: env()});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const rows = JSON.parse(result.stdout) as JsonRow[];
		const online = rows.filter((r) => r.status === 'online');
		// Every admin session the test harness opened to set the broker up (as mosquitto_ctrl does) has ended.
		expect(online.filter((r) => r.username === 'admin')).toEqual([]);
		expect(online.filter((r) => r.username === 'carol').map((r) => [r.clientId, r.protocol])).toEqual([
			['early bird', '5.0'],
			['legacy-31', '3.1'],
		]);
		expect(rows.find((r) => r.clientId === 'early bird')).toMatchObject({subscriptions: [{topic: 'alerts/#', qos: 2}], keepAlive: 90});
		await early.endAsync();
		await legacy.endAsync();
	}, 30_000);

	test('a takeover is counted once, and a persistent session coming back to its own state is not a takeover', async () => {
		const config = buildConfig({host: '127.0.0.1', port: broker.port, username: 'admin', password: broker.admin.password, logFile: false});
		const adapter: MosquittoAdapter = await openMosquitto(config);
		try {
			const first = await device('gw-02', 'dave', {clean: false});
			const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
			const second = await device('gw-02', 'dave', {clean: false});
			await firstClosed;
			await eventually(() => adapter.store.get('gw-02')?.connectCount === 2, 'the second connect');
			expect(adapter.store.get('gw-02')).toMatchObject({status: 'online', takeoverCount: 1});

			// It leaves, then resumes its persistent session: 2.1 logs "session taken over" for that too.
			second.end(true);
			await closed(second);
			await eventually(() => adapter.store.get('gw-02')?.status === 'offline', 'gw-02 offline');
			await device('gw-02', 'dave', {clean: false});
			await eventually(() => adapter.store.get('gw-02')?.connectCount === 3, 'the third connect');
			expect(adapter.store.get('gw-02')).toMatchObject({status: 'online', takeoverCount: 1});
			expect(adapter.store.counters.takeovers).toBe(1);
		} finally {
			await adapter.close();
		}
	}, 30_000);

	test('kick and block are carried out, as the broker’s own log lines confirm', async () => {
		const administrative = (clientId: string) =>
			version === '2.0'
				? `Client ${clientId} been disconnected by administrative action.`
				: new RegExp(`Client ${clientId} \\[127\\.0\\.0\\.1:\\d+\\] disconnected: administrative action\\.`);
		const logged = (line: string | RegExp) =>
			eventually(
				() => (typeof line === 'string' ? broker.log().includes(line) : line.test(broker.log())),
				`the broker to log ${String(line)}`,
			);

		const kickId = `kick-${version}`;
		const kick = startCli([...admin(), '-i', kickId, 'kick', 'erin-1', '--yes', '--wait', '2'], {env: env(), input: ''});
		await listening(kickId);
		const erin = await device('erin-1', 'erin', {protocolVersion: 4});
		const kicked = await kick.done;
		expect(kicked.stderr).toBe('');
		expect(kicked.code).toBe(0);
		await closed(erin);
		await logged(administrative('erin-1'));

		const blockId = `block-${version}`;
		const block = startCli([...admin(), '-i', blockId, 'block', 'bob', '--yes', '--wait', '2'], {env: env(), input: ''});
		await listening(blockId);
		const bob = await device('bob phone', 'bob', {protocolVersion: 5});
		const blocked = await block.done;
		expect(blocked.code).toBe(0);
		expect(blocked.stdout).toMatch(/blocked username bob: disconnected 1: bob phone/);
		await closed(bob);
		await logged(administrative('bob phone'));
		await expect(connectClient(broker.url, {clientId: 'bob phone', username: 'bob', password: 'bob-pw'})).rejects.toMatchObject({code: 5});
		expect(readFileSync(path.join(broker.dir, 'audit.log'), 'utf8')).toMatch(/action=block\ttarget=bob/);
		const unblock = await runCli([...admin(), 'unblock', 'bob', '--wait', '0'], {env: env()});
		expect(unblock.code).toBe(0);
	}, 40_000);
});
