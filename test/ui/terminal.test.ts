import {EventEmitter} from 'node:events';
import {afterEach, describe, expect, it} from 'vitest';
import {takeOverScreen, type ScreenGuard} from '../../source/ui/terminal.js';

function fakeTerminal() {
	const out: string[] = [];
	const stdout = Object.assign(new EventEmitter(), {isTTY: true, write: (data: string) => out.push(data) > 0});
	const rawModes: boolean[] = [];
	const stdin = Object.assign(new EventEmitter(), {isTTY: true, setRawMode: (on: boolean) => rawModes.push(on)});
	const errors: string[] = [];
	const stderr = Object.assign(new EventEmitter(), {write: (data: string) => errors.push(data) > 0});
	return {
		streams: {stdout, stdin, stderr} as unknown as {stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream},
		out,
		rawModes,
	};
}

let guard: ScreenGuard | undefined;
afterEach(() => {
	guard?.restore();
	guard?.dispose();
	guard = undefined;
});

describe('takeOverScreen', () => {
	it('enters the alternate screen and restores it once, raw mode off and cursor shown', () => {
		const terminal = fakeTerminal();
		guard = takeOverScreen(terminal.streams);
		expect(terminal.out.join('')).toContain('\u001B[?1049h');
		guard.restore();
		guard.restore();
		const restored = terminal.out.slice(1).join('');
		expect(restored).toBe('\u001B[?25h\u001B[?1049l');
		expect(terminal.rawModes).toEqual([false]);
	});

	it('restores the terminal on SIGTERM and reports the conventional exit code', async () => {
		const terminal = fakeTerminal();
		guard = takeOverScreen(terminal.streams);
		process.emit('SIGTERM', 'SIGTERM');
		await expect(guard.interrupted).resolves.toBe(143);
		expect(terminal.out.join('')).toContain('\u001B[?1049l');
	});

	it('restores the terminal when the process exits without cleaning up', () => {
		const terminal = fakeTerminal();
		guard = takeOverScreen(terminal.streams);
		process.emit('exit', 1);
		expect(terminal.out.join('')).toContain('\u001B[?25h\u001B[?1049l');
	});

	it('clears the screen on resize so a smaller frame leaves no stale lines', () => {
		const terminal = fakeTerminal();
		guard = takeOverScreen(terminal.streams);
		(terminal.streams.stdout as unknown as EventEmitter).emit('resize');
		expect(terminal.out.at(-1)).toBe('\u001B[2J\u001B[H');
		guard.dispose();
		(terminal.streams.stdout as unknown as EventEmitter).emit('resize');
		expect(terminal.out).toHaveLength(2);
	});
});
