// Mosquitto's log lines, byte for byte, in the 2.0 dialect (test/fixtures/mosquitto-2.0.11) or the
// 2.1.1+ one (test/fixtures/versions/*/mosquitto-2.1.2), so that the embedded aedes broker is read
// by the unchanged Mosquitto adapter and log parser, and the demo can exercise either dialect.

/** Which Mosquitto's lines the embedded broker writes (`--demo-dialect`). */
export type LogDialect = '2.0' | '2.1';

/** The client's end of a connection, which 2.1 prints in every disconnect line. */
export type Peer = {address: string; port: number};

export const logTopics = {
	notice: '$SYS/broker/log/N',
	information: '$SYS/broker/log/I',
	error: '$SYS/broker/log/E',
	subscribe: '$SYS/broker/log/M/subscribe',
	unsubscribe: '$SYS/broker/log/M/unsubscribe',
} as const;

export type LogLine = {topic: string; message: string};

/** Why a connection ended, in the words Mosquitto chooses between. */
export type DisconnectCause = 'client' | 'closed' | 'timeout' | 'protocol' | 'administrative' | {error: string};

/** MQTT protocol level on the wire → Mosquitto's `pN` tag: 2.0 numbered them itself, 2.1 prints the level. */
const protocolTags: Record<LogDialect, Record<number, string>> = {'2.0': {3: 'p1', 4: 'p2', 5: 'p5'}, '2.1': {3: 'p3', 4: 'p4', 5: 'p5'}};

/** The `$SYS/broker/log/...` payload: `<unix-seconds>: <message>`. */
export function logPayload(message: string, now = Date.now()): string {
	return `${Math.floor(now / 1000)}: ${message}`;
}

export function newConnectionLine(address: string, port: number, listenerPort: number): LogLine {
	return {topic: logTopics.notice, message: `New connection from ${address}:${port} on port ${listenerPort}.`};
}

export type ConnectDetails = {
	address: string;
	port: number;
	clientId: string;
	protocolVersion: number;
	clean: boolean;
	keepalive: number;
	username?: string;
};

export function connectLine(c: ConnectDetails, dialect: LogDialect = '2.0'): LogLine {
	const tag = protocolTags[dialect][c.protocolVersion] ?? `p${c.protocolVersion}`;
	const user = c.username === undefined ? '' : `, u'${c.username}'`;
	return {
		topic: logTopics.notice,
		message: `New client connected from ${c.address}:${c.port} as ${c.clientId} (${tag}, c${c.clean ? 1 : 0}, k${c.keepalive}${user}).`,
	};
}

/** 2.1.1+: "Client ID [ADDR:PORT] disconnected[: REASON]." with MQTT 5's reason strings. */
function disconnectLine21(clientId: string, cause: DisconnectCause, peer: Peer): LogLine {
	const reasons = {client: '', closed: 'connection closed by client', timeout: 'exceeded timeout', protocol: 'protocol error'};
	const reason = typeof cause === 'object' ? cause.error : cause === 'administrative' ? 'administrative action' : reasons[cause];
	const message = `Client ${clientId} [${peer.address}:${peer.port}] disconnected${reason === '' ? '' : `: ${reason}`}.`;
	return {topic: logTopics.notice, message};
}

export function disconnectLine(clientId: string, cause: DisconnectCause, dialect: LogDialect = '2.0', peer?: Peer): LogLine {
	if (dialect === '2.1') return disconnectLine21(clientId, cause, peer ?? {address: 'unknown', port: 0});
	let tail: string;
	if (typeof cause === 'object') tail = `disconnected: ${cause.error}.`;
	else if (cause === 'client') tail = 'disconnected.';
	else if (cause === 'closed') tail = 'closed its connection.';
	else if (cause === 'timeout') tail = 'has exceeded timeout, disconnecting.';
	else if (cause === 'protocol') tail = 'disconnected due to protocol error.';
	else tail = 'been disconnected by administrative action.';
	return {topic: logTopics.notice, message: `Client ${clientId} ${tail}`};
}

/** Bad credentials or a disabled account: 2.0 does not log the client ID here, 2.1.2 does. */
export function notAuthorisedLine(dialect: LogDialect = '2.0', clientId = '', peer?: Peer): LogLine {
	if (dialect === '2.0') return {topic: logTopics.notice, message: 'Client <unknown> disconnected, not authorised.'};
	const who = clientId === '' ? (peer?.address ?? 'unknown') : clientId;
	return disconnectLine21(who, {error: 'not authorised'}, peer ?? {address: 'unknown', port: 0});
}

/**
 * 2.0 logs "already connected" for the new connection, at level E, and nothing for the old one;
 * 2.1 logs the old connection's end, with its address, at level N.
 */
export function takeoverLine(clientId: string, dialect: LogDialect = '2.0', oldPeer?: Peer): LogLine {
	if (dialect === '2.1') return disconnectLine21(clientId, {error: 'session taken over'}, oldPeer ?? {address: 'unknown', port: 0});
	return {topic: logTopics.error, message: `Client ${clientId} already connected, closing old connection.`};
}

export function subscribeLine(clientId: string, grantedQos: number, filter: string): LogLine {
	return {topic: logTopics.subscribe, message: `${clientId} ${grantedQos} ${filter}`};
}

export function unsubscribeLine(clientId: string, filter: string): LogLine {
	return {topic: logTopics.unsubscribe, message: `${clientId} ${filter}`};
}

/** The dynamic-security audit line: `dynsec: <client id>/<username> | <command> | k=v | ...`. */
export function dynsecLine(clientId: string, username: string, command: string, args: Array<[string, string]>): LogLine {
	const parts = [`${clientId}/${username}`, command, ...args.map(([k, v]) => `${k}=${v}`)];
	return {topic: logTopics.information, message: `dynsec: ${parts.join(' | ')}`};
}
