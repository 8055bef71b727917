// The command line as an operator types it: `--` before a name that begins with -, every usage
// mistake as one `mqtt-top:` line with exit code 2, MQTT 3.1, and a password typed on the command
// line warned about.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runCli, startCli} from '../support/cli.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

let open: TestBroker;
let secured: TestBroker;
const clients: MqttClient[] = [];

beforeAll(async () => {
	[open, secured] = await Promise.all([startMosquitto({dynsec: false}), startMosquitto()]);
	await secured.createUser('-dash-user', 'dash-pw');
	await secured.createUser('alice', 'alice-pw');
}, 30_000);

afterAll(async () => {
	for (const client of clients) client.end(true);
	await Promise.all([open?.stop(), secured?.stop()]);
});

const anon = () => ['-h', '127.0.0.1', '-p', String(open.port), '--audit-log', path.join(open.dir, 'audit.log')];
const admin = () => ['-h', '127.0.0.1', '-p', String(secured.port), '-u', 'admin', '--audit-log', path.join(secured.dir, 'audit.log')];

describe('-- ends the flags', () => {
	test('kick -- -dash-id kicks the client named -dash-id', async () => {
		const victim = await connectClient(open.url, {clientId: '-dash-id'});
		clients.push(victim);
		const result = await runCli([...anon(), '--wait', '2', '--yes', '--force-takeover', 'kick', '--', '-dash-id']);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain('kicked client -dash-id');
		expect(result.code).toBe(0);
		await eventually(() => !victim.connected, '-dash-id to be kicked');
	}, 20_000);

	test('block -- -dash-user and unblock -- -dash-user reach the account named -dash-user', async () => {
		const env = {MQTT_TOP_PASSWORD: secured.admin.password};
		const device = await connectClient(secured.url, {clientId: 'dash-device', username: '-dash-user', password: 'dash-pw'});
		clients.push(device);
		const block = await runCli([...admin(), '--wait', '1', '--yes', 'block', '--', '-dash-user'], {env});
		expect(block.stderr).toBe('');
		expect(block.code).toBe(0);
		await eventually(() => !device.connected, 'the blocked account to be disconnected');
		const unblock = await runCli([...admin(), '--wait', '0', 'unblock', '--', '-dash-user'], {env});
		expect(unblock.code).toBe(0);
		const again = await connectClient(secured.url, {clientId: 'dash-device', username: '-dash-user', password: 'dash-pw'});
		clients.push(again);
		expect(again.connected).toBe(true);
	}, 20_000);
});

test('documented flags are accepted, --no-log-file and grouped short flags included', async () => {
	const result = await runCli([...anon(), '--no-log-file', '-yi', 'flags-check', '--read-only', 'list', '--json', '--wait', '0']);
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	expect(JSON.parse(result.stdout)).toEqual([]);
});

describe('usage errors: one line, mqtt-top: prefix, exit code 2', () => {
	test.each([
		[
			['kick', '-dash-id'],
			'mqtt-top: unknown flag -dash-id (for a name that begins with -, put -- before it: kick -- -dash-id) (see mqtt-top --help)',
		],
		[['--bogus'], 'mqtt-top: unknown flag --bogus (see mqtt-top --help)'],
		[['--refresh', '0'], 'mqtt-top: --refresh: 0 is out of range (more than 0, at most 3600 seconds)'],
		[['--refresh', 'soon'], "mqtt-top: --refresh: 'soon' is not a number of seconds (see mqtt-top --help)"],
		[['list', '--wait', 'abc'], "mqtt-top: --wait: 'abc' is not a number of seconds (see mqtt-top --help)"],
		[['list', '--wait', '-1'], 'mqtt-top: --wait: -1 is out of range (0 to 3600 seconds)'],
		[['-p', 'abc', 'list'], "mqtt-top: -p/--port: 'abc' is not a port number (1–65535) (see mqtt-top --help)"],
		[['--demo', '--demo-clients', 'many'], "mqtt-top: --demo-clients: 'many' is not a number of devices (see mqtt-top --help)"],
		[['-V', 'mqttv6', 'list'], "mqtt-top: -V/--protocol-version: 'mqttv6' is not mqttv31, mqttv311 or mqttv5"],
	])('%j', async (args, message) => {
		const result = await runCli(args);
		expect(result.stderr).toBe(`${message}\n`);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
	});
});

test('-V mqttv31 connects with protocol name MQIsdp and lists MQTT 3.1 clients', async () => {
	const old = await connectClient(open.url, {clientId: 'old timer', protocolVersion: 3, protocolId: 'MQIsdp'});
	clients.push(old);
	const id = 'mqtt-top-v31';
	const list = runCli([...anon(), '-V', 'mqttv31', '-i', id, 'list', '--json', '--wait', '2', '--log-file', open.logPath]);
	const result = await list;
	expect(result.stderr).toBe('');
	expect(result.code).toBe(0);
	// The broker's own record of the monitor's connection: protocol level 1 is MQTT 3.1.
	expect(open.log()).toMatch(new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${id} \\(p1, c1, k30\\)`));
	const records = JSON.parse(result.stdout) as Array<{clientId: string; protocol: string}>;
	expect(records.find((r) => r.clientId === 'old timer')).toMatchObject({protocol: '3.1'});
}, 20_000);

describe('a password on the command line', () => {
	const warning = (where: string) =>
		`mqtt-top: warning: ${where} can be read by other users of this host (ps) and stays in your shell history: set MQTT_TOP_PASSWORD instead\n`;

	test.each([
		['-L mqtt://user:pass@…', 'the password in the -L/--url URL', (port: number) => ['-L', `mqtt://alice:alice%2Dpw@127.0.0.1:${port}`]],
		[
			'-P',
			'the password given with -P/--password',
			(port: number) => ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 'alice-pw'],
		],
	])(
		'%s is warned about, works, and is masked in ps',
		async (_name, where, args) => {
			const id = `pw-${where.length}`;
			const list = startCli([...args(secured.port), '-i', id, 'list', '--json', '--wait', '2']);
			await eventually(() => secured.log().includes(`as ${id} `), 'the monitor to connect', 10_000);
			const commandLine = readFileSync(`/proc/${list.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
			expect(commandLine).toContain('mqtt-top');
			expect(commandLine).not.toContain('alice-pw');
			expect(commandLine).not.toContain('alice%2Dpw');
			const result = await list.done;
			expect(result.stderr).toBe(warning(where));
			expect(result.code).toBe(0);
		},
		20_000,
	);

	test('MQTT_TOP_PASSWORD is not warned about', async () => {
		const result = await runCli(['-h', '127.0.0.1', '-p', String(secured.port), '-u', 'alice', 'list', '--wait', '0'], {
			env: {MQTT_TOP_PASSWORD: 'alice-pw'},
		});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
	});
});
