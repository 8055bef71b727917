// A mixed fleet, live: Debian's Mosquitto 2.0.11 and RabbitMQ 3.10 (MQTT + management plugins) in
// one monitor and one list, with the same keys acting on each through its own driver. Fails loudly
// when either broker is missing.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {connectClient, eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {startRabbitMQ, type TestRabbit} from '../support/rabbitmq.js';
import {cli, requireBuiltCli, Terminal} from '../support/terminal.js';

type Row = {node: string; clientId: string; username: string | null; protocol: string | null; status: string; subscriptions: unknown[]};

describe('Mosquitto and RabbitMQ in one monitor', () => {
	let mosquitto: TestBroker;
	let rabbit: TestRabbit;
	let dir: string;
	let brokersFile: string;
	const clients: MqttClient[] = [];
	const terminal = new Terminal();

	beforeAll(async () => {
		findBinary('tmux');
		requireBuiltCli();
		[mosquitto, rabbit] = await Promise.all([startMosquitto({version: '2.0'}), startRabbitMQ()]);
		await mosquitto.createUser('alice', 'alice-pw');
		await rabbit.addUser('alice', 'alice-pw');
		dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-mixed-'));
		brokersFile = path.join(dir, 'brokers.toml');
		writeFileSync(
			brokersFile,
			[
				'[[broker]]',
				'name = "mosq"',
				`url = "mqtt://127.0.0.1:${mosquitto.port}"`,
				'username = "admin"',
				`password = "${mosquitto.admin.password}"`,
				`log_file = "${mosquitto.logPath}"`,
				'',
				'[[broker]]',
				'name = "rabbit"',
				'type = "rabbitmq"',
				`url = "${rabbit.mqttUrl}"`,
				`api_url = "${rabbit.apiUrl}"`,
				`username = "${rabbit.admin.username}"`,
				`password = "${rabbit.admin.password}"`,
			].join('\n'),
			{mode: 0o600},
		);
		for (const [url, id] of [
			[mosquitto.url, 'mosq-dev'],
			[rabbit.mqttUrl, 'rabbit-dev'],
		]) {
			const client = await connectClient(url, {clientId: id, username: 'alice', password: 'alice-pw', protocolVersion: 4});
			await client.subscribeAsync('home/+/temp', {qos: 1});
			clients.push(client);
		}
	}, 120_000);

	afterAll(async () => {
		terminal.kill();
		for (const client of clients) client.end(true);
		await Promise.all([mosquitto?.stop(), rabbit?.stop()]);
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	const env = () => ({XDG_STATE_HOME: path.join(dir, 'state')});

	it('list --json: each broker’s device with its node, protocol, user and subscription', async () => {
		// RabbitMQ refreshes its connection statistics every 5 s: a new connection may take that long to be listed.
		const rows = await eventually(
			async () => {
				const result = await runCli(['--brokers', brokersFile, 'list', '--json', '--wait', '1', '--filter', 'user:alice'], {env: env()});
				expect(result.stderr).toBe('');
				expect(result.code).toBe(0);
				const parsed = JSON.parse(result.stdout) as Row[];
				return parsed.length === 2 ? parsed : undefined;
			},
			'both devices listed',
			30_000,
		);
		expect(rows!.map((r) => [r.node, r.clientId, r.username, r.protocol, r.status, r.subscriptions])).toEqual([
			['mosq', 'mosq-dev', 'alice', '3.1.1', 'online', [{topic: 'home/+/temp', qos: 1}]],
			['rabbit', 'rabbit-dev', 'alice', '3.1.1', 'online', [{topic: 'home/+/temp', qos: 1}]],
		]);
	}, 60_000);

	it('one monitor shows both; K on the RabbitMQ row closes that connection only', async () => {
		terminal.start(120, 40, env());
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.command(`node ${cli} --brokers ${brokersFile} --audit-log ${path.join(dir, 'audit.log')} --refresh 1`);
		const screen = await terminal.waitFor(
			'both brokers and both devices',
			(s) => /^mosq +live/m.test(s) && /^rabbit +live/m.test(s) && /mosq +mosq-dev/.test(s) && /rabbit +rabbit-dev/.test(s),
			30_000,
		);
		expect(screen).toMatch(/Node +Client ID/);
		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		terminal.type('node:rabbit');
		terminal.key('Enter');
		await terminal.waitFor('only the RabbitMQ row', (s) => s.includes('rabbit-dev') && !s.includes('mosq-dev'));
		terminal.type('K');
		const dialog = await terminal.waitFor('the kick dialog', (s) => s.includes('Press y to confirm'));
		expect(dialog).toContain('on rabbit:');
		expect(dialog).toContain('rabbit-dev');
		terminal.type('y');
		const [mosqDev, rabbitDev] = clients;
		await eventually(() => !rabbitDev.connected, 'the RabbitMQ device disconnected', 15_000);
		expect(mosqDev.connected).toBe(true);
		await terminal.waitFor('the RabbitMQ row gone or offline', (s) => !/rabbit-dev .*online/.test(s), 20_000);
		terminal.type('q');
		await terminal.waitFor('the shell again', (s) => s.trimEnd().endsWith('e2e$'));
	}, 120_000);
});
