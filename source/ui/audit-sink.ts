import {access, constants, mkdir} from 'node:fs/promises';
import path from 'node:path';
import {appendAudit} from '../audit-log.js';
import type {AuditSink} from './model/perform-action.js';

/** The audit log file as the monitor's actions use it. */
export function fileAuditSink(file: string): AuditSink {
	return {
		async ready() {
			try {
				await mkdir(path.dirname(file), {recursive: true});
				await access(path.dirname(file), constants.W_OK);
			} catch (error) {
				throw new Error(
					`cannot write the audit log ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): restart with --audit-log PATH`,
					{cause: error},
				);
			}
		},
		append: (record) => appendAudit(file, record),
	};
}
