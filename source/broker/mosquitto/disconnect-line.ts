// Mosquitto 2.1.1 and later write every disconnect the same way (src/loop.c):
//   Client ID [ADDR:PORT] disconnected.
//   Client ID [ADDR:PORT] disconnected: REASON.
//   Client ID [ADDR:PORT] disconnected: bad socket read/write: TEXT      (no final dot)
// REASON is the MQTT 5 reason string of the disconnect, or a socket error's text. Each is mapped
// to the event kinds the 2.0 lines give, so the store and the view never ask which version wrote it.
import type {DisconnectKind, SessionEvent} from '../../model/types.js';

type Mapped = DisconnectKind | 'auth' | 'takeover';

const reasons = new Map<string, Mapped>([
	['connection closed by client', 'closed'],
	['exceeded timeout', 'timeout'],
	['administrative action', 'administrative'],
	['session taken over', 'takeover'],
	['not authorised', 'auth'],
	['bad username or password', 'auth'],
	['client banned', 'auth'],
	['bad authentication method', 'auth'],
	['malformed packet', 'protocol'],
	['protocol error', 'protocol'],
	['oversize packet', 'protocol'],
	['oversize payload', 'protocol'],
	['receive maximum exceeded', 'protocol'],
	['topic alias invalid', 'protocol'],
	['client identifier not valid', 'protocol'],
	['non-matching http origin', 'protocol'],
	['out of memory', 'error'],
	['implementation specific error', 'error'],
	['server unavailable', 'error'],
	['server busy', 'error'],
	['quota exceeded', 'error'],
	['connection rate exceeded', 'error'],
]);

// The reasons 2.0 gives these kinds (log-parser.ts), so a session's last disconnect reads the same
// whichever version wrote it; protocol and socket errors keep the broker's own words.
const sameAs20: Partial<Record<DisconnectKind, string>> = {
	closed: 'closed its connection',
	timeout: 'keep-alive timeout',
	administrative: 'disconnected by administrative action',
};

/** The kind a 2.1.1+ REASON maps to; socket error texts and anything new are errors. */
export function kindOfReason(reason: string): Mapped {
	const known = reasons.get(reason);
	if (known) return known;
	if (reason.startsWith('used disallowed feature')) return 'protocol';
	return 'error';
}

/** "[ADDR:PORT]" with a numeric port; IPv6 addresses keep their colons (`[::1:51234]`). */
function isAddress(text: string): boolean {
	const colon = text.lastIndexOf(':');
	if (colon <= 0 || colon === text.length - 1) return false;
	for (let i = colon + 1; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}

	return !text.includes(' ');
}

const marker = '] disconnected';

/**
 * Parses a 2.1.1+ disconnect line ("Client " already checked by the caller), or returns undefined
 * when the line does not have that shape. The client ID is everything before the last " [ADDR:PORT]"
 * that ends in "] disconnected": IDs may contain spaces and brackets.
 */
export function parseBracketedDisconnect(message: string, time: number): SessionEvent | undefined {
	const end = message.lastIndexOf(marker);
	if (end < 0) return undefined;
	const open = message.lastIndexOf(' [', end);
	if (open < 7 || !isAddress(message.slice(open + 2, end))) return undefined;
	const address = message.slice(open + 2, end);
	const clientId = message.slice(7, open);
	const tail = message.slice(end + marker.length);
	if (tail === '.') return {type: 'disconnect', time, clientId, kind: 'client', reason: 'sent DISCONNECT'};
	if (!tail.startsWith(': ')) return undefined;
	const reason = tail.endsWith('.') ? tail.slice(2, -1) : tail.slice(2);
	if (reason === '') return undefined;
	const kind = kindOfReason(reason);
	if (kind === 'takeover') return {type: 'takeover', time, clientId};
	// A refused CONNECT without a client ID is logged under its address instead.
	if (kind === 'auth')
		return clientId === address.slice(0, address.lastIndexOf(':')) ? {type: 'auth-failure', time} : {type: 'auth-failure', time, clientId};
	return {type: 'disconnect', time, clientId, kind, reason: sameAs20[kind] ?? reason};
}
