// Runs the real Mosquitto for the demo: a throw-away config and dynamic-security file in a temp
// dir, a free loopback port, and every log line the monitor needs published to $SYS/broker/log.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {DemoAccount} from './accounts.js';
import type {MosquittoInstall} from './detect.js';
import type {DemoBroker} from './types.js';
import {freePort} from '../util/free-port.js';

function canConnect(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

export function mosquittoConfig(install: MosquittoInstall, port: number, dynsecFile: string): string {
	const lines = [
		`listener ${port} 127.0.0.1`,
		'allow_anonymous false',
		`plugin ${install.plugin}`,
		`plugin_opt_config_file ${dynsecFile}`,
		// The monitor reads these; debug lines are never published to topics, so no feedback loop.
		'log_dest topic',
		'log_type all',
		'log_timestamp true',
		'connection_messages true',
		'sys_interval 1',
		'persistence false',
	];
	// As root Mosquitto would drop to user `mosquitto`, who cannot read our temp dir.
	if (process.getuid?.() === 0) lines.push('user root');
	return lines.join('\n') + '\n';
}

type Started = {child: ChildProcess; port: number; output: () => string};

/**
 * Mosquitto runs under a small sh guardian that kills it and removes the temp dir as soon as our
 * end of its stdin closes, which also happens when this process dies without running exit
 * handlers (SIGKILL, a closed terminal). It exits when Mosquitto does, with its status.
 */
const guardian = 'exec 3<&0; "$1" -c "$2" </dev/null & pid=$!; (read line <&3; kill $pid 2>/dev/null; rm -rf "$3") & wait $pid';

/** Ends the guardian, Mosquitto and the guardian's reader: they share a process group. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	try {
		if (child.pid !== undefined) process.kill(-child.pid, signal);
	} catch {
		child.kill(signal);
	}
}

async function launch(install: MosquittoInstall, dir: string, dynsecFile: string): Promise<Started> {
	const port = await freePort();
	const configFile = path.join(dir, 'mosquitto.conf');
	writeFileSync(configFile, mosquittoConfig(install, port, dynsecFile), {mode: 0o600});
	// detached: its own process group, so the terminal's Ctrl-C reaches the monitor, which stops it.
	const child = spawn('/bin/sh', ['-c', guardian, 'mqtt-top-demo-broker', install.binary, configFile, dir], {
		stdio: ['pipe', 'ignore', 'pipe'],
		detached: true,
	});
	let tail = '';
	child.stderr?.on('data', (d: Buffer) => {
		tail = (tail + d.toString()).slice(-2000);
	});
	child.stdin?.on('error', () => {});
	child.on('error', (error) => {
		tail += String(error);
	});
	const output = () => tail.trim();
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) return {child, port: -1, output};
		if (await canConnect(port)) return {child, port, output};
		await new Promise((r) => setTimeout(r, 50));
	}

	killGroup(child, 'SIGKILL');
	throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within 10 s: ${output()}`);
}

export async function startMosquittoBroker(install: MosquittoInstall, admin: DemoAccount): Promise<DemoBroker> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-demo-'));
	let child: ChildProcess | undefined;
	// If the process dies without stop() (a crash, a second Ctrl-C), leave nothing running.
	const onExit = () => {
		if (child) killGroup(child, 'SIGKILL');
		rmSync(dir, {recursive: true, force: true});
	};

	process.on('exit', onExit);
	const cleanUp = () => {
		process.off('exit', onExit);
		rmSync(dir, {recursive: true, force: true});
	};

	try {
		const dynsecFile = path.join(dir, 'dynamic-security.json');
		// Without the password argument mosquitto_ctrl asks for it twice on stdin: a password in argv
		// would be readable by every user of the host (ps, /proc/PID/cmdline) while it runs.
		const init = spawnSync(install.ctrl, ['dynsec', 'init', dynsecFile, admin.username], {
			input: `${admin.password}\n${admin.password}\n`,
			encoding: 'utf8',
			timeout: 10_000,
		});
		if (init.status !== 0) {
			throw new Error(`${install.ctrl} dynsec init failed: ${(init.stderr || init.stdout || String(init.error)).trim()}`);
		}

		// Another process may take the free port between our check and Mosquitto's bind: try again.
		let started: Started | undefined;
		for (let attempt = 0; attempt < 3 && !started; attempt++) {
			const run = await launch(install, dir, dynsecFile);
			child = run.child;
			if (run.port > 0) {
				started = run;
				continue;
			}

			// Mosquitto is gone; end the guardian's reader without letting it remove the dir we retry in.
			killGroup(run.child, 'SIGKILL');
			if (!/address already in use/i.test(run.output())) throw new Error(`mosquitto exited: ${run.output()}`);
		}

		if (!started) throw new Error('mosquitto could not bind a free loopback port');
		const running = started;
		return {
			flavour: 'mosquitto',
			label: `demo: Mosquitto ${install.version}`,
			host: '127.0.0.1',
			port: running.port,
			detail: `config, dynamic-security file in ${dir}`,
			async stop() {
				const proc = running.child;
				if (proc.exitCode === null && proc.signalCode === null) {
					const exited = new Promise((r) => proc.once('exit', r));
					// Closing its stdin is the guardian's cue to stop Mosquitto.
					proc.stdin?.end();
					await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
					if (proc.exitCode === null && proc.signalCode === null) killGroup(proc, 'SIGKILL');
				}

				cleanUp();
			},
		};
	} catch (error) {
		if (child) killGroup(child, 'SIGKILL');
		cleanUp();
		throw error;
	}
}
