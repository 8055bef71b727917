// A real terminal for tests: one tmux server on its own socket, so parallel runs never see each
// other's panes. UTF-8 is forced (-u): without a UTF-8 locale tmux would draw every wide
// character as `_`, and what the operator sees could not be checked.
import {spawnSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {eventually, findBinary} from './mosquitto.js';

export class Tmux {
	readonly socket = `mqtt-top-test-${process.pid}-${randomUUID().slice(0, 8)}`;
	private readonly tmux = findBinary('tmux');

	run(...args: string[]): string {
		const result = spawnSync(this.tmux, ['-u', '-L', this.socket, ...args], {encoding: 'utf8'});
		if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
		return result.stdout;
	}

	/** A bare shell with a known prompt. CI is unset: Ink draws only the last frame when it believes it runs in CI. */
	start(columns: number, rows: number, env: Record<string, string> = {}): void {
		const vars = Object.entries(env).map(([k, v]) => `${k}='${v}'`);
		this.run(
			'new-session',
			'-d',
			'-x',
			String(columns),
			'-y',
			String(rows),
			'-s',
			'main',
			`env -u CI ${vars.join(' ')} PS1='test$ ' bash --noprofile --norc`,
		);
	}

	resize(columns: number, rows: number): void {
		this.run('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
	}

	type(text: string): void {
		this.run('send-keys', '-t', 'main', '-l', text);
	}

	key(...names: string[]): void {
		this.run('send-keys', '-t', 'main', ...names);
	}

	screen(): string {
		return this.run('capture-pane', '-p', '-t', 'main');
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
