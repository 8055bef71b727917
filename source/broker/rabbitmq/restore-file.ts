// What block removed, kept on disk so that unblock can put it back after mqtt-top (or the
// machine) restarts, and from another mqtt-top. Written and fsynced before anything is removed:
// a block whose record is lost would leave an account without permissions nobody can restore.
import {chmod, mkdir, open, readFile, rename} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {Permission} from './permissions.js';

export type BlockEntry = {
	user: string;
	/** Milliseconds since the epoch. */
	blockedAt: number;
	/** operator@host */
	by: string;
	/** The user's permissions as they were, one per vhost. */
	permissions: Permission[];
};

export type BlockRecord = {version: 1; node: string; blocks: BlockEntry[]};

/** `$XDG_STATE_HOME/mqtt-top/rabbitmq/<node>-blocks.json` (state defaults to ~/.local/state). */
export function blocksPath(node: string, env: NodeJS.ProcessEnv = process.env): string {
	const state = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
	// The node name is the operator's, but a `/` or `..` in it must not pick another directory.
	const safe = node.replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\.+/, '_') || '_';
	return path.join(state, 'mqtt-top', 'rabbitmq', `${safe}-blocks.json`);
}

export class RestoreFileError extends Error {}

export async function readBlocks(file: string, node: string): Promise<BlockRecord> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		// Nothing there (ENOTDIR: a path component is a file): nothing was blocked. A write will say why it cannot.
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return {version: 1, node, blocks: []};
		throw new RestoreFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}

	try {
		const record = JSON.parse(text) as BlockRecord;
		if (record.version !== 1 || !Array.isArray(record.blocks)) throw new Error('unknown shape');
		for (const entry of record.blocks) {
			if (typeof entry.user !== 'string' || !Array.isArray(entry.permissions)) throw new Error('unknown shape');
		}

		return record;
	} catch {
		// Never overwritten by a fresh empty record: it may be the only copy of someone's permissions.
		throw new RestoreFileError(`${file} is not a restore file mqtt-top can read: fix or move it (it holds what unblock restores)`);
	}
}

/** Replaces the file atomically (temporary file, fsync, rename, fsync of the directory): 0600 in a 0700 directory. */
export async function writeBlocks(file: string, record: BlockRecord): Promise<void> {
	const dir = path.dirname(file);
	try {
		await mkdir(dir, {recursive: true, mode: 0o700});
		await chmod(dir, 0o700);
		const temporary = `${file}.${process.pid}.tmp`;
		const handle = await open(temporary, 'w', 0o600);
		try {
			await handle.writeFile(JSON.stringify(record, null, '\t') + '\n');
			await handle.sync();
		} finally {
			await handle.close();
		}

		await rename(temporary, file);
		const directory = await open(dir, 'r');
		try {
			await directory.sync();
		} finally {
			await directory.close();
		}
	} catch (error) {
		throw new RestoreFileError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
}
