// Alerts as the operator sees them in the monitor: the built CLI in tmux against a real Mosquitto.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {connectClient, eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {cli, requireBuiltCli, Terminal} from '../support/terminal.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
});

beforeAll(() => {
	findBinary('tmux');
	requireBuiltCli();
});

async function broker(): Promise<TestBroker> {
	const started = await startMosquitto();
	cleanups.push(() => started.stop());
	await started.createUser('dev', 'dev-pw');
	return started;
}

async function device(target: TestBroker, clientId: string): Promise<MqttClient> {
	const client = await connectClient(target.url, {clientId, username: 'dev', password: 'dev-pw', reconnectPeriod: 0});
	client.removeAllListeners('error');
	client.on('error', () => {});
	cleanups.push(() => client.endAsync(true));
	return client;
}

function monitor(target: TestBroker, flags: string, columns = 120, rows = 30): {term: Terminal; dir: string} {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-alerts-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	const term = new Terminal();
	cleanups.push(() => term.kill());
	term.start(columns, rows);
	term.command(
		`MQTT_TOP_PASSWORD='${target.admin.password}' node ${cli} -h 127.0.0.1 -p ${target.port} -u admin --refresh 0.5 --log-file ${target.logPath} --audit-log ${dir}/audit.log ${flags}`,
	);
	return {term, dir};
}

function logged(dir: string): Array<Record<string, string>> {
	// Whole lines only: one may be half written while the test reads.
	return readFileSync(path.join(dir, 'alerts.log'), 'utf8')
		.split('\n')
		.filter((line) => line.endsWith('}'))
		.map((line) => JSON.parse(line) as Record<string, string>);
}

/** The alert log once it has a line: it is appended just after the screen is told. */
async function loggedSoon(dir: string): Promise<Array<Record<string, string>>> {
	const lines = await eventually(() => {
		const found = existsSync(path.join(dir, 'alerts.log')) ? logged(dir) : [];
		return found.length > 0 ? found : undefined;
	}, 'the alert log line');
	return lines!;
}

describe('alerts in the monitor (real Mosquitto, tmux)', () => {
	it('a client that leaves shows in the banner within a second; A lists it; the alert log keeps it', async () => {
		const target = await broker();
		const leaver = await device(target, 'leaver');
		await device(target, 'stays');
		const {term, dir} = monitor(target, "--alert 'down:id:leaver'");
		await term.waitFor(
			'the table with both clients, the log file replayed',
			(s) => s.includes('Client ID▲') && s.includes('leaver') && s.includes('stays') && s.includes('· following'),
		);
		// Rules are armed at the first comparison after the replay (every 200 ms).
		await new Promise((r) => setTimeout(r, 500));
		// Clients already online at start are the starting point: nothing fired.
		expect(term.screen()).not.toContain('alerts, A to list');

		// Timed from the moment the broker's disconnect line is in its log file to the alert's own
		// time (the monitor stamps it as it fires); the screen is read without a clock, as a busy
		// tmux slows the monitor's terminal writes, not its alerts.
		await leaver.endAsync();
		let lineAt: number | undefined;
		const deadline = Date.now() + 5000;
		while (lineAt === undefined && Date.now() < deadline) {
			if (readFileSync(target.logPath, 'utf8').includes('Client leaver disconnected')) lineAt = Date.now();
			else await new Promise((r) => setTimeout(r, 10));
		}

		expect(lineAt).toBeDefined();
		const screen = await term.waitFor('the banner', (s) => s.includes('⚠ 1 alert, A to list'), 5000);
		const [fired] = await loggedSoon(dir);
		const firedAt = Date.parse(fired.time);
		expect(firedAt - lineAt!).toBeLessThan(1000);
		const banner = screen.split('\n').find((line) => line.includes('A to list'))!;
		expect(banner).toMatch(
			/⚠ 1 alert, A to list · \d\d:\d\d:\d\d down:id:leaver: leaver on 127\.0\.0\.1:\d+: disconnected: sent DISCONNECT/,
		);
		// The banner is the line right under the header, above the table heading.
		const lines = screen.split('\n');
		expect(lines.findIndex((line) => line.includes('A to list'))).toBe(lines.findIndex((line) => line.includes('Client ID▲')) - 1);

		term.type('A');
		const view = await term.waitFor('the alerts view', (s) => s.includes('Alerts: 1, newest first'));
		expect(view).toContain(`kept in ${dir}/alerts.log`);
		expect(view).toContain('Rules: down:id:leaver');
		expect(view).toMatch(/\d\d:\d\d:\d\d {2}down:id:leaver {2}leaver on 127\.0\.0\.1:\d+/);
		term.key('Escape');
		await term.waitFor('the table again', (s) => s.includes('Client ID▲'));

		expect(logged(dir)).toEqual([
			expect.objectContaining({rule: 'down:id:leaver', kind: 'down', clientId: 'leaver', username: 'dev', address: '127.0.0.1'}),
		]);
		term.type('q');
	});

	it('w watches the selected client: shown in the header and detail, and its disconnect fires the watch rule', async () => {
		const target = await broker();
		const watched = await device(target, 'watch me "now"');
		const other = await device(target, 'other');
		const {term, dir} = monitor(target, '--no-bell');
		await term.waitFor('the table', (s) => s.includes('Client ID▲') && s.includes('watch me') && s.includes('· following'));
		await new Promise((r) => setTimeout(r, 500));
		term.type('/');
		await term.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		term.type('id:watch');
		term.key('Enter');
		await term.waitFor('the filtered table', (s) => !s.includes(' other ') && s.includes('watch me'));
		term.type('w');
		const watching = await term.waitFor('the watch notice', (s) => s.includes('watching watch me "now": an alert when it goes offline'));
		expect(watching).toContain('no alerts yet · watching 1');
		// w again stops, and once more watches again.
		term.type('w');
		const stopped = await term.waitFor('the watch stopped', (s) => s.includes('stopped watching watch me "now"'));
		expect(stopped).not.toContain('watching 1');
		term.type('w');
		await term.waitFor('the watch again', (s) => s.includes('no alerts yet · watching 1'));
		term.key('Enter');
		await term.waitFor('the detail', (s) => s.includes('watched: an alert fires when this client goes offline (w stops watching)'));
		term.key('Escape');

		// Another client leaving is not watched.
		await other.endAsync();
		await new Promise((r) => setTimeout(r, 800));
		expect(term.screen()).toContain('no alerts yet · watching 1');

		await watched.endAsync();
		const screen = await term.waitFor('the watch alert', (s) => s.includes('⚠ 1 alert, A to list · watching 1'));
		expect(screen).toMatch(/down:id:"watch me \\"now\\"" node:127\.0\.0\.1:\d+: watch me "now" on/);
		const [alert] = await loggedSoon(dir);
		expect(alert).toMatchObject({
			kind: 'down',
			clientId: 'watch me "now"',
			rule: `down:id:"watch me \\"now\\"" node:127.0.0.1:${target.port}`,
		});

		term.type('q');
	});
});
