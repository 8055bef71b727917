// What the operator sees in the monitor when the broker dies for a while or another monitor takes
// its client ID: the built CLI in tmux against a real Mosquitto.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {connectClient, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {cli, requireBuiltCli, rowsWithStatus, Terminal} from '../support/terminal.js';

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

function terminal(columns = 130, rows = 40): Terminal {
	const term = new Terminal();
	cleanups.push(() => term.kill());
	term.start(columns, rows);
	return term;
}

function monitorCommand(target: TestBroker, flags: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-faults-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	return `MQTT_TOP_PASSWORD='${target.admin.password}' node ${cli} -h 127.0.0.1 -p ${target.port} -u admin --refresh 0.5 --audit-log ${dir}/audit.log ${flags}`;
}

async function device(target: TestBroker, clientId: string, reconnectPeriod = 0): Promise<MqttClient> {
	const client = await connectClient(target.url, {clientId, username: 'dev', password: 'dev-pw', reconnectPeriod});
	// connectClient ends a client on its first error; one that reconnects must outlive refused attempts.
	client.removeAllListeners('error');
	client.on('error', () => {});
	cleanups.push(() => client.endAsync(true));
	return client;
}

const live = (screen: string) =>
	/connected \d+ \(broker\)/.test(screen) && !screen.includes('⚠ disconnected') && !screen.includes('⚠ reconnected');

describe('the monitor when the broker link fails (real Mosquitto, tmux)', () => {
	it('kill -9 with 30 s down: says so within a second, shows rows stale, refuses kicks, then resyncs and shows only what is true', async () => {
		const target = await broker();
		await device(target, 'dies-with-broker');
		await device(target, 'comes-back', 300);
		const term = terminal();
		term.command(monitorCommand(target, '--no-log-file -i ops-monitor'));
		// Without the log file, sessions older than the monitor are known once they act: these two subscribe.
		await term.waitFor('the monitor', live);
		const [dies, back] = await Promise.all([device(target, 'dies-later'), device(target, 'back-later', 300)]);
		await Promise.all([dies.subscribeAsync('x/1'), back.subscribeAsync('x/2')]);
		await term.waitFor('both devices online', (s) => rowsWithStatus(s, 'online').join() === 'back-later,dies-later');

		const killed = Date.now();
		await target.kill('SIGKILL');
		let screen = await term.waitFor('the header saying the link is down', (s) => s.includes('⚠ disconnected since'), 3000);
		expect(Date.now() - killed).toBeLessThan(1000);
		expect(screen).toMatch(/⚠ disconnected since \d\d:\d\d:\d\d: /);
		expect(screen).toContain('online rows are stale: last confirmed');
		expect(screen).toMatch(/connected \d+ \(broker, as of \d\d:\d\d:\d\d\)/);
		expect(rowsWithStatus(screen, 'online'), screen).toEqual([]);
		expect(rowsWithStatus(screen, 'stale'), screen).toEqual(['back-later', 'dies-later']);

		term.type('K');
		screen = await term.waitFor('the kick refused', (s) => s.includes('cannot kick: not connected to the broker'));
		expect(screen).not.toContain('Kick?');
		expect(screen).toContain('nothing was sent');

		// Down for 30 s: the monitor keeps saying so, and keeps trying.
		await new Promise((r) => setTimeout(r, 15_000));
		screen = term.screen();
		expect(screen).toMatch(/reconnecting (in \d+s|now…)/);
		expect(rowsWithStatus(screen, 'online')).toEqual([]);
		await new Promise((r) => setTimeout(r, 15_000));
		await target.start();

		// Live again only after the resync; the old process's sessions are not shown as live.
		screen = await term.waitFor('live again', live, 30_000);
		expect(rowsWithStatus(screen, 'online')).toEqual([]);
		expect(rowsWithStatus(screen, 'stale')).toEqual([]);
		// Both reconnecting devices came back before the monitor did: the broker counts them, the
		// table cannot list them, and the header says so.
		screen = await term.waitFor('the count warning', (s) => s.includes('⚠ table shows 0 online, broker says 2'), 15_000);
		expect(screen).toContain('unseen 2');
		expect(screen.replace(/\s+/g, ' ')).toContain(
			'2 connected without mqtt-top seeing them (before it started or while it was disconnected)',
		);
		const fresh = await device(target, 'after-restart');
		await fresh.subscribeAsync('x/3');
		await term.waitFor('a new device online', (s) => rowsWithStatus(s, 'online').join() === 'after-restart');
	}, 120_000);

	it('broker frozen (SIGSTOP) longer than the keep-alive: down within 1.5 × keep-alive, live again after SIGCONT', async () => {
		const target = await broker();
		const term = terminal();
		term.command(monitorCommand(target, '--no-log-file --keepalive 2'));
		await term.waitFor('the monitor', live);
		const steady = await device(target, 'steady');
		await steady.subscribeAsync('x/1');
		await term.waitFor('the device online', (s) => rowsWithStatus(s, 'online').join() === 'steady');

		const frozen = Date.now();
		target.signal('SIGSTOP');
		let screen = await term.waitFor('the half-open link seen down', (s) => s.includes('⚠ disconnected since'), 8000);
		expect(Date.now() - frozen).toBeLessThanOrEqual(1.5 * 2000 + 500);
		expect(screen.replace(/\s+/g, ' ')).toContain('no answer from the broker within 3 s (keep-alive 2 s)');
		expect(rowsWithStatus(screen, 'stale'), screen).toEqual(['steady']);
		await new Promise((r) => setTimeout(r, 4000));
		target.signal('SIGCONT');

		// Not a restart: the device the broker kept is online again once the monitor has resynced.
		screen = await term.waitFor('live again', (s) => live(s) && rowsWithStatus(s, 'online').join() === 'steady', 30_000);
		expect(screen).not.toContain('⚠');
	}, 60_000);

	it('two monitors with one -i: the displaced one says so plainly and does not fight back', async () => {
		const target = await broker();
		const first = terminal();
		first.command(monitorCommand(target, '--no-log-file -i shared-monitor'));
		await first.waitFor('the first monitor', live);
		const second = terminal();
		second.command(monitorCommand(target, '--no-log-file -i shared-monitor'));
		await second.waitFor('the second monitor', live);

		const screen = await first.waitFor('the takeover said plainly', (s) => s.includes('⚠ taken over at'), 5000);
		expect(screen.replace(/\s+/g, ' ')).toContain("another client connected with this monitor's client ID shared-monitor");
		expect(screen.replace(/\s+/g, ' ')).toMatch(/backing off, not fighting back: retrying in \d+s/);
		// No reconnect loop: for the next 10 s the second stays live and the broker logs one takeover.
		await new Promise((r) => setTimeout(r, 10_000));
		expect(live(second.screen())).toBe(true);
		expect(second.screen()).not.toContain('⚠');
		expect(first.screen()).toContain('⚠ taken over at');
		expect(target.log().match(/Client shared-monitor already connected, closing old connection/g)).toHaveLength(1);
	}, 60_000);
});
