import path from 'node:path';
import {AuditFile, auditField} from '../audit-log.js';
import type {Alert} from './engine.js';

/** The alert log's default place: the audit log's neighbour, in mqtt-top's own 0700 directory. */
export function defaultAlertLog(auditLog: string): string {
	return path.join(path.dirname(auditLog), 'alerts.log');
}

/** One alert as a JSON object (the alert log's line, `watch --json`). */
export function alertRecord(alert: Alert): Record<string, string> {
	const record: Record<string, string> = {time: new Date(alert.time).toISOString(), rule: alert.rule, kind: alert.kind, node: alert.node};
	if (alert.clientId !== undefined) record.clientId = alert.clientId;
	if (alert.username !== undefined) record.username = alert.username;
	if (alert.address !== undefined) record.address = alert.address;
	record.detail = alert.detail;
	return record;
}

/**
 * `TIME<TAB>RULE<TAB>CLIENT<TAB>NODE<TAB>DETAIL`, `-` for an empty field. Tabs, newlines and
 * terminal controls in a client ID are escaped as in the audit log, so one alert is one line of
 * five fields whatever the client called itself.
 */
export function alertLine(alert: Alert): string {
	const field = (text: string | undefined) => (text === undefined || text === '' ? '-' : auditField(text));
	return (
		[new Date(alert.time).toISOString(), field(alert.rule), field(alert.clientId), field(alert.node), field(alert.detail)].join('\t') + '\n'
	);
}

/**
 * Appends alerts as JSON lines (0600, flushed per line), in order. A log that cannot be written
 * does not stop anything: `onError` hears about it once, and later alerts are still tried.
 */
export class AlertLog {
	private readonly file: AuditFile;
	private queue: Promise<void> = Promise.resolve();
	private warned = false;

	constructor(
		readonly path: string,
		private readonly onError: (message: string) => void,
	) {
		this.file = new AuditFile(path, 'alert log');
	}

	append(alert: Alert): void {
		const line = JSON.stringify(alertRecord(alert)) + '\n';
		this.queue = this.queue
			.then(() => this.file.appendLine(line))
			.catch((error: unknown) => {
				if (this.warned) return;
				this.warned = true;
				this.onError(`${(error as Error).message}: alerts are not kept after this session`);
			});
	}

	/** Resolves once every alert appended so far is written (or failed). */
	async flushed(): Promise<void> {
		await this.queue;
	}
}
