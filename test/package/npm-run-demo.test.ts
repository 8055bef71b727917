// The README's first command, `npm run demo`, run from the checkout in a real terminal, on each
// demo broker a user can choose. `npm install` built dist/ (the `prepare` script; npm test
// builds too), so the demo starts with no build step in front of it.
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {blockAndUnblock, quit, startDemoIn} from '../support/drive-demo.js';
import {Terminal} from '../support/terminal.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What is left on the shell's screen once the demo has quit, prompts left out. */
function leftOnScreen(terminal: Terminal): string[] {
	return terminal
		.screen()
		.split('\n')
		.filter((line) => line.trim() !== '' && !/^e2e\$/.test(line));
}

describe('npm run demo, from the checkout', () => {
	let terminal: Terminal | undefined;

	beforeAll(() => {
		if (!existsSync(path.join(root, 'dist/bin/cli.js'))) throw new Error('dist/bin/cli.js is missing: run npm run build (npm test does)');
	});

	afterEach(() => {
		terminal?.kill();
		terminal = undefined;
	});

	it('--demo-broker embedded: the fleet shows, a device is blocked and unblocked, q exits 0, nothing else is printed', async () => {
		terminal = new Terminal();
		const first = await startDemoIn(terminal, {
			command: 'npm run demo -- --demo-broker embedded',
			cwd: root,
			broker: /demo: embedded aedes/,
		});
		expect(first.split('\n')[0]).toMatch(/^mqtt-top {2}mqtt:\/\/127\.0\.0\.1:\d+ {2}demo: embedded aedes/);
		await blockAndUnblock(terminal);
		expect(await quit(terminal)).toBe(0);
		// npm's own two-line banner for the script, then only the exit status: no build output,
		// no progress lines, no warnings.
		expect(leftOnScreen(terminal)).toEqual(['> mqtt-top@0.1.0 demo', '> node dist/bin/cli.js --demo --demo-broker embedded', 'exit=0']);
	}, 150_000);

	it('--demo-broker mosquitto: the same demo on the installed Mosquitto', async () => {
		terminal = new Terminal();
		await startDemoIn(terminal, {command: 'npm run demo -- --demo-broker mosquitto', cwd: root, broker: /demo: Mosquitto 2\.\d+\.\d+/});
		await blockAndUnblock(terminal);
		expect(await quit(terminal)).toBe(0);
		expect(leftOnScreen(terminal)).toEqual(['> mqtt-top@0.1.0 demo', '> node dist/bin/cli.js --demo --demo-broker mosquitto', 'exit=0']);
	}, 150_000);
});
