// Drives `mqtt-top --demo` in a real terminal as a new user would: wait for the fleet, block one
// device's account and unblock it again from the keyboard, quit, and read the exit status the
// shell printed. Shared by the tests of the installed package and of `npm run demo`.
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect} from 'vitest';
import type {Terminal} from './terminal.js';

export type DemoRun = {
	/** The shell command line that starts the demo (run from `cwd`). */
	command: string;
	cwd: string;
	/** What the header names as the broker, e.g. /demo: embedded aedes/. */
	broker: RegExp;
	/** Extra environment for the command (PATH for an installed package). */
	env?: Record<string, string>;
};

/** The table row holding `text` (the lines under the column headings, up to the first blank line). */
function row(screen: string, text: string): string {
	const lines = screen.split('\n');
	const headings = lines.findIndex((line) => line.includes('Client ID'));
	const end = lines.findIndex((line, i) => i > headings && line.trim() === '');
	return lines.slice(headings + 1, end === -1 ? undefined : end).find((line) => line.includes(text)) ?? '';
}

/** Runs the demo until the fleet shows, then quits; returns the first full screen. */
export async function startDemoIn(terminal: Terminal, run: DemoRun): Promise<string> {
	// From a script, so the only line typed at the prompt is short and the screen holds nothing
	// else the demo did not print itself.
	const script = path.join(mkdtempSync(path.join(os.tmpdir(), 'mqtt-top-demo-run-')), 'run.sh');
	const env = Object.entries(run.env ?? {}).map(([name, value]) => `export ${name}='${value}'\n`);
	writeFileSync(script, `cd '${run.cwd}'\n${env.join('')}${run.command}\necho "exit=$?"\n`);
	terminal.start(100, 30);
	await terminal.waitFor('the shell prompt', (screen) => screen.startsWith('e2e$'));
	terminal.type(`bash ${script}`);
	terminal.key('Enter');
	// The fleet arrives once the monitor reads the broker's log: 60 devices, camera-04 among them.
	return terminal.waitFor(
		'the demo fleet on screen',
		(screen) => run.broker.test(screen) && /showing [3-9]\d of [3-9]\d/.test(screen) && /cam-dock-04 .* online/.test(screen),
		45_000,
	);
}

/** Blocks camera-04 (the account of cam-dock-04), checks it, unblocks it, checks it is back. */
export async function blockAndUnblock(terminal: Terminal): Promise<void> {
	terminal.key('/');
	await terminal.waitFor('the filter prompt', (screen) => screen.includes('Enter applies'));
	terminal.type('camera-04');
	terminal.key('Enter');
	await terminal.waitFor(
		'the filter showing camera-04 only',
		(screen) => /showing 1 of \d+/.test(screen) && row(screen, 'cam-dock-04').includes('online'),
	);

	terminal.key('B');
	const dialog = await terminal.waitFor('the block dialog', (screen) => screen.includes('Block?'));
	// The dialog names the account and the session it will disconnect before anything happens.
	expect(dialog).toMatch(/disables username camera-04/);
	expect(dialog).toContain('cam-dock-04');
	terminal.type('y');
	await terminal.waitFor(
		'camera-04 blocked',
		// The row, and the action's own result line: keys wait while an action is under way.
		(screen) => row(screen, 'camera-04').includes('blocked') && screen.includes('blocked username camera-04'),
		15_000,
	);

	terminal.key('U');
	await terminal.waitFor('the unblock dialog', (screen) => screen.includes('Unblock?') && screen.includes('enables username camera-04'));
	terminal.type('y');
	// The device retries on its own and is let in again once its account is enabled.
	await terminal.waitFor('cam-dock-04 back online', (screen) => row(screen, 'cam-dock-04').includes('online'), 30_000);
}

/** Quits with q and returns the exit status the shell printed. */
export async function quit(terminal: Terminal): Promise<number> {
	terminal.type('q');
	const screen = await terminal.waitFor('the shell to print the exit status', (s) => /exit=\d+/.test(s), 15_000);
	return Number(/exit=(\d+)/.exec(screen)![1]);
}
