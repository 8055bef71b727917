import mqtt, {type IClientOptions, type MqttClient} from 'mqtt';
import {brokerUrl, type Config} from '../config.js';
import {ExitCode, UserError} from '../errors.js';

// CONNACK codes that mean "these credentials are not accepted": MQTT 3.1.1 (4, 5) and 5.0.
const credentialCodes = new Set([4, 5, 0x86, 0x87, 0x8c]);
const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** How long a connection attempt waits for CONNACK. */
export const connectTimeoutMs = 5000;

/** Seconds the broker keeps the monitor's MQTT 5 session after the link drops (ended at once on quit). */
export const monitorSessionExpiry = 3600;

export function clientOptions(config: Config, overrides: IClientOptions = {}): IClientOptions {
	return {
		protocol: config.transport,
		host: config.host,
		port: config.port,
		path: config.path,
		username: config.username,
		password: config.password,
		clientId: config.clientId,
		protocolVersion: config.protocolVersion,
		// MQTT 3.1 names its protocol MQIsdp; mqtt.js sends MQTT unless told.
		protocolId: config.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
		// MQTT 5: a session the broker keeps for a while, so that after a reconnect CONNACK's
		// session-present flag says whether the broker still knows us (false: it restarted, or
		// the link was down longer than the expiry). Older protocols have no expiry, and a kept
		// session would outlive the monitor, so they start clean and rely on $SYS/broker/uptime.
		clean: config.protocolVersion !== 5,
		properties: config.protocolVersion === 5 ? {sessionExpiryInterval: monitorSessionExpiry} : undefined,
		keepalive: config.keepAlive,
		connectTimeout: connectTimeoutMs,
		// The adapter schedules reconnects itself (with back-off) and subscribes again itself,
		// checking every SUBACK, so mqtt.js does neither.
		reconnectPeriod: 0,
		resubscribe: false,
		// mqtt-packet otherwise fills a cache of 65,536 two-byte buffers on the first packet: tens of
		// milliseconds and a burst of garbage before the first frame, for a client that sends little.
		writeCache: false,
		ca: config.ca,
		cert: config.cert,
		key: config.key,
		rejectUnauthorized: !config.insecure,
		...overrides,
	};
}

/** How far a failed attempt got before it failed: a reset after the TCP connect is not "is it running?". */
export type ConnectProgress = {tcpConnected: boolean; tlsEstablished: boolean};

/** Watches the socket mqtt.js has just created (TCP and TLS only; WebSocket streams are left alone). */
function watchProgress(client: MqttClient): ConnectProgress {
	const progress: ConnectProgress = {tcpConnected: false, tlsEstablished: false};
	const stream = client.stream as (NodeJS.EventEmitter & {connecting?: boolean}) | undefined;
	if (stream && typeof stream.connecting === 'boolean') {
		stream.once('connect', () => (progress.tcpConnected = true));
		stream.once('secureConnect', () => (progress.tlsEstablished = true));
	}

	return progress;
}

/** Turns whatever mqtt.js reports for a failed connect into one actionable line. */
export function explainConnectError(error: unknown, config: Config, progress?: ConnectProgress): UserError {
	const url = brokerUrl(config);
	const e = error as NodeJS.ErrnoException & {code?: string | number};
	const tls = config.transport === 'mqtts' || config.transport === 'wss';
	if (progress?.tcpConnected && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
		// Something listens on the port but hung up before speaking MQTT: most often TLS on one side only.
		if (tls && !progress.tlsEstablished) {
			return new UserError(
				`${url} closed the connection during the TLS handshake (${e.code}): is port ${config.port} a TLS listener? For plain MQTT use mqtt:// without --cafile/--cert`,
				ExitCode.unreachable,
			);
		}

		if (!tls) {
			return new UserError(
				`${url} closed the connection without answering (${e.code}): if port ${config.port} is a TLS listener, use mqtts:// or --cafile`,
				ExitCode.unreachable,
			);
		}
	}

	if (typeof e.code === 'number' && credentialCodes.has(e.code)) {
		const who = config.username === undefined ? 'anonymous access' : `user '${config.username}'`;
		return new UserError(
			`${url} refused ${who} (${e.message.replace(/^Connection refused: /, '')}): check -u/--username and -P/--password (or MQTT_TOP_PASSWORD)`,
			ExitCode.credentials,
		);
	}

	if (typeof e.code === 'number') {
		return new UserError(`${url} refused the connection: ${e.message}`, ExitCode.unreachable);
	}

	const code = typeof e.code === 'string' ? e.code : '';
	if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) || /certificate|ssl|tls/i.test(e.message ?? '')) {
		return new UserError(
			`TLS handshake with ${url} failed (${code || e.message}): pass the broker's CA with --cafile, or --insecure to skip verification`,
			ExitCode.unreachable,
		);
	}

	if (networkCodes.has(code) || /timeout|timed out/i.test(e.message ?? '')) {
		return new UserError(
			`cannot reach the broker at ${url} (${code || e.message}): is it running, and are -h/--host and -p/--port right?`,
			ExitCode.unreachable,
		);
	}

	return new UserError(`cannot connect to ${url}: ${e.message ?? String(error)}`, ExitCode.unreachable);
}

/**
 * Connects once and resolves on CONNACK; rejects with a UserError that says what to do. The
 * caller decides whether the client reconnects afterwards.
 */
export async function connect(config: Config, overrides: IClientOptions = {}): Promise<MqttClient> {
	const client = mqtt.connect(clientOptions(config, overrides));
	const progress = watchProgress(client);
	try {
		await new Promise<void>((resolve, reject) => {
			// mqtt.js can end a failed attempt with 'close' alone (e.g. a connect timeout).
			const timer = setTimeout(() => fail(Object.assign(new Error('connect timed out after 5 s'), {code: 'ETIMEDOUT'})), 6000);
			const onConnect = () => {
				done();
				resolve();
			};
			const fail = (error: Error) => {
				done();
				reject(error);
			};
			const onClose = () => fail(Object.assign(new Error('connection closed before CONNACK'), {code: 'ECONNRESET'}));
			// Only these listeners go: mqtt.js's own 'close' listener is what resets its state for a reconnect.
			const done = () => {
				clearTimeout(timer);
				client.off('connect', onConnect);
				client.off('error', fail);
				client.off('close', onClose);
			};
			client.on('connect', onConnect);
			client.on('error', fail);
			client.on('close', onClose);
		});
	} catch (error) {
		client.end(true);
		throw explainConnectError(error, config, progress);
	}

	// After a successful connect, errors are reported through connection state, not thrown.
	client.on('error', () => {});
	return client;
}

/**
 * Subscribes and checks every SUBACK: a refused subscription means the account lacks an ACL, and
 * the monitor would otherwise sit silently showing nothing.
 */
export async function subscribeOrExplain(client: MqttClient, topics: string[], config: Config): Promise<void> {
	let granted: Array<{topic: string; qos: number}>;
	try {
		granted = await client.subscribeAsync(topics, {qos: 0});
	} catch (error) {
		throw notAuthorised(topics, config, (error as Error).message);
	}

	const refused = granted.filter((g) => g.qos >= 128).map((g) => g.topic);
	if (refused.length > 0) throw notAuthorised(refused, config, 'refused');
}

function notAuthorised(topics: string[], config: Config, why: string): UserError {
	const who = config.username === undefined ? 'anonymous clients' : `user '${config.username}'`;
	return new UserError(
		`${brokerUrl(config)} did not let ${who} subscribe to ${topics.join(', ')} (${why.replace(/^Subscribe error: /, '')}): grant read access to $SYS/# (dynamic security: subscribePattern and publishClientReceive $SYS/#; ACL file: topic read $SYS/#)`,
		ExitCode.notAuthorised,
	);
}
