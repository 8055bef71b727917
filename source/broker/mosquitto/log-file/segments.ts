import {type FileHandle, open, stat} from 'node:fs/promises';
import {gunzipFile} from './gunzip.js';
import type {LineClock} from './timestamp.js';

// Where the replay starts: the most recent "mosquitto version X starting" line, looked for from
// the end of the current file backwards, then in the rotated files (mosquitto.log.1, .2.gz …,
// logrotate's names) when the broker has been up longer than the current file.

export type LogPart = {path: string; gzip: boolean};

/** A stretch of one file to replay: bytes [start, end) of its (decompressed) content. */
export type Segment = LogPart & {
	start: number;
	/** Undefined for the live file: read to wherever its end is when the replay gets there. */
	end?: number;
};

export type Plan = {
	/** Oldest first. */
	segments: Segment[];
	startFound: boolean;
	/** Bytes the replay will read (the live file counted at its size now). */
	bytes: number;
	/** Rotated files that could not be read (rotated away meanwhile, corrupt …): the search stopped there. */
	warnings: string[];
};

export type SearchProgress = (file: string, bytesDone: number, bytesTotal: number) => void;

const needle = 'mosquitto version ';
const blockSize = 1 << 20;

async function exists(path: string): Promise<number | undefined> {
	try {
		const s = await stat(path);
		return s.isFile() ? s.size : undefined;
	} catch {
		return undefined;
	}
}

/** Rotated files of `path`, newest first: path.1 or path.1.gz, path.2 or path.2.gz … up to the first gap. */
export async function rotatedFiles(path: string, max = 100): Promise<Array<LogPart & {size: number}>> {
	const out: Array<LogPart & {size: number}> = [];
	for (let i = 1; i <= max; i++) {
		const plain = await exists(`${path}.${i}`);
		if (plain !== undefined) {
			out.push({path: `${path}.${i}`, gzip: false, size: plain});
			continue;
		}

		const gz = await exists(`${path}.${i}.gz`);
		if (gz === undefined) break;
		out.push({path: `${path}.${i}.gz`, gzip: true, size: gz});
	}

	return out;
}

/**
 * Index of the last start line in `text` whose line begins at or after `from`, or -1. Text is
 * latin1-decoded bytes, so indexes are byte offsets. A line that merely reads like a start
 * because a client named "mosquitto" unsubscribed from "version 9 starting" is given away by the
 * debug line before it (`\tversion 9 starting`) and skipped.
 */
export function lastStartIn(text: string, clock: LineClock, from = 0, previousLine = ''): number {
	let hit = text.lastIndexOf(needle);
	while (hit >= 0) {
		const lineStart = text.lastIndexOf('\n', hit - 1) + 1;
		if (lineStart < from) return -1;
		let lineEnd = text.indexOf('\n', hit);
		if (lineEnd < 0) lineEnd = text.length;
		const at = clock.split(text, lineStart, lineEnd);
		const messageStart = at < 0 ? lineStart : at;
		const message = text.slice(messageStart, lineEnd).replace(/\r$/, '');
		if (messageStart === hit && message.endsWith(' starting')) {
			const prevStart = lineStart === 0 ? -1 : text.lastIndexOf('\n', lineStart - 2) + 1;
			const prev = prevStart < 0 ? previousLine : text.slice(prevStart, lineStart - 1);
			const prevAt = clock.split(prev, 0, prev.length);
			const prevMessage = prev.slice(prevAt < 0 ? 0 : prevAt).replace(/\r$/, '');
			if (prevMessage !== '\t' + message.slice('mosquitto '.length)) return lineStart;
		}

		hit = text.lastIndexOf(needle, lineStart - 1);
	}

	return -1;
}

/**
 * Searches a plain file backwards from `size`, a block at a time; returns the start line's byte
 * offset. The live file is searched through the handle the replay reads: the path may already
 * name a newer file if the log was rotated a moment ago.
 */
async function searchPlain(
	path: string,
	size: number,
	clock: LineClock,
	progress: (done: number) => void,
	handle?: FileHandle,
): Promise<number | undefined> {
	const file = handle ?? (await open(path, 'r'));
	try {
		const buffer = Buffer.allocUnsafe(blockSize);
		let end = size;
		// `end` falls inside a line longer than a block (garbage, not a log line): skip to its start.
		let insideLongLine = false;
		while (end > 0) {
			const from = Math.max(0, end - blockSize);
			const {bytesRead} = await file.read(buffer, 0, end - from, from);
			const read = buffer.toString('latin1', 0, bytesRead);
			const limit = insideLongLine ? read.lastIndexOf('\n') + 1 : read.length;
			progress(size - from);
			if (insideLongLine && limit === 0) {
				end = from;
				continue;
			}

			const text = limit === read.length ? read : read.slice(0, limit);
			if (from === 0) {
				const found = lastStartIn(text, clock, 0);
				return found >= 0 ? found : undefined;
			}

			// The first line of a block may be cut, and its previous line is in the next block: it is
			// looked at there, where it is whole and has its neighbour.
			const firstWhole = text.indexOf('\n') + 1;
			const second = firstWhole === 0 ? 0 : text.indexOf('\n', firstWhole) + 1;
			if (second > 0 && second < text.length) {
				const found = lastStartIn(text, clock, second);
				if (found >= 0) return from + found;
				end = from + second;
				insideLongLine = false;
			} else if (insideLongLine) {
				// One newline before the long line: the line after it is looked at with its neighbour.
				end = from + text.length;
				insideLongLine = false;
			} else if (firstWhole > 0 && firstWhole < text.length) {
				// The only whole line here follows a line longer than a block (which cannot be the
				// debug line that gives a fake start away): look at it now, it is not seen again.
				const found = lastStartIn(text, clock, firstWhole);
				if (found >= 0) return from + found;
				end = from + firstWhole;
			} else {
				end = from;
				insideLongLine = true;
			}
		}

		return undefined;
	} finally {
		if (!handle) await file.close();
	}
}

/** Decompresses a whole .gz once: the offset of its last start line, and its decompressed size. */
async function searchGzip(path: string, clock: LineClock, progress: (done: number) => void): Promise<{start?: number; size: number}> {
	let offset = 0; // decompressed bytes before `carry`
	let carry = '';
	let previousLine = '';
	let start: number | undefined;
	let compressed = 0;
	for await (const chunk of gunzipFile(path, undefined, (bytes) => (compressed += bytes))) {
		const text = carry + (chunk as Buffer).toString('latin1');
		const lastNewline = text.lastIndexOf('\n');
		const whole = text.slice(0, lastNewline + 1);
		const found = lastStartIn(whole, clock, 0, previousLine);
		if (found >= 0) start = offset + found;
		if (lastNewline >= 0) {
			const prevStart = whole.lastIndexOf('\n', lastNewline - 1) + 1;
			previousLine = whole.slice(prevStart, lastNewline);
		}

		carry = text.slice(lastNewline + 1);
		offset += lastNewline + 1;
		progress(compressed);
	}

	const found = lastStartIn(carry, clock, 0, previousLine);
	if (found >= 0) start = offset + found;
	return {start, size: offset + carry.length};
}

/**
 * Plans the replay: from the most recent broker start to the end of the live file. Without a
 * start in any file, everything that is left is replayed and `startFound` is false.
 */
export async function planReplay(
	path: string,
	live: {handle: FileHandle; size: number},
	clock: LineClock,
	onProgress?: SearchProgress,
): Promise<Plan> {
	const liveSize = live.size;
	const rotated = await rotatedFiles(path);
	const total = liveSize + rotated.reduce((sum, part) => sum + part.size, 0);
	let done = 0;
	const progress = (file: string) => (bytes: number) => onProgress?.(file, done + bytes, total);

	const liveStart = await searchPlain(path, liveSize, clock, progress(path), live.handle);
	if (liveStart !== undefined) {
		return {segments: [{path, gzip: false, start: liveStart}], startFound: true, bytes: liveSize - liveStart, warnings: []};
	}

	done += liveSize;
	// Newest first while searching; each searched file without a start is replayed whole.
	const newer: Segment[] = [];
	const warnings: string[] = [];
	let bytes = liveSize;
	const plan = (first: Segment | undefined, extra: number): Plan => ({
		segments: [...(first ? [first] : []), ...newer.reverse(), {path, gzip: false, start: 0}],
		startFound: first !== undefined,
		bytes: bytes + extra,
		warnings,
	});
	for (const part of rotated) {
		let start: number | undefined;
		let size = part.size;
		try {
			if (part.gzip) ({start, size} = await searchGzip(part.path, clock, progress(part.path)));
			else start = await searchPlain(part.path, part.size, clock, progress(part.path));
		} catch (error) {
			// Older files are unreachable past a gap: replay what was found.
			warnings.push(`${part.path}: ${(error as Error).message}`);
			break;
		}

		if (start !== undefined) return plan({path: part.path, gzip: part.gzip, start, end: size}, size - start);
		newer.push({path: part.path, gzip: part.gzip, start: 0, end: size});
		bytes += size;
		done += part.size;
	}

	return plan(undefined, 0);
}
