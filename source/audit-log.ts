import {randomBytes} from 'node:crypto';
import {chmod, mkdir, open, type FileHandle} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {defaultAuditLog} from './config.js';

/**
 * What an audit line says happened. `attempted` is written before anything is sent to the broker;
 * one of the others follows it. `unknown (no answer)`: the command went out but the broker never
 * answered, so it may still have run. `refused`: nothing was sent (not confirmed, read-only, a plan
 * refused for safety, actions unavailable).
 */
export type AuditOutcome = 'attempted' | 'done' | 'failed' | 'unknown (no answer)' | 'refused';

export type AuditRecord = {
	action: string;
	target: string;
	broker: string;
	outcome: AuditOutcome;
	/** What the broker said, or why the action was refused. */
	detail?: string;
	/** Ties an outcome to its attempt. */
	id?: string;
};

export type AuditEntry = AuditRecord & {
	/** Defaults to now. */
	time?: Date;
	/** Defaults to the OS user running mqtt-top. */
	operator?: string;
};

/** Where actions are recorded. `ready` fails (with a reason) when nothing could be recorded. */
export type AuditSink = {
	ready(): Promise<void>;
	append(record: AuditRecord): Promise<void>;
};

/** The audit log cannot be written: the action it was meant to record must not happen. */
export class AuditUnwritable extends Error {}

function operatorName(): string {
	try {
		return os.userInfo().username;
	} catch {
		return process.env.USER ?? 'unknown';
	}
}

export function newAuditId(): string {
	return randomBytes(4).toString('hex');
}

const named: Record<string, string> = {'\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\'};
// Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width characters,
// BOM, soft hyphen), line/paragraph separators and lone surrogates: `cat audit.log` must neither
// run an escape sequence nor show a reordered or hidden client ID. Backslash too, so every escape
// reads back unambiguously.
const unsafe = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeChar(c: string): string {
	const special = named[c];
	if (special) return special;
	const code = c.codePointAt(0)!;
	if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
	if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
	return `\\u{${code.toString(16)}}`;
}

/** One field, with everything a terminal would act on (or a reader could be fooled by) escaped. */
export function auditField(text: string): string {
	return text.replace(unsafe, escapeChar);
}

export function formatAuditLine(entry: AuditEntry): string {
	const fields = [
		(entry.time ?? new Date()).toISOString(),
		`operator=${auditField(entry.operator ?? operatorName())}`,
		`broker=${auditField(entry.broker)}`,
		`action=${auditField(entry.action)}`,
		`target=${auditField(entry.target)}`,
		`outcome=${entry.outcome}`,
	];
	if (entry.detail !== undefined) fields.push(`detail=${auditField(entry.detail)}`);
	if (entry.id !== undefined) fields.push(`id=${auditField(entry.id)}`);
	return fields.join('\t') + '\n';
}

function reason(error: unknown): string {
	const e = error as NodeJS.ErrnoException;
	switch (e.code) {
		case 'EISDIR':
			return 'it is a directory';
		case 'ENOSPC':
			return 'no space left on the device';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EROFS':
			return 'read-only file system';
		case 'ENOTDIR':
			return 'a parent of it is not a directory';
		default:
			return e.code ?? e.message ?? String(error);
	}
}

/**
 * The audit log file: 0600, in a directory of 0700 when the directory is mqtt-top's own (the
 * default one, or one it created). A directory the operator named and that already existed keeps
 * its mode: `--audit-log /tmp/x.log` must not turn /tmp into 0700.
 */
export class AuditFile implements AuditSink {
	private prepared = false;

	/** `what`: how messages name the file (the alert log shares this file handling). */
	constructor(
		readonly file: string,
		private readonly what = 'audit log',
	) {}

	private fail(error: unknown): never {
		throw new AuditUnwritable(`cannot write the ${this.what} ${this.file} (${reason(error)})`, {cause: error});
	}

	private async prepareDirectory(): Promise<void> {
		if (this.prepared) return;
		const dir = path.dirname(path.resolve(this.file));
		try {
			const created = await mkdir(dir, {recursive: true, mode: 0o700});
			if (created !== undefined || dir === path.dirname(path.resolve(defaultAuditLog()))) await chmod(dir, 0o700);
		} catch (error) {
			this.fail(error);
		}

		this.prepared = true;
	}

	private async openFile(): Promise<FileHandle> {
		await this.prepareDirectory();
		let handle: FileHandle | undefined;
		try {
			handle = await open(this.file, 'a', 0o600);
			// An existing file keeps the mode it was created with unless told otherwise; a device
			// such as /dev/full is not ours to change.
			const stat = await handle.stat();
			if (stat.isFile() && (stat.mode & 0o777) !== 0o600) await handle.chmod(0o600);
			return handle;
		} catch (error) {
			await handle?.close().catch(() => {});
			this.fail(error);
		}
	}

	async ready(): Promise<void> {
		const handle = await this.openFile();
		await handle.close();
	}

	/** Appends one line and flushes it to disk: an attempt must be on record before the command goes out. */
	async append(record: AuditRecord): Promise<void> {
		await this.appendLine(formatAuditLine(record));
	}

	/** Appends one finished line (ending in a newline) and flushes it to disk. */
	async appendLine(line: string): Promise<void> {
		const handle = await this.openFile();
		try {
			await handle.appendFile(line);
			await handle.datasync().catch((error: NodeJS.ErrnoException) => {
				// Devices and some file systems cannot sync; the write itself succeeded.
				if (error.code !== 'EINVAL' && error.code !== 'ENOTSUP') throw error;
			});
		} catch (error) {
			this.fail(error);
		} finally {
			await handle.close().catch(() => {});
		}
	}
}

/** Appends one line (tests and one-off records). */
export async function appendAudit(file: string, entry: AuditRecord): Promise<void> {
	await new AuditFile(file).append(entry);
}
