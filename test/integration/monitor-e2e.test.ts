// The built CLI in a real terminal (tmux) against a real Mosquitto, driven by keystrokes.
// Fails loudly when tmux or mosquitto is missing: these tests never skip.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectClient, findBinary, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {Terminal} from '../support/terminal.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'bin', 'cli.js');

function closed(client: MqttClient): Promise<void> {
	return new Promise((resolve) => {
		if (!client.connected) resolve();
		client.once('close', () => resolve());
	});
}

describe('mqtt-top monitor, end to end', () => {
	let broker: TestBroker;
	let dir: string;
	const terminal = new Terminal();
	const clients: MqttClient[] = [];

	beforeAll(async () => {
		findBinary('tmux');
		// npm test builds first; rebuilding here would rewrite dist/ under the feet of other test files.
		if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does)`);
		broker = await startMosquitto();
		await broker.createUser('alice', 'alice-pw');
		await broker.createUser('bob', 'bob-pw');
		dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-e2e-'));
	}, 120_000);

	afterAll(async () => {
		terminal.kill();
		await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
		await broker?.stop();
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	it('watches, filters, inspects, blocks and unblocks live clients, then restores the terminal', async () => {
		const auditLog = path.join(dir, 'audit.log');
		terminal.start(120, 40);
		await terminal.waitFor('the shell prompt', (s) => s.includes('e2e$'));
		terminal.type(`node ${cli} -h 127.0.0.1 -p ${broker.port} -u admin -P ${broker.admin.password} --audit-log ${auditLog} --refresh 0.5`);
		terminal.key('Enter');
		await terminal.waitFor('the monitor', (s) => s.includes('Client ID▲') && /connected \d+ \(broker\)/.test(s));
		expect(terminal.alternateScreen()).toBe(true);

		// Sessions appear as they connect, with their subscriptions.
		const alice = await connectClient(broker.url, {clientId: 'e2e-alice-sensor', username: 'alice', password: 'alice-pw'});
		await alice.subscribeAsync('home/kitchen/#', {qos: 1});
		const bob = await connectClient(broker.url, {clientId: 'e2e-bob-gw', username: 'bob', password: 'bob-pw', protocolVersion: 5});
		clients.push(alice, bob);
		let screen = await terminal.waitFor('both sessions', (s) => s.includes('e2e-alice-sensor') && s.includes('e2e-bob-gw'));
		expect(screen.split('\n').find((l) => l.includes('e2e-bob-gw'))).toMatch(/bob\s+127\.0\.0\.1\s+5\.0\s.*online/);

		// The filter narrows them.
		terminal.type('/');
		await terminal.waitFor('the filter prompt', (s) => s.includes('Enter applies · Esc clears the filter'));
		terminal.type('user:alice');
		terminal.key('Enter');
		screen = await terminal.waitFor('the filtered table', (s) => s.includes('filter: user:alice') && !s.includes('e2e-bob-gw'));
		expect(screen).toContain('e2e-alice-sensor');
		expect(screen).toContain('showing 1 of 2');

		// Enter shows the client's subscriptions; Esc goes back.
		terminal.key('Enter');
		screen = await terminal.waitFor('the detail view', (s) => s.includes('Subscriptions (1)'));
		expect(screen).toMatch(/Client ID\s+e2e-alice-sensor/);
		expect(screen).toMatch(/1\s+home\/kitchen\/#/);
		terminal.key('Escape');
		await terminal.waitFor('the table again', (s) => s.includes('Client ID▲'));

		// B, then y: the broker disconnects alice and refuses her reconnect.
		terminal.type('B');
		screen = await terminal.waitFor('the block dialog', (s) => s.includes('Block?'));
		expect(screen).toContain('disables username alice');
		expect(screen).toContain('e2e-alice-sensor');
		const aliceGone = closed(alice);
		terminal.type('y');
		await aliceGone;
		await terminal.waitFor('the block outcome', (s) => s.includes('blocked username alice: disconnected 1: e2e-alice-sensor'));
		// The filtered view still shows whom the block hit: its ID, blocked.
		await terminal.waitFor('the blocked row', (s) => /e2e-alice-sensor\s.*blocked/.test(s));
		await expect(connectClient(broker.url, {clientId: 'e2e-alice-again', username: 'alice', password: 'alice-pw'})).rejects.toThrow(
			/not authori[sz]ed|Bad User Name or Password|Connection refused/i,
		);
		expect(bob.connected).toBe(true);

		// U, then y: alice may connect again.
		terminal.type('U');
		await terminal.waitFor('the unblock dialog', (s) => s.includes('enables username alice again'));
		terminal.type('y');
		await terminal.waitFor('the unblock outcome', (s) => s.includes('unblocked username alice'));
		const back = await connectClient(broker.url, {clientId: 'e2e-alice-sensor', username: 'alice', password: 'alice-pw'});
		clients.push(back);
		await terminal.waitFor('alice online again', (s) => /e2e-alice-sensor\s.*online/.test(s));

		const audit = readFileSync(auditLog, 'utf8');
		expect(audit).toMatch(
			/action=block\ttarget=alice\toutcome=attempted\tid=\w+\n.*action=block\ttarget=alice\toutcome=done\tdetail=blocked username alice/,
		);
		expect(audit).toMatch(/action=unblock\ttarget=alice\toutcome=done\tdetail=unblocked username alice/);

		// q leaves the alternate screen: the shell and its prompt are back, the monitor is gone.
		terminal.type('q');
		screen = await terminal.waitFor(
			'the shell prompt after quitting',
			(s) => /e2e\$ \s*$/.test(s.trimEnd() + ' ') && !s.includes('Client ID▲'),
		);
		expect(terminal.alternateScreen()).toBe(false);
		expect(screen).toContain(`node ${cli}`);
		terminal.type('echo "exit=$?"');
		terminal.key('Enter');
		await terminal.waitFor('the exit code', (s) => s.includes('exit=0'));
	}, 90_000);
});
