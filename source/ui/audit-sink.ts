import {AuditFile, type AuditSink} from '../audit-log.js';

/** The audit log file as the monitor's actions use it (0600, flushed before each command is sent). */
export function fileAuditSink(file: string): AuditSink {
	return new AuditFile(file);
}
