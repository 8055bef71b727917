// `list --at` (and the monitor's history) against a real Mosquitto 2.0.11 writing its file log
// with timestamps, across a rotation by rename and SIGHUP.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runCli} from '../support/cli.js';
import {cli, requireBuiltCli, rowsWithStatus, Terminal} from '../support/terminal.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mosquittoPid(broker: TestBroker): number {
	return Number(
		execFileSync('pgrep', ['-f', path.join(broker.dir, 'mosquitto.conf')], {encoding: 'utf8'})
			.trim()
			.split('\n')[0],
	);
}

const logged = (file: string, text: string) =>
	eventually(() => existsSync(file) && readFileSync(file, 'utf8').includes(text), `the broker to log "${text}"`, 10_000);

type Row = {clientId: string; status: string; subscriptions: Array<{topic: string}>};

describe('list --at against a real broker log', () => {
	let broker: TestBroker;
	const clients: MqttClient[] = [];
	let t1 = 0;
	let t2 = 0;
	let t3 = 0;
	const device = async (clientId: string) => {
		const client = await connectClient(broker.url, {clientId, protocolVersion: 4});
		clients.push(client);
		await logged(broker.logPath, ` as ${clientId} `);
		return client;
	};

	const listAt = (time: string, ...extra: string[]) =>
		runCli(['list', '--at', time, '--log-file', broker.logPath, '-p', String(broker.port), ...extra]);

	const onlineAt = async (time: string) => {
		const result = await listAt(time, '--json');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		return (JSON.parse(result.stdout) as Row[]).filter((row) => row.status === 'online').map((row) => row.clientId);
	};

	beforeAll(async () => {
		broker = await startMosquitto({dynsec: false, logTopic: false});
		// Mosquitto stamps whole seconds: each recorded moment has more than a second of quiet on both sides.
		const a = await device('tt-A');
		await a.subscribeAsync('tt/a');
		await device('tt-B');
		await sleep(1300);
		t1 = Date.now();
		await sleep(1300);
		await a.endAsync();
		await logged(broker.logPath, 'Client tt-A disconnected');
		await device('tt-C');
		await sleep(1300);
		t2 = Date.now();
		await sleep(1300);
		renameSync(broker.logPath, `${broker.logPath}.1`);
		process.kill(mosquittoPid(broker), 'SIGHUP');
		await eventually(() => existsSync(broker.logPath), 'the broker to reopen its log');
		const d = await device('tt-D');
		await d.endAsync();
		await logged(broker.logPath, 'Client tt-D disconnected');
		await sleep(1300);
		t3 = Date.now();
	}, 60_000);

	afterAll(async () => {
		for (const client of clients) client.end(true);
		await broker?.stop();
	});

	test('at T1 exactly A and B were online, as ISO 8601 with a zone; A with its subscription', async () => {
		expect((await onlineAt(new Date(t1).toISOString())).sort()).toEqual(['tt-A', 'tt-B']);
		const rows = JSON.parse((await listAt(new Date(t1).toISOString(), '--json')).stdout) as Row[];
		expect(rows.find((row) => row.clientId === 'tt-A')?.subscriptions).toEqual([{topic: 'tt/a', qos: 0}]);
	});

	test('at T2 exactly B and C, read from the rotated file, in Unix seconds', async () => {
		expect(readFileSync(broker.logPath, 'utf8')).not.toContain('as tt-C ');
		expect((await onlineAt((t2 / 1000).toFixed(3))).sort()).toEqual(['tt-B', 'tt-C']);
	});

	test('after the rotation the events of the new file apply on top of the old one', async () => {
		expect((await onlineAt(new Date(t3).toISOString())).sort()).toEqual(['tt-B', 'tt-C']);
		const relative = await onlineAt('-0s');
		expect(relative.sort()).toEqual(['tt-B', 'tt-C']);
	});

	test('the filter and CSV work on the past as on the present', async () => {
		const result = await listAt(new Date(t1).toISOString(), '--csv', '--filter', 'id:tt-A');
		expect(result.code).toBe(0);
		const lines = result.stdout.trim().split('\n');
		expect(lines[0]).toMatch(/^clientId,username,address/);
		expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['tt-A']);
	});

	test('a time before the log begins: one line saying where it begins, exit 10', async () => {
		const result = await listAt('-1d');
		expect(result.code).toBe(10);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(result.stderr).toMatch(
			/^mqtt-top: --at .* is before the log: the log begins at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(.*mosquitto\.log\.1\)\n$/,
		);
	});

	test('a time in the future and a bad time are refused', async () => {
		const future = await listAt('2999-01-01T00:00Z');
		expect(future.code).toBe(10);
		expect(future.stderr).toMatch(/^mqtt-top: --at .* is in the future/);
		const bad = await listAt('soon');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/^mqtt-top: --at: 'soon' is not a time/);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
	});
});

describe('the monitor in history', () => {
	let broker: TestBroker;
	const terminal = new Terminal();
	// Minutes of history, longer than a test may wait for: Mosquitto 2.0.11's lines, stamped in the past.
	const base = Math.floor(Date.now() / 1000) - 600;
	const stamp = (s: number, message: string) => `${base + s}: ${message}\n`;
	const connectLine = (s: number, id: string, port: number) =>
		stamp(s, `New client connected from 127.0.0.1:${port} as ${id} (p2, c1, k60).`);

	beforeAll(async () => {
		requireBuiltCli();
		broker = await startMosquitto({dynsec: false, logTopic: false});
		const history = path.join(broker.dir, 'history.log');
		writeFileSync(
			history,
			stamp(0, 'mosquitto version 2.0.11 starting') +
				connectLine(10, 'h-A', 41001) +
				connectLine(20, 'h-B', 41002) +
				stamp(150, 'Client h-A disconnected.') +
				connectLine(160, 'h-C', 41003),
		);
		terminal.start(100, 30);
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.command(`node ${cli} -p ${broker.port} -h 127.0.0.1 --log-file ${history} --at ${base + 60}`);
	}, 30_000);

	afterAll(async () => {
		terminal.kill();
		await broker?.stop();
	});

	test('--at opens on the moment, says HISTORY, ] moves a minute forward, K is refused, Esc goes live', async () => {
		let screen = await terminal.waitFor('the history table', (s) => s.includes('HISTORY') && s.includes('h-B'), 20_000);
		expect(screen).toMatch(/HISTORY \d{4}-\d\d-\d\d \d\d:\d\d:\d\d +not live; \[ back, \] forward a minute, Esc live/);
		expect(rowsWithStatus(screen, 'online')).toEqual(['h-A', 'h-B']);
		expect(screen).toContain('sort: change time');

		terminal.type(']');
		terminal.type(']');
		screen = await terminal.waitFor('two minutes later', (s) => s.includes('h-C') && !/h-A\s.*online/.test(s), 10_000);
		expect(rowsWithStatus(screen, 'online')).toEqual(['h-B', 'h-C']);
		expect(screen).toContain('HISTORY');
		// h-A left and h-C came within the minute around the moment: marked.
		expect(screen).toMatch(/\+ h-C/);

		terminal.type('K');
		screen = await terminal.waitFor('the refusal', (s) => s.includes('kick is off in history'));
		expect(screen).not.toContain('Kick?');

		terminal.key('Escape');
		screen = await terminal.waitFor('the live table', (s) => !s.includes('HISTORY') && s.includes('Client ID▲'), 10_000);
		expect(screen).toMatch(/connected \d+ \(broker\)/);
		terminal.type('q');
		await terminal.waitFor('the shell prompt again', (s) => s.trimEnd().endsWith('e2e$'));
	}, 60_000);
});

describe('without a log file: what the monitor recorded', () => {
	let broker: TestBroker;
	const terminal = new Terminal();
	const state = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-state-'));
	const clients: MqttClient[] = [];

	beforeAll(async () => {
		requireBuiltCli();
		broker = await startMosquitto({dynsec: false, logFile: false, logPath: '/nonexistent/mosquitto.log'});
		terminal.start(100, 30, {XDG_STATE_HOME: state});
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
	}, 30_000);

	afterAll(async () => {
		terminal.kill();
		for (const client of clients) client.end(true);
		await broker?.stop();
	});

	test('list --at reads the journal the monitor kept ($SYS/broker/log only), 0600', async () => {
		const flags = `-h 127.0.0.1 -p ${broker.port} --no-log-file`;
		terminal.command(`node ${cli} ${flags}`);
		await terminal.waitFor('the monitor', (s) => s.includes('Client ID▲') && /connected \d+ \(broker\)/.test(s), 20_000);
		const a = await connectClient(broker.url, {clientId: 'j-A', protocolVersion: 4});
		clients.push(a);
		await terminal.waitFor('j-A', (s) => s.includes('j-A'));
		await sleep(1300);
		const t1 = Date.now();
		await sleep(1300);
		await a.endAsync();
		clients.push(await connectClient(broker.url, {clientId: 'j-B', protocolVersion: 4}));
		await terminal.waitFor('j-B', (s) => s.includes('j-B'));
		terminal.type('q');
		await terminal.waitFor('the shell prompt again', (s) => s.trimEnd().endsWith('e2e$'));

		const journal = path.join(state, 'mqtt-top', 'history', `127.0.0.1_${broker.port}.jsonl`);
		expect(statSync(journal).mode & 0o777).toBe(0o600);
		const env = {XDG_STATE_HOME: state};
		const args = ['list', '-h', '127.0.0.1', '-p', String(broker.port), '--no-log-file', '--json', '--at'];
		const then = await runCli([...args, new Date(t1).toISOString()], {env});
		expect(then.stderr).toBe('');
		expect(then.code).toBe(0);
		expect((JSON.parse(then.stdout) as Row[]).filter((row) => row.status === 'online').map((row) => row.clientId)).toEqual(['j-A']);
		const later = await runCli([...args, '-0s'], {env});
		expect((JSON.parse(later.stdout) as Row[]).filter((row) => row.status === 'online').map((row) => row.clientId)).toEqual(['j-B']);
		const before = await runCli([...args, '-1d'], {env});
		expect(before.code).toBe(10);
		expect(before.stderr).toMatch(/before the log: the log begins at .*recorded by the monitor/);
	}, 60_000);
});
