// Mosquitto changed its log lines in 2.1.0 and again in 2.1.1 (test/fixtures/README.md lists what
// changed). The parser reads each line the way the running broker wrote it: the dialect comes from
// `$SYS/broker/version` or the log's "mosquitto version X starting" line, and when neither has been
// seen yet the parser accepts the shapes of every version.

/** `2.0`: 2.0.x. `2.1.0`: new takeover line. `2.1.1`: 2.1.1 and later, "Client ID [A:P] disconnected[: REASON]." */
export type Dialect = '2.0' | '2.1.0' | '2.1.1' | 'unknown';

/** The dialect of a version string such as "mosquitto version 2.1.2" or "2.0.11". */
export function dialectOfVersion(text: string): Dialect {
	const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
	if (!match) return 'unknown';
	const [major, minor, patch] = match.slice(1).map(Number);
	if (major === 2 && minor === 0) return '2.0';
	if (major === 2 && minor === 1 && patch === 0) return '2.1.0';
	if (major > 2 || (major === 2 && minor >= 1)) return '2.1.1';
	return 'unknown';
}

/** What the parser knows of the broker it reads; shared by the topic stream and the log file. */
export class DialectTracker {
	dialect: Dialect = 'unknown';
	version: string | undefined;

	observe(versionText: string): void {
		const dialect = dialectOfVersion(versionText);
		if (dialect === 'unknown') return;
		this.dialect = dialect;
		this.version = versionText;
	}
}
