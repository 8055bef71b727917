import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {toCsv, toJson, toRecord} from '../../model/export.js';
import type {Session} from '../../model/types.js';

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** `./mqtt-top-export-20250131-142233.csv`: sorts by time and never collides within a second. */
export function defaultExportPath(now: number): string {
	const d = new Date(now);
	const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
	return `./mqtt-top-export-${stamp}.csv`;
}

/** The format the file name asks for, or why it asks for none. */
export function exportFormat(file: string): {ok: true; format: 'csv' | 'json'} | {ok: false; error: string} {
	const ext = path.extname(file.trim()).toLowerCase();
	if (file.trim() === '') return {ok: false, error: 'type a file name ending in .csv or .json'};
	if (ext === '.csv') return {ok: true, format: 'csv'};
	if (ext === '.json') return {ok: true, format: 'json'};
	return {ok: false, error: `the name must end in .csv or .json (it picks the format)${ext ? `, not ${ext}` : ''}`};
}

/**
 * Writes the rows as `list --json`/`--csv` would print them. Refuses to overwrite: an export
 * during an incident must not silently destroy an earlier one. Returns the absolute path.
 */
export async function writeExport(
	file: string,
	rows: readonly Session[],
	broker: string | ((session: Session) => string),
	cwd = process.cwd(),
): Promise<string> {
	const format = exportFormat(file);
	if (!format.ok) throw new Error(format.error);
	const target = path.resolve(cwd, file.trim());
	const records = rows.map((session) => toRecord(session, typeof broker === 'string' ? broker : broker(session)));
	try {
		// 0600: an export names every client and account on the broker; it is the operator's alone.
		await writeFile(target, format.format === 'json' ? toJson(records) + '\n' : toCsv(records), {flag: 'wx', mode: 0o600});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const why =
			code === 'EEXIST'
				? 'it already exists (choose another name)'
				: code === 'ENOENT'
					? 'its directory does not exist'
					: code === 'EACCES' || code === 'EPERM'
						? 'permission denied'
						: (code ?? (error as Error).message);
		throw new Error(`cannot write ${target}: ${why}`, {cause: error});
	}

	return target;
}
