// The brokers file: a fleet's connections, with credentials per broker, in one small TOML file.
//
//   [[broker]]
//   name = "edge-1"
//   url = "mqtts://edge-1.example:8883"
//   username = "monitor"
//   password_env = "EDGE_PASSWORD"
//
// Every mistake names the file, the broker and the key, so the operator can fix it in one go.
import {readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {parse} from 'smol-toml';
import type {NodeSpec, Where} from './config.js';
import {ExitCode, UserError} from './errors.js';
import {cleanText} from './util/sanitize.js';

/** `alerts`: the entry's own alert rules (they apply to that broker only). */
export type BrokerEntry = {spec: NodeSpec; where: Where; alerts?: string[]};
/** `alerts`: top-level alert rules, for every broker. */
export type BrokersFile = {entries: BrokerEntry[]; warnings: string[]; alerts?: string[]};

/** The file's keys, and the spec field each one sets. */
const keyOf: Record<keyof NodeSpec, string> = {
	name: 'name',
	url: 'url',
	host: 'host',
	port: 'port',
	type: 'type',
	apiUrl: 'api_url',
	username: 'username',
	password: 'password',
	cafile: 'cafile',
	cert: 'cert',
	key: 'key',
	insecure: 'insecure',
	logFile: 'log_file',
	logTimestampFormat: 'log_timestamp_format',
};
const passwordSources = ['password', 'password_env', 'password_file'] as const;
const knownKeys = new Set<string>([...Object.values(keyOf), ...passwordSources, 'alert']);

function usage(message: string): UserError {
	return new UserError(message, ExitCode.usage);
}

/** `alert = ["down:id:gw-01", "count<10"]` (the rules themselves are checked where they are parsed). */
function alertList(value: unknown, at: string): string[] | undefined {
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || value.some((rule) => typeof rule !== 'string' || rule.trim() === '')) {
		throw usage(`${at}: must be a list of rules, e.g. alert = ["down:id:gw-01", "count<10"]`);
	}

	return value as string[];
}

/** A file with a password in it that group or others may read: the operator should know. */
function readableByOthers(file: string): boolean {
	try {
		return (statSync(file).mode & 0o077) !== 0;
	} catch {
		return false;
	}
}

function exposedWarning(file: string): string {
	return `warning: ${file} holds a password and can be read by other users of this host: chmod 600 ${file}`;
}

/** Reads and checks a brokers file. Relative paths in it are relative to the file's folder. */
export function loadBrokersFile(file: string, env: NodeJS.ProcessEnv = process.env): BrokersFile {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw usage(`cannot read --brokers ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}

	let document: Record<string, unknown>;
	try {
		document = parse(text);
	} catch (error) {
		const first = (error as Error).message.split('\n')[0];
		throw usage(`${file}: not valid TOML: ${first}`);
	}

	for (const key of Object.keys(document)) {
		if (key !== 'broker' && key !== 'alert') throw usage(`${file}: unknown key '${key}' (each broker is a [[broker]] table)`);
	}

	const tables = document.broker;
	if (!Array.isArray(tables) || tables.length === 0) throw usage(`${file}: no brokers: add a [[broker]] table with a url`);
	const folder = path.dirname(file);
	const warnings = new Set<string>();
	const entries = tables.map((table: unknown, index): BrokerEntry => {
		const name = typeof table === 'object' && table !== null ? (table as Record<string, unknown>).name : undefined;
		const named = typeof name === 'string' && name !== '';
		const label = named ? `broker '${cleanText(name)}'` : `broker #${index + 1}`;
		const at = (key: string) => `${file}: ${label}: ${key}`;
		if (typeof table !== 'object' || table === null || Array.isArray(table)) throw usage(`${file}: ${label}: not a table`);
		const values = table as Record<string, unknown>;
		const string = (key: string): string | undefined => {
			const value = values[key];
			if (value === undefined) return undefined;
			if (typeof value !== 'string' || value === '') throw usage(`${at(key)}: must be a non-empty string`);
			return value;
		};

		const file_ = (key: string): string | undefined => {
			const value = string(key);
			return value === undefined ? undefined : path.resolve(folder, value);
		};

		for (const key of Object.keys(values)) {
			if (!knownKeys.has(key)) throw usage(`${at(key)}: unknown key (use ${[...knownKeys].join(', ')})`);
		}

		// Row keys put the node name before a control character: a name must not contain one.
		const nodeName = string('name');
		// eslint-disable-next-line no-control-regex
		if (nodeName !== undefined && /[\u0000-\u001f\u007f]/.test(nodeName)) throw usage(`${at('name')}: must not contain control characters`);

		const sources = passwordSources.filter((key) => values[key] !== undefined);
		if (sources.length > 1) throw usage(`${at(sources[1])}: give one of ${passwordSources.join(', ')}, not several`);

		const port = values.port;
		if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
			throw usage(`${at('port')}: ${String(port)} is not a port number (1–65535)`);
		}

		if (values.url !== undefined && (values.host !== undefined || port !== undefined)) {
			throw usage(`${at('url')}: give url, or host and port, not both`);
		}

		const insecure = values.insecure;
		if (insecure !== undefined && typeof insecure !== 'boolean') throw usage(`${at('insecure')}: must be true or false`);
		const logFile = values.log_file;
		if (logFile !== undefined && logFile !== false && (typeof logFile !== 'string' || logFile === '')) {
			throw usage(`${at('log_file')}: must be a path, or false for none`);
		}

		let password = string('password');
		if (password !== undefined && readableByOthers(file)) warnings.add(exposedWarning(file));
		const variable = string('password_env');
		if (variable !== undefined) {
			password = env[variable];
			if (password === undefined) throw usage(`${at('password_env')}: the environment variable ${variable} is not set`);
		}

		const passwordFile = file_('password_file');
		if (passwordFile !== undefined) {
			try {
				// One trailing newline is the editor's, not the password's.
				password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
			} catch (error) {
				throw usage(`${at('password_file')}: cannot read ${passwordFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			}

			if (readableByOthers(passwordFile)) warnings.add(exposedWarning(passwordFile));
		}

		const username = string('username');
		if (password !== undefined && username === undefined) throw usage(`${at(sources[0])}: a password needs a username`);

		const spec: NodeSpec = {
			name: nodeName,
			url: string('url'),
			host: string('host'),
			port: port as number | undefined,
			type: string('type'),
			apiUrl: string('api_url'),
			username,
			password,
			cafile: file_('cafile'),
			cert: file_('cert'),
			key: file_('key'),
			insecure: insecure as boolean | undefined,
			logFile: logFile === false ? false : file_('log_file'),
			logTimestampFormat: string('log_timestamp_format'),
		};
		for (const key of Object.keys(spec) as Array<keyof NodeSpec>) if (spec[key] === undefined) delete spec[key];
		const alerts = alertList(values.alert, at('alert'));
		return {spec, where: (field) => at(keyOf[field]), ...(alerts ? {alerts} : {})};
	});
	const alerts = alertList(document.alert, `${file}: alert`);
	return {entries, warnings: [...warnings], ...(alerts ? {alerts} : {})};
}
