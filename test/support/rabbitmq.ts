// Starts a real RabbitMQ (Debian's rabbitmq-server, with the MQTT and management plugins) for
// integration tests: its own node name, data directory and free loopback ports. Erlang takes about
// ten seconds to start, so each test file starts one and shares it between its tests. Fails loudly
// when RabbitMQ is missing: these tests must never skip.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {freePort} from '../../source/util/free-port.js';

// The package's own scripts under /usr/sbin switch to the `rabbitmq` user and its home; run as
// root, these take HOME (and so the Erlang cookie) from the environment we give them.
const bin = '/usr/lib/rabbitmq/bin';
const serverScript = path.join(bin, 'rabbitmq-server');
const ctlScript = path.join(bin, 'rabbitmqctl');

export type TestRabbit = {
	/** Erlang node name, unique per instance (what the API's `node` field says). */
	node: string;
	mqttPort: number;
	mqttUrl: string;
	apiPort: number;
	/** Management API base URL. */
	apiUrl: string;
	/** An administrator of the management API (`guest`, let in from loopback). */
	admin: {username: string; password: string};
	dir: string;
	/** Creates a user with full permissions on vhost `/`. */
	addUser(username: string, password: string): Promise<void>;
	/** One management API request as the administrator; answers the status and parsed body. */
	api(method: string, apiPath: string, body?: unknown): Promise<{status: number; body: unknown}>;
	/** The Erlang VM's process id (SIGSTOP freezes the whole broker). */
	pid(): number;
	signal(signal: NodeJS.Signals): void;
	/** The broker's own log so far (for a failing test's message). */
	log(): string;
	stop(): Promise<void>;
};

const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) if (child.pid) killGroup(child.pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

async function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

export function requireRabbitMQ(): void {
	if (!existsSync(serverScript) || !existsSync(ctlScript)) {
		throw new Error(`RabbitMQ is not installed (${serverScript} missing): apt-get install -y rabbitmq-server (.ci/run installs it)`);
	}
}

export async function startRabbitMQ(): Promise<TestRabbit> {
	requireRabbitMQ();
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-rabbitmq-'));
	const [amqpPort, mqttPort, apiPort, distPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
	const node = `mqtt-top-${randomBytes(4).toString('hex')}@localhost`;
	writeFileSync(
		path.join(dir, 'rabbitmq.conf'),
		[
			`listeners.tcp.default = 127.0.0.1:${amqpPort}`,
			`mqtt.listeners.tcp.default = 127.0.0.1:${mqttPort}`,
			`management.tcp.ip = 127.0.0.1`,
			`management.tcp.port = ${apiPort}`,
			// guest may log in from loopback only by default; the tests connect over 127.0.0.1 anyway.
			'loopback_users = none',
			// Five seconds by default: a new connection would take that long to be listed.
			'collect_statistics_interval = 1000',
			'',
		].join('\n'),
	);
	writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_mqtt,rabbitmq_management].\n');
	const env: NodeJS.ProcessEnv = {
		...process.env,
		HOME: dir,
		RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
		RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
		RABBITMQ_NODENAME: node,
		RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
		RABBITMQ_LOG_BASE: path.join(dir, 'log'),
		RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
		RABBITMQ_DIST_PORT: String(distPort),
	};
	let output = '';
	const child = spawn(serverScript, [], {env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true});
	running.add(child);
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	const admin = {username: 'guest', password: 'guest'};
	const apiUrl = `http://127.0.0.1:${apiPort}`;
	const auth = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;

	const api = async (method: string, apiPath: string, body?: unknown) => {
		const response = await fetch(apiUrl + apiPath, {
			method,
			headers: {authorization: auth, ...(body === undefined ? {} : {'content-type': 'application/json'})},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(10_000),
		});
		const text = await response.text();
		return {status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined};
	};

	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			killGroup(child.pid!, 'SIGCONT');
			spawnSync(ctlScript, ['-n', node, 'stop'], {env, timeout: 20_000, stdio: 'ignore'});
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (child.exitCode === null && child.signalCode === null) {
				killGroup(child.pid!, 'SIGKILL');
				await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
			}
		}

		running.delete(child);
		rmSync(dir, {recursive: true, force: true});
	};

	const log = () => {
		const file = path.join(dir, 'log', `${node}.log`);
		return output + (existsSync(file) ? readFileSync(file, 'utf8') : '');
	};

	const pid = () => Number.parseInt(readFileSync(path.join(dir, 'rabbitmq.pid'), 'utf8'), 10);

	// Ready when the management API answers and the MQTT listener accepts (the plugins start in
	// no fixed order).
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) {
			const text = log();
			await stop();
			throw new Error(`rabbitmq-server exited (${child.exitCode}): ${text.slice(-2000)}`);
		}

		const ready = await api('GET', '/api/overview').then(
			(r) => r.status === 200,
			() => false,
		);
		if (ready && (await accepts(mqttPort))) break;
		if (Date.now() > deadline) {
			const text = log();
			await stop();
			throw new Error(`RabbitMQ did not answer on ${apiUrl} within 60 s: ${text.slice(-2000)}`);
		}

		await new Promise((r) => setTimeout(r, 250));
	}

	return {
		node,
		mqttPort,
		mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
		apiPort,
		apiUrl,
		admin,
		dir,
		api,
		async addUser(username, password) {
			const user = await api('PUT', `/api/users/${encodeURIComponent(username)}`, {password, tags: ''});
			if (user.status >= 300) throw new Error(`creating user ${username}: HTTP ${user.status}`);
			const permissions = await api('PUT', `/api/permissions/%2F/${encodeURIComponent(username)}`, {
				configure: '.*',
				write: '.*',
				read: '.*',
			});
			if (permissions.status >= 300) throw new Error(`granting ${username} vhost /: HTTP ${permissions.status}`);
		},
		pid,
		signal(signal) {
			process.kill(pid(), signal);
		},
		log,
		stop,
	};
}
