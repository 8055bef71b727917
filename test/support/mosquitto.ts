// Starts a real Mosquitto for integration tests: temp dir, free loopback port, dynamic security,
// topic logging. Fails loudly when Mosquitto is missing: these tests must never skip.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {freePort} from '../../source/util/free-port.js';

export const dynsecPlugin = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

/** Where test/brokers/mosquitto-2.1/build.sh puts Mosquitto 2.1.2 (.ci/run builds it there). */
export const mosquitto21Prefix = process.env.MQTT_TOP_MOSQUITTO_21 ?? '/opt/mqtt-top-test/mosquitto-2.1.2';

/** The programs of one Mosquitto install: Debian's 2.0.11, or the 2.1.2 built from source. */
type Install = {broker: string; ctrl: string; plugin: string; env: NodeJS.ProcessEnv};

function install(version: '2.0' | '2.1'): Install {
	if (version === '2.0')
		return {broker: findBinary('mosquitto'), ctrl: findBinary('mosquitto_ctrl'), plugin: dynsecPlugin, env: process.env};
	const broker = path.join(mosquitto21Prefix, 'sbin', 'mosquitto');
	if (!existsSync(broker)) {
		throw new Error(`Mosquitto 2.1.2 is not built in ${mosquitto21Prefix}: run test/brokers/mosquitto-2.1/build.sh (.ci/run does)`);
	}

	const lib = path.join(mosquitto21Prefix, 'lib');
	return {
		broker,
		ctrl: path.join(mosquitto21Prefix, 'bin', 'mosquitto_ctrl'),
		plugin: path.join(lib, 'mosquitto_dynamic_security.so'),
		env: {...process.env, LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')},
	};
}

export function findBinary(name: string): string {
	for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
		if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
	}

	throw new Error(`${name} not found on PATH or in /usr/sbin: install it (apt-get install -y mosquitto mosquitto-clients)`);
}

export {freePort};

export type BrokerOptions = {
	/** `2.0`: Debian's package (default). `2.1`: the 2.1.2 built by test/brokers/mosquitto-2.1/build.sh. */
	version?: '2.0' | '2.1';
	/** Load the dynamic-security plugin (default true). Without it the broker allows anonymous clients. */
	dynsec?: boolean;
	/** `log_type` lines (default: all). */
	logTypes?: string[];
	/** Also `log_dest topic` (default true). */
	logTopic?: boolean;
	/** Add `log_dest file` (default true); false when `extra` brings its own, with `logPath` naming it. */
	logFile?: boolean;
	logPath?: string;
	/** Extra config lines. */
	extra?: string[];
};

export type TestBroker = {
	port: number;
	url: string;
	dir: string;
	logPath: string;
	admin: {username: string; password: string};
	/** Sends dynamic-security commands as the admin and returns the responses. */
	dynsec(commands: Array<Record<string, unknown>>): Promise<Array<Record<string, unknown>>>;
	/** Creates a client account that may publish and subscribe anywhere (and read $SYS). */
	createUser(username: string, password: string, roles?: string[]): Promise<void>;
	/** Creates an account that may connect but read nothing (for ACL tests). */
	createBareUser(username: string, password: string): Promise<void>;
	stop(): Promise<void>;
	log(): string;
	/** Sends a signal to the broker process (SIGSTOP freezes it, SIGCONT thaws it). */
	signal(signal: NodeJS.Signals): void;
	/** Ends the broker process (SIGKILL: no goodbye to clients) and waits for it to be gone; the port stays reserved in the config. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	/** Starts the broker again on the same port with the same config and accounts. */
	start(): Promise<void>;
};

const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${output()}`);
		const ok = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (ok) return;
		await new Promise((r) => setTimeout(r, 50));
	}

	throw new Error(`mosquitto did not listen on ${port} within 10 s: ${output()}`);
}

export async function startMosquitto(options: BrokerOptions = {}): Promise<TestBroker> {
	const programs = install(options.version ?? '2.0');
	const useDynsec = options.dynsec ?? true;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-broker-'));
	const port = await freePort();
	const logPath = options.logPath ?? path.join(dir, 'mosquitto.log');
	const admin = {username: 'admin', password: `pw-${randomUUID()}`};
	const lines = [
		`listener ${port} 127.0.0.1`,
		'user root',
		...((options.logFile ?? true) ? [`log_dest file ${logPath}`] : []),
		...((options.logTopic ?? true) ? ['log_dest topic'] : []),
		...(options.logTypes ?? ['all']).map((t) => `log_type ${t}`),
		'connection_messages true',
		'log_timestamp true',
		'sys_interval 1',
		'persistence false',
	];
	if (useDynsec) {
		const dynsecFile = path.join(dir, 'dynsec.json');
		const init = spawnSync(programs.ctrl, ['dynsec', 'init', dynsecFile, admin.username, admin.password], {
			encoding: 'utf8',
			env: programs.env,
		});
		if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}`);
		lines.push('allow_anonymous false', `plugin ${programs.plugin}`, `plugin_opt_config_file ${dynsecFile}`);
	} else {
		lines.push('allow_anonymous true');
	}

	lines.push(...(options.extra ?? []));
	const configPath = path.join(dir, 'mosquitto.conf');
	writeFileSync(configPath, lines.join('\n') + '\n');
	let output = '';
	let child: ChildProcess;
	const launch = async () => {
		child = spawn(programs.broker, ['-c', configPath], {stdio: ['ignore', 'pipe', 'pipe'], env: programs.env});
		running.add(child);
		child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
		await waitForPort(port, child, () => output);
	};

	await launch();

	const url = `mqtt://127.0.0.1:${port}`;
	const dynsec = async (commands: Array<Record<string, unknown>>) => {
		if (!useDynsec) throw new Error('this test broker has no dynamic security');
		const client = await connectClient(url, {username: admin.username, password: admin.password});
		try {
			await client.subscribeAsync('$CONTROL/dynamic-security/v1/response');
			const correlation = randomUUID();
			const tagged = commands.map((c, i) => ({...c, correlationData: `${correlation}-${i}`}));
			const answer = new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('no dynsec response')), 5000);
				client.on('message', (_topic, payload) => {
					const body = JSON.parse(payload.toString()) as {responses: Array<Record<string, unknown>>};
					if (body.responses.some((r) => String(r.correlationData).startsWith(correlation))) {
						clearTimeout(timer);
						resolve(body.responses);
					}
				});
			});
			await client.publishAsync('$CONTROL/dynamic-security/v1', JSON.stringify({commands: tagged}));
			const responses = await answer;
			const failed = responses.find((r) => r.error);
			if (failed) throw new Error(`dynsec ${String(failed.command)}: ${String(failed.error)}`);
			return responses;
		} finally {
			await client.endAsync();
		}
	};

	let rolesReady: Promise<unknown> | undefined;
	const ensureRoles = async () => {
		rolesReady ??= dynsec([
			{command: 'createRole', rolename: 'device'},
			{command: 'addRoleACL', rolename: 'device', acltype: 'publishClientSend', topic: '#', allow: true},
			{command: 'addRoleACL', rolename: 'device', acltype: 'publishClientReceive', topic: '#', allow: true},
			{command: 'addRoleACL', rolename: 'device', acltype: 'subscribePattern', topic: '#', allow: true},
			{command: 'addRoleACL', rolename: 'device', acltype: 'unsubscribePattern', topic: '#', allow: true},
		]);
		await rolesReady;
	};

	return {
		port,
		url,
		dir,
		logPath,
		admin,
		dynsec,
		async createUser(username, password, roles = ['device']) {
			await ensureRoles();
			await dynsec([{command: 'createClient', username, password, roles: roles.map((rolename) => ({rolename}))}]);
		},
		async createBareUser(username, password) {
			await dynsec([{command: 'createClient', username, password}]);
		},
		log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
		signal(signal) {
			child.kill(signal);
		},
		async kill(signal = 'SIGKILL') {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGCONT');
			child.kill(signal);
			await exited;
			running.delete(child);
		},
		start: launch,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
				if (child.exitCode === null) child.kill('SIGKILL');
			}

			running.delete(child);
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** A real MQTT client for tests, resolved once CONNACK arrives. Never reconnects on its own. */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
	const client = mqtt.connect(url, {reconnectPeriod: 0, connectTimeout: 5000, ...options});
	await new Promise<void>((resolve, reject) => {
		client.once('connect', () => resolve());
		client.once('error', (error) => {
			client.end(true);
			reject(error);
		});
	});
	return client;
}

/** Resolves when `check` returns a truthy value, polling; rejects with `what` after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value) return value;
		} catch (error) {
			last = error;
		}

		await new Promise((r) => setTimeout(r, 50));
	}

	throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
