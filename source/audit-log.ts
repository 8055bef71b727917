import {appendFile, mkdir} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type AuditEntry = {
	action: string;
	target: string;
	outcome: string;
	broker: string;
	/** Defaults to now. */
	time?: Date;
	/** Defaults to the OS user running mqtt-top. */
	operator?: string;
};

function operatorName(): string {
	try {
		return os.userInfo().username;
	} catch {
		return process.env.USER ?? 'unknown';
	}
}

// One line per field set, tab-separated, with tabs and line breaks escaped so an untrusted client
// ID can never forge a second audit line.
function field(text: string): string {
	return text.replace(/[\t\n\r\\]/g, (c) => ({'\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\'})[c]!);
}

export function formatAuditLine(entry: AuditEntry): string {
	return (
		[
			(entry.time ?? new Date()).toISOString(),
			`operator=${field(entry.operator ?? operatorName())}`,
			`broker=${field(entry.broker)}`,
			`action=${field(entry.action)}`,
			`target=${field(entry.target)}`,
			`outcome=${field(entry.outcome)}`,
		].join('\t') + '\n'
	);
}

/** Appends one line; creates the directory on first use. */
export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
	await mkdir(path.dirname(file), {recursive: true});
	await appendFile(file, formatAuditLine(entry), {mode: 0o600});
}
