import {randomBytes} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {brokerTypes, type BrokerType} from './broker/driver.js';
import {loadBrokersFile} from './brokers-file.js';
import {ExitCode, UserError} from './errors.js';
import {decodeCredential, withoutCredentials} from './util/url-secrets.js';

export type Transport = 'mqtt' | 'mqtts' | 'ws' | 'wss';

/** One monitored broker (or cluster node): where it is and how to log in. */
export type NodeConfig = {
	/** Unique among the nodes: the file's `name`, else host:port. */
	name: string;
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
	ca?: Buffer;
	cert?: Buffer;
	key?: Buffer;
	insecure: boolean;
	/** The broker's log file: a path, false for none, undefined to use the local default when readable. */
	logFile?: string | false;
	/** The broker's `log_timestamp_format` (detected when absent). */
	logTimestampFormat?: string;
};

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
	/**
	 * Every monitored node, at least one. The connection fields above are the first node's, so
	 * single-broker code keeps working; a driver gets its node's own view from configForNode.
	 */
	nodes: NodeConfig[];
	/** Where the nodes came from when a brokers file was read (for messages). */
	brokersFile?: string;
	/** One-line warnings to print on stderr before starting (e.g. a password file others can read). */
	warnings: string[];
	/** Alert rules as given (--alert, the brokers file), parsed by alerts/rules.ts where they are used. */
	alerts?: AlertSource[];
};

/** One alert rule's text, where it was given (for messages) and the node it is limited to, if any. */
export type AlertSource = {text: string; from: string; node?: string};

export type ConfigFlags = {
	host?: string;
	port?: number;
	/** Repeatable: one node per URL. */
	url?: string | readonly string[];
	brokers?: string;
	brokerType?: string;
	apiUrl?: string;
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
	/** Repeatable --alert rules. */
	alert?: readonly string[];
};

const defaultPorts: Record<Transport, number> = {mqtt: 1883, mqtts: 8883, ws: 80, wss: 443};

/** Where each REST broker's management API listens by default, on the broker's own host. */
const defaultApiPorts: Partial<Record<BrokerType, number>> = {rabbitmq: 15672, emqx: 18083, vernemq: 8888};

export function readPem(file: string | undefined, flag: string): Buffer | undefined {
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

/** The brokers file read when no connection flag is given (and it exists). */
export function defaultBrokersFile(env: NodeJS.ProcessEnv = process.env): string {
	const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	return path.join(config, 'mqtt-top', 'brokers.toml');
}

function logFileFlag(value: string | boolean | undefined): string | false | undefined {
	// --no-log-file parses to false; a bare --log-file (no path) is a mistake.
	if (value === false || value === undefined) return value;
	if (value === true || value === '') throw new UserError('--log-file needs a path (or --no-log-file to turn it off)', ExitCode.usage);
	return value;
}

/** What one node is made of before validation: from flags, or from one table of a brokers file. */
export type NodeSpec = {
	name?: string;
	url?: string;
	host?: string;
	port?: number;
	type?: string;
	apiUrl?: string;
	username?: string;
	password?: string;
	cafile?: string;
	cert?: string;
	key?: string;
	insecure?: boolean;
	logFile?: string | false;
	logTimestampFormat?: string;
};

/** How a mistake in one spec field is named: a flag (`-L/--url`) or a file, broker and key. */
export type Where = (field: keyof NodeSpec) => string;

function fail(where: Where, field: keyof NodeSpec, message: string): never {
	throw new UserError(`${where(field)}: ${message}`, ExitCode.usage);
}

export function nodeName(host: string, port: number): string {
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One validated node from its spec. */
export function buildNode(spec: NodeSpec, where: Where): NodeConfig {
	let transport: Transport = spec.cafile || spec.cert ? 'mqtts' : 'mqtt';
	let host = spec.host ?? 'localhost';
	let port = spec.port;
	let urlPath: string | undefined;
	let username = spec.username;
	let password = spec.password;

	if (spec.url !== undefined) {
		let url: URL;
		try {
			url = new URL(spec.url);
		} catch {
			fail(where, 'url', `'${withoutCredentials(spec.url)}' is not a URL (e.g. mqtt://broker:1883)`);
		}

		const scheme = url.protocol.replace(/:$/, '');
		if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(scheme)) fail(where, 'url', `scheme '${scheme}' is not mqtt, mqtts, ws or wss`);
		transport = scheme as Transport;
		host = url.hostname.replace(/^\[|\]$/g, '');
		if (url.port) port = Number(url.port);
		const badEncoding = () => fail(where, 'url', 'the username or password in the URL is not valid percent-encoding (write % as %25)');
		if (url.username) username ??= decodeCredential(url.username) ?? badEncoding();
		if (url.password) password ??= decodeCredential(url.password) ?? badEncoding();
		if ((transport === 'ws' || transport === 'wss') && url.pathname) urlPath = url.pathname;
	}

	port ??= defaultPorts[transport];
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		fail(where, 'port', `${String(spec.port ?? port)} is not a port number (1–65535)`);
	}

	const type = spec.type ?? 'mosquitto';
	if (!(brokerTypes as readonly string[]).includes(type)) fail(where, 'type', `'${type}' is not one of ${brokerTypes.join(', ')}`);
	const brokerType = type as BrokerType;

	let apiUrl: string | undefined;
	const apiPort = defaultApiPorts[brokerType];
	if (spec.apiUrl !== undefined) {
		if (apiPort === undefined) fail(where, 'apiUrl', `${brokerType} has no management API to point at (drop it, or set the broker type)`);
		let parsed: URL | undefined;
		try {
			parsed = new URL(spec.apiUrl);
		} catch {
			parsed = undefined;
		}

		if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
			fail(where, 'apiUrl', `'${withoutCredentials(spec.apiUrl)}' is not an http:// or https:// URL (e.g. http://broker:${apiPort})`);
		}

		apiUrl = spec.apiUrl;
	} else if (apiPort !== undefined) {
		apiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${apiPort}`;
	}

	if (password !== undefined && username === undefined) fail(where, 'password', `a password was given without ${where('username')}`);

	return {
		name: spec.name ?? nodeName(host, port),
		brokerType,
		apiUrl,
		transport,
		host,
		port,
		path: urlPath,
		username,
		password,
		ca: readPem(spec.cafile, where('cafile')),
		cert: readPem(spec.cert, where('cert')),
		key: readPem(spec.key, where('key')),
		insecure: spec.insecure ?? false,
		logFile: spec.logFile,
		logTimestampFormat: spec.logTimestampFormat,
	};
}

const flagNames: Record<keyof NodeSpec, string> = {
	name: 'name',
	url: '-L/--url',
	host: '-h/--host',
	port: '-p/--port',
	type: '--broker-type',
	apiUrl: '--api-url',
	username: '-u/--username',
	password: '-P/--password',
	cafile: '--cafile',
	cert: '--cert',
	key: '--key',
	insecure: '--insecure',
	logFile: '--log-file',
	logTimestampFormat: '--log-timestamp-format',
};

function urls(flags: ConfigFlags): string[] {
	if (flags.url === undefined) return [];
	return typeof flags.url === 'string' ? [flags.url] : [...flags.url];
}

/** Connection flags that name a broker: with none of them, the default brokers file is read. */
function namesABroker(flags: ConfigFlags): boolean {
	return flags.host !== undefined || flags.port !== undefined || urls(flags).length > 0 || flags.brokers !== undefined;
}

/** The nodes from flags and environment (repeated -L, or -h/-p), or from a brokers file. */
function buildNodes(
	flags: ConfigFlags,
	env: NodeJS.ProcessEnv,
): {nodes: NodeConfig[]; file?: string; warnings: string[]; alerts: AlertSource[]} {
	const logFile = logFileFlag(flags.logFile);
	// Flags shared by every node given on the command line; in a brokers file, defaults for its entries.
	const shared: NodeSpec = {
		type: flags.brokerType,
		username: flags.username,
		password: flags.password ?? env.MQTT_TOP_PASSWORD,
		cafile: flags.cafile,
		cert: flags.cert,
		key: flags.key,
		insecure: flags.insecure,
		logTimestampFormat: flags.logTimestampFormat,
	};
	const where: Where = (field) => flagNames[field];
	let file = flags.brokers;
	if (file === undefined && !namesABroker(flags)) {
		const fallback = defaultBrokersFile(env);
		if (existsSync(fallback)) file = fallback;
	}

	if (file !== undefined) {
		if (urls(flags).length > 0 || flags.host !== undefined || flags.port !== undefined) {
			throw new UserError('--brokers names the brokers itself: drop -L/--url, -h/--host and -p/--port', ExitCode.usage);
		}

		if (flags.apiUrl !== undefined) throw new UserError(`--api-url is per broker with --brokers: set api_url in ${file}`, ExitCode.usage);
		const loaded = loadBrokersFile(file, env);
		// MQTT_TOP_PASSWORD goes with the command line's username, never alone (a file sets password_env).
		if (shared.username === undefined) shared.password = undefined;
		const nodes = loaded.entries.map((entry) => {
			const spec: NodeSpec = {...shared, ...entry.spec};
			// A password from the environment belongs to the command line's username only.
			if (entry.spec.username !== undefined && entry.spec.password === undefined) spec.password = undefined;
			if (spec.logFile === undefined && logFile !== undefined) {
				if (logFile !== false && loaded.entries.length > 1) {
					throw new UserError(`--log-file: which broker's file? set log_file per broker in ${file}`, ExitCode.usage);
				}

				spec.logFile = logFile;
			}

			// As with several -L: no broker is guessed to write the local default log file.
			if (spec.logFile === undefined && loaded.entries.length > 1) spec.logFile = false;

			return buildNode(spec, entry.where);
		});
		const alerts: AlertSource[] = (loaded.alerts ?? []).map((text) => ({text, from: `${file}: alert`}));
		loaded.entries.forEach((entry, index) => {
			for (const text of entry.alerts ?? [])
				alerts.push({text, from: `${file}: broker '${nodes[index].name}': alert`, node: nodes[index].name});
		});
		return {
			nodes: uniqueNames(nodes, (name) => `${file}: two brokers are named '${name}': give each its own name`),
			file,
			warnings: loaded.warnings,
			alerts,
		};
	}

	const given = urls(flags);
	const specs: NodeSpec[] =
		given.length === 0 ? [{...shared, host: flags.host, port: flags.port}] : given.map((url) => ({...shared, url, port: flags.port}));
	if (specs.length > 1) {
		if (typeof logFile === 'string')
			throw new UserError(
				"--log-file: which broker's file? with several brokers, set log_file per broker in a --brokers file",
				ExitCode.usage,
			);
		if (flags.apiUrl !== undefined)
			throw new UserError(
				"--api-url: which broker's API? with several brokers, set api_url per broker in a --brokers file",
				ExitCode.usage,
			);
	}

	const nodes = specs.map((spec) =>
		// A local broker's default log file belongs to one broker at most: with several, none is guessed.
		buildNode({...spec, apiUrl: flags.apiUrl, logFile: logFile ?? (specs.length > 1 ? false : undefined)}, where),
	);
	return {nodes: uniqueNames(nodes, (name) => `-L/--url: '${name}' is given twice`), warnings: [], alerts: []};
}

function uniqueNames(nodes: NodeConfig[], message: (name: string) => string): NodeConfig[] {
	const seen = new Set<string>();
	for (const node of nodes) {
		if (seen.has(node.name)) throw new UserError(message(node.name), ExitCode.usage);
		seen.add(node.name);
	}

	return nodes;
}

/** Flags and environment → one validated Config. Throws UserError (exit 2) on bad input. */
export function buildConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
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

	const {nodes, file, warnings, alerts} = buildNodes(flags, env);
	const first = nodes[0];
	return {
		node: first.name,
		brokerType: first.brokerType,
		apiUrl: first.apiUrl,
		transport: first.transport,
		host: first.host,
		port: first.port,
		path: first.path,
		username: first.username,
		password: first.password,
		clientId: flags.id ?? defaultClientId(),
		protocolVersion,
		ca: first.ca,
		cert: first.cert,
		key: first.key,
		insecure: first.insecure,
		readOnly: flags.readOnly ?? false,
		refresh,
		filter: flags.filter ?? '',
		auditLog: flags.auditLog ?? defaultAuditLog(env),
		dynsecTimeout: 2000,
		logFile: first.logFile,
		logTimestampFormat: first.logTimestampFormat,
		keepAlive,
		nodes,
		brokersFile: file,
		warnings,
		alerts: [...alerts, ...(flags.alert ?? []).map((text) => ({text, from: '--alert'}))],
	};
}

/** The monitor's client ID on the node at `index` of `count`: its own per node when there are several. */
export function nodeClientId(clientId: string, index: number, count: number): string {
	return count > 1 ? `${clientId}-${index + 1}` : clientId;
}

/**
 * The configuration one node's driver receives: that node's connection fields, name, type, API
 * and log file. With several nodes each gets its own MQTT client ID (`<id>-<n>`): two nodes of
 * one cluster share client IDs, so one ID would make the monitor's connections take each other over.
 */
export function configForNode(config: Config, node: NodeConfig | string): Config {
	const index = config.nodes.findIndex((n) => (typeof node === 'string' ? n.name === node : n === node));
	if (index < 0) throw new Error(`configForNode: no node ${typeof node === 'string' ? node : node.name}`);
	const own = config.nodes[index];
	return {
		...config,
		node: own.name,
		brokerType: own.brokerType,
		apiUrl: own.apiUrl,
		transport: own.transport,
		host: own.host,
		port: own.port,
		path: own.path,
		username: own.username,
		password: own.password,
		ca: own.ca,
		cert: own.cert,
		key: own.key,
		insecure: own.insecure,
		logFile: own.logFile,
		logTimestampFormat: own.logTimestampFormat,
		clientId: nodeClientId(config.clientId, index, config.nodes.length),
		nodes: [own],
	};
}

/** The broker's URL for display and the audit log: never contains the password. */
export function brokerUrl(config: Pick<Config, 'transport' | 'host' | 'port' | 'path'>): string {
	const host = config.host.includes(':') ? `[${config.host}]` : config.host;
	return `${config.transport}://${host}:${config.port}${config.path && config.path !== '/' ? config.path : ''}`;
}
