import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin/cli.js');

export type CliResult = {code: number | null; stdout: string; stderr: string};

export type RunningCli = {
	/** Resolves when the process exits. */
	done: Promise<CliResult>;
	write(text: string): void;
	stdout(): string;
	stderr(): string;
	pid: number;
};

/** Runs the built CLI (`npm run build` first) as a user would, without a terminal. */
export function startCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string} = {}): RunningCli {
	if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build`);
	const child = spawn(process.execPath, [cliPath, ...args], {
		env: {...process.env, MQTT_TOP_PASSWORD: undefined, ...options.env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	if (options.input !== undefined) {
		child.stdin.end(options.input);
	}

	const done = new Promise<CliResult>((resolve) => {
		child.on('close', (code) => resolve({code, stdout, stderr}));
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	void done.then(() => clearTimeout(timer));
	return {
		done,
		write: (text) => child.stdin.write(text),
		stdout: () => stdout,
		stderr: () => stderr,
		pid: child.pid!,
	};
}

export async function runCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string} = {}): Promise<CliResult> {
	return startCli(args, {input: '', ...options}).done;
}
