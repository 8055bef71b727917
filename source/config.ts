import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {BrokerType} from './broker/driver.js';
import {ExitCode, UserError} from './errors.js';

export type Transport = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export type Config = {
	/** This node's name: unique among the monitored brokers (Node column, `node:` filter, `list`). */
	node: string;
	brokerType: BrokerType;
	/** A REST driver's management API base URL (RabbitMQ, EMQX, VerneMQ). */
	apiUrl?: string;
	transport: Transport;
	host: string;
	port: number;
	/** Path for ws/wss URLs. */
	path?: string;
	username?: string;
	password?: string;
	clientId: string;
	protocolVersion: 3 | 4 | 5;
	ca?: Buffer;
	cert?: Buffer;
	key?: Buffer;
	insecure: boolean;
	readOnly: boolean;
	/** Seconds between view refreshes. */
	refresh: number;
	filter: string;
	auditLog: string;
	/** Milliseconds to wait for the dynamic-security plugin before declaring it absent. */
	dynsecTimeout: number;
	/** The broker's log file: a path, false for none, undefined to use the local default when readable. */
	logFile?: string | false;
	/** The broker's `log_timestamp_format` (detected when absent). */
	logTimestampFormat?: string;
	/** Seconds of MQTT keep-alive: a half-open link is noticed within 1.5 times this. */
	keepAlive: number;
};

export type ConfigFlags = {
	host?: string;
	port?: number;
	url?: string;
	username?: string;
	password?: string;
	id?: string;
	protocolVersion?: string;
	cafile?: string;
	cert?: string;
	key?: string;
	insecure?: boolean;
	readOnly?: boolean;
	refresh?: number;
	filter?: string;
	auditLog?: string;
	logFile?: string | boolean;
	logTimestampFormat?: string;
	keepalive?: number;
};

const defaultPorts: Record<Transport, number> = {mqtt: 1883, mqtts: 8883, ws: 80, wss: 443};

function readPem(file: string | undefined, flag: string): Buffer | undefined {
	if (file === undefined) return undefined;
	try {
		return readFileSync(file);
	} catch (error) {
		throw new UserError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.usage);
	}
}

export function defaultClientId(): string {
	// Unique by default: two monitors sharing an ID would take each other over in a loop.
	const host =
		os
			.hostname()
			.replace(/[^A-Za-z0-9_-]/g, '')
			.slice(0, 20) || 'host';
	return `mqtt-top-${host}-${randomBytes(4).toString('hex')}`;
}

export function defaultAuditLog(env: NodeJS.ProcessEnv = process.env): string {
	const state = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
	return path.join(state, 'mqtt-top', 'audit.log');
}

function logFileFlag(value: string | boolean | undefined): string | false | undefined {
	// meow turns --no-log-file into false; a bare --log-file (no path) is a mistake.
	if (value === false || value === undefined) return value;
	if (value === true || value === '') throw new UserError('--log-file needs a path (or --no-log-file to turn it off)', ExitCode.usage);
	return value;
}

/** Flags and environment → one validated Config. Throws UserError (exit 2) on bad input. */
export function buildConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
	let transport: Transport = flags.cafile || flags.cert ? 'mqtts' : 'mqtt';
	let host = flags.host ?? 'localhost';
	let port = flags.port;
	let urlPath: string | undefined;
	let username = flags.username;
	let password = flags.password ?? env.MQTT_TOP_PASSWORD;

	if (flags.url !== undefined) {
		let url: URL;
		try {
			url = new URL(flags.url);
		} catch {
			throw new UserError(`-L/--url: '${flags.url}' is not a URL (e.g. mqtt://broker:1883)`, ExitCode.usage);
		}

		const scheme = url.protocol.replace(/:$/, '');
		if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(scheme)) {
			throw new UserError(`-L/--url: scheme '${scheme}' is not mqtt, mqtts, ws or wss`, ExitCode.usage);
		}

		transport = scheme as Transport;
		host = url.hostname.replace(/^\[|\]$/g, '');
		if (url.port) port = Number(url.port);
		if (url.username) username ??= decodeURIComponent(url.username);
		if (url.password) password ??= decodeURIComponent(url.password);
		if ((transport === 'ws' || transport === 'wss') && url.pathname) urlPath = url.pathname;
	}

	port ??= defaultPorts[transport];
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		throw new UserError(`-p/--port: ${String(flags.port ?? port)} is not a port number (1–65535)`, ExitCode.usage);
	}

	const versions: Record<string, 3 | 4 | 5> = {mqttv31: 3, '31': 3, mqttv311: 4, '311': 4, mqttv5: 5, '5': 5};
	const protocolVersion = versions[(flags.protocolVersion ?? 'mqttv5').toLowerCase()];
	if (protocolVersion === undefined) {
		throw new UserError(`-V/--protocol-version: '${flags.protocolVersion}' is not mqttv31, mqttv311 or mqttv5`, ExitCode.usage);
	}

	const refresh = flags.refresh ?? 1;
	if (!(refresh > 0 && refresh <= 3600)) {
		throw new UserError(`--refresh: ${refresh} is out of range (more than 0, at most 3600 seconds)`, ExitCode.usage);
	}

	const keepAlive = flags.keepalive ?? 30;
	if (!(Number.isInteger(keepAlive) && keepAlive >= 2 && keepAlive <= 3600)) {
		throw new UserError(`--keepalive: ${String(flags.keepalive)} is not a whole number of seconds from 2 to 3600`, ExitCode.usage);
	}

	if (password !== undefined && username === undefined) {
		throw new UserError('a password was given without -u/--username', ExitCode.usage);
	}

	return {
		node: `${host.includes(':') ? `[${host}]` : host}:${port}`,
		brokerType: 'mosquitto',
		transport,
		host,
		port,
		path: urlPath,
		username,
		password,
		clientId: flags.id ?? defaultClientId(),
		protocolVersion,
		ca: readPem(flags.cafile, '--cafile'),
		cert: readPem(flags.cert, '--cert'),
		key: readPem(flags.key, '--key'),
		insecure: flags.insecure ?? false,
		readOnly: flags.readOnly ?? false,
		refresh,
		filter: flags.filter ?? '',
		auditLog: flags.auditLog ?? defaultAuditLog(env),
		dynsecTimeout: 2000,
		logFile: logFileFlag(flags.logFile),
		logTimestampFormat: flags.logTimestampFormat,
		keepAlive,
	};
}

/** The broker's URL for display and the audit log: never contains the password. */
export function brokerUrl(config: Pick<Config, 'transport' | 'host' | 'port' | 'path'>): string {
	const host = config.host.includes(':') ? `[${config.host}]` : config.host;
	return `${config.transport}://${host}:${config.port}${config.path && config.path !== '/' ? config.path : ''}`;
}
