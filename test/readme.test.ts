// The README's commands are run here, so the README cannot drift from the program: the broker
// snippet configures a real Mosquitto, the mosquitto_ctrl lines create the monitoring account,
// and every mqtt-top line runs against that broker.
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {MqttClient} from 'mqtt';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {keymap} from '../source/ui/keymap.js';
import {startCli} from './support/cli.js';
import {connectClient, dynsecPlugin, eventually, findBinary, freePort, startMosquitto, type TestBroker} from './support/mosquitto.js';
import {makeCertificates} from './support/tls.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {scripts: Record<string, string>};

function blocks(language: string): string[] {
	return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

const shellLines = blocks('sh').flatMap((b) => b.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')));

/** Splits a shell line into words, honouring single and double quotes (all the README uses). */
function words(line: string): string[] {
	const out: string[] = [];
	let current = '';
	let quote: string | undefined;
	let started = false;
	for (const c of line) {
		if (quote) {
			if (c === quote) quote = undefined;
			else current += c;
		} else if (c === "'" || c === '"') {
			quote = c;
			started = true;
		} else if (c === ' ') {
			if (started) out.push(current);
			current = '';
			started = false;
		} else {
			current += c;
			started = true;
		}
	}

	if (started) out.push(current);
	return out;
}

test('the README commands are all of a kind this test runs', () => {
	for (const line of shellLines) expect(line).toMatch(/^(npm |mosquitto_ctrl |mqtt-top |MQTT_TOP_PASSWORD=\S+ mqtt-top )/);
	expect(shellLines.filter((l) => /^([A-Z_]+=\S+ )*mqtt-top /.test(l)).length).toBeGreaterThanOrEqual(8);
});

test('the two set-up commands exist: the demo and the full test suite', () => {
	expect(shellLines).toContain('npm install && npm run demo');
	expect(shellLines).toContain('npm test');
	expect(pkg.scripts.demo).toMatch(/node dist\/bin\/cli\.js --demo$/);
	expect(pkg.scripts.test).toContain('vitest run');
	expect(pkg.scripts.prepare).toContain('build');
});

test('every key of the keymap is in the README', () => {
	const keysSection = readme.slice(readme.indexOf('### Keys'), readme.indexOf('### Filter language'));
	for (const binding of keymap) {
		if (binding.fallback || binding.scopes.every((s) => s === 'prompt')) continue;
		for (const key of binding.label.split(' ')) expect(keysSection, `key ${key} (${binding.description})`).toContain(`\`${key}\``);
	}
});

describe('against a broker configured as the README says', () => {
	let broker: TestBroker;
	let tlsPort: number;
	let ca: string;
	const clients: MqttClient[] = [];

	beforeAll(async () => {
		// The README's mosquitto.conf snippet, with paths moved into the test's temp dir.
		const conf = blocks('conf')[0];
		expect(conf).toContain(`plugin ${dynsecPlugin}`);
		tlsPort = await freePort();
		const probe = await startMosquitto({dynsec: false});
		const dir = path.join(probe.dir, '..', `readme-${path.basename(probe.dir)}`);
		await probe.stop();
		mkdirSync(dir, {recursive: true});
		const certs = makeCertificates(dir);
		ca = certs.ca;
		const dynsecFile = path.join(dir, 'dynamic-security.json');
		const init = spawnSync(findBinary('mosquitto_ctrl'), ['dynsec', 'init', dynsecFile, 'admin', 'admin-pw']);
		expect(init.status).toBe(0);
		const lines = conf
			.replace('/var/log/mosquitto/mosquitto.log', path.join(dir, 'mosquitto.log'))
			.replace('/var/lib/mosquitto/dynamic-security.json', dynsecFile)
			.split('\n');
		broker = await startMosquitto({
			dynsec: false,
			logTypes: [],
			logTopic: false,
			logFile: false,
			logPath: path.join(dir, 'mosquitto.log'),
			extra: [
				...lines,
				'allow_anonymous false',
				`listener ${tlsPort} 127.0.0.1`,
				`cafile ${certs.ca}`,
				`certfile ${certs.cert}`,
				`keyfile ${certs.key}`,
			],
		});

		// The README's mosquitto_ctrl lines, as the broker's admin; then a device account for the examples.
		const ctrl = (args: string[]) =>
			spawnSync(findBinary('mosquitto_ctrl'), ['-h', '127.0.0.1', '-p', String(broker.port), '-u', 'admin', '-P', 'admin-pw', ...args], {
				encoding: 'utf8',
			});
		for (const line of shellLines.filter((l) => l.startsWith('mosquitto_ctrl '))) {
			const all = words(line);
			expect(all.slice(0, 5)).toEqual(['mosquitto_ctrl', '-h', 'localhost', '-u', 'admin']);
			const result = ctrl(all.slice(5));
			expect(result.status, `${line}: ${result.stderr}${result.stdout}`).toBe(0);
		}

		for (const args of [
			['createRole', 'device'],
			['addRoleACL', 'device', 'subscribePattern', '#', 'allow'],
			['createClient', 'alice', '-p', 'alice-pw'],
			['addClientRole', 'alice', 'device'],
		]) {
			expect(ctrl(['dynsec', ...args]).status).toBe(0);
		}
	}, 60_000);

	afterAll(async () => {
		for (const c of clients) c.end(true);
		await broker?.stop();
	});

	/** A README line made to point at the test broker: localhost:1883 → its port, the TLS URL and CA → the test's. */
	function localise(line: string): {args: string[]; env: Record<string, string>} {
		const all = words(line);
		const env: Record<string, string> = {MQTT_TOP_PASSWORD: 'monitor-password', XDG_STATE_HOME: path.join(broker.dir, 'state')};
		while (/^[A-Z_]+=/.test(all[0])) {
			const [name, value] = all.shift()!.split('=');
			env[name] = value === 'secret' ? 'monitor-password' : value;
		}

		expect(all.shift()).toBe('mqtt-top');
		const args = all.map((w) =>
			w === 'mqtts://localhost:8883'
				? `mqtts://localhost:${tlsPort}`
				: w === '/etc/mosquitto/ca.crt'
					? ca
					: w === '1883'
						? String(broker.port)
						: w,
		);
		if (!args.includes('-p') && !args.includes('-L')) args.unshift('-p', String(broker.port));
		if (!args.includes('-u')) args.unshift('-u', 'monitor');
		if (!args.includes('-h') && !args.includes('-L')) args.unshift('-h', 'localhost');
		return {args, env};
	}

	const mqttTopLines = () => shellLines.filter((l) => /^([A-Z_]+=\S+ )*mqtt-top /.test(l));

	test('every mqtt-top line runs against it', async () => {
		for (const line of mqttTopLines()) {
			const {args, env} = localise(line);
			const command = args.find((a) => ['list', 'kick', 'block', 'unblock'].includes(a));
			if (command === 'kick') args.unshift('-i', 'readme-kick');
			const run = startCli(args, {env});
			if (command === 'kick') {
				// The README kicks 'kitchen sensor 7': connect it while the kick listens, then answer y.
				await eventually(() => broker.log().includes('readme-kick 0 $SYS/broker/log/#'), 'the monitor to subscribe', 15_000);
				const id = args[args.indexOf('kick') + 1];
				clients.push(await connectClient(broker.url, {clientId: id, username: 'alice', password: 'alice-pw'}));
				await eventually(() => run.stderr().includes('[y/N]'), 'the question', 15_000);
				run.write('y\n');
			}

			const result = await run.done;
			if (command === undefined) {
				// The monitor needs a terminal (covered by the monitor's end-to-end test); here it got
				// as far as a valid configuration and says what to use instead.
				expect(result.stderr, line).toContain('the live monitor needs a terminal');
				expect(result.code, line).toBe(2);
			} else {
				expect(result.stderr.replace(/.*\[y\/N\] /, ''), line).toBe('');
				expect(result.code, line).toBe(0);
			}

			if (command === 'kick') expect(result.stdout).toContain('kicked username alice: disconnected 1: kitchen sensor 7');
			if (command === 'block') expect(result.stdout).toContain('blocked username alice');
			if (args.includes('--json')) expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
		}
	}, 120_000);
});
