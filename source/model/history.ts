import type {HistoryEntry} from './types.js';

/** What a history entry says, in words, for the detail view. Done only when a client is opened. */
export function describeHistory(entry: HistoryEntry): {kind: string; detail: string} {
	switch (entry.type) {
		case 'connect': {
			const who = entry.username === undefined ? 'no username' : `user ${entry.username}`;
			// MQTT 5's flag is Clean Start: it says nothing of what survives the connection.
			const session =
				entry.cleanSession === undefined
					? undefined
					: entry.protocol === '5.0'
						? `clean start ${entry.cleanSession ? 'c1' : 'c0'}`
						: entry.cleanSession
							? 'clean'
							: 'persistent';
			// A polled snapshot may leave any of these out: say only what is known.
			const parts = [
				entry.address === undefined ? undefined : `from ${entry.address}${entry.port === undefined ? '' : `:${entry.port}`}`,
				entry.protocol === undefined ? undefined : `MQTT ${entry.protocol}`,
				session,
				entry.keepAlive === undefined ? undefined : `keep-alive ${entry.keepAlive}s`,
				who,
			];
			return {kind: 'connect', detail: parts.filter((part) => part !== undefined).join(', ')};
		}

		case 'disconnect':
			return {kind: 'disconnect', detail: `disconnected: ${entry.reason}`};
		case 'auth-failure':
			return {kind: 'disconnect', detail: 'disconnected: not authorised'};
		case 'takeover':
			return {kind: 'takeover', detail: 'old connection closed by a new one with the same client ID'};
		case 'expire':
			return {kind: 'expire', detail: 'persistent session expired'};
		case 'subscribe':
			return {
				kind: 'subscribe',
				detail: entry.qos >= 128 ? `${entry.topic} refused (code ${entry.qos})` : `${entry.topic} (QoS ${entry.qos})`,
			};
		case 'unsubscribe':
			return {kind: 'unsubscribe', detail: entry.topic};
		case 'dynsec':
			return {kind: 'account', detail: `${entry.command} by ${entry.actor}`};
	}
}
