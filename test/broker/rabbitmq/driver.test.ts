// The RabbitMQ driver against a real RabbitMQ 3.10 (Debian's rabbitmq-server with the MQTT and
// management plugins) and real mqtt.js clients: listing, leaving, kick, block, unblock from a
// second mqtt-top, a frozen broker, and what an MQTT 5 client meets.
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {Config} from '../../../source/config.js';
import type {ActionPlan, BrokerNode, Capability, Target} from '../../../source/broker/driver.js';
import {openRabbitMQ, rabbitmqDriver} from '../../../source/broker/rabbitmq/index.js';
import {SessionStore} from '../../../source/model/session-store.js';
import {connectClient, eventually} from '../../support/mosquitto.js';
import {startRabbitMQ, type TestRabbit} from '../../support/rabbitmq.js';

let rabbit: TestRabbit;
let stateDir: string;
let restoreFile: string;
const clients: MqttClient[] = [];
const nodes: BrokerNode[] = [];

function config(): Config {
	return {
		node: 'rabbit-test',
		brokerType: 'rabbitmq',
		apiUrl: rabbit.apiUrl,
		transport: 'mqtt',
		host: '127.0.0.1',
		port: rabbit.mqttPort,
		username: rabbit.admin.username,
		password: rabbit.admin.password,
		clientId: 'mqtt-top-test',
		protocolVersion: 4,
		insecure: false,
		readOnly: false,
		refresh: 1,
		filter: '',
		auditLog: path.join(stateDir, 'audit.log'),
		dynsecTimeout: 1000,
		keepAlive: 30,
		nodes: [
			{
				name: 'rabbit-test',
				brokerType: 'rabbitmq',
				apiUrl: rabbit.apiUrl,
				transport: 'mqtt',
				host: '127.0.0.1',
				port: rabbit.mqttPort,
				username: rabbit.admin.username,
				password: rabbit.admin.password,
				insecure: false,
			},
		],
		warnings: [],
	};
}

async function open(store = new SessionStore({node: 'rabbit-test'})): Promise<{node: BrokerNode; store: SessionStore}> {
	const node = await openRabbitMQ(config(), store, {restoreFile, timeoutMs: 2000, operator: 'tester@ci'});
	nodes.push(node);
	return {node, store};
}

async function device(clientId: string, options: IClientOptions = {}): Promise<MqttClient> {
	const client = await connectClient(rabbit.mqttUrl, {clientId, username: 'guest', password: 'guest', protocolVersion: 4, ...options});
	clients.push(client);
	return client;
}

/** Resolves when the client's connection is closed (the broker closed it). */
function closed(client: MqttClient): Promise<void> {
	return new Promise((resolve) => {
		if (!client.connected) resolve();
		else client.once('close', () => resolve());
	});
}

/** What the broker itself lists now: client IDs of its MQTT connections. */
async function brokerListing(): Promise<string[]> {
	const answer = await rabbit.api('GET', '/api/connections');
	const items = answer.body as Array<{protocol: string; client_properties?: {client_id?: string}}>;
	return items.filter((i) => i.protocol.startsWith('MQTT')).map((i) => i.client_properties?.client_id ?? '');
}

function plan(node: BrokerNode, capability: Capability, target: Omit<Target, 'node'>): ActionPlan {
	const planned = node.admin.plan(capability, {node: node.name, ...target});
	if ('refused' in planned) throw new Error(`plan refused: ${planned.refused}`);
	return planned;
}

beforeAll(async () => {
	stateDir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-rabbit-state-'));
	restoreFile = path.join(stateDir, 'mqtt-top', 'rabbitmq', 'rabbit-test-blocks.json');
	rabbit = await startRabbitMQ();
	await rabbit.addUser('alice', 'alice-pw');
}, 90_000);

afterAll(async () => {
	for (const client of clients) client.end(true);
	for (const node of nodes) await node.close();
	await rabbit?.stop();
	rmSync(stateDir, {recursive: true, force: true});
}, 60_000);

describe('RabbitMQ driver (live RabbitMQ 3.10)', () => {
	let node: BrokerNode;
	let store: SessionStore;
	let gw: MqttClient;
	let sensor: MqttClient;

	test('lists each MQTT client with protocol, user, address, port, connect time, filters and node', async () => {
		const before = Date.now();
		gw = await device('gw 01', {username: 'alice', password: 'alice-pw', clean: false});
		await gw.subscribeAsync('home/+/temp', {qos: 1});
		await gw.subscribeAsync('a/#', {qos: 0});
		sensor = await device('sensor-2');
		await sensor.subscribeAsync('a/#', {qos: 0});
		const after = Date.now();
		({node, store} = await open());
		expect(node.type).toBe('rabbitmq');
		expect(node.url).toBe(rabbit.apiUrl);
		expect(node.url).not.toContain('guest');

		// Statistics reach the listing a moment after the connection (every second here, 5 s by
		// default); until then its durable queue alone shows it, as an offline persistent session.
		const session = (await eventually(
			() => {
				const s = store.get('gw 01');
				return s?.status === 'online' && s.subscriptions.size === 2 ? s : undefined;
			},
			'gw 01 listed online with its subscriptions',
			15_000,
		))!;
		expect(session.status).toBe('online');
		expect(session.node).toBe('rabbit-test');
		expect(session.protocol).toBe('3.1.1');
		expect(session.username).toBe('alice');
		expect(session.address).toBe('127.0.0.1');
		expect(session.port).toBe((gw.stream as unknown as {localPort: number}).localPort);
		expect(session.connectedAt).toBeGreaterThanOrEqual(before - 1000);
		expect(session.connectedAt).toBeLessThanOrEqual(after + 1000);
		expect(session.cleanSession).toBe(false);
		expect(new Map(session.subscriptions)).toEqual(
			new Map([
				['home/+/temp', 1],
				['a/#', 0],
			]),
		);
		const other = (await eventually(
			() => (store.get('sensor-2')?.subscriptions.size ? store.get('sensor-2') : undefined),
			'sensor-2 listed',
			10_000,
		))!;
		expect(other.username).toBe('guest');
		expect(new Map(other.subscriptions)).toEqual(new Map([['a/#', 0]]));
		expect(store.broker.connected).toBe(2);
		expect(store.broker.version).toBe('RabbitMQ 3.10.8');
		expect(node.connection().state).toBe('connected');
	});

	test('a client that leaves is gone after the next round', async () => {
		await sensor.endAsync();
		await eventually(() => !store.sessions.has('sensor-2'), 'sensor-2 to leave the table', 15_000);
		expect(store.get('gw 01')?.status).toBe('online');
		await eventually(() => store.broker.connected === 1, 'one connection counted', 10_000);
	});

	test('kick closes exactly that client, and the broker no longer lists it', async () => {
		const victim = await device('kick-me');
		const bystander = await device('bystander');
		await eventually(() => store.get('kick-me') && store.get('bystander'), 'both listed', 15_000);
		const planned = plan(node, 'kick-client', {by: 'client', value: 'kick-me'});
		expect(planned.summary).toBe("closes client kick-me's connection from 127.0.0.1");
		expect(planned.affected.map((s) => s.clientId)).toEqual(['kick-me']);
		const gone = closed(victim);
		const outcome = await node.admin.perform(planned);
		expect(outcome).toEqual({result: 'done', message: "closed client kick-me's connection", disconnected: ['kick-me']});
		await gone;
		expect(victim.connected).toBe(false);
		expect(bystander.connected).toBe(true);
		expect(gw.connected).toBe(true);
		const listing = await brokerListing();
		expect(listing).not.toContain('kick-me');
		expect(listing).toContain('bystander');
		await eventually(() => !store.sessions.has('kick-me'), 'kick-me to leave the table', 10_000);
		await bystander.endAsync();
	});

	let gw2: MqttClient;
	test('block removes the user’s permissions (saved first), disconnects its clients, and their reconnect is refused', async () => {
		gw2 = await device('gw 02', {username: 'alice', password: 'alice-pw'});
		await eventually(() => store.get('gw 02'), 'gw 02 listed', 15_000);
		await node.admin.refresh();
		const planned = plan(node, 'ban-user', {by: 'user', value: 'alice'});
		expect(planned.summary).toBe('blocks user alice: removes its permissions on vhost /; disconnects 2 sessions: gw 01, gw 02');
		expect(planned.notes.join('\n')).toMatch(/AMQP and STOMP too/);
		const gone = Promise.all([closed(gw), closed(gw2)]);
		const outcome = await node.admin.perform(planned);
		expect(outcome.result).toBe('done');
		expect(outcome.message).toBe('blocked user alice: removed its permissions on /; closed 2 MQTT connections: gw 01, gw 02');
		expect(outcome.disconnected.sort()).toEqual(['gw 01', 'gw 02']);
		await gone;
		expect(statSync(restoreFile).mode & 0o777).toBe(0o600);
		const permissions = await rabbit.api('GET', '/api/users/alice/permissions');
		expect(permissions.body).toEqual([]);
		// The broker refuses the user now: CONNACK "not authorised".
		await expect(
			connectClient(rabbit.mqttUrl, {clientId: 'gw 02', username: 'alice', password: 'alice-pw', protocolVersion: 4}),
		).rejects.toThrow(/Not authorized|Bad username/i);
		expect(store.isDisabled('alice')).toBe(true);
		await eventually(() => store.get('gw 01')?.status === 'blocked', 'gw 01 shown blocked', 10_000);
		expect(node.admin.plan('ban-user', {node: node.name, by: 'user', value: 'alice'})).toMatchObject({
			refused: expect.stringMatching(/already blocked/),
		});
	});

	test('a second mqtt-top reads the block from the restore file and unblocks; the clients get back in', async () => {
		await node.close();
		const second = await open();
		expect(second.store.isDisabled('alice')).toBe(true);
		const planned = plan(second.node, 'unban', {by: 'user', value: 'alice'});
		expect(planned.summary).toMatch(/^unblocks user alice: restores its permissions on vhost \/ \(saved .* by tester@ci\)$/);
		const outcome = await second.node.admin.perform(planned);
		expect(outcome).toEqual({result: 'done', message: 'unblocked user alice: restored its permissions on /', disconnected: []});
		expect((await rabbit.api('GET', '/api/users/alice/permissions')).body).toEqual([
			{user: 'alice', vhost: '/', configure: '.*', write: '.*', read: '.*'},
		]);
		expect(second.store.isDisabled('alice')).toBe(false);
		// The persistent session's queue outlived the block: the client finds its session again.
		const back = await device('gw 01', {username: 'alice', password: 'alice-pw', clean: false});
		await eventually(() => second.store.get('gw 01')?.status === 'online', 'gw 01 back online', 15_000);
		expect(back.connected).toBe(true);
		node = second.node;
		store = second.store;
	});

	test('a frozen broker turns the link to reconnecting with the rows kept, and it recovers', async () => {
		await eventually(() => node.connection().state === 'connected', 'connected', 10_000);
		const pid = rabbit.pid();
		process.kill(pid, 'SIGSTOP');
		try {
			const state = (await eventually(
				() => {
					const s = node.connection();
					return s.state === 'reconnecting' ? s : undefined;
				},
				'reconnecting',
				15_000,
			))!;
			expect(state.lostAt).toBeLessThanOrEqual(Date.now());
			expect(state.detail).toMatch(/did not answer|cannot reach/);
			// Stale, not empty: the rows are what the last full round listed.
			expect(store.get('gw 01')?.status).toBe('online');
		} finally {
			process.kill(pid, 'SIGCONT');
		}

		await eventually(() => node.connection().state === 'connected', 'connected again', 30_000);
		expect(store.get('gw 01')?.status).toBe('online');
	});

	test('an MQTT 5 client is refused by 3.10: the broker closes it without a CONNACK and never lists it', async () => {
		const client = mqtt.connect(rabbit.mqttUrl, {
			clientId: 'v5-client',
			username: 'guest',
			password: 'guest',
			protocolVersion: 5,
			reconnectPeriod: 0,
		});
		clients.push(client);
		const first = await new Promise<string>((resolve) => {
			client.once('connect', () => resolve('connect'));
			client.once('error', (error) => resolve(`error: ${error.message}`));
			client.once('close', () => resolve('close'));
			setTimeout(() => resolve('nothing within 10 s'), 10_000);
		});
		expect(first).toBe('close');
		expect(client.connected).toBe(false);
		await new Promise((r) => setTimeout(r, 2500));
		expect(await brokerListing()).not.toContain('v5-client');
		expect(store.get('v5-client')).toBeUndefined();
	});

	test('wrong credentials and a closed port stop opening with the documented exit codes', async () => {
		const wrong = {...config(), password: 'wrong'};
		await expect(rabbitmqDriver.open(wrong, new SessionStore({node: 'x'}))).rejects.toMatchObject({exitCode: 4});
		const closedPort = {...config(), apiUrl: 'http://127.0.0.1:9'};
		await expect(rabbitmqDriver.open(closedPort, new SessionStore({node: 'x'}))).rejects.toMatchObject({exitCode: 3});
		await expect(rabbitmqDriver.open({...config(), apiUrl: undefined}, new SessionStore({node: 'x'}))).rejects.toMatchObject({exitCode: 2});
		// A management user without the monitoring tag would see its own connections only.
		await rabbit.api('PUT', '/api/users/plain', {password: 'plain-pw', tags: 'management'});
		await expect(
			rabbitmqDriver.open({...config(), username: 'plain', password: 'plain-pw'}, new SessionStore({node: 'x'})),
		).rejects.toMatchObject({
			exitCode: 5,
			message: expect.stringMatching(/neither the monitoring nor the administrator tag/),
		});
		// Credentials may come in the URL instead of -u/-P; they are never shown.
		const inUrl = await openRabbitMQ(
			{...config(), username: undefined, password: undefined, apiUrl: rabbit.apiUrl.replace('http://', 'http://guest:guest@')},
			new SessionStore({node: 'u'}),
			{restoreFile},
		);
		nodes.push(inUrl);
		expect(inUrl.url).toBe(rabbit.apiUrl);
		// A monitoring user watches everything and may act on nothing: the capabilities say why.
		await rabbit.api('PUT', '/api/users/watcher', {password: 'watcher-pw', tags: 'monitoring'});
		const watcher = await openRabbitMQ({...config(), username: 'watcher', password: 'watcher-pw'}, new SessionStore({node: 'w'}), {
			restoreFile,
		});
		nodes.push(watcher);
		const kick = watcher.admin.capabilities().get('kick-client')!;
		expect(kick.ok).toBe(false);
		expect(!kick.ok && kick.why).toMatch(/'watcher' lacks the administrator tag/);
		expect(watcher.admin.capabilities().get('subscriptions')).toEqual({ok: true});
	});
});
