// Finds a Mosquitto that can run the demo: the broker, mosquitto_ctrl (to create the dynamic
// security file) and the dynamic-security plugin. Anything missing means the embedded broker.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';

export type MosquittoInstall = {binary: string; ctrl: string; plugin: string; version: string};

export type Detection = {install: MosquittoInstall} | {install?: undefined; reason: string};

/** PATH plus the sbin directories Debian and others install the broker into. */
export function defaultSearchPath(env: NodeJS.ProcessEnv = process.env): string {
	return [env.PATH ?? '', '/usr/sbin', '/usr/local/sbin', '/sbin'].filter(Boolean).join(path.delimiter);
}

function findIn(searchPath: string, name: string): string | undefined {
	for (const dir of searchPath.split(path.delimiter)) {
		if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
	}

	return undefined;
}

function pluginDirs(binary: string): string[] {
	const multiarch = {x64: 'x86_64', arm64: 'aarch64', arm: 'arm'}[process.arch as string] ?? process.arch;
	const prefix = path.dirname(path.dirname(binary));
	return [
		`/usr/lib/${multiarch}-linux-gnu`,
		`/usr/lib/${multiarch}-linux-gnueabihf`,
		'/usr/lib',
		'/usr/lib64',
		'/usr/local/lib',
		path.join(prefix, 'lib'),
		'/opt/homebrew/lib',
	];
}

function versionOf(binary: string): string | undefined {
	// `mosquitto -h` prints "mosquitto version 2.0.11" and exits without starting.
	const run = spawnSync(binary, ['-h'], {encoding: 'utf8', timeout: 5000});
	return /mosquitto version (\S+)/.exec(`${run.stdout ?? ''}${run.stderr ?? ''}`)?.[1];
}

/**
 * Looks for Mosquitto in `searchPath` (a PATH-style list; tests pass one without it to force the
 * embedded broker).
 */
export function detectMosquitto(searchPath = defaultSearchPath()): Detection {
	const binary = findIn(searchPath, 'mosquitto');
	if (!binary) return {reason: 'mosquitto is not on PATH or in /usr/sbin'};
	const ctrl = findIn(searchPath, 'mosquitto_ctrl');
	if (!ctrl) return {reason: `found ${binary} but not mosquitto_ctrl (needed to set up dynamic security)`};
	const plugin = pluginDirs(binary)
		.map((dir) => path.join(dir, 'mosquitto_dynamic_security.so'))
		.find((file) => existsSync(file));
	if (!plugin) return {reason: `found ${binary} but not its dynamic-security plugin (mosquitto_dynamic_security.so)`};
	const version = versionOf(binary);
	if (!version) return {reason: `${binary} -h did not report a version`};
	return {install: {binary, ctrl, plugin, version}};
}
