// The broker's past, from its log: every session event with its time, where the log begins, and
// where it has holes. Pure — it is handed the files' bytes (oldest first) and never touches the
// disk — so a moment can be rebuilt in a test exactly as `list --at` and the monitor rebuild it.

import {DialectTracker} from '../broker/mosquitto/dialect.js';
import {LineFeeder} from '../broker/mosquitto/log-file/feeder.js';
import {FileLineParser} from '../broker/mosquitto/log-file/line-parser.js';
import {createLineClock, type LineClock, type TimestampFormat} from '../broker/mosquitto/log-file/timestamp.js';
import type {SessionSnapshot} from '../broker/driver.js';
import {SessionStore} from '../model/session-store.js';
import type {SessionEvent} from '../model/types.js';

/** A stretch of time the log cannot vouch for. */
export type Gap = {
	from: number;
	to: number;
	/** `unwatched`: between two runs of the monitor that recorded this history (no log file). */
	kind: 'rotation' | 'restart' | 'unwatched';
	/** One phrase for the operator: what happened there. */
	why: string;
};

/** A session that connected or left near a moment, for the monitor's marks and its sort. */
export type Change = {time: number; kind: 'connected' | 'left'};

/** Silence across a rotation longer than this is shown as a gap: lines may have been lost there. */
export const defaultRotationGapMs = 60_000;

/** Events the history keeps: per-packet traffic is left out (it would be most of the log, and rates of the past are not shown). */
export type Kept = Exclude<SessionEvent, {type: 'traffic' | 'unknown' | 'connection'}>;

/**
 * What the monitor already knew when it began recording (sessions it learned before the first
 * event it recorded: the broker's log replayed, a listing): without it the history of a moment
 * would hold only the clients that changed since.
 */
export type Listed = {type: 'listed'; time: number; sessions: readonly SessionSnapshot[]};

/** A recorded history's new run: what the monitor knew before is forgotten, as its live table was. */
export type TimelineEvent = Kept | Listed | {type: 'reset'; time: number};

export class Timeline {
	constructor(
		/** Oldest first, each with the time of the line it came from. */
		readonly events: readonly TimelineEvent[],
		/** Time of the first timestamped line of the oldest file. */
		readonly begins: number,
		/** Time of the last timestamped line. */
		readonly ends: number,
		readonly gaps: readonly Gap[],
		readonly files: readonly string[],
	) {}

	/** Index of the first event after `time`. */
	private after(time: number): number {
		let lo = 0;
		let hi = this.events.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.events[mid].time <= time) lo = mid + 1;
			else hi = mid;
		}

		return lo;
	}

	/**
	 * The sessions as they were at `time`: a fresh store that has seen every event up to and
	 * including it. A broker start ends every session online before it, as the broker dropped them.
	 */
	at(time: number, node?: string): SessionStore {
		const store = new SessionStore({node});
		const end = this.after(time);
		for (let i = 0; i < end; i++) {
			const event = this.events[i];
			if (event.type === 'reset') {
				store.apply({type: 'broker-start', time: event.time, version: store.broker.version ?? ''});
			} else if (event.type === 'listed') {
				store.reconcile(event.sessions, false, event.time);
			} else if (event.type === 'broker-start') {
				store.endSessionsNotHeardSince(Number.POSITIVE_INFINITY, event.time, 'broker restarted');
				store.broker.version = event.version;
			} else {
				// Shared with every store rebuilt from this timeline: the store only ever rewrites an event's
				// strings with equal ones (its own copies), so no copy is needed.
				store.apply(event);
			}
		}

		return store;
	}

	/** Gaps that touch [time - marginMs, time + marginMs]. */
	gapsAround(time: number, marginMs = 0): Gap[] {
		return this.gaps.filter((gap) => gap.from <= time + marginMs && gap.to >= time - marginMs);
	}

	/** Per client, the connect or leave nearest to `time` within ±windowMs (the newest when tied). */
	changesAround(time: number, windowMs = 30_000): Map<string, Change> {
		const out = new Map<string, Change>();
		const first = this.after(time - windowMs - 1);
		const last = this.after(time + windowMs);
		for (let i = first; i < last; i++) {
			const event = this.events[i];
			const kind = event.type === 'connect' ? 'connected' : event.type === 'disconnect' || event.type === 'expire' ? 'left' : undefined;
			if (!kind || !('clientId' in event) || event.clientId === undefined) continue;
			const known = out.get(event.clientId);
			if (!known || Math.abs(event.time - time) <= Math.abs(known.time - time)) out.set(event.clientId, {time: event.time, kind});
		}

		return out;
	}
}

export class TimelineError extends Error {}

/**
 * Builds a Timeline from log files fed oldest first: `file(name)`, then `push(bytes)` as they are
 * read, and `finish()`.
 */
export class TimelineBuilder {
	private readonly events: Kept[] = [];
	private readonly gaps: Gap[] = [];
	private readonly files: string[] = [];
	private readonly clock: LineClock;
	private readonly timeOnly: LineClock;
	private readonly feeder: LineFeeder;
	private readonly known = new Set<string>();
	private begins = Number.NaN;
	private lastLine = Number.NaN;
	private lastLineOfPreviousFile = Number.NaN;
	private firstLineOfFile = true;

	constructor(
		readonly format: TimestampFormat,
		private readonly options: {rotationGapMs?: number; ignoreClientId?: string} = {},
	) {
		this.clock = createLineClock(format);
		if (!this.clock.timed && format !== 'opaque') {
			throw new TimelineError('the log has no timestamps (log_timestamp false): a moment cannot be found in it');
		}

		// A second clock only reads each line's time, for the gaps: the parser's own is busy with the message.
		this.timeOnly = createLineClock(format);
		const parser = new FileLineParser(this.clock, this.known, new DialectTracker());
		this.feeder = new LineFeeder(parser, (event, text, start, end) => this.line(event, text, start, end));
	}

	file(name: string): void {
		this.flushFile();
		this.files.push(name);
		this.firstLineOfFile = true;
	}

	push(bytes: Buffer): void {
		this.feeder.push(bytes, Number.NaN);
	}

	finish(): Timeline {
		this.flushFile();
		if (Number.isNaN(this.begins)) throw new TimelineError('the log holds no timestamped line');
		// A clock set back while the broker ran writes times out of order: the moments are searched by time.
		if (this.events.some((event, i) => i > 0 && event.time < this.events[i - 1].time)) this.events.sort((a, b) => a.time - b.time);
		return new Timeline(this.events, this.begins, this.lastLine, this.gaps, this.files);
	}

	private flushFile(): void {
		this.feeder.flush(Number.NaN);
		if (!this.firstLineOfFile) this.lastLineOfPreviousFile = this.lastLine;
	}

	private line(event: SessionEvent | undefined, text: string, start: number, end: number): void {
		if (this.timeOnly.split(text, start, end) < 0) return;
		const time = this.timeOnly.time;
		if (!Number.isFinite(time)) return;
		if (Number.isNaN(this.begins)) this.begins = time;
		if (this.firstLineOfFile) {
			this.firstLineOfFile = false;
			const previous = this.lastLineOfPreviousFile;
			const limit = this.options.rotationGapMs ?? defaultRotationGapMs;
			if (!Number.isNaN(previous) && time - previous > limit) {
				this.gaps.push({from: previous, to: time, kind: 'rotation', why: `nothing logged across the rotation to ${this.files.at(-1)}`});
			}
		}

		if (event && Number.isFinite(event.time)) this.keep(event, time);
		this.lastLine = Math.max(Number.isNaN(this.lastLine) ? time : this.lastLine, time);
	}

	private keep(event: SessionEvent, lineTime: number): void {
		switch (event.type) {
			case 'traffic':
			case 'unknown':
			case 'connection': {
				return;
			}

			case 'broker-start': {
				// A start on the log's first line is no gap: the log begins there.
				if (!Number.isNaN(this.lastLine)) {
					this.gaps.push({
						from: this.lastLine,
						to: lineTime,
						kind: 'restart',
						why: `broker restarted (mosquitto ${event.version}): the sessions online before were dropped`,
					});
				}

				break;
			}

			case 'connect': {
				this.known.add(event.clientId);
				break;
			}

			default:
		}

		if ('clientId' in event && event.clientId !== undefined && event.clientId === this.options.ignoreClientId) return;
		this.events.push(event);
	}
}
