import {type FileHandle, open} from 'node:fs/promises';
import {ExitCode, UserError} from '../../../errors.js';
import type {SessionStore} from '../../../model/session-store.js';
import type {SessionEvent} from '../../../model/types.js';
import {DialectTracker} from '../dialect.js';
import {parseLogTopicMessage} from '../log-parser.js';
import {LineFeeder, type LineSink} from './feeder.js';
import {LogFollower} from './follower.js';
import {FileLineParser} from './line-parser.js';
import {LogMerger, type MergerOptions, type MergerStats} from './merger.js';
import {type ReplayProgress, type ReplayStats, replaySegments, startWatcher} from './replay.js';
import {planReplay} from './segments.js';
import {createLineClock, detectTimestampFormat, type LineClock, type TimestampFormat, TimestampFormatError} from './timestamp.js';

export type LogFileOptions = {
	/** From --log-timestamp-format: a strftime format, `unix` or `none`. Default: detected from the file. */
	timestampFormat?: TimestampFormat;
	/** Called after every chunk of the search and the replay (about every 10 ms of work). */
	onProgress?: (progress: ReplayProgress) => void;
	/** The monitor's own MQTT client ID: its events are left out, as the adapter leaves them out. */
	ignoreClientId?: string;
	/** Milliseconds between checks of the live file when the directory watch is silent (default 250). */
	pollMs?: number;
	merger?: MergerOptions;
	/** Which Mosquitto writes the file, shared with the adapter's topic parser. */
	dialect?: DialectTracker;
};

export type LogFileStatus = {
	path: string;
	timestampFormat: TimestampFormat;
	state: 'replaying' | 'replayed' | 'following' | 'closed' | 'failed';
	rotations: number;
	truncations: number;
	/** Set when reading failed; following keeps retrying. */
	error?: string;
	/** What the operator should know while following still works: lines may be missing. */
	notice?: string;
	merger: MergerStats;
};

export type LogFile = {
	readonly path: string;
	readonly timestampFormat: TimestampFormat;
	/** Hand to openMosquitto as `logSink`, so $SYS/broker/log/# and the file count each line once. */
	readonly merger: LogMerger;
	/** Resolves when the sessions are rebuilt (what `list` waits for). */
	readonly replayed: Promise<ReplayStats>;
	/** Tails the file once the replay is done (at once if it is). */
	follow(): void;
	/** Reads what the live file has now, without waiting for the next poll (after the replay). */
	poll(): Promise<void>;
	status(): LogFileStatus;
	close(): Promise<void>;
};

const sampleBytes = 16 * 1024;

async function sampleLines(handle: FileHandle, size: number): Promise<string[]> {
	const length = Math.min(sampleBytes, size);
	const buffer = Buffer.alloc(length);
	const {bytesRead} = await handle.read(buffer, 0, length, size - length);
	const lines = buffer.toString('utf8', 0, bytesRead).split('\n');
	if (size > length) lines.shift(); // cut
	return lines.slice(-64);
}

async function detectFormat(handle: FileHandle, size: number, path: string): Promise<TimestampFormat> {
	let lines = await sampleLines(handle, size);
	if (lines.every((line) => line === '')) {
		// Just rotated: the previous file says how the broker writes.
		try {
			const previous = await open(`${path}.1`, 'r');
			try {
				lines = await sampleLines(previous, (await previous.stat()).size);
			} finally {
				await previous.close();
			}
		} catch {
			return 'unix';
		}
	}

	return detectTimestampFormat(lines);
}

function clockFor(format: TimestampFormat): LineClock {
	try {
		return createLineClock(format);
	} catch (error) {
		if (error instanceof TimestampFormatError) {
			throw new UserError(`--log-timestamp-format '${format}': ${error.message}`, ExitCode.usage);
		}

		throw error;
	}
}

function openError(path: string, error: NodeJS.ErrnoException): UserError {
	const hint =
		error.code === 'EACCES'
			? ' (it is usually readable by group adm: run as a member of adm, or pass --no-log-file)'
			: error.code === 'ENOENT'
				? ' (is log_dest file set in mosquitto.conf?)'
				: '';
	return new UserError(`cannot read the log file ${path}: ${error.code ?? error.message}${hint}`, ExitCode.usage);
}

const clockTime = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

function followNotice(follower: LogFollower, droppedLines: number): string | undefined {
	const notes: string[] = [];
	if (follower.missing) notes.push('file gone: reading the copy the broker still has open');
	if (follower.lostAt !== undefined)
		notes.push(`truncated at ${clockTime(follower.lostAt)}, no matching .1 copy: lines just before may be missing`);
	if (droppedLines > 0) notes.push(`${droppedLines} over-long line${droppedLines === 1 ? '' : 's'} skipped (not a log line)`);
	return notes.length > 0 ? notes.join('; ') : undefined;
}

/**
 * Opens the broker's log file: rebuilds the sessions from the last broker start (replay), then,
 * after follow(), tails it through rotation. Throws UserError when the file cannot be read or
 * the timestamp format is not one it can read back.
 */
export async function openLogFile(path: string, store: SessionStore, options: LogFileOptions = {}): Promise<LogFile> {
	let handle: FileHandle;
	try {
		handle = await open(path, 'r');
	} catch (error) {
		throw openError(path, error as NodeJS.ErrnoException);
	}

	let format: TimestampFormat;
	let size: number;
	let ino: number;
	try {
		const stats = await handle.stat();
		if (!stats.isFile()) throw new UserError(`the log file ${path} is not a regular file`, ExitCode.usage);
		size = stats.size;
		ino = stats.ino;
		format = options.timestampFormat ?? (await detectFormat(handle, size, path));
		clockFor(format); // refuses an unreadable --log-timestamp-format before anything starts
	} catch (error) {
		await handle.close();
		throw error;
	}

	const ignore = options.ignoreClientId;
	const apply =
		ignore === undefined
			? (event: SessionEvent) => store.apply(event)
			: (event: SessionEvent) => {
					if ('clientId' in event && event.clientId === ignore) return;
					store.apply(event);
				};

	const dialect = options.dialect ?? new DialectTracker();
	const topicClock = clockFor(format);
	const splitTopic = (payload: string, fallback: number) => {
		const at = topicClock.split(payload, 0, payload.length);
		if (at < 0) return {time: fallback, message: payload};
		return {time: Number.isNaN(topicClock.time) ? fallback : topicClock.time, message: payload.slice(at)};
	};

	const merger = new LogMerger(
		apply,
		(topic, payload, receivedAt) => parseLogTopicMessage(topic, payload, receivedAt, store, splitTopic, dialect.dialect),
		options.merger,
	);
	const parser = new FileLineParser(clockFor(format), store, dialect);
	const watcher = startWatcher(apply);
	const merged: LineSink = (event, text, start, end, debug) => {
		if (event?.type === 'broker-start') watcher.startedAt = event.time;
		merger.fileLine(debug ? '' : text.slice(start, end), event, debug);
	};

	const feeder = new LineFeeder(parser, watcher.sink);
	let state: LogFileStatus['state'] = 'replaying';
	let lastError: string | undefined;
	let closed = false;
	let followRequested = false;
	let follower: LogFollower | undefined;
	let liveOffset = size;

	const startFollowing = async () => {
		if (closed || follower) return;
		follower = new LogFollower(
			path,
			{handle, ino, offset: liveOffset},
			{
				data(chunk) {
					lastError = undefined;
					feeder.sink = merged;
					feeder.push(chunk, Date.now());
				},
				rotated(kind) {
					// A renamed file was read to its end; a truncated one lost whatever was not copied.
					if (kind === 'rename') feeder.flush(Date.now());
					else feeder.discard();
				},
				error(error) {
					lastError = error.message;
				},
			},
			{pollMs: options.pollMs},
		);
		state = 'following';
		await follower.start();
	};

	merger.setReplaying(true);
	const replayed = (async (): Promise<ReplayStats> => {
		const began = performance.now();
		try {
			const plan = await planReplay(path, {handle, size}, clockFor(format), (file, bytesDone, bytesTotal) =>
				options.onProgress?.({phase: 'searching', file, bytesDone, bytesTotal, lines: 0}),
			);
			const result = await replaySegments(plan, {
				feeder,
				direct: watcher.sink,
				merged,
				clock: clockFor(format),
				live: {handle, sizeAtOpen: size},
				onProgress: options.onProgress,
				aborted: () => closed,
			});
			liveOffset = result.liveOffset;
			const durationMs = performance.now() - began;
			state = 'replayed';
			return {
				lines: feeder.lines,
				bytes: result.bytes,
				files: plan.segments.map((segment) => segment.path),
				startFound: plan.startFound,
				brokerStartedAt: watcher.startedAt,
				timestampFormat: format,
				warnings: plan.warnings,
				durationMs,
				linesPerSecond: durationMs > 0 ? Math.round(feeder.lines / (durationMs / 1000)) : feeder.lines,
			};
		} catch (error) {
			state = 'failed';
			lastError = (error as Error).message;
			throw error;
		} finally {
			// Even after a failed replay the topic stream must keep flowing.
			merger.setReplaying(false);
			if (followRequested && state === 'replayed') await startFollowing();
		}
	})();
	// The caller may never await it (a monitor that only follows): the failure is in status().
	replayed.catch(() => {});

	return {
		path,
		timestampFormat: format,
		merger,
		replayed,
		follow() {
			followRequested = true;
			if (state === 'replayed') void startFollowing();
		},
		async poll() {
			await replayed;
			await follower?.poll();
		},
		status() {
			return {
				path,
				timestampFormat: format,
				state: closed ? 'closed' : state,
				rotations: follower?.rotations ?? 0,
				truncations: follower?.truncations ?? 0,
				error: lastError,
				notice: follower ? followNotice(follower, feeder.dropped) : undefined,
				merger: {...merger.stats},
			};
		},
		async close() {
			if (closed) return;
			closed = true;
			await replayed.catch(() => {});
			if (follower) await follower.stop();
			else await handle.close().catch(() => {});
		},
	};
}
