// Two live brokers of different versions (Debian's Mosquitto 2.0.11 and 2.1.2 built from source)
// in one monitor and one `list`: rows keyed by node and client ID, a broker that dies shown down
// while the other goes on, and actions sent to the right broker. Fails loudly when either is missing.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {connectClient, eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {cli, requireBuiltCli, Terminal} from '../support/terminal.js';

type JsonRow = {node: string; clientId: string; status: string; protocol: string | null; username: string | null};

describe('several brokers at once', () => {
	let old: TestBroker;
	let current: TestBroker;
	let dir: string;
	let brokersFile: string;
	const clients: MqttClient[] = [];
	const terminal = new Terminal();

	async function device(
		broker: TestBroker,
		clientId: string,
		options: Record<string, unknown> = {},
		username = 'alice',
	): Promise<MqttClient> {
		const client = await connectClient(broker.url, {clientId, username, password: `${username}-pw`, ...options});
		clients.push(client);
		return client;
	}

	beforeAll(async () => {
		findBinary('tmux');
		requireBuiltCli();
		[old, current] = await Promise.all([startMosquitto({version: '2.0'}), startMosquitto({version: '2.1'})]);
		for (const broker of [old, current]) for (const user of ['alice', 'bob']) await broker.createUser(user, `${user}-pw`);
		dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-fleet-'));
		brokersFile = path.join(dir, 'brokers.toml');
		writeFileSync(
			brokersFile,
			[
				'[[broker]]',
				'name = "old"',
				`url = "mqtt://127.0.0.1:${old.port}"`,
				'username = "admin"',
				`password = "${old.admin.password}"`,
				'',
				'[[broker]]',
				'name = "new"',
				`url = "mqtt://127.0.0.1:${current.port}"`,
				'username = "admin"',
				`password = "${current.admin.password}"`,
			].join('\n'),
			{mode: 0o600},
		);
		// The same client ID on both, and one only on the old broker.
		await device(old, 'gw-01', {protocolVersion: 4});
		await device(current, 'gw-01', {protocolVersion: 5});
		await device(old, 'only-old', {protocolVersion: 3, protocolId: 'MQIsdp'});
	}, 60_000);

	afterAll(async () => {
		terminal.kill();
		for (const client of clients) client.end(true);
		await Promise.all([old?.stop(), current?.stop()]);
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	const env = () => ({XDG_STATE_HOME: path.join(dir, 'state')});

	it('list --json reads both with the log files: the same client ID on two brokers is two rows, each with its node', async () => {
		const file = `${brokersFile}.logs`;
		writeFileSync(
			file,
			`${[
				'[[broker]]',
				'name = "old"',
				`url = "mqtt://127.0.0.1:${old.port}"`,
				'username = "admin"',
				`password = "${old.admin.password}"`,
				`log_file = "${old.logPath}"`,
				'',
				'[[broker]]',
				'name = "new"',
				`url = "mqtt://127.0.0.1:${current.port}"`,
				'username = "admin"',
				`password = "${current.admin.password}"`,
				`log_file = "${current.logPath}"`,
			].join('\n')}\n`,
			{mode: 0o600},
		);
		const result = await runCli(['--brokers', file, 'list', '--json', '--wait', '1', '--filter', 'user:alice'], {env: env()});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const rows = (JSON.parse(result.stdout) as JsonRow[]).filter((r) => r.status === 'online');
		expect(rows.map((r) => [r.node, r.clientId, r.protocol]).sort()).toEqual([
			['new', 'gw-01', '5.0'],
			['old', 'gw-01', '3.1.1'],
			['old', 'only-old', '3.1'],
		]);
	}, 30_000);

	it('one monitor: a Node column, each broker in the header, K acts on the selected row’s broker only, a dead broker is shown down while the other goes on', async () => {
		const auditLog = path.join(dir, 'audit.log');
		terminal.start(120, 40, env());
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.command(`node ${cli} --brokers ${brokersFile} --audit-log ${auditLog} --refresh 0.5`);
		await terminal.waitFor('both brokers live', (s) => /^old +live/m.test(s) && /^new +live/m.test(s));
		// A session the monitor sees act (a subscription) appears on its own broker's row.
		// bob's sessions: a kick by username must not touch alice's gw-01 on the same broker.
		const late = await device(current, 'late-new', {}, 'bob');
		await late.subscribeAsync('x/#');
		const oldLate = await device(old, 'late-old', {}, 'bob');
		await oldLate.subscribeAsync('y/#');
		let screen = await terminal.waitFor('the late sessions', (s) => s.includes('late-new') && s.includes('late-old'));
		expect(screen).toMatch(/Node +Client ID/);
		expect(screen).toMatch(/new +late-new/);
		expect(screen).toMatch(/old +late-old/);

		// Kick late-new on the new broker: filter to it, K, y. The old broker's sessions are untouched.
		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		terminal.type('node:new id:late-new');
		terminal.key('Enter');
		await terminal.waitFor('only late-new', (s) => s.includes('late-new') && !s.includes('late-old'));
		terminal.type('K');
		screen = await terminal.waitFor('the kick dialog', (s) => s.includes('Press y to confirm'));
		expect(screen).toContain('on new: kicks username bob: disconnects 1 session: late-new');
		terminal.type('y');
		await eventually(
			() => /Client late-new \[127\.0\.0\.1:\d+\] disconnected: administrative action\./.test(current.log()),
			'the new broker’s own log line for the kick',
			10_000,
		);
		expect(old.log()).not.toContain('administrative action');
		expect(oldLate.connected).toBe(true);
		// Clear the filter: every row again.
		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies'));
		terminal.key('Escape');
		await terminal.waitFor('every row', (s) => s.includes('late-old') && s.includes('filter: none'));

		// The old broker dies: it is shown down, its rows stay (stale), the new broker's stay live.
		await old.kill();
		screen = await terminal.waitFor('old down', (s) => /^old +⚠ reconnecting/m.test(s) && /^new +live/m.test(s), 15_000);
		expect(screen).toMatch(/old .*its rows are stale/);
		expect(screen).toMatch(/old +late-old .*stale/);
		await old.start();
		await terminal.waitFor('old live again', (s) => /^old +live/m.test(s), 30_000);
		terminal.type('q');
		await terminal.waitFor('the shell again', (s) => s.trimEnd().endsWith('e2e$'));
	}, 120_000);

	it('list with a broker down prints the other’s rows, not the dead one’s (its log file would only guess), names it and exits 3', async () => {
		await old.kill();
		try {
			const result = await runCli(['--brokers', `${brokersFile}.logs`, 'list', '--json', '--wait', '1'], {env: env()});
			expect(result.code).toBe(3);
			expect(result.stderr).toMatch(/^mqtt-top: node old is down \(.*\): its sessions are not listed\n$/);
			const rows = JSON.parse(result.stdout) as JsonRow[];
			expect(new Set(rows.map((r) => r.node))).toEqual(new Set(['new']));
		} finally {
			await old.start();
		}
	}, 60_000);

	it('kick from the command line needs --node when the client is on both, and goes to that one', async () => {
		const ambiguous = await runCli(['--brokers', brokersFile, 'kick', 'gw-01', '--yes', '--wait', '0'], {env: env()});
		expect(ambiguous.code).toBe(2);
		// gw-01 connected before this run: it is not known until it acts, so neither broker knows it.
		expect(ambiguous.stderr).toMatch(/^mqtt-top: client gw-01 is (not known on any of the brokers|known on old, new): pass --node NAME/);
		const kicked = await runCli(['--brokers', brokersFile, 'kick', 'gw-01', '--node', 'new', '--yes', '--force-takeover', '--wait', '0'], {
			env: env(),
		});
		expect(kicked.stderr).toBe('');
		expect(kicked.code).toBe(0);
		expect(kicked.stdout).toContain('kicked client gw-01 (taken over and closed)');
		expect(current.log()).toMatch(/Client gw-01 .*session taken over/);
		expect(old.log()).not.toMatch(/gw-01.*(already connected|taken over)/);
	}, 60_000);
});
