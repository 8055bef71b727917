import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {buildConfig, configForNode} from '../source/config.js';
import {UserError} from '../source/errors.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-brokers-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

function brokers(text: string, mode = 0o600): string {
	const file = path.join(dir, 'brokers.toml');
	writeFileSync(file, text);
	chmodSync(file, mode);
	return file;
}

function usageError(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(2);
		expect((error as Error).message).not.toContain('\n');
		return (error as Error).message;
	}

	throw new Error('expected a usage error');
}

const fleet = `
[[broker]]
name = "edge-1"
url = "mqtts://edge-1.example:8884"
username = "mon"
password = "s3cret"
insecure = true

[[broker]]
host = "10.0.0.7"
port = 1884
type = "rabbitmq"
username = "guest"
password_env = "RABBIT_PASSWORD"
log_file = false

[[broker]]
name = "emqx-a"
url = "mqtt://emqx.example"
type = "emqx"
api_url = "https://emqx.example:18084"
`;

describe('--brokers FILE', () => {
	test('one node per [[broker]] table, named by name or host:port, with its own credentials and type', () => {
		const config = buildConfig({brokers: brokers(fleet), id: 'mon'}, {RABBIT_PASSWORD: 'rabbit'});
		expect(config.nodes.map((n) => n.name)).toEqual(['edge-1', '10.0.0.7:1884', 'emqx-a']);
		expect(config.nodes[0]).toMatchObject({
			transport: 'mqtts',
			host: 'edge-1.example',
			port: 8884,
			username: 'mon',
			password: 's3cret',
			insecure: true,
		});
		expect(config.nodes[1]).toMatchObject({brokerType: 'rabbitmq', apiUrl: 'http://10.0.0.7:15672', password: 'rabbit', logFile: false});
		expect(config.nodes[2]).toMatchObject({brokerType: 'emqx', apiUrl: 'https://emqx.example:18084', port: 1883});
		// Several brokers: a log file only where one is named, never the local default guessed.
		expect(config.nodes.map((n) => n.logFile)).toEqual([false, false, false]);
		// The top-level fields stay the first node's, for single-broker code.
		expect(config).toMatchObject({node: 'edge-1', host: 'edge-1.example', port: 8884, username: 'mon', brokerType: 'mosquitto'});
		expect(config.warnings).toEqual([]);
	});

	test('configForNode gives each driver its node, and each node its own client ID', () => {
		const config = buildConfig({brokers: brokers(fleet), id: 'mon'}, {RABBIT_PASSWORD: 'rabbit'});
		const second = configForNode(config, config.nodes[1]);
		expect(second).toMatchObject({
			node: '10.0.0.7:1884',
			host: '10.0.0.7',
			port: 1884,
			brokerType: 'rabbitmq',
			password: 'rabbit',
			clientId: 'mon-2',
		});
		expect(second.logFile).toBe(false);
		expect(configForNode(config, 'emqx-a').clientId).toBe('mon-3');
		expect(new Set(config.nodes.map((n) => configForNode(config, n).clientId)).size).toBe(3);
	});

	test('a password file is read (without its trailing newline); a readable one is warned about', () => {
		const secret = path.join(dir, 'secret');
		writeFileSync(secret, 'pw\n');
		chmodSync(secret, 0o644);
		const file = brokers(`[[broker]]\nurl = "mqtt://a"\nusername = "u"\npassword_file = "secret"\n`);
		const config = buildConfig({brokers: file}, {});
		expect(config.password).toBe('pw');
		expect(config.warnings).toEqual([
			`warning: ${secret} holds a password and can be read by other users of this host: chmod 600 ${secret}`,
		]);
		chmodSync(secret, 0o600);
		expect(buildConfig({brokers: file}, {}).warnings).toEqual([]);
	});

	test('a brokers file holding a password that others can read is warned about', () => {
		const file = brokers(fleet, 0o640);
		expect(buildConfig({brokers: file}, {RABBIT_PASSWORD: 'x'}).warnings).toEqual([
			`warning: ${file} holds a password and can be read by other users of this host: chmod 600 ${file}`,
		]);
		// No password in it: nothing to warn about.
		expect(buildConfig({brokers: brokers('[[broker]]\nurl = "mqtt://a"\n', 0o644)}, {}).warnings).toEqual([]);
	});

	test('command-line connection flags are defaults for the entries', () => {
		const file = brokers('[[broker]]\nurl = "mqtt://a"\n\n[[broker]]\nurl = "mqtt://b"\nusername = "own"\npassword = "p"\n');
		const config = buildConfig({brokers: file, username: 'shared', brokerType: 'vernemq'}, {MQTT_TOP_PASSWORD: 'env'});
		expect(config.nodes.map((n) => [n.name, n.username, n.password, n.brokerType, n.apiUrl])).toEqual([
			['a:1883', 'shared', 'env', 'vernemq', 'http://a:8888'],
			['b:1883', 'own', 'p', 'vernemq', 'http://b:8888'],
		]);
	});

	test('relative paths are relative to the file', () => {
		const file = brokers('[[broker]]\nurl = "mqtts://a"\ncafile = "ca.pem"\n');
		expect(usageError(() => buildConfig({brokers: file}, {}))).toBe(
			`cannot read ${file}: broker #1: cafile ${path.join(dir, 'ca.pem')}: ENOENT`,
		);
		writeFileSync(path.join(dir, 'ca.pem'), 'PEM');
		expect(buildConfig({brokers: file}, {}).ca?.toString()).toBe('PEM');
	});

	test.each([
		['[[broker]]\nurl = "mqtt://a"\nname = "x"\nhots = "b"\n', "broker 'x': hots: unknown key"],
		['[[broker]]\nname = "x"\nurl = "ftp://a"\n', "broker 'x': url: scheme 'ftp' is not mqtt, mqtts, ws or wss"],
		['[[broker]]\nname = "x"\nport = 70000\n', "broker 'x': port: 70000 is not a port number"],
		['[[broker]]\nname = "x"\nport = "1883"\n', "broker 'x': port: 1883 is not a port number"],
		['[[broker]]\nname = "x"\nurl = "mqtt://a"\nport = 1\n', "broker 'x': url: give url, or host and port, not both"],
		['[[broker]]\nname = "x"\ntype = "hivemq"\n', "broker 'x': type: 'hivemq' is not one of mosquitto, rabbitmq, emqx, vernemq"],
		['[[broker]]\nname = "x"\napi_url = "http://a:1"\n', "broker 'x': api_url: mosquitto has no management API"],
		['[[broker]]\nname = "x"\ntype = "emqx"\napi_url = "a:1"\n', "broker 'x': api_url: 'a:1' is not an http:// or https:// URL"],
		['[[broker]]\nname = "x"\npassword = "p"\n', "broker 'x': password: a password needs a username"],
		[
			'[[broker]]\nname = "x"\nusername = "u"\npassword_env = "NOPE"\n',
			"broker 'x': password_env: the environment variable NOPE is not set",
		],
		['[[broker]]\nname = "x"\nusername = "u"\npassword = "p"\npassword_env = "E"\n', "broker 'x': password_env: give one of password"],
		['[[broker]]\nname = "x"\ninsecure = "yes"\n', "broker 'x': insecure: must be true or false"],
		['[[broker]]\nname = "x"\nlog_file = true\n', "broker 'x': log_file: must be a path, or false for none"],
		['[[broker]]\nname = ""\n', 'broker #1: name: must be a non-empty string'],
		['[[broker]]\nname = "a\\u0007b"\n', 'name: must not contain control characters'],
		['[[broker]]\nurl = "mqtt://a"\n[[broker]]\nurl = "mqtt://a:1883"\n', "two brokers are named 'a:1883'"],
		['[broker]\nurl = "mqtt://a"\n', 'no brokers: add a [[broker]] table'],
		['host = "a"\n', "unknown key 'host' (each broker is a [[broker]] table)"],
		['[[broker]\n', 'not valid TOML'],
		['alert = "count<3"\n[[broker]]\nurl = "mqtt://a"\n', 'alert: must be a list of rules, e.g. alert = ["down:id:gw-01", "count<10"]'],
		['[[broker]]\nname = "x"\nalert = ["ok", ""]\n', "broker 'x': alert: must be a list of rules"],
	])('a mistake names the file, the broker and the key: %j', (text, message) => {
		const file = brokers(text);
		const error = usageError(() => buildConfig({brokers: file}, {}));
		expect(error).toContain(`${file}: `);
		expect(error).toContain(message);
		// eslint-disable-next-line no-control-regex
		expect(error).not.toMatch(/[\u0000-\u001f]/);
	});

	test("alert rules: top-level ones for every broker, a broker's own for that broker only (by its resolved name)", () => {
		const file = brokers(
			'alert = ["count<3"]\n[[broker]]\nurl = "mqtt://edge:1884"\nalert = ["down:id:gw-01", "flaps>2"]\n[[broker]]\nname = "core"\nurl = "mqtt://core"\n',
		);
		const config = buildConfig({brokers: file, alert: ['up:-address:10.0.0.0/8']}, {});
		expect(config.alerts).toEqual([
			{text: 'count<3', from: `${file}: alert`},
			{text: 'down:id:gw-01', from: `${file}: broker 'edge:1884': alert`, node: 'edge:1884'},
			{text: 'flaps>2', from: `${file}: broker 'edge:1884': alert`, node: 'edge:1884'},
			{text: 'up:-address:10.0.0.0/8', from: '--alert'},
		]);
	});

	test('a missing file is a usage error naming it', () => {
		expect(usageError(() => buildConfig({brokers: path.join(dir, 'nope.toml')}, {}))).toBe(
			`cannot read --brokers ${path.join(dir, 'nope.toml')}: ENOENT`,
		);
	});

	test('--brokers does not mix with brokers named on the command line', () => {
		const file = brokers(fleet);
		expect(usageError(() => buildConfig({brokers: file, url: ['mqtt://c']}, {}))).toContain('--brokers names the brokers itself');
		expect(usageError(() => buildConfig({brokers: file, apiUrl: 'http://x'}, {}))).toContain('set api_url in');
		expect(usageError(() => buildConfig({brokers: file, logFile: '/var/log/m.log'}, {RABBIT_PASSWORD: 'x'}))).toContain(
			"--log-file: which broker's file?",
		);
		// One broker in the file: --log-file is clearly its own.
		expect(buildConfig({brokers: brokers('[[broker]]\nurl = "mqtt://a"\n'), logFile: '/l'}, {}).logFile).toBe('/l');
	});

	test('$XDG_CONFIG_HOME/mqtt-top/brokers.toml is read only when no broker is named on the command line', () => {
		const home = path.join(dir, 'home');
		const file = path.join(home, 'mqtt-top', 'brokers.toml');
		const env = {XDG_CONFIG_HOME: home};
		expect(buildConfig({}, env).nodes.map((n) => n.name)).toEqual(['localhost:1883']);
		mkdirSync(path.dirname(file), {recursive: true});
		writeFileSync(file, '[[broker]]\nname = "home"\nurl = "mqtt://h"\n');
		const config = buildConfig({}, env);
		expect([config.nodes.map((n) => n.name), config.brokersFile]).toEqual([['home'], file]);
		expect(buildConfig({host: 'other'}, env).node).toBe('other:1883');
		expect(buildConfig({url: ['mqtt://other']}, env).node).toBe('other:1883');
	});
});

describe('several -L/--url', () => {
	test('each URL is a node, named host:port, sharing the other connection flags', () => {
		const config = buildConfig({url: ['mqtt://a:1883', 'mqtts://[::1]:8883'], username: 'u', password: 'p', id: 'm'}, {});
		expect(config.nodes.map((n) => [n.name, n.transport, n.username, n.password])).toEqual([
			['a:1883', 'mqtt', 'u', 'p'],
			['[::1]:8883', 'mqtts', 'u', 'p'],
		]);
		expect(config.nodes.map((n) => configForNode(config, n).clientId)).toEqual(['m-1', 'm-2']);
		// With several brokers, none of them is guessed to write the local default log file.
		expect(config.nodes.map((n) => n.logFile)).toEqual([false, false]);
	});

	test('one node keeps its client ID and the local log file default', () => {
		const config = buildConfig({url: ['mqtt://a'], id: 'm'}, {});
		expect(configForNode(config, config.nodes[0])).toMatchObject({clientId: 'm', node: 'a:1883', logFile: undefined});
	});

	test('per-broker flags that cannot be shared, and the same broker twice, are usage errors', () => {
		expect(usageError(() => buildConfig({url: ['mqtt://a', 'mqtt://b'], logFile: '/x'}, {}))).toContain("--log-file: which broker's file?");
		expect(usageError(() => buildConfig({url: ['mqtt://a', 'mqtt://b'], brokerType: 'emqx', apiUrl: 'http://a:18083'}, {}))).toContain(
			"--api-url: which broker's API?",
		);
		expect(usageError(() => buildConfig({url: ['mqtt://a', 'mqtt://a:1883']}, {}))).toBe("-L/--url: 'a:1883' is given twice");
		expect(buildConfig({url: ['mqtt://a', 'mqtt://b'], logFile: false}, {}).nodes.every((n) => n.logFile === false)).toBe(true);
	});
});

describe('--broker-type and --api-url', () => {
	test('the API URL defaults per type on the broker host', () => {
		expect(buildConfig({host: 'r', brokerType: 'rabbitmq'}, {})).toMatchObject({brokerType: 'rabbitmq', apiUrl: 'http://r:15672'});
		expect(buildConfig({host: 'e', brokerType: 'emqx'}, {}).apiUrl).toBe('http://e:18083');
		expect(buildConfig({host: 'v', brokerType: 'vernemq'}, {}).apiUrl).toBe('http://v:8888');
		expect(buildConfig({host: 'm'}, {}).apiUrl).toBeUndefined();
		expect(buildConfig({host: 'r', brokerType: 'rabbitmq', apiUrl: 'https://mgmt:443/'}, {}).apiUrl).toBe('https://mgmt:443/');
	});

	test('a bad type, a bad URL, or an API URL for Mosquitto is a usage error', () => {
		expect(usageError(() => buildConfig({brokerType: 'hivemq'}, {}))).toBe(
			"--broker-type: 'hivemq' is not one of mosquitto, rabbitmq, emqx, vernemq",
		);
		expect(usageError(() => buildConfig({brokerType: 'emqx', apiUrl: 'nope'}, {}))).toContain(
			"--api-url: 'nope' is not an http:// or https:// URL",
		);
		expect(usageError(() => buildConfig({apiUrl: 'http://x:1'}, {}))).toContain('--api-url: mosquitto has no management API');
		expect(usageError(() => buildConfig({brokerType: 'mosquitto', apiUrl: 'http://x:1'}, {}))).toContain('--api-url: mosquitto');
	});
});
