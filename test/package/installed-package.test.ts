// The package as it is published: `npm pack`, installed into a temporary prefix the way a user
// installs it (`npm install -g`), and the installed `mqtt-top` run in a real terminal. The demo
// runs on the embedded broker even here, where Mosquitto is installed, because a user's fresh
// machine has none; the Mosquitto choice is run too.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {blockAndUnblock, quit, startDemoIn} from '../support/drive-demo.js';
import {Terminal} from '../support/terminal.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string}).version;

function npm(args: string[], cwd: string): string {
	const result = spawnSync('npm', args, {cwd, encoding: 'utf8', timeout: 180_000});
	if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
	return result.stdout;
}

describe('the packed package, installed with npm install -g', () => {
	let dir: string;
	let prefix: string;
	let files: string[];
	let installed: string;
	let terminal: Terminal | undefined;

	beforeAll(() => {
		// npm test builds first. Packing with --ignore-scripts packs that build: running `prepare`
		// here would rewrite dist/ while other test files run it.
		if (!existsSync(path.join(root, 'dist/bin/cli.js'))) throw new Error('dist/bin/cli.js is missing: run npm run build (npm test does)');
		dir = mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-pack-'));
		const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as Array<{
			filename: string;
			files: Array<{path: string}>;
		}>;
		files = packed.files.map((f) => f.path);
		prefix = path.join(dir, 'prefix');
		// The shipped CLI is one self-contained bundle: installing it needs nothing from a registry.
		npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', path.join(dir, packed.filename)], dir);
		installed = path.join(prefix, 'bin', 'mqtt-top');
	}, 200_000);

	afterEach(() => {
		terminal?.kill();
		terminal = undefined;
	});

	afterAll(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	it('ships the bundled CLI, the README and the licence, and none of the sources or tests', () => {
		expect(files).toContain('dist/bin/cli.js');
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
		expect(files.filter((f) => /^(source|test|bench|scripts)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map'))).toEqual([]);
		expect(existsSync(installed)).toBe(true);
	});

	it('--version prints the package version', () => {
		const result = spawnSync(installed, ['--version'], {encoding: 'utf8', cwd: os.tmpdir()});
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(`${version}\n`);
	});

	it('--help documents the commands and the demo broker choice', () => {
		const result = spawnSync(installed, ['--help'], {encoding: 'utf8', cwd: os.tmpdir()});
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/mqtt-top list/);
		expect(result.stdout).toMatch(/--demo-broker B\s+auto/);
		expect(result.stderr).toBe('');
	});

	it('a bad --demo-broker is one line with the mqtt-top: prefix and exit code 2', () => {
		const result = spawnSync(installed, ['--demo', '--demo-broker', 'hivemq', 'list'], {encoding: 'utf8', cwd: os.tmpdir()});
		expect(result.status).toBe(2);
		expect(result.stderr).toBe("mqtt-top: --demo-broker: 'hivemq' is not one of auto, mosquitto, embedded\n");
		const dialect = spawnSync(installed, ['--demo', '--demo-broker', 'mosquitto', '--demo-dialect', '2.1', 'list'], {encoding: 'utf8'});
		expect(dialect.status).toBe(2);
		expect(dialect.stderr).toMatch(/^mqtt-top: --demo-dialect sets the embedded broker's log lines: [^\n]+\n$/);
	});

	it('--demo on the embedded broker: the fleet shows, a device is blocked and unblocked, q exits 0', async () => {
		terminal = new Terminal();
		const first = await startDemoIn(terminal, {
			command: 'mqtt-top --demo --demo-broker embedded',
			cwd: os.tmpdir(),
			broker: /demo: embedded aedes/,
			env: {PATH: `${path.dirname(installed)}:${process.env.PATH ?? ''}`},
		});
		// Nothing but the product: no build output or progress chatter above the monitor.
		expect(first.split('\n')[0]).toMatch(/^mqtt-top {2}mqtt:\/\/127\.0\.0\.1:\d+ {2}demo: embedded aedes/);
		await blockAndUnblock(terminal);
		expect(await quit(terminal)).toBe(0);
		// The screen is restored, and the demo printed nothing but the exit status the shell echoed.
		const after = terminal
			.screen()
			.split('\n')
			.filter((line) => line.trim() !== '' && !/^e2e\$/.test(line));
		expect(after).toEqual(['exit=0']);
	}, 150_000);

	it('--demo-broker mosquitto runs the installed Mosquitto', async () => {
		terminal = new Terminal();
		await startDemoIn(terminal, {
			command: 'mqtt-top --demo --demo-broker mosquitto',
			cwd: os.tmpdir(),
			broker: /demo: Mosquitto 2\.\d+\.\d+/,
			env: {PATH: `${path.dirname(installed)}:${process.env.PATH ?? ''}`},
		});
		expect(await quit(terminal)).toBe(0);
	}, 90_000);
});
