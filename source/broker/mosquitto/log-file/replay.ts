import {type FileHandle, open, stat} from 'node:fs/promises';
import type {SessionStore} from '../../../model/session-store.js';
import type {SessionEvent} from '../../../model/types.js';
import {type FallbackTime, LineFeeder, type LineSink} from './feeder.js';
import {gunzipFile} from './gunzip.js';
import {FileLineParser} from './line-parser.js';
import type {Plan, Segment} from './segments.js';
import {createLineClock, detectTimestampFormat, type LineClock, type TimestampFormat} from './timestamp.js';

export type ReplayProgress = {
	phase: 'searching' | 'replaying';
	/** The file being read. */
	file: string;
	bytesDone: number;
	/** While searching: all candidate files; while replaying: the bytes to replay (the live file as it was at open). */
	bytesTotal: number;
	lines: number;
};

export type ReplayStats = {
	lines: number;
	bytes: number;
	/** The files replayed, oldest first. */
	files: string[];
	/** Whether the replay began at a "mosquitto version … starting" line (else: at the oldest line left). */
	startFound: boolean;
	/** Time of the broker start the replay began at. */
	brokerStartedAt?: number;
	timestampFormat: TimestampFormat;
	/** Rotated files skipped because they could not be read (the replay went on without them). */
	warnings: string[];
	durationMs: number;
	linesPerSecond: number;
};

/** Bytes read and parsed between yields to the event loop: about 10 ms of work. */
export const chunkBytes = 1 << 20;

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Watches the replayed events for the broker start (cheap: one comparison per session event). */
export function startWatcher(apply: (event: SessionEvent) => void) {
	const watcher = {
		startedAt: undefined as number | undefined,
		sink: ((event) => {
			if (event === undefined) return;
			if (event.type === 'broker-start') watcher.startedAt = event.time;
			apply(event);
		}) as LineSink,
	};
	return watcher;
}

export type ReplayContext = {
	feeder: LineFeeder;
	/** Lines before the live file's size at open: written before anyone subscribed, so never duplicated on topics. */
	direct: LineSink;
	/** Lines after it: through the merger. */
	merged: LineSink;
	clock: LineClock;
	live: {handle: FileHandle; sizeAtOpen: number};
	onProgress?: (progress: ReplayProgress) => void;
	aborted: () => boolean;
};

/** Where each file's lines fall in time, for formats without timestamps: spread evenly between its birth and last write. */
async function timeSpan(path: string, previousEnd: number | undefined): Promise<{begin: number; end: number}> {
	try {
		const s = await stat(path);
		const end = s.mtimeMs;
		const born = s.birthtimeMs > 0 && s.birthtimeMs <= end ? s.birthtimeMs : undefined;
		return {begin: born ?? previousEnd ?? end, end};
	} catch {
		return {begin: previousEnd ?? Date.now(), end: Date.now()};
	}
}

function estimate(span: {begin: number; end: number}, start: number, length: number, offset: number): FallbackTime {
	if (length <= 0 || span.end <= span.begin) return span.end;
	// `index` is a character index in the chunk's text: bytes for ASCII, near enough otherwise.
	return (index: number) => span.begin + (span.end - span.begin) * Math.min(1, (offset - start + index) / length);
}

/**
 * Replays the planned segments into the feeder, a chunk at a time, yielding to the event loop
 * after each so the UI stays live. Returns where the live file was read up to: following starts
 * there.
 */
export async function replaySegments(plan: Plan, context: ReplayContext): Promise<{bytes: number; liveOffset: number}> {
	const {feeder, clock, live} = context;
	const buffer = Buffer.allocUnsafe(chunkBytes);
	let bytes = 0;
	let previousEnd: number | undefined;
	const progress = (file: string) =>
		context.onProgress?.({phase: 'replaying', file, bytesDone: bytes, bytesTotal: Math.max(plan.bytes, bytes), lines: feeder.lines});

	for (const segment of plan.segments) {
		if (context.aborted()) break;
		const isLive = segment.end === undefined;
		const span = clock.timed ? undefined : await timeSpan(segment.path, previousEnd);
		previousEnd = span?.end;
		const length = (segment.end ?? live.sizeAtOpen) - segment.start;
		const fallback = (offset: number): FallbackTime => (span ? estimate(span, segment.start, length, offset) : Date.now());

		if (segment.gzip) {
			try {
				bytes += await replayGzip(segment, context, fallback, () => progress(segment.path));
			} catch (error) {
				plan.warnings.push(`${segment.path}: ${(error as Error).message}`);
			}

			feeder.flush(fallback(segment.end ?? 0));
			continue;
		}

		let handle: FileHandle;
		try {
			handle = isLive ? live.handle : await open(segment.path, 'r');
		} catch (error) {
			// logrotate may have renamed or compressed it since the search: go on without it.
			plan.warnings.push(`${segment.path}: ${(error as Error).message}`);
			continue;
		}

		try {
			let position = segment.start;
			for (;;) {
				if (context.aborted()) break;
				const want = segment.end === undefined ? chunkBytes : Math.min(chunkBytes, segment.end - position);
				if (want <= 0) break;
				const {bytesRead} = await handle.read(buffer, 0, want, position);
				if (bytesRead === 0) break;
				const chunk = buffer.subarray(0, bytesRead);
				if (isLive && position + bytesRead > live.sizeAtOpen) {
					// The part written since open may also have come over $SYS/broker/log/#.
					const split = Math.max(0, live.sizeAtOpen - position);
					feeder.sink = context.direct;
					if (split > 0) feeder.push(chunk.subarray(0, split), fallback(position));
					feeder.sink = context.merged;
					feeder.push(chunk.subarray(split), fallback(position + split));
				} else {
					feeder.sink = context.direct;
					feeder.push(chunk, fallback(position));
				}

				position += bytesRead;
				bytes += bytesRead;
				progress(segment.path);
				await yieldToEventLoop();
			}

			if (isLive) return {bytes, liveOffset: position};
			feeder.flush(fallback(position));
		} finally {
			if (!isLive) await handle.close();
		}
	}

	return {bytes, liveOffset: live.sizeAtOpen};
}

async function replayGzip(
	segment: Segment,
	context: ReplayContext,
	fallback: (offset: number) => FallbackTime,
	progress: () => void,
): Promise<number> {
	const {feeder} = context;
	feeder.sink = context.direct;
	let position = 0;
	let sinceYield = 0;
	let bytes = 0;
	for await (const data of gunzipFile(segment.path, {chunkSize: 256 * 1024})) {
		if (context.aborted()) break;
		let chunk = data as Buffer;
		const chunkStart = position;
		position += chunk.length;
		if (position <= segment.start) continue;
		if (chunkStart < segment.start) chunk = chunk.subarray(segment.start - chunkStart);
		feeder.push(chunk, fallback(position - chunk.length));
		bytes += chunk.length;
		sinceYield += chunk.length;
		if (sinceYield >= chunkBytes) {
			sinceYield = 0;
			progress();
			await yieldToEventLoop();
		}
	}

	progress();
	return bytes;
}

export type ReplayTextOptions = {
	/** Default: detected from the first lines. */
	timestampFormat?: TimestampFormat;
	onProgress?: (progress: ReplayProgress) => void;
};

/**
 * Replays log text into a store through the same parser as the file replay, yielding between
 * chunks: the benchmark's "log replay speed" and the unit tests' way in.
 */
export async function replayText(text: string, store: SessionStore, options: ReplayTextOptions = {}): Promise<ReplayStats> {
	const began = performance.now();
	const format = options.timestampFormat ?? detectTimestampFormat(firstLines(text, 50));
	const clock = createLineClock(format);
	const parser = new FileLineParser(clock, store);
	const watcher = startWatcher((event) => store.apply(event));
	const feeder = new LineFeeder(parser, watcher.sink);
	const now = Date.now();
	let from = 0;
	while (from < text.length) {
		let to = text.indexOf('\n', Math.min(from + chunkBytes, text.length - 1));
		to = to < 0 ? text.length : to + 1;
		feeder.text(text.slice(from, to), now);
		from = to;
		options.onProgress?.({phase: 'replaying', file: '', bytesDone: from, bytesTotal: text.length, lines: feeder.lines});
		await yieldToEventLoop();
	}

	const durationMs = performance.now() - began;
	return {
		lines: feeder.lines,
		bytes: text.length,
		files: [],
		startFound: watcher.startedAt !== undefined,
		brokerStartedAt: watcher.startedAt,
		timestampFormat: format,
		warnings: [],
		durationMs,
		linesPerSecond: durationMs > 0 ? Math.round(feeder.lines / (durationMs / 1000)) : feeder.lines,
	};
}

export function firstLines(text: string, count: number): string[] {
	const lines: string[] = [];
	let from = 0;
	while (lines.length < count && from < text.length) {
		let to = text.indexOf('\n', from);
		if (to < 0) to = text.length;
		lines.push(text.slice(from, to));
		from = to + 1;
	}

	return lines;
}
