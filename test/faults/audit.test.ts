// Audit first, against a real Mosquitto: nothing is sent unless its attempt is on record, every
// attempt gets its outcome (done, failed or unknown), refusals are recorded, and nothing a client
// ID holds reaches the file raw. Tests run as root, where chmod 000 stops nothing: unwritable here
// means a directory where the file should be, or /dev/full.
import {spawn} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runCli, startCli} from '../support/cli.js';
import {cliForNobody, nobody} from '../support/as-nobody.js';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {freeze} from './broker-process.js';

let broker: TestBroker;
let dir: string;
const clients: MqttClient[] = [];
const unfreeze: Array<() => void> = [];

const admin = (audit: string[]) => ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', ...audit];
const env = () => ({MQTT_TOP_PASSWORD: broker.admin.password});

async function device(clientId: string, username: string, options: Record<string, unknown> = {}): Promise<MqttClient> {
	const client = await connectClient(broker.url, {clientId, username, password: `${username}-pw`, ...options});
	clients.push(client);
	return client;
}

async function listening(id: string) {
	await eventually(() => broker.log().includes(`${id} 0 $SYS/broker/log/#`), `${id} to subscribe`, 15_000);
}

/** Printable ASCII, tab and newline only: what `cat audit.log` can show without running anything. */
function nonPrintable(file: string): number[] {
	return [...readFileSync(file)].filter((b) => b !== 0x09 && b !== 0x0a && (b < 0x20 || b >= 0x7f));
}

const records = (file: string) =>
	readFileSync(file, 'utf8')
		.trimEnd()
		.split('\n')
		.map((line) => Object.fromEntries(line.split('\t').map((field, i) => (i === 0 ? ['time', field] : field.split(/=(.*)/s).slice(0, 2)))));

beforeAll(async () => {
	broker = await startMosquitto();
	for (const user of ['alice', 'bob', 'carol', 'dave']) await broker.createUser(user, `${user}-pw`);
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-audit-'));
}, 60_000);

afterAll(async () => {
	for (const resume of unfreeze) resume();
	for (const client of clients) client.end(true);
	await broker?.stop();
});

describe('an audit log that cannot be written', () => {
	test('a directory in place of the file: exit 2, one line, nothing sent', async () => {
		const target = path.join(dir, 'is-a-directory.log');
		mkdirSync(target);
		const alice = await device('alice-dir', 'alice');
		const result = await runCli([...admin(['--audit-log', target]), 'block', 'alice', '--yes', '--wait', '0'], {env: env()});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`mqtt-top: cannot write the audit log ${target} (it is a directory): nothing was sent to the broker (pass --audit-log PATH)\n`,
		);
		await new Promise((r) => setTimeout(r, 500));
		expect(alice.connected).toBe(true);
		expect(broker.log()).not.toContain('disableClient');
	}, 30_000);

	test('an existing file this user may not write: exit 2, one line, nothing sent', async () => {
		// Root ignores file modes, so this mqtt-top runs as nobody against a root-owned 0644 file.
		// Only the file's own mode may stand in the way: every directory above it is open to nobody.
		chmodSync(dir, 0o755);
		const shared = path.join(dir, 'shared');
		mkdirSync(shared);
		chmodSync(shared, 0o755);
		const file = path.join(shared, 'audit.log');
		writeFileSync(file, '');
		chmodSync(file, 0o644);
		const dave = await device('dave-eacces', 'dave');
		const copy = cliForNobody();
		const result = await new Promise<{code: number | null; stderr: string}>((resolve) => {
			const child = spawn(process.execPath, [copy.cli, ...admin(['--audit-log', file]), 'block', 'dave', '--yes', '--wait', '0'], {
				...nobody,
				env: {...process.env, ...env()},
				stdio: ['ignore', 'ignore', 'pipe'],
			});
			let stderr = '';
			child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
			child.on('close', (code) => resolve({code, stderr}));
		});
		copy.remove();
		expect(result.stderr).toBe(
			`mqtt-top: cannot write the audit log ${file} (permission denied): nothing was sent to the broker (pass --audit-log PATH)\n`,
		);
		expect(result.code).toBe(2);
		await new Promise((r) => setTimeout(r, 500));
		expect(dave.connected).toBe(true);
		expect(broker.log()).not.toContain('disableClient | username=dave');
		expect(readFileSync(file, 'utf8')).toBe('');
	}, 30_000);

	test('/dev/full: the attempt cannot be written, so the block is never sent', async () => {
		const bob = await device('bob-full', 'bob');
		const result = await runCli([...admin(['--audit-log', '/dev/full']), 'block', 'bob', '--yes', '--wait', '0'], {env: env()});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			'mqtt-top: cannot write the audit log /dev/full (no space left on the device): nothing was sent to the broker (pass --audit-log PATH)\n',
		);
		expect(result.stdout).toContain('disables username bob'); // the plan was shown, then nothing done
		await new Promise((r) => setTimeout(r, 500));
		expect(bob.connected).toBe(true);
		expect(broker.log()).not.toContain('disableClient | username=bob');
		// And the device node is left as it was.
		expect(statSync('/dev/full').mode & 0o777).toBe(0o666);
	}, 30_000);
});

describe('file modes', () => {
	test('an existing 0644 audit file is 0600 after use', async () => {
		const file = path.join(dir, 'loose.log');
		writeFileSync(file, '');
		chmodSync(file, 0o644);
		const result = await runCli([...admin(['--audit-log', file]), 'unblock', 'carol', '--wait', '0'], {env: env()});
		expect(result.code).toBe(0);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(records(file).map((r) => r.outcome)).toEqual(['attempted', 'done']);
	}, 30_000);

	test('the default audit directory, existing and loose, is 0700 after use', async () => {
		const state = path.join(dir, 'state');
		mkdirSync(path.join(state, 'mqtt-top'), {recursive: true});
		chmodSync(path.join(state, 'mqtt-top'), 0o755);
		const result = await runCli([...admin([]), 'unblock', 'carol', '--wait', '0'], {env: {...env(), XDG_STATE_HOME: state}});
		expect(result.code).toBe(0);
		expect(statSync(path.join(state, 'mqtt-top')).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(state, 'mqtt-top', 'audit.log')).mode & 0o777).toBe(0o600);
	}, 30_000);
});

describe('refusals are recorded', () => {
	test('not confirmed, and a takeover refused for safety, each leave a refused record', async () => {
		const file = path.join(dir, 'refusals.log');
		const declined = await runCli([...admin(['--audit-log', file]), 'block', 'dave', '--wait', '0'], {env: env(), input: 'n\n'});
		expect(declined.code).toBe(8);
		const unseen = await runCli([...admin(['--audit-log', file]), 'kick', 'never-seen', '--yes', '--wait', '0'], {env: env()});
		expect(unseen.code).toBe(7);
		const readOnly = await runCli([...admin(['--audit-log', file]), 'block', 'dave', '--yes', '--read-only', '--wait', '0'], {env: env()});
		expect(readOnly.code).toBe(2);
		expect(readOnly.stderr).toBe('mqtt-top: --read-only: block refused, nothing was sent to the broker\n');
		expect(records(file).map((r) => `${r.action} ${r.target} ${r.outcome}`)).toEqual([
			'block dave refused',
			'kick-takeover never-seen refused',
			'block dave refused',
		]);
		expect(records(file)[0].detail).toBe('not confirmed: nothing was done (pass --yes to skip the question)');
		expect(broker.log()).not.toContain('disableClient | username=dave');
	}, 30_000);
});

describe('hostile client IDs', () => {
	test('bidi, zero-width, ESC and BEL never reach the audit file raw', async () => {
		const file = path.join(dir, 'hostile.log');
		// Mosquitto refuses client IDs with control characters, but it accepts bidi and zero-width ones.
		const sneaky = 'cam\u202Egnp.exe\u200B\u2066x\u2069';
		const id = 'hostile-kick';
		const kick = startCli([...admin(['--audit-log', file]), '-i', id, 'kick', sneaky, '--yes', '--wait', '2'], {env: env(), input: ''});
		await listening(id);
		const cam = await device(sneaky, 'alice');
		const result = await kick.done;
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		await eventually(() => !cam.connected, 'the sneaky client to be kicked');

		// An ID that cannot even connect is still only an argument: refused, and recorded escaped.
		const terminalJunk = 'evil\u001b[2J\u0007\u009b\u200Dme';
		const refused = await runCli([...admin(['--audit-log', file]), 'kick', terminalJunk, '--wait', '0'], {env: env()});
		expect(refused.code).toBe(7);

		expect(nonPrintable(file)).toEqual([]);
		const lines = records(file);
		expect(lines.map((r) => r.outcome)).toEqual(['attempted', 'done', 'refused']);
		expect(lines[0].target).toBe('cam\\u202egnp.exe\\u200b\\u2066x\\u2069 (username alice)');
		// The detail is the message the operator saw, already escaped for the screen; the audit file
		// escapes that message's backslashes again, so it reads back exactly.
		expect(lines[1].detail).toBe('kicked username alice: disconnected 1: cam\\\\u202egnp.exe\\\\u200b\\\\u2066x\\\\u2069');
		expect(lines[2].target).toBe('evil\\x1b[2J\\x07\\x9b\\u200dme');
	}, 30_000);
});

describe('an action the broker never answers', () => {
	test('is recorded as unknown, not failed, with one line and exit 7', async () => {
		const file = path.join(dir, 'frozen.log');
		const id = 'frozen-kick';
		const kick = startCli([...admin(['--audit-log', file]), '-i', id, 'kick', 'frozen-1', '--yes', '--wait', '3'], {env: env(), input: ''});
		await listening(id);
		const victim = await device('frozen-1', 'carol');
		// Let the connect line reach the monitor, then freeze the broker before the kick goes out.
		await new Promise((r) => setTimeout(r, 1000));
		const resume = freeze(broker);
		unfreeze.push(resume);
		const result = await kick.done;
		expect(result.code).toBe(7);
		expect(result.stderr).toMatch(
			/^mqtt-top: modifyClient carol: no answer to modifyClient .* within 3 s; it may still have been carried out \(recorded as unknown\)\n$/,
		);
		expect(records(file).map((r) => r.outcome)).toEqual(['attempted', 'unknown (no answer)']);

		resume();
		// Thawed, the broker either reads the kick before noticing the connection is gone (it runs:
		// which is why the outcome is unknown, not failed) or drops it. Either way it ran at most once.
		await new Promise((r) => setTimeout(r, 1500));
		const ran = broker.log().match(/modifyClient \| username=carol/g)?.length ?? 0;
		expect(ran).toBeLessThanOrEqual(1);
		expect(victim.connected).toBe(ran === 0);
	}, 40_000);
});
