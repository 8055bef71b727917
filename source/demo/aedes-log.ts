// Mosquitto 2.0's log lines, byte for byte (see test/fixtures/mosquitto-2.0.11), so that the
// embedded aedes broker can be read by the unchanged Mosquitto adapter and log parser.

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

/** MQTT protocol level on the wire → Mosquitto's `pN` tag. */
const protocolTags: Record<number, string> = {3: 'p1', 4: 'p2', 5: 'p5'};

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

export function connectLine(c: ConnectDetails): LogLine {
	const tag = protocolTags[c.protocolVersion] ?? `p${c.protocolVersion}`;
	const user = c.username === undefined ? '' : `, u'${c.username}'`;
	return {
		topic: logTopics.notice,
		message: `New client connected from ${c.address}:${c.port} as ${c.clientId} (${tag}, c${c.clean ? 1 : 0}, k${c.keepalive}${user}).`,
	};
}

export function disconnectLine(clientId: string, cause: DisconnectCause): LogLine {
	let tail: string;
	if (typeof cause === 'object') tail = `disconnected: ${cause.error}.`;
	else if (cause === 'client') tail = 'disconnected.';
	else if (cause === 'closed') tail = 'closed its connection.';
	else if (cause === 'timeout') tail = 'has exceeded timeout, disconnecting.';
	else if (cause === 'protocol') tail = 'disconnected due to protocol error.';
	else tail = 'been disconnected by administrative action.';
	return {topic: logTopics.notice, message: `Client ${clientId} ${tail}`};
}

/** Bad credentials or a disabled account: Mosquitto does not log the client ID here. */
export function notAuthorisedLine(): LogLine {
	return {topic: logTopics.notice, message: 'Client <unknown> disconnected, not authorised.'};
}

/** Logged for the new connection; the old one gets no disconnect line of its own. */
export function takeoverLine(clientId: string): LogLine {
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
