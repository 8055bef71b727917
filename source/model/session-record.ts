import {newTrafficWindow} from './activity.js';
import type {HistoryEntry, Session, TrafficWindow} from './types.js';

export const historyLimit = 50;

/**
 * A copy that does not keep a whole log line alive: V8 makes substrings of 13 or more characters
 * point into their parent string, so a client ID sliced from a connect line would hold on to all
 * of it for as long as the session lives (about 300 bytes a session, measured at 100,000).
 */
export function own(text: string): string {
	return text.length < 13 ? text : Buffer.from(text).toString();
}

/** The newest time the broker said anything about this session. */
export function lastHeard(session: Session): number {
	const newest = session.history.length > 0 ? session.history[session.history.length - 1].time : -Infinity;
	return Math.max(newest, session.connectedAt ?? -Infinity, session.lastSeen ?? -Infinity);
}

/** `copy`: false for a client ID that is its own string already (see own). */
export function newSession(node: string, clientId: string, time: number, copy = true): Session {
	return {
		node,
		clientId: copy ? own(clientId) : clientId,
		subscriptions: new Map(),
		status: 'online',
		connectCount: 0,
		takeoverCount: 0,
		history: [],
		firstSeen: time,
		addedRevision: 0,
		changedRevision: 0,
	};
}

export function startTraffic(session: Session): TrafficWindow {
	session.messagesIn ??= 0;
	session.messagesOut ??= 0;
	session.bytesIn ??= 0;
	session.bytesOut ??= 0;
	return newTrafficWindow();
}

/**
 * Appends to a session's bounded history. The first few entries go into arrays of exactly the
 * right length (Array.push would reserve 17 slots on the first entry: 136 bytes for each of
 * 100,000 mostly quiet sessions); a busy session's history grows and slides in place.
 */
export function push(session: Session, entry: HistoryEntry): void {
	const {history} = session;
	if (history.length < 4) {
		const next: HistoryEntry[] = new Array(history.length + 1);
		for (let i = 0; i < history.length; i++) next[i] = history[i];
		next[history.length] = entry;
		session.history = next;
		return;
	}

	history.push(entry);
	if (history.length > historyLimit) history.shift();
}
