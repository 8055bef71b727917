// The broker link against a real Mosquitto that dies, restarts and freezes: the adapter must
// notice, reconnect by itself, read everything again and never keep an old process's sessions live.
import type {MqttClient} from 'mqtt';
import {afterEach, describe, expect, it} from 'vitest';
import type {ConnectionState} from '../../source/broker/adapter.js';
import type {MosquittoAdapter} from '../../source/broker/mosquitto/adapter.js';
import {openBroker, type OpenedBroker} from '../../source/broker/open-broker.js';
import {buildConfig} from '../../source/config.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function broker(): Promise<TestBroker> {
	const started = await startMosquitto();
	cleanups.push(() => started.stop());
	await started.createUser('dev', 'dev-pw');
	await started.createUser('other', 'other-pw');
	return started;
}

async function monitor(
	target: TestBroker,
	flags: {logFile?: boolean; keepalive?: number} = {},
): Promise<OpenedBroker & {states: ConnectionState[]}> {
	const config = buildConfig(
		{
			host: '127.0.0.1',
			port: target.port,
			username: target.admin.username,
			password: target.admin.password,
			logFile: flags.logFile ? target.logPath : false,
			keepalive: flags.keepalive,
		},
		{},
	);
	const opened = await openBroker(config);
	cleanups.push(() => opened.close());
	const states: ConnectionState[] = [];
	opened.node.onConnectionChange((state) => states.push(state));
	if (opened.logFile) await opened.logFile.replayed;
	return Object.assign(opened, {states});
}

async function device(target: TestBroker, clientId: string, username = 'dev'): Promise<MqttClient> {
	const client = await connectClient(target.url, {clientId, username, password: `${username}-pw`, reconnectPeriod: 0});
	cleanups.push(() => client.endAsync(true));
	return client;
}

const online = (opened: OpenedBroker) =>
	[...opened.store.sessions.values()]
		.filter((s) => s.status === 'online')
		.map((s) => s.clientId)
		.sort();

describe('broker link lifecycle (real Mosquitto)', () => {
	it('kill -9: down within a second, refuses actions, reconnects by itself, re-reads accounts, and ends the old process sessions', async () => {
		const target = await broker();
		const opened = await monitor(target);
		await device(target, 'gone-for-good');
		await eventually(() => online(opened).includes('gone-for-good'), 'the device online');
		// Old enough that the restarted broker's uptime is lower than the last one seen.
		await eventually(() => (opened.store.broker.uptime ?? 0) >= 3, 'the broker up 3 s', 10_000);

		const killed = Date.now();
		await target.kill('SIGKILL');
		await eventually(() => opened.node.connection().state === 'reconnecting', 'the link seen down', 1000);
		expect(Date.now() - killed).toBeLessThan(1000);
		expect(opened.node.connection().lostAt).toBeGreaterThanOrEqual(killed - 10);
		const refused = await (opened.node as MosquittoAdapter).kickByTakeover('gone-for-good');
		expect(refused).toMatchObject({result: 'failed'});
		expect(refused.message).toMatch(
			/^cannot kick gone-for-good: not connected to the broker \(disconnected since \d\d:\d\d:\d\d\); nothing was sent$/,
		);

		// Back while the monitor waits out its back-off; an admin blocks 'dev' before it returns,
		// which only a fresh read of the accounts can tell it.
		await eventually(
			() => {
				const state = opened.node.connection();
				return state.retryAt !== undefined && state.retryAt - Date.now() > 1500;
			},
			'a retry more than 1.5 s away',
			15_000,
		);
		expect(opened.store.isDisabled('dev')).toBe(false);
		await target.start();
		await target.dynsec([{command: 'disableClient', username: 'dev'}]);
		expect(opened.node.connection().state).toBe('reconnecting');
		await eventually(() => opened.node.connection().state === 'connected', 'live again', 20_000);
		expect(opened.states.map((s) => s.state)).toContain('resyncing');
		expect(opened.store.isDisabled('dev')).toBe(true);
		expect(online(opened)).toEqual([]);
		expect(opened.store.get('gone-for-good')).toBeUndefined();
		// Subscriptions came back: a new device shows up.
		await device(target, 'after-restart', 'other');
		await eventually(() => online(opened).includes('after-restart'), 'a device connected after the restart');
	}, 60_000);

	it('SIGSTOP longer than the keep-alive: down within 1.5 × keep-alive, live again after SIGCONT with sessions kept', async () => {
		const target = await broker();
		const opened = await monitor(target, {keepalive: 2});
		await device(target, 'steady');
		await eventually(() => online(opened).includes('steady'), 'the device online');
		await new Promise((r) => setTimeout(r, 1500));

		const frozen = Date.now();
		target.signal('SIGSTOP');
		await eventually(() => opened.node.connection().state === 'reconnecting', 'the half-open link seen down', 6000);
		expect(Date.now() - frozen).toBeLessThanOrEqual(1.5 * 2000 + 300);
		expect(opened.node.connection().detail).toContain('no answer from the broker within 3 s (keep-alive 2 s)');
		// A frozen broker still accepts the socket: the attempt ends on its own timer, and says so.
		await eventually(
			() => opened.node.connection().detail === 'no answer to the connection attempt within 5 s',
			'a reconnect attempt seen unanswered',
			15_000,
		);
		target.signal('SIGCONT');
		await eventually(() => opened.node.connection().state === 'connected', 'live again', 30_000);
		// The broker did not restart: the device it kept is still online, and still listed.
		expect(online(opened)).toEqual(['steady']);
	}, 60_000);
	it('closing ends the MQTT 5 session the broker kept for the monitor', async () => {
		const target = await broker();
		const opened = await monitor(target);
		await opened.close();
		// The broker counts kept sessions of disconnected clients; it publishes the count every second.
		const admin = await connectClient(target.url, {username: target.admin.username, password: target.admin.password});
		cleanups.push(() => admin.endAsync(true));
		const counts: number[] = [];
		admin.on('message', (_topic, payload) => counts.push(Number(payload.toString())));
		await admin.subscribeAsync('$SYS/broker/clients/disconnected');
		await new Promise((r) => setTimeout(r, 2500));
		expect(counts.length).toBeGreaterThan(0);
		expect(counts.at(-1)).toBe(0);
	}, 30_000);
});
