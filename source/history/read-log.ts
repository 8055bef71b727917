// Reads the broker's log file and its rotated copies (oldest first) into a Timeline.
import {createReadStream} from 'node:fs';
import {open} from 'node:fs/promises';
import {gunzipFile} from '../broker/mosquitto/log-file/gunzip.js';
import {rotatedFiles} from '../broker/mosquitto/log-file/segments.js';
import {detectTimestampFormat, type TimestampFormat} from '../broker/mosquitto/log-file/timestamp.js';
import {type Timeline, TimelineBuilder} from './timeline.js';

export type ReadLogOptions = {
	timestampFormat?: TimestampFormat;
	rotationGapMs?: number;
	/** The monitor's own client ID: its connection is not one of the broker's sessions. */
	ignoreClientId?: string;
};

export type ReadLog = {timeline: Timeline; timestampFormat: TimestampFormat; warnings: string[]};

const sampleBytes = 16 * 1024;

/** Lines from the end of the first file with any, newest file first: how the broker writes now. */
async function sampleLines(paths: string[]): Promise<string[]> {
	for (const path of paths) {
		try {
			const handle = await open(path, 'r');
			try {
				const {size} = await handle.stat();
				if (size === 0) continue;
				const length = Math.min(sampleBytes, size);
				const buffer = Buffer.alloc(length);
				const {bytesRead} = await handle.read(buffer, 0, length, size - length);
				const lines = buffer.toString('utf8', 0, bytesRead).split('\n');
				if (size > length) lines.shift();
				return lines.slice(-64);
			} finally {
				await handle.close();
			}
		} catch {
			// Unreadable: the next file may say.
		}
	}

	return [];
}

export async function readLogTimeline(path: string, options: ReadLogOptions = {}): Promise<ReadLog> {
	// Fails here, with the reason, when the live file cannot be read at all.
	await (await open(path, 'r')).close();
	const rotated = (await rotatedFiles(path)).reverse();
	const plain = [
		path,
		...rotated
			.filter((part) => !part.gzip)
			.map((part) => part.path)
			.reverse(),
	];
	const timestampFormat = options.timestampFormat ?? detectTimestampFormat(await sampleLines(plain));
	const builder = new TimelineBuilder(timestampFormat, options);
	const warnings: string[] = [];
	// An unreadable rotated file cuts the history there: what is older cannot be joined to what is newer.
	let first = 0;
	for (let i = rotated.length - 1; i >= 0; i--) {
		try {
			await (await open(rotated[i].path, 'r')).close();
		} catch (error) {
			warnings.push(
				`${rotated[i].path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}: the history begins after it`,
			);
			first = i + 1;
			break;
		}
	}

	for (const part of [...rotated.slice(first), {path, gzip: false}]) {
		builder.file(part.path);
		try {
			const stream = part.gzip ? gunzipFile(part.path) : createReadStream(part.path);
			for await (const chunk of stream) builder.push(chunk as Buffer);
		} catch (error) {
			warnings.push(`${part.path}: ${(error as Error).message}`);
		}
	}

	return {timeline: builder.finish(), timestampFormat, warnings};
}
