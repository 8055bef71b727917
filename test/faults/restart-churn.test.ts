// Broker restarts (SIGTERM and kill -9, quick ones) while devices come, go and reconnect:
// afterwards the monitor must show exactly what the broker has when it follows the broker's log
// file, and without the file must at least never show a session that is gone, and say what it misses.
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, {type MqttClient} from 'mqtt';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {cli, requireBuiltCli, rowsWithStatus, Terminal} from '../support/terminal.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => unknown> = [];

beforeAll(() => {
	findBinary('tmux');
	requireBuiltCli();
});

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => {});
});

/** A broker and the monitor on it in tmux, started with `flags` (the log file's path is `{log}`). */
async function setUp(flags: string): Promise<{target: TestBroker; term: Terminal}> {
	const target = await startMosquitto();
	cleanups.push(() => target.stop());
	await target.createUser('dev', 'dev-pw');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-churn-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	const term = new Terminal();
	cleanups.push(() => term.kill());
	term.start(130, 50);
	term.command(
		`MQTT_TOP_PASSWORD='${target.admin.password}' node ${cli} -h 127.0.0.1 -p ${target.port} -u admin -i churn-monitor --refresh 0.5 --audit-log ${dir}/audit.log ${flags.replace('{log}', target.logPath)}`,
	);
	await term.waitFor('the monitor', (s) => /connected \d+ \(broker\)/.test(s) && !s.includes('⚠'), 15_000);
	return {target, term};
}

/**
 * Restarts the broker `restarts` times while devices connect, leave (politely or by dropping the
 * socket) and reconnect by themselves; resolves with the client IDs the broker has at the end.
 */
async function churnThroughRestarts(target: TestBroker, restarts: number): Promise<string[]> {
	const fleet = new Map<string, MqttClient>();
	cleanups.push(() => Promise.all([...fleet.values()].map((c) => c.endAsync(true))));
	let next = 0;
	const add = () => {
		const clientId = `churn-${String(next++).padStart(3, '0')}`;
		const client = mqtt.connect(target.url, {
			clientId,
			username: 'dev',
			password: 'dev-pw',
			reconnectPeriod: 150 + Math.floor(Math.random() * 250),
			connectTimeout: 2000,
		});
		client.on('error', () => {});
		fleet.set(clientId, client);
	};

	const remove = () => {
		const ids = [...fleet.keys()];
		const id = ids[Math.floor(Math.random() * ids.length)];
		const client = fleet.get(id)!;
		fleet.delete(id);
		client.end(Math.random() < 0.5);
	};

	for (let i = 0; i < 8; i++) add();
	const churn = setInterval(() => {
		if (fleet.size > 12 || (fleet.size > 4 && Math.random() < 0.45)) remove();
		else add();
	}, 120);
	try {
		for (let i = 0; i < restarts; i++) {
			await sleep(300 + Math.random() * 900);
			await target.kill(i % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
			await sleep(Math.random() * 300);
			await target.start();
		}
	} finally {
		clearInterval(churn);
	}

	// The broker's truth: every device not ended is connected (each reconnects by itself).
	await eventually(() => [...fleet.values()].every((c) => c.connected), 'the remaining devices connected', 20_000);
	await sleep(1500);
	expect([...fleet.values()].every((c) => c.connected)).toBe(true);
	return [...fleet.keys()].sort();
}

describe('broker restarts under client churn (real Mosquitto, tmux)', () => {
	it('after 20 restarts, following the log file, the table equals the broker and the header says live', async () => {
		const {target, term} = await setUp('--log-file {log}');
		const truth = await churnThroughRestarts(target, 20);
		expect(truth.length).toBeGreaterThan(0);
		const screen = await term.waitFor(
			'the table to equal the broker',
			(s) =>
				!s.includes('⚠') &&
				s.includes(`connected ${truth.length + 1} (broker)`) &&
				rowsWithStatus(s, 'online').join() === truth.join() &&
				rowsWithStatus(s, 'stale').length === 0,
			45_000,
		);
		expect(screen).toContain(`known ${truth.length}`);
		expect(screen).not.toContain('unseen');
	}, 180_000);

	it('after 8 restarts without the log file, no gone session is shown online and what it misses is counted', async () => {
		const {target, term} = await setUp('--no-log-file');
		const truth = await churnThroughRestarts(target, 8);
		const screen = await term.waitFor(
			'live with the broker count',
			(s) => !s.includes('⚠ disconnected') && !s.includes('⚠ reconnected') && s.includes(`connected ${truth.length + 1} (broker)`),
			45_000,
		);
		const online = rowsWithStatus(screen, 'online');
		// Devices that reconnected before the monitor did are unseen, never invented; none ended is listed.
		expect(
			online.filter((id) => !truth.includes(id)),
			screen,
		).toEqual([]);
		expect(rowsWithStatus(screen, 'stale')).toEqual([]);
		const missing = truth.length - online.length;
		if (missing > 0) expect(screen).toContain(`unseen ${missing}`);
		else expect(screen).not.toContain('unseen');
	}, 120_000);
});
