import type {SessionEvent} from '../../../model/types.js';
import type {FileLineParser} from './line-parser.js';

/**
 * Where parsed lines go. `text[start, end)` is the raw line, for the merger (which needs it only
 * for non-debug lines, so it is not sliced unless asked for).
 */
export type LineSink = (event: SessionEvent | undefined, text: string, start: number, end: number, debug: boolean) => void;

/** The time for lines whose format carries none: a fixed time, or an estimate by position in the text. */
export type FallbackTime = number | ((index: number) => number);

/** Mosquitto cuts log lines at 1000 bytes; anything much longer without a newline is not a log. */
const maxPartialLine = 64 * 1024;

/**
 * Bytes of a log → complete lines → parser → sink. Splitting works on a decoded string with
 * indexOf and hands the parser indexes, so a line costs no allocation of its own unless it says
 * something about a session.
 */
export class LineFeeder {
	lines = 0;
	/** Partial lines dropped because they grew past any real log line. */
	dropped = 0;
	private carry: Buffer | undefined;
	/** Inside a line already dropped as too long: its rest, up to the next newline, is dropped too. */
	private skipping = false;

	constructor(
		private readonly parser: FileLineParser,
		public sink: LineSink,
	) {}

	/** Bytes of the log. The last, incomplete line waits for the next push. `chunk` may be reused by the caller. */
	push(chunk: Buffer, fallback: FallbackTime): void {
		let bytes = chunk;
		if (this.skipping) {
			// Read as a line of its own, the tail of a dropped line could pass for a real one.
			const end = bytes.indexOf(10);
			if (end < 0) return;
			this.skipping = false;
			bytes = bytes.subarray(end + 1);
		}

		if (this.carry) {
			bytes = Buffer.concat([this.carry, bytes]);
			this.carry = undefined;
		}

		const last = bytes.lastIndexOf(10);
		if (last < bytes.length - 1) {
			const rest = bytes.subarray(last + 1);
			if (rest.length > maxPartialLine) {
				this.dropped++;
				this.skipping = true;
			} else this.carry = Buffer.from(rest);
		}

		// A newline byte is never part of a multi-byte UTF-8 sequence, so this never splits a character.
		if (last >= 0) this.text(bytes.toString('utf8', 0, last + 1), fallback);
	}

	/** Whole lines of text (a last line without a newline counts as complete). */
	text(text: string, fallback: FallbackTime): void {
		const parser = this.parser;
		const sink = this.sink;
		const fixed = typeof fallback === 'number' ? fallback : Number.NaN;
		const n = text.length;
		let start = 0;
		while (start < n) {
			let end = text.indexOf('\n', start);
			if (end < 0) end = n;
			let lineEnd = end;
			if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
			if (lineEnd > start) {
				this.lines++;
				const time = typeof fallback === 'number' ? fixed : fallback(start);
				const event = parser.parse(text, start, lineEnd, time);
				sink(event, text, start, lineEnd, parser.debug);
			}

			start = end + 1;
		}
	}

	/** Parses a partial last line as complete: the stream it belongs to has ended. */
	flush(fallback: FallbackTime): void {
		const carry = this.carry;
		this.carry = undefined;
		this.skipping = false;
		if (carry) this.text(carry.toString('utf8'), fallback);
	}

	/** Forgets a partial line whose rest will never come (the file was truncated under it). */
	discard(): void {
		this.carry = undefined;
		this.skipping = false;
		this.parser.resetContext();
	}
}
