// Queued messages, live: RabbitMQ's queue depth for subscribers that stopped reading (one
// disconnected with a persistent session, one frozen with SIGSTOP while connected), through the
// built CLI's `list` and the monitor in tmux; and Mosquitto, which has no per-session queues, with
// no Queued column at all. Fails loudly when either broker is missing.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {connectClient, eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {startRabbitMQ, type TestRabbit} from '../support/rabbitmq.js';
import {cli, requireBuiltCli, Terminal} from '../support/terminal.js';

type Row = {node: string; clientId: string; status: string; queued: number | null};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const published = 25;
const squash = (text: string) => text.replace(/\s+/g, ' ');

/**
 * A subscriber in its own process, so that SIGSTOP freezes it the way a hung device is: connected,
 * reading nothing, acknowledging nothing. Keep-alive off, so the broker does not drop it meanwhile.
 */
function startSubscriber(url: string, clientId: string, filter: string): Promise<ChildProcess> {
	const script = `
		const mqtt = require('mqtt');
		const client = mqtt.connect(${JSON.stringify(url)}, {clientId: ${JSON.stringify(clientId)}, clean: false, keepalive: 0, reconnectPeriod: 0, protocolVersion: 4});
		client.on('connect', () => client.subscribe(${JSON.stringify(filter)}, {qos: 1}, (error) => console.log(error ? 'failed ' + error.message : 'subscribed')));
		client.on('error', (error) => console.log('failed ' + error.message));`;
	const child = spawn(process.execPath, ['-e', script], {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
	return new Promise((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (data: Buffer) => {
			output += data.toString();
			if (output.includes('subscribed')) resolve(child);
			if (output.includes('failed')) reject(new Error(`subscriber ${clientId}: ${output.trim()}`));
		});
		child.once('exit', (code) => reject(new Error(`subscriber ${clientId} exited (${code}): ${output.trim()}`)));
	});
}

/** What RabbitMQ's own API says a queue holds (ready plus unacknowledged). */
async function queueDepth(rabbit: TestRabbit, queue: string): Promise<number | undefined> {
	const answer = await rabbit.api('GET', `/api/queues/%2F/${encodeURIComponent(queue)}`);
	const messages = (answer.body as {messages?: unknown} | undefined)?.messages;
	return typeof messages === 'number' ? messages : undefined;
}

describe('queued messages', () => {
	let mosquitto: TestBroker;
	let rabbit: TestRabbit;
	let dir: string;
	let frozen: ChildProcess | undefined;
	const terminal = new Terminal();

	beforeAll(async () => {
		findBinary('tmux');
		requireBuiltCli();
		[mosquitto, rabbit] = await Promise.all([startMosquitto({version: '2.0'}), startRabbitMQ()]);
		await mosquitto.createUser('alice', 'alice-pw');
		dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-queued-'));

		// One persistent subscriber that went away, one that hangs while connected, one that reads.
		const sleeper = await connectClient(rabbit.mqttUrl, {clientId: 'sleeper', clean: false, protocolVersion: 4});
		await sleeper.subscribeAsync('plant/+/alarm', {qos: 1});
		await sleeper.endAsync();
		frozen = await startSubscriber(rabbit.mqttUrl, 'frozen', 'plant/+/alarm');
		frozen.kill('SIGSTOP');
		const reader = await connectClient(rabbit.mqttUrl, {clientId: 'reader', clean: true, protocolVersion: 4});
		await reader.subscribeAsync('plant/+/alarm', {qos: 1});
		const publisher = await connectClient(rabbit.mqttUrl, {clientId: 'publisher', protocolVersion: 4});
		for (let i = 0; i < published; i++) await publisher.publishAsync('plant/7/alarm', `alarm ${i}`, {qos: 1});
		await publisher.endAsync();
		// The management API's counts lag by its statistics interval (1 s here).
		await eventually(
			async () =>
				(await queueDepth(rabbit, 'mqtt-subscription-sleeperqos1')) === published &&
				(await queueDepth(rabbit, 'mqtt-subscription-frozenqos1')) === published &&
				(await queueDepth(rabbit, 'mqtt-subscription-readerqos1')) === 0,
			`RabbitMQ reporting ${published} messages queued for sleeper and frozen, none for reader`,
			30_000,
		);
	}, 120_000);

	afterAll(async () => {
		terminal.kill();
		if (frozen && frozen.exitCode === null) {
			frozen.kill('SIGCONT');
			frozen.kill('SIGKILL');
		}

		await Promise.all([mosquitto?.stop(), rabbit?.stop()]);
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	const rabbitArgs = () => [
		'--broker-type',
		'rabbitmq',
		'-h',
		'127.0.0.1',
		'-p',
		String(rabbit.mqttPort),
		'--api-url',
		rabbit.apiUrl,
		'-u',
		rabbit.admin.username,
	];
	const rabbitEnv = () => ({MQTT_TOP_PASSWORD: rabbit.admin.password, XDG_STATE_HOME: path.join(dir, 'state')});

	it('list --json on RabbitMQ: queued is what RabbitMQ reports for each subscription queue', async () => {
		const result = await runCli([...rabbitArgs(), 'list', '--json', '--wait', '2'], {env: rabbitEnv()});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const rows = JSON.parse(result.stdout) as Row[];
		const byId = new Map(rows.map((r) => [r.clientId, r]));
		// Asserted against the broker's own figures, which the set-up saw reach these values.
		expect(await queueDepth(rabbit, 'mqtt-subscription-sleeperqos1')).toBe(published);
		expect(byId.get('sleeper')).toMatchObject({status: 'offline', queued: published});
		expect(byId.get('frozen')).toMatchObject({status: 'online', queued: published});
		expect(byId.get('reader')).toMatchObject({status: 'online', queued: 0});

		const csv = await runCli([...rabbitArgs(), 'list', '--csv', '--wait', '2', '--filter', 'queued:>0'], {env: rabbitEnv()});
		expect(csv.code).toBe(0);
		const lines = csv.stdout.trim().split('\n');
		expect(lines[0].split(',').at(-1)).toBe('queued');
		expect(lines.slice(1).map((line) => [line.split(',')[0], line.split(',').at(-1)])).toEqual([
			['frozen', String(published)],
			['sleeper', String(published)],
		]);
	}, 60_000);

	it('the monitor on RabbitMQ: a Queued column, its count in the detail, what it counts in the help', async () => {
		terminal.start(100, 30, rabbitEnv());
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.command(`node ${cli} ${rabbitArgs().join(' ')} --refresh 1`);
		const screen = await terminal.waitFor(
			'the frozen subscriber with its queue',
			(s) => s.includes('Client ID▲') && new RegExp(`frozen .* ${published} +online`).test(s) && s.includes('sleeper'),
			30_000,
		);
		// 100 columns are narrow enough for the short titles.
		expect(screen).toMatch(/Subs +Queue +Status/);
		expect(screen).toMatch(/reader .* 0 +online/);
		// The persistent session whose client went away keeps its queue, and shows it.
		expect(screen).toMatch(new RegExp(`sleeper .* ${published} +offline`));

		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		terminal.type('queued:>0 id:frozen');
		terminal.key('Enter');
		await terminal.waitFor('only the frozen row', (s) => s.includes('frozen ') && !s.includes('sleeper') && !s.includes('reader'));
		terminal.key('Enter');
		const detail = await terminal.waitFor('the detail', (s) => s.includes('Queued'));
		expect(squash(detail)).toContain(`Queued ${published} · messages in the client's subscription queues`);
		terminal.key('Escape');
		await terminal.waitFor('the table again', (s) => s.includes('Client ID▲'));

		terminal.resize(100, 60);
		terminal.type('?');
		await terminal.waitFor('the help', (s) => s.includes('mqtt-top keys'));
		terminal.type('G');
		const help = await terminal.waitFor('the help on queued messages', (s) => s.includes('Queued messages'));
		expect(squash(help)).toContain('Counts messages in the client');
		terminal.type('?');
		terminal.type('q');
		await terminal.waitFor('the shell again', (s) => s.trimEnd().endsWith('e2e$'), 15_000);
		terminal.kill();
	}, 120_000);

	it('Mosquitto only: no Queued column, the help says why, and list gives null', async () => {
		const client = await connectClient(mosquitto.url, {
			clientId: 'mosq-dev',
			username: 'alice',
			password: 'alice-pw',
			clean: false,
			protocolVersion: 4,
		});
		await client.subscribeAsync('plant/+/alarm', {qos: 1});
		const args = ['-h', '127.0.0.1', '-p', String(mosquitto.port), '-u', 'admin', '--log-file', mosquitto.logPath];
		const env = {MQTT_TOP_PASSWORD: mosquitto.admin.password, XDG_STATE_HOME: path.join(dir, 'state')};
		try {
			const listed = await runCli([...args, 'list', '--json', '--wait', '1'], {env});
			expect(listed.code).toBe(0);
			expect((JSON.parse(listed.stdout) as Row[]).find((r) => r.clientId === 'mosq-dev')).toMatchObject({queued: null});
			const table = await runCli([...args, 'list', '--wait', '1'], {env});
			expect(table.stdout).toContain('mosq-dev');
			expect(table.stdout).not.toMatch(/queued/i);

			const mosquittoTerminal = new Terminal();
			try {
				mosquittoTerminal.start(80, 24, env);
				await mosquittoTerminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
				mosquittoTerminal.command(`node ${cli} ${args.join(' ')}`);
				const screen = await mosquittoTerminal.waitFor(
					'the table with the device',
					(s) => s.includes('Client ID▲') && s.includes('mosq-dev'),
				);
				expect(screen).not.toMatch(/Queue/);
				mosquittoTerminal.resize(100, 60);
				mosquittoTerminal.type('?');
				await mosquittoTerminal.waitFor('the help', (s) => s.includes('mqtt-top keys'));
				mosquittoTerminal.type('G');
				const help = await mosquittoTerminal.waitFor('the help on queued messages', (s) => s.includes('Queued messages'));
				expect(squash(help)).toContain(
					'No Queued column: Mosquitto does not expose per-session queue depth: $SYS/broker/store/messages/count is one total for the whole broker',
				);
			} finally {
				mosquittoTerminal.kill();
			}
		} finally {
			client.end(true);
		}
	}, 90_000);

	it('a mixed fleet lists queued for RabbitMQ sessions and null for Mosquitto ones', async () => {
		const client = await connectClient(mosquitto.url, {
			clientId: 'mosq-mixed',
			username: 'alice',
			password: 'alice-pw',
			protocolVersion: 4,
		});
		const file = path.join(dir, 'brokers.toml');
		writeFileSync(
			file,
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
		try {
			const result = await runCli(['--brokers', file, 'list', '--json', '--wait', '2'], {env: {XDG_STATE_HOME: path.join(dir, 'state')}});
			expect(result.code).toBe(0);
			const rows = JSON.parse(result.stdout) as Row[];
			expect(rows.find((r) => r.clientId === 'mosq-mixed')).toMatchObject({node: 'mosq', queued: null});
			expect(rows.find((r) => r.clientId === 'frozen')).toMatchObject({node: 'rabbit', queued: published});
			const table = await runCli(['--brokers', file, 'list', '--wait', '2'], {env: {XDG_STATE_HOME: path.join(dir, 'state')}});
			expect(table.stdout).toMatch(/queued/);
		} finally {
			client.end(true);
		}
	}, 60_000);
});
