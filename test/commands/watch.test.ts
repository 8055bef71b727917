// `mqtt-top watch`: the built CLI against a real Mosquitto, as systemd or a pipe would run it.
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli, startCli, type RunningCli} from '../support/cli.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {requireBuiltCli} from '../support/terminal.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
});

beforeAll(() => requireBuiltCli());

function tempDir(): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-watch-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

async function broker(): Promise<TestBroker> {
	const started = await startMosquitto();
	cleanups.push(() => started.stop());
	await started.createUser('dev', 'dev-pw');
	return started;
}

async function device(target: TestBroker, clientId: string, reconnectPeriod = 0): Promise<MqttClient> {
	const client = await connectClient(target.url, {clientId, username: 'dev', password: 'dev-pw', reconnectPeriod});
	client.removeAllListeners('error');
	client.on('error', () => {});
	cleanups.push(() => client.endAsync(true));
	return client;
}

function watch(target: TestBroker, dir: string, args: string[]): RunningCli {
	const running = startCli(
		[
			'watch',
			'-h',
			'127.0.0.1',
			'-p',
			String(target.port),
			'-u',
			'admin',
			'--log-file',
			target.logPath,
			'--audit-log',
			path.join(dir, 'audit.log'),
			...args,
		],
		{env: {MQTT_TOP_PASSWORD: target.admin.password}},
	);
	cleanups.push(() => {
		try {
			process.kill(running.pid, 'SIGKILL');
		} catch {
			// Already exited.
		}
	});
	return running;
}

/** The watch is baselined once its first node is connected and its log replayed: it says so on stderr. */
async function watching(running: RunningCli): Promise<void> {
	await eventually(() => running.stderr().includes('watching') || undefined, 'the watch to start', 10_000);
}

describe('mqtt-top watch (real Mosquitto, built CLI)', () => {
	it('refuses to run without a rule, and names a bad rule in one line (exit 2)', async () => {
		const none = await runCli(['watch', '-h', '127.0.0.1', '-p', '1']);
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/^mqtt-top: watch needs at least one rule: --alert/);
		expect(none.stderr.trim().split('\n')).toHaveLength(1);

		const bad = await runCli(['watch', '--alert', 'down:address:10.0.0.0/99', '-h', '127.0.0.1', '-p', '1']);
		expect(bad.code).toBe(2);
		expect(bad.stderr.trim()).toBe(
			"mqtt-top: --alert 'down:address:10.0.0.0/99': down: address: '10.0.0.0/99' is not a CIDR block (e.g. 10.0.0.0/8 or fd00::/8)",
		);

		const kind = await runCli(['watch', '--alert', 'gone:id:x', '-h', '127.0.0.1', '-p', '1']);
		expect(kind.code).toBe(2);
		expect(kind.stderr).toMatch(/^mqtt-top: --alert 'gone:id:x': not a rule: use down:FILTER/);

		const elsewhere = await runCli(['list', '--alert', 'count<3', '-h', '127.0.0.1', '-p', '1']);
		expect(elsewhere.code).toBe(2);
		expect(elsewhere.stderr).toContain('--alert and --alert-log are for the monitor and watch');
	});

	it('--exit-on-alert: a client that leaves prints one line within a second and exits 9; the alert log has it', async () => {
		const target = await broker();
		const dir = tempDir();
		const gateway = await device(target, 'gw 01 "north"');
		await device(target, 'bystander');
		const running = watch(target, dir, ['--alert', 'down:id:"gw 01"', '--exit-on-alert']);
		await watching(running);

		const left = Date.now();
		await gateway.endAsync();
		const result = await running.done;
		const elapsed = Date.now() - left;

		expect(result.code).toBe(9);
		const lines = result.stdout.trim().split('\n');
		expect(lines).toHaveLength(1);
		const [time, rule, client, node, detail] = lines[0].split('\t');
		expect(new Date(time).toISOString()).toBe(time);
		expect(rule).toBe('down:id:"gw 01"');
		expect(client).toBe('gw 01 "north"');
		expect(node).toBe(`127.0.0.1:${target.port}`);
		expect(detail).toBe('disconnected: sent DISCONNECT');
		// The broker logs the disconnect as it closes the socket; the line must follow within a second.
		expect(elapsed).toBeLessThan(1000);

		const logFile = path.join(dir, 'alerts.log');
		const logged = readFileSync(logFile, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as Record<string, string>);
		expect(logged).toEqual([
			{
				time,
				rule: 'down:id:"gw 01"',
				kind: 'down',
				node: `127.0.0.1:${target.port}`,
				clientId: 'gw 01 "north"',
				username: 'dev',
				address: '127.0.0.1',
				detail,
			},
		]);
		expect(statSync(logFile).mode & 0o777).toBe(0o600);
	});

	it('up:-address: fires for a real client outside the block and not inside it; --json prints JSON lines; SIGTERM exits 0', async () => {
		const target = await broker();
		const dir = tempDir();
		const running = watch(target, dir, ['--alert', 'up:-address:10.0.0.0/8', '--alert', 'up:-address:127.0.0.0/8', '--json']);
		await watching(running);
		await device(target, 'from-loopback');
		const line = await eventually(
			() =>
				running
					.stdout()
					.split('\n')
					.find((l) => l.includes('from-loopback')),
			'the up alert',
		);
		expect(JSON.parse(line!) as unknown).toMatchObject({
			rule: 'up:-address:10.0.0.0/8',
			kind: 'up',
			clientId: 'from-loopback',
			address: '127.0.0.1',
		});
		await new Promise((r) => setTimeout(r, 500));
		// Every test client connects from loopback: the rule that excludes 127.0.0.0/8 never fires.
		expect(running.stdout()).not.toContain('127.0.0.0/8');

		process.kill(running.pid, 'SIGTERM');
		const result = await running.done;
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(1);
	});

	it("several brokers, one of them down at start: its link alert is printed, the other one's client fires and ends the watch", async () => {
		const up = await startMosquitto({dynsec: false});
		cleanups.push(() => up.stop());
		const down = await startMosquitto({dynsec: false});
		cleanups.push(() => down.stop());
		await down.kill();
		const dir = tempDir();
		const running = startCli(
			[
				'watch',
				'-L',
				up.url,
				'-L',
				down.url,
				'--audit-log',
				path.join(dir, 'audit.log'),
				'--alert',
				'down:id:fleet-dev',
				'--exit-on-alert',
			],
			{},
		);
		cleanups.push(() => {
			try {
				process.kill(running.pid, 'SIGKILL');
			} catch {
				// Already exited.
			}
		});
		await eventually(
			() => running.stderr().includes(`watching node 127.0.0.1:${up.port}`) || undefined,
			'the up node to be watched',
			15_000,
		);
		// Without a log file a client is known from its connect on: it connects after the watch began.
		const client = await connectClient(up.url, {clientId: 'fleet-dev', reconnectPeriod: 0});
		await eventually(() => readFileSync(up.logPath, 'utf8').includes('New client connected from 127.0.0.1') || undefined, 'the connect');
		await new Promise((r) => setTimeout(r, 400));
		await client.endAsync();
		const result = await running.done;
		expect(result.code).toBe(9);
		const lines = result.stdout.trim().split('\n');
		expect(lines[0]).toMatch(new RegExp(`\tlink\t-\t127\\.0\\.0\\.1:${down.port}\tmqtt-top lost its link to the node: `));
		expect(lines.at(-1)).toMatch(new RegExp(`\tdown:id:fleet-dev\tfleet-dev\t127\\.0\\.0\\.1:${up.port}\tdisconnected`));
		expect(result.stderr).toContain(`node 127.0.0.1:${down.port}: not connected`);
	}, 40_000);

	it('an alert log that cannot be written: every alert still printed, one warning on stderr', async () => {
		const target = await broker();
		const dir = tempDir();
		const running = watch(target, dir, ['--alert', 'up:id:dev-', '--alert-log', dir]);
		await watching(running);
		await device(target, 'dev-1');
		await device(target, 'dev-2');
		await eventually(() => running.stdout().includes('dev-2') || undefined, 'both alerts');
		process.kill(running.pid, 'SIGTERM');
		const result = await running.done;
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n')).toHaveLength(2);
		const warnings = result.stderr.split('\n').filter((line) => line.includes('alert log'));
		expect(warnings).toEqual([`mqtt-top: cannot write the alert log ${dir} (it is a directory): alerts are not kept after this session`]);
	});

	it('count<N across a broker restart: the link loss says the count is unknown, the low count after the restart fires, and it re-arms', async () => {
		const target = await broker();
		const dir = tempDir();
		// Mosquitto's count includes the watch's own connection: 1 + 3 devices.
		for (const id of ['c1', 'c2', 'c3']) await device(target, id);
		const running = watch(target, dir, ['--alert', 'count<3', '--alert-log', path.join(dir, 'own-alerts.log')]);
		await watching(running);
		await new Promise((r) => setTimeout(r, 1500));
		expect(running.stdout()).toBe('');

		await target.kill();
		const lost = await eventually(
			() =>
				running
					.stdout()
					.split('\n')
					.find((l) => l.includes('\tlink\t')),
			'the link-lost alert',
			10_000,
		);
		expect(lost).toContain('connected count unknown until it is back (count<3 not checked)');
		expect(lost).not.toMatch(/\b0 connected/);

		await target.start();
		// The devices do not reconnect: the restarted broker counts only the watch.
		const low = await eventually(
			() =>
				running
					.stdout()
					.split('\n')
					.find((l) => l.includes('\tcount<3\t')),
			'the count alert',
			20_000,
		);
		expect(low).toMatch(/\t1 connected \(the broker’s count\), below 3$/);
		expect(running.stdout()).toContain('mqtt-top reached the node again');

		// Back at 4, then down to 2: fires a second time.
		const again = await Promise.all(['c4', 'c5', 'c6'].map((id) => device(target, id)));
		await eventually(() => running.stderr().includes('connected') || undefined, 'the link status on stderr');
		await new Promise((r) => setTimeout(r, 2500));
		await again[0].endAsync();
		await again[1].endAsync();
		await eventually(
			() =>
				running
					.stdout()
					.split('\n')
					.filter((l) => l.includes('\tcount<3\t')).length === 2 || undefined,
			'the second count alert',
			10_000,
		);

		process.kill(running.pid, 'SIGTERM');
		const result = await running.done;
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/node 127\.0\.0\.1:\d+: not connected/);
		const kinds = readFileSync(path.join(dir, 'own-alerts.log'), 'utf8')
			.trim()
			.split('\n')
			.map((line) => (JSON.parse(line) as {kind: string}).kind);
		expect(kinds).toEqual(['link-lost', 'link-back', 'count', 'count']);
	}, 60_000);
});
