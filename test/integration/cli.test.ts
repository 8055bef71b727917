import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {connectClient, eventually, startMosquitto, type TestBroker} from '../support/mosquitto.js';
import {runCli, startCli} from '../support/cli.js';

let broker: TestBroker;
let auditLog: string;
const clients: MqttClient[] = [];

function as(user: string, password = `${user}-pw`) {
	return ['-h', '127.0.0.1', '-p', String(broker.port), '-u', user, '-P', password, '--audit-log', auditLog];
}

/** -P is warned about first (see command-line.test.ts): what follows the warning. */
function afterPasswordWarning(stderr: string): string {
	const warning = 'mqtt-top: warning: the password given with -P/--password can be read by other users';
	expect(stderr.startsWith(warning)).toBe(true);
	return stderr.slice(stderr.indexOf('\n') + 1);
}

const admin = () => ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', '--audit-log', auditLog];
const adminEnv = () => ({MQTT_TOP_PASSWORD: broker.admin.password});

async function device(clientId: string, username: string, options: Record<string, unknown> = {}): Promise<MqttClient> {
	const client = await connectClient(broker.url, {clientId, username, password: `${username}-pw`, ...options});
	clients.push(client);
	return client;
}

/** Resolves once a monitor with this client ID has subscribed to the log topics. */
async function monitorListening(id: string) {
	await eventually(() => broker.log().includes(`${id} 0 $SYS/broker/log/#`), `${id} to subscribe`, 15_000);
}

const closed = (client: MqttClient) => eventually(() => !client.connected, 'the client to be disconnected');

beforeAll(async () => {
	broker = await startMosquitto();
	auditLog = path.join(broker.dir, 'audit.log');
	for (const user of ['alice', 'bob', 'carol']) await broker.createUser(user, `${user}-pw`);
	await broker.createBareUser('bare', 'bare-pw');
}, 30_000);

afterAll(async () => {
	for (const client of clients) client.end(true);
	await broker?.stop();
});

describe('list', () => {
	test('--json shows every session that connected while it listened, exactly', async () => {
		const id = 'list-json-1';
		const list = startCli([...admin(), '-i', id, 'list', '--json', '--wait', '3', '--filter', '-user:admin'], {env: adminEnv(), input: ''});
		await monitorListening(id);

		const v31 = await device('old timer', 'alice', {protocolVersion: 3, protocolId: 'MQIsdp', keepalive: 30});
		const v311 = await device('gw-01', 'alice', {protocolVersion: 4, clean: false, keepalive: 120});
		const v5 = await device('kitchen sensor 7', 'bob', {protocolVersion: 5, keepalive: 45});
		await v311.subscribeAsync('fleet/gw-01/#', {qos: 1});
		await v5.subscribeAsync({'home/kitchen/#': {qos: 1}, 'home/+/temp': {qos: 0}, 'cmd/kitchen sensor 7/set': {qos: 2}});
		await v5.unsubscribeAsync('home/+/temp');
		const gone = await device('short-lived', 'carol');
		await gone.endAsync();

		const result = await list.done;
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const records = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
		const url = `mqtt://127.0.0.1:${broker.port}`;
		const at = (clientId: string) => records.find((r) => r.clientId === clientId)!;
		expect(records.map((r) => r.clientId)).toEqual(['gw-01', 'kitchen sensor 7', 'old timer']);
		expect(Object.keys(at('gw-01'))).toEqual([
			'clientId',
			'username',
			'address',
			'port',
			'protocol',
			'cleanSession',
			'persistence',
			'keepAlive',
			'connectedAt',
			'status',
			'subscriptions',
			'lastDisconnectReason',
			'broker',
			'node',
			'queued',
		]);
		expect(at('gw-01')).toMatchObject({
			username: 'alice',
			address: '127.0.0.1',
			protocol: '3.1.1',
			cleanSession: false,
			persistence: 'persistent',
			keepAlive: 120,
			status: 'online',
			subscriptions: [{topic: 'fleet/gw-01/#', qos: 1}],
			lastDisconnectReason: null,
			broker: url,
			node: url.replace('mqtt://', ''),
			// Mosquitto does not say what it holds for one session: unknown, never 0.
			queued: null,
		});
		expect(at('kitchen sensor 7')).toMatchObject({
			username: 'bob',
			protocol: '5.0',
			cleanSession: true,
			// Clean Start, not clean session: the expiry interval decides, and it is not logged.
			persistence: 'unknown',
			keepAlive: 45,
			subscriptions: [
				{topic: 'home/kitchen/#', qos: 1},
				{topic: 'cmd/kitchen sensor 7/set', qos: 2},
			],
		});
		expect(at('old timer')).toMatchObject({protocol: '3.1', keepAlive: 30, subscriptions: []});
		expect(at('old timer').port).toBe((clients[0].stream as unknown as {localPort: number}).localPort);
		expect(Math.abs(Date.parse(String(at('gw-01').connectedAt)) - Date.now())).toBeLessThan(10_000);
		for (const c of [v31, v311, v5]) await c.endAsync();
	}, 20_000);

	test('--csv prints a header and one row per session; the table names the broker count', async () => {
		const id = 'list-csv-1';
		const list = startCli([...admin(), '-i', id, 'list', '--csv', '--wait', '2', '--filter', 'user:carol'], {env: adminEnv(), input: ''});
		await monitorListening(id);
		const c = await device('csv, "quoted"', 'carol');
		const result = await list.done;
		expect(result.code).toBe(0);
		const [header, ...rows] = result.stdout.trim().split('\n');
		expect(header).toBe(
			'clientId,username,address,port,protocol,cleanSession,persistence,keepAlive,connectedAt,status,subscriptions,lastDisconnectReason,broker,node,queued',
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatch(
			/^"csv, ""quoted""",carol,127\.0\.0\.1,\d+,3\.1\.1,true,clean,60,\S+,online,,,mqtt:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,$/,
		);

		// $SYS counts are published once a second, on change: wait long enough to see this monitor's own connection counted.
		const table = await runCli([...admin(), 'list', '--wait', '3'], {env: adminEnv()});
		expect(table.code).toBe(0);
		expect(table.stdout).toMatch(/broker reports \d+ connected/);
		expect(table.stdout).toContain('connected before mqtt-top started');
		await c.endAsync();
	}, 20_000);

	test('a bad filter is a usage error before anything waits', async () => {
		const result = await runCli([...admin(), 'list', '--filter', 'colour:red'], {env: adminEnv()});
		expect(result.code).toBe(2);
		expect(result.stderr.trim()).toBe(
			"mqtt-top: --filter: unknown field 'colour' (use id, user, address, proto, status, clean, topic, node, queued)",
		);
	});
});

describe('block and unblock', () => {
	test('block disconnects every session of the username, a reconnect is refused, unblock lets it back', async () => {
		const id = 'block-1';
		const block = startCli([...admin(), '-i', id, 'block', 'alice', '--yes', '--wait', '2'], {env: adminEnv(), input: ''});
		await monitorListening(id);
		const a = await device('alice-a', 'alice');
		const b = await device('alice b', 'alice');
		const other = await device('bob-1', 'bob');

		const result = await block.done;
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('disables username alice');
		expect(result.stdout).toMatch(/blocked username alice: disconnected 2: (alice-a, alice b|alice b, alice-a)/);
		await closed(a);
		await closed(b);
		expect(other.connected).toBe(true);
		await expect(connectClient(broker.url, {clientId: 'alice-a', username: 'alice', password: 'alice-pw'})).rejects.toMatchObject({
			code: 5,
		});

		const list = await runCli([...admin(), 'list', '--json', '--wait', '1', '--filter', 'status:blocked'], {env: adminEnv()});
		expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({clientId: null, username: 'alice', status: 'blocked'})]);

		const unblock = await runCli([...admin(), 'unblock', 'alice', '--wait', '0'], {env: adminEnv()});
		expect(unblock.code).toBe(0);
		expect(unblock.stdout).toContain('unblocked username alice');
		const back = await device('alice-a', 'alice');
		expect(back.connected).toBe(true);
		await back.endAsync();
		await other.endAsync();

		const audit = readFileSync(auditLog, 'utf8').trim().split('\n');
		const operator = os.userInfo().username;
		const prefix = `^\\S+Z\\toperator=${operator}\\tbroker=mqtt://127\\.0\\.0\\.1:${broker.port}`;
		expect(audit.at(-4)).toMatch(new RegExp(`${prefix}\\taction=block\\ttarget=alice\\toutcome=attempted\\tid=\\w+$`));
		expect(audit.at(-3)).toMatch(
			new RegExp(`${prefix}\\taction=block\\ttarget=alice\\toutcome=done\\tdetail=blocked username alice: disconnected 2: .*\\tid=\\w+$`),
		);
		// The outcome names its attempt.
		expect(audit.at(-3)!.split('\t').at(-1)).toBe(audit.at(-4)!.split('\t').at(-1));
		expect(audit.at(-2)).toMatch(/\taction=unblock\ttarget=alice\toutcome=attempted\t/);
		expect(audit.at(-1)).toMatch(/\taction=unblock\ttarget=alice\toutcome=done\tdetail=unblocked username alice\tid=\w+$/);
	}, 30_000);

	test('blocking an account that does not exist says so', async () => {
		const result = await runCli([...admin(), 'block', 'nobody', '--yes', '--wait', '0'], {env: adminEnv()});
		expect(result.code).toBe(7);
		expect(result.stderr.trim()).toBe('mqtt-top: no account named nobody on this broker');
	});
});

describe('kick', () => {
	test('a kick of a shared username lists every affected session and asks first', async () => {
		const run = async (answer: string, id: string) => {
			const kick = startCli([...admin(), '-i', id, 'kick', 'bob-a', '--wait', '2'], {env: adminEnv()});
			await monitorListening(id);
			const a = await device('bob-a', 'bob');
			const b = await device('bob-b', 'bob');
			await eventually(() => kick.stderr().includes('[y/N]'), 'the question');
			kick.write(answer);
			return {result: await kick.done, a, b};
		};

		const declined = await run('n\n', 'kick-no');
		expect(declined.result.code).toBe(8);
		expect(declined.result.stdout).toContain('kicks username bob: disconnects 2 sessions: bob-a, bob-b');
		expect(declined.result.stderr).toContain('Kick username bob (disconnects 2 sessions)?');
		expect(declined.a.connected && declined.b.connected).toBe(true);
		await declined.a.endAsync();
		await declined.b.endAsync();

		const accepted = await run('y\n', 'kick-yes');
		expect(accepted.result.code).toBe(0);
		expect(accepted.result.stdout).toMatch(/kicked username bob: disconnected 2: bob-a, bob-b/);
		await closed(accepted.a);
		await closed(accepted.b);
	}, 30_000);

	test('a client the monitor never saw is refused unless --force-takeover', async () => {
		const result = await runCli([...admin(), 'kick', 'ghost', '--wait', '0'], {env: adminEnv()});
		expect(result.code).toBe(7);
		expect(result.stderr).toMatch(
			/^mqtt-top: refusing to kick ghost: .*cannot tell whether its session is persistent.*Pass --force-takeover to do it anyway\n$/,
		);
	});
});

describe('errors a user can make', () => {
	test('a wrong password is exit 4 with one line', async () => {
		const result = await runCli([...as('alice', 'wrong'), 'list', '--wait', '0']);
		expect(result.code).toBe(4);
		expect(afterPasswordWarning(result.stderr)).toMatch(
			/^mqtt-top: mqtt:\/\/127\.0\.0\.1:\d+ refused user 'alice' \(Not authorized\): check -u\/--username and -P\/--password \(or MQTT_TOP_PASSWORD\)\n$/,
		);
		expect(result.stdout).toBe('');
	});

	test('an account without $SYS read access is exit 5 naming the ACL', async () => {
		const result = await runCli([...as('bare'), 'list', '--wait', '0']);
		expect(result.code).toBe(5);
		expect(afterPasswordWarning(result.stderr)).toMatch(
			/^mqtt-top: .* did not let user 'bare' subscribe to \$SYS\/broker\/log\/#.*grant read access to \$SYS\/#.*\n$/,
		);
	});

	test('an unreachable broker is exit 3', async () => {
		const result = await runCli(['-h', '127.0.0.1', '-p', '1', 'list', '--wait', '0']);
		expect(result.code).toBe(3);
		expect(result.stderr).toBe(
			'mqtt-top: cannot reach the broker at mqtt://127.0.0.1:1 (ECONNREFUSED): is it running, and are -h/--host and -p/--port right?\n',
		);
	});

	test('an account that may not use dynamic security can list but not block (exit 6)', async () => {
		const list = await runCli([...as('alice'), 'list', '--json', '--wait', '0']);
		expect(list.code).toBe(0);
		const block = await runCli([...as('alice'), 'block', 'bob', '--yes', '--wait', '0']);
		expect(block.code).toBe(6);
		expect(afterPasswordWarning(block.stderr)).toMatch(/^mqtt-top: cannot block: .*dynamic-security/);
	});

	test.each([
		[['list', '--json', '--csv'], '--json and --csv cannot be combined'],
		[['frobnicate'], "unknown command 'frobnicate'"],
		[['kick'], 'kick takes exactly one client ID'],
		[['-p', '99999', 'list'], '-p/--port: 99999 is not a port number'],
		[['-L', 'http://x', 'list'], "-L/--url: scheme 'http' is not mqtt, mqtts, ws or wss"],
	])('usage error %j', async (args, message) => {
		const result = await runCli(args);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(message);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
	});

	test('the password is never echoed', async () => {
		const result = await runCli(['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'alice', '-P', 'sekrit-123', 'list', '--wait', '0']);
		expect(result.stderr + result.stdout).not.toContain('sekrit-123');
	});
});

describe('without the dynamic-security plugin', () => {
	let open: TestBroker;
	beforeAll(async () => {
		open = await startMosquitto({dynsec: false});
	}, 20_000);
	afterAll(async () => open?.stop());

	const anon = () => ['-h', '127.0.0.1', '-p', String(open.port), '--audit-log', path.join(open.dir, 'audit.log')];

	test('monitoring still works and block is unavailable (exit 6)', async () => {
		const list = await runCli([...anon(), 'list', '--json', '--wait', '0']);
		expect(list.code).toBe(0);
		const block = await runCli([...anon(), 'block', 'x', '--yes', '--wait', '0']);
		expect(block.code).toBe(6);
		expect(block.stderr).toMatch(/dynamic-security plugin not available/);
	}, 20_000);

	test('kick takes over a clean session, and refuses a persistent one without --force-takeover', async () => {
		const run = (args: string[], id: string) => startCli([...anon(), '-i', id, 'kick', ...args, '--wait', '2', '--yes']);
		let kick = run(['clean-1'], 'tk-1');
		await eventually(() => open.log().includes('tk-1 0 $SYS/broker/log/#'), 'monitor', 15_000);
		const clean = await connectClient(open.url, {clientId: 'clean-1'});
		clients.push(clean);
		let result = await kick.done;
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('kicked client clean-1 (taken over and closed)');
		await eventually(() => !clean.connected, 'clean-1 to be kicked');

		kick = run(['sticky'], 'tk-2');
		await eventually(() => open.log().includes('tk-2 0 $SYS/broker/log/#'), 'monitor', 15_000);
		const sticky = await connectClient(open.url, {clientId: 'sticky', clean: false});
		clients.push(sticky);
		result = await kick.done;
		expect(result.code).toBe(7);
		expect(result.stderr).toContain('its session is persistent (c0)');
		expect(sticky.connected).toBe(true);

		kick = run(['sticky', '--force-takeover'], 'tk-3');
		result = await kick.done;
		expect(result.code).toBe(0);
		await eventually(() => !sticky.connected, 'sticky to be kicked');
	}, 30_000);
});

describe('with the broker log file', () => {
	test('list --json --log-file shows sessions that connected before mqtt-top started, with their subscriptions', async () => {
		const early = await device('early bird', 'carol', {protocolVersion: 5, clean: false, keepalive: 90});
		await early.subscribeAsync({'alerts/#': {qos: 2}, 'cmd/early bird': {qos: 1}});
		const result = await runCli([...admin(), 'list', '--json', '--wait', '0', '--log-file', broker.logPath, '--filter', 'user:carol'], {
			env: adminEnv(),
		});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const records = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
		expect(records.find((r) => r.clientId === 'early bird')).toMatchObject({
			username: 'carol',
			protocol: '5.0',
			cleanSession: false,
			keepAlive: 90,
			status: 'online',
			subscriptions: [
				{topic: 'alerts/#', qos: 2},
				{topic: 'cmd/early bird', qos: 1},
			],
		});
		await early.endAsync();
	}, 20_000);

	test('an unreadable --log-file is a one-line usage error', async () => {
		const result = await runCli([...admin(), 'list', '--wait', '0', '--log-file', '/nonexistent/mosquitto.log'], {env: adminEnv()});
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			'mqtt-top: cannot read the log file /nonexistent/mosquitto.log: ENOENT (is log_dest file set in mosquitto.conf?)\n',
		);
	});
});
