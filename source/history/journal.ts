// The monitor's own record of what it saw, for brokers without a log file it can read:
// `$XDG_STATE_HOME/mqtt-top/history/<node>.jsonl`, one event a line, mode 0600, rotated to `.1`
// past a size limit. Each run begins with a `start` line and ends (when it quits cleanly) with an
// `end` line: the time between runs is a gap, since nobody was watching.
import {appendFileSync, chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {type Gap, type Kept, type Listed, Timeline, type TimelineEvent} from './timeline.js';

/** Past this the file is rotated to `.1` (the older `.1` is dropped): at most twice this on disk. */
export const journalLimitBytes = 16 * 1024 * 1024;
/** Lines are written in batches: at most this often, so a storm of events costs few writes. */
const flushMs = 1000;

type Mark = {type: 'start' | 'end'; time: number};

export function journalPath(node: string, env: NodeJS.ProcessEnv = process.env): string {
	const state = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
	// The node name is the operator's, but a `/` or `..` in it must not pick another directory.
	const safe = node.replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\.+/, '_') || '_';
	return path.join(state, 'mqtt-top', 'history', `${safe}.jsonl`);
}

export class JournalWriter {
	private pending: string[] = [];
	private timer: NodeJS.Timeout | undefined;
	/** Set when a write failed: recording stops, and the monitor says why. */
	error: string | undefined;

	constructor(
		readonly file: string,
		now: number,
		private readonly limit = journalLimitBytes,
	) {
		const dir = path.dirname(file);
		mkdirSync(dir, {recursive: true, mode: 0o700});
		// Created 0600 whatever the umask, and kept so: it lists every client of the broker.
		closeSync(openSync(file, 'a', 0o600));
		chmodSync(file, 0o600);
		this.pending.push(JSON.stringify({type: 'start', time: now} satisfies Mark));
		this.flush();
	}

	record(event: Kept | Listed): void {
		if (this.error) return;
		// Subscriptions are a Map, which JSON would write as {}: as [topic, qos] pairs they come back.
		this.pending.push(JSON.stringify(event, (key, value: unknown) => (value instanceof Map ? [...value] : value)));
		this.timer ??= setTimeout(() => this.flush(), flushMs).unref();
	}

	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.pending.length === 0 || this.error) return;
		const text = this.pending.join('\n') + '\n';
		this.pending = [];
		try {
			if ((statSync(this.file, {throwIfNoEntry: false})?.size ?? 0) > this.limit) this.rotate();
			appendFileSync(this.file, text, {mode: 0o600});
		} catch (error) {
			this.error = `${this.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
		}
	}

	close(now: number): void {
		this.pending.push(JSON.stringify({type: 'end', time: now} satisfies Mark));
		this.flush();
	}

	private rotate(): void {
		renameSync(this.file, `${this.file}.1`);
		closeSync(openSync(this.file, 'a', 0o600));
		chmodSync(this.file, 0o600);
	}
}

/** The journal as a timeline: `.1` then the file; a start line after a stretch unwatched is a gap and forgets what was known. */
export function journalTimeline(texts: readonly string[], now: number): Timeline | undefined {
	const events: TimelineEvent[] = [];
	const gaps: Gap[] = [];
	let begins: number | undefined;
	let last: number | undefined;
	let ended: number | undefined;
	for (const text of texts) {
		for (const line of text.split('\n')) {
			if (line === '') continue;
			let entry: (Kept | Listed | Mark) & {time: number};
			try {
				entry = JSON.parse(line) as typeof entry;
			} catch {
				continue; // a line cut by a crash mid-write
			}

			if (typeof entry?.time !== 'number' || !Number.isFinite(entry.time)) continue;
			// After rotations the first run's start line may be gone: the history begins at the oldest line kept.
			begins ??= entry.time;
			if (entry.type === 'start') {
				if (last !== undefined) {
					gaps.push({from: ended ?? last, to: entry.time, kind: 'unwatched', why: 'mqtt-top was not running: nothing was recorded'});
					events.push({type: 'reset', time: entry.time});
				}

				ended = undefined;
			} else if (entry.type === 'end') {
				ended = entry.time;
			} else if (entry.type === 'listed') {
				if (!Array.isArray(entry.sessions)) continue;
				const sessions = entry.sessions.map((session) => ({
					...session,
					subscriptions: new Map(Array.isArray(session.subscriptions) ? (session.subscriptions as Array<[string, number]>) : []),
				}));
				events.push({type: 'listed', time: entry.time, sessions});
			} else {
				events.push(entry as Kept);
			}

			last = entry.time;
		}
	}

	if (begins === undefined) return undefined;
	// A run that is still going, or crashed, is taken as watching up to now.
	return new Timeline(events, begins, last ?? now, gaps, []);
}

export function readJournal(file: string, now: number): Timeline | undefined {
	const texts: string[] = [];
	for (const part of [`${file}.1`, file]) {
		try {
			texts.push(readFileSync(part, 'utf8'));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}

	return journalTimeline(texts, now);
}
