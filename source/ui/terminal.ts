import {writeSync} from 'node:fs';

export const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
export const leaveAlternateScreen = '\u001B[?1049l';
export const showCursor = '\u001B[?25h';
const clearScreen = '\u001B[2J\u001B[H';

const signalCodes = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const;

export type ScreenGuard = {
	/** Settles with an exit code when a signal asks the monitor to stop. */
	interrupted: Promise<number>;
	/** Leaves the alternate screen and shows the cursor; safe to call more than once. */
	restore(): void;
	/** Removes the handlers (after restore). */
	dispose(): void;
};

type Streams = {stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream};

/**
 * Switches to the alternate screen and makes sure the operator's terminal comes back whatever
 * happens: normal exit, Ctrl-C, SIGTERM, a dropped SSH session (SIGHUP) or a crash. The restore
 * sequence is written synchronously, so it goes out even when the process is about to die.
 */
export function takeOverScreen(streams: Streams = process): ScreenGuard {
	const {stdout, stdin, stderr} = streams;
	const fd = (stdout as {fd?: unknown}).fd;
	const write = (data: string) => {
		try {
			if (typeof fd === 'number') writeSync(fd, data);
			else stdout.write(data);
		} catch {
			// The terminal is gone (SIGHUP): nothing left to restore.
		}
	};

	write(enterAlternateScreen);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		try {
			if (stdin.isTTY) stdin.setRawMode(false);
		} catch {
			// Already closed.
		}

		write(showCursor + leaveAlternateScreen);
	};

	// A shrinking terminal leaves stale lines where the old frame was: clear before Ink redraws.
	const onResize = () => write(clearScreen);
	stdout.on('resize', onResize);

	let stop: (code: number) => void = () => {};
	const interrupted = new Promise<number>((resolve) => {
		stop = resolve;
	});
	let deadline: NodeJS.Timeout | undefined;
	const onSignal = (signal: keyof typeof signalCodes) => {
		restore();
		stop(signalCodes[signal]);
		// If closing the broker connection hangs, the signal still ends the process.
		deadline ??= setTimeout(() => process.exit(signalCodes[signal]), 3000).unref();
	};

	const onCrash = (error: unknown) => {
		restore();
		stderr.write(`mqtt-top: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
		process.exit(1);
	};

	const handlers = {
		SIGINT: () => onSignal('SIGINT'),
		SIGTERM: () => onSignal('SIGTERM'),
		SIGHUP: () => onSignal('SIGHUP'),
	};
	for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	process.on('exit', restore);

	return {
		interrupted,
		restore,
		dispose() {
			if (deadline) clearTimeout(deadline);
			stdout.off('resize', onResize);
			for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
			process.off('uncaughtException', onCrash);
			process.off('unhandledRejection', onCrash);
			process.off('exit', restore);
		},
	};
}
