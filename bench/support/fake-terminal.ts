import {EventEmitter} from 'node:events';
import {Writable} from 'node:stream';

/**
 * An off-screen terminal for Ink: a TTY-looking Writable of a fixed size. It keeps only the last
 * write, so a long run costs no memory, and counts bytes so a run can show frames really went out.
 */
export class FakeStdout extends Writable {
	readonly isTTY = true;
	bytes = 0;
	writes = 0;
	last = '';

	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super({decodeStrings: false});
	}

	override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		const text = typeof chunk === 'string' ? chunk : chunk.toString();
		this.bytes += text.length;
		this.writes++;
		// Synchronized-output markers arrive as separate tiny writes; keep the frame itself.
		if (text.length > 16) this.last = text;
		callback();
	}

	getColorDepth(): number {
		return 8;
	}

	hasColors(): boolean {
		return true;
	}
}

/**
 * A TTY-looking stdin that Ink reads in raw mode: key bytes written here reach useInput exactly
 * as a terminal's would (Ink reads on 'readable' and parses escape sequences itself).
 */
export class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	private readonly queue: string[] = [];

	/** Types `data` (e.g. 'j', '\r', '\u001B[B'). */
	press(data: string): void {
		this.queue.push(data);
		this.emit('readable');
	}

	read(): string | null {
		return this.queue.shift() ?? null;
	}

	setEncoding(): this {
		return this;
	}

	setRawMode(): this {
		return this;
	}

	resume(): this {
		return this;
	}

	pause(): this {
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

export const keys = {
	down: '\u001B[B',
	up: '\u001B[A',
	pageDown: '\u001B[6~',
	enter: '\r',
	backspace: '\u007F',
} as const;
