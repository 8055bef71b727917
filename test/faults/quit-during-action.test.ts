// Quitting while an action is in flight, in a real terminal against a real Mosquitto that has been
// frozen (SIGSTOP) so the kick hangs: the monitor waits for the outcome, records it, then quits.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {cliPath} from '../support/cli.js';
import {connectClient, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {Terminal} from '../support/terminal.js';
import {freeze} from './broker-process.js';

let broker: TestBroker;
let dir: string;
let device: MqttClient | undefined;
let resume: (() => void) | undefined;
const terminal = new Terminal();

beforeAll(async () => {
	if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build (npm test does)`);
	broker = await startMosquitto();
	await broker.createUser('erin', 'erin-pw');
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-quit-'));
}, 60_000);

afterAll(async () => {
	resume?.();
	terminal.kill();
	device?.end(true);
	await broker?.stop();
	if (dir) rmSync(dir, {recursive: true, force: true});
});

test('q during a kick the broker never answers waits, records the outcome as unknown, then quits', async () => {
	const auditLog = path.join(dir, 'audit.log');
	terminal.start(120, 30);
	await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
	terminal.type(
		`node ${cliPath} -h 127.0.0.1 -p ${broker.port} -u admin -P ${broker.admin.password} --audit-log ${auditLog} --refresh 0.5`,
	);
	terminal.key('Enter');
	await terminal.waitFor('the monitor with actions', (s) => s.includes('Client ID▲') && !s.includes('asking the dynamic-security plugin'));

	device = await connectClient(broker.url, {clientId: 'erin-1', username: 'erin', password: 'erin-pw'});
	await terminal.waitFor('the device', (s) => /erin-1\s.*online/.test(s));

	resume = freeze(broker);
	terminal.type('K');
	await terminal.waitFor('the kick dialog', (s) => s.includes('kicks username erin'));
	terminal.type('y');
	await terminal.waitFor('the kick under way', (s) => s.includes('kicking: waiting for the broker to confirm'));
	terminal.type('q');
	await terminal.waitFor('the monitor waiting to quit', (s) => s.includes('quitting once the running action has finished and is recorded'));
	// Still on screen while the command is unanswered.
	expect(terminal.alternateScreen()).toBe(true);

	await terminal.waitFor(
		'the shell prompt after quitting',
		(s) => !s.includes('Client ID▲') && /e2e\$ \s*$/.test(s.trimEnd() + ' '),
		15_000,
	);
	const lines = readFileSync(auditLog, 'utf8').trimEnd().split('\n');
	expect(lines).toHaveLength(2);
	expect(lines[0]).toMatch(/\taction=kick\ttarget=erin-1 \(username erin\)\toutcome=attempted\tid=(\w+)$/);
	expect(lines[1]).toMatch(
		/\taction=kick\ttarget=erin-1 \(username erin\)\toutcome=unknown \(no answer\)\tdetail=modifyClient erin: no answer to modifyClient .*\tid=\w+$/,
	);
	expect(lines[1].split('\t').at(-1)).toBe(lines[0].split('\t').at(-1));
	terminal.type('echo "exit=$?"');
	terminal.key('Enter');
	await terminal.waitFor('the exit code', (s) => s.includes('exit=0'));
}, 60_000);
