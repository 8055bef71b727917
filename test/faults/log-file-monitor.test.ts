// What the operator sees in the monitor's header while the broker's log file is mistreated:
// rotated to a file it may not read, truncated with no copy, deleted. The monitor runs as user
// nobody: the tests run as root, and root reads a chmod 000 file anyway, so "unreadable" could not
// happen otherwise.
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, closeSync, openSync, renameSync, rmSync, truncateSync, unlinkSync} from 'node:fs';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {connectClient, eventually, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {cliForNobody, nobody} from '../support/as-nobody.js';
import {Terminal} from '../support/terminal.js';

let broker: TestBroker;
let home: string;
/** The bundle, copied where nobody can read it: the checkout may sit in a directory only root can enter. */
let cli: string;
const clients: MqttClient[] = [];
const terminal = new Terminal();

function mosquittoPid(): number {
	return Number(
		execFileSync('pgrep', ['-f', path.join(broker.dir, 'mosquitto.conf')], {encoding: 'utf8'})
			.trim()
			.split('\n')[0],
	);
}

async function device(clientId: string): Promise<void> {
	clients.push(await connectClient(broker.url, {clientId, username: 'alice', password: 'alice-pw'}));
}

/** The header's log-file line. */
const logLine = (screen: string) => screen.split('\n').find((l) => l.startsWith('log: ')) ?? '';

beforeAll(async () => {
	findBinary('setpriv');
	// Log topics off: every session on screen was read from the file.
	broker = await startMosquitto({logTopic: false});
	await broker.createUser('alice', 'alice-pw');
	chmodSync(broker.dir, 0o755);
	chmodSync(broker.logPath, 0o644);
	const copy = cliForNobody();
	home = copy.home;
	cli = copy.cli;
}, 30_000);

afterAll(async () => {
	terminal.kill();
	for (const client of clients) client.end(true);
	await broker?.stop();
	if (home) rmSync(home, {recursive: true, force: true});
});

test('a log file nobody may read is a one-line usage error (exit 2) that says what to do', () => {
	const locked = path.join(home, 'locked.log');
	closeSync(openSync(locked, 'w'));
	chmodSync(locked, 0o000);
	const result = spawnSync(
		process.execPath,
		[cli, '-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', 'list', '--wait', '0', '--log-file', locked],
		{...nobody, encoding: 'utf8', env: {...process.env, HOME: home, MQTT_TOP_PASSWORD: broker.admin.password}},
	);
	expect(result.stderr).toBe(
		`mqtt-top: cannot read the log file ${locked}: EACCES (it is usually readable by group adm: run as a member of adm, or pass --no-log-file)\n`,
	);
	expect(result.status).toBe(2);
});

test('the header shows each fault, following goes on, and the monitor quits cleanly', async () => {
	terminal.start(140, 30, {MQTT_TOP_PASSWORD: broker.admin.password, HOME: home});
	await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
	terminal.type(
		`setpriv --reuid=${nobody.uid} --regid=${nobody.gid} --clear-groups node ${cli} -h 127.0.0.1 -p ${broker.port} -u admin --audit-log ${path.join(home, 'audit.log')} --log-file ${broker.logPath} --refresh 0.5; echo "exit=$?"`,
	);
	terminal.key('Enter');
	await terminal.waitFor('the monitor following the file', (s) => logLine(s).endsWith('following'), 20_000);
	await device('before');
	await terminal.waitFor('a client read from the file', (s) => /before\s.*online/.test(s));

	// Rotated to a new file the monitor may not read (logrotate `create 000`, then SIGHUP).
	renameSync(broker.logPath, `${broker.logPath}.1`);
	closeSync(openSync(broker.logPath, 'w', 0o000));
	chmodSync(broker.logPath, 0o000);
	process.kill(mosquittoPid(), 'SIGHUP');
	await device('while-locked');
	let screen = await terminal.waitFor('the read error in the header', (s) => logLine(s).includes('EACCES'));
	expect(logLine(screen)).toContain(`⚠ EACCES: permission denied, open '${broker.logPath}'`);

	// Readable again: the monitor takes the new file by itself and catches up.
	chmodSync(broker.logPath, 0o644);
	await terminal.waitFor('following again', (s) => logLine(s).endsWith('following') && /while-locked\s.*online/.test(s), 15_000);

	// Truncated by hand: no copy holds what was written just before.
	truncateSync(broker.logPath, 0);
	await device('after-truncate');
	screen = await terminal.waitFor('the truncation notice', (s) => logLine(s).includes('truncated at'));
	expect(logLine(screen)).toMatch(/⚠ truncated at \d\d:\d\d:\d\d, no matching \.1 copy: lines just before may be missing/);
	await terminal.waitFor('the client after the truncation', (s) => /after-truncate\s.*online/.test(s));

	// Deleted: the broker still writes to the file it has open, and the monitor still reads it.
	unlinkSync(broker.logPath);
	await device('after-delete');
	screen = await terminal.waitFor('the deletion notice', (s) => logLine(s).includes('file gone'));
	expect(logLine(screen)).toContain('⚠ file gone: reading the copy the broker still has open');
	await terminal.waitFor('the client after the deletion', (s) => /after-delete\s.*online/.test(s));

	// The shell prints the status as soon as the monitor ends: nothing typed races the exit.
	terminal.type('q');
	await terminal.waitFor('the exit code', (s) => s.includes('exit=0'), 15_000);
	await eventually(() => clients.every((c) => c.connected), 'every client still connected');
}, 90_000);
