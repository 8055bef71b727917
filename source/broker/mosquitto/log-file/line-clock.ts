// The prefix Mosquitto writes before each log message: `<unix seconds>: ` by default,
// `strftime(log_timestamp_format, localtime(now)) + ": "` when a format is set, nothing with
// `log_timestamp false`. The topic payloads on $SYS/broker/log/# carry the same prefix.

import {compileStrftime, type Fields, fieldsToTime, readTokens} from './strftime.js';

/** `unix`, `none`, `opaque` (an unknown prefix before the first ": ") or a strftime format. */
export type TimestampFormat = string;

/**
 * Finds where the message starts in a log line and when the line was written. Lines of one
 * second share a prefix, so the last prefix is kept and a line that starts with it costs one
 * comparison.
 */
export type LineClock = {
	readonly format: TimestampFormat;
	/** False for `none`/`opaque`: the caller has to supply the time (read time, or an estimate). */
	readonly timed: boolean;
	/**
	 * Index in `text` where the message of the line starting at `start` begins, or -1 when the line
	 * has no prefix in this format. Sets `time` (ms since the epoch, NaN when the prefix holds no
	 * usable time).
	 */
	split(text: string, start: number, end: number): number;
	time: number;
};

const colonSpace = ': ';

function unixClock(): LineClock {
	let lastPrefix = '';
	let lastTime = Number.NaN;
	return {
		format: 'unix',
		timed: true,
		time: Number.NaN,
		split(text, start, end) {
			if (lastPrefix !== '' && text.startsWith(lastPrefix, start)) {
				this.time = lastTime;
				return start + lastPrefix.length;
			}

			let i = start;
			let seconds = 0;
			while (i < end) {
				const c = text.charCodeAt(i);
				if (c < 48 || c > 57) break;
				seconds = seconds * 10 + (c - 48);
				i++;
			}

			if (i === start || text.charCodeAt(i) !== 58 || text.charCodeAt(i + 1) !== 32) return -1;
			lastPrefix = text.slice(start, i + 2);
			lastTime = seconds * 1000;
			this.time = lastTime;
			return i + 2;
		},
	};
}

function strftimeClock(format: string, now: () => number): LineClock {
	const tokens = compileStrftime(format);
	let lastPrefix = '';
	let lastTime = Number.NaN;
	return {
		format,
		timed: true,
		time: Number.NaN,
		split(text, start, end) {
			if (lastPrefix !== '' && text.startsWith(lastPrefix, start)) {
				this.time = lastTime;
				return start + lastPrefix.length;
			}

			const fields: Fields = {};
			const after = readTokens(tokens, text, start, end, fields);
			if (after < 0 || !text.startsWith(colonSpace, after)) return -1;
			lastPrefix = text.slice(start, after + 2);
			lastTime = fieldsToTime(fields, now());
			this.time = lastTime;
			return after + 2;
		},
	};
}

function noneClock(): LineClock {
	return {
		format: 'none',
		timed: false,
		time: Number.NaN,
		split(_text, start) {
			return start;
		},
	};
}

/** Some prefix we cannot read, ending at the first ": ": strip it, and try Date.parse on it. */
function opaqueClock(): LineClock {
	let lastPrefix = '';
	let lastTime = Number.NaN;
	return {
		format: 'opaque',
		timed: false,
		time: Number.NaN,
		split(text, start, end) {
			if (lastPrefix !== '' && text.startsWith(lastPrefix, start)) {
				this.time = lastTime;
				return start + lastPrefix.length;
			}

			const colon = text.indexOf(colonSpace, start);
			if (colon < 0 || colon >= end) return -1;
			lastPrefix = text.slice(start, colon + 2);
			lastTime = Date.parse(text.slice(start, colon));
			this.time = lastTime;
			return colon + 2;
		},
	};
}

/**
 * A clock for `format`: `unix` (Mosquitto's default), `none` (`log_timestamp false`), `opaque`,
 * or a strftime format as in `log_timestamp_format`. Throws TimestampFormatError for a format
 * that cannot be read back.
 */
export function createLineClock(format: TimestampFormat, now: () => number = Date.now): LineClock {
	if (format === 'unix') return unixClock();
	if (format === 'none') return noneClock();
	if (format === 'opaque') return opaqueClock();
	return strftimeClock(format, now);
}
