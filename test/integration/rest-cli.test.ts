// The built CLI pointed at EMQX 5 and VerneMQ through --broker-type and --api-url. Neither broker
// can run here: these talk to the fake servers in test/fakes, which answer as the brokers'
// documentation and sources show (each shape names its source there).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {FakeEmqx} from '../fakes/emqx.js';
import {FakeVernemq} from '../fakes/vernemq.js';

type Row = {node: string; clientId: string; username: string | null; protocol: string | null; status: string};

describe('mqtt-top --broker-type emqx|vernemq (against documented responses)', () => {
	const emqx = new FakeEmqx();
	const vernemq = new FakeVernemq();

	beforeAll(async () => {
		await Promise.all([emqx.start(), vernemq.start()]);
		emqx.add({clientid: 'gw-01', username: 'alice', proto_ver: 5, ip_address: '10.0.0.7', port: 51000, subscriptions: {'home/#': 1}});
		emqx.add({clientid: 'sensor 7', proto_ver: 4});
		vernemq.add({client_id: 'vm-1', user: 'bob', protocol: 4, peer_host: '10.0.0.8', peer_port: 52000, is_online: true});
	});

	afterAll(async () => {
		await Promise.all([emqx.stop(), vernemq.stop()]);
	});

	it('list --json reads EMQX with an API key and secret', async () => {
		const result = await runCli(['--broker-type', 'emqx', '--api-url', emqx.url, '-u', emqx.apiKey, 'list', '--json', '--wait', '0'], {
			env: {MQTT_TOP_PASSWORD: emqx.apiSecret},
		});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const rows = JSON.parse(result.stdout) as Row[];
		expect(rows.map((r) => [r.clientId, r.username, r.protocol, r.status])).toEqual([
			['gw-01', 'alice', '5.0', 'online'],
			['sensor 7', null, '3.1.1', 'online'],
		]);
	});

	it('a wrong EMQX secret is one line and exit 4; an unreachable API is exit 3', async () => {
		const wrong = await runCli(['--broker-type', 'emqx', '--api-url', emqx.url, '-u', emqx.apiKey, 'list', '--wait', '0'], {
			env: {MQTT_TOP_PASSWORD: 'not-the-secret'},
		});
		expect(wrong.code).toBe(4);
		expect(wrong.stderr).toMatch(/^mqtt-top: [^\n]+\n$/);
		const down = await runCli(['--broker-type', 'vernemq', '--api-url', 'http://127.0.0.1:1/api/v1', '-u', 'k', 'list', '--wait', '0']);
		expect(down.code).toBe(3);
		expect(down.stderr).toMatch(/^mqtt-top: [^\n]+\n$/);
	});

	it('an EMQX and a VerneMQ in one list from a brokers file, each row naming its node', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-rest-'));
		const file = path.join(dir, 'brokers.toml');
		writeFileSync(
			file,
			[
				'[[broker]]',
				'name = "emqx-1"',
				'type = "emqx"',
				'url = "mqtt://127.0.0.1:1883"',
				`api_url = "${emqx.url}"`,
				`username = "${emqx.apiKey}"`,
				`password = "${emqx.apiSecret}"`,
				'',
				'[[broker]]',
				'name = "vmq-1"',
				'type = "vernemq"',
				'url = "mqtt://127.0.0.1:1883"',
				`api_url = "${vernemq.url}"`,
				`username = "${vernemq.apiKey}"`,
			].join('\n'),
			{mode: 0o600},
		);
		try {
			const result = await runCli(['--brokers', file, 'list', '--json', '--wait', '0']);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect((JSON.parse(result.stdout) as Row[]).map((r) => [r.node, r.clientId, r.username, r.protocol])).toEqual([
				['emqx-1', 'gw-01', 'alice', '5.0'],
				['emqx-1', 'sensor 7', null, '3.1.1'],
				['vmq-1', 'vm-1', 'bob', '3.1.1'],
			]);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
