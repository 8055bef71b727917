// A real terminal for end-to-end tests: tmux, typed into and read back as the user sees it.
import {spawnSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {eventually, findBinary} from './mosquitto.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(root, 'dist', 'bin', 'cli.js');

/** npm test builds first; rebuilding inside a test would rewrite dist/ under other test files. */
export function requireBuiltCli(): void {
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does)`);
}

/**
 * One tmux server on its own socket, so parallel runs never see each other's panes. UTF-8 is
 * forced (-u): without a UTF-8 locale tmux draws every wide character as `_`, and what the
 * operator sees could not be checked.
 */
export class Terminal {
	readonly socket = `mqtt-top-e2e-${process.pid}-${randomUUID().slice(0, 8)}`;
	private readonly tmux = findBinary('tmux');

	run(...args: string[]): string {
		const result = spawnSync(this.tmux, ['-u', '-L', this.socket, ...args], {encoding: 'utf8'});
		if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
		return result.stdout;
	}

	start(columns: number, rows: number, env: Record<string, string> = {}): void {
		// A bare shell with a known prompt, so the test can see the prompt come back after quitting.
		// CI is unset: Ink renders only the last frame when it believes it runs in CI.
		const vars = Object.entries(env).map(([name, value]) => `${name}='${value}' `);
		this.run(
			'new-session',
			'-d',
			'-x',
			String(columns),
			'-y',
			String(rows),
			'-s',
			'e2e',
			`env -u CI ${vars.join('')}PS1='e2e$ ' bash --noprofile --norc`,
		);
	}

	resize(columns: number, rows: number): void {
		this.run('resize-window', '-t', 'e2e', '-x', String(columns), '-y', String(rows));
	}

	type(text: string): void {
		this.run('send-keys', '-t', 'e2e', '-l', text);
	}

	/** Types a command line and presses Enter. */
	command(line: string): void {
		this.type(line);
		this.key('Enter');
	}

	key(...names: string[]): void {
		this.run('send-keys', '-t', 'e2e', ...names);
	}

	screen(): string {
		return this.run('capture-pane', '-p', '-t', 'e2e');
	}

	alternateScreen(): boolean {
		return this.run('display-message', '-p', '-t', 'e2e', '#{alternate_on}').trim() === '1';
	}

	async waitFor(what: string, check: (screen: string) => boolean, timeoutMs = 10_000): Promise<string> {
		try {
			return await eventually(
				() => {
					const screen = this.screen();
					return check(screen) ? screen : '';
				},
				what,
				timeoutMs,
			);
		} catch (error) {
			throw new Error(`${(error as Error).message}\n--- screen ---\n${this.screen()}`, {cause: error});
		}
	}

	kill(): void {
		spawnSync(this.tmux, ['-L', this.socket, 'kill-server']);
	}
}

/** The table rows of a monitor screen whose status column says `status`, by client ID (first column). */
export function rowsWithStatus(screen: string, status: string): string[] {
	const lines = screen.split('\n');
	return (
		lines
			.slice(lines.findIndex((line) => line.includes('Client ID')) + 1)
			// Table rows only: header and status lines carry '·' or '⚠'.
			.filter((line) => new RegExp(`\\s${status}\\s`).test(`${line} `) && !/[·⚠]/.test(line))
			.map(
				(line) =>
					line
						.replace(/^[>*+ ]{1,3}/, '')
						.trim()
						.split(/\s+/)[0],
			)
			.sort()
	);
}
