import type {DisconnectKind, Protocol, SessionEvent} from '../../model/types.js';
import type {Dialect} from './dialect.js';
import {parseBracketedDisconnect} from './disconnect-line.js';

/** What the parser may ask about client IDs it has seen, to split lines whose fields may contain spaces. */
export type KnownClientIds = {has(clientId: string): boolean};

const noneKnown: KnownClientIds = {has: () => false};

// The connect line's p<N>: 2.0 printed its own numbering, 2.1 prints the MQTT protocol level.
const protocols20: Record<string, Protocol> = {'1': '3.1', '2': '3.1.1', '5': '5.0'};
const protocols21: Record<string, Protocol> = {'3': '3.1', '4': '3.1.1', '5': '5.0'};
const protocolsAny: Record<string, Protocol> = {...protocols20, ...protocols21};

function protocolsOf(dialect: Dialect): Record<string, Protocol> {
	return dialect === '2.0' ? protocols20 : dialect === 'unknown' ? protocolsAny : protocols21;
}

// Connect lines are parsed from the right: client IDs may contain spaces, parentheses and " as ".
// The address never contains a space, so it ends at the first " as ".

/**
 * Splits `<unix-seconds>: <message>` (the payload of `$SYS/broker/log/...` and the default
 * file format). Payloads with another timestamp format, or none, keep `fallbackTime`.
 */
export function splitTimestamp(payload: string, fallbackTime: number): {time: number; message: string} {
	// The seconds are summed while scanning: no substring to convert, on the hottest path there is.
	let i = 0;
	let seconds = 0;
	while (i < payload.length) {
		const c = payload.charCodeAt(i);
		if (c < 48 || c > 57) break;
		seconds = seconds * 10 + (c - 48);
		i++;
	}

	if (i > 0 && payload.charCodeAt(i) === 58 && payload.charCodeAt(i + 1) === 32) {
		return {time: seconds * 1000, message: payload.slice(i + 2)};
	}

	return {time: fallbackTime, message: payload};
}

/** The number the digits before `end` spell (summed while scanning: no substring to convert). */
function secondsOf(text: string, end: number): number {
	let seconds = 0;
	for (let i = 0; i < end; i++) seconds = seconds * 10 + (text.charCodeAt(i) - 48);
	return seconds;
}

function splitAddress(address: string): {address: string; port: number} {
	const colon = address.lastIndexOf(':');
	if (colon <= 0) return {address, port: 0};
	return {address: address.slice(0, colon), port: Number(address.slice(colon + 1))};
}

function disconnect(time: number, clientId: string, kind: DisconnectKind, reason: string): SessionEvent {
	return {type: 'disconnect', time, clientId, kind, reason};
}

/** Lines that start with "Client " and end with a fixed phrase, in the order they must be tried. */
const clientSuffixes: Array<[suffix: string, kind: DisconnectKind | 'takeover' | 'auth', reason: string]> = [
	[' already connected, closing old connection.', 'takeover', 'taken over by a new connection'],
	// 2.1.0 (2.1.1+ writes "Client X [A:P] disconnected: session taken over.")
	[' disconnected, session taken over.', 'takeover', 'taken over by a new connection'],
	[' been disconnected by administrative action.', 'administrative', 'disconnected by administrative action'],
	[' closed its connection.', 'closed', 'closed its connection'],
	[' has exceeded timeout, disconnecting.', 'timeout', 'keep-alive timeout'],
	[' disconnected, not authorised.', 'auth', 'not authorised'],
	[' disconnected due to QoS too high or retain not supported.', 'protocol', 'QoS too high or retain not supported'],
];

function parseClientLine(message: string, time: number, dialect: Dialect): SessionEvent | undefined {
	if (dialect === '2.1.1' || dialect === 'unknown') {
		const event = parseBracketedDisconnect(message, time);
		if (event) return event;
	}

	for (const [suffix, kind, reason] of clientSuffixes) {
		if (!message.endsWith(suffix)) continue;
		const clientId = message.slice(7, message.length - suffix.length);
		if (kind === 'takeover') return {type: 'takeover', time, clientId};
		if (kind === 'auth') {
			return clientId === '<unknown>' ? {type: 'auth-failure', time} : {type: 'auth-failure', time, clientId};
		}

		return disconnect(time, clientId, kind, reason);
	}

	if (!message.endsWith('.')) return undefined;

	// "Client X disconnected due to protocol error." (also malformed packet, oversize packet, out of memory …)
	const dueTo = message.lastIndexOf(' disconnected due to ');
	if (dueTo > 7) {
		const cause = message.slice(dueTo + 21, -1);
		const kind: DisconnectKind = cause === 'out of memory' ? 'error' : 'protocol';
		return disconnect(time, message.slice(7, dueTo), kind, cause);
	}

	// "Client X disconnected: <strerror>."
	const errno = message.lastIndexOf(' disconnected: ');
	if (errno > 7) {
		return disconnect(time, message.slice(7, errno), 'error', message.slice(errno + 15, -1));
	}

	if (message.endsWith(' disconnected.')) {
		return disconnect(time, message.slice(7, -14), 'client', 'sent DISCONNECT');
	}

	return undefined;
}

/** JavaScript's \s: what ends the address in a connect line. */
function isWhiteSpace(c: number): boolean {
	return (
		c === 32 ||
		(c >= 9 && c <= 13) ||
		c === 0xa0 ||
		c === 0x1680 ||
		(c >= 0x2000 && c <= 0x200a) ||
		c === 0x2028 ||
		c === 0x2029 ||
		c === 0x202f ||
		c === 0x205f ||
		c === 0x3000 ||
		c === 0xfeff
	);
}

function digitsEnd(text: string, from: number): number {
	let i = from;
	while (i < text.length) {
		const c = text.charCodeAt(i);
		if (c < 48 || c > 57) break;
		i++;
	}

	return i;
}

/**
 * " (p<n>, c<0|1>, k<n>)." or " (p<n>, c<0|1>, k<n>, u'<username>')." from `at` to the end of the
 * line; undefined when the line does not end that way from there.
 */
function connectSuffix(message: string, at: number) {
	const protocolEnd = digitsEnd(message, at + 3);
	if (protocolEnd === at + 3 || !message.startsWith(', c', protocolEnd)) return undefined;
	const clean = message.charCodeAt(protocolEnd + 3);
	if (clean !== 48 && clean !== 49) return undefined;
	const keepAliveStart = protocolEnd + 4;
	if (!message.startsWith(', k', keepAliveStart)) return undefined;
	const keepAliveEnd = digitsEnd(message, keepAliveStart + 3);
	if (keepAliveEnd === keepAliveStart + 3) return undefined;
	let username: string | undefined;
	if (message.startsWith(", u'", keepAliveEnd)) {
		if (!message.endsWith("').") || message.length - 3 < keepAliveEnd + 4) return undefined;
		username = message.slice(keepAliveEnd + 4, message.length - 3);
	} else if (keepAliveEnd !== message.length - 2) {
		return undefined;
	}

	return {
		protocol: message.slice(at + 3, protocolEnd),
		cleanSession: clean === 49,
		keepAlive: Number(message.slice(keepAliveStart + 3, keepAliveEnd)),
		username,
	};
}

/**
 * "New client connected from 127.0.0.1:36848 as kitchen sensor 7 (p5, c1, k45, u'alice')." The
 * client ID is everything up to the rightmost " (p" the rest of the line parses from, exactly as
 * /^New (client|bridge) connected from (\S+) as (.*) \(p(\d+), c([01]), k(\d+)(?:, u'(.*)')?\)\.$/s
 * would split it, without running a backtracking regex on every connect of a replayed log.
 */
function parseConnect(message: string, time: number, dialect: Dialect): SessionEvent | undefined {
	// "New client connected from " and "New bridge connected from " are both 26 characters.
	let addressEnd = 26;
	while (addressEnd < message.length && !isWhiteSpace(message.charCodeAt(addressEnd))) addressEnd++;
	if (addressEnd === 26 || !message.startsWith(' as ', addressEnd) || !message.endsWith(').')) return undefined;
	const idStart = addressEnd + 4;
	let at = message.lastIndexOf(' (p');
	while (at >= idStart) {
		const suffix = connectSuffix(message, at);
		if (suffix) {
			const protocol = protocolsOf(dialect)[suffix.protocol];
			if (!protocol) return undefined;
			const {address, port} = splitAddress(message.slice(26, addressEnd));
			const event: SessionEvent = {
				type: 'connect',
				time,
				clientId: message.slice(idStart, at),
				address,
				port,
				protocol,
				cleanSession: suffix.cleanSession,
				keepAlive: suffix.keepAlive,
			};
			if (suffix.username !== undefined) event.username = suffix.username;
			if (message.charCodeAt(4) === 98) event.bridge = true; // New bridge …
			return event;
		}

		if (at === 0) break;
		at = message.lastIndexOf(' (p', at - 1);
	}

	return undefined;
}

function parseConnection(message: string, time: number): SessionEvent | undefined {
	// "New connection from 127.0.0.1:36848 on port 1883."
	const on = message.lastIndexOf(' on port ');
	if (on < 0 || !message.endsWith('.')) return undefined;
	const {address, port} = splitAddress(message.slice(20, on));
	return {type: 'connection', time, address, port, listenerPort: Number(message.slice(on + 9, -1))};
}

function parseDynsec(message: string, time: number): SessionEvent {
	// "dynsec: ops-console/admin | disableClient | username=alice"
	const parts = message.slice(8).split(' | ');
	const args: Record<string, string> = {};
	for (const part of parts.slice(2)) {
		const eq = part.indexOf('=');
		if (eq > 0) args[part.slice(0, eq)] = part.slice(eq + 1);
	}

	return {type: 'dynsec', time, actor: parts[0] ?? '', command: parts[1] ?? '', args};
}

/**
 * Parses one log message (timestamp already removed) into an event. Lines the parser does not
 * recognise become `unknown` events so they can be counted, never thrown.
 */
export function parseLogMessage(message: string, time: number, dialect: Dialect = 'unknown'): SessionEvent {
	let event: SessionEvent | undefined;
	if (message.startsWith('Client ')) {
		event = parseClientLine(message, time, dialect);
	} else if (message.startsWith('New connection from ')) {
		event = parseConnection(message, time);
	} else if (message.startsWith('New client connected from ') || message.startsWith('New bridge connected from ')) {
		event = parseConnect(message, time, dialect);
	} else if (message.startsWith('dynsec: ')) {
		event = parseDynsec(message, time);
	} else if (message.startsWith('Expiring client ') && message.endsWith(' due to timeout.')) {
		event = {type: 'expire', time, clientId: message.slice(16, -16)};
	} else if (message.startsWith('Bad socket read/write on client ')) {
		const rest = message.slice(32);
		const colon = rest.lastIndexOf(': ');
		if (colon > 0) event = disconnect(time, rest.slice(0, colon), 'error', rest.slice(colon + 2));
	} else if (message.startsWith('mosquitto version ') && message.endsWith(' starting')) {
		event = {type: 'broker-start', time, version: message.slice(18, -9)};
	}

	return event ?? {type: 'unknown', time, line: message};
}

/** The granted QoS `message` spells from `start` to `end`, or -1: 0–2 granted; 128–255 failure codes (0x80, MQTT 5 reason codes). */
function grantedQosAt(message: string, start: number, end: number): number {
	// Read in place: no substring per candidate split on every subscribe line of a replay.
	const length = end - start;
	if (length === 1) {
		const c = message.charCodeAt(start) - 48;
		return c >= 0 && c <= 2 ? c : -1;
	}

	if (length !== 3) return -1;
	let n = 0;
	for (let i = start; i < end; i++) {
		const c = message.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		n = n * 10 + c;
	}

	return n >= 128 && n <= 255 ? n : -1;
}

/**
 * "<client id> <granted qos> <filter>": both the ID and the filter may contain spaces. A split
 * whose ID is known wins (the longest such); otherwise the first split whose middle token is a
 * possible granted QoS.
 */
export function parseSubscribe(message: string, time: number, known: KnownClientIds = noneKnown): SessionEvent {
	// Only the chosen split becomes strings and an event: the candidates are kept as positions.
	let fallback = -1;
	let best = -1;
	let space = message.indexOf(' ');
	while (space > 0) {
		const next = message.indexOf(' ', space + 1);
		if (next < 0) break;
		if (grantedQosAt(message, space + 1, next) >= 0) {
			if (fallback < 0) fallback = space;
			if (known.has(message.slice(0, space))) best = space;
		}

		space = next;
	}

	const at = best >= 0 ? best : fallback;
	if (at < 0) return {type: 'unknown', time, line: message};
	const next = message.indexOf(' ', at + 1);
	return {
		type: 'subscribe',
		time,
		clientId: message.slice(0, at),
		qos: grantedQosAt(message, at + 1, next),
		topic: message.slice(next + 1),
	};
}

/** "<client id> <filter>": resolved against known IDs (the longest known wins), else at the first space. */
export function parseUnsubscribe(message: string, time: number, known: KnownClientIds = noneKnown): SessionEvent {
	let best = -1;
	let space = message.indexOf(' ');
	const first = space;
	while (space > 0) {
		if (known.has(message.slice(0, space))) best = space;
		space = message.indexOf(' ', space + 1);
	}

	const at = best > 0 ? best : first;
	if (at <= 0) return {type: 'unknown', time, line: message};
	return {type: 'unsubscribe', time, clientId: message.slice(0, at), topic: message.slice(at + 1)};
}

/**
 * One message from `$SYS/broker/log/#`. The topic tells subscribe and unsubscribe lines apart
 * from the rest, which share the notice/information/warning/error topics.
 */
export function parseLogTopicMessage(
	topic: string,
	payload: string,
	receivedAt: number,
	known: KnownClientIds = noneKnown,
	/** The broker's timestamp prefix (default: Unix seconds); `log_timestamp_format` puts the same prefix on the payloads. */
	split: (payload: string, fallbackTime: number) => {time: number; message: string} = splitTimestamp,
	/** Which Mosquitto wrote the line (see dialect.ts); unknown accepts every version's shapes. */
	dialect: Dialect = 'unknown',
): SessionEvent {
	let time: number;
	let message: string;
	if (split === splitTimestamp) {
		// The usual prefix, split here: no {time, message} object for every line of a replay.
		const end = digitsEnd(payload, 0);
		if (end > 0 && payload.charCodeAt(end) === 58 && payload.charCodeAt(end + 1) === 32) {
			time = secondsOf(payload, end) * 1000;
			message = payload.slice(end + 2);
		} else {
			time = receivedAt;
			message = payload;
		}
	} else {
		({time, message} = split(payload, receivedAt));
	}

	if (topic.endsWith('/M/subscribe')) return parseSubscribe(message, time, known);
	if (topic.endsWith('/M/unsubscribe')) return parseUnsubscribe(message, time, known);
	return parseLogMessage(message, time, dialect);
}
