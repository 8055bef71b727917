import {watch, type FSWatcher} from 'node:fs';
import {type FileHandle, open, stat} from 'node:fs/promises';
import path from 'node:path';
import {gunzipFile} from './gunzip.js';

// Tails the live log through rotation:
// - rename (logrotate's default, then SIGHUP): the path gets a new inode. The old file is read to
//   its end first, and the new one is only switched to once it has data, because until the broker
//   reopens (on SIGHUP) it keeps writing to the old one, even when logrotate `create`d the new.
// - copytruncate: same inode, but it shrank, or the bytes before our offset changed. What was
//   written between our last read and the copy is read from the copy (`.1`, or `.1.gz`) before
//   starting again at the top.

export type RotationKind = 'rename' | 'truncate';

export type FollowerEvents = {
	/** Bytes appended to the log, in order. The buffer is reused after the call returns. */
	data(chunk: Buffer): void;
	/** The stream jumped to a new file or to the top of this one: a partial line will not be completed. */
	rotated(kind: RotationKind, detail: string): void;
	/** Reading failed (the follower keeps trying). */
	error(error: Error): void;
};

export type FollowerOptions = {
	/** Milliseconds between checks when the directory watch says nothing (default 250). */
	pollMs?: number;
};

/** Bytes kept from just before the offset, to notice the file being truncated and regrown between polls. */
const fingerprintBytes = 128;
const readBytes = 1 << 20;

export class LogFollower {
	rotations = 0;
	truncations = 0;
	/** Bytes recovered from the rotated copy after a copytruncate. */
	recovered = 0;
	/** The last truncation found no copy to recover the lines written just before it from. */
	lostAt: number | undefined;
	/** The path is gone (deleted, or renamed and not yet recreated): reading the file the broker still has open. */
	missing = false;
	private handle: FileHandle;
	private ino: number;
	private offset: number;
	private fingerprint = Buffer.alloc(0);
	private timer: NodeJS.Timeout | undefined;
	private due = 0;
	private watcher: FSWatcher | undefined;
	private running: Promise<void> | undefined;
	private stopped = false;
	private readonly buffer = Buffer.allocUnsafe(readBytes);
	private readonly pollMs: number;

	constructor(
		readonly path: string,
		start: {handle: FileHandle; ino: number; offset: number},
		private readonly events: FollowerEvents,
		options: FollowerOptions = {},
	) {
		this.handle = start.handle;
		this.ino = start.ino;
		this.offset = start.offset;
		this.pollMs = options.pollMs ?? 250;
	}

	/** Begins following; the file handle now belongs to the follower. */
	async start(): Promise<void> {
		// The fingerprint must describe what was read before following began, so no step may read
		// past the offset until it is taken.
		this.running = this.takeFingerprint().finally(() => {
			this.running = undefined;
		});
		await this.running;
		try {
			// Watching the directory sees both appends and the rename/create of rotation.
			this.watcher = watch(path.dirname(this.path), () => this.check(10));
			this.watcher.on('error', () => this.watcher?.close());
		} catch {
			// Polling alone still works.
		}

		this.check(0);
	}

	/** Reads whatever is new right now (tests and `list` use it to catch up without waiting for a poll). */
	async poll(): Promise<void> {
		await this.exclusive();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.timer);
		this.watcher?.close();
		while (this.running) await this.running;
		await this.handle.close().catch(() => {});
	}

	/** One step at a time: two reads from the same offset would deliver the same lines twice. */
	private async exclusive(): Promise<void> {
		while (this.running) await this.running;
		if (this.stopped) return;
		this.running = this.step()
			.catch((error: unknown) => this.events.error(error as Error))
			.finally(() => {
				this.running = undefined;
			});
		await this.running;
	}

	private check(delay: number): void {
		if (this.stopped) return;
		// A busy log fires the directory watch every few milliseconds: pushing the timer back on each
		// event would never let it fire. Only ever bring the next step forward.
		const due = Date.now() + delay;
		if (this.timer !== undefined && this.due <= due) return;
		clearTimeout(this.timer);
		this.due = due;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.exclusive().then(() => this.check(this.pollMs));
		}, delay);
	}

	private async step(): Promise<void> {
		if (this.stopped) return;
		// Before reading on: past a truncation the offset points into different text.
		if (await this.truncated()) {
			this.truncations++;
			this.lostAt = (await this.recoverFromCopy()) ? undefined : Date.now();
			this.events.rotated('truncate', `${this.path} was truncated (copytruncate)`);
			this.offset = 0;
			this.fingerprint = Buffer.alloc(0);
			await this.drain();
			return;
		}

		await this.drain();
		let current;
		try {
			current = await stat(this.path, {bigint: false});
			this.missing = false;
		} catch (error) {
			// Renamed away and not yet recreated, or deleted: keep reading the old file, which the
			// broker writes to until it reopens its log.
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			this.missing = true;
			return;
		}

		if (current.ino === this.ino || current.size === 0) return;
		// Renamed, and the broker writes to the new file: finish the old one, then switch.
		await this.drain();
		const next = await open(this.path, 'r');
		const nextIno = (await next.stat()).ino;
		await this.handle.close().catch(() => {});
		this.handle = next;
		this.ino = nextIno;
		this.offset = 0;
		this.fingerprint = Buffer.alloc(0);
		this.rotations++;
		this.events.rotated('rename', `${this.path} was rotated (new file)`);
		await this.drain();
	}

	/** Reads from the offset to the end of the file. */
	private async drain(): Promise<void> {
		for (;;) {
			const {bytesRead} = await this.handle.read(this.buffer, 0, readBytes, this.offset);
			if (bytesRead === 0) return;
			const chunk = this.buffer.subarray(0, bytesRead);
			this.offset += bytesRead;
			this.remember(chunk);
			this.events.data(chunk);
		}
	}

	private remember(chunk: Buffer): void {
		const keep = Math.min(fingerprintBytes, this.fingerprint.length + chunk.length);
		this.fingerprint = Buffer.concat([this.fingerprint, chunk.subarray(Math.max(0, chunk.length - keep))]).subarray(-keep);
	}

	private async takeFingerprint(): Promise<void> {
		const length = Math.min(fingerprintBytes, this.offset);
		const buffer = Buffer.alloc(length);
		const {bytesRead} = await this.handle.read(buffer, 0, length, this.offset - length);
		this.fingerprint = buffer.subarray(0, bytesRead);
	}

	/** Shrunk below the offset, or the bytes just before the offset are no longer the ones read. */
	private async truncated(): Promise<boolean> {
		const {size} = await this.handle.stat();
		if (size < this.offset) return true;
		if (this.fingerprint.length === 0) return false;
		const probe = Buffer.alloc(this.fingerprint.length);
		await this.handle.read(probe, 0, probe.length, this.offset - probe.length);
		return !probe.equals(this.fingerprint);
	}

	/**
	 * After copytruncate: the copy holds what was written after our offset and before the copy was
	 * made. False when no copy matches (truncated by hand, or the copy is gone or unreadable).
	 */
	private async recoverFromCopy(): Promise<boolean> {
		for (const candidate of [`${this.path}.1`, `${this.path}.1.gz`]) {
			try {
				const bytes = candidate.endsWith('.gz') ? await this.readGzipFrom(candidate) : await this.readPlainFrom(candidate);
				if (bytes !== undefined) {
					this.recovered += bytes;
					return true;
				}
			} catch {
				// Not there, or not ours: nothing to recover from it.
			}
		}

		return false;
	}

	private async readPlainFrom(file: string): Promise<number | undefined> {
		const handle = await open(file, 'r');
		try {
			const probe = Buffer.alloc(this.fingerprint.length);
			await handle.read(probe, 0, probe.length, this.offset - probe.length);
			if (!probe.equals(this.fingerprint)) return undefined;
			let position = this.offset;
			for (;;) {
				const {bytesRead} = await handle.read(this.buffer, 0, readBytes, position);
				if (bytesRead === 0) return position - this.offset;
				position += bytesRead;
				this.events.data(this.buffer.subarray(0, bytesRead));
			}
		} finally {
			await handle.close();
		}
	}

	private async readGzipFrom(file: string): Promise<number | undefined> {
		// Decompressed once into the window before the offset (to check it is our file) and what follows.
		const chunks: Buffer[] = [];
		let position = 0;
		const from = this.offset - this.fingerprint.length;
		for await (const data of gunzipFile(file)) {
			const chunk = data as Buffer;
			const end = position + chunk.length;
			if (end > from) chunks.push(chunk.subarray(Math.max(0, from - position)));
			position = end;
		}

		const tail = Buffer.concat(chunks);
		if (tail.length < this.fingerprint.length || !tail.subarray(0, this.fingerprint.length).equals(this.fingerprint)) return undefined;
		const rest = tail.subarray(this.fingerprint.length);
		if (rest.length > 0) this.events.data(rest);
		return rest.length;
	}
}
