// What the store claims about sessions, against a real Mosquitto: MQTT 5 persistence is unknown
// (the session expiry is not logged) and kick plans treat it as destructive; a takeover kick's own
// connection never becomes the device's session; a kick reports only the disconnects it caused.
import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {planKick} from '../support/legacy-plan.js';
import {openMosquitto, type MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {buildConfig} from '../../source/config.js';
import {toRecord} from '../../source/model/export.js';
import {startCli} from '../support/cli.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

const clients: MqttClient[] = [];

/** Connects and answers whether the broker still had a session for this client ID. */
async function connectSeeingSession(url: string, options: IClientOptions): Promise<{client: MqttClient; sessionPresent: boolean}> {
	const client = mqtt.connect(url, {reconnectPeriod: 0, connectTimeout: 5000, ...options});
	clients.push(client);
	const sessionPresent = await new Promise<boolean>((resolve, reject) => {
		client.once('connect', (connack) => resolve(connack.sessionPresent));
		client.once('error', reject);
	});
	return {client, sessionPresent};
}

async function device(url: string, clientId: string, options: IClientOptions = {}): Promise<MqttClient> {
	const client = await connectClient(url, {clientId, ...options});
	clients.push(client);
	return client;
}

const v5 = (clean: boolean, expiry?: number): IClientOptions => ({
	protocolVersion: 5,
	clean,
	...(expiry === undefined ? {} : {properties: {sessionExpiryInterval: expiry}}),
});

afterAll(() => {
	for (const client of clients) client.end(true);
});

describe('without dynamic security (kicks are takeovers)', () => {
	let broker: TestBroker;
	let adapter: MosquittoAdapter;

	beforeAll(async () => {
		broker = await startMosquitto({dynsec: false});
		adapter = await openMosquitto(buildConfig({host: '127.0.0.1', port: broker.port, id: 'truth-monitor'}));
	}, 30_000);

	afterAll(async () => {
		await adapter?.close();
		await broker?.stop();
	});

	test('MQTT 5 c0 and c1, with and without session expiry, are never judged safe to take over', async () => {
		const ids = {
			'v5-c1-noexp': v5(true),
			'v5-c1-exp': v5(true, 3600),
			'v5-c0-noexp': v5(false),
			'v5-c0-exp': v5(false, 3600),
			'v311-c1': {protocolVersion: 4, clean: true},
			'v311-c0': {protocolVersion: 4, clean: false},
		} satisfies Record<string, IClientOptions>;
		for (const [id, options] of Object.entries(ids)) await device(broker.url, id, options);
		await eventually(() => Object.keys(ids).every((id) => adapter.store.get(id)?.status === 'online'), 'every session online');

		const plan = (id: string) => {
			const p = planKick(adapter.store, id, adapter.actions);
			return p.kind === 'kick-takeover' ? `${p.destructive ? 'destructive' : 'harmless'} ${String(p.persistent)}` : p.kind;
		};

		expect(Object.fromEntries(Object.keys(ids).map((id) => [id, plan(id)]))).toEqual({
			'v5-c1-noexp': 'destructive undefined',
			'v5-c1-exp': 'destructive undefined',
			'v5-c0-noexp': 'destructive undefined',
			'v5-c0-exp': 'destructive undefined',
			'v311-c1': 'harmless false',
			'v311-c0': 'destructive true',
		});
		expect(toRecord(adapter.store.get('v5-c1-exp')!, 'b').persistence).toBe('unknown');
		expect(toRecord(adapter.store.get('v311-c0')!, 'b').persistence).toBe('persistent');
	}, 30_000);

	test('an MQTT 5 session that leaves stays listed offline with unknown persistence, because either may be true', async () => {
		const kept = await device(broker.url, 'v5-leaves-kept', v5(true, 3600));
		const dropped = await device(broker.url, 'v5-leaves-dropped', v5(false));
		await eventually(() => adapter.store.get('v5-leaves-dropped')?.status === 'online', 'both online');
		await kept.endAsync();
		await dropped.endAsync();
		await eventually(() => adapter.store.get('v5-leaves-dropped')?.status === 'offline', 'both offline');
		for (const id of ['v5-leaves-kept', 'v5-leaves-dropped']) {
			expect(toRecord(adapter.store.get(id)!, 'b')).toMatchObject({
				status: 'offline',
				persistence: 'unknown',
				cleanSession: id.endsWith('kept'),
			});
		}

		// The broker's truth: c1 with an hour's expiry was kept, c0 without expiry was not.
		expect((await connectSeeingSession(broker.url, {clientId: 'v5-leaves-kept', ...v5(false, 3600)})).sessionPresent).toBe(true);
		expect((await connectSeeingSession(broker.url, {clientId: 'v5-leaves-dropped', ...v5(false)})).sessionPresent).toBe(false);
	}, 30_000);

	test("a takeover kick's own connection never enters the store as the device's session", async () => {
		const victim = await device(broker.url, 'taken-over', {protocolVersion: 4, clean: true, keepalive: 60});
		await eventually(() => adapter.store.get('taken-over')?.status === 'online', 'the victim online');
		const {connects, disconnects} = adapter.store.counters;

		const outcome = await adapter.kickByTakeover('taken-over');
		expect(outcome).toMatchObject({result: 'done', disconnected: ['taken-over']});
		await eventually(() => !victim.connected, 'the victim to be kicked');
		// Its connect and disconnect lines have had time to arrive; none of them became the device.
		await new Promise((r) => setTimeout(r, 1000));
		expect(adapter.store.has('taken-over')).toBe(false);
		expect(adapter.store.lookup('taken-over')).toMatchObject({
			keepAlive: 60,
			lastDisconnectReason: expect.stringContaining('taken over by mqtt-top'),
		});
		expect(adapter.store.counters.connects).toBe(connects);
		expect(adapter.store.counters.disconnects).toBe(disconnects);
	}, 30_000);

	test('the CLI refuses to take over an MQTT 5 session without --force-takeover, saying why', async () => {
		const args = ['-h', '127.0.0.1', '-p', String(broker.port), '--audit-log', `${broker.dir}/audit.log`];
		const refused = startCli([...args, '-i', 'truth-cli-1', 'kick', 'v5-cli', '--yes', '--wait', '2'], {input: ''});
		await eventually(() => broker.log().includes('truth-cli-1 0 $SYS/broker/log/#'), 'the CLI to listen', 15_000);
		const cam = await device(broker.url, 'v5-cli', v5(true));
		const result = await refused.done;
		expect(result.code).toBe(7);
		expect(result.stderr).toBe(
			'mqtt-top: refusing to kick v5-cli: the only way is to take over its client ID, and its session may persist (MQTT 5: Mosquitto does not log the session expiry), so its queued messages and subscriptions would be destroyed. Pass --force-takeover to do it anyway\n',
		);
		expect(cam.connected).toBe(true);

		const forced = startCli([...args, '-i', 'truth-cli-2', 'kick', 'v5-cli-2', '--yes', '--force-takeover', '--wait', '2'], {input: ''});
		await eventually(() => broker.log().includes('truth-cli-2 0 $SYS/broker/log/#'), 'the CLI to listen', 15_000);
		const cam2 = await device(broker.url, 'v5-cli-2', v5(true));
		const done = await forced.done;
		expect(done.code).toBe(0);
		expect(done.stdout).toContain('MQTT 5 does not log the session expiry, so its session may persist: this may DESTROY it');
		expect(done.stdout).toContain('kicked client v5-cli-2 (taken over and closed)');
		await eventually(() => !cam2.connected, 'v5-cli-2 to be kicked');
	}, 40_000);
});

describe('with dynamic security', () => {
	let broker: TestBroker;
	let adapter: MosquittoAdapter;

	beforeAll(async () => {
		broker = await startMosquitto();
		for (const user of ['alice', 'bob']) await broker.createUser(user, `${user}-pw`);
		adapter = await openMosquitto(
			buildConfig({host: '127.0.0.1', port: broker.port, id: 'truth-admin', username: 'admin', password: broker.admin.password}),
		);
	}, 30_000);

	afterAll(async () => {
		await adapter?.close();
		await broker?.stop();
	});

	test("a kick lists only the disconnects it caused, not another operator's at the same moment", async () => {
		const alice = await device(broker.url, 'alice-1', {username: 'alice', password: 'alice-pw'});
		const bob = await device(broker.url, 'bob-1', {username: 'bob', password: 'bob-pw'});
		await eventually(
			() => adapter.store.get('bob-1')?.status === 'online' && adapter.store.get('alice-1')?.status === 'online',
			'both online',
		);
		const [outcome] = await Promise.all([adapter.kickByUsername('alice'), broker.dynsec([{command: 'modifyClient', username: 'bob'}])]);
		await eventually(() => !alice.connected && !bob.connected, 'both kicked');
		expect(outcome).toMatchObject({result: 'done', disconnected: ['alice-1']});
	}, 30_000);

	test('blocked, the client stays in the store as blocked; unblocked, it goes', async () => {
		const alice2 = await device(broker.url, 'alice-2', {username: 'alice', password: 'alice-pw'});
		await eventually(() => adapter.store.get('alice-2')?.status === 'online', 'alice-2 online');
		expect(await adapter.block('alice')).toMatchObject({result: 'done', disconnected: ['alice-2']});
		await eventually(() => !alice2.connected, 'alice-2 disconnected');
		expect(adapter.store.get('alice-2')).toMatchObject({status: 'blocked', clientId: 'alice-2'});
		expect(await adapter.unblock('alice')).toMatchObject({result: 'done'});
		// A clean session of an enabled account that is not connected is gone from the broker.
		expect(adapter.store.has('alice-2')).toBe(false);
	}, 30_000);
});
