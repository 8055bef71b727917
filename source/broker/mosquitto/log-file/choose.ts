import {accessSync, constants} from 'node:fs';

/** Debian's (and most packages') default `log_dest file`. */
export const defaultLogFile = '/var/log/mosquitto/mosquitto.log';

export type LogFileChoice = {
	path: string;
	/** One line for the header: why this file is being read. */
	reason: string;
};

export type LogFileRequest = {
	/** Host from the Config (a path or `unix:` URL for a Unix socket). */
	host: string;
	/** --log-file PATH, or false for --no-log-file; undefined: decide from the host. */
	logFile?: string | false;
	/** The broker's port: the default file belongs to the broker on the default listener. */
	port?: number;
};

// A broker on another port of this host (a test or second instance) is not the one whose log
// the package writes to the default path, and replaying someone else's log would be a lie.
const defaultPorts = new Set([1883, 8883]);

/** Whether `path` can be read (injected so the choice stays pure and testable). */
export type CanRead = (path: string) => boolean;

export const canReadFile: CanRead = (path) => {
	try {
		accessSync(path, constants.R_OK);
		return true;
	} catch {
		return false;
	}
};

/** The broker runs on this host: its log file, if readable, is this broker's. */
export function isLocalHost(host: string): boolean {
	const h = host
		.trim()
		.toLowerCase()
		.replace(/^\[|\]$/g, '');
	if (h.startsWith('/') || h.startsWith('unix:')) return true;
	if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
	// All of 127.0.0.0/8 is loopback, also written as an IPv4-mapped IPv6 address.
	return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Which log file to read, if any: the one named by --log-file; none with --no-log-file; else the
 * default file when the broker is local and the file is readable (the operator usually is on the
 * broker host, and Debian's default config logs connections there).
 */
export function chooseLogFile(request: LogFileRequest, canRead: CanRead = canReadFile): LogFileChoice | undefined {
	if (request.logFile === false) return undefined;
	if (request.logFile !== undefined) return {path: request.logFile, reason: '--log-file'};
	if (!isLocalHost(request.host)) return undefined;
	if (request.port !== undefined && !defaultPorts.has(request.port)) return undefined;
	if (!canRead(defaultLogFile)) return undefined;
	return {path: defaultLogFile, reason: 'local broker: reading its default log file'};
}
